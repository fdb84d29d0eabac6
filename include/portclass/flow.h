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
 */
#ifndef PORTCLASS_FLOW_H
#define PORTCLASS_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/decode.h"

#define FLOW_DEFAULT_CAP	65536

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
 * destination (server_is_dst = 1) or its source (0).  Refreshes the flow's
 * age; may evict the least recently used flow.
 */
void			 flow_learn(struct flow_cache *,
			    const struct pkt_info *pi, int server_is_dst);

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
