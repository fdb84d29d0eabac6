/*
 * test_sink_csv.c - the CSV sink: header, one record per service row
 * with its unofficial use and range, counter and totals records, RFC 4180
 * quoting read back by an independent parser, UTF-8 passed as it is, CRLF,
 * a stream that cannot be written, and no record for what CSV has no
 * columns for (the --unassigned listing, alerts).
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

#define NCOLS	13

static const struct registry_source sources[1] = {
	{ "reg.csv", "2026-04-09", 42 },
};

static const struct sink_meta meta = {
	.version = "9.9.9",
	.registry_sources = sources,
	.registry_nsources = 1,
	.registry_entries = 42,
};

static const char *const hostile = "we\"ird, \"quoted\"\r\nname";

/* A range use in UTF-8 with a comma, for the unassigned SCTP row. */
static const struct unofficial_use use = {
	.proto = PC_PROTO_SCTP,
	.lo = 1,
	.hi = 9,
	.text = "Caf\xc3\xa9 \xe2\x80\x94 jeux, r\xc3\xa9seau",
};

/*
 * A strict RFC 4180 reader, written separately from the writer: splits
 * *pp's next record into fields (malloc'd), returns the field count, or
 * 0 at the end.  Fails the test on anything RFC 4180 does not allow.
 */
static size_t
parse_record(const char **pp, char **fields, size_t max)
{
	const char	*p = *pp;
	size_t		 n = 0, o;
	char		*f;

	if (*p == '\0')
		return (0);
	for (;;) {
		assert_true(n < max);
		f = fields[n++] = calloc(1, strlen(p) + 1);
		o = 0;
		if (*p == '"') {
			for (p++;; p++) {
				assert_true(*p != '\0');
				if (*p == '"' && p[1] == '"')
					f[o++] = *p++;
				else if (*p == '"')
					break;
				else
					f[o++] = *p;
			}
			p++;
		} else {
			while (*p != ',' && *p != '\r' && *p != '\0') {
				assert_true(*p != '"' && *p != '\n');
				f[o++] = *p++;
			}
		}
		if (*p == ',') {
			p++;
			continue;
		}
		assert_true(p[0] == '\r' && p[1] == '\n');
		*pp = p + 2;
		return (n);
	}
}

static void
free_fields(char **f, size_t n)
{
	while (n > 0)
		free(f[--n]);
}

static void
test_csv_records(void **state)
{
	static const char *const expect[][NCOLS] = {
		{ "type", "scope", "start", "end", "proto", "port", "service",
		    "status", "packets", "bytes", "unofficial", "unofficial_lo",
		    "unofficial_hi" },
		{ "service", "run", "", "", "tcp", "443", "https", "assigned",
		    "10", "3000", "a \"quoted\" use", "443", "443" },
		{ "service", "run", "", "", "udp", "", "ephemeral", "dynamic",
		    "2", "200", "", "", "" },
		{ "service", "run", "", "", "sctp", "4", "", "unassigned", "1",
		    "100", "", "", "" },
		{ "counter", "run", "", "", "", "", "icmp", "", "4", "400", "",
		    "", "" },
	};
	struct report		 r;
	struct report_row	 rows[3];
	char			*out, *f[NCOLS + 1];
	const char		*p;
	size_t			 n, rec = 0, i, counters = 0;
	int			 totals = 0;

	(void)state;
	fixture_report(&r, rows);
	out = fixture_render("csv", &meta, &r, 1);
	p = out;
	while ((n = parse_record(&p, f, NCOLS + 1)) > 0) {
		assert_int_equal(n, NCOLS);
		if (rec < sizeof(expect) / sizeof(expect[0])) {
			for (i = 0; i < NCOLS; i++)
				assert_string_equal(f[i], expect[rec][i]);
		}
		if (strcmp(f[0], "counter") == 0) {
			counters++;
			if (strcmp(f[6], "truncated") == 0) {
				assert_string_equal(f[8], "1");
				assert_string_equal(f[9], "1514");
			}
		}
		if (strcmp(f[0], "totals") == 0) {
			totals++;
			assert_string_equal(f[8], "18");
			assert_string_equal(f[9], "5214");
			assert_string_equal(f[6], "");
			assert_string_equal(f[10], "");
		}
		free_fields(f, n);
		rec++;
	}
	assert_int_equal(counters, CTR_COUNT);
	assert_int_equal(totals, 1);
	assert_int_equal(rec, 1 + 3 + CTR_COUNT + 1);
	free(out);
}

static void
test_csv_quoting(void **state)
{
	struct report		 r;
	struct report_row	 rows[3];
	char			*out, *f[NCOLS + 1];
	const char		*p;
	size_t			 n;

	(void)state;
	fixture_report(&r, rows);
	r.scope = REPORT_INTERVAL;
	r.has_span = 1;
	r.start = 1767225600;
	r.end = 1767225660;
	rows[0].service = hostile;
	rows[2].unofficial = &use;
	out = fixture_render("csv", &meta, &r, 0);
	/* Quoted, quotes doubled, and nothing else touched. */
	assert_non_null(strstr(out, "service,interval,1767225600,1767225660,"
	    "tcp,443,\"we\"\"ird, \"\"quoted\"\"\r\nname\",assigned,10,3000,"
	    "\"a \"\"quoted\"\" use\",443,443\r\n"));
	p = out;
	n = parse_record(&p, f, NCOLS + 1);
	assert_int_equal(n, NCOLS);
	assert_string_equal(f[6], hostile);
	assert_string_equal(f[2], "1767225600");
	free_fields(f, n);
	/* A range's ports; UTF-8 text passes as it is, quoted for its comma. */
	assert_non_null(strstr(out, ",sctp,4,,unassigned,1,100,"
	    "\"Caf\xc3\xa9 \xe2\x80\x94 jeux, r\xc3\xa9seau\",1,9\r\n"));
	/* Without open, no header: the first record is the data. */
	assert_int_equal(strncmp(out, "service,", 8), 0);
	free(out);
}

/* A full disk must be an error from emit, not silence. */
static void
test_csv_write_error(void **state)
{
	struct report		r;
	struct report_row	rows[3];
	struct sink		s;

	(void)state;
	fixture_report(&r, rows);
	s.ops = sink_find("csv");
	s.fp = fopen("/dev/full", "w");
	assert_non_null(s.fp);
	s.meta = &meta;
	s.priv = NULL;
	assert_int_equal(s.ops->open(&s), -1);
	clearerr(s.fp);
	assert_int_equal(s.ops->emit(&s, &r), -1);
	s.ops->close(&s);
	fclose(s.fp);
}

/*
 * The --unassigned listing has no CSV record: the report renders the same
 * without it.  An alert is the text line on standard error, nothing in
 * the stream.
 */
static void
test_csv_unassigned_alert(void **state)
{
	struct report		 r;
	struct report_row	 rows[3];
	struct unassigned_port	 ports[2];
	struct unassigned_alert	 al;
	char			*plain, *listed, *out, *err, *text, *terr;

	(void)state;
	fixture_report(&r, rows);
	plain = fixture_render("csv", &meta, &r, 1);
	fixture_unassigned(&r, ports);
	listed = fixture_render("csv", &meta, &r, 1);
	assert_string_equal(listed, plain);
	free(plain);
	free(listed);

	fixture_alert(&al);
	out = fixture_render_alert("csv", &meta, &al, &err);
	text = fixture_render_alert("text", &meta, &al, &terr);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "(unofficial 10012-10014: made-up "));
	assert_string_equal(err, terr);
	free(out);
	free(err);
	free(text);
	free(terr);
}

static void
test_csv_listed(void **state)
{
	(void)state;
	assert_non_null(sink_format("csv"));
	assert_string_equal(sink_format("csv")->name, "csv");
	assert_non_null(strstr(sink_names(), "csv"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_records),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_csv_write_error),
		cmocka_unit_test(test_csv_unassigned_alert),
		cmocka_unit_test(test_csv_listed),
	};

	return (cmocka_run_group_tests_name("sink_csv", tests, NULL, NULL));
}
