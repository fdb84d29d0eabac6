/*
 * defer.c - the held guesses (defer.h): a fixed array of conversations in
 * buckets of four, found by conv.h's hash.
 *
 * A drain walks only the buckets in use: each bucket that gets its first
 * entry is put on a list, so a report costs what was held, not the size
 * of the table.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/conv.h"
#include "portclass/defer.h"
#include "portclass/xmalloc.h"

#define DEFER_WAYS	4

struct defer_table {
	struct defer_entry	*e;		/* nbuckets * DEFER_WAYS */
	uint32_t		*used;		/* buckets holding something */
	uint8_t			*inuse;		/* per bucket: on the list */
	size_t			 nused;
	uint32_t		 mask;		/* nbuckets - 1 */
	uint64_t		 seed;
	size_t			 held;
	uint64_t		 evictions;
};

struct defer_table *
defer_new(size_t cap, uint64_t seed)
{
	struct defer_table	*dt;
	size_t			 nb;

	if (cap == 0)
		cap = DEFER_DEFAULT_CAP;
	for (nb = 1; nb * DEFER_WAYS < cap && nb < ((size_t)1 << 24); nb <<= 1)
		;
	dt = xcalloc(1, sizeof(*dt));
	dt->e = xcalloc(nb * DEFER_WAYS, sizeof(*dt->e));
	dt->used = xcalloc(nb, sizeof(*dt->used));
	dt->inuse = xcalloc(nb, sizeof(*dt->inuse));
	dt->mask = (uint32_t)(nb - 1);
	dt->seed = conv_mix(seed + CONV_M2);
	return (dt);
}

int
defer_hold(struct defer_table *dt, const struct defer_packet *p,
    struct defer_entry *out, defer_decided_cb *decided, void *ctx)
{
	struct defer_entry	*b, *d, *victim;
	uint64_t		 key;
	uint32_t		 bi;
	int			 lo_is_src, i, evicted = 0;

	key = conv_hash(p->pi, dt->seed, &lo_is_src) | 1;
	bi = (uint32_t)(key >> 32) & dt->mask;
	b = &dt->e[(size_t)bi * DEFER_WAYS];
	victim = NULL;
	for (i = 0; i < DEFER_WAYS; i++) {
		d = &b[i];
		if (d->key == key) {
			d->packets++;
			d->bytes += p->wirelen;
			if (p->sec > d->last_sec)
				d->last_sec = p->sec;
			/* A later packet was decided knowing more. */
			d->held = p->held;
			return (0);
		}
		if (d->key == 0) {
			if (victim == NULL || victim->key != 0)
				victim = d;
		} else if (victim == NULL || (victim->key != 0 &&
		    d->last_sec < victim->last_sec))
			victim = d;
	}
	if (victim->key != 0) {
		/*
		 * The bucket is full: a conversation that evidence decides
		 * now leaves, else the stalest.
		 */
		for (i = 0; decided != NULL && i < DEFER_WAYS; i++)
			if (decided(ctx, &b[i])) {
				victim = &b[i];
				break;
			}
		*out = *victim;
		dt->evictions++;
		evicted = 1;
	} else
		dt->held++;
	if (!dt->inuse[bi]) {
		dt->inuse[bi] = 1;
		dt->used[dt->nused++] = bi;
	}
	victim->key = key;
	victim->pi = *p->pi;
	victim->held = p->held;
	victim->packets = 1;
	victim->bytes = p->wirelen;
	victim->first_sec = victim->last_sec = p->sec;
	victim->first_nsec = p->nsec;
	return (evicted);
}

void
defer_drain(struct defer_table *dt,
    void (*cb)(void *, const struct defer_entry *), void *ctx)
{
	struct defer_entry	*b;
	size_t			 u;
	int			 i;

	for (u = 0; u < dt->nused; u++) {
		b = &dt->e[(size_t)dt->used[u] * DEFER_WAYS];
		for (i = 0; i < DEFER_WAYS; i++) {
			if (b[i].key == 0)
				continue;
			cb(ctx, &b[i]);
			b[i].key = 0;
		}
		dt->inuse[dt->used[u]] = 0;
	}
	dt->nused = 0;
	dt->held = 0;
}

size_t
defer_held(const struct defer_table *dt)
{
	return (dt->held);
}

uint64_t
defer_evictions(const struct defer_table *dt)
{
	return (dt->evictions);
}

void
defer_free(struct defer_table *dt)
{
	if (dt == NULL)
		return;
	free(dt->e);
	free(dt->used);
	free(dt->inuse);
	free(dt);
}
