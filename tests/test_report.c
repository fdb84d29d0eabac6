/*
 * test_report.c - building a report from counters: rows named and classed
 * by the registry and sorted by bytes with stable ties, the ephemeral row,
 * the --top cut that leaves the totals whole, the unofficial use of each
 * row and of each port of the --unassigned listing, the reasons that
 * point into the counters, and report_clear.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "portclass/counters.h"
#include "portclass/log.h"
#include "portclass/registry.h"
#include "portclass/report.h"
#include "portclass/unassigned.h"
#include "portclass/unofficial.h"
#include "report_fixture.h"

/* One counted slot: port COUNTERS_EPHEMERAL is the ephemeral row. */
struct t_slot {
	unsigned int	proto;
	unsigned int	port;
	uint64_t	packets;
	uint64_t	bytes;
};

/*
 * The slots below in the order report_build must give them: by bytes,
 * then packets; ties by protocol, a port before the ephemeral row, then
 * by port.  Counted in another order.
 */
static const struct t_slot t_sorted[] = {
	{ PC_PROTO_TCP, 443, 3, 300 },			/* https */
	{ PC_PROTO_UDP, 53, 5, 250 },			/* domain */
	{ PC_PROTO_UDP, 47, 2, 100 },			/* reserved */
	{ PC_PROTO_TCP, 80, 1, 60 },			/* ties: port */
	{ PC_PROTO_TCP, 25565, 1, 60 },			/* unassigned */
	{ PC_PROTO_TCP, COUNTERS_EPHEMERAL, 1, 60 },	/* then ephemeral */
	{ PC_PROTO_UDP, 80, 1, 60 },			/* then protocol */
	{ PC_PROTO_TCP, 60000, 4, 40 },			/* dynamic */
};
#define T_NSLOTS	(sizeof(t_sorted) / sizeof(t_sorted[0]))

static const size_t	t_order[T_NSLOTS] = { 6, 3, 7, 0, 5, 2, 4, 1 };

/* What every test starts from. */
struct t_state {
	struct registry	*reg;		/* the embedded IANA registry */
	struct counters	*c;		/* t_sorted, counted */
	struct report	 r;		/* cleared at the end */
};

/*
 * The registry, and counters holding t_sorted: each packet of a slot
 * counted under the reason CLASSIFY_FLOW but the first (CLASSIFY_SYN),
 * and two ICMP frames.
 */
static int
t_setup(void **state)
{
	struct t_state		*ts;
	struct counters		*c;
	const struct t_slot	*t;
	char			 err[PC_ERRBUF_SIZE];
	size_t			 i;
	uint64_t		 k;

	ts = calloc(1, sizeof(*ts));
	assert_non_null(ts);
	ts->reg = registry_new();
	if (registry_load_default(ts->reg, err) == -1)
		fail_msg("%s", err);
	ts->c = c = counters_new();

	for (i = 0; i < T_NSLOTS; i++) {
		t = &t_sorted[t_order[i]];
		for (k = 0; k < t->packets; k++)
			counters_add_why(c, t->proto, t->port,
			    (uint32_t)(t->bytes / t->packets),
			    k == 0 ? CLASSIFY_SYN : CLASSIFY_FLOW);
	}
	counters_add_named(c, CTR_ICMP, 70);
	counters_add_named(c, CTR_ICMP, 70);
	*state = ts;
	return (0);
}

static int
t_teardown(void **state)
{
	struct t_state	*ts = *state;

	report_clear(&ts->r);
	counters_free(ts->c);
	registry_free(ts->reg);
	free(ts);
	return (0);
}

/* row is slot t, named, classed and with its use as reg and the table say. */
static void
t_check_row(const struct report_row *row, const struct t_slot *t,
    const struct registry *reg)
{
	const struct service	*svc;

	assert_int_equal(row->proto, t->proto);
	assert_int_equal(row->c.packets, t->packets);
	assert_int_equal(row->c.bytes, t->bytes);
	assert_int_equal(row->reasons[CLASSIFY_SYN], 1);
	assert_int_equal(row->reasons[CLASSIFY_FLOW], t->packets - 1);
	if (t->port == COUNTERS_EPHEMERAL) {
		assert_true(row->ephemeral);
		assert_int_equal(row->port, 0);
		assert_string_equal(row->service, "ephemeral");
		assert_int_equal(row->status, REG_DYNAMIC);
		assert_null(row->unofficial);
		return;
	}
	assert_false(row->ephemeral);
	assert_int_equal(row->port, t->port);
	assert_int_equal(row->status, registry_status(reg, t->proto,
	    (uint16_t)t->port));
	svc = registry_lookup(reg, t->proto, (uint16_t)t->port);
	assert_ptr_equal(row->service, svc != NULL ? svc->name : NULL);
	assert_ptr_equal(row->unofficial, report_unofficial(t->proto,
	    (uint16_t)t->port, (enum reg_status)row->status));
}

/*
 * Every row sorted, named and classed by the registry, with its use; the
 * totals and named counters as counted.
 */
static void
test_rows(void **state)
{
	struct t_state	*ts = *state;
	struct report	 r;
	uint64_t	 packets = 0, bytes = 0;
	size_t		 i;

	memset(&r, 0, sizeof(r));
	report_build(&r, ts->c, ts->reg, 0);
	assert_int_equal(r.nrows, T_NSLOTS);
	assert_int_equal(r.nrows_total, T_NSLOTS);
	for (i = 0; i < T_NSLOTS; i++) {
		t_check_row(&r.rows[i], &t_sorted[i], ts->reg);
		packets += t_sorted[i].packets;
		bytes += t_sorted[i].bytes;
	}
	/* The premises of the test: real names, statuses and uses. */
	assert_string_equal(r.rows[0].service, "https");
	assert_int_equal(r.rows[2].status, REG_RESERVED);
	assert_int_equal(r.rows[4].status, REG_UNASSIGNED);
	assert_non_null(r.rows[4].unofficial);
	assert_int_equal(r.rows[7].status, REG_DYNAMIC);
	assert_null(r.rows[7].service);

	assert_int_equal(r.service.packets, packets);
	assert_int_equal(r.service.bytes, bytes);
	assert_int_equal(r.named[CTR_ICMP].packets, 2);
	assert_int_equal(r.named[CTR_ICMP].bytes, 140);
	assert_int_equal(r.named[CTR_TRUNCATED].packets, 0);
	assert_int_equal(r.total.packets, packets + 2);
	assert_int_equal(r.total.bytes, bytes + 140);
	assert_int_equal(r.has_unassigned, 0);
	report_clear(&r);
	assert_null(r.rows);
	assert_int_equal(r.nrows, 0);
	assert_int_equal(r.nrows_total, 0);
}

/* --top keeps the biggest rows and says how many there were; totals stay. */
static void
test_top(void **state)
{
	struct t_state	*ts = *state;
	struct report	 whole, *cut = &ts->r;
	size_t		 i;

	memset(&whole, 0, sizeof(whole));
	report_build(&whole, ts->c, ts->reg, 0);
	report_build(cut, ts->c, ts->reg, 3);
	assert_int_equal(cut->nrows, 3);
	assert_int_equal(cut->nrows_total, T_NSLOTS);
	for (i = 0; i < cut->nrows; i++)
		t_check_row(&cut->rows[i], &t_sorted[i], ts->reg);
	assert_memory_equal(&cut->total, &whole.total, sizeof(whole.total));
	assert_memory_equal(&cut->service, &whole.service,
	    sizeof(whole.service));
	assert_memory_equal(cut->named, whole.named, sizeof(whole.named));
	report_clear(&whole);
	report_clear(cut);

	/* A bound above the rows cuts nothing. */
	report_build(cut, ts->c, ts->reg, T_NSLOTS + 1);
	assert_int_equal(cut->nrows, T_NSLOTS);
}

/*
 * Each row's reasons are the counters' own array, not a copy: counts
 * added after report_build show through them (hence the rule that the
 * counters do not change while the report is in use), while the packet
 * and byte counts were copied.
 */
static void
test_reasons_borrowed(void **state)
{
	struct t_state		*ts = *state;
	const struct report_row	*row;

	report_build(&ts->r, ts->c, ts->reg, 1);
	row = &ts->r.rows[0];
	assert_int_equal(row->port, 443);
	assert_int_equal(row->reasons[CLASSIFY_LISTENER], 0);
	counters_add_why(ts->c, PC_PROTO_TCP, 443, 100, CLASSIFY_LISTENER);
	assert_int_equal(row->reasons[CLASSIFY_LISTENER], 1);
	assert_int_equal(row->c.packets, 3);
}

/* A packet of proto to dport from 192.0.2.<host>, as the engine notes it. */
static void
t_note(struct unassigned *u, unsigned int proto, uint16_t dport,
    enum reg_status status, uint8_t host, uint32_t wirelen)
{
	struct unassigned_alert	al;
	struct pkt_info		pi = {
		.kind = PKT_PORTS,
		.proto = (uint8_t)proto,
		.ipver = 4,
		.sport = 50000,
		.dport = dport,
		.src = { 192, 0, 2, host },
		.dst = { 198, 51, 100, 7 },
	};

	(void)unassigned_note(u, &pi, dport, status, 1767225600, 0, wirelen,
	    &al);
}

/*
 * The --unassigned listing: sorted by bytes, cut by --top, each port
 * with the use reports show for it (the premises of the sink tests'
 * fixture among them), and the tracker's counts.
 */
static void
test_unassigned(void **state)
{
	struct t_state			*ts = *state;
	struct unassigned		*u = unassigned_new(0);
	struct report			 r;
	const struct unassigned_port	*p;
	size_t				 i;

	t_note(u, PC_PROTO_TCP, FIXTURE_BARE_PORT, REG_UNASSIGNED, 1, 60);
	t_note(u, PC_PROTO_UDP, FIXTURE_USE_PORT, REG_UNASSIGNED, 1, 300);
	t_note(u, PC_PROTO_UDP, FIXTURE_USE_PORT, REG_UNASSIGNED, 2, 300);
	t_note(u, PC_PROTO_UDP, 47, REG_RESERVED, 3, 100);
	memset(&r, 0, sizeof(r));
	report_build(&r, ts->c, ts->reg, 2);
	report_add_unassigned(&r, u, 2);
	assert_true(r.has_unassigned);
	assert_int_equal(r.nunassigned_total, 3);
	assert_int_equal(r.nunassigned, 2);
	assert_int_equal(r.unassigned_evicted, 0);
	assert_int_equal(r.unassigned_suppressed, 0);
	assert_int_equal(r.unassigned[0].port, FIXTURE_USE_PORT);
	assert_int_equal(r.unassigned[0].peers, 2);
	assert_int_equal(r.unassigned[1].port, 47);
	assert_int_equal(r.unassigned[2].port, FIXTURE_BARE_PORT);
	for (i = 0; i < r.nunassigned_total; i++) {
		p = &r.unassigned[i];
		assert_ptr_equal(p->unofficial, report_unofficial(p->proto,
		    p->port, (enum reg_status)p->status));
	}
	/* The fixture's ports: no use for one, Minecraft's for the other. */
	assert_null(r.unassigned[0].unofficial);
	assert_non_null(r.unassigned[2].unofficial);
	assert_non_null(strstr(r.unassigned[2].unofficial->text, "Minecraft"));
	assert_int_equal(r.unassigned[2].unofficial->lo, FIXTURE_BARE_PORT);
	assert_int_equal(r.unassigned[2].unofficial->hi, FIXTURE_BARE_PORT);
	report_clear(&r);
	assert_false(r.has_unassigned);
	assert_null(r.unassigned);
	assert_int_equal(r.nunassigned, 0);
	assert_int_equal(r.nunassigned_total, 0);
	unassigned_free(u);
}

/*
 * report_unofficial is the table's answer (unofficial_report on the
 * compiled-in one) for every protocol and status.
 */
static void
test_report_unofficial(void **state)
{
	static const uint16_t	 ports[] = { 25565, 6950, 9200, 5060, 10013 };
	const struct unofficial	*table = unofficial_default();
	unsigned int		 proto, st;
	size_t			 i;

	(void)state;
	for (proto = 0; proto < PC_PROTO_COUNT; proto++)
		for (st = 0; st <= REG_LOCAL; st++)
			for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
				assert_ptr_equal(report_unofficial(proto,
				    ports[i], (enum reg_status)st),
				    unofficial_report(table, proto, ports[i],
				    (enum reg_status)st));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rows, t_setup,
		    t_teardown),
		cmocka_unit_test_setup_teardown(test_top, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(test_reasons_borrowed, t_setup,
		    t_teardown),
		cmocka_unit_test_setup_teardown(test_unassigned, t_setup,
		    t_teardown),
		cmocka_unit_test(test_report_unofficial),
	};

	log_init("test_report", 0);
	return (cmocka_run_group_tests_name("report", tests, NULL, NULL));
}
