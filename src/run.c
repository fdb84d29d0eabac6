/*
 * run.c - the loop around the engine: files in turn, or live interfaces
 * polled together, the wall-clock timer, and the signals of a long run.
 *
 * Live captures are non-blocking.  The loop waits in poll() on every
 * capture's descriptor, never longer than RUN_POLL_MS or the end of the
 * open interval, so reports come on time on a quiet link and a signal is
 * acted on promptly even if it lands just before poll() starts.  Each
 * wake-up hands every capture's ready frames to the engine in one
 * capture_dispatch() batch.
 *
 * Signal handlers set volatile sig_atomic_t flags and, for a stop, call
 * capture_stop() so the frame in hand is the last one; everything else
 * (reports, registry reload) happens here between frames.  Nothing in the
 * loop allocates per frame; a reload allocates the new registry once.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "portclass/capture.h"
#include "portclass/engine.h"
#include "portclass/log.h"
#include "portclass/registry.h"
#include "portclass/ring.h"
#include "portclass/run.h"
#include "portclass/sink.h"
#include "portclass/sitemap.h"
#include "portclass/workers.h"
#include "portclass/xmalloc.h"

#define RUN_POLL_MS	250	/* longest wait between flag checks */
#define RUN_DRAIN_MS	150	/* > the 100 ms packet buffer timeout */
#define RUN_DRAIN_MAX_MS 1000	/* a stop or report never waits longer */
#define RUN_PROGRESS_MS	250	/* progress line refresh */

/* The progress line of a long file read (standard error on a terminal). */
struct run_progress {
	const char	*name;
	long long	 size;		/* bytes in the file */
	int64_t		 start_ms;
	int64_t		 last_ms;
	uint64_t	 frames;
	int		 shown;		/* a line is on the terminal */
};

/* The reader thread of --threads 2: libpcap into the ring. */
struct run_reader {
	struct capture		*cap;
	struct ring		*ring;
	struct run_progress	*pg;
	int			 error;		/* capture_dispatch() failed */
	char			 errbuf[PC_ERRBUF_SIZE];
	sigset_t		 sigs;		/* the signals it takes */
};

static int64_t			run_progress_mark;	/* last redraw */
static volatile sig_atomic_t	run_sig_stop;
static volatile sig_atomic_t	run_sig_report;
static volatile sig_atomic_t	run_sig_reload;

/* What a stop signal must break out of; set while the loop runs. */
static struct capture **volatile	run_stop_caps;
static volatile sig_atomic_t	run_stop_ncaps;

static void	run_on_signal(int);
static int64_t	run_now_ms(void);
static void	run_flags(struct run_config *);
static int64_t	run_wait_ms(struct run_config *);
static void	run_reload(struct run_config *);
static void	run_dispatch(struct run_config *, struct pollfd *, size_t *,
		    size_t *);
static void	run_one_file(struct run_config *, const char *, size_t *);
static void	*run_reader_main(void *);
static int	run_file_threaded(struct run_config *, struct capture *,
		    struct run_progress *, size_t *);
static void	run_progress_show(struct run_progress *, struct capture *);
static void	run_progress_clear(struct run_progress *);
static void	run_drain(struct run_config *, struct pollfd *, size_t *,
		    size_t *);

static void
run_on_signal(int sig)
{
	struct capture	**caps;
	sig_atomic_t	  i, n;

	switch (sig) {
	case SIGUSR1:
		run_sig_report = 1;
		break;
	case SIGHUP:
		run_sig_reload = 1;
		break;
	default:
		run_sig_stop = 1;
		caps = run_stop_caps;
		n = run_stop_ncaps;
		for (i = 0; caps != NULL && i < n; i++)
			if (caps[i] != NULL)
				capture_stop(caps[i]);
		break;
	}
}

void
run_signals(void)
{
	static const int	 sigs[] = { SIGINT, SIGTERM, SIGUSR1, SIGHUP };
	struct sigaction	 sa;
	size_t			 i;

	memset(&sa, 0, sizeof(sa));
	/* No SA_RESTART: poll() must return to look at the flags. */
	sa.sa_handler = run_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
}

/* Wall-clock time in milliseconds since the epoch. */
static int64_t
run_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* The registry fields of the sinks' meta, from reg. */
void
run_meta_registry(struct sink_meta *meta, const struct registry *reg)
{
	meta->registry_sources = registry_sources(reg,
	    &meta->registry_nsources);
	meta->registry_entries = registry_count(reg);
}

/*
 * Build the new registry completely, then swap it in between frames; on
 * any error the registry in use stays, and the reason is logged.  A
 * reload that worked is told to the sinks and counted for the run
 * reports, since rows counted before it are named by the new registry.
 */
static void
run_reload(struct run_config *rc)
{
	char				 errbuf[PC_ERRBUF_SIZE];
	struct registry			*nr, *old;
	const struct registry_source	*src;
	size_t				 nsrc;
	char				*text;

	nr = registry_assemble(rc->spec, errbuf);
	/* The site's names (--map) go on top again. */
	if (nr != NULL && rc->map != NULL &&
	    sitemap_load_file(nr, rc->map, errbuf) == -1) {
		registry_free(nr);
		nr = NULL;
	}
	if (nr == NULL) {
		src = registry_sources(*rc->reg, &nsrc);
		text = registry_sources_text(src, nsrc);
		log_warnx("SIGHUP: %s; keeping the registry in use (%zu "
		    "entries from %s)", errbuf, registry_count(*rc->reg), text);
		free(text);
		return;
	}
	engine_set_registry(rc->eng, nr);
	/* Returns once no worker uses the old registry any more. */
	if (rc->workers != NULL)
		workers_set_registry(rc->workers, nr);
	old = *rc->reg;
	*rc->reg = nr;
	if (rc->meta != NULL)
		run_meta_registry(rc->meta, nr);
	registry_free(old);
	src = registry_sources(nr, &nsrc);
	text = registry_sources_text(src, nsrc);
	log_warnx("SIGHUP: registry reloaded: %zu entries from %s",
	    registry_count(nr), text);
	free(text);
	engine_registry_reloaded(rc->eng, run_now_ms() / 1000);
}

/* Act on SIGHUP and SIGUSR1, and on the clock; between frames only. */
static void
run_flags(struct run_config *rc)
{
	if (rc->clock == ENGINE_CLOCK_WALL)
		engine_tick(rc->eng, run_now_ms() / 1000);
	if (run_sig_reload) {
		run_sig_reload = 0;
		run_reload(rc);
	}
	if (run_sig_report) {
		run_sig_report = 0;
		engine_report_now(rc->eng);
	}
}

int
run_capstats(void *ctx, struct engine_capstats *cs)
{
	struct run_config	*rc = ctx;
	uint64_t		 r, d, i;
	size_t			 k;
	int			 any = 0;

	memset(cs, 0, sizeof(*cs));
	for (k = 0; k < rc->ncaps; k++) {
		if (rc->caps[k] == NULL ||
		    capture_stats(rc->caps[k], &r, &d, &i) == -1)
			continue;
		cs->received += r;
		cs->dropped += d;
		cs->ifdropped += i;
		any = 1;
	}
	return (any ? 0 : -1);
}

/*
 * One batch from every capture still alive.  A capture that fails (the
 * interface went away) is logged, counted and no longer polled.
 */
static void
run_dispatch(struct run_config *rc, struct pollfd *pfd, size_t *alive,
    size_t *failed)
{
	char	errbuf[PC_ERRBUF_SIZE];
	size_t	k;

	for (k = 0; k < rc->ncaps; k++) {
		if (pfd[k].events == 0)
			continue;
		if (capture_dispatch(rc->caps[k], -1, engine_frame, rc->eng,
		    errbuf) == -1) {
			log_warnx("%s", errbuf);
			pfd[k].fd = -1;
			pfd[k].events = 0;
			(*alive)--;
			(*failed)++;
		}
	}
}

/*
 * The kernel may hold frames in a buffer block it has not handed over yet
 * (it does after the packet buffer timeout).  Take them, so that a report
 * made now (a stop, or SIGUSR1) counts what the kernel already received.
 */
static void
run_drain(struct run_config *rc, struct pollfd *pfd, size_t *alive,
    size_t *failed)
{
	int64_t	end;
	int	ready;

	/*
	 * Until a whole packet-buffer timeout passes with nothing ready, so
	 * that a loop descheduled for a while still reads everything; at
	 * most RUN_DRAIN_MAX_MS.
	 */
	end = run_now_ms() + RUN_DRAIN_MAX_MS;
	while (*alive > 0 && run_now_ms() < end &&
	    !engine_sink_failed(rc->eng)) {
		ready = poll(pfd, rc->ncaps, RUN_DRAIN_MS);
		if (ready == -1 && errno != EINTR)
			break;
		if (ready == 0)
			break;
		run_dispatch(rc, pfd, alive, failed);
	}
}

/* How long a live loop may wait: RUN_POLL_MS, or less up to the next cut. */
static int64_t
run_wait_ms(struct run_config *rc)
{
	int64_t	now, deadline, wait;

	now = run_now_ms();
	wait = RUN_POLL_MS;
	deadline = engine_deadline(rc->eng);
	if (deadline != INT64_MAX && deadline * 1000 - now < wait)
		wait = deadline * 1000 - now;
	return (wait < 0 ? 0 : wait);
}

void
run_live(struct run_config *rc, size_t *failed)
{
	struct pollfd	*pfd;
	int64_t		 wait;
	size_t		 k, alive = rc->ncaps;

	pfd = xcalloc(rc->ncaps > 0 ? rc->ncaps : 1, sizeof(*pfd));
	for (k = 0; k < rc->ncaps; k++) {
		/* No selectable descriptor: polled every RUN_POLL_MS. */
		pfd[k].fd = capture_fd(rc->caps[k]);
		pfd[k].events = POLLIN;
	}
	run_stop_caps = rc->caps;
	run_stop_ncaps = (sig_atomic_t)rc->ncaps;

	if (rc->clock == ENGINE_CLOCK_WALL)
		engine_start(rc->eng, run_now_ms() / 1000);
	while (!run_sig_stop && alive > 0 && !engine_sink_failed(rc->eng)) {
		/* A report asked for now includes what the kernel holds. */
		if (run_sig_report)
			run_drain(rc, pfd, &alive, failed);
		run_flags(rc);
		wait = run_wait_ms(rc);
		if (poll(pfd, rc->ncaps, (int)wait) == -1 && errno != EINTR) {
			log_warn("poll");
			(*failed)++;
			break;
		}
		run_dispatch(rc, pfd, &alive, failed);
	}

	run_drain(rc, pfd, &alive, failed);
	if (rc->clock == ENGINE_CLOCK_WALL)
		engine_tick(rc->eng, run_now_ms() / 1000);
	run_stop_ncaps = 0;
	run_stop_caps = NULL;
	free(pfd);
}

void
run_live_workers(struct run_config *rc, size_t *failed)
{
	char		errbuf[PC_ERRBUF_SIZE];
	struct timespec	ts;
	int64_t		wait;

	if (rc->clock == ENGINE_CLOCK_WALL)
		engine_start(rc->eng, run_now_ms() / 1000);
	if (workers_start(rc->workers, errbuf) == -1) {
		log_warnx("%s", errbuf);
		(*failed)++;
		workers_stop(rc->workers, failed);
		return;
	}
	while (!run_sig_stop && workers_alive(rc->workers) > 0 &&
	    !engine_sink_failed(rc->eng)) {
		if (run_sig_report) {
			/* Let the workers take what the kernel holds. */
			ts.tv_sec = 0;
			ts.tv_nsec = RUN_DRAIN_MS * 1000000L;
			nanosleep(&ts, NULL);
		}
		run_flags(rc);
		wait = run_wait_ms(rc);
		if (wait > 0)
			(void)poll(NULL, 0, (int)wait);	/* a signal cuts it */
	}
	workers_stop(rc->workers, failed);
	if (rc->clock == ENGINE_CLOCK_WALL)
		engine_tick(rc->eng, run_now_ms() / 1000);
}

/*
 * Redraw the progress line at most every RUN_PROGRESS_MS: share of the
 * file's bytes read, frames per second, time left at that pace.  Written
 * to standard error only, with a carriage return, so it never mixes into
 * the reports and is erased when the file ends.
 */
static void
run_progress_show(struct run_progress *pg, struct capture *cap)
{
	long long	 off;
	int64_t		 now = run_now_ms();
	double		 secs, frac, rate, left;

	if (pg->size <= 0 || now - pg->last_ms < RUN_PROGRESS_MS)
		return;
	pg->last_ms = run_progress_mark = now;
	if ((off = capture_tell(cap)) < 0)
		return;
	secs = (double)(now - pg->start_ms) / 1000.0;
	frac = (double)off / (double)pg->size;
	rate = secs > 0 ? (double)pg->frames / secs : 0;
	left = frac > 0 ? secs / frac - secs : 0;
	fprintf(stderr, "\rportclass: %s %5.1f%%  %.2f M frames/s  %.0f s left"
	    "\033[K", pg->name, 100.0 * (frac > 1 ? 1 : frac), rate / 1e6,
	    left > 0 ? left : 0);
	pg->shown = 1;
}

static void
run_progress_clear(struct run_progress *pg)
{
	if (pg->shown)
		fputs("\r\033[K", stderr);
	pg->shown = 0;
}

/* Read one file to its end, a stop, or an error. */
static void
run_one_file(struct run_config *rc, const char *path, size_t *failed)
{
	char		 errbuf[PC_ERRBUF_SIZE];
	struct capture	*cap;
	struct capture	*one[1];
	struct run_progress pg;
	struct stat	 st;
	int		 n;

	memset(&pg, 0, sizeof(pg));
	if (rc->progress && strcmp(path, "-") != 0 &&
	    stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		pg.name = path;
		pg.size = (long long)st.st_size;
		pg.start_ms = run_now_ms();
		/* The refresh clock runs across files: many short files
		 * still show a line once the run has taken a while. */
		if (run_progress_mark == 0)
			run_progress_mark = pg.start_ms;
		pg.last_ms = run_progress_mark;
	}
	if ((cap = capture_open_file(path, errbuf)) == NULL) {
		log_warnx("%s", errbuf);
		(*failed)++;
		return;
	}
	if (rc->filter != NULL &&
	    capture_set_filter(cap, rc->filter, errbuf) == -1) {
		log_warnx("%s", errbuf);
		capture_close(cap);
		(*failed)++;
		run_sig_stop = 1;	/* the same filter fails every file */
		return;
	}
	one[0] = cap;
	run_stop_caps = one;
	run_stop_ncaps = 1;
	if (rc->threads > 1) {
		/*
		 * A file our readers take (classic pcap, pcapng) is read
		 * ahead in blocks by a second thread inside the capture and
		 * parsed in place here; one left to libpcap hands copied
		 * frames over a ring (run_file_threaded).
		 */
		switch (capture_readahead(cap, errbuf)) {
		case 1:
			break;
		case 0:
			if (run_file_threaded(rc, cap, &pg, failed) == 0)
				goto done;
			break;
		default:
			log_warnx("%s; reading in one thread", errbuf);
			break;
		}
	}
	while (!run_sig_stop && !engine_sink_failed(rc->eng)) {
		n = capture_dispatch(cap, 0, engine_frame, rc->eng, errbuf);
		if (n == CAPTURE_END)
			break;
		if (n == -1) {
			run_progress_clear(&pg);
			if (!run_sig_stop) {
				log_warnx("%s", errbuf);
				(*failed)++;
			}
			break;
		}
		pg.frames += (uint64_t)n;
		run_progress_show(&pg, cap);
		run_flags(rc);
	}
done:
	run_progress_clear(&pg);
	run_stop_ncaps = 0;
	run_stop_caps = NULL;
	capture_close(cap);
}

/*
 * --threads 2, the reader: read batches with libpcap and copy every frame
 * into the ring (libpcap reuses its buffer), drawing the progress line,
 * until the file ends, a stop, an error, or the classifier gives up.
 */
static void *
run_reader_main(void *arg)
{
	struct run_reader	*rd = arg;
	int			 n;

	/* This thread takes the signals (run_file_threaded). */
	pthread_sigmask(SIG_UNBLOCK, &rd->sigs, NULL);
	while (!run_sig_stop && !ring_cancelled(rd->ring)) {
		n = capture_dispatch(rd->cap, 0, ring_push, rd->ring,
		    rd->errbuf);
		if (n == CAPTURE_END)
			break;
		if (n == -1) {
			rd->error = 1;
			break;
		}
		rd->pg->frames += (uint64_t)n;
		run_progress_show(rd->pg, rd->cap);
	}
	run_progress_clear(rd->pg);
	ring_close(rd->ring);
	return (NULL);
}

/*
 * --threads 2, the classifier: this thread runs the engine on each batch
 * the reader hands over, and acts on signals and the clock between
 * batches, so the engine and the sinks stay in one thread and interval
 * cuts on packet time fall exactly where a single thread puts them.
 * Meanwhile the signals go to the reader, which may sit in a read(2) of a
 * pipe: a stop interrupts it there, as it would a single thread, and the
 * handler stops the capture; this thread only sees the flags.  -1 if the
 * thread cannot be started (the caller reads the file itself).
 */
static int
run_file_threaded(struct run_config *rc, struct capture *cap,
    struct run_progress *pg, size_t *failed)
{
	static const int		 sigs[] = { SIGINT, SIGTERM, SIGUSR1,
					    SIGHUP };
	struct run_reader		 rd;
	const struct ring_batch		*b;
	const struct ring_decoded	*d;
	const struct capture_frame	*fr;
	sigset_t			 old;
	pthread_t			 tid;
	size_t				 i;
	int				 err;

	memset(&rd, 0, sizeof(rd));
	rd.cap = cap;
	rd.ring = ring_new();
	rd.pg = pg;
	sigemptyset(&rd.sigs);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&rd.sigs, sigs[i]);
	pthread_sigmask(SIG_BLOCK, &rd.sigs, &old);
	if ((err = pthread_create(&tid, NULL, run_reader_main, &rd)) != 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		log_warnx("--threads: cannot start the reader thread (%s); "
		    "reading in one thread", strerror(err));
		ring_free(rd.ring);
		return (-1);
	}
	while ((b = ring_next(rd.ring)) != NULL) {
		for (i = 0; i < b->nframes; i++) {
			fr = &b->frames[i];
			if ((d = ring_decoded(fr)) != NULL)
				engine_decoded(rc->eng, fr, d->dr, &d->pi);
			else
				engine_frame(rc->eng, fr);
		}
		ring_release(rd.ring);
		run_flags(rc);
		if (engine_sink_failed(rc->eng)) {
			ring_cancel(rd.ring);
			break;
		}
	}
	pthread_join(tid, NULL);
	/* Signals that came meanwhile are acted on already (flags). */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rd.error && !run_sig_stop) {
		log_warnx("%s", rd.errbuf);
		(*failed)++;
	}
	ring_free(rd.ring);
	return (0);
}

void
run_files(struct run_config *rc, size_t *failed)
{
	size_t	i;

	if (rc->clock == ENGINE_CLOCK_WALL)
		engine_start(rc->eng, run_now_ms() / 1000);
	for (i = 0; i < rc->nfiles && !run_sig_stop; i++) {
		run_one_file(rc, rc->files[i], failed);
		if (engine_sink_failed(rc->eng))
			break;
	}
	if (rc->clock == ENGINE_CLOCK_WALL)
		engine_tick(rc->eng, run_now_ms() / 1000);
}

void
run_wait_stop(void)
{
	sigset_t	block, old;

	/* Blocked between the test and the wait, so no stop is missed. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (!run_sig_stop)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}
