/*
 * test_engine.c - the engine's clocks and report plumbing: wall-clock
 * intervals cut by engine_tick() whether or not frames come, packet-clock
 * intervals untouched by it, capture statistics split per interval, the
 * run-so-far report of SIGUSR1, a registry swapped between frames, and
 * guesses held until the report (defer.h).  A recording sink stands in
 * for the real ones.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "portclass/classify.h"
#include "portclass/defer.h"
#include "portclass/engine.h"
#include "portclass/log.h"
#include "portclass/registry.h"
#include "portclass/report.h"
#include "portclass/sink.h"

#define T_MAX_REPORTS	32
#define T_MAX_ROWS	8

struct t_seen {
	enum report_scope	scope;
	int64_t			start, end;
	uint64_t		packets;
	int			partial, has_capture;
	struct report_capture	cap, cap_total;
	char			clock[8];
	char			name53[32];	/* service of udp/53 if shown */
	size_t			nrows;		/* rows, the first T_MAX_ROWS */
	struct {
		uint16_t	port;		/* 0 with eph */
		uint8_t		eph;
		uint64_t	packets;
		uint64_t	fanin;		/* packets by reason fanin */
	}			rows[T_MAX_ROWS];
	uint64_t		guess_evictions;
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
	t->nrows = r->nrows;
	for (i = 0; i < r->nrows && i < T_MAX_ROWS; i++) {
		t->rows[i].port = r->rows[i].port;
		t->rows[i].eph = r->rows[i].ephemeral;
		t->rows[i].packets = r->rows[i].c.packets;
		t->rows[i].fanin = r->rows[i].reasons[CLASSIFY_FANIN];
	}
	t->guess_evictions = r->guess_evictions;
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

/*
 * Ethernet + IPv4 + UDP from 10.0.<a>.<b>:sport to 10.9.0.<d>:dport,
 * no payload, at time ts.
 */
static void
t_udp(struct engine *e, int64_t ts, uint16_t a, uint16_t sport, uint8_t d,
    uint16_t dport)
{
	struct capture_frame	f;
	uint8_t			b[sizeof(t_udp53)];

	memcpy(b, t_udp53, sizeof(b));
	b[28] = (uint8_t)(a >> 8);
	b[29] = (uint8_t)a;
	b[33] = d;
	b[34] = (uint8_t)(sport >> 8);
	b[35] = (uint8_t)sport;
	b[36] = (uint8_t)(dport >> 8);
	b[37] = (uint8_t)dport;
	memset(&f, 0, sizeof(f));
	f.data = b;
	f.caplen = f.wirelen = sizeof(b);
	f.dlt = 1;
	f.ts_sec = ts;
	engine_frame(e, &f);
}

/* A request and its answer between a client and a server. */
static void
t_ask(struct engine *e, int64_t ts, uint16_t a, uint16_t cport, uint8_t d,
    uint16_t sport)
{
	t_udp(e, ts, a, cport, d, sport);
	t_udp(e, ts, (uint16_t)(0x0900 | d), sport, (uint8_t)a, cport);
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

/* The row of port (0: the ephemeral row) in report k, or NULL. */
static const struct t_seen *
t_row(size_t k, uint16_t port, size_t *i)
{
	for (*i = 0; *i < t_seen[k].nrows && *i < T_MAX_ROWS; (*i)++)
		if (t_seen[k].rows[*i].port == port &&
		    t_seen[k].rows[*i].eph == (port == 0))
			return (&t_seen[k]);
	return (NULL);
}

/*
 * A guess waits for evidence: the first client of WireGuard (51820/udp,
 * dynamic) sits on 40000 (safetynetp, assigned), so the rule names the
 * client; its packets are held, and once a second client on another port
 * shows that 51820 listens, the interval report puts all of them on
 * 51820.  Nothing is counted twice, and the next interval starts empty.
 */
static void
test_guess_waits_for_evidence(void **state)
{
	struct registry	*reg = registry_new();
	struct engine	*e;
	char		 err[PC_ERRBUF_SIZE];
	size_t		 i;

	(void)state;
	assert_int_equal(registry_load_default(reg, err), 0);
	e = t_engine(reg, ENGINE_CLOCK_PACKET, 60, 0);
	t_ask(e, 1000, 0x0101, 40000, 2, 51820);
	t_ask(e, 1001, 0x0101, 40000, 2, 51820);
	t_ask(e, 1002, 0x0102, 45000, 2, 51820);
	t_udp(e, 1061, 0x0103, 50000, 3, 53);	/* cuts the interval */
	assert_int_equal(t_nseen, 1);
	assert_non_null(t_row(0, 51820, &i));
	assert_int_equal(t_seen[0].rows[i].packets, 6);
	assert_int_equal(t_seen[0].rows[i].fanin, 6);
	assert_null(t_row(0, 40000, &i));
	assert_null(t_row(0, 45000, &i));
	assert_int_equal(t_seen[0].packets, 6);
	engine_finish(e, 0);
	assert_int_equal(t_nseen, 3);
	assert_int_equal(t_seen[1].packets, 1);
	assert_int_equal(t_seen[2].packets, 7);
	assert_non_null(t_row(2, 51820, &i));
	assert_int_equal(t_seen[2].rows[i].packets, 6);
	engine_free(e);
	registry_free(reg);
}

/*
 * Without evidence a guess is counted where the rule put it, at the
 * report: one client only, caught mid-conversation.
 */
static void
test_guess_without_evidence(void **state)
{
	struct registry	*reg = registry_new();
	struct engine	*e;
	char		 err[PC_ERRBUF_SIZE];
	size_t		 i;

	(void)state;
	assert_int_equal(registry_load_default(reg, err), 0);
	e = t_engine(reg, ENGINE_CLOCK_PACKET, 0, 0);
	t_ask(e, 1000, 0x0101, 40000, 2, 51820);
	assert_int_equal(t_nseen, 0);
	engine_finish(e, 0);
	assert_int_equal(t_nseen, 1);
	assert_non_null(t_row(0, 40000, &i));
	assert_int_equal(t_seen[0].rows[i].packets, 2);
	assert_int_equal(t_seen[0].guess_evictions, 0);
	engine_free(e);
	registry_free(reg);
}

/*
 * More guessed conversations than the table holds: the stalest are
 * decided early and counted as such, and every packet is still counted
 * once.
 */
static void
test_guess_table_full(void **state)
{
	struct registry	*reg = registry_new();
	struct engine	*e;
	char		 err[PC_ERRBUF_SIZE];
	size_t		 i;
	unsigned int	 k;

	(void)state;
	assert_int_equal(registry_load_default(reg, err), 0);
	e = t_engine(reg, ENGINE_CLOCK_PACKET, 0, 0);
	/*
	 * Two dynamic ports each, in the warm-up (nobody saw who opened),
	 * every endpoint with one peer (no listener to learn).
	 */
	for (k = 0; k < 30000; k++)
		t_udp(e, 1000, (uint16_t)k, (uint16_t)(50000 + k % 7),
		    (uint8_t)(k % 251), (uint16_t)(49152 + k % 16000));
	engine_finish(e, 0);
	assert_int_equal(t_seen[0].packets, 30000);
	assert_non_null(t_row(0, 0, &i));
	assert_int_equal(t_seen[0].rows[i].packets, 30000);
	assert_true(t_seen[0].guess_evictions >= 30000 - DEFER_DEFAULT_CAP);
	engine_free(e);
	registry_free(reg);
}

/*
 * Held guesses are decided under the registry they came in with: after a
 * reload that names 51820/udp (as --map would), only later packets go
 * there.
 */
static void
test_guess_before_reload(void **state)
{
	struct registry	*old = registry_new(), *nr = registry_new();
	struct engine	*e;
	char		 err[PC_ERRBUF_SIZE];
	size_t		 i;

	(void)state;
	assert_int_equal(registry_load_default(old, err), 0);
	assert_int_equal(registry_load_default(nr, err), 0);
	assert_int_equal(registry_add_local(nr, PC_PROTO_UDP, 51820,
	    "wireguard", NULL), 0);
	e = t_engine(old, ENGINE_CLOCK_PACKET, 0, 0);
	t_ask(e, 1000, 0x0101, 40000, 2, 51820);
	engine_set_registry(e, nr);
	registry_free(old);
	t_ask(e, 1001, 0x0101, 40000, 2, 51820);
	engine_finish(e, 0);
	assert_non_null(t_row(0, 40000, &i));
	assert_int_equal(t_seen[0].rows[i].packets, 2);
	assert_non_null(t_row(0, 51820, &i));
	assert_int_equal(t_seen[0].rows[i].packets, 2);
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
		cmocka_unit_test(test_guess_waits_for_evidence),
		cmocka_unit_test(test_guess_without_evidence),
		cmocka_unit_test(test_guess_table_full),
		cmocka_unit_test(test_guess_before_reload),
	};

	return (cmocka_run_group_tests_name("engine", tests, NULL, NULL));
}
