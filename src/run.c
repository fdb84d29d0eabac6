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
#include "portclass/run.h"
#include "portclass/sink.h"
#include "portclass/sitemap.h"
#include "portclass/xmalloc.h"

#define RUN_POLL_MS	250	/* longest wait between flag checks */
#define RUN_DRAIN_MS	150	/* > the 100 ms packet buffer timeout */
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

static volatile sig_atomic_t	run_sig_stop;
static volatile sig_atomic_t	run_sig_report;
static volatile sig_atomic_t	run_sig_reload;

/* What a stop signal must break out of; set while the loop runs. */
static struct capture **volatile	run_stop_caps;
static volatile sig_atomic_t	run_stop_ncaps;

static void	run_on_signal(int);
static int64_t	run_now_ms(void);
static void	run_flags(struct run_config *);
static void	run_reload(struct run_config *);
static void	run_dispatch(struct run_config *, struct pollfd *, size_t *,
		    size_t *);
static void	run_one_file(struct run_config *, const char *, size_t *);
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

/*
 * Build the new registry completely, then swap it in between frames; on
 * any error the registry in use stays, and the reason is logged.
 */
static void
run_reload(struct run_config *rc)
{
	char		 errbuf[PC_ERRBUF_SIZE];
	struct registry	*nr, *old;
	size_t		 i;
	int		 ok = 1;

	nr = registry_new();
	if (rc->nregistries == 0)
		ok = registry_load_default(nr, errbuf) == 0;
	for (i = 0; ok && i < rc->nregistries; i++)
		ok = registry_load_file(nr, rc->registries[i], errbuf) == 0;
	/* The site's names (--map) go on top again. */
	if (ok && rc->map != NULL)
		ok = sitemap_load_file(nr, rc->map, errbuf) >= 0;
	if (!ok) {
		log_warnx("SIGHUP: %s; keeping the registry in use (%zu "
		    "entries from %s)", errbuf, registry_count(*rc->reg),
		    registry_source(*rc->reg));
		registry_free(nr);
		return;
	}
	engine_set_registry(rc->eng, nr);
	old = *rc->reg;
	*rc->reg = nr;
	if (rc->meta != NULL) {
		rc->meta->registry_source = registry_source(nr);
		rc->meta->registry_date = registry_date(nr);
		rc->meta->registry_entries = registry_count(nr);
	}
	registry_free(old);
	log_warnx("SIGHUP: registry reloaded: %zu entries from %s",
	    registry_count(nr), registry_source(nr));
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
	int64_t	now, deadline;

	now = run_now_ms();
	deadline = now + RUN_DRAIN_MS;
	while (*alive > 0 && now < deadline && !engine_sink_failed(rc->eng)) {
		if (poll(pfd, rc->ncaps, (int)(deadline - now)) == -1 &&
		    errno != EINTR)
			break;
		run_dispatch(rc, pfd, alive, failed);
		now = run_now_ms();
	}
}

void
run_live(struct run_config *rc, size_t *failed)
{
	struct pollfd	*pfd;
	int64_t		 now, deadline, wait;
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
		now = run_now_ms();
		wait = RUN_POLL_MS;
		deadline = engine_deadline(rc->eng);
		if (deadline != INT64_MAX && deadline * 1000 - now < wait)
			wait = deadline * 1000 - now;
		if (wait < 0)
			wait = 0;
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
	pg->last_ms = now;
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
		pg.start_ms = pg.last_ms = run_now_ms();
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
	run_progress_clear(&pg);
	run_stop_ncaps = 0;
	run_stop_caps = NULL;
	capture_close(cap);
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
