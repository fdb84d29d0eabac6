/*
 * run.h - the capture loop: files one after another, or live interfaces
 * polled together, with the wall-clock timer and the signals of a long run.
 *
 * main.c opens the sinks, the engine and the live captures, then hands
 * them here.  Signals only set flags (and stop the captures); the loop acts
 * on them between frames:
 *   SIGINT, SIGTERM  finish the frame in hand, read what the kernel already
 *                    holds, and return so the caller prints the final report
 *   SIGUSR1          report the run so far now (engine_report_now)
 *   SIGHUP           rebuild the registry as at the start (registry_assemble
 *                    and --map); a broken file keeps the registry in use and
 *                    says why, a good reload is told to the sinks and noted
 *                    in the run reports (engine_registry_reloaded)
 */
#ifndef PORTCLASS_RUN_H
#define PORTCLASS_RUN_H

#include <stddef.h>

#include "portclass/engine.h"

struct capture;
struct registry;
struct registry_spec;
struct sink_meta;
struct workers;

struct run_config {
	struct engine		*eng;
	enum engine_clock	 clock;

	/* Live: captures already open (and filtered), polled together. */
	struct capture		**caps;
	size_t			 ncaps;

	/*
	 * Files: opened and read in turn; filter may be NULL.  progress: draw
	 * a progress line on standard error (the caller checks it is a
	 * terminal that no report is written to meanwhile).
	 */
	int			 progress;
	const char *const	*files;
	size_t			 nfiles;
	const char		*filter;
	/*
	 * Files: 2 reads each file in a second thread that hands frames
	 * over through a ring (ring.h) while this one classifies them; 1
	 * (or 0) reads and classifies in this thread.  Same reports.
	 */
	int			 threads;

	/*
	 * SIGHUP: *reg is the registry in use, built as spec says, with the
	 * site names of map (--map, or NULL) on top.  On a reload *reg and
	 * meta's registry fields are replaced and the old registry freed.
	 */
	struct registry			**reg;
	const struct registry_spec	*spec;
	const char			*map;
	struct sink_meta		*meta;

	/*
	 * Live with --workers: the worker threads that capture (caps is
	 * then unused); a reload is handed to them too.
	 */
	struct workers		*workers;
};

/*
 * Point meta's registry fields (sources, entries) at reg: at the start,
 * and after each reload.
 */
void	run_meta_registry(struct sink_meta *meta, const struct registry *reg);

/*
 * Install the handlers for SIGINT, SIGTERM, SIGUSR1 and SIGHUP, and ignore
 * SIGPIPE (a closed pipe must be an error we report, not a silent death).
 */
void	run_signals(void);

/*
 * Read every file of rc into the engine, in order.  A file that cannot be
 * opened or breaks part-way is logged and counted in *failed; reading goes
 * on with the next one (a bad filter stops the run).  Returns after the
 * last file, on SIGINT/SIGTERM, or when a sink failed.
 */
void	run_files(struct run_config *rc, size_t *failed);

/*
 * Capture on every live capture of rc until SIGINT/SIGTERM, a sink
 * failure, or until every capture failed (each failure logged and counted
 * in *failed).  Reports come on the wall clock when rc->clock says so.
 */
void	run_live(struct run_config *rc, size_t *failed);

/*
 * Live with rc->workers: this thread only keeps the clock, acts on the
 * signals and reports (pulling the workers' counts through the engine's
 * collect hook, workers.h); the workers capture.  Returns on
 * SIGINT/SIGTERM, a sink failure, or when every worker has failed, with
 * the workers stopped and joined and their failures in *failed.
 */
void	run_live_workers(struct run_config *rc, size_t *failed);

/*
 * engine_capstats_cb for the live captures of a struct run_config: the
 * sums of capture_stats() since the start.  -1 if there are none.
 */
int	run_capstats(void *rc, struct engine_capstats *);

/*
 * Wait, doing nothing, until SIGINT or SIGTERM (used to keep serving
 * metrics after the files of -r have been read).  Returns at once if one
 * already arrived.
 */
void	run_wait_stop(void);

#endif /* PORTCLASS_RUN_H */
