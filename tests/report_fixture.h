/*
 * report_fixture.h - the small report the sink tests render: an assigned
 * row, the ephemeral row and an unnamed unassigned row, with named
 * counters, so every sink is checked against the same input; and the
 * helper that renders a report through a sink into memory.  Include it
 * after <cmocka.h>.
 */
#ifndef PORTCLASS_TESTS_REPORT_FIXTURE_H
#define PORTCLASS_TESTS_REPORT_FIXTURE_H

#include <string.h>

#include <stdio.h>

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

	s.ops = sink_find(name);
	assert_non_null(s.ops);
	s.fp = open_memstream(&buf, &len);
	assert_non_null(s.fp);
	s.meta = meta;
	s.priv = NULL;
	if (with_open)
		assert_int_equal(s.ops->open(&s), 0);
	assert_int_equal(s.ops->emit(&s, r), 0);
	s.ops->close(&s);
	fclose(s.fp);
	return (buf);
}

#endif /* PORTCLASS_TESTS_REPORT_FIXTURE_H */
