/*
 * flow.h - a bounded cache of which side of a connection is the server.
 *
 * Filled from handshake evidence (TCP SYN / SYN+ACK, SCTP INIT / INIT ACK)
 * and read for every later packet of the connection.  It holds at most
 * `cap` flows in memory allocated once at creation; when full, the least
 * recently used flow is evicted and counted.  Nothing is allocated per
 * packet.  Flows are never dropped on FIN or RST: a reused tuple starts
 * with a new handshake, which overwrites the old entry (docs/service-port.md).
 * A cache is not thread-safe; one capture loop owns it.
 *
 * Hints keep lookups off the per-packet path.  The classifier stores only
 * the connections whose handshake contradicts the status rule (the client
 * port outranks the server's, as with a client on 3306), and tags each with
 * the hint of the answer the status rule gives for it: flow_hint(proto,
 * port), or flow_hint(proto, FLOW_HINT_EPHEMERAL).  Every later packet
 * whose status-rule answer has no learnt flow (flow_hinted() is 0) skips
 * the hash lookup altogether, which is nearly all traffic.
 */
#ifndef PORTCLASS_FLOW_H
#define PORTCLASS_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/decode.h"

#define FLOW_DEFAULT_CAP	32768

#define FLOW_HINT_EPHEMERAL	65536	/* "port" of the ephemeral answer */
#define FLOW_HINTS		(PC_PROTO_COUNT * (FLOW_HINT_EPHEMERAL + 1))

/* The hint for a status-rule answer: port, or FLOW_HINT_EPHEMERAL. */
static inline uint32_t
flow_hint(unsigned int proto, uint32_t port)
{
	return ((uint32_t)proto * (FLOW_HINT_EPHEMERAL + 1) + port);
}

struct flow_cache;

/*
 * A cache of at most cap flows (cap 0 is taken as 1).  All memory is
 * allocated here; exits through fatal() if there is none.  Never NULL.
 * The caller owns the cache and releases it with flow_free().
 */
struct flow_cache	*flow_new(size_t cap);

/*
 * pi must be a PKT_PORTS packet with ipver 4 or 6; its bytes are copied,
 * never kept.  Both directions of a connection are the same flow.
 *
 * Remember that in the connection of *pi the server is the packet's
 * destination (server_is_dst = 1) or its source (0), tagged with hint
 * (see above; out-of-range hints are ignored).  Refreshes the flow's age;
 * may evict the least recently used flow.
 */
void			 flow_learn(struct flow_cache *,
			    const struct pkt_info *pi, int server_is_dst,
			    uint32_t hint);

/* Drop the connection of *pi if it is known (its slot is reused). */
void			 flow_forget(struct flow_cache *,
			    const struct pkt_info *pi);

/* 1 if some flow held now was learnt with this hint. */
int			 flow_hinted(const struct flow_cache *, uint32_t hint);

/*
 * If the connection of *pi is known, set *server_port to the server's port
 * and return 1 (refreshing the flow's age); otherwise return 0.
 */
int			 flow_server_port(struct flow_cache *,
			    const struct pkt_info *pi, uint16_t *server_port);

/* Flows held now (<= capacity), the capacity, and evictions so far. */
size_t			 flow_count(const struct flow_cache *);
size_t			 flow_capacity(const struct flow_cache *);
uint64_t		 flow_evictions(const struct flow_cache *);

/* Free the cache and everything in it.  NULL is ignored. */
void			 flow_free(struct flow_cache *);

#endif /* PORTCLASS_FLOW_H */
