/*
 * ring.h - hand frames from a reader thread to a classifier thread.
 *
 * A single-producer, single-consumer ring of RING_SLOTS preallocated
 * batches.  The producer (the thread in libpcap) copies each frame into
 * the batch it is filling, because libpcap reuses its buffer for the next
 * read; a full batch is published with one release store, so the two
 * threads synchronise once per batch, never per frame.  A frame too large
 * for a batch is lent instead of copied: the producer publishes it alone
 * and waits until the consumer is done with it.
 *
 * Either side that finds nothing to do spins briefly, then sleeps on a
 * futex (Linux; elsewhere a short nanosleep) until the other side moves.
 * Nothing allocates after ring_new().
 */
#ifndef PORTCLASS_RING_H
#define PORTCLASS_RING_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/capture.h"

#define RING_SLOTS		8		/* batches in flight */
#define RING_BATCH_FRAMES	1024		/* frames per batch, at most */
#define RING_BATCH_BYTES	(128 * 1024)	/* captured bytes per batch */

/* One batch as the consumer sees it: nframes frames, data inside. */
struct ring_batch {
	struct capture_frame	*frames;	/* RING_BATCH_FRAMES */
	uint8_t			*data;		/* RING_BATCH_BYTES */
	size_t			 nframes;
	size_t			 used;		/* bytes of data in use */
};

struct ring;

/* A new, empty ring; startup allocation, never fails. */
struct ring	*ring_new(void);
void		 ring_free(struct ring *);

/*
 * Producer: add a copy of f (its bytes included) to the batch being
 * filled, publishing that batch first if f does not fit.  Waits while
 * every slot is full.  Does nothing once the consumer cancelled.
 * Matches capture_cb, with the ring as ctx.
 */
void		 ring_push(void *ring, const struct capture_frame *f);

/* Producer: publish what has been pushed; no more frames will come. */
void		 ring_close(struct ring *);

/* 1 once the consumer called ring_cancel(): the producer may stop. */
int		 ring_cancelled(struct ring *);

/*
 * Consumer: the next published batch, waiting for one; NULL once the
 * producer closed the ring and every batch was taken.  The batch stays
 * valid until ring_release().
 */
const struct ring_batch *ring_next(struct ring *);

/* Consumer: done with the batch ring_next() returned. */
void		 ring_release(struct ring *);

/*
 * Consumer: stop taking batches; a waiting producer wakes, and every
 * later ring_push() is dropped.
 */
void		 ring_cancel(struct ring *);

/*
 * Sleep while *word equals val, until ring_wake() on word or a signal
 * (futex on Linux).  May return early; callers re-check their condition.
 */
void		 ring_wait_word(void *word, uint32_t val);

/* Wake every thread in ring_wait_word() on word. */
void		 ring_wake_word(void *word);

#endif /* PORTCLASS_RING_H */
