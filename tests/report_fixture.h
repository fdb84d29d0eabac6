/*
 * report_fixture.h - the small report the sink tests render: an assigned
 * row, the ephemeral row and an unnamed unassigned row, with named
 * counters, so every sink is checked against the same input; its
 * --unassigned listing and an alert, each carrying the unofficial use a
 * sink must show; and the helper that renders a report through a sink
 * into memory.  Include it after <cmocka.h>.
 */
#ifndef PORTCLASS_TESTS_REPORT_FIXTURE_H
#define PORTCLASS_TESTS_REPORT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "portclass/report.h"
#include "portclass/sink.h"
#include "portclass/unofficial.h"

/* The use of row 0: a line for its port alone, with text to escape. */
static const struct unofficial_use fixture_use = {
	.proto = PC_PROTO_TCP,
	.lo = 443,
	.hi = 443,
	.text = "a \"quoted\" use",
};

/* Why row 0's packets landed there; the other rows say nothing. */
static const uint64_t fixture_reasons[CLASSIFY_REASON_COUNT] = {
	[CLASSIFY_SYN] = 1,
	[CLASSIFY_FLOW] = 9,
};
static const uint64_t fixture_no_reasons[CLASSIFY_REASON_COUNT];

/*
 * The use of the listing's first port and of the alert: made up, so that
 * the compiled-in table cannot have it, and a sink that shows it shows
 * what it was handed.
 */
static const struct unofficial_use fixture_port_use = {
	.proto = PC_PROTO_UDP,
	.lo = 10012,
	.hi = 10014,
	.text = "made-up \"range\" use",
};

/* The listing's ports: a use for the first, none for the second. */
#define FIXTURE_USE_PORT	10013	/* udp; the table has no use */
#define FIXTURE_BARE_PORT	25565	/* tcp; the table has one */

/* The first packet on each of them. */
static const struct unassigned_endpoint fixture_v4 = { 4,
    { 192, 0, 2, 1 }, { 198, 51, 100, 7 }, 50000, FIXTURE_USE_PORT };
static const struct unassigned_endpoint fixture_v6 = { 6,
    { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
    { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 }, 40000, FIXTURE_BARE_PORT };

static inline void
fixture_report(struct report *r, struct report_row *rows)
{
	memset(r, 0, sizeof(*r));
	memset(rows, 0, 3 * sizeof(*rows));
	rows[0].proto = PC_PROTO_TCP;
	rows[0].port = 443;
	rows[0].status = REG_ASSIGNED;
	rows[0].service = "https";
	rows[0].c.packets = 10;
	rows[0].c.bytes = 3000;
	rows[0].reasons = fixture_reasons;
	rows[0].unofficial = &fixture_use;
	rows[1].proto = PC_PROTO_UDP;
	rows[1].port = 0;
	rows[1].ephemeral = 1;
	rows[1].status = REG_DYNAMIC;
	rows[1].service = "ephemeral";
	rows[1].reasons = fixture_no_reasons;
	rows[1].c.packets = 2;
	rows[1].c.bytes = 200;
	rows[2].proto = PC_PROTO_SCTP;
	rows[2].port = 4;
	rows[2].status = REG_UNASSIGNED;
	rows[2].service = NULL;
	rows[2].reasons = fixture_no_reasons;
	rows[2].c.packets = 1;
	rows[2].c.bytes = 100;
	r->rows = rows;
	r->nrows = r->nrows_total = 3;
	r->scope = REPORT_RUN;
	r->clock = "packet";
	r->named[CTR_ICMP].packets = 4;
	r->named[CTR_ICMP].bytes = 400;
	r->named[CTR_TRUNCATED].packets = 1;
	r->named[CTR_TRUNCATED].bytes = 1514;
	r->service.packets = 13;
	r->service.bytes = 3300;
	r->total.packets = 18;
	r->total.bytes = 5214;
}

/*
 * The --unassigned listing of r: two of three tracked ports.  The second
 * carries no use although the compiled-in table has one for its port
 * (test_report.c checks both premises): a sink shows the record's use,
 * never one it looks up.
 */
static inline void
fixture_unassigned(struct report *r, struct unassigned_port *ports)
{
	memset(ports, 0, 2 * sizeof(*ports));
	ports[0].proto = PC_PROTO_UDP;
	ports[0].status = REG_UNASSIGNED;
	ports[0].port = FIXTURE_USE_PORT;
	ports[0].packets = 5;
	ports[0].bytes = 700;
	ports[0].first_seen = 1767225600;
	ports[0].last_seen = 1767225659;
	ports[0].peers = 2;
	ports[0].nexamples = 1;
	ports[0].examples[0] = fixture_v4;
	ports[0].unofficial = &fixture_port_use;
	ports[1].proto = PC_PROTO_TCP;
	ports[1].status = REG_UNASSIGNED;
	ports[1].port = FIXTURE_BARE_PORT;
	ports[1].packets = 1;
	ports[1].bytes = 60;
	ports[1].first_seen = ports[1].last_seen = 1767225630;
	ports[1].peers = UNASSIGNED_PEERS_MAX;
	ports[1].peers_capped = 1;
	ports[1].nexamples = 1;
	ports[1].examples[0] = fixture_v6;
	r->has_unassigned = 1;
	r->unassigned = ports;
	r->nunassigned = 2;
	r->nunassigned_total = 3;
	r->unassigned_evicted = 4;
	r->unassigned_suppressed = 6;
}

/* The first packet on the listing's first port, with its use. */
static inline void
fixture_alert(struct unassigned_alert *al)
{
	memset(al, 0, sizeof(*al));
	al->proto = PC_PROTO_UDP;
	al->status = REG_UNASSIGNED;
	al->port = FIXTURE_USE_PORT;
	al->ts_sec = 1767225600;
	al->ts_nsec = 250000000;
	al->suppressed = 6;
	al->ep = fixture_v4;
	al->unofficial = &fixture_port_use;
}

/* Open a stream sink of the table called name on a string in memory. */
static inline void
fixture_sink(struct sink *s, const char *name, const struct sink_meta *meta,
    char **buf, size_t *len)
{
	memset(s, 0, sizeof(*s));
	s->ops = sink_find(name);
	assert_non_null(s->ops);
	s->fp = open_memstream(buf, len);
	assert_non_null(s->fp);
	s->meta = meta;
}

/*
 * Render r through the sink called name into memory, as one report of a
 * run (open first when with_open), and return the text (caller frees).
 */
static inline char *
fixture_render(const char *name, const struct sink_meta *meta,
    const struct report *r, int with_open)
{
	struct sink	 s;
	char		*buf = NULL;
	size_t		 len = 0;

	fixture_sink(&s, name, meta, &buf, &len);
	if (with_open)
		assert_int_equal(s.ops->open(&s), 0);
	assert_int_equal(s.ops->emit(&s, r), 0);
	s.ops->close(&s);
	fclose(s.fp);
	return (buf);
}

/*
 * The alert al through the sink called name: returns what it wrote to its
 * stream and puts in *err what it wrote to standard error (caller frees
 * both).
 */
static inline char *
fixture_render_alert(const char *name, const struct sink_meta *meta,
    const struct unassigned_alert *al, char **err)
{
	struct sink	 s;
	char		*buf = NULL;
	size_t		 len = 0, n;
	FILE		*tmp;
	int		 saved, rc;

	fixture_sink(&s, name, meta, &buf, &len);
	assert_non_null(s.ops->alert);
	assert_non_null(tmp = tmpfile());
	fflush(stderr);
	assert_true((saved = dup(STDERR_FILENO)) >= 0);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	rc = s.ops->alert(&s, al);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	assert_int_equal(rc, 0);
	fclose(s.fp);
	n = (size_t)ftell(tmp);
	rewind(tmp);
	*err = calloc(1, n + 1);
	assert_non_null(*err);
	assert_int_equal(fread(*err, 1, n, tmp), n);
	fclose(tmp);
	return (buf);
}

#endif /* PORTCLASS_TESTS_REPORT_FIXTURE_H */
