/*
 * counters.h - per-service packet and byte counters, and named counters.
 *
 * One struct counters holds an interval's (or a run's) counts: for every
 * (protocol, service port) and the per-protocol ephemeral row, packets and
 * bytes; and for every frame that has no service port, a named counter.
 * The port counters are flat arrays allocated once (pages that are never
 * touched cost no memory), so adding is a couple of stores: no allocation,
 * no hashing.  A list of touched slots makes reset and iteration
 * proportional to what was seen, not to 65536.
 */
#ifndef PORTCLASS_COUNTERS_H
#define PORTCLASS_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/classify.h"
#include "portclass/proto.h"

/* Where a frame without a service port lands.  Names are in counters_name. */
enum counter_id {
	CTR_ICMP = 0,		/* ICMP, errors quoting a transport included */
	CTR_ICMPV6,		/* ICMPv6, likewise */
	CTR_OTHER_IP,		/* IP with another protocol (ESP, OSPF, ...) */
	CTR_NON_IP,		/* not IP (ARP, LLDP, STP, ...) */
	CTR_FRAGMENT,		/* non-first IP fragment: no ports */
	CTR_TRUNCATED,		/* cut by the snaplen before the ports */
	CTR_MALFORMED,		/* a header lies about its length or version */
	CTR_UNSUPPORTED_LINK,	/* link type portclass does not decode */
	CTR_COUNT
};

/* A slot for (proto, port); port COUNTERS_EPHEMERAL is the ephemeral row. */
#define COUNTERS_EPHEMERAL	65536

struct counter_pair {
	uint64_t	packets;
	uint64_t	bytes;
};

/* One service row as iterated: the ephemeral row has ephemeral = 1. */
struct counter_row {
	uint8_t			proto;		/* enum pc_proto */
	uint8_t			ephemeral;
	uint16_t		port;
	struct counter_pair	c;
	/*
	 * packets per enum classify_reason, why they landed here: the
	 * counters' own array, valid until they next change
	 */
	const uint64_t		*reasons;
};

struct counters;

struct counters	*counters_new(void);
void		 counters_free(struct counters *);

/* Count one frame of wirelen bytes for (proto, port) or the ephemeral row. */
void		 counters_add_port(struct counters *, unsigned int proto,
		    unsigned int port, uint32_t wirelen);
void		 counters_add_ephemeral(struct counters *, unsigned int proto,
		    uint32_t wirelen);
/*
 * The same as counters_add_port (port COUNTERS_EPHEMERAL: the ephemeral
 * row), also counting the packet under why, an enum classify_reason, in
 * the slot's reason counters: a second array beside the packet and byte
 * counts, so the hot slot stays 16 bytes.  An unknown reason counts the
 * packet but no reason.
 */
void		 counters_add_why(struct counters *, unsigned int proto,
		    unsigned int port, uint32_t wirelen, unsigned int why);
/* counters_add_why() for n packets of bytes in all, at once. */
void		 counters_add_n(struct counters *, unsigned int proto,
		    unsigned int port, uint64_t n, uint64_t bytes,
		    unsigned int why);
void		 counters_add_named(struct counters *, enum counter_id,
		    uint32_t wirelen);

/* Add every count of src into dst (folds an interval into the run). */
void		 counters_merge(struct counters *dst, const struct counters *src);

/* Zero every count; cost proportional to the slots touched. */
void		 counters_reset(struct counters *);

/*
 * The service rows with at least one packet, in no particular order.
 * Writes up to max rows and returns how many exist.
 */
size_t		 counters_rows(const struct counters *, struct counter_row *,
		    size_t max);

/* The named counter id, and all frames (service rows + named). */
struct counter_pair	counters_named(const struct counters *, enum counter_id);
struct counter_pair	counters_total(const struct counters *);
struct counter_pair	counters_service_total(const struct counters *);

/* "icmp", "icmpv6", "other_ip", "non_ip", "fragment", "truncated", ... */
const char	*counters_name(enum counter_id);

#endif /* PORTCLASS_COUNTERS_H */
