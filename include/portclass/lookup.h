/*
 * lookup.h - `portclass lookup`: what the registry says about ports or a
 * service name, like getent services but with the IANA status and the
 * unofficial uses (docs/unassigned.md).
 */
#ifndef PORTCLASS_LOOKUP_H
#define PORTCLASS_LOOKUP_H

#include <stdio.h>

struct registry;

/*
 * Answer one query on fp: "3306/tcp", "3306" (every protocol), a range
 * "49152-49160/udp", or a service name ("mysql", case-insensitive, every
 * port it is registered on).  Returns 0 when answered, 1 when a name
 * matched nothing, -1 (and a message in errbuf, PC_ERRBUF_SIZE) for a
 * query that is not one of these forms.
 */
int	lookup_query(FILE *fp, const struct registry *reg, const char *q,
	    char *errbuf);

/*
 * The subcommand: argv[0] is "lookup"; options --registry FILE (repeat)
 * and --map FILE, then queries.  Returns the exit status: 0 all answered,
 * 1 some name not found, 2 usage or data errors.
 */
int	lookup_main(int argc, char **argv);

#endif /* PORTCLASS_LOOKUP_H */
