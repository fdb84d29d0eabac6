/*
 * counters.c - per-service and named counters.
 *
 * Each protocol has a flat array of 65537 slots (every port plus the
 * ephemeral row).  The arrays are one calloc'd block: the kernel hands out
 * zero pages lazily, so only the pages of ports actually seen become
 * resident.  The first packet of a slot appends the slot's index to a
 * touched list, which bounds reset, merge and iteration by the number of
 * distinct rows seen (at most PC_PROTO_COUNT * 65537).
 *
 * Why each packet landed in its slot (enum classify_reason) is counted in
 * a parallel array of its own, allocated the same lazy way, rather than in
 * the slot: the packet and byte counts of neighbouring ports keep sharing
 * cache lines, and the reason array costs one more store per packet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/counters.h"
#include "portclass/xmalloc.h"

#define COUNTERS_SLOTS		(COUNTERS_EPHEMERAL + 1)
#define COUNTERS_ALL_SLOTS	(PC_PROTO_COUNT * COUNTERS_SLOTS)

struct counters {
	struct counter_pair	*slot;		/* [proto * SLOTS + port] */
	uint64_t		(*why)[CLASSIFY_REASON_COUNT];	/* same index */
	uint32_t		*touched;	/* indexes of slots in use */
	size_t			 ntouched;
	struct counter_pair	 named[CTR_COUNT];
};

static const char *const counters_names[CTR_COUNT] = {
	[CTR_ICMP] = "icmp",
	[CTR_ICMPV6] = "icmpv6",
	[CTR_OTHER_IP] = "other_ip",
	[CTR_NON_IP] = "non_ip",
	[CTR_FRAGMENT] = "fragment",
	[CTR_TRUNCATED] = "truncated",
	[CTR_MALFORMED] = "malformed",
	[CTR_UNSUPPORTED_LINK] = "unsupported_link",
};

static void	counters_add_slot(struct counters *, size_t, uint64_t,
		    uint64_t);

struct counters *
counters_new(void)
{
	struct counters	*c;

	c = xcalloc(1, sizeof(*c));
	c->slot = xcalloc(COUNTERS_ALL_SLOTS, sizeof(*c->slot));
	c->why = xcalloc(COUNTERS_ALL_SLOTS, sizeof(*c->why));
	c->touched = xcalloc(COUNTERS_ALL_SLOTS, sizeof(*c->touched));
	return (c);
}

void
counters_free(struct counters *c)
{
	if (c == NULL)
		return;
	free(c->slot);
	free(c->why);
	free(c->touched);
	free(c);
}

static void
counters_add_slot(struct counters *c, size_t i, uint64_t packets,
    uint64_t bytes)
{
	struct counter_pair	*s = &c->slot[i];

	if (s->packets == 0)
		c->touched[c->ntouched++] = (uint32_t)i;
	s->packets += packets;
	s->bytes += bytes;
}

void
counters_add_port(struct counters *c, unsigned int proto, unsigned int port,
    uint32_t wirelen)
{
	if (proto >= PC_PROTO_COUNT || port > COUNTERS_EPHEMERAL)
		return;
	counters_add_slot(c, (size_t)proto * COUNTERS_SLOTS + port, 1,
	    wirelen);
}

void
counters_add_ephemeral(struct counters *c, unsigned int proto,
    uint32_t wirelen)
{
	counters_add_port(c, proto, COUNTERS_EPHEMERAL, wirelen);
}

void
counters_add_why(struct counters *c, unsigned int proto, unsigned int port,
    uint32_t wirelen, unsigned int why)
{
	size_t	i;

	if (proto >= PC_PROTO_COUNT || port > COUNTERS_EPHEMERAL)
		return;
	i = (size_t)proto * COUNTERS_SLOTS + port;
	counters_add_slot(c, i, 1, wirelen);
	if (why < CLASSIFY_REASON_COUNT)
		c->why[i][why]++;
}

void
counters_add_n(struct counters *c, unsigned int proto, unsigned int port,
    uint64_t n, uint64_t bytes, unsigned int why)
{
	size_t	i;

	if (proto >= PC_PROTO_COUNT || port > COUNTERS_EPHEMERAL || n == 0)
		return;
	i = (size_t)proto * COUNTERS_SLOTS + port;
	counters_add_slot(c, i, n, bytes);
	if (why < CLASSIFY_REASON_COUNT)
		c->why[i][why] += n;
}

void
counters_add_named(struct counters *c, enum counter_id id, uint32_t wirelen)
{
	if ((unsigned int)id >= CTR_COUNT)
		return;
	c->named[id].packets++;
	c->named[id].bytes += wirelen;
}

void
counters_merge(struct counters *dst, const struct counters *src)
{
	size_t	i, k, w;

	for (k = 0; k < src->ntouched; k++) {
		i = src->touched[k];
		counters_add_slot(dst, i, src->slot[i].packets,
		    src->slot[i].bytes);
		for (w = 0; w < CLASSIFY_REASON_COUNT; w++)
			dst->why[i][w] += src->why[i][w];
	}
	for (i = 0; i < CTR_COUNT; i++) {
		dst->named[i].packets += src->named[i].packets;
		dst->named[i].bytes += src->named[i].bytes;
	}
}

void
counters_reset(struct counters *c)
{
	size_t	k;

	for (k = 0; k < c->ntouched; k++) {
		memset(&c->slot[c->touched[k]], 0, sizeof(*c->slot));
		memset(c->why[c->touched[k]], 0, sizeof(*c->why));
	}
	c->ntouched = 0;
	memset(c->named, 0, sizeof(c->named));
}

size_t
counters_rows(const struct counters *c, struct counter_row *rows, size_t max)
{
	size_t	 k, i;

	for (k = 0; k < c->ntouched && k < max; k++) {
		i = c->touched[k];
		rows[k].proto = (uint8_t)(i / COUNTERS_SLOTS);
		rows[k].ephemeral = (i % COUNTERS_SLOTS) == COUNTERS_EPHEMERAL;
		rows[k].port = rows[k].ephemeral ? 0 :
		    (uint16_t)(i % COUNTERS_SLOTS);
		rows[k].c = c->slot[i];
		rows[k].reasons = c->why[i];
	}
	return (c->ntouched);
}

struct counter_pair
counters_named(const struct counters *c, enum counter_id id)
{
	struct counter_pair	zero = { 0, 0 };

	if ((unsigned int)id >= CTR_COUNT)
		return (zero);
	return (c->named[id]);
}

/*
 * Summed when asked (once per report) rather than kept per packet: two
 * fewer stores on the per-frame path, and the touched list bounds the sum.
 */
struct counter_pair
counters_service_total(const struct counters *c)
{
	struct counter_pair	t = { 0, 0 };
	size_t			k;

	for (k = 0; k < c->ntouched; k++) {
		t.packets += c->slot[c->touched[k]].packets;
		t.bytes += c->slot[c->touched[k]].bytes;
	}
	return (t);
}

struct counter_pair
counters_total(const struct counters *c)
{
	struct counter_pair	t = counters_service_total(c);
	size_t			i;

	for (i = 0; i < CTR_COUNT; i++) {
		t.packets += c->named[i].packets;
		t.bytes += c->named[i].bytes;
	}
	return (t);
}

const char *
counters_name(enum counter_id id)
{
	if ((unsigned int)id >= CTR_COUNT)
		return ("?");
	return (counters_names[id]);
}
