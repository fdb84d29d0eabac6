/*
 * test_flow.c - the handshake flow cache: both directions of a connection
 * find one entry, IPv4 and IPv6, least-recently-used eviction and its
 * counter, the capacity bound, and keys that ignore bytes outside the
 * address.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "portclass/decode.h"
#include "portclass/flow.h"
#include "portclass/proto.h"

/*
 * A TCP packet a:sport -> b:dport.  The struct is first filled with 0xa5 so
 * that any byte the cache should ignore (the unused tail of an IPv4
 * address, struct padding) holds junk.
 */
static void
mkpkt(struct pkt_info *pi, uint8_t proto, int ipver, uint32_t a,
    uint16_t sport, uint32_t b, uint16_t dport)
{
	memset(pi, 0xa5, sizeof(*pi));
	pi->kind = PKT_PORTS;
	pi->proto = proto;
	pi->ipver = (uint8_t)ipver;
	pi->sport = sport;
	pi->dport = dport;
	pi->flags = 0;
	if (ipver == 6) {
		/* 2001:db8::<a> and 2001:db8::<b> */
		memset(pi->src, 0, sizeof(pi->src));
		memset(pi->dst, 0, sizeof(pi->dst));
		pi->src[0] = pi->dst[0] = 0x20;
		pi->src[1] = pi->dst[1] = 0x01;
		pi->src[2] = pi->dst[2] = 0x0d;
		pi->src[3] = pi->dst[3] = 0xb8;
	}
	pi->src[12 * (ipver == 6) + 0] = (uint8_t)(a >> 24);
	pi->src[12 * (ipver == 6) + 1] = (uint8_t)(a >> 16);
	pi->src[12 * (ipver == 6) + 2] = (uint8_t)(a >> 8);
	pi->src[12 * (ipver == 6) + 3] = (uint8_t)a;
	pi->dst[12 * (ipver == 6) + 0] = (uint8_t)(b >> 24);
	pi->dst[12 * (ipver == 6) + 1] = (uint8_t)(b >> 16);
	pi->dst[12 * (ipver == 6) + 2] = (uint8_t)(b >> 8);
	pi->dst[12 * (ipver == 6) + 3] = (uint8_t)b;
}

/* The same packet seen in the other direction. */
static void
reverse(const struct pkt_info *pi, struct pkt_info *r)
{
	memcpy(r, pi, sizeof(*r));
	memcpy(r->src, pi->dst, sizeof(r->src));
	memcpy(r->dst, pi->src, sizeof(r->dst));
	r->sport = pi->dport;
	r->dport = pi->sport;
}

#define HOST_A	0x0a000001	/* 10.0.0.1 */
#define HOST_B	0x0a000002	/* 10.0.0.2 */

static void
check_both_directions(int ipver)
{
	struct flow_cache	*fc;
	struct pkt_info		 syn, back;
	uint16_t		 port;

	fc = flow_new(8);
	/* The client uses 3306, the server 61000; the SYN goes to the server. */
	mkpkt(&syn, PC_PROTO_TCP, ipver, HOST_A, 3306, HOST_B, 61000);
	reverse(&syn, &back);

	assert_int_equal(flow_server_port(fc, &syn, &port), 0);
	assert_int_equal(flow_server_port(fc, &back, &port), 0);
	flow_learn(fc, &syn, 1, 0);
	assert_int_equal(flow_count(fc), 1);

	port = 0;
	assert_int_equal(flow_server_port(fc, &syn, &port), 1);
	assert_int_equal(port, 61000);
	port = 0;
	assert_int_equal(flow_server_port(fc, &back, &port), 1);
	assert_int_equal(port, 61000);

	/* A SYN+ACK learnt from the other side says the same thing. */
	flow_learn(fc, &back, 0, 0);
	assert_int_equal(flow_count(fc), 1);
	assert_int_equal(flow_server_port(fc, &syn, &port), 1);
	assert_int_equal(port, 61000);

	/* A new handshake in the opposite direction replaces the server. */
	flow_learn(fc, &back, 1, 0);
	assert_int_equal(flow_server_port(fc, &syn, &port), 1);
	assert_int_equal(port, 3306);
	assert_int_equal(flow_count(fc), 1);
	assert_int_equal(flow_evictions(fc), 0);
	flow_free(fc);
}

static void
test_both_directions_ipv4(void **state)
{
	(void)state;
	check_both_directions(4);
}

static void
test_both_directions_ipv6(void **state)
{
	(void)state;
	check_both_directions(6);
}

/*
 * Flows that differ only in one field of the key are different flows:
 * protocol, IP version (same low 4 address bytes), a port, an address.
 */
static void
test_key_fields_distinguish(void **state)
{
	struct flow_cache	*fc;
	struct pkt_info		 pi, other;
	uint16_t		 port;

	(void)state;
	fc = flow_new(16);
	mkpkt(&pi, PC_PROTO_TCP, 4, HOST_A, 40000, HOST_B, 80);
	flow_learn(fc, &pi, 1, 0);

	mkpkt(&other, PC_PROTO_SCTP, 4, HOST_A, 40000, HOST_B, 80);
	assert_int_equal(flow_server_port(fc, &other, &port), 0);
	mkpkt(&other, PC_PROTO_TCP, 6, HOST_A, 40000, HOST_B, 80);
	memset(other.src, 0, sizeof(other.src));
	memset(other.dst, 0, sizeof(other.dst));
	memcpy(other.src, pi.src, 4);
	memcpy(other.dst, pi.dst, 4);
	assert_int_equal(flow_server_port(fc, &other, &port), 0);
	mkpkt(&other, PC_PROTO_TCP, 4, HOST_A, 40001, HOST_B, 80);
	assert_int_equal(flow_server_port(fc, &other, &port), 0);
	mkpkt(&other, PC_PROTO_TCP, 4, HOST_A + 2, 40000, HOST_B, 80);
	assert_int_equal(flow_server_port(fc, &other, &port), 0);

	mkpkt(&other, PC_PROTO_TCP, 4, HOST_A, 40000, HOST_B, 80);
	assert_int_equal(flow_server_port(fc, &other, &port), 1);
	assert_int_equal(port, 80);
	flow_free(fc);
}

/*
 * Only the 4 address bytes of an IPv4 packet are part of its key: junk in
 * the unused 12 bytes, different for learn and lookup, must not matter.
 */
static void
test_ipv4_key_ignores_unused_bytes(void **state)
{
	struct flow_cache	*fc;
	struct pkt_info		 pi, other;
	uint16_t		 port;

	(void)state;
	fc = flow_new(4);
	mkpkt(&pi, PC_PROTO_TCP, 4, HOST_A, 50000, HOST_B, 443);
	memset(pi.src + 4, 0x11, 12);
	memset(pi.dst + 4, 0x22, 12);
	flow_learn(fc, &pi, 1, 0);

	mkpkt(&other, PC_PROTO_TCP, 4, HOST_B, 443, HOST_A, 50000);
	memset(other.src + 4, 0x33, 12);
	memset(other.dst + 4, 0x00, 12);
	other.tcp_flags = TH_ACK;
	other.flags = PKT_F_TCPFLAGS;
	assert_int_equal(flow_server_port(fc, &other, &port), 1);
	assert_int_equal(port, 443);
	assert_int_equal(flow_count(fc), 1);
	flow_free(fc);
}

/* Same address on both sides (loopback): the ports alone order the key. */
static void
test_same_address(void **state)
{
	struct flow_cache	*fc;
	struct pkt_info		 pi, back;
	uint16_t		 port;

	(void)state;
	fc = flow_new(4);
	mkpkt(&pi, PC_PROTO_TCP, 4, 0x7f000001, 55000, 0x7f000001, 5432);
	reverse(&pi, &back);
	flow_learn(fc, &pi, 1, 0);
	assert_int_equal(flow_server_port(fc, &back, &port), 1);
	assert_int_equal(port, 5432);
	flow_learn(fc, &back, 1, 0);
	assert_int_equal(flow_server_port(fc, &pi, &port), 1);
	assert_int_equal(port, 55000);
	assert_int_equal(flow_count(fc), 1);
	flow_free(fc);
}

/* Flow number i: 10.1.x.y:(1024 + i % 60000) -> 10.0.0.2:80. */
static void
nth_flow(struct pkt_info *pi, uint32_t i)
{
	mkpkt(pi, PC_PROTO_TCP, 4, 0x0a010000 + (i >> 4),
	    (uint16_t)(1024 + i % 60000), HOST_B, 80);
}

static int
known(struct flow_cache *fc, uint32_t i)
{
	struct pkt_info	pi;
	uint16_t	port;

	nth_flow(&pi, i);
	return (flow_server_port(fc, &pi, &port));
}

/*
 * The least recently USED flow goes first: looking a flow up protects it,
 * so after learning 0, 1, 2 and using 0, a fourth flow evicts 1.
 */
static void
test_lru_order(void **state)
{
	struct flow_cache	*fc;
	struct pkt_info		 pi;

	(void)state;
	fc = flow_new(3);
	assert_int_equal(flow_capacity(fc), 3);
	nth_flow(&pi, 0);
	flow_learn(fc, &pi, 1, 0);
	nth_flow(&pi, 1);
	flow_learn(fc, &pi, 1, 0);
	nth_flow(&pi, 2);
	flow_learn(fc, &pi, 1, 0);
	assert_int_equal(flow_count(fc), 3);
	assert_int_equal(flow_evictions(fc), 0);

	assert_int_equal(known(fc, 0), 1);	/* 0 is now the newest */
	nth_flow(&pi, 3);
	flow_learn(fc, &pi, 1, 0);
	assert_int_equal(flow_evictions(fc), 1);
	assert_int_equal(flow_count(fc), 3);
	assert_int_equal(known(fc, 1), 0);
	assert_int_equal(known(fc, 0), 1);
	assert_int_equal(known(fc, 2), 1);
	assert_int_equal(known(fc, 3), 1);

	/* Order is now 3 (oldest), 0, 2; re-learning 3 refreshes it. */
	nth_flow(&pi, 3);
	flow_learn(fc, &pi, 1, 0);
	assert_int_equal(flow_evictions(fc), 1);
	nth_flow(&pi, 4);
	flow_learn(fc, &pi, 1, 0);
	assert_int_equal(flow_evictions(fc), 2);
	assert_int_equal(known(fc, 0), 0);
	assert_int_equal(known(fc, 2), 1);
	assert_int_equal(known(fc, 3), 1);
	assert_int_equal(known(fc, 4), 1);
	flow_free(fc);
}

/* Capacity 1: every new flow evicts the previous one. */
static void
test_cap_one(void **state)
{
	struct flow_cache	*fc;
	struct pkt_info		 pi;
	uint32_t		 i;

	(void)state;
	fc = flow_new(1);
	for (i = 0; i < 100; i++) {
		nth_flow(&pi, i);
		flow_learn(fc, &pi, 1, 0);
		flow_learn(fc, &pi, 1, 0);		/* same flow: no eviction */
		assert_int_equal(flow_count(fc), 1);
		assert_int_equal(flow_evictions(fc), i);
		assert_int_equal(known(fc, i), 1);
		if (i > 0)
			assert_int_equal(known(fc, i - 1), 0);
	}
	flow_free(fc);

	/* Zero is taken as one rather than a cache that cannot hold a flow. */
	fc = flow_new(0);
	assert_int_equal(flow_capacity(fc), 1);
	nth_flow(&pi, 7);
	flow_learn(fc, &pi, 1, 0);
	assert_int_equal(known(fc, 7), 1);
	flow_free(fc);
}

/*
 * Many distinct flows through a small cache: the count never passes the
 * capacity, every flow past it evicts exactly one, and exactly the newest
 * `cap` flows remain.
 */
static void
test_many_inserts_bounded(void **state)
{
	struct flow_cache	*fc;
	struct pkt_info		 pi;
	const uint32_t		 cap = 64, n = 20000;
	uint32_t		 i;

	(void)state;
	fc = flow_new(cap);
	for (i = 0; i < n; i++) {
		nth_flow(&pi, i);
		flow_learn(fc, &pi, 1, 0);
		assert_true(flow_count(fc) <= cap);
	}
	assert_int_equal(flow_count(fc), cap);
	assert_int_equal(flow_evictions(fc), n - cap);
	for (i = 0; i < n - cap; i += 97)
		assert_int_equal(known(fc, i), 0);
	for (i = n - cap; i < n; i++)
		assert_int_equal(known(fc, i), 1);
	flow_free(fc);
}

/* A large cache holds every flow it was given, all findable. */
static void
test_large_cache_keeps_all(void **state)
{
	struct flow_cache	*fc;
	struct pkt_info		 pi;
	const uint32_t		 n = 5000;
	uint32_t		 i;

	(void)state;
	fc = flow_new(FLOW_DEFAULT_CAP);
	for (i = 0; i < n; i++) {
		nth_flow(&pi, i);
		flow_learn(fc, &pi, (int)(i & 1), 0);
	}
	assert_int_equal(flow_count(fc), n);
	assert_int_equal(flow_evictions(fc), 0);
	for (i = 0; i < n; i++) {
		uint16_t	port;

		nth_flow(&pi, i);
		assert_int_equal(flow_server_port(fc, &pi, &port), 1);
		assert_int_equal(port, (i & 1) ? 80 : pi.sport);
	}
	flow_free(fc);
	flow_free(NULL);
}

/* Hints count the flows learnt with them; forgetting and eviction undo. */
static void
test_hints_and_forget(void **state)
{
	struct flow_cache	*fc;
	struct pkt_info		 a, b;
	uint16_t		 port;
	uint32_t		 h1 = flow_hint(PC_PROTO_TCP, 3306);
	uint32_t		 h2 = flow_hint(PC_PROTO_TCP, FLOW_HINT_EPHEMERAL);

	(void)state;
	fc = flow_new(1);
	assert_false(flow_hinted(fc, h1));
	mkpkt(&a, PC_PROTO_TCP, 4, HOST_A, 3306, HOST_B, 61000);
	flow_learn(fc, &a, 1, h1);
	assert_true(flow_hinted(fc, h1));
	assert_false(flow_hinted(fc, h2));
	/* Relearning the same flow with another hint moves its count. */
	flow_learn(fc, &a, 1, h2);
	assert_false(flow_hinted(fc, h1));
	assert_true(flow_hinted(fc, h2));
	/* Eviction takes the evicted flow's hint with it. */
	mkpkt(&b, PC_PROTO_TCP, 4, HOST_A, 3307, HOST_B, 61001);
	flow_learn(fc, &b, 1, h1);
	assert_int_equal(flow_evictions(fc), 1);
	assert_false(flow_hinted(fc, h2));
	assert_true(flow_hinted(fc, h1));
	/* Forgetting frees the slot without an eviction. */
	flow_forget(fc, &b);
	assert_false(flow_hinted(fc, h1));
	assert_int_equal(flow_count(fc), 0);
	assert_int_equal(flow_server_port(fc, &b, &port), 0);
	flow_forget(fc, &b);		/* unknown: nothing happens */
	flow_learn(fc, &a, 0, h1);
	assert_int_equal(flow_evictions(fc), 1);
	assert_int_equal(flow_count(fc), 1);
	assert_int_equal(flow_server_port(fc, &a, &port), 1);
	assert_int_equal(port, 3306);
	/* Out-of-range hints are ignored, not written. */
	flow_learn(fc, &b, 1, FLOW_HINTS);
	assert_int_equal(flow_count(fc), 1);
	assert_false(flow_hinted(fc, FLOW_HINTS));
	flow_free(fc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hints_and_forget),
		cmocka_unit_test(test_both_directions_ipv4),
		cmocka_unit_test(test_both_directions_ipv6),
		cmocka_unit_test(test_key_fields_distinguish),
		cmocka_unit_test(test_ipv4_key_ignores_unused_bytes),
		cmocka_unit_test(test_same_address),
		cmocka_unit_test(test_lru_order),
		cmocka_unit_test(test_cap_one),
		cmocka_unit_test(test_many_inserts_bounded),
		cmocka_unit_test(test_large_cache_keeps_all),
	};

	return (cmocka_run_group_tests_name("flow", tests, NULL, NULL));
}
