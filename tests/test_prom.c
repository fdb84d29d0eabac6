/*
 * test_prom.c - the Prometheus exposition text: syntax of every line,
 * label escaping, folding into unassigned/ephemeral/other, the
 * --max-series bound, sums that match the report, optional families.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "portclass/prom.h"
#include "portclass/report.h"

#define NROWS	8

/* A file with a date over a services file without one. */
static const struct registry_source sources[2] = {
	{ "reg\"file\\x.csv", "2024-02-29", 40 },
	{ "site.services", NULL, 2 },
};

static const struct prom_info info = {
	.version = "9.9.9",
	.libpcap_version = "libpcap version 1.10.3 (with TPACKET_V3)",
	.registry_sources = sources,
	.registry_nsources = 2,
	.registry_entries = 42,
};

static void
set_row(struct report_row *row, unsigned int proto, unsigned int port,
    int status, const char *service, uint64_t packets, uint64_t bytes)
{
	memset(row, 0, sizeof(*row));
	row->proto = (uint8_t)proto;
	row->port = (uint16_t)port;
	row->status = (uint8_t)status;
	row->service = service;
	row->c.packets = packets;
	row->c.bytes = bytes;
}

/* Eight rows: two ports named http, two unassigned, one ephemeral, ... */
static void
make_report(struct report *r, struct report_row *rows)
{
	size_t	i;

	memset(r, 0, sizeof(*r));
	set_row(&rows[0], PC_PROTO_TCP, 443, REG_ASSIGNED, "https", 10, 9000);
	set_row(&rows[1], PC_PROTO_TCP, 80, REG_ASSIGNED, "http", 7, 5000);
	set_row(&rows[2], PC_PROTO_TCP, 8080, REG_ASSIGNED, "http", 3, 1000);
	set_row(&rows[3], PC_PROTO_UDP, 53, REG_ASSIGNED, "domain", 6, 800);
	set_row(&rows[4], PC_PROTO_TCP, 4999, REG_UNASSIGNED, NULL, 2, 300);
	set_row(&rows[5], PC_PROTO_TCP, 50000, REG_DYNAMIC, NULL, 1, 200);
	set_row(&rows[6], PC_PROTO_TCP, 0, REG_DYNAMIC, "ephemeral", 4, 150);
	rows[6].ephemeral = 1;
	set_row(&rows[7], PC_PROTO_SCTP, 9, REG_ASSIGNED, "we\"ird\\na\nme",
	    1, 100);
	r->rows = rows;
	r->nrows = r->nrows_total = NROWS;
	r->scope = REPORT_RUN;
	r->clock = "packet";
	for (i = 0; i < NROWS; i++) {
		r->service.packets += rows[i].c.packets;
		r->service.bytes += rows[i].c.bytes;
	}
	r->named[CTR_ICMP].packets = 4;
	r->named[CTR_ICMP].bytes = 400;
	r->named[CTR_MALFORMED].packets = 2;
	r->named[CTR_MALFORMED].bytes = 120;
	r->total.packets = r->service.packets + 6;
	r->total.bytes = r->service.bytes + 520;
	r->flows = 5;
	r->flow_evictions = 1;
}

/*
 * Check the whole text against the exposition grammar: HELP then TYPE
 * then the samples of one family, each family once, each series once.
 * Returns the number of samples.
 */
static size_t
check_syntax(const char *text, size_t len)
{
	regex_t		 sample, help, type;
	char		*copy, *line, *save = NULL, *names[64];
	char		*series[512];
	char		 family[128] = "";
	size_t		 nnames = 0, nseries = 0, i, samples = 0;
	regmatch_t	 m[2];
	int		 typed = 0;

	assert_int_equal(strlen(text), len);
	assert_true(len > 0 && text[len - 1] == '\n');
	assert_int_equal(regcomp(&sample, "^([a-z_]+)(\\{[a-z_]+=\"([^\"\\\\]"
	    "|\\\\[\"\\\\n])*\"(,[a-z_]+=\"([^\"\\\\]|\\\\[\"\\\\n])*\")*\\})?"
	    " [0-9]+$", REG_EXTENDED), 0);
	assert_int_equal(regcomp(&help, "^# HELP ([a-z_]+) [^\n]+$",
	    REG_EXTENDED), 0);
	assert_int_equal(regcomp(&type, "^# TYPE ([a-z_]+) (counter|gauge)$",
	    REG_EXTENDED), 0);
	copy = strdup(text);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (regexec(&help, line, 2, m, 0) == 0) {
			/* A new family: never seen before. */
			line[m[1].rm_eo] = '\0';
			for (i = 0; i < nnames; i++)
				assert_string_not_equal(names[i], line + 7);
			assert_true(nnames < 64);
			names[nnames++] = line + 7;
			snprintf(family, sizeof(family), "%s", line + 7);
			typed = 0;
			continue;
		}
		if (regexec(&type, line, 2, m, 0) == 0) {
			line[m[1].rm_eo] = '\0';
			assert_string_equal(line + 7, family);
			assert_false(typed);
			typed = 1;
			continue;
		}
		if (regexec(&sample, line, 2, m, 0) != 0)
			fail_msg("not a sample line: %s", line);
		assert_true(typed);
		assert_int_equal((size_t)(m[1].rm_eo - m[1].rm_so),
		    strlen(family));
		assert_memory_equal(line, family, strlen(family));
		*strrchr(line, ' ') = '\0';
		for (i = 0; i < nseries; i++)
			assert_string_not_equal(series[i], line);
		assert_true(nseries < 512);
		series[nseries++] = line;
		samples++;
	}
	free(copy);
	regfree(&sample);
	regfree(&help);
	regfree(&type);
	return (samples);
}

/* The value of the sample whose text before the space is key, or -1. */
static int64_t
value_of(const char *text, const char *key)
{
	const char	*p = text;
	size_t		 n = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return ((int64_t)strtoull(p + n + 1, NULL, 10));
		p += n;
	}
	return (-1);
}

/* Sum of every sample of a family. */
static uint64_t
sum_of(const char *text, const char *name)
{
	const char	*p;
	uint64_t	 sum = 0;
	size_t		 n = strlen(name);

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p != NULL ? p + 1 : NULL) {
		if (strncmp(p, name, n) == 0 && (p[n] == '{' || p[n] == ' '))
			sum += strtoull(strchr(p, ' ') + 1, NULL, 10);
	}
	return (sum);
}

static void
test_escape_label(void **state)
{
	char	*s;

	(void)state;
	s = prom_escape_label("a\"b\\c\nd,e");
	assert_string_equal(s, "a\\\"b\\\\c\\nd,e");
	free(s);
	/* Valid UTF-8 passes; broken sequences and controls become '?'. */
	s = prom_escape_label("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	assert_string_equal(s, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	free(s);
	s = prom_escape_label("x\xc3y\xff\xc0\xaf\xed\xa0\x80\x01\t\x7fz");
	assert_string_equal(s, "x?y?????????z");
	free(s);
	s = prom_escape_label("\xe2\x82");	/* cut at the end */
	assert_string_equal(s, "??");
	free(s);
	s = prom_escape_label("");
	assert_string_equal(s, "");
	free(s);
}

static void
test_render_all(void **state)
{
	struct report		r;
	struct report_row	rows[NROWS];
	char			*t;
	size_t			 len = 0;

	(void)state;
	make_report(&r, rows);
	t = prom_render(&r, &info, 500, &len);
	assert_non_null(t);
	check_syntax(t, len);

	/* Two ports called http are one series. */
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"tcp\","
	    "service=\"http\",status=\"assigned\"}"), 10);
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"http\",status=\"assigned\"}"), 6000);
	/* Unassigned and dynamic ports without a name: one series, no port. */
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"tcp\","
	    "service=\"unassigned\",status=\"unassigned\"}"), 3);
	assert_null(strstr(t, "4999"));
	assert_null(strstr(t, "50000"));
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"ephemeral\",status=\"dynamic\"}"), 150);
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"udp\","
	    "service=\"domain\",status=\"assigned\"}"), 6);
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"sctp\","
	    "service=\"we\\\"ird\\\\na\\nme\",status=\"assigned\"}"), 1);
	assert_null(strstr(t, ",service=\"other\""));
	assert_int_equal(value_of(t, "portclass_series_folded"), 0);
	assert_int_equal(value_of(t, "portclass_max_series"), 500);

	/* Sums add up to the report's own totals. */
	assert_int_equal(sum_of(t, "portclass_packets_total"),
	    r.service.packets);
	assert_int_equal(sum_of(t, "portclass_bytes_total"), r.service.bytes);
	assert_int_equal(value_of(t, "portclass_read_packets_total"),
	    r.total.packets);
	assert_int_equal(sum_of(t, "portclass_unclassified_packets_total") +
	    r.service.packets, r.total.packets);
	assert_int_equal(sum_of(t, "portclass_unclassified_bytes_total") +
	    r.service.bytes, r.total.bytes);
	assert_int_equal(value_of(t, "portclass_unclassified_packets_total"
	    "{reason=\"malformed\"}"), 2);
	assert_int_equal(value_of(t, "portclass_unclassified_bytes_total"
	    "{reason=\"icmp\"}"), 400);
	assert_int_equal(value_of(t, "portclass_flows"), 5);
	assert_int_equal(value_of(t, "portclass_flow_evictions_total"), 1);

	/* Info metrics, escaped; 2024-02-29 00:00 UTC. */
	assert_int_equal(value_of(t, "portclass_build_info{version=\"9.9.9\","
	    "libpcap=\"libpcap version 1.10.3 (with TPACKET_V3)\"}"), 1);
	/* One info series per source, each with its own date. */
	assert_int_equal(value_of(t, "portclass_registry_info{position=\"1\","
	    "source=\"reg\\\"file\\\\x.csv\",date=\"2024-02-29\"}"), 1);
	assert_int_equal(value_of(t, "portclass_registry_info{position=\"2\","
	    "source=\"site.services\",date=\"\"}"), 1);
	assert_int_equal(sum_of(t, "portclass_registry_info"), 2);
	/* The one date there is, although the file on top has none. */
	assert_int_equal(value_of(t, "portclass_registry_date_seconds"),
	    1709164800);
	assert_int_equal(value_of(t, "portclass_registry_entries"), 42);
	assert_int_equal(value_of(t, "portclass_registry_reloads_total"), 0);
	/* No live capture: no capture families at all. */
	assert_null(strstr(t, "portclass_capture_"));
	/* The TYPE of a counter names the _total sample itself. */
	assert_non_null(strstr(t,
	    "# TYPE portclass_packets_total counter\n"));
	free(t);
}

static void
test_render_stable(void **state)
{
	struct report		r;
	struct report_row	rows[NROWS], tmp;
	char			*a, *b;
	size_t			 i;

	(void)state;
	make_report(&r, rows);
	a = prom_render(&r, &info, 500, NULL);
	/* Same counts in another row order: the same text. */
	for (i = 0; i < NROWS / 2; i++) {
		tmp = rows[i];
		rows[i] = rows[NROWS - 1 - i];
		rows[NROWS - 1 - i] = tmp;
	}
	b = prom_render(&r, &info, 500, NULL);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void
test_fold_max_series(void **state)
{
	struct report		r;
	struct report_row	rows[NROWS];
	char			*t;
	size_t			 len, samples;

	(void)state;
	make_report(&r, rows);
	/* Named: https 9000, http 6000, domain 800, sctp name 100. */
	t = prom_render(&r, &info, 2, &len);
	samples = check_syntax(t, len);
	assert_true(samples > 0);
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"https\",status=\"assigned\"}"), 9000);
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"http\",status=\"assigned\"}"), 6000);
	assert_null(strstr(t, "service=\"domain\""));
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"udp\","
	    "service=\"other\",status=\"other\"}"), 800);
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"sctp\","
	    "service=\"other\",status=\"other\"}"), 1);
	assert_int_equal(value_of(t, "portclass_series_folded"), 2);
	/* Unassigned and ephemeral are never folded. */
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"tcp\","
	    "service=\"unassigned\",status=\"unassigned\"}"), 3);
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"tcp\","
	    "service=\"ephemeral\",status=\"dynamic\"}"), 4);
	assert_int_equal(sum_of(t, "portclass_packets_total"),
	    r.service.packets);
	assert_int_equal(sum_of(t, "portclass_bytes_total"), r.service.bytes);
	free(t);

	/* Zero keeps no named series at all. */
	t = prom_render(&r, &info, 0, &len);
	check_syntax(t, len);
	assert_null(strstr(t, "service=\"https\""));
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"other\",status=\"other\"}"), 15000);
	assert_int_equal(value_of(t, "portclass_series_folded"), 4);
	assert_int_equal(sum_of(t, "portclass_bytes_total"), r.service.bytes);
	free(t);
}

/* Thousands of distinct names never make more than max + 3 per proto. */
static void
test_fold_many(void **state)
{
	struct report		 r;
	struct report_row	*rows;
	char			(*names)[16], *t;
	const char		*p;
	size_t			 i, n = 3000, len, series = 0;
	uint64_t		 bytes = 0;

	(void)state;
	rows = calloc(n, sizeof(*rows));
	names = calloc(n, sizeof(*names));
	memset(&r, 0, sizeof(r));
	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "svc%zu", i);
		set_row(&rows[i], i % PC_PROTO_COUNT, (unsigned int)i,
		    i % 7 == 0 ? REG_UNASSIGNED : REG_ASSIGNED,
		    i % 7 == 0 ? NULL : names[i], 1, 100 + i);
		bytes += 100 + i;
	}
	r.rows = rows;
	r.nrows = r.nrows_total = n;
	r.service.packets = n;
	r.service.bytes = bytes;
	t = prom_render(&r, &info, 50, &len);
	for (p = t; (p = strstr(p, "\nportclass_packets_total{")) != NULL;
	    p++)
		series++;
	assert_int_equal(series, 50 + 2 * PC_PROTO_COUNT);
	/* The biggest survive: the last name is the biggest. */
	assert_non_null(strstr(t, "service=\"svc2999\""));
	assert_null(strstr(t, "service=\"svc1\""));
	assert_int_equal(sum_of(t, "portclass_bytes_total"), bytes);
	assert_int_equal(value_of(t, "portclass_series_folded"),
	    n - n / 7 - 1 - 50);
	free(t);
	free(rows);
	free(names);
}

static void
test_top_cut_and_capture(void **state)
{
	struct report		r;
	struct report_row	rows[NROWS];
	struct prom_info	ci = info;
	struct registry_source	src[2];
	char			*t;
	size_t			 len;

	(void)state;
	make_report(&r, rows);
	r.nrows = 2;		/* --top 2: https and http:80 left */
	r.registry_reloads = 3;
	ci.has_capture_stats = 1;
	ci.cap_received = 1000;
	ci.cap_dropped = 7;
	ci.cap_ifdropped = 3;
	src[0] = (struct registry_source){ "embedded IANA CSV", "2026-04-09",
	    12000 };
	src[1] = (struct registry_source){ "legacy.txt", "2026-02-30", 9 };
	ci.registry_sources = src;
	t = prom_render(&r, &ci, 500, &len);
	check_syntax(t, len);
	/* The newest date of any source, not the top one's. */
	assert_int_equal(value_of(t, "portclass_registry_date_seconds"),
	    1775692800);
	assert_int_equal(value_of(t, "portclass_registry_reloads_total"), 3);
	free(t);

	src[0].date = NULL;
	t = prom_render(&r, &ci, 500, &len);
	check_syntax(t, len);
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"other\","
	    "service=\"other\",status=\"other\"}"), 34 - 17);
	assert_int_equal(sum_of(t, "portclass_bytes_total"), r.service.bytes);
	assert_int_equal(value_of(t, "portclass_capture_received_total"),
	    1000);
	assert_int_equal(value_of(t, "portclass_capture_dropped_total"), 7);
	assert_int_equal(value_of(t, "portclass_capture_ifdropped_total"), 3);
	/* 2026-02-30 is not a date, and the other source has none. */
	assert_null(strstr(t, "portclass_registry_date_seconds"));
	free(t);

	/* An empty report is still a valid exposition. */
	memset(&r, 0, sizeof(r));
	src[1].date = NULL;
	t = prom_render(&r, &ci, 500, &len);
	check_syntax(t, len);
	assert_int_equal(value_of(t, "portclass_read_packets_total"), 0);
	assert_non_null(strstr(t, "date=\"\"} 1\n"));
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_label),
		cmocka_unit_test(test_render_all),
		cmocka_unit_test(test_render_stable),
		cmocka_unit_test(test_fold_max_series),
		cmocka_unit_test(test_fold_many),
		cmocka_unit_test(test_top_cut_and_capture),
	};

	return (cmocka_run_group_tests_name("prom", tests, NULL, NULL));
}
