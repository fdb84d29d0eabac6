/*
 * ring.c - the reader-to-classifier hand-over of --threads 2 (ring.h).
 *
 * head counts the batches published, tail those released; both only grow
 * (modulo 2^32), so head - tail is the number in flight and the slot of
 * batch n is n % RING_SLOTS.  The producer alone writes head and the slot
 * it fills; the consumer alone writes tail.  A batch's frames are written
 * before the release store of head and read after the acquire load that
 * sees it, which is all the ordering the data needs.
 *
 * Sleeping: each side has a wake word (cseq for the consumer, pseq for the
 * producer) that the other side bumps after every move, and a flag saying
 * it may be asleep.  The sleeper sets its flag, reads its word, re-checks
 * its condition (fewer than RING_WAKE batches of work), and sleeps only
 * while the word is unchanged; the mover changes the state, bumps the
 * word, and makes the wake call only if the flag is set and there is now
 * RING_WAKE batches of work.  With sequentially consistent atomics either
 * the sleeper sees the move or the mover sees the flag, so no wake-up is
 * lost; only the sleeper changes what the mover compares with RING_WAKE,
 * so the work seen by the mover can only have grown.  Closing and
 * cancelling always wake.
 */
#define _GNU_SOURCE		/* syscall(); this file only */

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#endif

#include "portclass/engine.h"
#include "portclass/ring.h"
#include "portclass/xmalloc.h"

/*
 * A side with nothing to do polls the other RING_SPINS times with PAUSE,
 * then sleeps.  Longer spins measured slower here, probably because the
 * hypervisor takes a vCPU that pauses in a loop for a lock waiter and
 * deschedules it (pause-loop exiting), and a vCPU that spins while the
 * host runs both on one core takes the time the other thread needed
 * (docs/performance.md).
 */
#ifndef RING_SPINS
#define RING_SPINS	128
#endif

/*
 * A sleeping side is woken only once the other has made room for
 * RING_WAKE batches of work: a futex wake is a system call, and in a VM
 * an interrupt to the other vCPU, so waking the consumer for every batch
 * cost the reader about 9 % of its time.  With half the ring, one wake
 * covers thousands of frames and the producer still has slots to fill.
 */
#define RING_WAKE	(RING_SLOTS / 2)

/* A copied frame and a decoded one always fit in an empty batch. */
_Static_assert(RING_COPY_MAX <= RING_BATCH_BYTES,
    "RING_COPY_MAX must fit in a batch");
_Static_assert(sizeof(struct ring_decoded) + 16 <= RING_BATCH_BYTES,
    "a decoded frame must fit in a batch");

/* Alignment of a struct ring_decoded in a batch's data. */
#define RING_ALIGN	_Alignof(struct ring_decoded)

struct ring {
	struct ring_batch	 slot[RING_SLOTS];

	/* Producer side: written by the producer only. */
	_Alignas(64) atomic_uint head;
	atomic_uint		 cseq;		/* consumer's wake word */
	atomic_int		 closed;
	struct ring_batch	*fill;		/* batch being filled, or NULL */

	/* Consumer side: written by the consumer only. */
	_Alignas(64) atomic_uint tail;
	atomic_uint		 pseq;		/* producer's wake word */
	atomic_int		 cancelled;
	int			 taken;		/* a batch is out (ring_next) */

	/* Set by a side about to sleep. */
	_Alignas(64) atomic_int	 cons_sleeps;
	atomic_int		 prod_sleeps;
};

static int	ring_poll(int *);
static struct ring_batch *ring_acquire(struct ring *);
static void	ring_publish(struct ring *);

void
ring_wait_word(void *word, uint32_t val)
{
#ifdef __linux__
	/* EINTR, EAGAIN (the word moved): the caller checks again. */
	(void)syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, NULL, NULL,
	    0);
#else
	struct timespec	ts = { 0, 50000 };

	(void)word;
	(void)val;
	nanosleep(&ts, NULL);
#endif
}

void
ring_wake_word(void *word)
{
#ifdef __linux__
	(void)syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL,
	    NULL, 0);
#else
	(void)word;
#endif
}

/* One poll of the other side: 1 to poll again, 0 to sleep. */
static int
ring_poll(int *spins)
{
	if ((*spins)++ >= RING_SPINS)
		return (0);
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
	return (1);
}

struct ring *
ring_new(void)
{
	struct ring	*r;
	size_t		 i;

	r = xcalloc(1, sizeof(*r));
	for (i = 0; i < RING_SLOTS; i++) {
		r->slot[i].frames = xcalloc(RING_BATCH_FRAMES,
		    sizeof(*r->slot[i].frames));
		r->slot[i].data = xmalloc(RING_BATCH_BYTES);
	}
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	atomic_init(&r->cseq, 0);
	atomic_init(&r->pseq, 0);
	atomic_init(&r->closed, 0);
	atomic_init(&r->cancelled, 0);
	atomic_init(&r->cons_sleeps, 0);
	atomic_init(&r->prod_sleeps, 0);
	return (r);
}

void
ring_free(struct ring *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < RING_SLOTS; i++) {
		free(r->slot[i].frames);
		free(r->slot[i].data);
	}
	free(r);
}

int
ring_cancelled(struct ring *r)
{
	return (atomic_load(&r->cancelled));
}

/*
 * Producer: the next free slot, empty, waiting while all are in flight;
 * NULL once cancelled.
 */
static struct ring_batch *
ring_acquire(struct ring *r)
{
	struct ring_batch	*b;
	unsigned int		 head, seq;
	int			 spins = 0;

	head = atomic_load_explicit(&r->head, memory_order_relaxed);
	for (;;) {
		if (atomic_load(&r->cancelled))
			return (NULL);
		if (head - atomic_load_explicit(&r->tail,
		    memory_order_acquire) < RING_SLOTS)
			break;
		if (ring_poll(&spins))
			continue;
		atomic_store(&r->prod_sleeps, 1);
		seq = atomic_load(&r->pseq);
		if (head - atomic_load(&r->tail) > RING_SLOTS - RING_WAKE &&
		    !atomic_load(&r->cancelled))
			ring_wait_word(&r->pseq, seq);
		atomic_store(&r->prod_sleeps, 0);
	}
	b = &r->slot[head % RING_SLOTS];
	b->nframes = 0;
	b->used = 0;
	r->fill = b;
	return (b);
}

/* Producer: hand the batch being filled to the consumer. */
static void
ring_publish(struct ring *r)
{
	unsigned int	head;

	if (r->fill == NULL)
		return;
	r->fill = NULL;
	head = atomic_fetch_add(&r->head, 1) + 1;
	atomic_fetch_add(&r->cseq, 1);
	if (atomic_load(&r->cons_sleeps) &&
	    head - atomic_load(&r->tail) >= RING_WAKE)
		ring_wake_word(&r->cseq);
}

/*
 * Producer: the batch to add need bytes of data to, publishing the one
 * being filled first if it is full; NULL once cancelled.  Out of line, so
 * that the per-frame path in ring_push() stays a leaf.
 */
static struct ring_batch *
ring_room(struct ring *r, size_t need)
{
	struct ring_batch	*b = r->fill;

	if (b != NULL && (b->nframes == RING_BATCH_FRAMES ||
	    need > RING_BATCH_BYTES - b->used)) {
		ring_publish(r);
		b = NULL;
	}
	if (b == NULL)
		b = ring_acquire(r);
	return (b);
}

/* Producer: a frame too large to copy, decoded here. */
static void
ring_push_decoded(struct ring *r, const struct capture_frame *f)
{
	struct ring_batch	*b;
	struct ring_decoded	*d;
	size_t			 at;

	if ((b = ring_room(r, sizeof(*d) + RING_ALIGN - 1)) == NULL)
		return;
	at = (b->used + RING_ALIGN - 1) & ~(size_t)(RING_ALIGN - 1);
	d = (struct ring_decoded *)(void *)(b->data + at);
	d->dr = engine_decode(f, &d->pi);
	b->frames[b->nframes] = *f;
	b->frames[b->nframes].data = (const uint8_t *)d;
	b->nframes++;
	b->used = at + sizeof(*d);
}

void
ring_push(void *ctx, const struct capture_frame *f)
{
	struct ring		*r = ctx;
	struct ring_batch	*b = r->fill;
	struct capture_frame	*fr;
	size_t			 used;

	if (f->caplen > RING_COPY_MAX) {
		ring_push_decoded(r, f);
		return;
	}
	if (b == NULL || b->nframes == RING_BATCH_FRAMES ||
	    f->caplen > RING_BATCH_BYTES - b->used) {
		if ((b = ring_room(r, f->caplen)) == NULL)
			return;
	}
	used = b->used;
	fr = &b->frames[b->nframes++];
	*fr = *f;
	fr->data = b->data + used;
	memcpy(b->data + used, f->data, f->caplen);
	b->used = used + f->caplen;
}

void
ring_close(struct ring *r)
{
	if (r->fill != NULL && r->fill->nframes > 0)
		ring_publish(r);
	r->fill = NULL;
	atomic_store(&r->closed, 1);
	atomic_fetch_add(&r->cseq, 1);
	ring_wake_word(&r->cseq);
}

const struct ring_batch *
ring_next(struct ring *r)
{
	unsigned int	tail, seq;
	int		spins = 0;

	tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	for (;;) {
		if (atomic_load_explicit(&r->head, memory_order_acquire) !=
		    tail)
			break;
		if (atomic_load(&r->closed)) {
			/* head is final once closed is seen; look again. */
			if (atomic_load(&r->head) != tail)
				break;
			return (NULL);
		}
		if (ring_poll(&spins))
			continue;
		atomic_store(&r->cons_sleeps, 1);
		seq = atomic_load(&r->cseq);
		if (atomic_load(&r->head) - tail < RING_WAKE &&
		    !atomic_load(&r->closed))
			ring_wait_word(&r->cseq, seq);
		atomic_store(&r->cons_sleeps, 0);
	}
	r->taken = 1;
	return (&r->slot[tail % RING_SLOTS]);
}

void
ring_release(struct ring *r)
{
	unsigned int	tail;

	if (!r->taken)
		return;
	r->taken = 0;
	tail = atomic_fetch_add(&r->tail, 1) + 1;
	atomic_fetch_add(&r->pseq, 1);
	if (atomic_load(&r->prod_sleeps) &&
	    RING_SLOTS - (atomic_load(&r->head) - tail) >= RING_WAKE)
		ring_wake_word(&r->pseq);
}

void
ring_cancel(struct ring *r)
{
	atomic_store(&r->cancelled, 1);
	atomic_fetch_add(&r->pseq, 1);
	ring_wake_word(&r->pseq);
}
