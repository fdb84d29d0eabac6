/*
 * listener.h - a bounded memory of which endpoints listen.
 *
 * An endpoint is (transport, IP version, address, port).  It is known to
 * listen when the capture showed evidence of it (docs/service-port.md):
 *  - handshake: it answered an opening handshake (TCP SYN+ACK, SCTP
 *    INIT ACK, DCCP Response) whose opening the capture saw too, or in
 *    the warm-up;
 *  - fan-in: it met two or more peer endpoints, whose ports differed, in
 *    more conversations than it opened itself.
 * A known listener is the service of every packet it sends or receives,
 * on every connection, including those whose handshake was never captured.
 *
 * The evidence is gathered from a table of conversations (both directions
 * of a 5-tuple, a 32-bit fingerprint each).  A conversation seen for the
 * first time counts once: for the side that did not open it when a
 * handshake says who did; for both sides, with the sender marked as its
 * opener, when a UDP packet after the warm-up is the first one seen; for
 * both sides when nothing says (a capture begun mid-stream).  It also
 * remembers who sent first.  Counts of endpoints that are not listeners
 * yet live in a table of candidates; one that qualifies moves to the
 * listener table.
 *
 * What earns a place.  A SYN scan meets each target endpoint once and
 * opens every conversation itself; a UDP scanner sends first to everyone;
 * each source of a spoofed flood has one peer: none of them qualifies.
 * The target of a flood does, rightly: it is the service flooded.  A
 * listener enters on probation; used again (a packet classified by it,
 * or one more conversation) it becomes protected.  Eviction takes the
 * least recently used listener on probation first, so endpoints that
 * qualified once and were never seen again go before listeners in use.
 *
 * Every table is allocated once, in listener_new(), and has a fixed size:
 * nothing here allocates, logs or calls the system per packet.  Each
 * table counts what it evicted (listener_stats()).  A table is not
 * thread-safe; one capture loop owns it.
 */
#ifndef PORTCLASS_LISTENER_H
#define PORTCLASS_LISTENER_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/decode.h"

#define LISTENER_DEFAULT_CAP	16384

/*
 * A conversation first seen within this many seconds of the first packet
 * may have begun before the capture did: who sent first then says nothing
 * about who is the server.
 */
#define LISTENER_WARMUP		5

/* What an endpoint is known by; a higher value is stronger evidence. */
enum listener_kind {
	LISTENER_NONE = 0,
	LISTENER_FANIN,		/* met many peers it did not call */
	LISTENER_HANDSHAKE	/* answered an opening handshake */
};

/* Which side of a packet sent its conversation's first packet. */
enum listener_first {
	LISTENER_FIRST_UNKNOWN = 0,
	LISTENER_FIRST_SRC,	/* the packet's source sent first */
	LISTENER_FIRST_DST	/* its destination did */
};

/* How an opening handshake's packet is seen (classify.c says which). */
enum listener_open {
	LISTENER_OPEN = 1,	/* SYN, INIT, Request: the source opens */
	LISTENER_ACCEPT		/* SYN+ACK, INIT ACK, Response: it accepts */
};

struct listener_stats {
	size_t		listeners;		/* held now, <= capacity */
	size_t		capacity;
	uint64_t	evictions;		/* listeners evicted */
	uint64_t	conversation_evictions;	/* forgotten to make room */
	uint64_t	candidate_evictions;	/* fan-in counts lost */
};

/* What listener_pick() found. */
struct listener_verdict {
	uint16_t	port;		/* the listening endpoint's port */
	uint8_t		kind;		/* enum listener_kind, not NONE */
};

struct listener_table;

/*
 * What every listener table starts with, for listener_hinted() to read
 * inline: how many listeners are held per [transport][port].
 */
struct listener_head {
	const uint16_t	*hints;
};

/*
 * 1 if some listener is held on (proto, port): a packet whose ports have
 * none need not ask listener_pick().  A count that reached its maximum
 * stays there, so a false 1 only costs a lookup.
 */
static inline int
listener_hinted(const struct listener_table *lt, unsigned int proto,
    uint16_t port)
{
	const struct listener_head	*h = (const void *)lt;

	return (h->hints[(size_t)proto * 65536 + port] != 0);
}

/*
 * A memory of at most cap listeners (0: LISTENER_DEFAULT_CAP), with its
 * conversation and candidate tables, whose hashes seed keys: the same
 * seed and packets give the same answers.  Startup allocation: exits
 * through fatal() if there is no memory.  Never NULL.
 */
struct listener_table	*listener_new(size_t cap, uint64_t seed);

/*
 * Note one PKT_PORTS packet (ipver 4 or 6) of time ts (seconds) that is
 * not a handshake, and say which side sent its conversation's first
 * packet when the capture saw that happen: only for transports without a
 * handshake portclass reads (UDP, UDP-Lite), for conversations that began
 * after the warm-up.  Gathers fan-in.
 */
enum listener_first	 listener_observe(struct listener_table *,
			    const struct pkt_info *pi, int64_t ts);

/*
 * Note a handshake packet: LISTENER_OPEN says its source opened the
 * conversation, LISTENER_ACCEPT that its source accepted it, which makes
 * the source a listener (LISTENER_HANDSHAKE).
 */
void			 listener_handshake(struct listener_table *,
			    const struct pkt_info *pi, int64_t ts,
			    enum listener_open how);

/*
 * Of the packet's endpoints, the one whose evidence is stronger: a kind
 * beats a weaker kind, then more peers beat fewer.  Only
 * the source (check_src) and the destination (check_dst) are asked, and
 * only those on a port where some listener is held (a per-port count that
 * keeps the lookup off most packets).  Returns 1 and fills *v when an
 * asked endpoint is a listener and outranks the other endpoint; 0 when
 * neither is known, they tie, or the endpoint not asked is stronger.
 */
int			 listener_pick(struct listener_table *,
			    const struct pkt_info *pi, int check_src,
			    int check_dst, struct listener_verdict *v);

void			 listener_stats(const struct listener_table *,
			    struct listener_stats *);

/* Free the table.  NULL is ignored. */
void			 listener_free(struct listener_table *);

#endif /* PORTCLASS_LISTENER_H */
