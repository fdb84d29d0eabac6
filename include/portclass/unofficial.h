/*
 * unofficial.h - well-known unofficial uses of ports, a layer next to the
 * IANA status and never instead of it.
 *
 * The data is data/unofficial-ports.tsv, derived by
 * scripts/make-unofficial.sh from Wikipedia's "List of TCP and UDP port
 * numbers" (Wikipedia contributors, CC BY-SA 4.0; data/README) and compiled
 * in.  Each line names a protocol, a port or a range "lo-hi", and a short
 * plain-text description; rows of one (protocol, range) are merged, their
 * texts joined by "; ".  The layer says what software is known to use a
 * port without an IANA assignment ("Minecraft ..." on 25565/tcp); it
 * never changes a port's status or the service-port rule.
 *
 * The table is immutable once built; lookups allocate nothing.
 */
#ifndef PORTCLASS_UNOFFICIAL_H
#define PORTCLASS_UNOFFICIAL_H

#include <stddef.h>
#include <stdint.h>

/* One line of the data: proto is an enum pc_proto (tcp, udp, sctp, dccp). */
struct unofficial_use {
	uint8_t		 proto;
	uint16_t	 lo, hi;	/* inclusive; lo == hi for one port */
	const char	*text;		/* owned by the table */
};

struct unofficial;

/*
 * Parse TSV data (the format above; blank lines and lines starting '#' are
 * skipped).  On error returns NULL and writes "NAME:LINE: reason" to errbuf
 * (PC_ERRBUF_SIZE bytes).  The bytes are copied.
 */
struct unofficial	*unofficial_parse(const char *name, const char *buf,
			    size_t len, char *errbuf);

/*
 * The compiled-in table, built on the first call (not thread-safe: call it
 * once from the main thread before others may).  A broken embedded file is
 * a build bug: fatal.  Never NULL; lives until exit.
 */
const struct unofficial	*unofficial_default(void);

/*
 * The most specific use of (proto, port): a line for that port alone, else
 * the narrowest range holding it; NULL when none.  PC_PROTO_UDPLITE asks
 * for UDP's (RFC 3828).  The string is owned by the table.
 */
const char		*unofficial_lookup(const struct unofficial *,
			    unsigned int proto, uint16_t port);

/*
 * Every line holding (proto, port), single ports first, then ranges from
 * the narrowest: writes up to max pointers to out, returns how many exist.
 */
size_t			 unofficial_find(const struct unofficial *,
			    unsigned int proto, uint16_t port,
			    const struct unofficial_use **out, size_t max);

/* Lines held. */
size_t			 unofficial_count(const struct unofficial *);

/* Where the data comes from and its date, for lookup and --version. */
#define UNOFFICIAL_SOURCE	"Wikipedia, \"List of TCP and UDP port numbers\"" \
				" (CC BY-SA 4.0)"
#define UNOFFICIAL_DATE		"2026-08-02"

void			 unofficial_free(struct unofficial *);

#endif /* PORTCLASS_UNOFFICIAL_H */
