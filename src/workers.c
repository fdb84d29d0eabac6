/*
 * workers.c - live capture on N threads joined by PACKET_FANOUT (workers.h).
 *
 * A worker owns an engine with no sinks and no interval: its counters and
 * its flow cache are touched by that worker alone, so the per-frame path
 * is the single-threaded one, with no lock and no atomic.  Reports are
 * made by the main thread's engine, which pulls the workers' counts with
 * an epoch flip:
 *
 *   1. main bumps ws->epoch (release) and wakes each worker through its
 *      pipe (a worker may be asleep in poll());
 *   2. a worker, between two capture batches, sees the new epoch
 *      (acquire), swaps its engine over to its spare counter set, puts
 *      the set it counted into until now in w->retired, notes its flow
 *      cache size and kernel statistics, and stores the epoch in w->ack
 *      (release);
 *   3. main waits until every ack equals the epoch (acquire): from then on
 *      each retired set is main's alone.  It adds them into the report's
 *      counters, zeroes them and leaves each as its worker's next spare.
 *
 * Every frame lands in exactly one set, so the sum is exact; a frame a
 * worker counts while main merges goes to the next report.  A registry
 * reload rides on the same flip (w->reg_next).  A worker that stopped
 * (its captures failed, or the run ended) no longer touches its engine,
 * so main flips it itself.  Waits sleep on futexes (ring.h); a report
 * costs each worker a pipe read and a few stores.
 */
#define _GNU_SOURCE		/* pthread_setname_np(); this file only */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "portclass/capture.h"
#include "portclass/counters.h"
#include "portclass/engine.h"
#include "portclass/log.h"
#include "portclass/ring.h"
#include "portclass/workers.h"
#include "portclass/xmalloc.h"

#define WORKERS_POLL_MS		250	/* longest sleep between checks */
#define WORKERS_DRAIN_MS	150	/* > the 100 ms packet buffer timeout */
#define WORKERS_DRAIN_MAX_MS	1000	/* a stop never waits longer */
#define WORKERS_MAX		64

/* Kernel statistics of one handle: at the flush (base) and the last read. */
struct workers_st {
	uint64_t	v[3];		/* received, dropped, ifdropped */
};

struct worker {
	struct workers		*ws;
	size_t			 idx;
	pthread_t		 tid;
	int			 started;
	struct engine		*eng;
	struct capture		**caps;		/* one per interface */
	int			*dead;		/* caps[k] failed */
	struct workers_st	*base;		/* per capture, after the flush */
	size_t			 failed;
	uint64_t		 frames;	/* collected so far (main) */
	int			 wake[2];	/* pipe: main -> worker */

	/* Handed over by the flip (workers.c's top comment). */
	struct counters		*spare;
	struct counters		*retired;
	const struct registry	*reg_next;
	struct engine_flowstats	 fs;
	struct workers_st	 st;		/* sum over caps, since base */

	_Alignas(64) atomic_uint ack;		/* last epoch flipped to */
	atomic_uint		 ackseq;	/* main's wake word */
	atomic_int		 exited;
};

struct workers {
	struct worker		*w;
	size_t			 n;
	size_t			 nifaces;
	sigset_t		 sigs;		/* blocked in the workers */
	_Alignas(64) atomic_uint epoch;
	atomic_int		 stop;
};

static void	 workers_discard(void *, const struct capture_frame *);
static void	 workers_flip(struct worker *);
static void	 workers_ack(struct worker *);
static void	*workers_main(void *);
static void	 workers_take(struct worker *, struct counters *);
static void	 workers_sync(struct workers *);
static void	 workers_wake(struct worker *);
static int64_t	 workers_now_ms(void);

static void
workers_discard(void *ctx, const struct capture_frame *f)
{
	(void)ctx;
	(void)f;
}

static int64_t
workers_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

struct workers *
workers_open(const char *const *ifaces, size_t nifaces, size_t n,
    const struct capture_live_opts *opts, const char *filter,
    const struct registry *reg, size_t flow_cap, size_t listener_cap,
    char *errbuf)
{
	struct capture_live_opts	 o = *opts;
	struct engine_config		 ec;
	struct workers			*ws;
	struct worker			*w;
	uint64_t			 r, d, i;
	size_t				 k, j;
	char				 extra[64];
	int				 group;

	if (n < 1 || n > WORKERS_MAX) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "--workers: %zu is not from "
		    "1 to %d", n, WORKERS_MAX);
		return (NULL);
	}
	ws = xcalloc(1, sizeof(*ws));
	ws->n = n;
	ws->nifaces = nifaces;
	ws->w = xcalloc(n, sizeof(*ws->w));
	atomic_init(&ws->epoch, 0);
	atomic_init(&ws->stop, 0);
	sigemptyset(&ws->sigs);
	sigaddset(&ws->sigs, SIGINT);
	sigaddset(&ws->sigs, SIGTERM);
	sigaddset(&ws->sigs, SIGUSR1);
	sigaddset(&ws->sigs, SIGHUP);

	memset(&ec, 0, sizeof(ec));
	ec.reg = reg;
	ec.flow_cap = flow_cap / n > 0 ? flow_cap / n : 1;
	ec.listener_cap = listener_cap;
	ec.seed = engine_random_seed();
	ec.clock = ENGINE_CLOCK_WALL;
	for (j = 0; j < n; j++) {
		w = &ws->w[j];
		w->ws = ws;
		w->idx = j;
		w->wake[0] = w->wake[1] = -1;
		w->caps = xcalloc(nifaces, sizeof(*w->caps));
		w->dead = xcalloc(nifaces, sizeof(*w->dead));
		w->base = xcalloc(nifaces, sizeof(*w->base));
		w->eng = engine_new(&ec);
		w->spare = counters_new();
		atomic_init(&w->ack, 0);
		atomic_init(&w->ackseq, 0);
		atomic_init(&w->exited, 0);
		if (pipe(w->wake) == -1 ||
		    fcntl(w->wake[0], F_SETFL, O_NONBLOCK) == -1 ||
		    fcntl(w->wake[1], F_SETFL, O_NONBLOCK) == -1) {
			snprintf(errbuf, PC_ERRBUF_SIZE, "--workers: pipe: %s",
			    strerror(errno));
			goto fail;
		}
	}

	o.quiet = 1;
	for (k = 0; k < nifaces; k++) {
		group = -1;
		for (j = 0; j < n; j++) {
			w = &ws->w[j];
			if ((w->caps[k] = capture_open_iface(ifaces[k], &o,
			    errbuf)) == NULL)
				goto fail;
			if (filter != NULL && capture_set_filter(w->caps[k],
			    filter, errbuf) == -1)
				goto fail;
			if (capture_join_fanout(w->caps[k], &group, errbuf) ==
			    -1)
				goto fail;
		}
		/*
		 * Until the last handle joined, each got every frame: drop
		 * what they hold, and count kernel statistics from here.
		 */
		for (j = 0; j < n; j++) {
			w = &ws->w[j];
			while (capture_dispatch(w->caps[k], -1,
			    workers_discard, NULL, errbuf) > 0)
				continue;
			if (capture_stats(w->caps[k], &r, &d, &i) == 0) {
				w->base[k].v[0] = r;
				w->base[k].v[1] = d;
				w->base[k].v[2] = i;
			}
		}
		snprintf(extra, sizeof(extra), ", %zu workers (fanout group "
		    "%d)", n, group);
		capture_log_listening(ws->w[0].caps[k], extra);
	}
	return (ws);
fail:
	workers_free(ws);
	return (NULL);
}

/* Sum the kernel statistics of w's captures since the flush into w->st. */
static void
workers_read_stats(struct worker *w)
{
	uint64_t	v[3];
	size_t		k, m;

	memset(&w->st, 0, sizeof(w->st));
	for (k = 0; k < w->ws->nifaces; k++) {
		if (capture_stats(w->caps[k], &v[0], &v[1], &v[2]) == -1)
			continue;
		for (m = 0; m < 3; m++)
			w->st.v[m] += v[m] - w->base[k].v[m];
	}
}

/*
 * Retire the set w counted into, take the spare, and note what a report
 * wants besides counts.  Run by the worker, or by main once it exited.
 */
static void
workers_flip(struct worker *w)
{
	if (w->reg_next != NULL) {
		engine_set_registry(w->eng, w->reg_next);
		w->reg_next = NULL;
	}
	if (w->spare != NULL) {
		w->retired = engine_swap_counters(w->eng, w->spare);
		w->spare = NULL;
	}
	engine_flowstats(w->eng, &w->fs);
	workers_read_stats(w);
}

/* Worker: flip if main asked for a new epoch, then say so. */
static void
workers_ack(struct worker *w)
{
	unsigned int	e;

	e = atomic_load_explicit(&w->ws->epoch, memory_order_acquire);
	if (e == atomic_load_explicit(&w->ack, memory_order_relaxed))
		return;
	workers_flip(w);
	atomic_store_explicit(&w->ack, e, memory_order_release);
	atomic_fetch_add(&w->ackseq, 1);
	ring_wake_word(&w->ackseq);
}

static void
workers_wake(struct worker *w)
{
	char	c = 'w';

	/* EAGAIN: the (non-blocking) pipe already holds wake-ups. */
	if (write(w->wake[1], &c, 1) == -1)
		return;
}

static void *
workers_main(void *arg)
{
	struct worker	*w = arg;
	struct workers	*ws = w->ws;
	struct pollfd	*pfd;
	char		 errbuf[PC_ERRBUF_SIZE], buf[64];
	size_t		 k, nk = ws->nifaces, alive = ws->nifaces;
	int64_t		 end = 0;
	int		 draining = 0, wait, ready;

	pfd = xcalloc(nk + 1, sizeof(*pfd));
	for (k = 0; k < nk; k++) {
		pfd[k].fd = capture_fd(w->caps[k]);
		pfd[k].events = POLLIN;
	}
	pfd[nk].fd = w->wake[0];
	pfd[nk].events = POLLIN;
	for (;;) {
		workers_ack(w);
		if (alive == 0)
			break;
		if (!draining && atomic_load(&ws->stop)) {
			/*
			 * Take what the kernel holds, then go: until a whole
			 * packet-buffer timeout passes with nothing ready, so
			 * a thread that was not scheduled for a while still
			 * reads everything; at most WORKERS_DRAIN_MAX_MS.
			 */
			draining = 1;
			end = workers_now_ms() + WORKERS_DRAIN_MAX_MS;
		}
		wait = draining ? WORKERS_DRAIN_MS : WORKERS_POLL_MS;
		if (draining && workers_now_ms() >= end)
			break;
		if ((ready = poll(pfd, nk + 1, wait)) == -1 && errno != EINTR) {
			log_warn("worker %zu: poll", w->idx);
			w->failed++;
			break;
		}
		if (draining && ready == 0)
			break;
		if ((pfd[nk].revents & POLLIN) &&
		    read(w->wake[0], buf, sizeof(buf)) == -1 &&
		    errno != EAGAIN && errno != EINTR)
			pfd[nk].fd = -1;	/* cannot happen; stop polling it */
		for (k = 0; k < nk; k++) {
			if (w->dead[k])
				continue;
			if (capture_dispatch(w->caps[k], -1, engine_frame,
			    w->eng, errbuf) == -1) {
				log_warnx("%s", errbuf);
				w->dead[k] = 1;
				pfd[k].fd = -1;
				alive--;
				w->failed++;
			}
		}
	}
	free(pfd);
	/* From here main may flip this worker itself. */
	atomic_store(&w->exited, 1);
	atomic_fetch_add(&w->ackseq, 1);
	ring_wake_word(&w->ackseq);
	return (NULL);
}

/*
 * "portclass-w0", ...: top -H, ps -L and /proc/PID/task/TID/comm tell the
 * workers apart, and bench/live.sh finds them there to cap each one.
 */
static void
workers_name(pthread_t tid, size_t j)
{
#ifdef __linux__
	char	name[16];

	snprintf(name, sizeof(name), "portclass-w%zu", j);
	(void)pthread_setname_np(tid, name);
#else
	(void)tid;
	(void)j;
#endif
}

int
workers_start(struct workers *ws, char *errbuf)
{
	sigset_t	old;
	size_t		j;
	int		err;

	pthread_sigmask(SIG_BLOCK, &ws->sigs, &old);
	for (j = 0; j < ws->n; j++) {
		err = pthread_create(&ws->w[j].tid, NULL, workers_main,
		    &ws->w[j]);
		if (err != 0) {
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			snprintf(errbuf, PC_ERRBUF_SIZE, "--workers: cannot "
			    "start a thread: %s", strerror(err));
			return (-1);
		}
		ws->w[j].started = 1;
		workers_name(ws->w[j].tid, j);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return (0);
}

size_t
workers_alive(struct workers *ws)
{
	size_t	j, n = 0;

	for (j = 0; j < ws->n; j++)
		if (ws->w[j].started && !atomic_load(&ws->w[j].exited))
			n++;
	return (n);
}

/* Main: a new epoch, and wait until every worker flipped to it. */
static void
workers_sync(struct workers *ws)
{
	struct worker	*w;
	unsigned int	 e, seq;
	size_t		 j;

	e = atomic_fetch_add(&ws->epoch, 1) + 1;
	for (j = 0; j < ws->n; j++)
		if (ws->w[j].started && !atomic_load(&ws->w[j].exited))
			workers_wake(&ws->w[j]);
	for (j = 0; j < ws->n; j++) {
		w = &ws->w[j];
		for (;;) {
			seq = atomic_load(&w->ackseq);
			if (atomic_load_explicit(&w->ack,
			    memory_order_acquire) == e)
				break;
			if (!w->started || atomic_load(&w->exited)) {
				workers_flip(w);
				atomic_store(&w->ack, e);
				break;
			}
			ring_wait_word(&w->ackseq, seq);
		}
	}
}

/* Main: add a worker's retired set into c and keep it as the next spare. */
static void
workers_take(struct worker *w, struct counters *c)
{
	if (w->retired == NULL)
		return;
	w->frames += counters_total(w->retired).packets;
	counters_merge(c, w->retired);
	counters_reset(w->retired);
	w->spare = w->retired;
	w->retired = NULL;
}

void
workers_collect(void *ctx, struct counters *c, struct engine_flowstats *fs)
{
	struct workers	*ws = ctx;
	struct worker	*w;
	size_t		 j;

	/*
	 * A registry reload flips too, and leaves a retired set behind:
	 * take it first, so that every worker has a spare to flip to now.
	 * Without that, the counts since the reload would stay in the set
	 * the worker is counting into and miss this report (and the final
	 * one).
	 */
	for (j = 0; j < ws->n; j++)
		workers_take(&ws->w[j], c);
	workers_sync(ws);
	memset(fs, 0, sizeof(*fs));
	for (j = 0; j < ws->n; j++) {
		w = &ws->w[j];
		workers_take(w, c);
		fs->flows += w->fs.flows;
		fs->evictions += w->fs.evictions;
		fs->listeners += w->fs.listeners;
		fs->listener_evictions += w->fs.listener_evictions;
		fs->conversation_evictions += w->fs.conversation_evictions;
		fs->candidate_evictions += w->fs.candidate_evictions;
		fs->guess_evictions += w->fs.guess_evictions;
	}
}

int
workers_capstats(void *ctx, struct engine_capstats *cs)
{
	struct workers	*ws = ctx;
	size_t		 j;

	memset(cs, 0, sizeof(*cs));
	for (j = 0; j < ws->n; j++) {
		cs->received += ws->w[j].st.v[0];
		cs->dropped += ws->w[j].st.v[1];
		cs->ifdropped += ws->w[j].st.v[2];
	}
	return (0);
}

void
workers_set_registry(struct workers *ws, const struct registry *reg)
{
	size_t	j;

	for (j = 0; j < ws->n; j++)
		ws->w[j].reg_next = reg;
	/* The counts retired on the way stay until the next collect. */
	workers_sync(ws);
}

void
workers_stop(struct workers *ws, size_t *failed)
{
	size_t	j;

	atomic_store(&ws->stop, 1);
	for (j = 0; j < ws->n; j++) {
		if (!ws->w[j].started)
			continue;
		workers_wake(&ws->w[j]);
		pthread_join(ws->w[j].tid, NULL);
		ws->w[j].started = 0;
		*failed += ws->w[j].failed;
		ws->w[j].failed = 0;
	}
}

void
workers_log_summary(struct workers *ws)
{
	size_t	j;

	for (j = 0; j < ws->n; j++)
		log_info("worker %zu: %llu frames", j,
		    (unsigned long long)ws->w[j].frames);
}

void
workers_free(struct workers *ws)
{
	struct worker	*w;
	size_t		 j, k;

	if (ws == NULL)
		return;
	for (j = 0; j < ws->n; j++) {
		w = &ws->w[j];
		for (k = 0; w->caps != NULL && k < ws->nifaces; k++)
			if (w->caps[k] != NULL)
				capture_close(w->caps[k]);
		if (w->wake[0] != -1)
			close(w->wake[0]);
		if (w->wake[1] != -1)
			close(w->wake[1]);
		engine_free(w->eng);
		counters_free(w->spare);
		counters_free(w->retired);
		free(w->caps);
		free(w->dead);
		free(w->base);
	}
	free(ws->w);
	free(ws);
}
