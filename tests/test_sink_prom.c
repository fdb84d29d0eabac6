/*
 * test_sink_prom.c - the prometheus sink: not a -F format, no operation
 * but the snapshot; the fixed report of the other sinks' tests served on
 * /metrics as prom.c renders it; and through the engine, the run so far
 * at the start, after an interval cut (every row, whatever --top says),
 * after a registry reload and at the end, and at no other time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "portclass/engine.h"
#include "portclass/log.h"
#include "portclass/metrics.h"
#include "portclass/prom.h"
#include "portclass/registry.h"
#include "portclass/report.h"
#include "portclass/sink.h"
#include "portclass/unofficial.h"
#include "http_fixture.h"
#include "prom_fixture.h"
#include "report_fixture.h"

static const struct registry_source sources[1] = {
	{ "reg.csv", "2026-04-09", 42 },
};

static const struct sink_meta meta = {
	.version = "9.9.9",
	.libpcap_version = "libpcap test",
	.registry_sources = sources,
	.registry_nsources = 1,
	.registry_entries = 42,
	.max_series = 7,
};

/* What /metrics serves now: the body of a 200 answer (caller frees). */
static char *
scrape(const struct metrics_server *srv)
{
	char	*resp, *body;

	resp = get(port_of(srv), "GET", "/metrics");
	if (strncmp(resp, "HTTP/1.1 200 ", 13) != 0)
		fail_msg("/metrics answered %.40s", resp);
	body = strdup(body_of(resp));
	assert_non_null(body);
	free(resp);
	return (body);
}

/* A sample an exposition must hold, with its value; -1: must not hold. */
struct t_sample {
	const char	*key;
	int64_t		 value;
};

static void
t_expect(const char *body, const struct t_sample *want, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (value_of(body, want[i].key) != want[i].value)
			fail_msg("%s: %" PRId64 ", want %" PRId64, want[i].key,
			    value_of(body, want[i].key), want[i].value);
	}
}

/* Scrape srv and check what it serves against want[0..n). */
static void
t_scrape(const struct metrics_server *srv, const struct t_sample *want,
    size_t n)
{
	char	*body;

	body = scrape(srv);
	t_expect(body, want, n);
	free(body);
}

#define T_NSAMPLES(a)	(sizeof(a) / sizeof((a)[0]))

/* The sink of the table on a server of its own, on a free port. */
static void
prom_sink(struct sink *s, const struct sink_meta *m)
{
	char	errbuf[PC_ERRBUF_SIZE];

	memset(s, 0, sizeof(*s));
	s->ops = sink_find("prometheus");
	assert_non_null(s->ops);
	s->meta = m;
	s->srv = metrics_start("127.0.0.1:0", errbuf);
	if (s->srv == NULL)
		fail_msg("%s", errbuf);
}

/* Only the snapshot: no stream, no reports, alerts or reload lines. */
static void
test_prom_ops(void **state)
{
	const struct sink_ops	*ops = sink_find("prometheus");

	(void)state;
	assert_non_null(ops);
	assert_false(ops->format);
	assert_null(sink_format("prometheus"));
	assert_non_null(ops->snapshot);
	assert_null(ops->open);
	assert_null(ops->emit);
	assert_null(ops->close);
	assert_null(ops->alert);
	assert_null(ops->registry);
}

/*
 * The fixed report, its --unassigned listing included, on /metrics:
 * exactly prom_render's text, with the fixture's rows, totals and named
 * counters and the meta's versions, registry and --max-series; capture
 * families once the report has capture statistics, from the counts since
 * the start.  Each snapshot replaces the last.
 */
static void
test_prom_fixture(void **state)
{
	static const struct t_sample	samples[] = {
		{ "portclass_packets_total{proto=\"tcp\",service=\"https\","
		    "status=\"assigned\"}", 10 },
		{ "portclass_bytes_total{proto=\"udp\",service=\"ephemeral\","
		    "status=\"dynamic\"}", 200 },
		{ "portclass_packets_total{proto=\"sctp\",service=\"unnamed\","
		    "status=\"unassigned\"}", 1 },
		{ "portclass_read_packets_total", 18 },
		{ "portclass_read_bytes_total", 5214 },
		{ "portclass_unclassified_packets_total{reason=\"truncated\"}",
		    1 },
		{ "portclass_unclassified_bytes_total{reason=\"icmp\"}", 400 },
		{ "portclass_build_info{version=\"9.9.9\","
		    "libpcap=\"libpcap test\"}", 1 },
		{ "portclass_max_series", 7 },
		{ "portclass_registry_entries", 42 },
		{ "portclass_registry_info{position=\"1\",source=\"reg.csv\","
		    "date=\"2026-04-09\"}", 1 },
	}, live[] = {
		{ "portclass_capture_received_total", 30 },
		{ "portclass_capture_dropped_total", 2 },
		{ "portclass_capture_ifdropped_total", 1 },
	};
	struct report			 r;
	struct report_row		 rows[3];
	struct unassigned_port		 ports[2];
	struct sink			 s;
	char				*body, *want;

	(void)state;
	prom_sink(&s, &meta);
	fixture_report(&r, rows);
	fixture_unassigned(&r, ports);
	assert_int_equal(s.ops->snapshot(&s, &r), 0);
	body = scrape(s.srv);
	want = prom_render(&r, &meta, NULL);
	assert_string_equal(body, want);
	free(want);
	t_expect(body, samples, T_NSAMPLES(samples));
	/* Neither the port nor the unassigned listing is ever a label. */
	assert_null(strstr(body, "10013"));
	assert_null(strstr(body, "portclass_capture_"));
	free(body);

	r.has_capture = 1;
	r.capture_total = (struct report_capture){ 30, 2, 1 };
	r.capture = (struct report_capture){ 3, 0, 0 };
	assert_int_equal(s.ops->snapshot(&s, &r), 0);
	t_scrape(s.srv, live, T_NSAMPLES(live));
	metrics_stop(s.srv);
}

/* Reports the engine hands the other sink: how many, and their rows. */
static size_t	t_reports;
static size_t	t_rows, t_rows_total;

static int
t_emit(struct sink *s, const struct report *r)
{
	(void)s;
	t_reports++;
	t_rows = r->nrows;
	t_rows_total = r->nrows_total;
	return (0);
}

static const struct sink_ops t_format = {
	.name = "recorder",
	.help = "",
	.format = 1,
	.emit = t_emit,
};

/* One raw IPv4 UDP datagram, 10.0.0.1:50000 to 10.0.0.2:dport, at ts. */
static void
t_datagram(struct engine *e, int64_t ts, uint16_t dport)
{
	struct capture_frame	f;
	uint8_t			b[28] = {
		0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0,
		10, 0, 0, 1, 10, 0, 0, 2,
		0xc3, 0x50, 0, 0, 0, 8, 0, 0,
	};

	b[22] = (uint8_t)(dport >> 8);
	b[23] = (uint8_t)dport;
	memset(&f, 0, sizeof(f));
	f.data = b;
	f.caplen = f.wirelen = sizeof(b);
	f.dlt = PC_DLT_RAW;
	f.ts_sec = ts;
	engine_frame(e, &f);
}

static struct registry *
t_registry(const char *text)
{
	char		 err[PC_ERRBUF_SIZE];
	struct registry	*reg = registry_new();

	if (registry_load_buffer(reg, "t", text, strlen(text), err) == -1)
		fail_msg("%s", err);
	return (reg);
}

/* The registry fields of m from reg, as a reload sets them (run.c). */
static void
t_meta(struct sink_meta *m, const struct registry *reg)
{
	m->registry_sources = registry_sources(reg, &m->registry_nsources);
	m->registry_entries = registry_count(reg);
}

/*
 * Through the engine, beside a -F format cut by --top 1: the run so far,
 * every row, at the start, after the cut, after a reload (with the new
 * names and sources) and at the end; frames of the open interval wait
 * for the next of those.
 */
static void
test_prom_engine(void **state)
{
	static const struct t_sample	at_start[] = {
		{ "portclass_read_packets_total", 0 },
		{ "portclass_registry_info{position=\"1\",source=\"t\","
		    "date=\"\"}", 1 },
	}, at_cut[] = {
		{ "portclass_read_packets_total", 4 },
		{ "portclass_packets_total{proto=\"udp\",service=\"dns\","
		    "status=\"assigned\"}", 3 },
		{ "portclass_packets_total{proto=\"udp\",service=\"ntp\","
		    "status=\"assigned\"}", 1 },
		/* No --top cut. */
		{ "portclass_packets_total{proto=\"other\",service=\"other\","
		    "status=\"other\"}", -1 },
		{ "portclass_registry_reloads_total", 0 },
	}, at_reload[] = {
		{ "portclass_read_packets_total", 4 },
		{ "portclass_packets_total{proto=\"udp\","
		    "service=\"nameserver\",status=\"assigned\"}", 3 },
		{ "portclass_packets_total{proto=\"udp\",service=\"ntp\","
		    "status=\"assigned\"}", -1 },
		{ "portclass_registry_reloads_total", 1 },
		{ "portclass_registry_entries", 1 },
	}, at_end[] = {
		{ "portclass_read_packets_total", 5 },
		{ "portclass_packets_total{proto=\"udp\",service=\"unnamed\","
		    "status=\"unassigned\"}", 2 },
	};
	struct registry			*reg, *nr;
	struct sink_meta		 m = meta;
	struct sink			 sinks[2];
	struct engine_config		 ec;
	struct engine			*e;

	(void)state;
	reg = t_registry("dns\t53/udp\nntp\t123/udp\n");
	t_meta(&m, reg);
	memset(&sinks[0], 0, sizeof(sinks[0]));
	sinks[0].ops = &t_format;
	sinks[0].meta = &m;
	prom_sink(&sinks[1], &m);
	memset(&ec, 0, sizeof(ec));
	ec.reg = reg;
	ec.interval = 10;
	ec.top = 1;
	ec.sinks = sinks;
	ec.nsinks = 2;
	ec.clock = ENGINE_CLOCK_PACKET;
	t_reports = 0;
	e = engine_new(&ec);

	t_scrape(sinks[1].srv, at_start, T_NSAMPLES(at_start));

	t_datagram(e, 100, 53);
	t_datagram(e, 101, 53);
	t_datagram(e, 102, 53);
	t_datagram(e, 105, 123);
	t_scrape(sinks[1].srv, at_start, 1);

	/* The cut: the format gets the top row, the snapshot every row. */
	t_datagram(e, 110, 123);
	assert_int_equal(t_reports, 1);
	assert_int_equal(t_rows, 1);
	assert_int_equal(t_rows_total, 2);
	t_scrape(sinks[1].srv, at_cut, T_NSAMPLES(at_cut));

	/* A reload: the same counts under the new names, and no report. */
	nr = t_registry("nameserver\t53/udp\n");
	engine_set_registry(e, nr);
	registry_free(reg);
	reg = nr;
	t_meta(&m, reg);
	engine_registry_reloaded(e, 1795320142);
	assert_int_equal(t_reports, 1);
	t_scrape(sinks[1].srv, at_reload, T_NSAMPLES(at_reload));

	/* The end: the last interval and the run to the format, 5 frames. */
	assert_int_equal(engine_finish(e, 0), 0);
	assert_int_equal(t_reports, 3);
	assert_int_equal(t_rows, 1);
	t_scrape(sinks[1].srv, at_end, T_NSAMPLES(at_end));

	engine_free(e);
	metrics_stop(sinks[1].srv);
	registry_free(reg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prom_ops),
		cmocka_unit_test(test_prom_fixture),
		cmocka_unit_test(test_prom_engine),
	};

	log_init("test_sink_prom", 0);
	return (cmocka_run_group_tests_name("sink_prom", tests, NULL, NULL));
}
