/*
 * test_engine.c - the engine's clocks and report plumbing: wall-clock
 * intervals cut by engine_tick() whether or not frames come, packet-clock
 * intervals untouched by it, capture statistics split per interval, the
 * run-so-far report of SIGUSR1, and a registry swapped between frames.
 * A recording sink stands in for the real ones.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "portclass/engine.h"
#include "portclass/log.h"
#include "portclass/registry.h"
#include "portclass/report.h"
#include "portclass/sink.h"

#define T_MAX_REPORTS	32

struct t_seen {
	enum report_scope	scope;
	int64_t			start, end;
	uint64_t		packets;
	int			partial, has_capture;
	struct report_capture	cap, cap_total;
	char			clock[8];
	char			name53[32];	/* service of udp/53 if shown */
};

static struct t_seen	t_seen[T_MAX_REPORTS];
static size_t		t_nseen;

static int
t_emit(struct sink *s, const struct report *r)
{
	struct t_seen	*t;
	size_t		 i;

	(void)s;
	assert_true(t_nseen < T_MAX_REPORTS);
	t = &t_seen[t_nseen++];
	memset(t, 0, sizeof(*t));
	t->scope = r->scope;
	t->start = r->start;
	t->end = r->end;
	t->packets = r->total.packets;
	t->partial = r->partial;
	t->has_capture = r->has_capture;
	t->cap = r->capture;
	t->cap_total = r->capture_total;
	strncpy(t->clock, r->clock, sizeof(t->clock) - 1);
	for (i = 0; i < r->nrows; i++)
		if (r->rows[i].port == 53 && r->rows[i].service != NULL)
			strncpy(t->name53, r->rows[i].service,
			    sizeof(t->name53) - 1);
	return (0);
}

static int	t_open(struct sink *s) { (void)s; return (0); }
static void	t_close(struct sink *s) { (void)s; }

static const struct sink_ops t_ops = {
	.name = "test", .help = "", .open = t_open, .emit = t_emit,
	.close = t_close,
};

/* Ethernet + IPv4 + UDP 50000 -> 53, no payload: 42 bytes. */
static const uint8_t t_udp53[] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
	0x08, 0x00,
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0xc3, 0x50, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00,
};

static void
t_frame(struct engine *e, int64_t ts)
{
	struct capture_frame	f;

	memset(&f, 0, sizeof(f));
	f.data = t_udp53;
	f.caplen = f.wirelen = sizeof(t_udp53);
	f.dlt = 1;		/* DLT_EN10MB */
	f.ts_sec = ts;
	engine_frame(e, &f);
}

/* Fake capture statistics: the test moves them between ticks. */
static struct engine_capstats	t_cs;

static int
t_capstats(void *ctx, struct engine_capstats *cs)
{
	(void)ctx;
	*cs = t_cs;
	return (0);
}

static struct sink	t_sink;

static struct engine *
t_engine(const struct registry *reg, enum engine_clock clock,
    int64_t interval, int with_stats)
{
	struct engine_config	ec;

	memset(&ec, 0, sizeof(ec));
	memset(&t_sink, 0, sizeof(t_sink));
	memset(&t_cs, 0, sizeof(t_cs));
	t_sink.ops = &t_ops;
	ec.reg = reg;
	ec.interval = interval;
	ec.sinks = &t_sink;
	ec.nsinks = 1;
	ec.clock = clock;
	if (with_stats)
		ec.capstats = t_capstats;
	t_nseen = 0;
	return (engine_new(&ec));
}

static struct registry *
t_registry(const char *text)
{
	char		 err[PC_ERRBUF_SIZE];
	struct registry	*reg = registry_new();

	assert_int_equal(registry_load_buffer(reg, "t", text, strlen(text),
	    err), 0);
	return (reg);
}

/*
 * Wall clock: intervals are cut by ticks alone (quiet ones too), frame
 * timestamps do not matter, the last interval ends when the run does.
 */
static void
test_wall_intervals(void **state)
{
	struct registry	*reg = t_registry("dns\t53/udp\n");
	struct engine	*e;

	(void)state;
	e = t_engine(reg, ENGINE_CLOCK_WALL, 10, 0);
	engine_start(e, 1000);
	assert_int_equal(engine_deadline(e), 1010);
	t_frame(e, 5);			/* a timestamp from long ago */
	t_frame(e, 999999);		/* and one from the future */
	engine_tick(e, 1009);
	assert_int_equal(t_nseen, 0);
	engine_tick(e, 1010);
	assert_int_equal(t_nseen, 1);
	assert_int_equal(t_seen[0].scope, REPORT_INTERVAL);
	assert_int_equal(t_seen[0].start, 1000);
	assert_int_equal(t_seen[0].end, 1010);
	assert_int_equal(t_seen[0].packets, 2);
	assert_string_equal(t_seen[0].clock, "wall");
	assert_int_equal(engine_deadline(e), 1020);
	engine_tick(e, 1031);		/* two quiet intervals */
	assert_int_equal(t_nseen, 3);
	assert_int_equal(t_seen[2].start, 1020);
	assert_int_equal(t_seen[2].packets, 0);
	t_frame(e, 0);
	engine_tick(e, 1034);
	assert_int_equal(engine_finish(e, 0), 0);
	assert_int_equal(t_nseen, 5);
	assert_int_equal(t_seen[3].start, 1030);
	assert_int_equal(t_seen[3].end, 1035);	/* cut short by the stop */
	assert_int_equal(t_seen[3].packets, 1);
	assert_int_equal(t_seen[4].scope, REPORT_RUN);
	assert_int_equal(t_seen[4].start, 1000);
	assert_int_equal(t_seen[4].end, 1035);
	assert_int_equal(t_seen[4].packets, 3);
	assert_int_equal(t_seen[4].partial, 0);
	engine_free(e);
	registry_free(reg);
}

/* Packet clock: engine_tick() does nothing; timestamps cut intervals. */
static void
test_packet_clock_ignores_ticks(void **state)
{
	struct registry	*reg = t_registry("dns\t53/udp\n");
	struct engine	*e;

	(void)state;
	e = t_engine(reg, ENGINE_CLOCK_PACKET, 10, 0);
	engine_start(e, 1000);
	engine_tick(e, 5000);
	assert_int_equal(t_nseen, 0);
	assert_true(engine_deadline(e) == INT64_MAX);
	t_frame(e, 100);
	t_frame(e, 112);
	assert_int_equal(t_nseen, 1);
	assert_int_equal(t_seen[0].start, 100);
	assert_string_equal(t_seen[0].clock, "packet");
	engine_finish(e, 0);
	engine_free(e);
	registry_free(reg);
}

/* Interval reports get the statistics since the last cut; run, all. */
static void
test_capture_stats_split(void **state)
{
	struct registry	*reg = t_registry("dns\t53/udp\n");
	struct engine	*e;

	(void)state;
	e = t_engine(reg, ENGINE_CLOCK_WALL, 1, 1);
	engine_start(e, 50);
	t_cs.received = 7;
	t_cs.dropped = 2;
	t_cs.ifdropped = 1;
	engine_tick(e, 51);
	t_cs.received = 10;
	t_cs.dropped = 2;
	t_cs.ifdropped = 4;
	engine_tick(e, 52);
	engine_finish(e, 0);
	assert_int_equal(t_nseen, 4);
	assert_true(t_seen[0].has_capture);
	assert_int_equal(t_seen[0].cap.received, 7);
	assert_int_equal(t_seen[0].cap.dropped, 2);
	assert_int_equal(t_seen[1].cap.received, 3);
	assert_int_equal(t_seen[1].cap.dropped, 0);
	assert_int_equal(t_seen[1].cap.ifdropped, 3);
	assert_int_equal(t_seen[1].cap_total.received, 10);
	assert_int_equal(t_seen[2].cap.received, 0);	/* last, quiet */
	assert_int_equal(t_seen[3].scope, REPORT_RUN);
	assert_int_equal(t_seen[3].cap.received, 10);
	assert_int_equal(t_seen[3].cap.ifdropped, 4);
	engine_free(e);
	registry_free(reg);
}

/*
 * SIGUSR1's report: everything so far, marked partial, and the open
 * interval goes on untouched.  A registry swapped between frames names
 * the rows from then on.
 */
static void
test_report_now_and_swap(void **state)
{
	struct registry	*old = t_registry("oldname\t53/udp\n");
	struct registry	*nr = t_registry("newname\t53/udp\n");
	struct engine	*e;

	(void)state;
	e = t_engine(old, ENGINE_CLOCK_WALL, 10, 0);
	engine_start(e, 0);
	t_frame(e, 0);
	engine_tick(e, 10);		/* interval 1: one frame */
	t_frame(e, 0);
	t_frame(e, 0);
	engine_report_now(e);
	assert_int_equal(t_nseen, 2);
	assert_int_equal(t_seen[1].scope, REPORT_RUN);
	assert_int_equal(t_seen[1].partial, 1);
	assert_int_equal(t_seen[1].packets, 3);
	assert_string_equal(t_seen[1].name53, "oldname");
	engine_set_registry(e, nr);
	registry_free(old);
	engine_report_now(e);		/* twice: nothing counted twice */
	assert_int_equal(t_seen[2].packets, 3);
	assert_string_equal(t_seen[2].name53, "newname");
	engine_tick(e, 20);
	assert_int_equal(t_seen[3].scope, REPORT_INTERVAL);
	assert_int_equal(t_seen[3].packets, 2);
	engine_finish(e, 0);
	assert_int_equal(t_seen[t_nseen - 1].packets, 3);
	assert_int_equal(t_seen[t_nseen - 1].partial, 0);
	engine_free(e);
	registry_free(nr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wall_intervals),
		cmocka_unit_test(test_packet_clock_ignores_ticks),
		cmocka_unit_test(test_capture_stats_split),
		cmocka_unit_test(test_report_now_and_swap),
	};

	return (cmocka_run_group_tests_name("engine", tests, NULL, NULL));
}
