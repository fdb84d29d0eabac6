/*
 * engine.c - decode, classify and count each frame; cut interval reports.
 *
 * Every frame lands in exactly one place: a service row (port or the
 * protocol's ephemeral row) or one named counter.  With an interval set,
 * frames are counted into the interval's counters, which are folded into
 * the run's counters when the interval is reported; without one, they go
 * straight into the run's counters.  On packet time (the default for
 * files) reports are deterministic for a given file; on wall time the
 * capture loop calls engine_tick() and frames' timestamps only matter to
 * the decoder.  Every report, interval, final, on demand or the run so
 * far for the sinks that serve it, goes out through engine_render(), the
 * one place that hands reports to the sinks.
 */
#include <sys/random.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "portclass/classify.h"
#include "portclass/counters.h"
#include "portclass/decode.h"
#include "portclass/defer.h"
#include "portclass/engine.h"
#include "portclass/flow.h"
#include "portclass/listener.h"
#include "portclass/registry.h"
#include "portclass/report.h"
#include "portclass/unassigned.h"
#include "portclass/xmalloc.h"

/*
 * A jump in packet time of more than this many intervals (a clock step, or
 * a hostile timestamp) restarts the interval grid at the new time instead
 * of printing every empty interval in between.
 */
#define ENGINE_MAX_EMPTY_INTERVALS	1000

struct engine {
	struct engine_config	 cfg;
	struct flow_cache	*flows;
	struct listener_table	*listeners;
	struct defer_table	*held;		/* guesses until a report */
	struct counters		*run;
	struct counters		*ival;		/* NULL without an interval */
	struct counters		*cur;		/* where frames are counted */
	struct counters		*snap;		/* run so far, on demand */
	int			 started;	/* a frame (or the clock) began */
	/*
	 * Packet time: a frame needs engine_advance() only from this second
	 * on (the first frame, or one later than every frame before, which
	 * alone can end an interval).  INT64_MAX on wall time, where frames
	 * never move the clock.
	 */
	int64_t			 ts_next;
	int64_t			 first_ts;
	int64_t			 last_ts;
	int64_t			 ival_start;
	int			 sink_failed;
	int			 snapshots;	/* a sink has that operation */
	struct engine_capstats	 cap_mark;	/* at the last interval cut */
	struct unassigned	*ua;		/* NULL unless tracking */
	struct engine_flowstats	 wflows;	/* workers', at the last collect */
	unsigned int		 reloads;	/* registry reloads (SIGHUP) */
	int64_t			 reloaded;	/* the last one, wall clock */
};

static const uint8_t engine_decode_counter[] = {
	[DECODE_TRUNCATED] = CTR_TRUNCATED,
	[DECODE_MALFORMED] = CTR_MALFORMED,
	[DECODE_UNSUPPORTED] = CTR_UNSUPPORTED_LINK,
};

static const uint8_t engine_kind_counter[] = {
	[PKT_ICMP] = CTR_ICMP,
	[PKT_ICMPV6] = CTR_ICMPV6,
	[PKT_OTHER_IP] = CTR_OTHER_IP,
	[PKT_NON_IP] = CTR_NON_IP,
	[PKT_FRAGMENT] = CTR_FRAGMENT,
};

static void	engine_emit(struct engine *, const struct counters *,
		    enum report_scope, int64_t, int64_t, size_t, int);
static void	engine_cut(struct engine *, int64_t);
static void	engine_collect(struct engine *);
static void	engine_render(struct engine *, const struct report *, int);
static void	engine_snapshot(struct engine *, size_t);
static void	engine_advance(struct engine *, int64_t);
static void	engine_unported(struct engine *, enum decode_result,
		    const struct pkt_info *, uint32_t);
static void	engine_unassigned(struct engine *, const struct pkt_info *,
		    uint16_t, const struct capture_frame *);
static void	engine_alert(struct engine *, struct unassigned_alert *);
static void	engine_hold(struct engine *, const struct capture_frame *,
		    const struct pkt_info *, const struct classify_result *);
static void	engine_settle(struct engine *);
static void	engine_settle_one(void *, const struct defer_entry *);
static int	engine_decided(void *, const struct defer_entry *);

uint64_t
engine_random_seed(void)
{
	uint64_t	seed;

	if (getrandom(&seed, sizeof(seed), 0) == (ssize_t)sizeof(seed))
		return (seed);
	/* No random source: still not the fixed seed of files. */
	return ((uint64_t)time(NULL) << 20 ^ (uint64_t)getpid() ^
	    (uint64_t)(uintptr_t)&seed);
}

struct engine *
engine_new(const struct engine_config *cfg)
{
	struct engine	*e;
	size_t		 i;

	e = xcalloc(1, sizeof(*e));
	e->cfg = *cfg;
	for (i = 0; i < cfg->nsinks; i++) {
		if (cfg->sinks[i].ops->snapshot != NULL)
			e->snapshots = 1;
	}
	e->flows = flow_new(cfg->flow_cap > 0 ? cfg->flow_cap :
	    FLOW_DEFAULT_CAP);
	e->listeners = listener_new(cfg->listener_cap, cfg->seed);
	/* As many held conversations as listeners: one knob for both. */
	e->held = defer_new(cfg->listener_cap, cfg->seed);
	e->run = counters_new();
	if (cfg->interval > 0)
		e->ival = counters_new();
	e->cur = e->ival != NULL ? e->ival : e->run;
	e->ts_next = cfg->clock == ENGINE_CLOCK_PACKET ? INT64_MIN : INT64_MAX;
	if (cfg->track_unassigned || cfg->alert_unassigned) {
		e->ua = unassigned_new(cfg->unassigned_cap);
		unassigned_set_alerts(e->ua, cfg->alert_unassigned);
	}
	/* An empty snapshot at once: a scrape before the first cut is a
	 * valid (all zero) answer, not an error. */
	engine_snapshot(e, 0);
	return (e);
}

/*
 * Build one report from c into *rp (free with report_clear).  Interval
 * reports carry the capture statistics since the previous cut, and move
 * the mark; run reports, everything since the start.
 */
static void
engine_fill(struct engine *e, struct report *rp, const struct counters *c,
    enum report_scope scope, int64_t start, int64_t end, size_t files_failed,
    int partial, size_t top)
{
	struct report		r;
	struct engine_capstats	cs;
	struct engine_flowstats	fs;

	memset(&r, 0, sizeof(r));
	report_build(&r, c, e->cfg.reg, top);
	r.scope = scope;
	r.clock = e->cfg.clock == ENGINE_CLOCK_WALL ? "wall" : "packet";
	r.has_span = e->started;
	r.start = start;
	r.end = end;
	if (e->cfg.collect != NULL)
		fs = e->wflows;
	else
		engine_flowstats(e, &fs);
	r.flows = fs.flows;
	r.flow_evictions = fs.evictions;
	r.listeners = fs.listeners;
	r.listener_evictions = fs.listener_evictions;
	r.conversation_evictions = fs.conversation_evictions;
	r.candidate_evictions = fs.candidate_evictions;
	r.guess_evictions = fs.guess_evictions;
	r.files_failed = files_failed;
	r.partial = partial;
	if (scope == REPORT_RUN) {
		r.registry_reloads = e->reloads;
		r.registry_reloaded = e->reloaded;
	}
	if (e->ua != NULL && e->cfg.track_unassigned && scope == REPORT_RUN)
		report_add_unassigned(&r, e->ua, top);
	if (e->cfg.capstats != NULL &&
	    e->cfg.capstats(e->cfg.capstats_ctx, &cs) == 0) {
		r.has_capture = 1;
		r.capture_total.received = cs.received;
		r.capture_total.dropped = cs.dropped;
		r.capture_total.ifdropped = cs.ifdropped;
		r.capture = r.capture_total;
		if (scope == REPORT_INTERVAL) {
			r.capture.received -= e->cap_mark.received;
			r.capture.dropped -= e->cap_mark.dropped;
			r.capture.ifdropped -= e->cap_mark.ifdropped;
			e->cap_mark = cs;
		}
	}
	*rp = r;
}

/*
 * Hand r to every sink's emit operation, or, with snapshot set, to every
 * sink's snapshot operation.
 */
static void
engine_render(struct engine *e, const struct report *r, int snapshot)
{
	struct sink	*s;
	size_t		 i;
	int		(*op)(struct sink *, const struct report *);

	for (i = 0; i < e->cfg.nsinks; i++) {
		s = &e->cfg.sinks[i];
		op = snapshot ? s->ops->snapshot : s->ops->emit;
		if (op != NULL && op(s, r) == -1)
			e->sink_failed = 1;
	}
}

/* Render one report through every sink. */
static void
engine_emit(struct engine *e, const struct counters *c,
    enum report_scope scope, int64_t start, int64_t end, size_t files_failed,
    int partial)
{
	struct report	r;

	engine_fill(e, &r, c, scope, start, end, files_failed, partial,
	    e->cfg.top);
	engine_render(e, &r, 0);
	report_clear(&r);
}

/*
 * The run so far, whole (no --top cut), to the sinks that take it
 * (sink.h); nothing is built when none does.
 */
static void
engine_snapshot(struct engine *e, size_t files_failed)
{
	struct report	r;

	if (!e->snapshots)
		return;
	engine_fill(e, &r, e->run, REPORT_RUN, e->first_ts, e->last_ts + 1,
	    files_failed, 0, 0);
	engine_render(e, &r, 1);
	report_clear(&r);
}

/* Live with workers: fold their counts in before a report. */
static void
engine_collect(struct engine *e)
{
	if (e->cfg.collect != NULL)
		e->cfg.collect(e->cfg.collect_ctx, e->cur, &e->wflows);
}

/* Report every interval that ended at or before time ts. */
static void
engine_cut(struct engine *e, int64_t ts)
{
	int64_t	step = e->cfg.interval;

	if (ts < e->ival_start + step)
		return;
	engine_settle(e);
	engine_collect(e);
	engine_emit(e, e->ival, REPORT_INTERVAL, e->ival_start,
	    e->ival_start + step, 0, 0);
	counters_merge(e->run, e->ival);
	counters_reset(e->ival);
	engine_snapshot(e, 0);
	e->ival_start += step;
	if ((ts - e->ival_start) / step > ENGINE_MAX_EMPTY_INTERVALS) {
		e->ival_start = ts;
		return;
	}
	while (ts >= e->ival_start + step) {
		engine_emit(e, e->ival, REPORT_INTERVAL, e->ival_start,
		    e->ival_start + step, 0, 0);
		e->ival_start += step;
	}
}

void
engine_start(struct engine *e, int64_t now)
{
	if (e->cfg.clock != ENGINE_CLOCK_WALL || e->started)
		return;
	e->started = 1;
	e->first_ts = e->last_ts = e->ival_start = now;
}

void
engine_tick(struct engine *e, int64_t now)
{
	if (e->cfg.clock != ENGINE_CLOCK_WALL)
		return;
	if (!e->started)
		engine_start(e, now);
	if (now > e->last_ts)
		e->last_ts = now;
	if (e->ival != NULL)
		engine_cut(e, now);
}

int64_t
engine_deadline(const struct engine *e)
{
	if (e->cfg.clock != ENGINE_CLOCK_WALL || e->ival == NULL ||
	    !e->started)
		return (INT64_MAX);
	return (e->ival_start + e->cfg.interval);
}

void
engine_report_now(struct engine *e)
{
	engine_settle(e);
	engine_collect(e);
	if (e->snap == NULL)
		e->snap = counters_new();
	counters_reset(e->snap);
	counters_merge(e->snap, e->run);
	if (e->ival != NULL)
		counters_merge(e->snap, e->ival);
	engine_emit(e, e->snap, REPORT_RUN, e->first_ts, e->last_ts + 1, 0, 1);
}

void
engine_set_registry(struct engine *e, const struct registry *reg)
{
	/* The held guesses are decided by the registry they came under. */
	engine_settle(e);
	e->cfg.reg = reg;
}

void
engine_registry_reloaded(struct engine *e, int64_t now)
{
	size_t	i;

	e->reloads++;
	e->reloaded = now;
	for (i = 0; i < e->cfg.nsinks; i++) {
		if (e->cfg.sinks[i].ops->registry == NULL)
			continue;
		if (e->cfg.sinks[i].ops->registry(&e->cfg.sinks[i], now,
		    e->reloads) == -1)
			e->sink_failed = 1;
	}
	engine_snapshot(e, 0);
}

/*
 * The per-frame path, shared by engine_frame() and engine_decoded(), and
 * inlined into both so that a frame costs no call of its own: everything
 * that most frames do not need (a new second of packet time, frames
 * without a service port, unassigned ports, handshakes) is a call out of
 * it, which also keeps its register use, and so its prologue, small.
 */
static inline __attribute__((always_inline)) void
engine_count(struct engine *e, const struct capture_frame *f,
    enum decode_result dr, const struct pkt_info *pi)
{
	struct classify_result	 cr;

	if (f->ts_sec >= e->ts_next)
		engine_advance(e, f->ts_sec);
	if (dr != DECODE_OK || pi->kind != PKT_PORTS) {
		engine_unported(e, dr, pi, f->wirelen);
		return;
	}
	classify_packet(e->cfg.reg, e->flows, e->listeners, pi, f->ts_sec,
	    &cr);
	if (cr.guess) {
		engine_hold(e, f, pi, &cr);
		return;
	}
	counters_add_why(e->cur, pi->proto, cr.ephemeral ? COUNTERS_EPHEMERAL :
	    cr.port, f->wirelen, cr.reason);
	if (e->ua != NULL && !cr.ephemeral)
		engine_unassigned(e, pi, cr.port, f);
}

/*
 * flatten: decode, rule, status lookups and counters in one body, with no
 * call on the way; the rare paths are noinline and stay calls.
 */
__attribute__((flatten)) void
engine_frame(void *ctx, const struct capture_frame *f)
{
	struct pkt_info		 pi;
	enum decode_result	 dr;

	dr = engine_decode(f, &pi);
	engine_count(ctx, f, dr, &pi);
}

enum decode_result
engine_decode(const struct capture_frame *f, struct pkt_info *pi)
{
	/*
	 * More bytes captured than were on the wire: the record lies about
	 * itself, and nothing in it can be trusted.  Counted by its wire
	 * length, like every frame.
	 */
	if (f->caplen > f->wirelen) {
		memset(pi, 0, sizeof(*pi));
		pi->kind = PKT_NON_IP;
		return (DECODE_MALFORMED);
	}
	return (decode_frame(f->dlt, f->data, f->caplen, pi));
}

__attribute__((flatten)) void
engine_decoded(struct engine *e, const struct capture_frame *f,
    enum decode_result dr, const struct pkt_info *pi)
{
	engine_count(e, f, dr, pi);
}

/*
 * Packet time moved past every frame so far (or this is the first frame):
 * note the span, and report the intervals that ended.  A frame that is
 * not later than the latest one cannot end an interval, as the cut below
 * always leaves the open interval ending after last_ts.
 */
static __attribute__((noinline)) void
engine_advance(struct engine *e, int64_t ts)
{
	if (e->cfg.clock != ENGINE_CLOCK_PACKET)
		return;		/* a frame stamped INT64_MAX, on wall time */
	if (!e->started) {
		e->started = 1;
		e->first_ts = e->last_ts = ts;
		e->ival_start = ts;
	}
	if (ts > e->last_ts)
		e->last_ts = ts;
	e->ts_next = ts < INT64_MAX ? ts + 1 : ts;
	if (e->ival != NULL)
		engine_cut(e, ts);
}

/* A frame without a service port: one of the named counters. */
static __attribute__((noinline)) void
engine_unported(struct engine *e, enum decode_result dr,
    const struct pkt_info *pi, uint32_t wirelen)
{
	counters_add_named(e->cur, (enum counter_id)(dr != DECODE_OK ?
	    engine_decode_counter[dr] : engine_kind_counter[pi->kind]),
	    wirelen);
}

/*
 * Only unassigned and reserved service ports go further: one status load
 * for everything else.
 */
static __attribute__((noinline)) void
engine_unassigned(struct engine *e, const struct pkt_info *pi,
    uint16_t port, const struct capture_frame *f)
{
	struct unassigned_alert	al;
	enum reg_status		st;

	st = registry_status(e->cfg.reg, pi->proto, port);
	if (st != REG_UNASSIGNED && st != REG_RESERVED)
		return;
	if (unassigned_note(e->ua, pi, port, st, f->ts_sec, f->ts_nsec,
	    f->wirelen, &al))
		engine_alert(e, &al);
}

/*
 * An alert goes out at once, with the port's unofficial use, through every
 * sink that has an alert operation: rare (once per port per run,
 * rate-limited), so it may look up, format and write on the packet path,
 * as an interval cut does.
 */
static void
engine_alert(struct engine *e, struct unassigned_alert *al)
{
	size_t	i;

	al->unofficial = report_unofficial(al->proto, al->port,
	    (enum reg_status)al->status);
	for (i = 0; i < e->cfg.nsinks; i++) {
		if (e->cfg.sinks[i].ops->alert == NULL)
			continue;
		if (e->cfg.sinks[i].ops->alert(&e->cfg.sinks[i], al) == -1)
			e->sink_failed = 1;
	}
}

/*
 * A guess: held with its conversation until the next report
 * (engine_settle()).  A conversation that must leave the full table to
 * make room is decided now.
 */
static __attribute__((noinline)) void
engine_hold(struct engine *e, const struct capture_frame *f,
    const struct pkt_info *pi, const struct classify_result *cr)
{
	struct defer_packet	p;
	struct defer_entry	out;

	p.pi = pi;
	p.wirelen = f->wirelen;
	p.sec = f->ts_sec;
	p.nsec = f->ts_nsec;
	p.held = *cr;
	if (defer_hold(e->held, &p, &out, engine_decided, e))
		engine_settle_one(e, &out);
}

/* A held conversation that evidence, not the rule, would decide now. */
static int
engine_decided(void *ctx, const struct defer_entry *d)
{
	struct engine		*e = ctx;
	struct classify_result	 cr;

	classify_again(e->cfg.reg, e->flows, e->listeners, &d->pi, NULL, &cr);
	return (cr.reason < CLASSIFY_CLIENT);
}

/*
 * Decide one held conversation with what the memories know now: by
 * evidence if there is some by now, else as its latest packet was (the
 * rule, or its first packet), and count it where it lands, as
 * engine_count() would have.
 */
static void
engine_settle_one(void *ctx, const struct defer_entry *d)
{
	struct engine		*e = ctx;
	struct unassigned_alert	 al;
	struct classify_result	 cr;
	enum reg_status		 st;

	classify_again(e->cfg.reg, e->flows, e->listeners, &d->pi, &d->held,
	    &cr);
	counters_add_n(e->cur, d->pi.proto, cr.ephemeral ?
	    COUNTERS_EPHEMERAL : cr.port, d->packets, d->bytes, cr.reason);
	if (e->ua == NULL || cr.ephemeral)
		return;
	st = registry_status(e->cfg.reg, d->pi.proto, cr.port);
	if (st != REG_UNASSIGNED && st != REG_RESERVED)
		return;
	if (unassigned_note_n(e->ua, &d->pi, cr.port, st, d->first_sec,
	    d->first_nsec, d->last_sec, d->packets, d->bytes, &al))
		engine_alert(e, &al);
}

/* Count every held guess: before any report, and before a swap. */
static void
engine_settle(struct engine *e)
{
	if (defer_held(e->held) > 0)
		defer_drain(e->held, engine_settle_one, e);
}

uint64_t
engine_unassigned_packets(const struct engine *e)
{
	return (e->ua != NULL ? unassigned_packets(e->ua) : 0);
}

int
engine_finish(struct engine *e, size_t files_failed)
{
	int64_t	end;

	engine_settle(e);
	engine_collect(e);
	if (e->ival != NULL && e->started) {
		/* On wall time the last interval ends when the run does. */
		end = e->ival_start + e->cfg.interval;
		if (e->cfg.clock == ENGINE_CLOCK_WALL && e->last_ts + 1 < end)
			end = e->last_ts + 1;
		engine_emit(e, e->ival, REPORT_INTERVAL, e->ival_start, end, 0,
		    0);
		counters_merge(e->run, e->ival);
		counters_reset(e->ival);
	}
	engine_emit(e, e->run, REPORT_RUN, e->first_ts, e->last_ts + 1,
	    files_failed, 0);
	engine_snapshot(e, files_failed);
	return (e->sink_failed ? -1 : 0);
}

struct counters *
engine_swap_counters(struct engine *e, struct counters *c)
{
	struct counters	*old;

	engine_settle(e);
	old = e->cur;

	if (e->ival != NULL)
		e->ival = c;
	else
		e->run = c;
	e->cur = c;
	return (old);
}

void
engine_flowstats(const struct engine *e, struct engine_flowstats *fs)
{
	struct listener_stats	ls;

	listener_stats(e->listeners, &ls);
	fs->flows = flow_count(e->flows);
	fs->evictions = flow_evictions(e->flows);
	fs->listeners = ls.listeners;
	fs->listener_evictions = ls.evictions;
	fs->conversation_evictions = ls.conversation_evictions;
	fs->candidate_evictions = ls.candidate_evictions;
	fs->guess_evictions = defer_evictions(e->held);
}

int
engine_sink_failed(const struct engine *e)
{
	return (e->sink_failed);
}

void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	flow_free(e->flows);
	listener_free(e->listeners);
	defer_free(e->held);
	counters_free(e->run);
	counters_free(e->ival);
	counters_free(e->snap);
	unassigned_free(e->ua);
	free(e);
}
