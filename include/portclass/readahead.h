/*
 * readahead.h - a file descriptor's bytes in large blocks, read in the
 * caller's thread or, ahead of it, in a second one.
 *
 * Part of the capture module: the classic pcap reader (pcapfile.c) parses
 * records in place in the blocks handed out here, so a frame is never
 * copied after the kernel's read(2).  With readahead_start() a second
 * thread keeps up to READAHEAD_SLOTS blocks filled ahead of the caller,
 * so the kernel's copy of the next block overlaps the caller's work on
 * this one; the two threads meet once per block (thousands of frames),
 * never per frame.
 *
 * Ownership: the caller keeps the descriptor; a block is the caller's
 * until its next readahead_next().  Nothing allocates after
 * readahead_new() and readahead_start().
 */
#ifndef PORTCLASS_READAHEAD_H
#define PORTCLASS_READAHEAD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * 256 KiB blocks, four in flight with a second thread.  Measured here,
 * 256 KiB and 1 MiB blocks ran alike with one thread and with two, and the
 * smaller ones keep 3 MiB less; 64 KiB blocks spent more time waking the
 * other thread than they saved (docs/performance.md).
 */
#define READAHEAD_BLOCK		(256 * 1024)
#define READAHEAD_SLOTS		4

/* readahead_next(): a signal interrupted the wait; nothing was lost. */
#define READAHEAD_AGAIN		(-2)

struct readahead;

/* Blocks of fd, read in the caller's thread until readahead_start(). */
struct readahead	*readahead_new(int fd);

/*
 * Read ahead in a second thread from now on; only before the first
 * readahead_next().  The thread takes no signals, so they still reach
 * the caller's thread.  -1 with errbuf (the reason) if it cannot start;
 * reading then stays in the caller's thread.
 */
int			 readahead_start(struct readahead *, char *errbuf,
			    size_t errlen);

/*
 * The next block: its length (> 0) with *p at its bytes, valid until the
 * next call; 0 at the end of input; -1 on a read error (errno set);
 * READAHEAD_AGAIN when a signal (or readahead_interrupt()) cut a wait
 * short: call again for the same block.  After 0 or -1, every later call
 * returns the same.
 */
ssize_t			 readahead_next(struct readahead *, const uint8_t **p);

/*
 * Make a readahead_next() that is waiting for the other thread return
 * READAHEAD_AGAIN.  Async-signal-safe: a stop signal's handler calls it.
 */
void			 readahead_interrupt(struct readahead *);

/* Bytes handed out so far (for a progress line). */
long long		 readahead_offset(const struct readahead *);

/* Stops and joins the thread if there is one; does not close fd. */
void			 readahead_free(struct readahead *);

#endif /* PORTCLASS_READAHEAD_H */
