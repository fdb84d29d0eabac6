/*
 * test_counters.c - per-service and named counters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "portclass/counters.h"

static const struct counter_row *
find_row(const struct counter_row *rows, size_t n, unsigned int proto,
    unsigned int port, int ephemeral)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (rows[i].proto == proto && rows[i].ephemeral == ephemeral &&
		    (ephemeral || rows[i].port == port))
			return (&rows[i]);
	}
	return (NULL);
}

static void
test_add_and_rows(void **state)
{
	struct counters			*c = counters_new();
	struct counter_row		 rows[8];
	const struct counter_row	*r;
	size_t				 n;

	(void)state;
	counters_add_port(c, PC_PROTO_TCP, 443, 1500);
	counters_add_port(c, PC_PROTO_TCP, 443, 60);
	counters_add_port(c, PC_PROTO_UDP, 443, 1200);
	counters_add_port(c, PC_PROTO_TCP, 0, 40);
	counters_add_port(c, PC_PROTO_TCP, 65535, 41);
	counters_add_ephemeral(c, PC_PROTO_UDP, 100);
	n = counters_rows(c, rows, 8);
	assert_int_equal(n, 5);
	r = find_row(rows, n, PC_PROTO_TCP, 443, 0);
	assert_non_null(r);
	assert_int_equal(r->c.packets, 2);
	assert_int_equal(r->c.bytes, 1560);
	/* Same port, other protocol: its own row. */
	r = find_row(rows, n, PC_PROTO_UDP, 443, 0);
	assert_non_null(r);
	assert_int_equal(r->c.bytes, 1200);
	/* Port 0 and 65535 are real ports, not sentinels. */
	assert_non_null(find_row(rows, n, PC_PROTO_TCP, 0, 0));
	assert_non_null(find_row(rows, n, PC_PROTO_TCP, 65535, 0));
	r = find_row(rows, n, PC_PROTO_UDP, 0, 1);
	assert_non_null(r);
	assert_int_equal(r->c.bytes, 100);
	assert_null(find_row(rows, n, PC_PROTO_TCP, 0, 1));
	assert_int_equal(counters_service_total(c).packets, 6);
	assert_int_equal(counters_service_total(c).bytes, 2941);
	counters_free(c);
}

/* Fewer rows asked for than exist: only that many written, all counted. */
static void
test_rows_max(void **state)
{
	struct counters		*c = counters_new();
	struct counter_row	 rows[2];
	unsigned int		 p;

	(void)state;
	for (p = 1; p <= 5; p++)
		counters_add_port(c, PC_PROTO_SCTP, p, 10);
	memset(rows, 0xa5, sizeof(rows));
	assert_int_equal(counters_rows(c, rows, 2), 5);
	assert_int_equal(rows[0].proto, PC_PROTO_SCTP);
	assert_int_equal(counters_rows(c, NULL, 0), 5);
	counters_free(c);
}

static void
test_named_and_total(void **state)
{
	struct counters	*c = counters_new();

	(void)state;
	counters_add_named(c, CTR_ICMP, 98);
	counters_add_named(c, CTR_ICMP, 98);
	counters_add_named(c, CTR_TRUNCATED, 1514);
	counters_add_port(c, PC_PROTO_DCCP, 5004, 100);
	assert_int_equal(counters_named(c, CTR_ICMP).packets, 2);
	assert_int_equal(counters_named(c, CTR_ICMP).bytes, 196);
	assert_int_equal(counters_named(c, CTR_TRUNCATED).bytes, 1514);
	assert_int_equal(counters_named(c, CTR_MALFORMED).packets, 0);
	assert_int_equal(counters_total(c).packets, 4);
	assert_int_equal(counters_total(c).bytes, 1810);
	assert_string_equal(counters_name(CTR_UNSUPPORTED_LINK),
	    "unsupported_link");
	assert_string_equal(counters_name(CTR_NON_IP), "non_ip");
	counters_free(c);
}

/* Folding intervals into a run keeps every count; reset empties all. */
static void
test_merge_reset(void **state)
{
	struct counters		*run = counters_new(), *ival = counters_new();
	struct counter_row	 rows[4];
	int			 k;

	(void)state;
	for (k = 0; k < 3; k++) {
		counters_add_port(ival, PC_PROTO_TCP, 22, 100);
		counters_add_named(ival, CTR_NON_IP, 60);
		counters_merge(run, ival);
		counters_reset(ival);
		assert_int_equal(counters_total(ival).packets, 0);
		assert_int_equal(counters_rows(ival, rows, 4), 0);
	}
	assert_int_equal(counters_rows(run, rows, 4), 1);
	assert_int_equal(rows[0].port, 22);
	assert_int_equal(rows[0].c.packets, 3);
	assert_int_equal(rows[0].c.bytes, 300);
	assert_int_equal(counters_named(run, CTR_NON_IP).packets, 3);
	assert_int_equal(counters_total(run).bytes, 480);
	/* A reset slot that is used again is listed once, not twice. */
	counters_add_port(ival, PC_PROTO_TCP, 22, 1);
	counters_add_port(ival, PC_PROTO_TCP, 22, 1);
	assert_int_equal(counters_rows(ival, rows, 4), 1);
	counters_free(run);
	counters_free(ival);
}

/* Out-of-range input is ignored, not written out of bounds. */
static void
test_out_of_range(void **state)
{
	struct counters	*c = counters_new();

	(void)state;
	counters_add_port(c, PC_PROTO_COUNT, 80, 1);
	counters_add_port(c, PC_PROTO_TCP, 70000, 1);
	counters_add_named(c, CTR_COUNT, 1);
	assert_int_equal(counters_total(c).packets, 0);
	assert_string_equal(counters_name(CTR_COUNT), "?");
	counters_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_and_rows),
		cmocka_unit_test(test_rows_max),
		cmocka_unit_test(test_named_and_total),
		cmocka_unit_test(test_merge_reset),
		cmocka_unit_test(test_out_of_range),
	};

	return (cmocka_run_group_tests_name("counters", tests, NULL, NULL));
}
