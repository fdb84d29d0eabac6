/*
 * engine.c - decode, classify and count each frame; cut interval reports.
 *
 * Every frame lands in exactly one place: a service row (port or the
 * protocol's ephemeral row) or one named counter.  With an interval set,
 * frames are counted into the interval's counters, which are folded into
 * the run's counters when the interval is reported; without one, they go
 * straight into the run's counters.  Time is packet time: reports are
 * deterministic for a given file.
 */
#include <stdint.h>
#include <stdlib.h>

#include "portclass/classify.h"
#include "portclass/counters.h"
#include "portclass/decode.h"
#include "portclass/engine.h"
#include "portclass/flow.h"
#include "portclass/registry.h"
#include "portclass/report.h"
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
	struct counters		*run;
	struct counters		*ival;		/* NULL without an interval */
	struct counters		*cur;		/* where frames are counted */
	int			 started;	/* a frame has been seen */
	int64_t			 first_ts;
	int64_t			 last_ts;
	int64_t			 ival_start;
	int			 sink_failed;
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
		    enum report_scope, int64_t, int64_t, size_t);
static void	engine_tick(struct engine *, int64_t);

struct engine *
engine_new(const struct engine_config *cfg)
{
	struct engine	*e;

	e = xcalloc(1, sizeof(*e));
	e->cfg = *cfg;
	e->flows = flow_new(cfg->flow_cap > 0 ? cfg->flow_cap :
	    FLOW_DEFAULT_CAP);
	e->run = counters_new();
	if (cfg->interval > 0)
		e->ival = counters_new();
	e->cur = e->ival != NULL ? e->ival : e->run;
	return (e);
}

static void
engine_emit(struct engine *e, const struct counters *c,
    enum report_scope scope, int64_t start, int64_t end, size_t files_failed)
{
	struct report	r = { 0 };
	size_t		i;

	report_build(&r, c, e->cfg.reg, e->cfg.top);
	r.scope = scope;
	r.clock = "packet";
	r.has_span = e->started;
	r.start = start;
	r.end = end;
	r.flows = flow_count(e->flows);
	r.flow_evictions = flow_evictions(e->flows);
	r.files_failed = files_failed;
	for (i = 0; i < e->cfg.nsinks; i++) {
		if (e->cfg.sinks[i].ops->emit(&e->cfg.sinks[i], &r) == -1)
			e->sink_failed = 1;
	}
	report_clear(&r);
}

/* Report every interval that ended at or before packet time ts. */
static void
engine_tick(struct engine *e, int64_t ts)
{
	int64_t	step = e->cfg.interval;

	if (ts < e->ival_start + step)
		return;
	engine_emit(e, e->ival, REPORT_INTERVAL, e->ival_start,
	    e->ival_start + step, 0);
	counters_merge(e->run, e->ival);
	counters_reset(e->ival);
	e->ival_start += step;
	if ((ts - e->ival_start) / step > ENGINE_MAX_EMPTY_INTERVALS) {
		e->ival_start = ts;
		return;
	}
	while (ts >= e->ival_start + step) {
		engine_emit(e, e->ival, REPORT_INTERVAL, e->ival_start,
		    e->ival_start + step, 0);
		e->ival_start += step;
	}
}

void
engine_frame(void *ctx, const struct capture_frame *f)
{
	struct engine		*e = ctx;
	struct pkt_info		 pi;
	struct classify_result	 cr;
	enum decode_result	 dr;

	if (!e->started) {
		e->started = 1;
		e->first_ts = e->last_ts = f->ts_sec;
		e->ival_start = f->ts_sec;
	}
	if (f->ts_sec > e->last_ts)
		e->last_ts = f->ts_sec;
	if (e->ival != NULL)
		engine_tick(e, f->ts_sec);

	dr = decode_frame(f->dlt, f->data, f->caplen, &pi);
	if (dr != DECODE_OK) {
		counters_add_named(e->cur,
		    (enum counter_id)engine_decode_counter[dr], f->wirelen);
		return;
	}
	if (pi.kind != PKT_PORTS) {
		counters_add_named(e->cur,
		    (enum counter_id)engine_kind_counter[pi.kind], f->wirelen);
		return;
	}
	classify_packet(e->cfg.reg, e->flows, &pi, &cr);
	if (cr.ephemeral)
		counters_add_ephemeral(e->cur, pi.proto, f->wirelen);
	else
		counters_add_port(e->cur, pi.proto, cr.port, f->wirelen);
}

int
engine_finish(struct engine *e, size_t files_failed)
{
	if (e->ival != NULL && e->started) {
		engine_emit(e, e->ival, REPORT_INTERVAL, e->ival_start,
		    e->ival_start + e->cfg.interval, 0);
		counters_merge(e->run, e->ival);
		counters_reset(e->ival);
	}
	engine_emit(e, e->run, REPORT_RUN, e->first_ts, e->last_ts + 1,
	    files_failed);
	return (e->sink_failed ? -1 : 0);
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
	counters_free(e->run);
	counters_free(e->ival);
	free(e);
}
