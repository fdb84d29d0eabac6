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
 * its condition, and sleeps only while the word is unchanged; the mover
 * changes the state, bumps the word, and makes the wake call only if the
 * flag is set.  With sequentially consistent atomics either the sleeper
 * sees the move or the mover sees the flag, so no wake-up is lost and an
 * idle hand-over costs no system call.
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

#include "portclass/ring.h"
#include "portclass/xmalloc.h"

/*
 * Polls of the other side before sleeping.  Spinning pays only when the
 * other thread has a core of its own; on this project's shared two-core
 * machine, with a fuzzer holding one core, 4096 polls made --threads 2
 * about 30 % slower than 0 or 256 (docs/performance.md), so the spin is
 * kept short and the futex does the waiting.
 */
#ifndef RING_SPINS
#define RING_SPINS	128
#endif

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

static void	ring_relax(void);
static struct ring_batch *ring_acquire(struct ring *);
static void	ring_publish(struct ring *);
static void	ring_wait_drained(struct ring *);

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

static void
ring_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
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
		if (spins++ < RING_SPINS) {
			ring_relax();
			continue;
		}
		atomic_store(&r->prod_sleeps, 1);
		seq = atomic_load(&r->pseq);
		if (head - atomic_load(&r->tail) >= RING_SLOTS &&
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
	if (r->fill == NULL)
		return;
	r->fill = NULL;
	atomic_fetch_add(&r->head, 1);
	atomic_fetch_add(&r->cseq, 1);
	if (atomic_load(&r->cons_sleeps))
		ring_wake_word(&r->cseq);
}

/* Producer: wait until the consumer released every published batch. */
static void
ring_wait_drained(struct ring *r)
{
	unsigned int	head, seq;
	int		spins = 0;

	head = atomic_load_explicit(&r->head, memory_order_relaxed);
	while (!atomic_load(&r->cancelled) &&
	    atomic_load_explicit(&r->tail, memory_order_acquire) != head) {
		if (spins++ < RING_SPINS) {
			ring_relax();
			continue;
		}
		atomic_store(&r->prod_sleeps, 1);
		seq = atomic_load(&r->pseq);
		if (atomic_load(&r->tail) != head &&
		    !atomic_load(&r->cancelled))
			ring_wait_word(&r->pseq, seq);
		atomic_store(&r->prod_sleeps, 0);
	}
}

void
ring_push(void *ctx, const struct capture_frame *f)
{
	struct ring		*r = ctx;
	struct ring_batch	*b = r->fill;
	struct capture_frame	*fr;

	if (b != NULL && b->nframes > 0 && (b->nframes == RING_BATCH_FRAMES ||
	    f->caplen > RING_BATCH_BYTES - b->used)) {
		ring_publish(r);
		b = NULL;
	}
	if (b == NULL && (b = ring_acquire(r)) == NULL)
		return;
	if (f->caplen > RING_BATCH_BYTES) {
		/*
		 * Larger than any batch (a pcapng block may hold 16 MiB):
		 * lend libpcap's bytes, which stay valid until we return.
		 */
		b->frames[0] = *f;
		b->nframes = 1;
		ring_publish(r);
		ring_wait_drained(r);
		return;
	}
	fr = &b->frames[b->nframes++];
	*fr = *f;
	fr->data = b->data + b->used;
	memcpy(b->data + b->used, f->data, f->caplen);
	b->used += f->caplen;
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
		if (spins++ < RING_SPINS) {
			ring_relax();
			continue;
		}
		atomic_store(&r->cons_sleeps, 1);
		seq = atomic_load(&r->cseq);
		if (atomic_load(&r->head) == tail &&
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
	if (!r->taken)
		return;
	r->taken = 0;
	atomic_fetch_add(&r->tail, 1);
	atomic_fetch_add(&r->pseq, 1);
	if (atomic_load(&r->prod_sleeps))
		ring_wake_word(&r->pseq);
}

void
ring_cancel(struct ring *r)
{
	atomic_store(&r->cancelled, 1);
	atomic_fetch_add(&r->pseq, 1);
	ring_wake_word(&r->pseq);
}
