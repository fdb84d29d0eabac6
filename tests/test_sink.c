/*
 * test_sink.c - the output writers: JSON escaping, the NDJSON records and
 * their fixed names, text from data files on a terminal (UTF-8, controls,
 * bad bytes, columns), the text table, the --unassigned section and
 * records and the alerts with the uses they carry, human byte units, and
 * the table of sinks.
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
#include "portclass/unofficial.h"
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
	    "\"synack\":0,\"same\":0,\"flow\":9,\"listener\":0,\"fanin\":0,"
	    "\"first\":0,\"client-range\":0,\"status\":0,\"range\":0,"
	    "\"lower\":0,\"ephemeral\":0},\"unofficial\":"
	    "\"a \\\"quoted\\\" use\",\"unofficial_lo\":443,"
	    "\"unofficial_hi\":443,\"proto\":\"tcp\","
	    "\"port\":443,\"service\":\"https\",\"status\":\"assigned\","
	    "\"packets\":10,\"bytes\":3000}\n"));
	assert_non_null(strstr(out,
	    "{\"type\":\"service\",\"scope\":\"run\",\"reasons\":{\"syn\":0,"
	    "\"synack\":0,\"same\":0,\"flow\":0,\"listener\":0,\"fanin\":0,"
	    "\"first\":0,\"client-range\":0,\"status\":0,\"range\":0,"
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
	    "\"same\":0,\"flow\":9,\"listener\":0,\"fanin\":0,\"first\":0,"
	    "\"client-range\":0,\"status\":0,\"range\":0,\"lower\":0,"
	    "\"ephemeral\":0},\"unofficial\":\"a \\\"quoted\\\" use\","
	    "\"unofficial_lo\":443,\"unofficial_hi\":443,"
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

/* sink_text_write into memory: the text, its columns in *cols. */
static char *
text(const char *in, int flags, size_t *cols)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	*cols = sink_text_write(fp, in, flags);
	fclose(fp);
	return (buf);
}

static void
test_text_write(void **state)
{
	static const struct {
		const char	*in;
		int		 flags;
		const char	*out;
		size_t		 cols;
	} cases[] = {
		{ "Minecraft (Java)", SINK_TEXT_UTF8, "Minecraft (Java)", 16 },
		/* Valid multi-byte text stays as it is: 2, 3 and 4 bytes. */
		{ "Caf\xc3\xa9 \xe2\x80\x94 ok", SINK_TEXT_UTF8,
		    "Caf\xc3\xa9 \xe2\x80\x94 ok", 9 },
		{ "\xf0\x9f\x8e\xae \xe6\x97\xa5\xe6\x9c\xac", SINK_TEXT_UTF8,
		    "\xf0\x9f\x8e\xae \xe6\x97\xa5\xe6\x9c\xac", 7 },
		/* A combining accent takes no column of its own. */
		{ "e\xcc\x81t\xc3\xa9", SINK_TEXT_UTF8,
		    "e\xcc\x81t\xc3\xa9", 3 },
		/* Without UTF-8 one '?' per character, not per byte. */
		{ "Caf\xc3\xa9 \xe2\x80\x94 \xe6\x97\xa5", 0, "Caf? ? ?", 8 },
		/* Bytes outside well-formed UTF-8: one '?' each. */
		{ "a\xff" "b\xfe", SINK_TEXT_UTF8, "a?b?", 4 },
		{ "\x80\xbf" "x", SINK_TEXT_UTF8, "??x", 3 },
		{ "\xe2\x80" "x", SINK_TEXT_UTF8, "??x", 3 },
		{ "cut\xf0\x9f\x8e", SINK_TEXT_UTF8, "cut???", 6 },
		/* Overlong forms of '/', NUL and the euro sign. */
		{ "\xc0\xaf\xc1\xbf", SINK_TEXT_UTF8, "????", 4 },
		{ "\xe0\x80\xaf", SINK_TEXT_UTF8, "???", 3 },
		{ "\xf0\x82\x82\xac", SINK_TEXT_UTF8, "????", 4 },
		/* A surrogate, and a value above U+10FFFF. */
		{ "\xed\xa0\x80", SINK_TEXT_UTF8, "???", 3 },
		{ "\xf4\x90\x80\x80", SINK_TEXT_UTF8, "????", 4 },
		/* C1 controls are well-formed but never printed: CSI, NEL. */
		{ "\xc2\x9b" "2J\xc2\x85", SINK_TEXT_UTF8, "?2J?", 4 },
		/* C0 controls and DEL. */
		{ "a\x1b[2Jb\x7f\tc\r\n", SINK_TEXT_UTF8, "a?[2Jb??c??", 11 },
		/* Bidirectional overrides and the line separator. */
		{ "x\xe2\x80\xaey\xe2\x81\xa6z\xe2\x80\xa8", SINK_TEXT_UTF8,
		    "x?y?z?", 6 },
		/* Names: a space would split the column. */
		{ "my app", SINK_TEXT_UTF8 | SINK_TEXT_NOSPACE, "my?app", 6 },
		{ "my app", SINK_TEXT_UTF8, "my app", 6 },
		{ "", SINK_TEXT_UTF8, "", 0 },
	};
	char	*out;
	size_t	 i, cols;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = text(cases[i].in, cases[i].flags, &cols);
		if (strcmp(out, cases[i].out) != 0 || cols != cases[i].cols)
			fail_msg("case %zu: \"%s\" (%zu columns), want \"%s\" "
			    "(%zu)", i, out, cols, cases[i].out, cases[i].cols);
		free(out);
	}
}

static void
test_text_clip(void **state)
{
	char	buf[16];

	(void)state;
	/* A wide character that does not fit is left out whole. */
	assert_int_equal(sink_text_clip(buf, sizeof(buf),
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5, SINK_TEXT_UTF8), 4);
	assert_string_equal(buf, "\xe6\x97\xa5\xe6\x9c\xac");
	assert_int_equal(sink_text_clip(buf, sizeof(buf), "Caf\xc3\xa9-bar", 4,
	    SINK_TEXT_UTF8), 4);
	assert_string_equal(buf, "Caf\xc3\xa9");
	/* The buffer ends first: never half a character. */
	assert_int_equal(sink_text_clip(buf, 5, "Caf\xc3\xa9!", 32,
	    SINK_TEXT_UTF8), 3);
	assert_string_equal(buf, "Caf");
	assert_int_equal(sink_text_clip(buf, sizeof(buf), "a\x1b" "b c", 32,
	    SINK_TEXT_NOSPACE), 5);
	assert_string_equal(buf, "a?b?c");
	assert_int_equal(sink_text_clip(buf, 0, "abc", 32, 0), 0);
}

/*
 * A UTF-8 service name pads by columns, not bytes; --explain shows each
 * row's unofficial use with its ports.  main() runs the tests under
 * LC_ALL=C.UTF-8.
 */
static void
test_text_table_utf8(void **state)
{
	static const struct unofficial_use range = {
		.proto = PC_PROTO_SCTP,
		.lo = 1,
		.hi = 9,
		.text = "Caf\xc3\xa9 \xe2\x80\x94 jeux\xc2\x9b",
	};
	struct sink_meta	m = meta;
	struct report		r;
	struct report_row	rows[3];
	char			*out;

	(void)state;
	assert_int_equal(sink_text_locale(), SINK_TEXT_UTF8);
	fixture_report(&r, rows);
	/* "réseau-日本": 14 bytes, 11 columns. */
	rows[0].service = "r\xc3\xa9seau-\xe6\x97\xa5\xe6\x9c\xac";
	rows[2].unofficial = &range;
	m.explain = 1;
	out = fixture_render("text", &m, &r, 1);
	assert_non_null(strstr(out, "SERVICE     PORT         STATUS"));
	assert_non_null(strstr(out,
	    "r\xc3\xa9seau-\xe6\x97\xa5\xe6\x9c\xac 443/tcp      assigned"));
	assert_non_null(strstr(out, "\nephemeral   */udp        dynamic"));
	assert_non_null(strstr(out, "\n-           4/sctp       unassigned"));
	assert_non_null(strstr(out, "    why: syn 1, flow 9; unofficial 443: "
	    "a \"quoted\" use\n"));
	assert_non_null(strstr(out, "; unofficial 1-9: Caf\xc3\xa9 "
	    "\xe2\x80\x94 jeux?\n"));
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

	fixture_sink(&s, name, m, &buf, &len);
	assert_non_null(s.ops->registry);
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

/*
 * The text section and the NDJSON records of --unassigned: each port with
 * the use its record carries, none for the record without one (whatever
 * the table knows of 25565/tcp), the --top cut and the totals.
 */
static void
test_unassigned_records(void **state)
{
	struct report		r;
	struct report_row	rows[3];
	struct unassigned_port	ports[2];
	char			*out;

	(void)state;
	fixture_report(&r, rows);
	fixture_unassigned(&r, ports);
	out = fixture_render("text", &meta, &r, 0);
	assert_non_null(strstr(out, "\nunassigned and reserved ports: "
	    "3 tracked, 4 evicted, 6 alerts suppressed\n"
	    "PORT         STATUS          PACKETS       BYTES  PEERS  "
	    "FIRST SEEN (UTC)     LAST SEEN (UTC)\n"
	    "10013/udp    unassigned            5       700 B     2   "
	    "2026-01-01 00:00:00  2026-01-01 00:00:59\n"
	    "    unassigned (unofficial 10012-10014: made-up \"range\" use)\n"
	    "    e.g. 192.0.2.1 port 50000 -> 198.51.100.7 port 10013\n"
	    "25565/tcp    unassigned            1        60 B    64+  "
	    "2026-01-01 00:00:30  2026-01-01 00:00:30\n"
	    "    e.g. 2001:db8::1 port 40000 -> 2001:db8::2 port 25565\n"
	    "(1 more ports not shown; see --top)\n"));
	assert_null(strstr(out, "Minecraft"));
	free(out);

	out = fixture_render("json", &meta, &r, 0);
	assert_non_null(strstr(out, "\n{\"type\":\"unassigned\","
	    "\"scope\":\"run\",\"proto\":\"udp\",\"port\":10013,"
	    "\"status\":\"unassigned\",\"packets\":5,\"bytes\":700,"
	    "\"first_seen\":1767225600,\"last_seen\":1767225659,"
	    "\"peers\":2,\"peers_capped\":false,\"examples\":["
	    "{\"client\":\"192.0.2.1\",\"client_port\":50000,"
	    "\"server\":\"198.51.100.7\",\"server_port\":10013}],"
	    "\"unofficial\":\"made-up \\\"range\\\" use\","
	    "\"unofficial_lo\":10012,\"unofficial_hi\":10014}\n"
	    "{\"type\":\"unassigned\",\"scope\":\"run\",\"proto\":\"tcp\","
	    "\"port\":25565,\"status\":\"unassigned\",\"packets\":1,"
	    "\"bytes\":60,\"first_seen\":1767225630,"
	    "\"last_seen\":1767225630,\"peers\":64,\"peers_capped\":true,"
	    "\"examples\":[{\"client\":\"2001:db8::1\",\"client_port\":40000,"
	    "\"server\":\"2001:db8::2\",\"server_port\":25565}]}\n"
	    "{\"type\":\"totals\","));
	assert_non_null(strstr(out, ",\"unassigned_ports\":3,"
	    "\"unassigned_evicted\":4,\"alerts_suppressed\":6}\n"));
	free(out);
}

/*
 * An alert: an NDJSON record in the stream, a line on standard error in
 * text, each with the use the alert carries and no other.
 */
static void
test_alerts(void **state)
{
	static const char	line[] = "portclass: alert: traffic on "
	    "unassigned port 10013/udp at 2026-01-01 00:00:00 UTC: "
	    "192.0.2.1 port 50000 -> 198.51.100.7 port 10013 (unofficial "
	    "10012-10014: made-up \"range\" use) (6 alerts suppressed so "
	    "far)\n";
	struct unassigned_alert	al;
	char			*out, *err;

	(void)state;
	fixture_alert(&al);
	out = fixture_render_alert("json", &meta, &al, &err);
	assert_string_equal(out, "{\"type\":\"alert\",\"alert\":"
	    "\"unassigned\",\"time\":1767225600.250000,\"proto\":\"udp\","
	    "\"port\":10013,\"status\":\"unassigned\",\"client\":"
	    "\"192.0.2.1\",\"client_port\":50000,\"server\":"
	    "\"198.51.100.7\",\"server_port\":10013,\"suppressed\":6,"
	    "\"unofficial\":\"made-up \\\"range\\\" use\","
	    "\"unofficial_lo\":10012,\"unofficial_hi\":10014}\n");
	assert_string_equal(err, "");
	free(out);
	free(err);

	out = fixture_render_alert("text", &meta, &al, &err);
	assert_string_equal(out, "");
	assert_string_equal(err, line);
	free(out);
	free(err);

	/* No use in the alert: none shown, whatever the table knows. */
	al.proto = PC_PROTO_TCP;
	al.port = al.ep.server_port = FIXTURE_BARE_PORT;
	al.suppressed = 0;
	al.unofficial = NULL;
	out = fixture_render_alert("json", &meta, &al, &err);
	assert_non_null(strstr(out, "\"server_port\":25565,"
	    "\"suppressed\":0}\n"));
	free(out);
	free(err);
	out = fixture_render_alert("text", &meta, &al, &err);
	assert_non_null(strstr(err, " -> 198.51.100.7 port 25565\n"));
	free(out);
	free(err);
}

/*
 * The table: every sink by name; the -F formats, which sink_names lists
 * in table order, and the prometheus sink, which is none.
 */
static void
test_sink_find(void **state)
{
	static const char *const formats[] = { "text", "json", "csv" };
	const char	*names = sink_names(), *p = names;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		assert_non_null(sink_find(formats[i]));
		assert_ptr_equal(sink_format(formats[i]),
		    sink_find(formats[i]));
		assert_true(sink_find(formats[i])->format);
		assert_non_null(sink_find(formats[i])->emit);
		/* Listed, in this order, each name once, as a whole word. */
		assert_non_null(p = strstr(p, formats[i]));
		assert_true(p == names || strncmp(p - 2, ", ", 2) == 0);
		p += strlen(formats[i]);
		assert_true(*p == '\0' || *p == ',');
	}
	assert_int_equal(*p, '\0');
	assert_non_null(sink_find("prometheus"));
	assert_null(sink_format("prometheus"));
	assert_null(strstr(names, "prometheus"));
	assert_null(sink_find("xml"));
	assert_null(sink_format("xml"));
	assert_null(sink_find(""));
	/* The same text every time: made once. */
	assert_ptr_equal(sink_names(), names);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_json_records),
		cmocka_unit_test(test_text_table),
		cmocka_unit_test(test_text_write),
		cmocka_unit_test(test_text_clip),
		cmocka_unit_test(test_text_table_utf8),
		cmocka_unit_test(test_registry_sources),
		cmocka_unit_test(test_unassigned_records),
		cmocka_unit_test(test_alerts),
		cmocka_unit_test(test_human_bytes),
		cmocka_unit_test(test_sink_find),
	};

	/* Before the first text is written: sink_text_locale() decides once. */
	setenv("LC_ALL", "C.UTF-8", 1);
	return (cmocka_run_group_tests_name("sink", tests, NULL, NULL));
}
