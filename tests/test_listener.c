/*
 * test_listener.c - the listener memory: answered handshakes make
 * listeners, scans and floods do not, nor backscatter; fan-in needs two
 * peers whose ports differ, more than the endpoint opened, and not
 * mostly low ports facing it in the client ranges; who sent first is
 * known only after the warm-up; evidence ranks (handshake over fan-in,
 * more peers over fewer); probation and protected eviction, and every
 * eviction counter; IPv6 endpoints and bytes outside the address ignored.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "portclass/decode.h"
#include "portclass/listener.h"
#include "portclass/proto.h"

#define T0		1767225600	/* the first packet's second */
#define LATE		(T0 + LISTENER_WARMUP)

/*
 * A packet a:sport -> b:dport.  The struct is first filled with junk so
 * that bytes the memory must ignore (the tail of an IPv4 address) differ
 * between packets of one conversation.
 */
static void
mkpkt(struct pkt_info *pi, uint8_t proto, int ipver, uint32_t a,
    uint16_t sport, uint32_t b, uint16_t dport)
{
	static uint8_t	junk = 0x5a;
	int		off = ipver == 6 ? 12 : 0;

	memset(pi, junk++, sizeof(*pi));
	pi->kind = PKT_PORTS;
	pi->proto = proto;
	pi->ipver = (uint8_t)ipver;
	pi->sport = sport;
	pi->dport = dport;
	pi->flags = 0;
	if (ipver == 6) {
		memset(pi->src, 0, sizeof(pi->src));
		memset(pi->dst, 0, sizeof(pi->dst));
		pi->src[0] = pi->dst[0] = 0x20;
		pi->src[1] = pi->dst[1] = 0x01;
		pi->src[2] = pi->dst[2] = 0x0d;
		pi->src[3] = pi->dst[3] = 0xb8;
	}
	pi->src[off + 0] = (uint8_t)(a >> 24);
	pi->src[off + 1] = (uint8_t)(a >> 16);
	pi->src[off + 2] = (uint8_t)(a >> 8);
	pi->src[off + 3] = (uint8_t)a;
	pi->dst[off + 0] = (uint8_t)(b >> 24);
	pi->dst[off + 1] = (uint8_t)(b >> 16);
	pi->dst[off + 2] = (uint8_t)(b >> 8);
	pi->dst[off + 3] = (uint8_t)b;
}

/* One exchange a -> b, then b -> a, of transport proto at time ts. */
static void
exchange(struct listener_table *lt, uint8_t proto, int ipver, uint32_t a,
    uint16_t ap, uint32_t b, uint16_t bp, int64_t ts)
{
	struct pkt_info	pi;

	mkpkt(&pi, proto, ipver, a, ap, b, bp);
	(void)listener_observe(lt, &pi, ts);
	mkpkt(&pi, proto, ipver, b, bp, a, ap);
	(void)listener_observe(lt, &pi, ts);
}

/* The capture's first packet, at T0: the warm-up runs from here. */
static void
begin(struct listener_table *lt)
{
	struct pkt_info	pi;

	mkpkt(&pi, PC_PROTO_UDP, 4, 0x7f000001, 1, 0x7f000002, 2);
	(void)listener_observe(lt, &pi, T0);
}

/* A TCP handshake a:ap -> b:bp, SYN then SYN+ACK. */
static void
handshake(struct listener_table *lt, uint32_t a, uint16_t ap, uint32_t b,
    uint16_t bp, int64_t ts)
{
	struct pkt_info	pi;

	mkpkt(&pi, PC_PROTO_TCP, 4, a, ap, b, bp);
	listener_handshake(lt, &pi, ts, LISTENER_OPEN);
	mkpkt(&pi, PC_PROTO_TCP, 4, b, bp, a, ap);
	listener_handshake(lt, &pi, ts, LISTENER_ACCEPT);
}

/*
 * What listener_pick() says of a packet a:ap -> b:bp asking about both
 * endpoints: the port of the stronger listener and its kind, or port 0
 * and LISTENER_NONE.
 */
static enum listener_kind
pick(struct listener_table *lt, uint8_t proto, int ipver, uint32_t a,
    uint16_t ap, uint32_t b, uint16_t bp, uint16_t *port)
{
	struct listener_verdict	v;
	struct pkt_info		pi;

	mkpkt(&pi, proto, ipver, a, ap, b, bp);
	*port = 0;
	if (!listener_pick(lt, &pi, 1, 1, &v))
		return (LISTENER_NONE);
	*port = v.port;
	return ((enum listener_kind)v.kind);
}

static size_t
nlisteners(const struct listener_table *lt)
{
	struct listener_stats	st;

	listener_stats(lt, &st);
	return (st.listeners);
}

/* A SYN+ACK makes its source a listener for every later connection. */
static void
test_handshake_makes_listener(void **state)
{
	struct listener_table	*lt;
	uint16_t		 port;

	(void)state;
	lt = listener_new(16, 0);
	handshake(lt, 0x0a000001, 40000, 0x0a000002, 61000, T0);
	assert_int_equal(nlisteners(lt), 1);
	/* Another client, mid-stream, either direction. */
	assert_int_equal(pick(lt, PC_PROTO_TCP, 4, 0x0a000003, 3306,
	    0x0a000002, 61000, &port), LISTENER_HANDSHAKE);
	assert_int_equal(port, 61000);
	assert_int_equal(pick(lt, PC_PROTO_TCP, 4, 0x0a000002, 61000,
	    0x0a000003, 3306, &port), LISTENER_HANDSHAKE);
	assert_int_equal(port, 61000);
	/* Not another host's 61000, nor UDP's, nor the client's port. */
	assert_int_equal(pick(lt, PC_PROTO_TCP, 4, 0x0a000003, 3306,
	    0x0a000009, 61000, &port), LISTENER_NONE);
	assert_int_equal(pick(lt, PC_PROTO_UDP, 4, 0x0a000003, 3306,
	    0x0a000002, 61000, &port), LISTENER_NONE);
	assert_int_equal(pick(lt, PC_PROTO_TCP, 4, 0x0a000001, 40000,
	    0x0a000005, 80, &port), LISTENER_NONE);
	listener_free(lt);
}

/*
 * Scans make no listener: a SYN scan (each target met once, by the
 * scanner, which opened every conversation), and a UDP scan after the
 * warm-up (the scanner sent first to everyone), from a client port or a
 * low one.
 */
static void
test_unanswered_opening(void **state)
{
	struct listener_table	*lt;
	struct pkt_info		 pi;
	uint16_t		 port;
	int			 i;

	(void)state;
	lt = listener_new(16, 0);
	for (i = 0; i < 1000; i++) {
		mkpkt(&pi, PC_PROTO_TCP, 4, 0x0a000001, 45000,
		    0x0a000100 + (uint32_t)(i % 7), (uint16_t)(1 + i));
		listener_handshake(lt, &pi, T0, LISTENER_OPEN);
	}
	/* A UDP scan, after the warm-up: one packet each, no answer. */
	for (i = 0; i < 1000; i++) {
		mkpkt(&pi, PC_PROTO_UDP, 4, 0x0a000001, 45000,
		    0x0a000100 + (uint32_t)(i % 7), (uint16_t)(1 + i));
		(void)listener_observe(lt, &pi, LATE);
		mkpkt(&pi, PC_PROTO_UDP, 4, 0x0a000002, 53,
		    0x0a000200 + (uint32_t)(i % 7), (uint16_t)(30000 + i));
		(void)listener_observe(lt, &pi, LATE);
	}
	assert_int_equal(nlisteners(lt), 0);
	assert_int_equal(pick(lt, PC_PROTO_UDP, 4, 0x0a000001, 45000,
	    0x0a000100, 1, &port), LISTENER_NONE);
	listener_free(lt);
}

/*
 * Fan-in: an endpoint meeting two peers whose ports differ listens,
 * whoever sent first (here the capture began mid-conversation, in the
 * warm-up).  One peer is not enough, nor two peers on the same port.
 */
static void
test_fanin(void **state)
{
	struct listener_table	*lt;
	uint16_t		 port;

	(void)state;
	lt = listener_new(16, 0);
	/* WireGuard on 51820, its first client on 40000 (safetynetp). */
	exchange(lt, PC_PROTO_UDP, 4, 0x0a000002, 51820, 0x0a000001, 40000,
	    T0);
	assert_int_equal(nlisteners(lt), 0);
	/* The same client port on another host: ports do not differ. */
	exchange(lt, PC_PROTO_UDP, 4, 0x0a000003, 40000, 0x0a000002, 51820,
	    T0);
	assert_int_equal(nlisteners(lt), 0);
	exchange(lt, PC_PROTO_UDP, 4, 0x0a000004, 33000, 0x0a000002, 51820,
	    T0);
	assert_int_equal(nlisteners(lt), 1);
	assert_int_equal(pick(lt, PC_PROTO_UDP, 4, 0x0a000001, 40000,
	    0x0a000002, 51820, &port), LISTENER_FANIN);
	assert_int_equal(port, 51820);
	/* A conversation seen again is not one more peer. */
	exchange(lt, PC_PROTO_UDP, 4, 0x0a000004, 33000, 0x0a000002, 51820,
	    T0);
	assert_int_equal(nlisteners(lt), 1);
	listener_free(lt);
}

/*
 * Conversations an endpoint opened do not count for it: a client on one
 * port talking to many servers (known after the warm-up, or by SYN) does
 * not become a listener, nor, in the warm-up, one facing servers on low
 * ports from the client ranges; its servers do, once they have two peers.
 */
static void
test_opened_not_fanin(void **state)
{
	struct listener_table	*lt;
	uint16_t		 port;
	int			 i;

	(void)state;
	lt = listener_new(64, 0);
	begin(lt);
	for (i = 0; i < 20; i++)
		exchange(lt, PC_PROTO_UDP, 4, 0x0a000001, 40000,
		    0x0a000100 + (uint32_t)i, (uint16_t)(2000 + i), LATE);
	assert_int_equal(nlisteners(lt), 0);
	/* The same in the warm-up: nobody knows who opened, both count. */
	for (i = 0; i < 2; i++)
		exchange(lt, PC_PROTO_UDP, 4, 0x0a000001, 40000,
		    0x0a000300 + (uint32_t)i, (uint16_t)(2000 + i), T0);
	assert_int_equal(nlisteners(lt), 0);
	for (i = 0; i < 20; i++)
		handshake(lt, 0x0a000001, 41000, 0x0a000200 + (uint32_t)i,
		    (uint16_t)(3000 + i), T0);
	assert_int_equal(nlisteners(lt), 20);
	assert_int_equal(pick(lt, PC_PROTO_TCP, 4, 0x0a000001, 41000,
	    0x0a000201, 3001, &port), LISTENER_HANDSHAKE);
	assert_int_equal(port, 3001);
	listener_free(lt);
}

/* Who sent first is known only after the warm-up, and only for UDP. */
static void
test_first_after_warmup(void **state)
{
	struct listener_table	*lt;
	struct pkt_info		 pi;

	(void)state;
	lt = listener_new(16, 0);
	mkpkt(&pi, PC_PROTO_UDP, 4, 0x0a000001, 40000, 0x0a000002, 51820);
	assert_int_equal(listener_observe(lt, &pi, T0),
	    LISTENER_FIRST_UNKNOWN);
	/* Still unknown later: the conversation began in the warm-up. */
	assert_int_equal(listener_observe(lt, &pi, LATE + 100),
	    LISTENER_FIRST_UNKNOWN);
	mkpkt(&pi, PC_PROTO_UDP, 4, 0x0a000001, 40001, 0x0a000002, 51820);
	assert_int_equal(listener_observe(lt, &pi, LATE - 1),
	    LISTENER_FIRST_UNKNOWN);
	mkpkt(&pi, PC_PROTO_UDP, 4, 0x0a000001, 40002, 0x0a000002, 51820);
	assert_int_equal(listener_observe(lt, &pi, LATE),
	    LISTENER_FIRST_SRC);
	mkpkt(&pi, PC_PROTO_UDP, 4, 0x0a000002, 51820, 0x0a000001, 40002);
	assert_int_equal(listener_observe(lt, &pi, LATE),
	    LISTENER_FIRST_DST);
	/* UDP-Lite too; TCP never from a plain packet. */
	mkpkt(&pi, PC_PROTO_UDPLITE, 6, 1, 40002, 2, 51820);
	assert_int_equal(listener_observe(lt, &pi, LATE),
	    LISTENER_FIRST_SRC);
	mkpkt(&pi, PC_PROTO_TCP, 4, 0x0a000001, 40002, 0x0a000002, 51820);
	assert_int_equal(listener_observe(lt, &pi, LATE),
	    LISTENER_FIRST_UNKNOWN);
	/* A SYN says who opened it. */
	mkpkt(&pi, PC_PROTO_TCP, 4, 0x0a000001, 40003, 0x0a000002, 51820);
	listener_handshake(lt, &pi, T0, LISTENER_OPEN);
	mkpkt(&pi, PC_PROTO_TCP, 4, 0x0a000002, 51820, 0x0a000001, 40003);
	assert_int_equal(listener_observe(lt, &pi, T0), LISTENER_FIRST_DST);
	listener_free(lt);
}

/*
 * Ranks: a handshake beats fan-in, more peers beat fewer, a tie names
 * nobody; an endpoint not asked about still competes.
 */
static void
test_ranks(void **state)
{
	struct listener_table	*lt;
	struct listener_verdict	 v;
	struct pkt_info		 pi;
	uint16_t		 port;
	int			 i;

	(void)state;
	lt = listener_new(64, 0);
	/* A (port 7000) answers 3 peers, B (port 8000) 2: both listen. */
	for (i = 0; i < 3; i++)
		exchange(lt, PC_PROTO_UDP, 4, 0x0a0000a0 + (uint32_t)i,
		    (uint16_t)(50000 + i), 0x0a000001, 7000, T0);
	for (i = 0; i < 2; i++)
		exchange(lt, PC_PROTO_UDP, 4, 0x0a0000b0 + (uint32_t)i,
		    (uint16_t)(51000 + i), 0x0a000002, 8000, T0);
	assert_int_equal(pick(lt, PC_PROTO_UDP, 4, 0x0a000002, 8000,
	    0x0a000001, 7000, &port), LISTENER_FANIN);
	assert_int_equal(port, 7000);
	/* Asking about B only: A is stronger, so B is not named. */
	mkpkt(&pi, PC_PROTO_UDP, 4, 0x0a000002, 8000, 0x0a000001, 7000);
	assert_int_equal(listener_pick(lt, &pi, 1, 0, &v), 0);
	/* B gains two more peers: 4 against 3. */
	for (i = 2; i < 4; i++)
		exchange(lt, PC_PROTO_UDP, 4, 0x0a0000b0 + (uint32_t)i,
		    (uint16_t)(51000 + i), 0x0a000002, 8000, T0);
	assert_int_equal(pick(lt, PC_PROTO_UDP, 4, 0x0a000002, 8000,
	    0x0a000001, 7000, &port), LISTENER_FANIN);
	assert_int_equal(port, 8000);
	/* A tie: C and D with two peers each. */
	for (i = 0; i < 2; i++) {
		exchange(lt, PC_PROTO_UDP, 4, 0x0a0000c0 + (uint32_t)i,
		    (uint16_t)(52000 + i), 0x0a000003, 9000, T0);
		exchange(lt, PC_PROTO_UDP, 4, 0x0a0000d0 + (uint32_t)i,
		    (uint16_t)(53000 + i), 0x0a000004, 9001, T0);
	}
	assert_int_equal(pick(lt, PC_PROTO_UDP, 4, 0x0a000003, 9000,
	    0x0a000004, 9001, &port), LISTENER_NONE);
	/* A handshake on TCP 7000 beats TCP fan-in of 9 peers on 9500. */
	handshake(lt, 0x0a0000e0, 50100, 0x0a000001, 7000, T0);
	for (i = 0; i < 9; i++)
		exchange(lt, PC_PROTO_TCP, 4, 0x0a0000f0 + (uint32_t)i,
		    (uint16_t)(54000 + i), 0x0a000005, 9500, T0);
	assert_int_equal(pick(lt, PC_PROTO_TCP, 4, 0x0a000005, 9500,
	    0x0a000001, 7000, &port), LISTENER_HANDSHAKE);
	assert_int_equal(port, 7000);
	listener_free(lt);
}

/*
 * Eviction: a full table evicts the least recently used listener on
 * probation, and keeps listeners that were used again, even under a
 * stream of new ones; evictions are counted.
 */
static void
test_eviction_protects_used(void **state)
{
	struct listener_table	*lt;
	struct listener_stats	 st;
	uint16_t		 port;
	int			 i;

	(void)state;
	lt = listener_new(5, 0);
	handshake(lt, 0x0a000001, 40000, 0x0a000002, 443, T0);
	/* Used again: protected. */
	assert_int_equal(pick(lt, PC_PROTO_TCP, 4, 0x0a000003, 40000,
	    0x0a000002, 443, &port), LISTENER_HANDSHAKE);
	/* Many listeners that qualify once and are never seen again. */
	for (i = 0; i < 1000; i++)
		handshake(lt, 0x0b000001, 40000, 0x0c000000 + (uint32_t)i,
		    (uint16_t)(20000 + i), T0);
	listener_stats(lt, &st);
	assert_int_equal(st.listeners, 5);
	assert_int_equal(st.capacity, 5);
	assert_int_equal(st.evictions, 1000 + 1 - 5);
	assert_int_equal(pick(lt, PC_PROTO_TCP, 4, 0x0a000003, 40000,
	    0x0a000002, 443, &port), LISTENER_HANDSHAKE);
	assert_int_equal(port, 443);
	/* The newest ones are held, the oldest are gone. */
	assert_int_equal(pick(lt, PC_PROTO_TCP, 4, 0x0b000001, 40000,
	    0x0c000000 + 999, 20999, &port), LISTENER_HANDSHAKE);
	assert_int_equal(pick(lt, PC_PROTO_TCP, 4, 0x0b000001, 40000,
	    0x0c000000, 20000, &port), LISTENER_NONE);
	listener_free(lt);
}

/*
 * When every listener is protected, the least recently used protected
 * one goes: the table never holds more than its capacity.
 */
static void
test_eviction_all_protected(void **state)
{
	struct listener_table	*lt;
	struct listener_stats	 st;
	uint16_t		 port;
	int			 i, k;

	(void)state;
	lt = listener_new(2, 0);
	for (i = 0; i < 50; i++) {
		handshake(lt, 0x0a000001, 40000, 0x0a000100 + (uint32_t)i,
		    (uint16_t)(1000 + i), T0);
		for (k = 0; k < 2; k++)
			(void)pick(lt, PC_PROTO_TCP, 4, 0x0a000001, 40000,
			    0x0a000100 + (uint32_t)i, (uint16_t)(1000 + i),
			    &port);
	}
	listener_stats(lt, &st);
	assert_int_equal(st.listeners, 2);
	assert_int_equal(st.evictions, 48);
	assert_int_equal(pick(lt, PC_PROTO_TCP, 4, 0x0a000001, 40000,
	    0x0a000100 + 49, 1049, &port), LISTENER_HANDSHAKE);
	assert_int_equal(pick(lt, PC_PROTO_TCP, 4, 0x0a000001, 40000,
	    0x0a000100 + 48, 1048, &port), LISTENER_HANDSHAKE);
	listener_free(lt);
}

/*
 * The conversation and candidate tables have fixed sizes, 512 Ki and
 * 64 Ki with the default listener capacity: more conversations than
 * they hold are forgotten, and counted.
 */
static void
test_conversation_bound(void **state)
{
	struct listener_table	*lt;
	struct listener_stats	 st;
	uint32_t		 i;

	(void)state;
	lt = listener_new(0, 0);
	for (i = 0; i < 1200000; i++)
		exchange(lt, PC_PROTO_UDP, 4, 0x0a000000 + i,
		    (uint16_t)(40000 + i % 20000), 0x0b000000 + i, 7000, T0);
	listener_stats(lt, &st);
	assert_true(st.conversation_evictions > 1200000 - 524288);
	assert_true(st.candidate_evictions > 0);
	assert_int_equal(st.listeners, 0);
	listener_free(lt);
}

/*
 * IPv6: endpoints are told apart by every address byte, and both
 * directions of a conversation meet.
 */
static void
test_ipv6(void **state)
{
	struct listener_table	*lt;
	uint16_t		 port;

	(void)state;
	lt = listener_new(16, 0);
	exchange(lt, PC_PROTO_UDP, 6, 0x01, 40000, 0x99, 27015, T0);
	exchange(lt, PC_PROTO_UDP, 6, 0x02, 40001, 0x99, 27015, T0);
	assert_int_equal(pick(lt, PC_PROTO_UDP, 6, 0x03, 33000, 0x99, 27015,
	    &port), LISTENER_FANIN);
	assert_int_equal(port, 27015);
	/* The same low bytes as IPv4 are another endpoint. */
	assert_int_equal(pick(lt, PC_PROTO_UDP, 4, 0x03, 33000, 0x99, 27015,
	    &port), LISTENER_NONE);
	listener_free(lt);
}

/*
 * A SYN+ACK whose SYN the capture did not see makes a listener in the
 * warm-up (the capture began mid-handshake), but not later, when it may
 * be backscatter from a flood spoofing the address.
 */
static void
test_backscatter(void **state)
{
	struct listener_table	*lt;
	struct pkt_info		 pi;
	uint16_t		 port;

	(void)state;
	lt = listener_new(16, 0);
	mkpkt(&pi, PC_PROTO_TCP, 4, 0x0a000002, 61000, 0x0a000001, 40000);
	listener_handshake(lt, &pi, T0, LISTENER_ACCEPT);
	assert_int_equal(nlisteners(lt), 1);
	mkpkt(&pi, PC_PROTO_TCP, 4, 0x0a000003, 61001, 0x0a000001, 40001);
	listener_handshake(lt, &pi, LATE, LISTENER_ACCEPT);
	assert_int_equal(nlisteners(lt), 1);
	assert_int_equal(pick(lt, PC_PROTO_TCP, 4, 0x0a000009, 3306,
	    0x0a000003, 61001, &port), LISTENER_NONE);
	/* With its SYN seen, it is an answer. */
	handshake(lt, 0x0a000001, 40002, 0x0a000003, 61001, LATE);
	assert_int_equal(pick(lt, PC_PROTO_TCP, 4, 0x0a000009, 3306,
	    0x0a000003, 61001, &port), LISTENER_HANDSHAKE);
	listener_free(lt);
}

/*
 * A quiet UDP flow begun before the capture may show its server's packet
 * first, after the warm-up: that server still gains the client as a
 * peer, so with one more client it listens.
 */
static void
test_first_seen_backwards(void **state)
{
	struct listener_table	*lt;
	struct pkt_info		 pi;
	uint16_t		 port;

	(void)state;
	lt = listener_new(16, 0);
	begin(lt);
	mkpkt(&pi, PC_PROTO_UDP, 4, 0x0a000002, 31933, 0xcb007128, 47283);
	(void)listener_observe(lt, &pi, LATE);
	mkpkt(&pi, PC_PROTO_UDP, 4, 0x64fa7a3e, 46803, 0x0a000002, 31933);
	(void)listener_observe(lt, &pi, LATE + 5);
	assert_int_equal(pick(lt, PC_PROTO_UDP, 4, 0xcb007128, 47283,
	    0x0a000002, 31933, &port), LISTENER_FANIN);
	assert_int_equal(port, 31933);
	listener_free(lt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_makes_listener),
		cmocka_unit_test(test_unanswered_opening),
		cmocka_unit_test(test_fanin),
		cmocka_unit_test(test_opened_not_fanin),
		cmocka_unit_test(test_first_after_warmup),
		cmocka_unit_test(test_ranks),
		cmocka_unit_test(test_eviction_protects_used),
		cmocka_unit_test(test_eviction_all_protected),
		cmocka_unit_test(test_conversation_bound),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_backscatter),
		cmocka_unit_test(test_first_seen_backwards),
	};

	return (cmocka_run_group_tests_name("listener", tests, NULL, NULL));
}
