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
#include "portclass/listener.h"
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
    "udponly,20000,udp,Assigned for UDP only,,,,,,,,\n"
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
	classify_packet(reg, fc, NULL, pi, 0, &res);
	assert_int_equal(res.ephemeral, 0);
	assert_int_equal(res.port, port);
	assert_string_equal(classify_reason_name(res.reason),
	    classify_reason_name(why));
}

/* Classify one packet with both memories at time ts, and check. */
static void
expect_mem(struct flow_cache *fc, struct listener_table *lt,
    const struct pkt_info *pi, int64_t ts, int port,
    enum classify_reason why)
{
	struct classify_result	res;

	memset(&res, 0xee, sizeof(res));
	classify_packet(iana, fc, lt, pi, ts, &res);
	if (port < 0) {
		assert_int_equal(res.ephemeral, 1);
	} else {
		assert_int_equal(res.ephemeral, 0);
		assert_int_equal(res.port, port);
	}
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
	classify_packet(reg, NULL, NULL, &pi, 0, &res);
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
	expect(small, fc, &pi, 3306, CLASSIFY_CLIENT);
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
	expect(reg, NULL, &c2s, 3306, CLASSIFY_CLIENT);
	expect(reg, NULL, &s2c, 3306, CLASSIFY_CLIENT);
	fc = flow_new(16);
	expect(reg, fc, &c2s, 3306, CLASSIFY_CLIENT);
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
	expect(reg, fc, &c2s, 3306, CLASSIFY_CLIENT);
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
	expect(small, fc, &pi, 3306, CLASSIFY_CLIENT);
	mkpkt(&pi, PC_PROTO_TCP, 4, CLIENT_ADDR, 3306, SERVER_ADDR, 61000,
	    TH_ACK, 0);
	expect(small, fc, &pi, 3306, CLASSIFY_CLIENT);
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

	expect(small, fc, &pi, 3306, CLASSIFY_CLIENT);
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
		expect(small, fc, &pi, 80, CLASSIFY_CLIENT);
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

		classify_packet(small, fc, NULL, &pi, 0, &res);
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
	expect(small, fc, &c2s, 2905, CLASSIFY_CLIENT);

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
	expect(iana, fc, &pi, 3306, CLASSIFY_CLIENT);

	mkpkt(&pi, PC_PROTO_TCP, 4, CLIENT_ADDR, 3306, SERVER_ADDR, 61000,
	    TH_SYN, 0);
	expect(iana, fc, &pi, 61000, CLASSIFY_SYN);
	mkpkt(&pi, PC_PROTO_UDP, 4, CLIENT_ADDR, 3306, SERVER_ADDR, 61000,
	    NO_FLAGS, 0);
	/* Junk in tcp_flags of a UDP packet is not a handshake. */
	pi.flags = PKT_F_TCPFLAGS;
	pi.tcp_flags = TH_SYN;
	expect(iana, fc, &pi, 3306, CLASSIFY_CLIENT);
	flow_free(fc);
}

/* UDP-Lite reads UDP's registry; TCP does not see UDP's assignment. */
static void
test_udplite_uses_udp_registry(void **state)
{
	(void)state;
	expect_pair(small, PC_PROTO_UDPLITE, 20000, 3000, 20000,
	    CLASSIFY_STATUS);
	expect_pair(small, PC_PROTO_UDP, 20000, 3000, 20000, CLASSIFY_STATUS);
	/* For TCP, 3000 is the assigned one (hbci) and 20000 is not. */
	expect_pair(small, PC_PROTO_TCP, 20000, 3000, 3000, CLASSIFY_STATUS);
	/* Neither assigned for UDP: same range, lower wins. */
	expect_pair(small, PC_PROTO_UDPLITE, 20000 + 1, 3000, 3000,
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
	/* Inside the client ranges too: assigned beats dynamic. */
	expect_pair(small, PC_PROTO_TCP, 50000, 61000, 50000, CLASSIFY_STATUS);
}

/* Reserved and unassigned beat an unassigned dynamic port. */
static void
test_status_beats_dynamic(void **state)
{
	(void)state;
	expect_pair(small, PC_PROTO_TCP, 40000, 60000, 40000, CLASSIFY_STATUS);
	expect_pair(small, PC_PROTO_TCP, 49151, 49152, 49151, CLASSIFY_STATUS);
}

/*
 * A port in the client ranges (32768-65535) loses to one outside them,
 * whatever their status: an assigned port there (50000 in the small
 * registry; 33000 wg-endpt-comms, 40000 safetynetp, 45000 asmp in IANA's)
 * is where Linux and Windows clients sit.
 */
static void
test_client_range(void **state)
{
	(void)state;
	expect_pair(small, PC_PROTO_TCP, 3306, 61000, 3306, CLASSIFY_CLIENT);
	expect_pair(small, PC_PROTO_TCP, 1024, 55000, 1024, CLASSIFY_CLIENT);
	expect_pair(small, PC_PROTO_TCP, 50000, 2000, 2000, CLASSIFY_CLIENT);
	expect_pair(small, PC_PROTO_TCP, 50000, 4, 4, CLASSIFY_CLIENT);
	expect_pair(small, PC_PROTO_TCP, 50000, 3306, 3306, CLASSIFY_CLIENT);
	expect_pair(small, PC_PROTO_TCP, 50000, 80, 80, CLASSIFY_CLIENT);
	expect_pair(small, PC_PROTO_TCP, 32767, 32768, 32767, CLASSIFY_CLIENT);
	/* Game servers on unassigned ports, Linux clients on assigned ones. */
	expect_pair(iana, PC_PROTO_TCP, 33000, 25565, 25565, CLASSIFY_CLIENT);
	expect_pair(iana, PC_PROTO_UDP, 40000, 27015, 27015, CLASSIFY_CLIENT);
	expect_pair(iana, PC_PROTO_TCP, 45000, 25565, 25565, CLASSIFY_CLIENT);
	/* Both inside: status decides, as outside. */
	expect_pair(iana, PC_PROTO_UDP, 40000, 51820, 40000, CLASSIFY_STATUS);
}

/* A port the site named (--map) counts as outside the client ranges. */
static void
test_client_range_local(void **state)
{
	struct registry	*reg;
	char		 errbuf[PC_ERRBUF_SIZE];

	(void)state;
	reg = registry_new();
	assert_int_equal(registry_load_default(reg, errbuf), 0);
	assert_int_equal(registry_add_local(reg, PC_PROTO_UDP, 51820,
	    "wireguard", NULL), 0);
	expect_pair(reg, PC_PROTO_UDP, 51820, 40000, 51820, CLASSIFY_CLIENT);
	expect_pair(reg, PC_PROTO_UDP, 51820, 27015, 51820, CLASSIFY_STATUS);
	expect_pair(reg, PC_PROTO_UDP, 51820, 53, 53, CLASSIFY_RANGE);
	registry_free(reg);
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
	expect_pair(small, PC_PROTO_TCP, 1024, 4, 4, CLASSIFY_RANGE);
	expect_pair(small, PC_PROTO_TCP, 0, 4, 0, CLASSIFY_LOWER);
	expect_pair(small, PC_PROTO_TCP, 1024, 2000, 1024, CLASSIFY_LOWER);
	expect_pair(small, PC_PROTO_TCP, 2000, 1500, 1500, CLASSIFY_LOWER);
	expect_pair(small, PC_PROTO_TCP, 1023, 1024, 1023, CLASSIFY_RANGE);
	/* Both assigned: well-known beats registered. */
	expect_pair(small, PC_PROTO_TCP, 3306, 80, 80, CLASSIFY_RANGE);
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
	expect_pair(iana, PC_PROTO_TCP, 443, 51000, 443, CLASSIFY_CLIENT);
	expect_pair(iana, PC_PROTO_UDP, 53, 33001, 53, CLASSIFY_CLIENT);
	expect_pair(iana, PC_PROTO_UDPLITE, 53, 33001, 53, CLASSIFY_CLIENT);
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
	expect(small, NULL, &pi, 3306, CLASSIFY_CLIENT);
}

#define T0	1767225600

/* The same packet, the other way. */
static void
flip(const struct pkt_info *pi, struct pkt_info *r)
{
	memcpy(r, pi, sizeof(*r));
	memcpy(r->src, pi->dst, sizeof(r->src));
	memcpy(r->dst, pi->src, sizeof(r->dst));
	r->sport = pi->dport;
	r->dport = pi->sport;
}

/*
 * A listener learnt from one connection's handshake names the server of
 * another connection to it whose handshake was never captured: a client
 * behind NAT on 3306 (mysql) caught mid-stream with a server on 61000.
 * Its own handshake no longer needs the flow cache.
 */
static void
test_listener_serves_midstream(void **state)
{
	struct flow_cache	*fc;
	struct listener_table	*lt;
	struct pkt_info		 c2s, s2c;

	(void)state;
	fc = flow_new(16);
	lt = listener_new(16, 0);
	mkpkt(&c2s, PC_PROTO_TCP, 4, CLIENT_ADDR, 3306, SERVER_ADDR, 61000,
	    TH_SYN, 0);
	expect_mem(fc, lt, &c2s, T0, 61000, CLASSIFY_SYN);
	flip(&c2s, &s2c);
	s2c.tcp_flags = TH_SYN | TH_ACK;
	expect_mem(fc, lt, &s2c, T0, 61000, CLASSIFY_SYNACK);
	assert_int_equal(flow_count(fc), 0);
	c2s.tcp_flags = s2c.tcp_flags = TH_ACK;
	expect_mem(fc, lt, &c2s, T0, 61000, CLASSIFY_LISTENER);
	expect_mem(fc, lt, &s2c, T0, 61000, CLASSIFY_LISTENER);
	/* Another client, mid-stream, on 3306 too. */
	mkpkt(&c2s, PC_PROTO_TCP, 6, CLIENT_ADDR + 7, 3306, SERVER_ADDR,
	    61000, TH_ACK, 0);
	expect_mem(fc, lt, &c2s, T0, 3306, CLASSIFY_CLIENT); /* IPv6 host */
	mkpkt(&c2s, PC_PROTO_TCP, 4, CLIENT_ADDR + 7, 3306, SERVER_ADDR,
	    61000, TH_ACK, 0);
	expect_mem(fc, lt, &c2s, T0, 61000, CLASSIFY_LISTENER);
	/* The server's other ports are not listeners. */
	mkpkt(&c2s, PC_PROTO_TCP, 4, CLIENT_ADDR + 7, 3306, SERVER_ADDR,
	    61001, TH_ACK, 0);
	expect_mem(fc, lt, &c2s, T0, 3306, CLASSIFY_CLIENT);
	flow_free(fc);
	listener_free(lt);
}

/*
 * With only the SYN captured (one direction of an asymmetric route) there
 * is no listener: the flow cache keeps the connection as before.
 */
static void
test_syn_only_uses_flow(void **state)
{
	struct flow_cache	*fc;
	struct listener_table	*lt;
	struct pkt_info		 pi;

	(void)state;
	fc = flow_new(16);
	lt = listener_new(16, 0);
	mkpkt(&pi, PC_PROTO_TCP, 4, CLIENT_ADDR, 3306, SERVER_ADDR, 61000,
	    TH_SYN, 0);
	expect_mem(fc, lt, &pi, T0, 61000, CLASSIFY_SYN);
	assert_int_equal(flow_count(fc), 1);
	pi.tcp_flags = TH_ACK;
	expect_mem(fc, lt, &pi, T0, 61000, CLASSIFY_FLOW);
	flow_free(fc);
	listener_free(lt);
}

/*
 * A UDP service on a dynamic port (WireGuard, 51820) with Linux clients
 * on assigned ports, all caught mid-conversation: the rule names the
 * first client's port (a guess, held: see test_guess_*), until a second
 * client on another port is seen; from then on every packet of every
 * client is 51820's, by fan-in.
 */
static void
test_fanin_udp_service(void **state)
{
	struct listener_table	*lt;
	struct pkt_info		 a, b, c, r;

	(void)state;
	lt = listener_new(16, 0);
	mkpkt(&a, PC_PROTO_UDP, 4, CLIENT_ADDR, 40000, SERVER_ADDR, 51820,
	    NO_FLAGS, 0);
	mkpkt(&b, PC_PROTO_UDP, 4, CLIENT_ADDR + 1, 45000, SERVER_ADDR, 51820,
	    NO_FLAGS, 0);
	mkpkt(&c, PC_PROTO_UDP, 6, CLIENT_ADDR + 2, 33000, SERVER_ADDR, 51820,
	    NO_FLAGS, 0);
	flip(&a, &r);
	expect_mem(NULL, lt, &r, T0, 40000, CLASSIFY_STATUS);
	expect_mem(NULL, lt, &a, T0, 40000, CLASSIFY_STATUS);
	/* Its second peer, on another port: 51820 listens. */
	flip(&b, &r);
	expect_mem(NULL, lt, &b, T0, 51820, CLASSIFY_FANIN);
	expect_mem(NULL, lt, &r, T0, 51820, CLASSIFY_FANIN);
	expect_mem(NULL, lt, &a, T0, 51820, CLASSIFY_FANIN);
	/* An IPv6 client of another host's 51820 is not helped. */
	expect_mem(NULL, lt, &c, T0, 33000, CLASSIFY_STATUS);
	listener_free(lt);
}

/*
 * One UDP client that the capture sees start, after the warm-up: the
 * first packet's destination is the service, both ways.  The same
 * conversation begun in the warm-up proves nothing.
 */
static void
test_first_packet(void **state)
{
	struct listener_table	*lt;
	struct pkt_info		 a, r;

	(void)state;
	lt = listener_new(16, 0);
	mkpkt(&a, PC_PROTO_UDP, 4, CLIENT_ADDR, 40000, SERVER_ADDR, 51820,
	    NO_FLAGS, 0);
	flip(&a, &r);
	expect_mem(NULL, lt, &a, T0, 40000, CLASSIFY_STATUS);
	expect_mem(NULL, lt, &r, T0 + 10, 40000, CLASSIFY_STATUS);
	/* Another server, one client, first seen after the warm-up. */
	mkpkt(&a, PC_PROTO_UDP, 4, CLIENT_ADDR, 40001, SERVER_ADDR + 1, 51820,
	    NO_FLAGS, 0);
	flip(&a, &r);
	expect_mem(NULL, lt, &a, T0 + LISTENER_WARMUP, 51820,
	    CLASSIFY_FIRST);
	expect_mem(NULL, lt, &r, T0 + LISTENER_WARMUP, 51820,
	    CLASSIFY_FIRST);
	/* Two dynamic ports: not ephemeral once the first packet is seen. */
	mkpkt(&a, PC_PROTO_UDP, 4, CLIENT_ADDR, 50000, SERVER_ADDR + 2, 60123,
	    NO_FLAGS, 0);
	flip(&a, &r);
	expect_mem(NULL, lt, &a, T0 + 20, 60123, CLASSIFY_FIRST);
	expect_mem(NULL, lt, &r, T0 + 20, 60123, CLASSIFY_FIRST);
	/* It agrees with the rule: the rule's reason stays. */
	mkpkt(&a, PC_PROTO_UDP, 4, CLIENT_ADDR, 40002, SERVER_ADDR, 53,
	    NO_FLAGS, 0);
	expect_mem(NULL, lt, &a, T0 + 20, 53, CLASSIFY_CLIENT);
	listener_free(lt);
}

/*
 * A first packet does not outrank a listener: a known server whose answer
 * to a client is the first packet of that conversation the capture saw
 * (the query was lost) is still the service.  Its clients sit on low
 * unassigned ports (NAT), so the rule is not sure of them and their
 * conversations count towards its fan-in.
 */
static void
test_listener_beats_first(void **state)
{
	struct listener_table	*lt;
	struct pkt_info		 pi, r;
	int			 i;

	(void)state;
	lt = listener_new(16, 0);
	for (i = 0; i < 3; i++) {
		mkpkt(&pi, PC_PROTO_UDP, 4, CLIENT_ADDR + (uint32_t)i,
		    (uint16_t)(1005 + i), SERVER_ADDR, 7777, NO_FLAGS, 0);
		flip(&pi, &r);
		expect_mem(NULL, lt, &pi, T0, 7777, CLASSIFY_STATUS);
		expect_mem(NULL, lt, &r, T0, 7777, CLASSIFY_STATUS);
	}
	/* 1234 is search-agent: the rule would pick it, lower. */
	mkpkt(&pi, PC_PROTO_UDP, 4, SERVER_ADDR, 7777, CLIENT_ADDR + 9,
	    1234, NO_FLAGS, 0);
	expect_mem(NULL, lt, &pi, T0 + 30, 7777, CLASSIFY_FANIN);
	/* Without the listener, that first packet confirms the rule. */
	mkpkt(&pi, PC_PROTO_UDP, 4, SERVER_ADDR + 1, 7777, CLIENT_ADDR + 9,
	    1234, NO_FLAGS, 0);
	expect_mem(NULL, lt, &pi, T0 + 30, 1234, CLASSIFY_LOWER);
	listener_free(lt);
}

/* DCCP Request and Response are its handshake. */
static void
test_dccp_handshake(void **state)
{
	struct flow_cache	*fc;
	struct listener_table	*lt;
	struct pkt_info		 c2s, s2c;

	(void)state;
	fc = flow_new(16);
	lt = listener_new(16, 0);
	mkpkt(&c2s, PC_PROTO_DCCP, 4, CLIENT_ADDR, 5004, SERVER_ADDR, 50000,
	    NO_FLAGS, PKT_F_DCCP_REQUEST);
	expect_mem(fc, lt, &c2s, T0, 50000, CLASSIFY_SYN);
	flip(&c2s, &s2c);
	s2c.flags = PKT_F_DCCP_RESPONSE;
	expect_mem(fc, lt, &s2c, T0, 50000, CLASSIFY_SYNACK);
	c2s.flags = s2c.flags = 0;
	expect_mem(fc, lt, &c2s, T0, 50000, CLASSIFY_LISTENER);
	expect_mem(fc, lt, &s2c, T0, 50000, CLASSIFY_LISTENER);
	flow_free(fc);
	listener_free(lt);
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
		cmocka_unit_test(test_client_range),
		cmocka_unit_test(test_client_range_local),
		cmocka_unit_test(test_tie_range_then_lower),
		cmocka_unit_test(test_both_dynamic_ephemeral),
		cmocka_unit_test(test_default_registry),
		cmocka_unit_test(test_no_cache),
		cmocka_unit_test(test_listener_serves_midstream),
		cmocka_unit_test(test_syn_only_uses_flow),
		cmocka_unit_test(test_fanin_udp_service),
		cmocka_unit_test(test_first_packet),
		cmocka_unit_test(test_listener_beats_first),
		cmocka_unit_test(test_dccp_handshake),
		cmocka_unit_test(test_reason_names),
	};

	return (cmocka_run_group_tests_name("classify", tests, group_setup,
	    group_teardown));
}
