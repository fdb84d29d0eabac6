/*
 * listener.c - which endpoints listen, learned from handshakes and fan-in
 * (listener.h, docs/service-port.md).
 *
 * Three fixed-size tables, all allocated by listener_new():
 *
 *  - conversations: 4-way buckets of 32-bit entries, a fingerprint of the
 *    5-tuple (both directions give the same one, conv.h) with two flag
 *    bits: which side sent first, when that is known.  A packet of a known
 *    conversation only finds its entry.  A bucket keeps its entries in
 *    recency order and drops the oldest to make room.
 *  - candidates: 2-way buckets of endpoints counted towards fan-in but
 *    not listeners yet: how many peers, the first peer's fingerprint and
 *    port, whether later peers' ports differed, how many conversations the
 *    endpoint opened itself, and how many peers sat outside the client
 *    ranges while it sits inside them.
 *  - listeners: exact keys in a chained hash over one array of slots, on
 *    two lists (probation, least recently used first out, and protected,
 *    a CLOCK: a used listener sets a bit rather than moving), and a
 *    count of listeners per (transport, port) that lets a packet skip the
 *    lookup when no listener shares its port (listener_hinted()).
 *
 * The endpoints of a conversation are put in a fixed order (the smaller
 * folded endpoint first, "lo") so that both directions find one entry.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/conv.h"
#include "portclass/listener.h"
#include "portclass/proto.h"
#include "portclass/xmalloc.h"

/*
 * The tables the listeners are learnt from grow with the listener table:
 * 32 conversations and 4 candidates a listener, up to (at the default of
 * 16384 listeners) 2^17 buckets of 4, 512 Ki conversations in 2 MiB, and
 * 2^15 buckets of 2, 64 Ki candidates in 1 MiB.
 */
#define LISTENER_CONV_LOG2_MAX	17
#define LISTENER_CONV_WAYS	4
#define LISTENER_CAND_LOG2_MAX	15
#define LISTENER_CAND_WAYS	2

/* Conversation entry: fingerprint in the high bits, flags in the low 2. */
#define CE_LO_FIRST		0x1u	/* known: lo sent the first packet */
#define CE_HI_FIRST		0x2u
#define CE_FLAGS		0x3u
#define CE_TAG_BIT		0x4u	/* set in every tag: 0 is empty */

/* Candidate: fan-in qualifies at two peers whose ports differ. */
#define CAND_QUALIFY		2

#define HINT_STICKY		UINT16_MAX

/* A share of the capacity kept for listeners that were used again. */
#define PROTECTED_NUM		4
#define PROTECTED_DEN		5


/* An endpoint of the packet being handled. */
struct endpoint {
	uint8_t		addr[16];	/* IPv4 in [0..3], rest zero */
	uint16_t	port;
	uint8_t		proto;
	uint8_t		ipver;
	uint64_t	fold;		/* address and port in one word */
};

struct cand {
	uint32_t	fp;		/* endpoint fingerprint; 0: empty */
	uint32_t	peer;		/* first peer's fingerprint */
	uint16_t	peer_port;
	uint8_t		peers;		/* peers counted, up to UINT8_MAX */
	uint8_t		called;		/* ... that opened towards it */
	uint8_t		opened;		/* conversations it opened */
	uint8_t		unknown;	/* ... nobody saw open */
	uint8_t		low;		/* ... of those, with a peer outside
					 * the client ranges while it sits
					 * inside them */
	uint8_t		varied;		/* later peers' ports differed */
};

_Static_assert(sizeof(struct cand) == 16, "candidate is 16 bytes");

struct listener {
	uint64_t	fold;		/* conv_fold() of address and port */
	uint8_t		addr[16];
	uint16_t	port;
	uint8_t		proto;
	uint8_t		ipver;
	uint8_t		kind;		/* enum listener_kind */
	uint8_t		protected;	/* on the protected list */
	uint8_t		ref;		/* protected: used since it last
					 * came round (CLOCK) */
	uint8_t		pad;
	uint32_t	count;		/* peers met */
	uint32_t	hnext;		/* hash chain: slot + 1, 0 ends it */
	uint32_t	prev;		/* more recent: slot + 1 */
	uint32_t	next;		/* less recent: slot + 1 */
};

/* A recency list of slots: head is the most recently used. */
struct lru {
	uint32_t	head;		/* slot + 1, 0: empty */
	uint32_t	tail;
	size_t		n;
};

struct listener_table {
	struct listener_head head;	/* first: listener.h reads it inline */
	struct listener	*slots;
	size_t		 cap;
	size_t		 used;
	uint32_t	*buckets;	/* chain heads: slot + 1 */
	uint32_t	 bmask;
	struct lru	 probation;
	struct lru	 protect;
	size_t		 protect_max;
	uint16_t	*hints;		/* listeners per [proto][port] */
	uint32_t	*conv;		/* buckets of LISTENER_CONV_WAYS */
	uint32_t	 conv_mask;
	struct cand	*cand;		/* buckets of LISTENER_CAND_WAYS */
	uint32_t	 cand_mask;
	uint64_t	 seed;
	int64_t		 start;		/* time of the first packet */
	int		 started;
	uint64_t	 evictions;
	uint64_t	 conv_evictions;
	uint64_t	 cand_evictions;
};

/* Fill *ep with one endpoint of *pi (dst: the destination). */
static inline void
endpoint_make(const struct pkt_info *pi, int dst, struct endpoint *ep)
{
	const uint8_t	*a = dst ? pi->dst : pi->src;

	ep->port = dst ? pi->dport : pi->sport;
	ep->proto = pi->proto;
	ep->ipver = pi->ipver;
	memset(ep->addr, 0, sizeof(ep->addr));
	memcpy(ep->addr, a, pi->ipver == 4 ? 4 : 16);
	ep->fold = conv_fold(ep->addr, pi->ipver == 4, ep->port);
}

/*
 * A fingerprint of an endpoint, for the candidates: the bucket from its
 * low bits, a nonzero 32-bit check from its high ones.
 */
static inline uint64_t
endpoint_fp(const struct listener_table *lt, const struct endpoint *ep)
{
	return (conv_mix(ep->fold ^ lt->seed ^
	    ((uint64_t)ep->proto << 56 | (uint64_t)ep->ipver << 48)) |
	    (uint64_t)1 << 32);
}

#define CAND_CHECK(fp)		((uint32_t)((fp) >> 32))

static inline uint32_t
endpoint_peer_fp(const struct endpoint *ep)
{
	return ((uint32_t)conv_mix(ep->fold + ep->ipver));
}

/* ------------------------------------------------------------------ */
/* Listeners: lookup, recency lists, insertion and eviction             */
/* ------------------------------------------------------------------ */

static inline uint32_t
listener_bucket(const struct listener_table *lt, const struct endpoint *ep)
{
	return ((uint32_t)conv_mix(ep->fold ^ lt->seed ^ ep->proto ^
	    (uint64_t)ep->ipver << 8) & lt->bmask);
}

static inline size_t
listener_hint_index(unsigned int proto, uint16_t port)
{
	return ((size_t)proto * 65536 + port);
}

/* The fold is exact for IPv4: only IPv6 needs its bytes compared. */
static int
listener_same(const struct listener *l, const struct endpoint *ep)
{
	return (l->fold == ep->fold && l->port == ep->port &&
	    l->proto == ep->proto && l->ipver == ep->ipver &&
	    (ep->ipver == 4 || memcmp(l->addr, ep->addr,
	    sizeof(l->addr)) == 0));
}

static struct listener *
listener_find(struct listener_table *lt, const struct endpoint *ep)
{
	struct listener	*l;
	uint32_t	 i;

	for (i = lt->buckets[listener_bucket(lt, ep)]; i != 0; i = l->hnext) {
		l = &lt->slots[i - 1];
		if (listener_same(l, ep))
			return (l);
	}
	return (NULL);
}

static uint32_t
listener_index(const struct listener_table *lt, const struct listener *l)
{
	return ((uint32_t)(l - lt->slots) + 1);
}

static void
lru_unlink(struct listener_table *lt, struct lru *q, struct listener *l)
{
	if (l->prev != 0)
		lt->slots[l->prev - 1].next = l->next;
	else
		q->head = l->next;
	if (l->next != 0)
		lt->slots[l->next - 1].prev = l->prev;
	else
		q->tail = l->prev;
	l->prev = l->next = 0;
	q->n--;
}

static void
lru_push(struct listener_table *lt, struct lru *q, struct listener *l)
{
	uint32_t	i = listener_index(lt, l);

	l->prev = 0;
	l->next = q->head;
	if (q->head != 0)
		lt->slots[q->head - 1].prev = i;
	else
		q->tail = i;
	q->head = i;
	q->n++;
}

/*
 * The protected list is a CLOCK: a listener used again only sets its
 * reference bit, a store, not two list moves per packet.  When room is
 * needed, the tail is looked at: referenced, it gets another round at
 * the head, its bit cleared; else it is the one to go.
 */
static struct listener *
listener_clock(struct listener_table *lt)
{
	struct listener	*l;

	for (;;) {
		l = &lt->slots[lt->protect.tail - 1];
		if (!l->ref)
			return (l);
		l->ref = 0;
		lru_unlink(lt, &lt->protect, l);
		lru_push(lt, &lt->protect, l);
	}
}

/*
 * A listener was used again: a protected one notes it; one on probation
 * moves to the protected list, and when that is full its least recently
 * used listener goes back on probation, at the front, with another
 * chance before eviction.
 */
static void
listener_use(struct listener_table *lt, struct listener *l)
{
	struct listener	*old;

	if (l->protected) {
		l->ref = 1;
		return;
	}
	lru_unlink(lt, &lt->probation, l);
	if (lt->protect.n >= lt->protect_max && lt->protect.tail != 0) {
		old = listener_clock(lt);
		lru_unlink(lt, &lt->protect, old);
		old->protected = 0;
		lru_push(lt, &lt->probation, old);
	}
	l->protected = 1;
	l->ref = 0;
	lru_push(lt, &lt->protect, l);
}

static void
listener_unhash(struct listener_table *lt, struct listener *l)
{
	struct endpoint	 ep;
	uint32_t	*pp, i = listener_index(lt, l);

	ep.fold = l->fold;
	ep.proto = l->proto;
	ep.ipver = l->ipver;
	for (pp = &lt->buckets[listener_bucket(lt, &ep)]; *pp != 0;
	    pp = &lt->slots[*pp - 1].hnext) {
		if (*pp == i) {
			*pp = l->hnext;
			break;
		}
	}
	l->hnext = 0;
}

/*
 * A slot for a new listener: a fresh one, or else the least recently
 * used listener on probation (protected ones only when probation is
 * empty), unlinked and counted.
 */
static struct listener *
listener_take_slot(struct listener_table *lt)
{
	struct listener	*l;
	size_t		 h;

	if (lt->used < lt->cap)
		return (&lt->slots[lt->used++]);
	if (lt->probation.tail != 0) {
		l = &lt->slots[lt->probation.tail - 1];
		lru_unlink(lt, &lt->probation, l);
	} else {
		l = listener_clock(lt);
		lru_unlink(lt, &lt->protect, l);
	}
	listener_unhash(lt, l);
	h = listener_hint_index(l->proto, l->port);
	if (lt->hints[h] != HINT_STICKY)
		lt->hints[h]--;
	lt->evictions++;
	return (l);
}

static struct listener *
listener_insert(struct listener_table *lt, const struct endpoint *ep,
    enum listener_kind kind, uint32_t count)
{
	struct listener	*l;
	uint32_t	 b;
	size_t		 h;

	l = listener_take_slot(lt);
	memset(l, 0, sizeof(*l));
	l->fold = ep->fold;
	memcpy(l->addr, ep->addr, sizeof(l->addr));
	l->port = ep->port;
	l->proto = ep->proto;
	l->ipver = ep->ipver;
	l->kind = (uint8_t)kind;
	l->count = count;
	b = listener_bucket(lt, ep);
	l->hnext = lt->buckets[b];
	lt->buckets[b] = listener_index(lt, l);
	lru_push(lt, &lt->probation, l);
	h = listener_hint_index(ep->proto, ep->port);
	if (lt->hints[h] != HINT_STICKY)
		lt->hints[h]++;
	return (l);
}

/* The listener of endpoint ep, or NULL; only looked up where hinted. */
static inline struct listener *
listener_get(struct listener_table *lt, const struct endpoint *ep)
{
	if (lt->hints[listener_hint_index(ep->proto, ep->port)] == 0)
		return (NULL);
	return (listener_find(lt, ep));
}

/* ------------------------------------------------------------------ */
/* Candidates: fan-in counts of endpoints that are not listeners yet    */
/* ------------------------------------------------------------------ */

static struct cand *
cand_bucket(struct listener_table *lt, uint64_t fp)
{
	return (&lt->cand[(size_t)(fp & lt->cand_mask) * LISTENER_CAND_WAYS]);
}

static struct cand *
cand_find(struct listener_table *lt, uint64_t fp)
{
	struct cand	*b = cand_bucket(lt, fp);
	int		 i;

	for (i = 0; i < LISTENER_CAND_WAYS; i++)
		if (b[i].fp == CAND_CHECK(fp))
			return (&b[i]);
	return (NULL);
}

/*
 * Room for a new candidate in fp's bucket: an empty way, or the one with
 * fewer peers (an endpoint close to qualifying is worth more than one
 * seen once), the second way on a tie, so a bucket keeps its older
 * entry one round longer.
 */
static struct cand *
cand_take(struct listener_table *lt, uint64_t fp)
{
	struct cand	*b = cand_bucket(lt, fp), *c;

	if (b[0].fp == 0)
		c = &b[0];
	else if (b[1].fp == 0)
		c = &b[1];
	else {
		c = b[0].peers < b[1].peers ? &b[0] : &b[1];
		lt->cand_evictions++;
	}
	memset(c, 0, sizeof(*c));
	c->fp = CAND_CHECK(fp);
	return (c);
}

static void
cand_add(uint8_t *n)
{
	if (*n < UINT8_MAX)
		(*n)++;
}

/*
 * Whether a candidate listens: two peers or more, whose ports differed
 * (a client's port changes from connection to connection; a server's
 * does not), more peers than conversations it opened itself; and, unless
 * some peer was seen calling it, not mostly peers outside the client
 * ranges while it sits inside them in conversations nobody saw open:
 * that is what a client talking to several servers from one port (a NAT
 * binding, a WebRTC socket) looks like in a capture begun mid-stream.
 */
static int
cand_qualifies(const struct cand *c)
{
	return (c->peers >= CAND_QUALIFY && c->varied &&
	    c->peers > c->opened &&
	    (c->called > 0 || 2 * c->low <= c->unknown));
}

/* How an endpoint met a peer, for listener_credit(). */
enum listener_met_how {
	LISTENER_MET_CALLED = 0,	/* the peer opened the conversation */
	LISTENER_MET_OPENED,		/* the endpoint did */
	LISTENER_MET_UNKNOWN		/* nobody saw which */
};

/*
 * Endpoint ep met peer in a conversation: one more peer for a listener
 * (unless it opened it), or for a candidate, which becomes a listener
 * once it qualifies.
 */
static void
listener_credit(struct listener_table *lt, const struct endpoint *ep,
    const struct endpoint *peer, enum listener_met_how how)
{
	struct listener	*l;
	struct cand	*c;
	uint64_t	 fp;
	uint32_t	 pfp;

	if ((l = listener_get(lt, ep)) != NULL) {
		if (how != LISTENER_MET_OPENED && l->count < UINT32_MAX)
			l->count++;
		listener_use(lt, l);
		return;
	}
	fp = endpoint_fp(lt, ep);
	pfp = endpoint_peer_fp(peer);
	if ((c = cand_find(lt, fp)) == NULL)
		c = cand_take(lt, fp);
	if (c->peers == 0) {
		c->peer = pfp;
		c->peer_port = peer->port;
	} else if (pfp == c->peer) {
		/* The same peer again: forgotten, then seen again. */
		return;
	} else if (peer->port != c->peer_port)
		c->varied = 1;
	cand_add(&c->peers);
	switch (how) {
	case LISTENER_MET_CALLED:
		cand_add(&c->called);
		break;
	case LISTENER_MET_OPENED:
		cand_add(&c->opened);
		break;
	default:
		cand_add(&c->unknown);
		if (ep->port >= PORT_CLIENT_MIN &&
		    peer->port < PORT_CLIENT_MIN)
			cand_add(&c->low);
		break;
	}
	if (cand_qualifies(c)) {
		c->fp = 0;
		(void)listener_insert(lt, ep, LISTENER_FANIN, c->peers);
	}
}

/*
 * Endpoint ep opened a conversation: a client's mark, held against its
 * fan-in.  Only an existing candidate keeps it, so clients, which open
 * most conversations, take no room.
 */
static void
listener_opened(struct listener_table *lt, const struct endpoint *ep)
{
	struct cand	*c;

	if ((c = cand_find(lt, endpoint_fp(lt, ep))) != NULL)
		cand_add(&c->opened);
}

/*
 * A conversation seen for the first time counts once.  A handshake says
 * who opened it: it counts for the other side, and marks the opener.  A
 * UDP packet after the warm-up says so more weakly (a quiet flow begun
 * before the capture may show its server's packet first): it counts for
 * both sides and marks the one that sent, so that a client talking to
 * several servers from one port cannot qualify, while a server seen the
 * wrong way round by one client still gains that client.  Without
 * either (a capture begun mid-stream) it counts for both sides.
 */
static __attribute__((noinline)) void
listener_met(struct listener_table *lt, const struct pkt_info *pi,
    enum listener_first first, int weak)
{
	struct endpoint	 src, dst;

	endpoint_make(pi, 0, &src);
	endpoint_make(pi, 1, &dst);
	switch (first) {
	case LISTENER_FIRST_UNKNOWN:
		listener_credit(lt, &dst, &src, LISTENER_MET_UNKNOWN);
		listener_credit(lt, &src, &dst, LISTENER_MET_UNKNOWN);
		break;
	case LISTENER_FIRST_SRC:
		listener_credit(lt, &dst, &src, LISTENER_MET_CALLED);
		if (weak)
			listener_credit(lt, &src, &dst, LISTENER_MET_OPENED);
		else
			listener_opened(lt, &src);
		break;
	default:
		listener_credit(lt, &src, &dst, LISTENER_MET_CALLED);
		if (weak)
			listener_credit(lt, &dst, &src, LISTENER_MET_OPENED);
		else
			listener_opened(lt, &dst);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Conversations                                                        */
/* ------------------------------------------------------------------ */

/*
 * Find or add the conversation of *pi.  first: who opened it, when the
 * caller knows (a handshake), else LISTENER_FIRST_UNKNOWN, and then a new
 * conversation of a transport without a handshake after the warm-up was
 * opened by this packet's source.  A new conversation counts towards
 * fan-in (listener_met()); *isnew says whether it was new.  Returns who
 * sent first, relative to this packet.
 */
static inline enum listener_first
listener_conv(struct listener_table *lt, const struct pkt_info *pi,
    int64_t ts, enum listener_first first, int *isnew)
{
	uint64_t	 h;
	uint32_t	*b, e, tag, f;
	int		 lo_is_src, i, weak;

	if (!lt->started) {
		lt->started = 1;
		lt->start = ts;
	}
	h = conv_hash(pi, lt->seed, &lo_is_src);
	b = &lt->conv[(size_t)(h & lt->conv_mask) * LISTENER_CONV_WAYS];
	tag = ((uint32_t)(h >> 32) & ~CE_FLAGS) | CE_TAG_BIT;

	*isnew = 0;
	for (i = 0; i < LISTENER_CONV_WAYS; i++) {
		if ((b[i] & ~CE_FLAGS) != tag)
			continue;
		e = b[i];
		if ((e & CE_FLAGS) == 0 && first != LISTENER_FIRST_UNKNOWN)
			e |= (first == LISTENER_FIRST_SRC) == lo_is_src ?
			    CE_LO_FIRST : CE_HI_FIRST;
		/* Most recent first: the bucket drops its last entry. */
		for (; i > 0; i--)
			b[i] = b[i - 1];
		b[0] = e;
		goto found;
	}
	*isnew = 1;
	weak = 0;
	if (first == LISTENER_FIRST_UNKNOWN &&
	    (pi->proto == PC_PROTO_UDP || pi->proto == PC_PROTO_UDPLITE) &&
	    ts - lt->start >= LISTENER_WARMUP) {
		first = LISTENER_FIRST_SRC;
		weak = 1;
	}
	e = tag;
	if (first != LISTENER_FIRST_UNKNOWN)
		e |= (first == LISTENER_FIRST_SRC) == lo_is_src ?
		    CE_LO_FIRST : CE_HI_FIRST;
	if (b[LISTENER_CONV_WAYS - 1] != 0)
		lt->conv_evictions++;
	for (i = LISTENER_CONV_WAYS - 1; i > 0; i--)
		b[i] = b[i - 1];
	b[0] = e;
	listener_met(lt, pi, first, weak);
found:
	f = e & CE_FLAGS;
	if (f == 0)
		return (LISTENER_FIRST_UNKNOWN);
	return (((f == CE_LO_FIRST) == lo_is_src) ? LISTENER_FIRST_SRC :
	    LISTENER_FIRST_DST);
}

/*
 * Out of line, as listener_pick(): the engine's per-frame body is
 * flattened, and most packets need neither.
 */
__attribute__((noinline)) enum listener_first
listener_observe(struct listener_table *lt, const struct pkt_info *pi,
    int64_t ts)
{
	int	isnew;

	return (listener_conv(lt, pi, ts, LISTENER_FIRST_UNKNOWN, &isnew));
}

void
listener_handshake(struct listener_table *lt, const struct pkt_info *pi,
    int64_t ts, enum listener_open how)
{
	struct endpoint	 src;
	struct listener	*l;
	struct cand	*c;
	uint32_t	 n = 0;
	int		 isnew;

	(void)listener_conv(lt, pi, ts, how == LISTENER_OPEN ?
	    LISTENER_FIRST_SRC : LISTENER_FIRST_DST, &isnew);
	if (how != LISTENER_ACCEPT)
		return;
	/*
	 * It accepted a connection: it listens, whatever else it did.  But
	 * a SYN+ACK whose SYN the capture did not see, once the warm-up is
	 * over, may be backscatter from a flood spoofing this address: it
	 * counts towards fan-in only.
	 */
	if (isnew && ts - lt->start >= LISTENER_WARMUP)
		return;
	endpoint_make(pi, 0, &src);
	if ((l = listener_get(lt, &src)) != NULL) {
		l->kind = LISTENER_HANDSHAKE;
		listener_use(lt, l);
		return;
	}
	if ((c = cand_find(lt, endpoint_fp(lt, &src))) != NULL) {
		n = c->peers;
		c->fp = 0;
	}
	(void)listener_insert(lt, &src, LISTENER_HANDSHAKE, n);
}

/* Strength of a listener for comparison: kind first, then its count. */
static inline uint64_t
listener_strength(const struct listener *l)
{
	return (l == NULL ? 0 : (uint64_t)l->kind << 32 | l->count);
}

__attribute__((noinline)) int
listener_pick(struct listener_table *lt, const struct pkt_info *pi,
    int check_src, int check_dst, struct listener_verdict *v)
{
	struct endpoint	 src, dst;
	struct listener	*ls = NULL, *ld = NULL;
	uint64_t	 ss, sd;
	int		 hs, hd;

	hs = lt->hints[listener_hint_index(pi->proto, pi->sport)] != 0;
	hd = lt->hints[listener_hint_index(pi->proto, pi->dport)] != 0;
	if (!(check_src && hs) && !(check_dst && hd))
		return (0);
	if (check_src && hs) {
		endpoint_make(pi, 0, &src);
		ls = listener_find(lt, &src);
	}
	if (check_dst && hd) {
		endpoint_make(pi, 1, &dst);
		ld = listener_find(lt, &dst);
	}
	if (ls == NULL && ld == NULL)
		return (0);
	/* The endpoint not asked about still competes. */
	if (!check_src && hs) {
		endpoint_make(pi, 0, &src);
		ls = listener_find(lt, &src);
	}
	if (!check_dst && hd) {
		endpoint_make(pi, 1, &dst);
		ld = listener_find(lt, &dst);
	}
	if (ls != NULL)
		listener_use(lt, ls);
	if (ld != NULL)
		listener_use(lt, ld);
	ss = listener_strength(ls);
	sd = listener_strength(ld);
	if (check_src && ss > sd) {
		v->port = pi->sport;
		v->kind = ls->kind;
		return (1);
	}
	if (check_dst && sd > ss) {
		v->port = pi->dport;
		v->kind = ld->kind;
		return (1);
	}
	return (0);
}

struct listener_table *
listener_new(size_t cap, uint64_t seed)
{
	struct listener_table	*lt;
	size_t			 nb;
	unsigned int		 log2;

	if (cap == 0)
		cap = LISTENER_DEFAULT_CAP;
	if (cap > UINT32_MAX / 2)
		cap = UINT32_MAX / 2;
	lt = xcalloc(1, sizeof(*lt));
	lt->cap = cap;
	lt->slots = xcalloc(cap, sizeof(*lt->slots));
	/* About one bucket per slot keeps chains short. */
	for (nb = 16; nb < cap; nb <<= 1)
		;
	lt->buckets = xcalloc(nb, sizeof(*lt->buckets));
	lt->bmask = (uint32_t)(nb - 1);
	lt->protect_max = cap * PROTECTED_NUM / PROTECTED_DEN;
	lt->hints = xcalloc((size_t)PC_PROTO_COUNT * 65536,
	    sizeof(*lt->hints));
	lt->head.hints = lt->hints;
	for (log2 = 3; log2 < LISTENER_CONV_LOG2_MAX &&
	    ((size_t)LISTENER_CONV_WAYS << log2) < cap * 32; log2++)
		;
	lt->conv_mask = (1U << log2) - 1;
	lt->conv = xcalloc((size_t)LISTENER_CONV_WAYS << log2,
	    sizeof(*lt->conv));
	for (log2 = 2; log2 < LISTENER_CAND_LOG2_MAX &&
	    ((size_t)LISTENER_CAND_WAYS << log2) < cap * 4; log2++)
		;
	lt->cand_mask = (1U << log2) - 1;
	lt->cand = xcalloc((size_t)LISTENER_CAND_WAYS << log2,
	    sizeof(*lt->cand));
	lt->seed = conv_mix(seed ^ CONV_GOLDEN);
	return (lt);
}

void
listener_stats(const struct listener_table *lt, struct listener_stats *st)
{
	st->listeners = lt->probation.n + lt->protect.n;
	st->capacity = lt->cap;
	st->evictions = lt->evictions;
	st->conversation_evictions = lt->conv_evictions;
	st->candidate_evictions = lt->cand_evictions;
}

void
listener_free(struct listener_table *lt)
{
	if (lt == NULL)
		return;
	free(lt->slots);
	free(lt->buckets);
	free(lt->hints);
	free(lt->conv);
	free(lt->cand);
	free(lt);
}
