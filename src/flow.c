/*
 * flow.c - a bounded, least-recently-used cache of which side is the server.
 *
 * A connection is keyed by (transport, IP version, the two address+port
 * endpoints).  The endpoints are put in a fixed order (the smaller address,
 * then the smaller port, first) so that both directions of a connection map
 * to the same key; the entry remembers which of the two is the server.
 *
 * Every entry lives in one array allocated by flow_new(), and the hash table
 * is sized there for the whole capacity and never grows, so flow_learn()
 * and flow_server_port() allocate nothing: when the array is full, the
 * least recently used entry (learnt or looked up longest ago) is unlinked
 * and reused, and the eviction is counted.  A sentinel entry with a key no
 * packet can produce stays in the table for its whole life, because uthash
 * frees its table when the last item is deleted and would allocate it again
 * on the next add.
 *
 * Entries are never removed on FIN or RST: see docs/service-port.md.  A new
 * connection on the same addresses and ports begins with a handshake, and
 * flow_learn() then overwrites the stale entry.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/flow.h"
#include "portclass/log.h"
#include "portclass/xmalloc.h"

/*
 * The key.  Its size is a multiple of 8 with the padding spelled out, so
 * the hash can read it as whole 64-bit words; it is always built by
 * flow_key_make() into zeroed memory because uthash hashes and compares
 * every byte, padding included.
 */
struct flow_key {
	uint8_t		addr_a[16];	/* IPv4 in [0..3], rest zero */
	uint8_t		addr_b[16];
	uint16_t	port_a;
	uint16_t	port_b;
	uint8_t		proto;		/* enum pc_proto; FLOW_PROTO_NONE */
	uint8_t		ipver;
	uint8_t		pad[2];		/* always zero */
};

_Static_assert(sizeof(struct flow_key) == 40, "flow_key has hidden padding");
_Static_assert(sizeof(struct flow_key) % 8 == 0, "flow_hash reads words");

/* A protocol value no packet carries: the sentinel's key. */
#define FLOW_PROTO_NONE		0xff

/* Smallest table: uthash's own default. */
#define FLOW_MIN_LOG2		5
/* Keep num_buckets within uthash's unsigned arithmetic. */
#define FLOW_MAX_LOG2		30

/* Fixed odd constants for the multiply-xorshift hash (splitmix64's). */
#define FLOW_HASH_M1		0xbf58476d1ce4e5b9ULL
#define FLOW_HASH_M2		0x94d049bb133111ebULL
#define FLOW_HASH_GOLDEN	0x9e3779b97f4a7c15ULL

static uint64_t	flow_hash(uint64_t, const void *, size_t);
static int	flow_key_cmp(const void *, const void *);

/*
 * uthash is configured for this file only: a cheap word-at-a-time hash,
 * allocation through xmalloc (only flow_new() ever allocates), a table
 * created at the size this cache asked for, and no growth afterwards (the
 * bucket-capacity threshold is never reached), so a run of colliding keys
 * costs lookup time but never memory.  These macros refer to the cache
 * `fc`, which is in scope wherever they expand: flow_find() and
 * flow_hash_add(), the only places that hash or add.
 */
#define HASH_FUNCTION(keyptr, keylen, hashv)				\
	((hashv) = (unsigned)flow_hash(fc->seed, (keyptr), (keylen)))
/* Keys are five words: compare them inline, not through memcmp(). */
#define HASH_KEYCMP(a, b, len)	flow_key_cmp((a), (b))
#define uthash_malloc(sz)	xmalloc(sz)
#define uthash_free(ptr, sz)	free(ptr)
#define uthash_fatal(msg)	fatalx("flow cache: %s", (msg))
#include <uthash.h>
#undef HASH_INITIAL_NUM_BUCKETS
#undef HASH_INITIAL_NUM_BUCKETS_LOG2
#undef HASH_BKT_CAPACITY_THRESH
#define HASH_INITIAL_NUM_BUCKETS	(1U << fc->hash_log2)
#define HASH_INITIAL_NUM_BUCKETS_LOG2	(fc->hash_log2)
#define HASH_BKT_CAPACITY_THRESH	UINT_MAX

struct flow {
	struct flow_key	 key;
	struct flow	*lru_prev;	/* more recently used */
	struct flow	*lru_next;	/* less recently used; free list link */
	uint32_t	 hint;		/* flow_hint() the flow was learnt with */
	uint8_t		 server_b;	/* 1: the server is endpoint b */
	UT_hash_handle	 hh;
};

struct flow_cache {
	struct flow	*slots;		/* cap entries, allocated once */
	size_t		 cap;
	size_t		 used;		/* slots[0..used) have been handed out */
	struct flow	*table;		/* uthash head */
	struct flow	 sentinel;	/* keeps the table alive, see above */
	struct flow	*lru_head;	/* most recently used */
	struct flow	*lru_tail;	/* least recently used: evicted first */
	struct flow	*free_list;	/* forgotten slots, linked by lru_next */
	size_t		 live;		/* flows in the table */
	uint32_t	*hints;		/* flows learnt per hint, see flow.h */
	uint64_t	 evictions;
	uint64_t	 seed;
	unsigned int	 hash_log2;
};

/*
 * Hash the key a 64-bit word at a time.  The seed comes from the cache's
 * address, so with ASLR a sender cannot precompute colliding tuples
 * cheaply; the table does not grow either way, so collisions cost time only.
 */
static uint64_t
flow_hash(uint64_t seed, const void *key, size_t len)
{
	const uint8_t	*p = key;
	uint64_t	 h, w;
	size_t		 i;

	h = seed ^ ((uint64_t)len * FLOW_HASH_GOLDEN);
	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, sizeof(w));
		h = (h ^ w) * FLOW_HASH_M1;
		h ^= h >> 31;
	}
	/* Fold the high bits down: uthash picks buckets from the low bits. */
	h ^= h >> 30;
	h *= FLOW_HASH_M2;
	h ^= h >> 31;
	return (h);
}

/* 0 if the two keys are equal, as memcmp() would say; uthash's HASH_KEYCMP. */
static int
flow_key_cmp(const void *a, const void *b)
{
	const uint8_t	*pa = a, *pb = b;
	uint64_t	 wa, wb, diff = 0;
	size_t		 i;

	for (i = 0; i < sizeof(struct flow_key); i += 8) {
		memcpy(&wa, pa + i, sizeof(wa));
		memcpy(&wb, pb + i, sizeof(wb));
		diff |= wa ^ wb;
	}
	return (diff != 0);
}

/* A big-endian load: the compiler makes it one load and a byte swap. */
static uint64_t
flow_be(const uint8_t *p, size_t n)
{
	uint64_t	v = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return (v);
}

/*
 * memcmp() of two addresses (4 bytes, or 16 for IPv6) as a sign, without
 * the library call that an ordering memcmp() costs per packet.
 */
static int
flow_addr_cmp(const uint8_t *x, const uint8_t *y, int v4)
{
	uint64_t	a, b;

	if (v4) {
		a = flow_be(x, 4);
		b = flow_be(y, 4);
	} else {
		a = flow_be(x, 8);
		b = flow_be(y, 8);
		if (a == b) {
			a = flow_be(x + 8, 8);
			b = flow_be(y + 8, 8);
		}
	}
	return ((a > b) - (a < b));
}

/*
 * Build the key of *pi into *k and say which endpoint is the packet's
 * destination: 1 if it is endpoint b.  Only the address bytes of the IP
 * version are copied, so whatever the rest of pi->src/dst holds cannot
 * split one connection into two keys.
 */
static int
flow_key_make(const struct pkt_info *pi, struct flow_key *k)
{
	const uint8_t	*a, *b;
	uint16_t	 pa, pb;
	int		 c, src_is_a;

	memset(k, 0, sizeof(*k));
	k->proto = pi->proto;
	k->ipver = pi->ipver;
	c = flow_addr_cmp(pi->src, pi->dst, pi->ipver == 4);
	src_is_a = c < 0 || (c == 0 && pi->sport <= pi->dport);
	a = src_is_a ? pi->src : pi->dst;
	b = src_is_a ? pi->dst : pi->src;
	pa = src_is_a ? pi->sport : pi->dport;
	pb = src_is_a ? pi->dport : pi->sport;
	if (pi->ipver == 4) {
		memcpy(k->addr_a, a, 4);
		memcpy(k->addr_b, b, 4);
	} else {
		memcpy(k->addr_a, a, 16);
		memcpy(k->addr_b, b, 16);
	}
	k->port_a = pa;
	k->port_b = pb;
	return (src_is_a);
}

static void
flow_lru_unlink(struct flow_cache *fc, struct flow *f)
{
	if (f->lru_prev != NULL)
		f->lru_prev->lru_next = f->lru_next;
	else
		fc->lru_head = f->lru_next;
	if (f->lru_next != NULL)
		f->lru_next->lru_prev = f->lru_prev;
	else
		fc->lru_tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void
flow_lru_push(struct flow_cache *fc, struct flow *f)
{
	f->lru_prev = NULL;
	f->lru_next = fc->lru_head;
	if (fc->lru_head != NULL)
		fc->lru_head->lru_prev = f;
	else
		fc->lru_tail = f;
	fc->lru_head = f;
}

/* Mark f as the most recently used flow. */
static void
flow_lru_touch(struct flow_cache *fc, struct flow *f)
{
	if (fc->lru_head == f)
		return;
	flow_lru_unlink(fc, f);
	flow_lru_push(fc, f);
}

static struct flow *
flow_find(struct flow_cache *fc, const struct flow_key *k)
{
	struct flow	*f;

	HASH_FIND(hh, fc->table, k, sizeof(*k), f);
	return (f);
}

/* The only HASH_ADD: the sizing macros above need `fc` here. */
static void
flow_hash_add(struct flow_cache *fc, struct flow *f)
{
	HASH_ADD(hh, fc->table, key, sizeof(f->key), f);
}

/*
 * A free entry: a slot never used yet, or else the least recently used
 * flow, unlinked from the table and the LRU list and counted.
 */
static struct flow *
flow_take_slot(struct flow_cache *fc)
{
	struct flow	*f;

	if ((f = fc->free_list) != NULL) {
		fc->free_list = f->lru_next;
		fc->live++;
		return (f);
	}
	if (fc->used < fc->cap) {
		fc->live++;
		return (&fc->slots[fc->used++]);
	}
	f = fc->lru_tail;
	HASH_DEL(fc->table, f);
	flow_lru_unlink(fc, f);
	fc->hints[f->hint]--;
	fc->evictions++;
	return (f);
}

struct flow_cache *
flow_new(size_t cap)
{
	struct flow_cache	*fc;
	unsigned int		 log2;

	if (cap == 0)
		cap = 1;
	fc = xcalloc(1, sizeof(*fc));
	fc->slots = xcalloc(cap, sizeof(*fc->slots));
	fc->hints = xcalloc(FLOW_HINTS, sizeof(*fc->hints));
	fc->cap = cap;
	/* About one bucket per entry: chains stay short without growing. */
	for (log2 = FLOW_MIN_LOG2; log2 < FLOW_MAX_LOG2 &&
	    ((size_t)1 << log2) < cap; log2++)
		;
	fc->hash_log2 = log2;
	fc->seed = (uint64_t)(uintptr_t)fc * FLOW_HASH_GOLDEN;

	memset(&fc->sentinel.key, 0, sizeof(fc->sentinel.key));
	fc->sentinel.key.proto = FLOW_PROTO_NONE;
	flow_hash_add(fc, &fc->sentinel);
	return (fc);
}

void
flow_learn(struct flow_cache *fc, const struct pkt_info *pi, int server_is_dst,
    uint32_t hint)
{
	struct flow_key	 k;
	struct flow	*f;
	int		 dst_is_b;

	if (hint >= FLOW_HINTS)
		return;
	dst_is_b = flow_key_make(pi, &k);
	if ((f = flow_find(fc, &k)) != NULL) {
		flow_lru_touch(fc, f);
		fc->hints[f->hint]--;
	} else {
		f = flow_take_slot(fc);
		memcpy(&f->key, &k, sizeof(f->key));
		flow_hash_add(fc, f);
		flow_lru_push(fc, f);
	}
	f->hint = hint;
	fc->hints[hint]++;
	/* A later handshake on the same tuple is a new connection: it wins. */
	f->server_b = (uint8_t)(server_is_dst ? dst_is_b : !dst_is_b);
}

void
flow_forget(struct flow_cache *fc, const struct pkt_info *pi)
{
	struct flow_key	 k;
	struct flow	*f;

	(void)flow_key_make(pi, &k);
	if ((f = flow_find(fc, &k)) == NULL)
		return;
	HASH_DEL(fc->table, f);
	flow_lru_unlink(fc, f);
	fc->hints[f->hint]--;
	fc->live--;
	f->lru_next = fc->free_list;
	fc->free_list = f;
}

int
flow_hinted(const struct flow_cache *fc, uint32_t hint)
{
	/* An empty cache answers without touching its 1.3 MB of hints. */
	return (fc->live != 0 && hint < FLOW_HINTS && fc->hints[hint] != 0);
}

int
flow_server_port(struct flow_cache *fc, const struct pkt_info *pi,
    uint16_t *server_port)
{
	struct flow_key	 k;
	struct flow	*f;

	(void)flow_key_make(pi, &k);
	if ((f = flow_find(fc, &k)) == NULL)
		return (0);
	flow_lru_touch(fc, f);
	*server_port = f->server_b ? f->key.port_b : f->key.port_a;
	return (1);
}

size_t
flow_count(const struct flow_cache *fc)
{
	return (fc->live);
}

size_t
flow_capacity(const struct flow_cache *fc)
{
	return (fc->cap);
}

uint64_t
flow_evictions(const struct flow_cache *fc)
{
	return (fc->evictions);
}

void
flow_free(struct flow_cache *fc)
{
	if (fc == NULL)
		return;
	HASH_CLEAR(hh, fc->table);
	free(fc->slots);
	free(fc->hints);
	free(fc);
}
