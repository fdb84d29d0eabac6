/*
 * test_classify.c - the service-port rule, branch by branch, against a
 * small registry loaded from a buffer and against the embedded IANA
 * registry.  The centre is the 3306 trap: a client whose source port
 * happens to be an assigned one (mysql) talking to a server on a dynamic
 * port; only the remembered handshake puts the whole connection on the
 * server's port.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "portclass/classify.h"
#include "portclass/decode.h"
#include "portclass/flow.h"
#include "portclass/log.h"
#include "portclass/proto.h"
#include "portclass/registry.h"

/*
 * The small registry.  Each row exists for one test: a well-known and a
 * registered assigned port, reserved ports in the system and user ranges,
 * an explicit Unassigned row, an assigned port inside the dynamic range,
 * a UDP-only and an SCTP-only assignment.
 */
static const char small_csv[] =
    "Service Name,Port Number,Transport Protocol,Description,Assignee,"
    "Contact,Registration Date,Modification Date,Reference,Service Code,"
    "Unauthorized Use Reported,Assignment Notes\n"
    ",0,tcp,Reserved,,,,,,,,\n"
    ",4,tcp,Unassigned,,,,,,,,\n"
    "http,80,tcp,World Wide Web HTTP,,,,,,,,\n"
    ",1024,tcp,Reserved,,,,,,,,\n"
    "hbci,3000,tcp,HBCI,,,,,,,,\n"
    "mysql,3306,tcp,MySQL,,,,,,,,\n"
    "m3ua,2905,sctp,M3UA,,,,,,,,\n"
    "udponly,40000,udp,Assigned for UDP only,,,,,,,,\n"
    "dynsvc,50000,tcp,Assigned in the dynamic range,,,,,,,,\n";

static struct registry	*small;
static struct registry	*iana;

#define CLIENT_ADDR	0xc0000201	/* 192.0.2.1 */
#define SERVER_ADDR	0xc6336402	/* 198.51.100.2 */
#define NO_FLAGS	(-1)

static void
put_addr(uint8_t *a, int ipver, uint32_t v)
{
	size_t	off = (ipver == 6) ? 12 : 0;

	memset(a, 0, 16);
	if (ipver == 6) {
		a[0] = 0x20;		/* 2001:db8::/32 */
		a[1] = 0x01;
		a[2] = 0x0d;
		a[3] = 0xb8;
	}
	a[off + 0] = (uint8_t)(v >> 24);
	a[off + 1] = (uint8_t)(v >> 16);
	a[off + 2] = (uint8_t)(v >> 8);
	a[off + 3] = (uint8_t)v;
}

/*
 * A packet from (saddr, sport) to (daddr, dport).  tcp_flags < 0 means the
 * decoder captured no TCP flags.  sctp is 0 or a PKT_F_SCTP_* flag.
 */
static void
mkpkt(struct pkt_info *pi, uint8_t proto, int ipver, uint32_t saddr,
    uint16_t sport, uint32_t daddr, uint16_t dport, int tcp_flags,
    uint8_t sctp)
{
	memset(pi, 0, sizeof(*pi));
	pi->kind = PKT_PORTS;
	pi->proto = proto;
	pi->ipproto = proto == PC_PROTO_TCP ? PC_IPPROTO_TCP :
	    proto == PC_PROTO_SCTP ? PC_IPPROTO_SCTP : PC_IPPROTO_UDP;
	pi->ipver = (uint8_t)ipver;
	pi->ip_layers = 1;
	pi->sport = sport;
	pi->dport = dport;
	if (tcp_flags >= 0) {
		pi->flags |= PKT_F_TCPFLAGS;
		pi->tcp_flags = (uint8_t)tcp_flags;
	}
	pi->flags |= sctp;
	put_addr(pi->src, ipver, saddr);
	put_addr(pi->dst, ipver, daddr);
}

/* Classify one packet and check the outcome. */
static void
expect(const struct registry *reg, struct flow_cache *fc,
    const struct pkt_info *pi, uint16_t port, enum classify_reason why)
{
	struct classify_result	res;

	memset(&res, 0xee, sizeof(res));
	classify_packet(reg, fc, pi, &res);
	assert_int_equal(res.ephemeral, 0);
	assert_int_equal(res.port, port);
	assert_string_equal(classify_reason_name(res.reason),
	    classify_reason_name(why));
}

/* Status rule only, both orders of the two ports give the same answer. */
static void
expect_pair(const struct registry *reg, uint8_t proto, uint16_t p1,
    uint16_t p2, uint16_t port, enum classify_reason why)
{
	struct pkt_info	pi;

	mkpkt(&pi, proto, 4, CLIENT_ADDR, p1, SERVER_ADDR, p2, NO_FLAGS, 0);
	expect(reg, NULL, &pi, port, why);
	mkpkt(&pi, proto, 4, CLIENT_ADDR, p2, SERVER_ADDR, p1, NO_FLAGS, 0);
	expect(reg, NULL, &pi, port, why);
}

static void
expect_ephemeral(const struct registry *reg, uint8_t proto, uint16_t p1,
    uint16_t p2)
{
	struct classify_result	res;
	struct pkt_info		pi;

	mkpkt(&pi, proto, 4, CLIENT_ADDR, p1, SERVER_ADDR, p2, NO_FLAGS, 0);
	memset(&res, 0xee, sizeof(res));
	classify_packet(reg, NULL, &pi, &res);
	assert_int_equal(res.ephemeral, 1);
	assert_int_equal(res.port, 0);
	assert_int_equal(res.reason, CLASSIFY_EPHEMERAL);
}

static int
group_setup(void **state)
{
	char	errbuf[PC_ERRBUF_SIZE];

	(void)state;
	small = registry_new();
	if (registry_load_buffer(small, "small.csv", small_csv,
	    sizeof(small_csv) - 1, errbuf) != 0) {
		print_error("small registry: %s\n", errbuf);
		return (-1);
	}
	iana = registry_new();
	if (registry_load_default(iana, errbuf) != 0) {
		print_error("default registry: %s\n", errbuf);
		return (-1);
	}
	return (0);
}

static int
group_teardown(void **state)
{
	(void)state;
	registry_free(small);
	registry_free(iana);
	return (0);
}

/* The registry rows the tests below rely on are read as intended. */
static void
test_small_registry_statuses(void **state)
{
	(void)state;
	assert_int_equal(registry_status(small, PC_PROTO_TCP, 3306),
	    REG_ASSIGNED);
	assert_int_equal(registry_status(small, PC_PROTO_TCP, 0), REG_RESERVED);
	assert_int_equal(registry_status(small, PC_PROTO_TCP, 4),
	    REG_UNASSIGNED);
	assert_int_equal(registry_status(small, PC_PROTO_TCP, 1024),
	    REG_RESERVED);
	assert_int_equal(registry_status(small, PC_PROTO_TCP, 50000),
	    REG_ASSIGNED);
	assert_int_equal(registry_status(small, PC_PROTO_TCP, 61000),
	    REG_DYNAMIC);
	assert_int_equal(registry_status(iana, PC_PROTO_TCP, 3306),
	    REG_ASSIGNED);
	assert_int_equal(registry_status(iana, PC_PROTO_TCP, 61000),
	    REG_DYNAMIC);
}

/*
 * SYN without ACK: the destination, even when the source is the better
 * port by status.  SYN+ACK: the source.  Other flag bits do not matter.
 */
static void
test_syn_and_synack(void **state)
{
	struct pkt_info	pi;

	(void)state;
	mkpkt(&pi, PC_PROTO_TCP, 4, CLIENT_ADDR, 80, SERVER_ADDR, 61000,
	    TH_SYN, 0);
	expect(small, NULL, &pi, 61000, CLASSIFY_SYN);
	mkpkt(&pi, PC_PROTO_TCP, 4, SERVER_ADDR, 61000, CLIENT_ADDR, 80,
	    TH_SYN | TH_ACK, 0);
	expect(small, NULL, &pi, 61000, CLASSIFY_SYNACK);
	/* ECN setup SYN (RFC 3168) is still a SYN without ACK. */
	mkpkt(&pi, PC_PROTO_TCP, 6, CLIENT_ADDR, 3306, SERVER_ADDR, 4,
	    TH_SYN | 0xc0, 0);
	expect(small, NULL, &pi, 4, CLASSIFY_SYN);
	/* A SYN with sport == dport is still reported as a SYN. */
	mkpkt(&pi, PC_PROTO_TCP, 4, CLIENT_ADDR, 5000, SERVER_ADDR, 5000,
	    TH_SYN, 0);
	expect(small, NULL, &pi, 5000, CLASSIFY_SYN);
}

/*
 * tcp_flags means nothing unless PKT_F_TCPFLAGS says the decoder captured
 * them: a packet whose tcp_flags byte holds SYN but without the flag bit
 * falls to the status rule, and is not learnt.
 */
static void
test_tcp_flags_need_flag_bit(void **state)
{
	struct flow_cache	*fc;
	struct pkt_info		 pi;

	(void)state;
	fc = flow_new(8);
	mkpkt(&pi, PC_PROTO_TCP, 4, CLIENT_ADDR, 3306, SERVER_ADDR, 61000,
	    NO_FLAGS, 0);
	pi.tcp_flags = TH_SYN;
	expect(small, fc, &pi, 3306, CLASSIFY_STATUS);
	assert_int_equal(flow_count(fc), 0);
	flow_free(fc);
}

/*
 * THE TRAP.  A client on source port 3306 (mysql, assigned) talks to a
 * server on 61000 (dynamic).  Without handshake memory the status rule
 * gives 3306 for every packet; once the SYN was seen, the whole
 * connection, both directions, handshake to teardown, is 61000.
 */
static void
check_trap(const struct registry *reg, int ipver)
{
	struct flow_cache	*fc;
	struct pkt_info		 c2s, s2c;

	/* Why the cache matters: the same data packets, no SYN seen. */
	mkpkt(&c2s, PC_PROTO_TCP, ipver, CLIENT_ADDR, 3306, SERVER_ADDR,
	    61000, TH_ACK, 0);
	mkpkt(&s2c, PC_PROTO_TCP, ipver, SERVER_ADDR, 61000, CLIENT_ADDR,
	    3306, TH_ACK, 0);
	expect(reg, NULL, &c2s, 3306, CLASSIFY_STATUS);
	expect(reg, NULL, &s2c, 3306, CLASSIFY_STATUS);
	fc = flow_new(16);
	expect(reg, fc, &c2s, 3306, CLASSIFY_STATUS);
	assert_int_equal(flow_count(fc), 0);	/* lookups learn nothing */

	mkpkt(&c2s, PC_PROTO_TCP, ipver, CLIENT_ADDR, 3306, SERVER_ADDR,
	    61000, TH_SYN, 0);
	expect(reg, fc, &c2s, 61000, CLASSIFY_SYN);
	mkpkt(&s2c, PC_PROTO_TCP, ipver, SERVER_ADDR, 61000, CLIENT_ADDR,
	    3306, TH_SYN | TH_ACK, 0);
	expect(reg, fc, &s2c, 61000, CLASSIFY_SYNACK);

	/* ACK-only, data, FIN and RST, each direction. */
	c2s.tcp_flags = TH_ACK;
	s2c.tcp_flags = TH_ACK;
	expect(reg, fc, &c2s, 61000, CLASSIFY_FLOW);
	expect(reg, fc, &s2c, 61000, CLASSIFY_FLOW);
	c2s.tcp_flags = TH_ACK | 0x08;		/* PSH: data */
	s2c.tcp_flags = TH_ACK | 0x08;
	expect(reg, fc, &c2s, 61000, CLASSIFY_FLOW);
	expect(reg, fc, &s2c, 61000, CLASSIFY_FLOW);
	c2s.tcp_flags = TH_ACK | TH_FIN;
	expect(reg, fc, &c2s, 61000, CLASSIFY_FLOW);
	s2c.tcp_flags = TH_ACK | TH_FIN;
	expect(reg, fc, &s2c, 61000, CLASSIFY_FLOW);
	s2c.tcp_flags = TH_RST;
	expect(reg, fc, &s2c, 61000, CLASSIFY_FLOW);
	/* Packets after FIN/RST (last ACK, retransmits) still follow. */
	c2s.tcp_flags = TH_ACK;
	expect(reg, fc, &c2s, 61000, CLASSIFY_FLOW);
	/* No captured flags: not a handshake, so the cache answers. */
	c2s.flags &= (uint8_t)~PKT_F_TCPFLAGS;
	expect(reg, fc, &c2s, 61000, CLASSIFY_FLOW);

	/* Another connection from the same client port is not this one. */
	mkpkt(&c2s, PC_PROTO_TCP, ipver, CLIENT_ADDR, 3306, SERVER_ADDR + 1,
	    61000, TH_ACK, 0);
	expect(reg, fc, &c2s, 3306, CLASSIFY_STATUS);
	assert_int_equal(flow_count(fc), 1);
	flow_free(fc);
}

static void
test_trap_small_ipv4(void **state)
{
	(void)state;
	check_trap(small, 4);
}

static void
test_trap_small_ipv6(void **state)
{
	(void)state;
	check_trap(small, 6);
}

static void
test_trap_default_registry(void **state)
{
	(void)state;
	check_trap(iana, 4);
	check_trap(iana, 6);
}

/* Capture started mid-handshake: the SYN+ACK alone sets the server. */
static void
test_synack_first(void **state)
{
	struct flow_cache	*fc;
	struct pkt_info		 c2s, s2c;

	(void)state;
	fc = flow_new(16);
	mkpkt(&s2c, PC_PROTO_TCP, 4, SERVER_ADDR, 61000, CLIENT_ADDR, 3306,
	    TH_SYN | TH_ACK, 0);
	expect(small, fc, &s2c, 61000, CLASSIFY_SYNACK);
	mkpkt(&c2s, PC_PROTO_TCP, 4, CLIENT_ADDR, 3306, SERVER_ADDR, 61000,
	    TH_ACK, 0);
	expect(small, fc, &c2s, 61000, CLASSIFY_FLOW);
	s2c.tcp_flags = TH_ACK;
	expect(small, fc, &s2c, 61000, CLASSIFY_FLOW);
	flow_free(fc);
}

/*
 * The tuple is reused with the roles swapped (the host on 61000 now
 * connects to 3306): the new SYN replaces what the cache held.
 */
static void
test_new_handshake_replaces(void **state)
{
	struct flow_cache	*fc;
	struct pkt_info		 pi;

	(void)state;
	fc = flow_new(16);
	mkpkt(&pi, PC_PROTO_TCP, 4, CLIENT_ADDR, 3306, SERVER_ADDR, 61000,
	    TH_SYN, 0);
	expect(small, fc, &pi, 61000, CLASSIFY_SYN);
	assert_int_equal(flow_count(fc), 1);
	mkpkt(&pi, PC_PROTO_TCP, 4, SERVER_ADDR, 61000, CLIENT_ADDR, 3306,
	    TH_SYN, 0);
	expect(small, fc, &pi, 3306, CLASSIFY_SYN);
	/* The new connection agrees with the status rule: the stale memory
	 * of the old one is dropped, and the rule answers from now on. */
	assert_int_equal(flow_count(fc), 0);
	pi.tcp_flags = TH_ACK;
	expect(small, fc, &pi, 3306, CLASSIFY_STATUS);
	mkpkt(&pi, PC_PROTO_TCP, 4, CLIENT_ADDR, 3306, SERVER_ADDR, 61000,
	    TH_ACK, 0);
	expect(small, fc, &pi, 3306, CLASSIFY_STATUS);
	flow_free(fc);
}

/*
 * Evicted handshake memory: the connection falls back to the status rule
 * (and the trap fires again), and the eviction is counted.
 */
static void
test_eviction_falls_back(void **state)
{
	struct flow_cache	*fc;
	struct pkt_info		 pi, other;

	(void)state;
	fc = flow_new(1);
	mkpkt(&pi, PC_PROTO_TCP, 4, CLIENT_ADDR, 3306, SERVER_ADDR, 61000,
	    TH_SYN, 0);
	expect(small, fc, &pi, 61000, CLASSIFY_SYN);
	pi.tcp_flags = TH_ACK;
	expect(small, fc, &pi, 61000, CLASSIFY_FLOW);

	/* A second trapped connection needs the only slot. */
	mkpkt(&other, PC_PROTO_TCP, 4, CLIENT_ADDR, 3306, SERVER_ADDR, 61001,
	    TH_SYN, 0);
	expect(small, fc, &other, 61001, CLASSIFY_SYN);
	assert_int_equal(flow_evictions(fc), 1);
	assert_int_equal(flow_count(fc), 1);

	expect(small, fc, &pi, 3306, CLASSIFY_STATUS);
	other.tcp_flags = TH_ACK;
	expect(small, fc, &other, 61001, CLASSIFY_FLOW);
	flow_free(fc);
}

/*
 * A handshake that agrees with the status rule (client on a dynamic port,
 * server on an assigned one: nearly all traffic) is not stored, so it
 * neither fills the cache nor costs its other packets a lookup; they get
 * the same answer from the rule.
 */
static void
test_agreeing_handshake_not_stored(void **state)
{
	struct flow_cache	*fc;
	struct pkt_info		 pi;
	int			 i;

	(void)state;
	fc = flow_new(4);
	for (i = 0; i < 100; i++) {
		mkpkt(&pi, PC_PROTO_TCP, 4, CLIENT_ADDR, (uint16_t)(51000 + i),
		    SERVER_ADDR, 80, TH_SYN, 0);
		expect(small, fc, &pi, 80, CLASSIFY_SYN);
		mkpkt(&pi, PC_PROTO_TCP, 4, SERVER_ADDR, 80, CLIENT_ADDR,
		    (uint16_t)(51000 + i), TH_SYN | TH_ACK, 0);
		expect(small, fc, &pi, 80, CLASSIFY_SYNACK);
		pi.tcp_flags = TH_ACK;
		expect(small, fc, &pi, 80, CLASSIFY_STATUS);
	}
	assert_int_equal(flow_count(fc), 0);
	assert_int_equal(flow_evictions(fc), 0);
	/* Two dynamic ports with a handshake do contradict the rule, which
	 * would say "ephemeral": that connection is remembered. */
	mkpkt(&pi, PC_PROTO_TCP, 4, CLIENT_ADDR, 50001, SERVER_ADDR, 60001,
	    TH_SYN, 0);
	expect(small, fc, &pi, 60001, CLASSIFY_SYN);
	assert_int_equal(flow_count(fc), 1);
	mkpkt(&pi, PC_PROTO_TCP, 4, SERVER_ADDR, 60001, CLIENT_ADDR, 50001,
	    TH_ACK, 0);
	expect(small, fc, &pi, 60001, CLASSIFY_FLOW);
	/* Another ephemeral pair without a handshake stays ephemeral, though
	 * it shares the hint and so is looked up. */
	mkpkt(&pi, PC_PROTO_TCP, 4, CLIENT_ADDR, 50002, SERVER_ADDR, 60002,
	    TH_ACK, 0);
	{
		struct classify_result	res;

		classify_packet(small, fc, &pi, &res);
		assert_int_equal(res.ephemeral, 1);
		assert_string_equal(classify_reason_name(res.reason),
		    "ephemeral");
	}
	flow_free(fc);
}

/* SCTP: INIT goes to the server, INIT ACK comes from it; later chunks follow. */
static void
test_sctp_init(void **state)
{
	struct flow_cache	*fc;
	struct pkt_info		 c2s, s2c;

	(void)state;
	fc = flow_new(16);
	/* Client on 2905 (m3ua, assigned for SCTP) to a server on 60000. */
	mkpkt(&c2s, PC_PROTO_SCTP, 4, CLIENT_ADDR, 2905, SERVER_ADDR, 60000,
	    NO_FLAGS, 0);
	expect(small, fc, &c2s, 2905, CLASSIFY_STATUS);

	c2s.flags = PKT_F_SCTP_INIT;
	expect(small, fc, &c2s, 60000, CLASSIFY_SYN);
	mkpkt(&s2c, PC_PROTO_SCTP, 4, SERVER_ADDR, 60000, CLIENT_ADDR, 2905,
	    NO_FLAGS, PKT_F_SCTP_INIT_ACK);
	expect(small, fc, &s2c, 60000, CLASSIFY_SYNACK);
	c2s.flags = 0;
	s2c.flags = 0;
	expect(small, fc, &c2s, 60000, CLASSIFY_FLOW);
	expect(small, fc, &s2c, 60000, CLASSIFY_FLOW);
	flow_free(fc);

	/* INIT ACK seen first sets the server too. */
	fc = flow_new(16);
	s2c.flags = PKT_F_SCTP_INIT_ACK;
	expect(small, fc, &s2c, 60000, CLASSIFY_SYNACK);
	expect(small, fc, &c2s, 60000, CLASSIFY_FLOW);
	flow_free(fc);
}

/*
 * UDP has no handshake: the status rule always, and the cache is never
 * read for it, even if it holds an entry for the same tuple.  A TCP
 * handshake on that tuple does not leak into UDP either.
 */
static void
test_udp_status_only(void **state)
{
	struct flow_cache	*fc;
	struct pkt_info		 pi;

	(void)state;
	fc = flow_new(16);
	mkpkt(&pi, PC_PROTO_UDP, 4, CLIENT_ADDR, 3306, SERVER_ADDR, 61000,
	    NO_FLAGS, 0);
	flow_learn(fc, &pi, 1, 0);
	expect(iana, fc, &pi, 3306, CLASSIFY_STATUS);

	mkpkt(&pi, PC_PROTO_TCP, 4, CLIENT_ADDR, 3306, SERVER_ADDR, 61000,
	    TH_SYN, 0);
	expect(iana, fc, &pi, 61000, CLASSIFY_SYN);
	mkpkt(&pi, PC_PROTO_UDP, 4, CLIENT_ADDR, 3306, SERVER_ADDR, 61000,
	    NO_FLAGS, 0);
	/* Junk in tcp_flags of a UDP packet is not a handshake. */
	pi.flags = PKT_F_TCPFLAGS;
	pi.tcp_flags = TH_SYN;
	expect(iana, fc, &pi, 3306, CLASSIFY_STATUS);
	flow_free(fc);
}

/* UDP-Lite reads UDP's registry; TCP does not see UDP's assignment. */
static void
test_udplite_uses_udp_registry(void **state)
{
	(void)state;
	expect_pair(small, PC_PROTO_UDPLITE, 40000, 3000, 40000,
	    CLASSIFY_STATUS);
	expect_pair(small, PC_PROTO_UDP, 40000, 3000, 40000, CLASSIFY_STATUS);
	/* For TCP, 3000 is the assigned one (hbci) and 40000 is not. */
	expect_pair(small, PC_PROTO_TCP, 40000, 3000, 3000, CLASSIFY_STATUS);
	/* Neither assigned for UDP: same range, lower wins. */
	expect_pair(small, PC_PROTO_UDPLITE, 40000 + 1, 3000, 3000,
	    CLASSIFY_LOWER);
}

static void
test_same_port(void **state)
{
	struct flow_cache	*fc;
	struct pkt_info		 pi;

	(void)state;
	fc = flow_new(4);
	mkpkt(&pi, PC_PROTO_UDP, 4, CLIENT_ADDR, 123, SERVER_ADDR, 123,
	    NO_FLAGS, 0);
	expect(iana, fc, &pi, 123, CLASSIFY_SAME);
	mkpkt(&pi, PC_PROTO_TCP, 4, CLIENT_ADDR, 61000, SERVER_ADDR, 61000,
	    TH_ACK, 0);
	expect(small, fc, &pi, 61000, CLASSIFY_SAME);	/* not ephemeral */
	flow_free(fc);
}

/* Status: assigned beats reserved, unassigned and dynamic. */
static void
test_status_assigned_wins(void **state)
{
	(void)state;
	expect_pair(small, PC_PROTO_TCP, 3306, 4, 3306, CLASSIFY_STATUS);
	expect_pair(small, PC_PROTO_TCP, 3306, 0, 3306, CLASSIFY_STATUS);
	expect_pair(small, PC_PROTO_TCP, 3306, 1024, 3306, CLASSIFY_STATUS);
	expect_pair(small, PC_PROTO_TCP, 3306, 61000, 3306, CLASSIFY_STATUS);
	/* An assigned port in the dynamic range beats an unassigned one. */
	expect_pair(small, PC_PROTO_TCP, 50000, 2000, 50000, CLASSIFY_STATUS);
	expect_pair(small, PC_PROTO_TCP, 50000, 4, 50000, CLASSIFY_STATUS);
	expect_pair(small, PC_PROTO_TCP, 50000, 61000, 50000, CLASSIFY_STATUS);
}

/* Reserved and unassigned beat an unassigned dynamic port. */
static void
test_status_beats_dynamic(void **state)
{
	(void)state;
	expect_pair(small, PC_PROTO_TCP, 1024, 55000, 1024, CLASSIFY_STATUS);
	expect_pair(small, PC_PROTO_TCP, 40000, 60000, 40000, CLASSIFY_STATUS);
	expect_pair(small, PC_PROTO_TCP, 49151, 49152, 49151, CLASSIFY_STATUS);
}

/*
 * Reserved and unassigned tie: then the lower range wins, then the lower
 * number.  1024 (reserved, user range) vs 4 (unassigned, system range):
 * 4; 0 (reserved) vs 4 (unassigned), both system: 0; 1024 (reserved) vs
 * 2000 (unassigned), both user: 1024; 2000 vs 1500 (both unassigned): 1500.
 */
static void
test_tie_range_then_lower(void **state)
{
	(void)state;
	expect_pair(small, PC_PROTO_TCP, 1024, 4, 4, CLASSIFY_SYSTEM);
	expect_pair(small, PC_PROTO_TCP, 0, 4, 0, CLASSIFY_LOWER);
	expect_pair(small, PC_PROTO_TCP, 1024, 2000, 1024, CLASSIFY_LOWER);
	expect_pair(small, PC_PROTO_TCP, 2000, 1500, 1500, CLASSIFY_LOWER);
	expect_pair(small, PC_PROTO_TCP, 1023, 1024, 1023, CLASSIFY_SYSTEM);
	/* Both assigned: well-known beats registered beats dynamic range. */
	expect_pair(small, PC_PROTO_TCP, 3306, 80, 80, CLASSIFY_SYSTEM);
	expect_pair(small, PC_PROTO_TCP, 50000, 3306, 3306, CLASSIFY_SYSTEM);
	expect_pair(small, PC_PROTO_TCP, 50000, 80, 80, CLASSIFY_SYSTEM);
	/* Both assigned, same range: lower number. */
	expect_pair(small, PC_PROTO_TCP, 3306, 3000, 3000, CLASSIFY_LOWER);
}

/* Two unassigned dynamic ports: the ephemeral row, whatever the protocol. */
static void
test_both_dynamic_ephemeral(void **state)
{
	(void)state;
	expect_ephemeral(small, PC_PROTO_TCP, 61000, 49152);
	expect_ephemeral(small, PC_PROTO_TCP, 65535, 50001);
	expect_ephemeral(small, PC_PROTO_UDP, 50000, 60000);	/* tcp-only */
	expect_ephemeral(iana, PC_PROTO_UDP, 50000, 60000);
	expect_ephemeral(iana, PC_PROTO_SCTP, 55000, 56000);
}

/* A few well-known outcomes with the real IANA data. */
static void
test_default_registry(void **state)
{
	(void)state;
	expect_pair(iana, PC_PROTO_TCP, 443, 51000, 443, CLASSIFY_STATUS);
	expect_pair(iana, PC_PROTO_UDP, 53, 33001, 53, CLASSIFY_STATUS);
	expect_pair(iana, PC_PROTO_UDPLITE, 53, 33001, 53, CLASSIFY_STATUS);
	/* 0 (reserved, system) vs 4 (unassigned, system): lower. */
	expect_pair(iana, PC_PROTO_TCP, 0, 4, 0, CLASSIFY_LOWER);
	/* 49151 is reserved; 49152 starts the dynamic range. */
	expect_pair(iana, PC_PROTO_TCP, 49151, 49152, 49151, CLASSIFY_STATUS);
}

/* Without a cache, handshakes still classify but nothing is remembered. */
static void
test_no_cache(void **state)
{
	struct pkt_info	pi;

	(void)state;
	mkpkt(&pi, PC_PROTO_TCP, 4, CLIENT_ADDR, 3306, SERVER_ADDR, 61000,
	    TH_SYN, 0);
	expect(small, NULL, &pi, 61000, CLASSIFY_SYN);
	pi.tcp_flags = TH_ACK;
	expect(small, NULL, &pi, 3306, CLASSIFY_STATUS);
}

static void
test_reason_names(void **state)
{
	int	i, j;

	(void)state;
	assert_string_equal(classify_reason_name(CLASSIFY_SYN), "syn");
	assert_string_equal(classify_reason_name(CLASSIFY_EPHEMERAL),
	    "ephemeral");
	for (i = 0; i < CLASSIFY_REASON_COUNT; i++) {
		const char	*a = classify_reason_name(i);

		assert_non_null(a);
		assert_string_not_equal(a, "?");
		for (j = 0; j < i; j++)
			assert_string_not_equal(a, classify_reason_name(j));
	}
	assert_string_equal(classify_reason_name(CLASSIFY_REASON_COUNT), "?");
	assert_string_equal(classify_reason_name(1000), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_registry_statuses),
		cmocka_unit_test(test_syn_and_synack),
		cmocka_unit_test(test_tcp_flags_need_flag_bit),
		cmocka_unit_test(test_trap_small_ipv4),
		cmocka_unit_test(test_trap_small_ipv6),
		cmocka_unit_test(test_trap_default_registry),
		cmocka_unit_test(test_synack_first),
		cmocka_unit_test(test_new_handshake_replaces),
		cmocka_unit_test(test_eviction_falls_back),
		cmocka_unit_test(test_agreeing_handshake_not_stored),
		cmocka_unit_test(test_sctp_init),
		cmocka_unit_test(test_udp_status_only),
		cmocka_unit_test(test_udplite_uses_udp_registry),
		cmocka_unit_test(test_same_port),
		cmocka_unit_test(test_status_assigned_wins),
		cmocka_unit_test(test_status_beats_dynamic),
		cmocka_unit_test(test_tie_range_then_lower),
		cmocka_unit_test(test_both_dynamic_ephemeral),
		cmocka_unit_test(test_default_registry),
		cmocka_unit_test(test_no_cache),
		cmocka_unit_test(test_reason_names),
	};

	return (cmocka_run_group_tests_name("classify", tests, group_setup,
	    group_teardown));
}
