/*
 * unofficial.h - well-known unofficial uses of ports, a layer next to the
 * IANA status and never instead of it.
 *
 * The data is data/unofficial-ports.tsv, derived by
 * scripts/make-unofficial.sh from Wikipedia's "List of TCP and UDP port
 * numbers" (Wikipedia contributors, CC BY-SA 4.0; data/README) and compiled
 * in.  Each line names a protocol, a port or a range "lo-hi", and a short
 * description in UTF-8; rows of one (protocol, range) are merged, their
 * texts joined by "; ".  The layer says what software is known to use a
 * port without an IANA assignment ("Minecraft ..." on 25565/tcp); it
 * never changes a port's status or the service-port rule.
 *
 * The table holds every use; reports show only the specific ones
 * (unofficial_judge, docs/unassigned.md): a use of that one port, or of a
 * range of at most UNOFFICIAL_RANGE_MAX ports on a port without a name of
 * its own.  `portclass lookup` lists them all, each with its verdict.
 *
 * The table is immutable once built; lookups allocate nothing.
 */
#ifndef PORTCLASS_UNOFFICIAL_H
#define PORTCLASS_UNOFFICIAL_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/registry.h"

/* One line of the data: proto is an enum pc_proto (tcp, udp, sctp, dccp). */
struct unofficial_use {
	uint8_t		 proto;
	uint16_t	 lo, hi;	/* inclusive; lo == hi for one port */
	const char	*text;		/* owned by the table */
};

struct unofficial;

/*
 * The widest range a report shows.  The data's ranges are 2 to 70 ports
 * wide or 401 and wider (League of Legends 5000-5500/udp, VoIP
 * 10000-20000/udp, every dynamic TCP port): the limit sits in that gap.
 */
#define UNOFFICIAL_RANGE_MAX	100

/* Whether reports show a use on a port (unofficial_judge). */
enum unofficial_verdict {
	UNOFFICIAL_SHOWN = 0,	/* that one port, or a narrow range */
	UNOFFICIAL_WIDE,	/* a range wider than UNOFFICIAL_RANGE_MAX */
	UNOFFICIAL_NAMED	/* a range, and the port has its own name */
};

/*
 * Parse TSV data (the format above; blank lines and lines starting '#' are
 * skipped; a description must be UTF-8 without control characters).  On
 * error returns NULL and writes "NAME:LINE: reason" to errbuf
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
 * The verdict on use u for a port of IANA status status: a use of that
 * port alone is shown whatever the status; a range is shown only when it
 * spans at most UNOFFICIAL_RANGE_MAX ports and the port has no name of its
 * own (status unassigned, reserved or dynamic; not assigned or local).
 * A wide range is UNOFFICIAL_WIDE whatever the status.
 */
enum unofficial_verdict	 unofficial_judge(const struct unofficial_use *u,
			    enum reg_status status);

/*
 * The use a report shows for (proto, port) of IANA status status: the most
 * specific use that unofficial_judge shows (that port alone, else the
 * narrowest range); NULL when none.  PC_PROTO_UDPLITE asks for UDP's
 * (RFC 3828).  Owned by the table.
 */
const struct unofficial_use *unofficial_report(const struct unofficial *,
			    unsigned int proto, uint16_t port,
			    enum reg_status status);

/*
 * Every line holding (proto, port), whatever the verdict, single ports
 * first, then ranges from the narrowest: writes up to max pointers to out,
 * returns how many exist.
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
