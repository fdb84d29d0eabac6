/*
 * readahead.c - blocks of a file descriptor, read here or one thread ahead
 * (readahead.h).
 *
 * With a second thread, head counts the blocks it has filled and tail the
 * blocks the caller has given back; both only grow (modulo 2^32), and
 * block n lives in slot n % READAHEAD_SLOTS.  The filler alone writes head
 * and the slot it fills, the caller alone writes tail.  A slot's bytes and
 * length are written before the release store of head and read after the
 * acquire load that sees it.
 *
 * Sleeping: each side waits on its own word (cseq for the caller, pseq
 * for the filler), which the other side bumps after every move.  A side
 * reads its word, checks its condition, and sleeps only while the word is
 * unchanged, so a move made between the check and the sleep is not lost.
 * One wake per block is one system call per megabyte, so the wake is
 * unconditional.
 *
 * A pipe can block the filler in read(2) for ever; it waits in poll(2) on
 * the pipe and on a wake pipe of its own, which readahead_free() writes.
 * A regular file never blocks for long, so it is read without the poll.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "portclass/readahead.h"
#include "portclass/ring.h"		/* ring_wait_word(), ring_wake_word() */
#include "portclass/xmalloc.h"

#define READAHEAD_ALIGN	4096	/* page aligned, as the page cache */

struct readahead_slot {
	uint8_t		*data;
	ssize_t		 len;		/* > 0 bytes, 0 end, -1 error */
	int		 err;		/* errno when len is -1 */
};

struct readahead {
	int			 fd;
	int			 regular;	/* a regular file: no poll */
	long long		 offset;	/* bytes handed out */
	ssize_t			 final;		/* 0 or -1 once seen */
	int			 final_err;

	/* Caller's thread only (no second thread): one block. */
	uint8_t			*buf;

	/* With a second thread. */
	int			 threaded;
	int			 taken;		/* slot tail is out */
	pthread_t		 tid;
	int			 wakefd[2];	/* filler's poll(2) wake */
	struct readahead_slot	 slot[READAHEAD_SLOTS];

	_Alignas(64) atomic_uint head;		/* filler */
	atomic_uint		 cseq;		/* caller's wake word */
	_Alignas(64) atomic_uint tail;		/* caller */
	atomic_uint		 pseq;		/* filler's wake word */
	atomic_int		 cancelled;
};

static void	*readahead_main(void *);
static ssize_t	 readahead_fill(struct readahead *, uint8_t *, int *);

struct readahead *
readahead_new(int fd)
{
	struct readahead	*ra;
	struct stat		 st;

	ra = xcalloc(1, sizeof(*ra));
	ra->fd = fd;
	ra->regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	ra->wakefd[0] = ra->wakefd[1] = -1;
	ra->final = 1;		/* not yet */
	atomic_init(&ra->head, 0);
	atomic_init(&ra->tail, 0);
	atomic_init(&ra->cseq, 0);
	atomic_init(&ra->pseq, 0);
	atomic_init(&ra->cancelled, 0);
	return (ra);
}

/*
 * One read(2) into buf, retried on EINTR: a pipe hands over what it holds,
 * a file a whole block.  The second thread waits in poll(2) first, unless
 * the descriptor is a regular file; -1 with *err = ECANCELED when woken to
 * end.
 */
static ssize_t
readahead_fill(struct readahead *ra, uint8_t *buf, int *err)
{
	struct pollfd	pfd[2];
	ssize_t		n;

	for (;;) {
		if (ra->threaded && !ra->regular) {
			pfd[0].fd = ra->fd;
			pfd[0].events = POLLIN;
			pfd[1].fd = ra->wakefd[0];
			pfd[1].events = POLLIN;
			if (poll(pfd, 2, -1) == -1) {
				if (errno == EINTR)
					continue;
				*err = errno;
				return (-1);
			}
			if (atomic_load(&ra->cancelled)) {
				*err = ECANCELED;
				return (-1);
			}
		}
		if ((n = read(ra->fd, buf, READAHEAD_BLOCK)) >= 0)
			return (n);
		if (errno == EAGAIN && ra->threaded && !ra->regular)
			continue;	/* a non-blocking pipe: poll again */
		*err = errno;
		/* In the caller's thread a signal lets it see its flags. */
		return (errno == EINTR ? READAHEAD_AGAIN : -1);
	}
}

static void *
readahead_main(void *arg)
{
	struct readahead	*ra = arg;
	struct readahead_slot	*s;
	unsigned int		 head, seq;
	int			 err;

	head = atomic_load_explicit(&ra->head, memory_order_relaxed);
	for (;;) {
		seq = atomic_load(&ra->pseq);
		if (atomic_load(&ra->cancelled))
			break;
		if (head - atomic_load_explicit(&ra->tail,
		    memory_order_acquire) >= READAHEAD_SLOTS) {
			ring_wait_word(&ra->pseq, seq);
			continue;
		}
		s = &ra->slot[head % READAHEAD_SLOTS];
		err = 0;
		do
			s->len = readahead_fill(ra, s->data, &err);
		while (s->len == READAHEAD_AGAIN);
		if (s->len < 0 && err == ECANCELED)
			break;
		s->err = err;
		head = atomic_fetch_add_explicit(&ra->head, 1,
		    memory_order_release) + 1;
		atomic_fetch_add(&ra->cseq, 1);
		ring_wake_word(&ra->cseq);
		if (s->len <= 0)
			break;		/* end of input, or an error */
	}
	return (NULL);
}

int
readahead_start(struct readahead *ra, char *errbuf, size_t errlen)
{
	sigset_t	all, old;
	size_t		i;
	int		err;

	if (ra->threaded || ra->offset > 0 || ra->final != 1) {
		snprintf(errbuf, errlen, "reading has begun");
		return (-1);
	}
	if (!ra->regular && pipe(ra->wakefd) == -1) {
		snprintf(errbuf, errlen, "pipe: %s", strerror(errno));
		ra->wakefd[0] = ra->wakefd[1] = -1;
		return (-1);
	}
	for (i = 0; i < READAHEAD_SLOTS; i++)
		ra->slot[i].data = xmalloc_aligned(READAHEAD_ALIGN,
		    READAHEAD_BLOCK);
	ra->threaded = 1;
	/* Born with every signal blocked: they go to the caller's thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&ra->tid, NULL, readahead_main, ra);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		snprintf(errbuf, errlen, "cannot start a thread: %s",
		    strerror(err));
		ra->threaded = 0;
		for (i = 0; i < READAHEAD_SLOTS; i++) {
			free(ra->slot[i].data);
			ra->slot[i].data = NULL;
		}
		return (-1);
	}
	return (0);
}

ssize_t
readahead_next(struct readahead *ra, const uint8_t **p)
{
	struct readahead_slot	*s;
	unsigned int		 tail, seq;
	ssize_t			 n;
	int			 err = 0;

	if (ra->final != 1) {
		errno = ra->final_err;
		return (ra->final);
	}
	if (!ra->threaded) {
		if (ra->buf == NULL)
			ra->buf = xmalloc_aligned(READAHEAD_ALIGN,
			    READAHEAD_BLOCK);
		if ((n = readahead_fill(ra, ra->buf, &err)) > 0) {
			*p = ra->buf;
			ra->offset += n;
			return (n);
		}
		s = NULL;
	} else {
		tail = atomic_load_explicit(&ra->tail, memory_order_relaxed);
		if (ra->taken) {
			/* The block handed out last time is done with. */
			ra->taken = 0;
			tail = atomic_fetch_add_explicit(&ra->tail, 1,
			    memory_order_release) + 1;
			atomic_fetch_add(&ra->pseq, 1);
			ring_wake_word(&ra->pseq);
		}
		for (;;) {
			seq = atomic_load(&ra->cseq);
			if (atomic_load_explicit(&ra->head,
			    memory_order_acquire) != tail)
				break;
			ring_wait_word(&ra->cseq, seq);
			/* Nothing new: a signal, or readahead_interrupt(). */
			if (atomic_load(&ra->head) == tail)
				return (READAHEAD_AGAIN);
		}
		s = &ra->slot[tail % READAHEAD_SLOTS];
		if ((n = s->len) > 0) {
			ra->taken = 1;
			*p = s->data;
			ra->offset += n;
			return (n);
		}
		err = s->err;
	}
	if (n == READAHEAD_AGAIN) {
		errno = EINTR;
		return (n);
	}
	ra->final = n < 0 ? -1 : 0;
	ra->final_err = err;
	errno = err;
	return (ra->final);
}

void
readahead_interrupt(struct readahead *ra)
{
	if (ra == NULL || !ra->threaded)
		return;		/* the read(2) itself sees the signal */
	atomic_fetch_add(&ra->cseq, 1);
	ring_wake_word(&ra->cseq);
}

long long
readahead_offset(const struct readahead *ra)
{
	return (ra->offset);
}

void
readahead_free(struct readahead *ra)
{
	size_t	i;
	char	c = 0;

	if (ra == NULL)
		return;
	if (ra->threaded) {
		atomic_store(&ra->cancelled, 1);
		atomic_fetch_add(&ra->pseq, 1);
		ring_wake_word(&ra->pseq);
		if (ra->wakefd[1] != -1)
			(void)write(ra->wakefd[1], &c, 1);
		pthread_join(ra->tid, NULL);
	}
	for (i = 0; i < 2; i++)
		if (ra->wakefd[i] != -1)
			close(ra->wakefd[i]);
	for (i = 0; i < READAHEAD_SLOTS; i++)
		free(ra->slot[i].data);
	free(ra->buf);
	free(ra);
}
