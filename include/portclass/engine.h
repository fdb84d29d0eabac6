/*
 * engine.h - the per-frame pipeline: decode, pick the service port, count,
 * and cut reports at interval boundaries.
 *
 * engine_frame() is the capture callback.  It does no allocation, no system
 * call and no formatting, except at an interval boundary, where the
 * finished interval is rendered by the sinks, and for an alert (the first
 * packet on a new unassigned port, rate-limited; unassigned.h).
 *
 * Intervals follow one of two clocks.  Packet time (the default for files)
 * cuts them as frame timestamps cross a boundary, so a file always gives
 * the same reports.  Wall time (the default live) cuts them when the
 * caller's loop says the time has come (engine_tick), so reports come on
 * time on a quiet link too.  Every report goes out through one function,
 * engine.c's engine_render(): to each sink's emit operation, or, for the
 * run so far, to its snapshot operation (sink.h).
 */
#ifndef PORTCLASS_ENGINE_H
#define PORTCLASS_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/capture.h"
#include "portclass/decode.h"
#include "portclass/report.h"
#include "portclass/sink.h"

struct registry;

enum engine_clock {
	ENGINE_CLOCK_PACKET = 0,	/* frame timestamps */
	ENGINE_CLOCK_WALL		/* the caller's engine_tick() */
};

/*
 * Capture statistics since the start, summed over every live capture;
 * filled by the caller's callback at each report.  Returns -1 when there
 * are none (files), and the report then carries none.
 */
struct engine_capstats {
	uint64_t	received;
	uint64_t	dropped;
	uint64_t	ifdropped;
};
typedef int	engine_capstats_cb(void *ctx, struct engine_capstats *);

/*
 * The memories of the service-port rule: flow cache and listeners (with
 * what their conversation and candidate tables evicted); for the live
 * workers, summed (engine_collect_cb).
 */
struct engine_flowstats {
	uint64_t	flows;
	uint64_t	evictions;
	uint64_t	listeners;
	uint64_t	listener_evictions;
	uint64_t	conversation_evictions;
	uint64_t	candidate_evictions;
	uint64_t	guess_evictions;	/* decided early (defer.h) */
};

struct counters;

/*
 * Live with --workers: the workers count frames in engines of their own.
 * Called in the reporting thread before every report (interval cut,
 * report now, the end) to add their counts so far into c, the counters
 * about to be reported, and to give their flow cache sizes (workers.h).
 */
typedef void	engine_collect_cb(void *ctx, struct counters *c,
		    struct engine_flowstats *);

struct engine_config {
	const struct registry	*reg;		/* borrowed; see set_registry */
	size_t			 flow_cap;	/* flow cache entries */
	size_t			 listener_cap;	/* listeners; 0: the default */
	/*
	 * Seeds the hashes of the tables that forget (listener.h,
	 * defer.h): 0 for files, so that a file always gives the same
	 * report; random live, so that a sender cannot aim collisions.
	 */
	uint64_t		 seed;
	int64_t			 interval;	/* seconds; 0: run report only */
	size_t			 top;		/* rows per report; 0: all */
	/*
	 * Opened by the caller.  Every report goes to their emit operation,
	 * the run so far to their snapshot operation (sink.h), alerts and
	 * reloads to theirs.
	 */
	struct sink		*sinks;
	size_t			 nsinks;
	enum engine_clock	 clock;
	engine_capstats_cb	*capstats;	/* NULL: no capture statistics */
	void			*capstats_ctx;
	/*
	 * Track traffic on unassigned and reserved ports (unassigned.h) for
	 * the run report (--unassigned, --fail-on-unassigned), at most
	 * unassigned_cap ports (0: the default); alert_unassigned also
	 * sends an alert for each new such port (--alert unassigned).
	 */
	int			 track_unassigned;
	int			 alert_unassigned;
	size_t			 unassigned_cap;
	/* NULL: this engine counts the frames given to engine_frame(). */
	engine_collect_cb	*collect;
	void			*collect_ctx;
};

struct engine;

/*
 * A seed for engine_config.seed that a sender cannot guess: from the
 * kernel's random source (startup only).
 */
uint64_t	 engine_random_seed(void);

/* A new engine; startup allocation, never fails. */
struct engine	*engine_new(const struct engine_config *);

/*
 * Wall clock: the run (and its first interval) starts at now, Unix
 * seconds.  Call once, before the first frame.  No-op on packet time.
 */
void		 engine_start(struct engine *, int64_t now);

/*
 * Wall clock: report every interval that ended at or before now.  Call
 * between frames, from the capture loop.  No-op on packet time.
 */
void		 engine_tick(struct engine *, int64_t now);

/*
 * Wall clock: when the open interval ends (Unix seconds), so the loop
 * knows how long it may wait; INT64_MAX when nothing is due.
 */
int64_t		 engine_deadline(const struct engine *);

/*
 * Emit the run so far (run counts plus the open interval), marked not
 * final, without closing the interval: what SIGUSR1 asks for.
 */
void		 engine_report_now(struct engine *);

/*
 * Use reg from the next frame on; the caller frees the old one after this
 * returns.  Call between frames only (the capture loop does).  Interval
 * counts so far keep their ports and take the new names when reported.
 */
void		 engine_set_registry(struct engine *, const struct registry *);

/*
 * A SIGHUP reload put a new registry in place at now (wall clock, Unix
 * seconds), after engine_set_registry() and after the sinks' meta was
 * updated: every sink with a registry operation says so at once, the
 * run reports from now on carry the count and the time, and the sinks
 * with a snapshot operation get the run so far under the new registry.
 */
void		 engine_registry_reloaded(struct engine *, int64_t now);

/* capture_cb: count one frame.  ctx is the struct engine. */
void		 engine_frame(void *ctx, const struct capture_frame *);

/*
 * engine_frame() in two steps, for --threads 2, where the reader thread
 * may decode a frame and the classifying thread counts it.
 * engine_decode() reads only the frame (no engine state), so any thread
 * may call it; engine_decoded() counts the frame with what it returned.
 */
enum decode_result engine_decode(const struct capture_frame *,
		    struct pkt_info *);
void		 engine_decoded(struct engine *, const struct capture_frame *,
		    enum decode_result, const struct pkt_info *);

/*
 * Emit the last interval (if any) and the run report.  files_failed is
 * shown in the totals.  Returns -1 if any sink failed to write at any
 * point of the run, else 0.
 */
int		 engine_finish(struct engine *, size_t files_failed);

/*
 * Packets seen so far on unassigned or reserved service ports; 0 when not
 * tracking (track_unassigned unset).
 */
uint64_t	 engine_unassigned_packets(const struct engine *);

/*
 * Count from now on into c, and return the counters used until now; the
 * caller owns the returned set (and no longer c).  For worker engines,
 * between frames, in the thread that counts: see workers.c.
 */
struct counters	*engine_swap_counters(struct engine *, struct counters *c);

/* The engine's own flow cache and listeners: in use, evictions so far. */
void		 engine_flowstats(const struct engine *,
		    struct engine_flowstats *);

/* 1 once a sink failed to write (the caller may stop reading). */
int		 engine_sink_failed(const struct engine *);

void		 engine_free(struct engine *);

#endif /* PORTCLASS_ENGINE_H */
