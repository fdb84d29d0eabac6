/*
 * test_sink.c - the output writers: JSON escaping, the NDJSON records and
 * their fixed names, the text table, human byte units.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "portclass/report.h"
#include "portclass/sink.h"
#include "report_fixture.h"

/* The embedded registry under a file without a date. */
static const struct registry_source sources[2] = {
	{ "embedded IANA CSV", "2026-04-09", 40 },
	{ "reg\"file.csv", NULL, 2 },
};

static const struct sink_meta meta = {
	.version = "9.9.9",
	.registry_sources = sources,
	.registry_nsources = 2,
	.registry_entries = 42,
};

static char *
escape(const char *in)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	json_write_string(fp, in);
	fclose(fp);
	return (buf);
}

static void
test_json_escape(void **state)
{
	char	*s;

	(void)state;
	s = escape("a\"b,c\\d\ne\x01\x1f\t\r/\xc3\xa9");
	assert_string_equal(s, "a\\\"b,c\\\\d\\ne\\u0001\\u001f\\t\\r/\xc3\xa9");
	free(s);
	s = escape("");
	assert_string_equal(s, "");
	free(s);
}

static void
test_json_records(void **state)
{
	struct report		r;
	struct report_row	rows[3];
	char			*out;

	(void)state;
	fixture_report(&r, rows);
	out = fixture_render("json", &meta, &r, 1);
	assert_non_null(strstr(out,
	    "{\"type\":\"meta\",\"schema\":1,\"program\":\"portclass\","
	    "\"version\":\"9.9.9\",\"registry\":\"reg\\\"file.csv\","
	    "\"registry_date\":null,\"registry_entries\":42,"
	    "\"registry_sources\":[{\"source\":\"embedded IANA CSV\","
	    "\"date\":\"2026-04-09\",\"entries\":40},{\"source\":"
	    "\"reg\\\"file.csv\",\"date\":null,\"entries\":2}]}\n"));
	/* No reload: the totals say nothing about one. */
	assert_null(strstr(out, "registry_reloads"));
	assert_non_null(strstr(out,
	    "{\"type\":\"service\",\"scope\":\"run\",\"reasons\":{\"syn\":1,"
	    "\"synack\":0,\"flow\":9,\"same\":0,\"status\":0,\"range\":0,"
	    "\"lower\":0,\"ephemeral\":0},\"unofficial\":"
	    "\"a \\\"quoted\\\" use\",\"proto\":\"tcp\","
	    "\"port\":443,\"service\":\"https\",\"status\":\"assigned\","
	    "\"packets\":10,\"bytes\":3000}\n"));
	assert_non_null(strstr(out,
	    "{\"type\":\"service\",\"scope\":\"run\",\"reasons\":{\"syn\":0,"
	    "\"synack\":0,\"flow\":0,\"same\":0,\"status\":0,\"range\":0,"
	    "\"lower\":0,\"ephemeral\":0},\"proto\":\"udp\","
	    "\"port\":null,\"service\":\"ephemeral\",\"status\":\"dynamic\","
	    "\"packets\":2,\"bytes\":200}\n"));
	assert_non_null(strstr(out,
	    "\"proto\":\"sctp\",\"port\":4,\"service\":null,"
	    "\"status\":\"unassigned\""));
	assert_non_null(strstr(out,
	    "{\"type\":\"totals\",\"scope\":\"run\",\"clock\":\"packet\","
	    "\"packets\":18,\"bytes\":5214,"));
	assert_non_null(strstr(out, "\"icmp\":4,"));
	assert_non_null(strstr(out, "\"truncated\":1,"));
	assert_non_null(strstr(out, "\"counter_bytes\":{\"icmp\":400,"));
	/* No span: no start/end keys. */
	assert_null(strstr(out, "\"start\""));
	free(out);

	r.scope = REPORT_INTERVAL;
	r.has_span = 1;
	r.start = 1767225600;
	r.end = 1767225660;
	rows[0].service = "we\"ird\nname";
	out = fixture_render("json", &meta, &r, 0);
	assert_non_null(strstr(out,
	    "{\"type\":\"service\",\"scope\":\"interval\",\"start\":1767225600,"
	    "\"end\":1767225660,\"reasons\":{\"syn\":1,\"synack\":0,"
	    "\"flow\":9,\"same\":0,\"status\":0,\"range\":0,\"lower\":0,"
	    "\"ephemeral\":0},\"unofficial\":\"a \\\"quoted\\\" use\","
	    "\"proto\":\"tcp\",\"port\":443,"
	    "\"service\":\"we\\\"ird\\nname\","));
	/* Every record is exactly one line. */
	{
		size_t	lines = 0;
		char	*p;

		for (p = out; *p != '\0'; p++)
			lines += *p == '\n';
		assert_int_equal(lines, 4);
	}
	free(out);
}

static void
test_text_table(void **state)
{
	struct report		r;
	struct report_row	rows[3];
	char			*out;

	(void)state;
	fixture_report(&r, rows);
	rows[0].service = "bad\x1b[2Jname";
	r.nrows = 2;
	out = fixture_render("text", &meta, &r, 1);
	assert_non_null(strstr(out, "run report: 18 frames, 5.1 KiB\n"));
	assert_non_null(strstr(out, "SERVICE"));
	/* Control characters from a registry never reach the terminal. */
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, "bad?[2Jname 443/tcp      assigned"));
	assert_non_null(strstr(out, "ephemeral   */udp        dynamic"));
	/* 3000 of 5214 bytes. */
	assert_non_null(strstr(out, " 57.5%\n"));
	assert_non_null(strstr(out, "(1 more rows not shown; see --top)"));
	assert_non_null(strstr(out, "no service port: icmp 4 icmpv6 0"));
	assert_non_null(strstr(out, "decode problems: truncated 1 malformed 0"
	    " unsupported_link 0\n"));
	free(out);
}

/* A sink's registry operation on its own, into a string. */
static char *
render_reload(const char *name, const struct sink_meta *m, int64_t when,
    unsigned int reloads)
{
	struct sink	 s;
	char		*buf = NULL;
	size_t		 len = 0;

	s.ops = sink_find(name);
	assert_non_null(s.ops);
	assert_non_null(s.ops->registry);
	s.fp = open_memstream(&buf, &len);
	assert_non_null(s.fp);
	s.meta = m;
	s.priv = NULL;
	assert_int_equal(s.ops->registry(&s, when, reloads), 0);
	fclose(s.fp);
	return (buf);
}

/*
 * Every source with its own date in the text header; a reload as a
 * record (NDJSON) or a line (text) of its own; the run report says the
 * registry changed, how often and when last.
 */
static void
test_registry_sources(void **state)
{
	static const struct registry_source	 hostile[1] = {
		{ "evil\x1b[2J.services", NULL, 1 },
	};
	static const char			 head[] = "registry: "
	    "embedded IANA CSV (data of 2026-04-09, 40 entries), then "
	    "reg\"file.csv (no date, 2 entries)\n\nrun report: ";
	struct sink_meta			 m = meta;
	struct report				 r;
	struct report_row			 rows[3];
	char					*out;

	(void)state;
	fixture_report(&r, rows);
	out = fixture_render("text", &meta, &r, 1);
	assert_int_equal(strncmp(out, head, strlen(head)), 0);
	assert_null(strstr(out, "reloaded"));
	free(out);

	/* A reload: the new sources, at that moment. */
	m.registry_sources = hostile;
	m.registry_nsources = 1;
	m.registry_entries = 1;
	out = render_reload("json", &m, 1795320142, 2);
	assert_string_equal(out, "{\"type\":\"registry\",\"time\":1795320142,"
	    "\"reloads\":2,\"registry\":\"evil\\u001b[2J.services\","
	    "\"registry_date\":null,\"registry_entries\":1,"
	    "\"registry_sources\":[{\"source\":\"evil\\u001b[2J.services\","
	    "\"date\":null,\"entries\":1}]}\n");
	free(out);
	out = render_reload("text", &m, 1795320142, 2);
	assert_string_equal(out, "registry reloaded at 2026-11-22 04:02:22 UTC: "
	    "evil?[2J.services (no date, 1 entries)\n\n");
	free(out);
	/* CSV has no place for it: the reload is only logged. */
	assert_null(sink_find("csv")->registry);

	/* The run report after two reloads. */
	r.registry_reloads = 2;
	r.registry_reloaded = 1795320142;
	out = fixture_render("json", &m, &r, 0);
	assert_non_null(strstr(out, ",\"registry_reloads\":2,"
	    "\"registry_reloaded\":1795320142}\n"));
	free(out);
	out = fixture_render("text", &m, &r, 0);
	assert_non_null(strstr(out, "\nregistry reloaded 2 times during the "
	    "run, last at 2026-11-22 04:02:22 UTC; every row is named by the "
	    "registry now in use: evil?[2J.services (no date, 1 entries)\n"));
	free(out);
}

static void
test_human_bytes(void **state)
{
	char	buf[32];

	(void)state;
	report_human_bytes(0, buf, sizeof(buf));
	assert_string_equal(buf, "0 B");
	report_human_bytes(1023, buf, sizeof(buf));
	assert_string_equal(buf, "1023 B");
	report_human_bytes(1024, buf, sizeof(buf));
	assert_string_equal(buf, "1.0 KiB");
	report_human_bytes(1536 * 1024, buf, sizeof(buf));
	assert_string_equal(buf, "1.5 MiB");
	report_human_bytes(UINT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "16.0 EiB");
}

static void
test_sink_find(void **state)
{
	(void)state;
	assert_non_null(sink_find("text"));
	assert_non_null(sink_find("json"));
	assert_null(sink_find("xml"));
	assert_null(sink_find(""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_json_records),
		cmocka_unit_test(test_text_table),
		cmocka_unit_test(test_registry_sources),
		cmocka_unit_test(test_human_bytes),
		cmocka_unit_test(test_sink_find),
	};

	return (cmocka_run_group_tests_name("sink", tests, NULL, NULL));
}
