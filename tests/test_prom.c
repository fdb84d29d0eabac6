/*
 * test_prom.c - the Prometheus exposition text: syntax of every line,
 * label escaping, a status label equal to the rows' NDJSON status,
 * folding into unnamed/ephemeral/other, the --max-series bound and the
 * worst case of series, sums that match the report, optional families.
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
#include "prom_fixture.h"

#define NROWS	8

/* A file with a date over a services file without one. */
static const struct registry_source sources[2] = {
	{ "reg\"file\\x.csv", "2024-02-29", 40 },
	{ "site.services", NULL, 2 },
};

static const struct sink_meta meta = {
	.version = "9.9.9",
	.libpcap_version = "libpcap version 1.10.3 (with TPACKET_V3)",
	.registry_sources = sources,
	.registry_nsources = 2,
	.registry_entries = 42,
	.max_series = PROM_DEFAULT_MAX_SERIES,
};

/* prom_render() of r with m's facts under the bound max_series. */
static char *
render(const struct report *r, const struct sink_meta *m, size_t max_series,
    size_t *lenp)
{
	struct sink_meta	bound = *m;

	bound.max_series = max_series;
	return (prom_render(r, &bound, lenp));
}

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
	r->listeners = 7;
	r->listener_evictions = 2;
	r->conversation_evictions = 3;
	r->candidate_evictions = 4;
	r->guess_evictions = 6;
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

/*
 * Sum of the samples of a family whose labels contain needle (NULL: every
 * sample); *count gets how many there were when count is not NULL.
 */
static uint64_t
sum_where(const char *text, const char *name, const char *needle,
    size_t *count)
{
	const char	*p, *sp;
	uint64_t	 sum = 0;
	size_t		 n = strlen(name), k = 0;
	char		 labels[512];

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p != NULL ? p + 1 : NULL) {
		if (strncmp(p, name, n) != 0 || (p[n] != '{' && p[n] != ' '))
			continue;
		sp = strchr(p, ' ');
		assert_true((size_t)(sp - p) < sizeof(labels));
		memcpy(labels, p, (size_t)(sp - p));
		labels[sp - p] = '\0';
		if (needle != NULL && strstr(labels, needle) == NULL)
			continue;
		sum += strtoull(sp + 1, NULL, 10);
		k++;
	}
	if (count != NULL)
		*count = k;
	return (sum);
}

/* Sum of every sample of a family. */
static uint64_t
sum_of(const char *text, const char *name)
{
	return (sum_where(text, name, NULL, NULL));
}

/*
 * Per status, the bytes of the traffic series equal the bytes of the rows
 * of that status (what NDJSON writes in "status"), and no series carries
 * a status that no row has.
 */
static void
check_status_sums(const char *t, const struct report *r)
{
	char		needle[64];
	uint64_t	want;
	size_t		i, st, k, nst = 0;

	for (st = 0; st < PROM_NSTATUS; st++) {
		want = 0;
		for (i = 0; i < r->nrows; i++)
			if (r->rows[i].status == st)
				want += r->rows[i].c.bytes;
		snprintf(needle, sizeof(needle), ",status=\"%s\"}",
		    registry_status_name((enum reg_status)st));
		assert_int_equal(sum_where(t, "portclass_bytes_total", needle,
		    &k), want);
		assert_true(want > 0 || k == 0);
		nst += k;
	}
	/* Nothing else: each series had one of the statuses above. */
	sum_where(t, "portclass_bytes_total", NULL, &k);
	assert_int_equal(k, nst);
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
	t = render(&r, &meta, 500, &len);
	assert_non_null(t);
	check_syntax(t, len);

	/* Two ports called http are one series. */
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"tcp\","
	    "service=\"http\",status=\"assigned\"}"), 10);
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"http\",status=\"assigned\"}"), 6000);
	/* Nameless ports: a series per status, no port, never "unassigned"
	 * for a dynamic port. */
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"tcp\","
	    "service=\"unnamed\",status=\"unassigned\"}"), 2);
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"tcp\","
	    "service=\"unnamed\",status=\"dynamic\"}"), 1);
	assert_null(strstr(t, "service=\"unassigned\""));
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
	check_status_sums(t, &r);

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
	assert_int_equal(value_of(t, "portclass_listeners"), 7);
	assert_int_equal(value_of(t, "portclass_listener_evictions_total"), 2);
	assert_int_equal(value_of(t,
	    "portclass_conversation_evictions_total"), 3);
	assert_int_equal(value_of(t, "portclass_candidate_evictions_total"),
	    4);
	assert_int_equal(value_of(t, "portclass_guess_evictions_total"), 6);

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
	a = render(&r, &meta, 500, NULL);
	/* Same counts in another row order: the same text. */
	for (i = 0; i < NROWS / 2; i++) {
		tmp = rows[i];
		rows[i] = rows[NROWS - 1 - i];
		rows[NROWS - 1 - i] = tmp;
	}
	b = render(&r, &meta, 500, NULL);
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
	t = render(&r, &meta, 2, &len);
	samples = check_syntax(t, len);
	assert_true(samples > 0);
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"https\",status=\"assigned\"}"), 9000);
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"http\",status=\"assigned\"}"), 6000);
	assert_null(strstr(t, "service=\"domain\""));
	/* Folded services keep their status. */
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"udp\","
	    "service=\"other\",status=\"assigned\"}"), 800);
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"sctp\","
	    "service=\"other\",status=\"assigned\"}"), 1);
	assert_null(strstr(t, "status=\"other\""));
	assert_int_equal(value_of(t, "portclass_series_folded"), 2);
	check_status_sums(t, &r);
	/* Nameless and ephemeral are never folded. */
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"tcp\","
	    "service=\"unnamed\",status=\"unassigned\"}"), 2);
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"tcp\","
	    "service=\"unnamed\",status=\"dynamic\"}"), 1);
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"tcp\","
	    "service=\"ephemeral\",status=\"dynamic\"}"), 4);
	assert_int_equal(sum_of(t, "portclass_packets_total"),
	    r.service.packets);
	assert_int_equal(sum_of(t, "portclass_bytes_total"), r.service.bytes);
	free(t);

	/* Zero keeps no named series at all. */
	t = render(&r, &meta, 0, &len);
	check_syntax(t, len);
	assert_null(strstr(t, "service=\"https\""));
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"other\",status=\"assigned\"}"), 15000);
	assert_int_equal(value_of(t, "portclass_series_folded"), 4);
	check_status_sums(t, &r);
	assert_int_equal(sum_of(t, "portclass_bytes_total"), r.service.bytes);
	free(t);
}

/*
 * Thousands of distinct names, all assigned, and unassigned ports: max
 * named, and one "other" and one "unnamed" series per protocol.
 */
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
	t = render(&r, &meta, 50, &len);
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

/*
 * One row per case of status, as report_build makes them from the
 * registry: the label carries the row's status, nameless ports fold per
 * protocol and status into service="unnamed", and nothing but an
 * unassigned port is status="unassigned".
 */
#define NSTATUS_ROWS	10

static void
test_status_each(void **state)
{
	struct report		r;
	struct report_row	rows[NSTATUS_ROWS];
	char			*t;
	size_t			 i, len;
	uint64_t		 ua = 0;

	(void)state;
	memset(&r, 0, sizeof(r));
	set_row(&rows[0], PC_PROTO_TCP, 443, REG_ASSIGNED, "https", 9, 900);
	/* IANA's "any private mail system": assigned, no name. */
	set_row(&rows[1], PC_PROTO_TCP, 24, REG_ASSIGNED, NULL, 8, 800);
	set_row(&rows[2], PC_PROTO_UDP, 47, REG_RESERVED, NULL, 7, 700);
	set_row(&rows[3], PC_PROTO_UDP, 1023, REG_RESERVED, NULL, 1, 70);
	set_row(&rows[4], PC_PROTO_TCP, 4, REG_UNASSIGNED, NULL, 6, 600);
	set_row(&rows[5], PC_PROTO_UDP, 1005, REG_UNASSIGNED, NULL, 2, 60);
	set_row(&rows[6], PC_PROTO_TCP, 50000, REG_DYNAMIC, NULL, 5, 500);
	/* --map billing 8443/tcp */
	set_row(&rows[7], PC_PROTO_TCP, 8443, REG_LOCAL, "billing", 4, 400);
	set_row(&rows[8], PC_PROTO_UDP, 0, REG_DYNAMIC, "ephemeral", 3, 300);
	rows[8].ephemeral = 1;
	/* A services file line without a name is no name either. */
	set_row(&rows[9], PC_PROTO_SCTP, 9, REG_ASSIGNED, "", 1, 10);
	r.rows = rows;
	r.nrows = r.nrows_total = NSTATUS_ROWS;
	for (i = 0; i < NSTATUS_ROWS; i++) {
		r.service.packets += rows[i].c.packets;
		r.service.bytes += rows[i].c.bytes;
		if (rows[i].status == REG_UNASSIGNED ||
		    rows[i].status == REG_RESERVED)
			ua += rows[i].c.bytes;
	}
	r.total = r.service;
	t = render(&r, &meta, 500, &len);
	check_syntax(t, len);
	check_status_sums(t, &r);

	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"https\",status=\"assigned\"}"), 900);
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"unnamed\",status=\"assigned\"}"), 800);
	/* Two reserved ports of one protocol: one series. */
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"udp\","
	    "service=\"unnamed\",status=\"reserved\"}"), 770);
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"udp\","
	    "service=\"unnamed\",status=\"reserved\"}"), 8);
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"unnamed\",status=\"unassigned\"}"), 600);
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"udp\","
	    "service=\"unnamed\",status=\"unassigned\"}"), 60);
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"unnamed\",status=\"dynamic\"}"), 500);
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"billing\",status=\"local\"}"), 400);
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"udp\","
	    "service=\"ephemeral\",status=\"dynamic\"}"), 300);
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"sctp\","
	    "service=\"unnamed\",status=\"assigned\"}"), 10);
	assert_null(strstr(t, "service=\"unassigned\""));
	assert_null(strstr(t, "service=\"\""));
	/* The dashboard's selector: exactly what --unassigned counts. */
	assert_int_equal(sum_where(t, "portclass_bytes_total",
	    "status=\"unassigned\"", NULL) + sum_where(t,
	    "portclass_bytes_total", "status=\"reserved\"", NULL), ua);
	free(t);

	/*
	 * Folded named services keep their status: a --map name becomes
	 * other/local, an IANA name other/assigned.
	 */
	t = render(&r, &meta, 0, &len);
	check_syntax(t, len);
	check_status_sums(t, &r);
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"other\",status=\"local\"}"), 400);
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"other\",status=\"assigned\"}"), 900);
	assert_int_equal(value_of(t, "portclass_series_folded"), 2);
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"udp\","
	    "service=\"unnamed\",status=\"reserved\"}"), 770);
	free(t);
}

/*
 * A registry name that is one of our words merges into our series, and
 * the result is the same in any row order and never folded.
 */
static void
test_name_collision(void **state)
{
	struct report		r;
	struct report_row	rows[3], tmp;
	char			*a, *b;

	(void)state;
	memset(&r, 0, sizeof(r));
	set_row(&rows[0], PC_PROTO_TCP, 24, REG_ASSIGNED, NULL, 1, 100);
	set_row(&rows[1], PC_PROTO_TCP, 25, REG_ASSIGNED, "unnamed", 2, 200);
	set_row(&rows[2], PC_PROTO_TCP, 80, REG_ASSIGNED, "http", 4, 400);
	r.rows = rows;
	r.nrows = r.nrows_total = 3;
	r.service.packets = 7;
	r.service.bytes = 700;
	a = render(&r, &meta, 0, NULL);
	tmp = rows[0];
	rows[0] = rows[1];
	rows[1] = tmp;
	b = render(&r, &meta, 0, NULL);
	assert_string_equal(a, b);
	assert_int_equal(value_of(a, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"unnamed\",status=\"assigned\"}"), 300);
	assert_int_equal(value_of(a, "portclass_bytes_total{proto=\"tcp\","
	    "service=\"other\",status=\"assigned\"}"), 400);
	assert_int_equal(value_of(a, "portclass_series_folded"), 1);
	free(a);
	free(b);
}

/*
 * The worst case: every protocol and status has a nameless port, an
 * ephemeral row and more named services than max_series keeps, rows that
 * cannot be labelled, and a --top cut.  Exactly PROM_SERIES_BOUND(max)
 * series, and the sums still add up.
 */
static void
test_series_bound(void **state)
{
	struct report		 r;
	struct report_row	*rows;
	char			(*names)[24], *t, needle[64];
	const char		*name;
	size_t			 i, n = 0, len, series, max = 3, cap;
	unsigned int		 p, st;

	(void)state;
	/* A status added after REG_LOCAL would widen the bound unseen. */
	for (st = 0; st < PROM_NSTATUS; st++)
		assert_string_not_equal(registry_status_name(
		    (enum reg_status)st), "?");
	assert_string_equal(registry_status_name(
	    (enum reg_status)PROM_NSTATUS), "?");
	assert_int_equal(PROM_SERIES_BOUND(max), max + 76);

	cap = PC_PROTO_COUNT * PROM_NSTATUS * 4 + 2;
	rows = calloc(cap, sizeof(*rows));
	names = calloc(cap, sizeof(*names));
	memset(&r, 0, sizeof(r));
	for (p = 0; p < PC_PROTO_COUNT; p++) {
		for (st = 0; st < PROM_NSTATUS; st++) {
			set_row(&rows[n++], p, 100 + st, (int)st, NULL, 1,
			    10);
			set_row(&rows[n], p, 0, (int)st, "ephemeral", 1, 10);
			rows[n++].ephemeral = 1;
			/* The big one may be kept, the small one never. */
			snprintf(names[n], sizeof(names[n]), "big%u_%u", p,
			    st);
			set_row(&rows[n], p, 200 + st, (int)st, names[n], 1,
			    1000 + p * 10 + st);
			n++;
			snprintf(names[n], sizeof(names[n]), "small%u_%u", p,
			    st);
			set_row(&rows[n], p, 300 + st, (int)st, names[n], 1,
			    5);
			n++;
		}
	}
	set_row(&rows[n++], PC_PROTO_COUNT, 1, REG_ASSIGNED, "x", 1, 7);
	set_row(&rows[n++], PC_PROTO_TCP, 2, PROM_NSTATUS, NULL, 1, 7);
	assert_int_equal(n, cap);
	r.rows = rows;
	r.nrows = n;
	r.nrows_total = n + 9;			/* --top cut nine rows */
	for (i = 0; i < n; i++) {
		r.service.packets += rows[i].c.packets;
		r.service.bytes += rows[i].c.bytes;
	}
	r.service.packets += 9;
	r.service.bytes += 900;

	t = render(&r, &meta, max, &len);
	check_syntax(t, len);
	sum_where(t, "portclass_packets_total", NULL, &series);
	assert_int_equal(series, PROM_SERIES_BOUND(max));
	sum_where(t, "portclass_bytes_total", NULL, &series);
	assert_int_equal(series, PROM_SERIES_BOUND(max));
	assert_int_equal(value_of(t, "portclass_series_folded"),
	    2 * PC_PROTO_COUNT * PROM_NSTATUS - max);
	/* Per protocol and status: one of each kind. */
	for (st = 0; st < PROM_NSTATUS; st++) {
		name = registry_status_name((enum reg_status)st);
		snprintf(needle, sizeof(needle), "service=\"unnamed\","
		    "status=\"%s\"}", name);
		sum_where(t, "portclass_bytes_total", needle, &series);
		assert_int_equal(series, PC_PROTO_COUNT);
		snprintf(needle, sizeof(needle), "service=\"other\","
		    "status=\"%s\"}", name);
		sum_where(t, "portclass_bytes_total", needle, &series);
		assert_int_equal(series, PC_PROTO_COUNT);
	}
	/* The cut, with the two rows that had no label value. */
	assert_int_equal(value_of(t, "portclass_bytes_total{proto=\"other\","
	    "service=\"other\",status=\"other\"}"), 900 + 7 + 7);
	assert_int_equal(sum_of(t, "portclass_packets_total"),
	    r.service.packets);
	assert_int_equal(sum_of(t, "portclass_bytes_total"), r.service.bytes);
	free(t);

	/*
	 * Nothing to fold: both named services, the nameless and the
	 * ephemeral series of every protocol and status, and the cut.
	 */
	t = render(&r, &meta, 500, &len);
	check_syntax(t, len);
	sum_where(t, "portclass_packets_total", NULL, &series);
	assert_int_equal(series, 4 * PC_PROTO_COUNT * PROM_NSTATUS + 1);
	assert_int_equal(value_of(t, "portclass_series_folded"), 0);
	free(t);
	free(rows);
	free(names);
}

static void
test_top_cut_and_capture(void **state)
{
	struct report		r;
	struct report_row	rows[NROWS];
	struct sink_meta	cm = meta;
	struct registry_source	src[2];
	char			*t;
	size_t			 len;

	(void)state;
	make_report(&r, rows);
	r.nrows = 2;		/* --top 2: https and http:80 left */
	r.registry_reloads = 3;
	/* Live: the counts since the captures opened, not this span's. */
	r.has_capture = 1;
	r.capture_total = (struct report_capture){ 1000, 7, 3 };
	r.capture = (struct report_capture){ 10, 1, 1 };
	src[0] = (struct registry_source){ "embedded IANA CSV", "2026-04-09",
	    12000 };
	src[1] = (struct registry_source){ "legacy.txt", "2026-02-30", 9 };
	cm.registry_sources = src;
	t = render(&r, &cm, 500, &len);
	check_syntax(t, len);
	/* The newest date of any source, not the top one's. */
	assert_int_equal(value_of(t, "portclass_registry_date_seconds"),
	    1775692800);
	assert_int_equal(value_of(t, "portclass_registry_reloads_total"), 3);
	free(t);

	src[0].date = NULL;
	t = render(&r, &cm, 500, &len);
	check_syntax(t, len);
	assert_int_equal(value_of(t, "portclass_packets_total{proto=\"other\","
	    "service=\"other\",status=\"other\"}"), 34 - 17);
	/* The cut is the only series without a registry status. */
	assert_int_equal(sum_where(t, "portclass_packets_total",
	    "status=\"other\"", NULL), 34 - 17);
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
	t = render(&r, &cm, 500, &len);
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
		cmocka_unit_test(test_status_each),
		cmocka_unit_test(test_name_collision),
		cmocka_unit_test(test_series_bound),
		cmocka_unit_test(test_top_cut_and_capture),
	};

	return (cmocka_run_group_tests_name("prom", tests, NULL, NULL));
}
