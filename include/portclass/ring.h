/*
 * ring.h - hand frames from a reader thread to a classifier thread.
 *
 * A single-producer, single-consumer ring of RING_SLOTS preallocated
 * batches.  libpcap reuses its buffer for the next read, so the producer
 * (the thread in libpcap) keeps what the consumer needs of each frame in
 * the batch it is filling: a small frame is copied whole; a larger one is
 * decoded on the spot (engine_decode(), a pure function) and only the
 * decoded headers are kept, which costs less than copying up to 16 MiB
 * and gives the consumer the very answer it would have computed.  A full
 * batch is published with one release store, so the two threads
 * synchronise once per batch, never per frame.
 *
 * Either side that finds nothing to do polls briefly, then sleeps on a
 * futex (Linux; elsewhere a short nanosleep) until the other side has
 * made room for half a ring of work.  Nothing allocates after ring_new().
 */
#ifndef PORTCLASS_RING_H
#define PORTCLASS_RING_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/capture.h"
#include "portclass/decode.h"

/*
 * 16 batches of up to 1024 frames: about 1.7 MB, more than a core's L2
 * cache here, so the producer rarely writes a line that the consumer
 * still holds (measured in docs/performance.md).
 */
#ifndef RING_SLOTS
#define RING_SLOTS		16		/* batches in flight */
#endif
#ifndef RING_BATCH_FRAMES
#define RING_BATCH_FRAMES	1024		/* frames per batch, at most */
#endif
#ifndef RING_BATCH_BYTES
#define RING_BATCH_BYTES	(64 * 1024)	/* data bytes per batch */
#endif
/* Frames up to this many captured bytes are copied, larger ones decoded. */
#ifndef RING_COPY_MAX
#define RING_COPY_MAX		256
#endif

/* A frame the producer decoded: what engine_decode() returned. */
struct ring_decoded {
	enum decode_result	dr;
	struct pkt_info		pi;
};

/*
 * One batch as the consumer sees it: nframes frames.  frames[i].data
 * points into data: at a copy of the frame's bytes when its caplen is at
 * most RING_COPY_MAX, else at a struct ring_decoded (ring_decoded()).
 */
struct ring_batch {
	/*
	 * One cache line per batch: the producer bumps nframes and used on
	 * every frame, and must not share a line with the batch that the
	 * consumer is reading, or the line moves between cores per frame.
	 */
	_Alignas(64) struct capture_frame *frames; /* RING_BATCH_FRAMES */
	uint8_t			*data;		/* RING_BATCH_BYTES */
	size_t			 nframes;
	size_t			 used;		/* bytes of data in use */
};

struct ring;

/* What the producer decoded of f, or NULL: f's bytes are there to read. */
static inline const struct ring_decoded *
ring_decoded(const struct capture_frame *f)
{
	if (f->caplen <= RING_COPY_MAX)
		return (NULL);
	return ((const struct ring_decoded *)(const void *)f->data);
}

/* A new, empty ring; startup allocation, never fails. */
struct ring	*ring_new(void);
void		 ring_free(struct ring *);

/*
 * Producer: add f to the batch being filled (its bytes, or its decoded
 * headers), publishing that batch first if f does not fit.  Waits while
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
