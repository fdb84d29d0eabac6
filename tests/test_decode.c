/*
 * test_decode.c - unit tests for decode_frame().
 *
 * Each fixture is a hand-built frame, commented header by header, with the
 * result it must decode to and "ok_from": the length of the shortest prefix
 * that already decodes to that result.  Every strict prefix of every
 * fixture is copied into a malloc'd buffer of exactly its size and decoded
 * again: shorter than ok_from it must be DECODE_TRUNCATED, from ok_from on
 * it must give the full frame's answer.  Under AddressSanitizer a read one
 * byte past any prefix is caught.  Loops that must hit their caps (VLAN
 * tags, MPLS labels, tunnels) are built by small functions on both sides
 * of the cap; IPv6 extension header chains, which have no cap, are built
 * hundreds long and bounded only by the bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "portclass/decode.h"
#include "portclass/proto.h"

/* Two bytes of a 16-bit value, network order. */
#define B16(x)		(uint8_t)((x) >> 8), (uint8_t)((x) & 0xff)

/* Ethernet II: 02:00:00:00:00:02 <- 02:00:00:00:00:01, EtherType t. */
#define ETH(t)		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, B16(t)
/* Ethernet whose first nibble is 0xa, which MPLS guesses as Ethernet. */
#define ETHA(t)		0xaa, 0, 0, 0, 0, 0x02, 0xaa, 0, 0, 0, 0, 0x01, B16(t)
/* 802.1Q/802.1ad tag body: PCP 0, VID 100, then EtherType t. */
#define TAG(t)		0x00, 0x64, B16(t)
/* MPLS label 16 with TTL 64; _BOS has the bottom-of-stack bit. */
#define MPLS		0x00, 0x01, 0x00, 0x40
#define MPLS_BOS_LBL	0x00, 0x01, 0x01, 0x40
/*
 * IPv4: IHL 5, total length tl, id 0x1234, flags/offset ff, TTL 64,
 * protocol p, 192.0.2.1 -> 198.51.100.2 (checksum not checked).
 */
#define IP4F(tl, p, ff)	0x45, 0, B16(tl), 0x12, 0x34, B16(ff), 64, (p), 0, 0, \
			192, 0, 2, 1, 198, 51, 100, 2
#define IP4(tl, p)	IP4F(tl, p, 0x4000)		/* DF set */
/* Inner IPv4 of a tunnel: 10.0.0.1 -> 10.0.0.2. */
#define IP4I(tl, p)	0x45, 0, B16(tl), 0, 1, 0, 0, 64, (p), 0, 0, \
			10, 0, 0, 1, 10, 0, 0, 2
/* IPv6: payload length pl, next header nh, 2001:db8::1 -> 2001:db8::2. */
#define IP6(pl, nh)	0x60, 0, 0, 0, B16(pl), (nh), 64, \
			0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, \
			0, 0, 0, 0, 0, 0, 0, 1, \
			0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, \
			0, 0, 0, 0, 0, 0, 0, 2
/* UDP sp -> dp, length 8, no checksum. */
#define UDP(sp, dp)	B16(sp), B16(dp), 0, 8, 0, 0
/* TCP sp -> dp, seq 1, data offset 5, flags fl, window 65535. */
#define TCP(sp, dp, fl)	B16(sp), B16(dp), 0, 0, 0, 1, 0, 0, 0, 0, \
			0x50, (fl), 0xff, 0xff, 0, 0, 0, 0

/* Header sizes, for the ok_from arithmetic. */
#define E	ETHER_HDR_LEN
#define V4	IPV4_HDR_MIN
#define V6	IPV6_HDR_LEN
#define P	PORTS_LEN

struct fixture {
	const char		*name;
	int			 dlt;
	const uint8_t		*bytes;
	size_t			 len;
	size_t			 ok_from;	/* shortest prefix: result */
	enum decode_result	 rv;
	enum pkt_kind		 kind;
	uint8_t			 proto;
	uint16_t		 sport, dport;
	uint8_t			 ipver, ip_layers, flags;
};

#define FIX(a, dlt, from, rv, kind, proto, sp, dp, ver, lay, fl)	\
	{ #a, (dlt), (a), sizeof(a), (from), (rv), (kind), (proto),	\
	  (sp), (dp), (ver), (lay), (fl) }
#define PORTS(a, dlt, from, proto, sp, dp, ver, lay, fl)		\
	FIX(a, dlt, from, DECODE_OK, PKT_PORTS, proto, sp, dp, ver, lay, fl)
#define KIND(a, dlt, from, kind, ver, lay)				\
	FIX(a, dlt, from, DECODE_OK, kind, 0, 0, 0, ver, lay, 0)
#define BAD(a, dlt, from, rv)						\
	FIX(a, dlt, from, rv, PKT_NON_IP, 0, 0, 0, 0, 0, 0)

#define EN	PC_DLT_EN10MB
#define TCPP	PC_PROTO_TCP
#define UDPP	PC_PROTO_UDP
#define TF	PKT_F_TCPFLAGS

/* ---- Ethernet, VLAN, LLC/SNAP ----------------------------------------- */

static const uint8_t f_eth_udp[] = {
	ETH(ETHERTYPE_IP),
	IP4(28, PC_IPPROTO_UDP),
	UDP(40000, 53),
};
static const uint8_t f_eth_tcp_syn[] = {
	ETH(ETHERTYPE_IP),
	IP4(40, PC_IPPROTO_TCP),
	TCP(40001, 443, TH_SYN),
};
/* A 60-byte minimum frame: 18 bytes of padding after the datagram. */
static const uint8_t f_eth_padded[] = {
	ETH(ETHERTYPE_IP),
	IP4(28, PC_IPPROTO_UDP),
	UDP(123, 123),
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
/* Total length 22: only 2 UDP bytes belong to the datagram, the rest is
 * padding, so the ports were not captured as far as IP is concerned. */
static const uint8_t f_ports_past_total[] = {
	ETH(ETHERTYPE_IP),
	IP4(22, PC_IPPROTO_UDP),
	UDP(1000, 2000),
};
static const uint8_t f_vlan[] = {
	ETH(ETHERTYPE_VLAN),
	TAG(ETHERTYPE_IP),
	IP4(28, PC_IPPROTO_UDP),
	UDP(5060, 5060),
};
/* 802.1ad S-tag, then C-tag. */
static const uint8_t f_qinq[] = {
	ETH(ETHERTYPE_QINQ),
	TAG(ETHERTYPE_VLAN),
	TAG(ETHERTYPE_IP),
	IP4(40, PC_IPPROTO_TCP),
	TCP(22, 50000, TH_ACK),
};
/* Pre-standard 0x9100 outer tag, 802.1Q inner, IPv6. */
static const uint8_t f_vlan9100_v6[] = {
	ETH(ETHERTYPE_QINQ_OLD),
	TAG(ETHERTYPE_VLAN),
	TAG(ETHERTYPE_IPV6),
	IP6(8, PC_IPPROTO_UDP),
	UDP(546, 547),
};
/* IEEE 802.3 length 36, LLC aa aa 03, SNAP OUI 0 type IPv4 (RFC 1042). */
static const uint8_t f_snap[] = {
	ETH(36),
	LLC_SNAP_SAP, LLC_SNAP_SAP, LLC_UI, 0, 0, 0, B16(ETHERTYPE_IP),
	IP4(28, PC_IPPROTO_UDP),
	UDP(67, 68),
};
/* SNAP with a vendor OUI (Cisco): its protocol id is not an EtherType. */
static const uint8_t f_snap_cisco[] = {
	ETH(36),
	LLC_SNAP_SAP, LLC_SNAP_SAP, LLC_UI, 0, 0, 0x0c, B16(ETHERTYPE_IP),
	IP4(28, PC_IPPROTO_UDP),
	UDP(67, 68),
};
/* IEEE 802.3 with an STP LLC header (42 42 03): not IP. */
static const uint8_t f_llc_stp[] = {
	ETH(7),
	0x42, 0x42, 0x03, 0, 0, 0, 0,
};
static const uint8_t f_arp[] = {
	ETH(ETHERTYPE_ARP),
	0, 1, 8, 0, 6, 4, 0, 1,			/* Ethernet/IPv4, request */
	2, 0, 0, 0, 0, 1, 192, 0, 2, 1,
	0, 0, 0, 0, 0, 0, 192, 0, 2, 2,
};

/* ---- MPLS and PPPoE ----------------------------------------------------- */

static const uint8_t f_mpls_v4[] = {
	ETH(ETHERTYPE_MPLS),
	MPLS, MPLS_BOS_LBL,			/* two labels */
	IP4(28, PC_IPPROTO_UDP),		/* first nibble 4 */
	UDP(33434, 33435),
};
static const uint8_t f_mpls_v6[] = {
	ETH(ETHERTYPE_MPLS),
	MPLS_BOS_LBL,
	IP6(20, PC_IPPROTO_TCP),		/* first nibble 6 */
	TCP(179, 40000, TH_ACK),
};
/* Pseudowire: control word (first nibble 0), then an Ethernet frame. */
static const uint8_t f_mpls_pw_cw[] = {
	ETH(ETHERTYPE_MPLS),
	MPLS_BOS_LBL,
	0, 0, 0, 0,				/* RFC 4385 control word */
	ETH(ETHERTYPE_IP),
	IP4(28, PC_IPPROTO_UDP),
	UDP(4000, 4001),
};
/* Pseudowire without control word: inner MAC starts with nibble 0xa. */
static const uint8_t f_mpls_pw_nocw[] = {
	ETH(ETHERTYPE_MPLS),
	MPLS_BOS_LBL,
	ETHA(ETHERTYPE_VLAN),
	TAG(ETHERTYPE_IP),
	IP4(28, PC_IPPROTO_UDP),
	UDP(4002, 4003),
};
static const uint8_t f_pppoe_v4[] = {
	ETH(ETHERTYPE_PPPOE_SESS),
	PPPOE_VER_TYPE, 0, 0, 1, B16(42),	/* session 1, PPP length 42 */
	B16(PPP_IP),
	IP4(40, PC_IPPROTO_TCP),
	TCP(50001, 80, TH_SYN | TH_ACK),
};
static const uint8_t f_pppoe_v6[] = {
	ETH(ETHERTYPE_PPPOE_SESS),
	PPPOE_VER_TYPE, 0, 0, 1, B16(50),
	B16(PPP_IPV6),
	IP6(8, PC_IPPROTO_UDP),
	UDP(5353, 5353),
};
static const uint8_t f_pppoe_disc[] = {
	ETH(ETHERTYPE_PPPOE_DISC),
	PPPOE_VER_TYPE, 0x09, 0, 0, 0, 0,	/* PADI */
};
static const uint8_t f_pppoe_bad[] = {
	ETH(ETHERTYPE_PPPOE_SESS),
	0x12, 0, 0, 1, B16(30),			/* version 1, type 2: bad */
	B16(PPP_IP),
	IP4(28, PC_IPPROTO_UDP),
	UDP(1, 2),
};

/* ---- Linux cooked, raw IP, loopback ------------------------------------ */

static const uint8_t f_sll_v4[] = {
	0, 0, 0, 1, 0, 6,			/* to us, ARPHRD_ETHER, 6 */
	2, 0, 0, 0, 0, 1, 0, 0,			/* address, padded to 8 */
	B16(ETHERTYPE_IP),
	IP4(28, PC_IPPROTO_UDP),
	UDP(53, 33000),
};
static const uint8_t f_sll_netlink[] = {
	0, 4, B16(ARPHRD_NETLINK), 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0,
	B16(ETHERTYPE_IP),			/* ignored for netlink */
	IP4(28, PC_IPPROTO_UDP),
	UDP(53, 33000),
};
static const uint8_t f_sll2_v6[] = {
	B16(ETHERTYPE_IPV6), 0, 0,		/* protocol, reserved */
	0, 0, 0, 2,				/* interface index */
	0, 1, 0, 6,				/* ARPHRD_ETHER, host, alen */
	2, 0, 0, 0, 0, 1, 0, 0,
	IP6(20, PC_IPPROTO_TCP),
	TCP(443, 51000, TH_FIN | TH_ACK),
};
static const uint8_t f_raw_v4[] = {
	IP4(28, PC_IPPROTO_UDP),
	UDP(161, 40000),
};
static const uint8_t f_raw_v6[] = {
	IP6(20, PC_IPPROTO_TCP),
	TCP(40000, 25, TH_SYN),
};
static const uint8_t f_raw_badver[] = {
	0x55, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
	UDP(1, 2),
};
static const uint8_t f_null_le_v4[] = {
	BSD_AF_INET, 0, 0, 0,			/* little-endian host */
	IP4(28, PC_IPPROTO_UDP),
	UDP(4222, 4222),
};
static const uint8_t f_null_be_v4[] = {
	0, 0, 0, BSD_AF_INET,			/* big-endian host */
	IP4(40, PC_IPPROTO_TCP),
	TCP(4222, 60000, TH_ACK),
};
static const uint8_t f_null_le_v6[] = {
	BSD_AF_INET6_DARWIN, 0, 0, 0,
	IP6(8, PC_IPPROTO_UDP),
	UDP(5353, 5353),
};
static const uint8_t f_null_unknown[] = {
	7, 0, 0, 0,				/* an AF that is not IP */
	IP4(28, PC_IPPROTO_UDP),
	UDP(1, 2),
};
static const uint8_t f_loop_v6[] = {
	0, 0, 0, BSD_AF_INET6_BSD,		/* always network order */
	IP6(8, PC_IPPROTO_UDP),
	UDP(514, 514),
};

/* ---- PPP and NFLOG ------------------------------------------------------ */

static const uint8_t f_ppp_v4[] = {
	PPP_ADDRESS, PPP_CONTROL, B16(PPP_IP),
	IP4(28, PC_IPPROTO_UDP),
	UDP(1701, 1701),
};
/* No address/control (ACFC) and a one-byte protocol (PFC). */
static const uint8_t f_ppp_pfc[] = {
	PPP_IP,
	IP4(28, PC_IPPROTO_UDP),
	UDP(1812, 1813),
};
static const uint8_t f_ppp_mpls[] = {
	PPP_ADDRESS, PPP_CONTROL, B16(PPP_MPLS_UCAST),
	MPLS_BOS_LBL,
	IP4(28, PC_IPPROTO_UDP),
	UDP(33434, 33440),
};
static const uint8_t f_ppp_lcp[] = {
	PPP_ADDRESS, PPP_CONTROL, 0xc0, 0x21,	/* LCP */
	1, 1, 0, 4,
};
static const uint8_t f_ppp_serial_v6[] = {
	PPP_ADDRESS, PPP_CONTROL, B16(PPP_IPV6),
	IP6(8, PC_IPPROTO_UDP),
	UDP(521, 521),
};
static const uint8_t f_chdlc_v4[] = {
	CHDLC_UNICAST, 0, B16(ETHERTYPE_IP),	/* Cisco HDLC */
	IP4(40, PC_IPPROTO_TCP),
	TCP(646, 30000, TH_ACK),
};
static const uint8_t f_ppp_ether[] = {
	PPPOE_VER_TYPE, 0, 0, 7, B16(30),
	B16(PPP_IP),
	IP4(28, PC_IPPROTO_UDP),
	UDP(1194, 1194),
};
/* NFLOG, little-endian TLVs: packet header, a 2-byte prefix padded to 4,
 * then the payload. */
static const uint8_t f_nflog_le[] = {
	NFPROTO_IPV4, 0, 0, 5,			/* family, version, group */
	8, 0, 1, 0, B16(ETHERTYPE_IP), 1, 0,	/* NFULA_PACKET_HDR */
	6, 0, 10, 0, 'a', 'b', 0, 0,		/* NFULA_PREFIX + pad */
	32, 0, NFULA_PAYLOAD, 0,
	IP4(28, PC_IPPROTO_UDP),
	UDP(68, 67),
};
/* NFLOG from a big-endian host, IPv6. */
static const uint8_t f_nflog_be_v6[] = {
	NFPROTO_IPV6, 0, 0, 5,
	0, 8, 0, 1, B16(ETHERTYPE_IPV6), 1, 0,
	0, 52, 0, NFULA_PAYLOAD,
	IP6(8, PC_IPPROTO_UDP),
	UDP(547, 546),
};

/* ---- IPv4 and IPv6 details --------------------------------------------- */

/* IHL 6: a router alert option (RFC 2113). */
static const uint8_t f_ipv4_opts[] = {
	ETH(ETHERTYPE_IP),
	0x46, 0, B16(32), 0, 1, 0, 0, 1, PC_IPPROTO_UDP, 0, 0,
	192, 0, 2, 1, 224, 0, 0, 22,
	0x94, 0x04, 0, 0,			/* router alert */
	UDP(1900, 1900),
};
static const uint8_t f_ipv4_frag_first[] = {
	ETH(ETHERTYPE_IP),
	IP4F(36, PC_IPPROTO_UDP, IPV4_MF),	/* MF, offset 0 */
	UDP(53, 41000), 'd', 'a', 't', 'a', 'd', 'a', 't', 'a',
};
static const uint8_t f_ipv4_frag_later[] = {
	ETH(ETHERTYPE_IP),
	IP4F(28, PC_IPPROTO_UDP, 185),		/* offset 185 * 8 */
	UDP(53, 41000),				/* looks like ports; is data */
};
static const uint8_t f_ihl4[] = {
	ETH(ETHERTYPE_IP),
	0x44, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
	UDP(1, 2),
};
static const uint8_t f_total_lt_ihl[] = {
	ETH(ETHERTYPE_IP),
	IP4(19, PC_IPPROTO_UDP),
	UDP(1, 2),
};
static const uint8_t f_eth_v4_badver[] = {
	ETH(ETHERTYPE_IP),
	0x65, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
	UDP(1, 2),
};
static const uint8_t f_eth_v6_badver[] = {
	ETH(ETHERTYPE_IPV6),
	IP4(60, PC_IPPROTO_UDP),		/* IPv4 under an IPv6 type */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	UDP(1, 2),
};
/*
 * Hop-by-hop -> destination options -> routing -> fragment (atomic) ->
 * AH -> destination options -> TCP.
 */
static const uint8_t f_ipv6_chain[] = {
	ETH(ETHERTYPE_IPV6),
	IP6(84, PC_IPPROTO_HOPOPTS),
	PC_IPPROTO_DSTOPTS, 0, 1, 4, 0, 0, 0, 0,	/* HBH, PadN */
	PC_IPPROTO_ROUTING, 0, 1, 4, 0, 0, 0, 0,	/* dest opts */
	PC_IPPROTO_FRAGMENT, 0, 4, 0, 0, 0, 0, 0,	/* routing, SL 0 */
	PC_IPPROTO_AH, 0, 0, 0, 0, 0, 0, 9,		/* fragment 0/M=0 */
	PC_IPPROTO_DSTOPTS, 4, 0, 0,			/* AH: (4+2)*4 */
	0, 0, 1, 0, 0, 0, 0, 1,				/* SPI, seq */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,		/* ICV */
	PC_IPPROTO_TCP, 0, 1, 4, 0, 0, 0, 0,		/* dest opts */
	TCP(80, 1234, TH_SYN),
};
static const uint8_t f_ipv6_frag_first[] = {
	ETH(ETHERTYPE_IPV6),
	IP6(24, PC_IPPROTO_FRAGMENT),
	PC_IPPROTO_UDP, 0, 0x00, 0x01, 0, 0, 0, 7,	/* offset 0, M=1 */
	UDP(53, 42000), 'd', 'a', 't', 'a', 'd', 'a', 't', 'a',
};
static const uint8_t f_ipv6_frag_later[] = {
	ETH(ETHERTYPE_IPV6),
	IP6(16, PC_IPPROTO_FRAGMENT),
	PC_IPPROTO_UDP, 0, 0x05, 0xc8, 0, 0, 0, 7,	/* offset 185 */
	UDP(53, 42000),
};
/* Mobility header (RFC 6275): its payload protocol is No Next Header. */
static const uint8_t f_ipv6_mh[] = {
	ETH(ETHERTYPE_IPV6),
	IP6(8, PC_IPPROTO_MH),
	PC_IPPROTO_NONE, 0, 0, 0, 0, 0, 0, 0,		/* BRR */
};
static const uint8_t f_ipv6_hip[] = {
	ETH(ETHERTYPE_IPV6),
	IP6(8, PC_IPPROTO_HIP),
	PC_IPPROTO_NONE, 0, 0x01, 0x11, 0, 0, 0, 0,
};
static const uint8_t f_ipv6_shim6[] = {
	ETH(ETHERTYPE_IPV6),
	IP6(16, PC_IPPROTO_SHIM6),
	PC_IPPROTO_UDP, 0, 0x80, 0, 0, 0, 0, 1,		/* payload ext. */
	UDP(7000, 7001),
};
/* Payload length 0 and a jumbo payload option (RFC 2675): no clamp. */
static const uint8_t f_ipv6_jumbo[] = {
	ETH(ETHERTYPE_IPV6),
	IP6(0, PC_IPPROTO_HOPOPTS),
	PC_IPPROTO_UDP, 0, 0xc2, 4, 0, 0, 0, 16,
	UDP(9000, 9001),
};
static const uint8_t f_ipv6_esp[] = {
	ETH(ETHERTYPE_IPV6),
	IP6(16, PC_IPPROTO_ESP),
	0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
};
static const uint8_t f_ipv6_nonext[] = {
	ETH(ETHERTYPE_IPV6),
	IP6(0, PC_IPPROTO_NONE),
};

/* ---- Tunnels ------------------------------------------------------------ */

static const uint8_t f_ipip[] = {
	ETH(ETHERTYPE_IP),
	IP4(48, PC_IPPROTO_IPIP),
	IP4I(28, PC_IPPROTO_UDP),
	UDP(2152, 2152),
};
static const uint8_t f_6in4[] = {
	ETH(ETHERTYPE_IP),
	IP4(80, PC_IPPROTO_IPV6),
	IP6(20, PC_IPPROTO_TCP),
	TCP(50100, 443, TH_SYN),
};
static const uint8_t f_4in6[] = {
	ETH(ETHERTYPE_IPV6),
	IP6(28, PC_IPPROTO_IPIP),
	IP4I(28, PC_IPPROTO_UDP),
	UDP(4500, 4500),
};
static const uint8_t f_gre_v4[] = {
	ETH(ETHERTYPE_IP),
	IP4(52, PC_IPPROTO_GRE),
	0, 0, B16(ETHERTYPE_IP),			/* GRE, no options */
	IP4I(28, PC_IPPROTO_UDP),
	UDP(53, 1053),
};
static const uint8_t f_gre_keyseq[] = {
	ETH(ETHERTYPE_IP),
	IP4(72, PC_IPPROTO_GRE),
	0x30, 0, B16(ETHERTYPE_IP),			/* K and S */
	0, 0, 0, 42,					/* key */
	0, 0, 0, 1,					/* sequence */
	IP4I(40, PC_IPPROTO_TCP),
	TCP(8080, 40000, TH_ACK),
};
static const uint8_t f_gre_csum_v6[] = {
	ETH(ETHERTYPE_IP),
	IP4(76, PC_IPPROTO_GRE),
	0x80, 0, B16(ETHERTYPE_IPV6),			/* C */
	0, 0, 0, 0,					/* checksum, rsvd */
	IP6(8, PC_IPPROTO_UDP),
	UDP(3784, 3784),
};
static const uint8_t f_gre_teb[] = {
	ETH(ETHERTYPE_IP),
	IP4(70, PC_IPPROTO_GRE),
	0x20, 0, B16(ETHERTYPE_TEB),			/* K, NVGRE-like */
	0, 0, 0x10, 0,
	ETH(ETHERTYPE_IP),
	IP4I(28, PC_IPPROTO_UDP),
	UDP(161, 162),
};
static const uint8_t f_gre_mpls[] = {
	ETH(ETHERTYPE_IP),
	IP4(56, PC_IPPROTO_GRE),
	0, 0, B16(ETHERTYPE_MPLS),
	MPLS_BOS_LBL,
	IP4I(28, PC_IPPROTO_UDP),
	UDP(3503, 3503),
};
static const uint8_t f_gre_arp[] = {
	ETH(ETHERTYPE_IP),
	IP4(32, PC_IPPROTO_GRE),
	0, 0, B16(ETHERTYPE_ARP),
	0, 1, 8, 0, 6, 4, 0, 1,
};
/* ERSPAN type II: GRE with S, 8-byte ERSPAN header, mirrored frame. */
static const uint8_t f_erspan2[] = {
	ETH(ETHERTYPE_IP),
	IP4(78, PC_IPPROTO_GRE),
	0x10, 0, B16(ETHERTYPE_ERSPAN2),
	0, 0, 0, 9,					/* sequence */
	0x10, 0x64, 0, 1, 0, 0, 0, 0,			/* ver 1, VLAN 100 */
	ETH(ETHERTYPE_IP),
	IP4I(28, PC_IPPROTO_UDP),
	UDP(514, 514),
};
/* ERSPAN type I: no GRE sequence, no ERSPAN header. */
static const uint8_t f_erspan1[] = {
	ETH(ETHERTYPE_IP),
	IP4(66, PC_IPPROTO_GRE),
	0, 0, B16(ETHERTYPE_ERSPAN2),
	ETH(ETHERTYPE_IP),
	IP4I(28, PC_IPPROTO_UDP),
	UDP(69, 1069),
};
/* ERSPAN type III with the O bit: 12-byte header + 8-byte subheader. */
static const uint8_t f_erspan3_o[] = {
	ETH(ETHERTYPE_IP),
	IP4(102, PC_IPPROTO_GRE),
	0x10, 0, B16(ETHERTYPE_ERSPAN3),
	0, 0, 0, 3,
	0x20, 0x64, 0, 1,				/* ver 2, VLAN, ID */
	0, 0, 0, 0,					/* timestamp */
	0, 0, 0, ERSPAN3_O_BIT,				/* SGT, ..., O */
	0, 0, 0, 0, 0, 0, 0, 0,				/* platform info */
	ETH(ETHERTYPE_IP),
	IP4I(40, PC_IPPROTO_TCP),
	TCP(3306, 50500, TH_ACK),
};
static const uint8_t f_erspan3[] = {
	ETH(ETHERTYPE_IP),
	IP4(82, PC_IPPROTO_GRE),
	0x10, 0, B16(ETHERTYPE_ERSPAN3),
	0, 0, 0, 3,
	0x20, 0x64, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,	/* O clear */
	ETH(ETHERTYPE_IP),
	IP4I(28, PC_IPPROTO_UDP),
	UDP(4789, 4789),
};
/* PPTP enhanced GRE (version 1): key, sequence, ack, then PPP. */
static const uint8_t f_pptp[] = {
	ETH(ETHERTYPE_IP),
	IP4(68, PC_IPPROTO_GRE),
	0x30, 0x80 | GRE_VERSION_PPTP, B16(ETHERTYPE_PPP),
	B16(32), 0, 5,					/* length, call */
	0, 0, 0, 1,					/* sequence */
	0, 0, 0, 0,					/* ack */
	PPP_ADDRESS, PPP_CONTROL, B16(PPP_IP),
	IP4I(28, PC_IPPROTO_UDP),
	UDP(137, 137),
};
static const uint8_t f_gre_icmp[] = {
	ETH(ETHERTYPE_IP),
	IP4(52, PC_IPPROTO_GRE),
	0, 0, B16(ETHERTYPE_IP),
	IP4I(28, PC_IPPROTO_ICMP),
	8, 0, 0, 0, 0, 1, 0, 1,				/* echo request */
};

/* ---- Transports ------------------------------------------------------ */

static const uint8_t f_sctp_init[] = {
	ETH(ETHERTYPE_IP),
	IP4(52, PC_IPPROTO_SCTP),
	B16(5000), B16(38412), 0, 0, 0, 0, 0, 0, 0, 0,	/* vtag, csum */
	SCTP_CHUNK_INIT, 0, B16(20),
	0, 0, 0, 1, 0, 1, 0, 0, 0, 4, 0, 4, 0, 0, 0, 1,
};
static const uint8_t f_sctp_initack[] = {
	ETH(ETHERTYPE_IP),
	IP4(52, PC_IPPROTO_SCTP),
	B16(38412), B16(5000), 0, 0, 0, 1, 0, 0, 0, 0,
	SCTP_CHUNK_INIT_ACK, 0, B16(20),
	0, 0, 0, 2, 0, 1, 0, 0, 0, 4, 0, 4, 0, 0, 0, 1,
};
static const uint8_t f_sctp_data[] = {
	ETH(ETHERTYPE_IP),
	IP4(48, PC_IPPROTO_SCTP),
	B16(2905), B16(2905), 0, 0, 0, 1, 0, 0, 0, 0,
	0, 3, B16(16), 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3,	/* DATA */
};
static const uint8_t f_dccp[] = {
	ETH(ETHERTYPE_IP),
	IP4(36, PC_IPPROTO_DCCP),
	B16(5004), B16(5005), 4, 0, 0, 0,
	0x01, 0, 0, 0, 0, 0, 0, 1,			/* request */
};
static const uint8_t f_udplite[] = {
	ETH(ETHERTYPE_IPV6),
	IP6(8, PC_IPPROTO_UDPLITE),
	B16(5004), B16(5006), 0, 8, 0, 0,		/* coverage 8 */
};
/* ICMP port unreachable quoting IP+UDP: the quoted ports never count. */
static const uint8_t f_icmp_err[] = {
	ETH(ETHERTYPE_IP),
	IP4(56, PC_IPPROTO_ICMP),
	3, 3, 0, 0, 0, 0, 0, 0,
	IP4(28, PC_IPPROTO_UDP),
	UDP(40000, 53),
};
static const uint8_t f_icmp6[] = {
	ETH(ETHERTYPE_IPV6),
	IP6(8, PC_IPPROTO_ICMPV6),
	128, 0, 0, 0, 0, 1, 0, 1,			/* echo request */
};

#define SC	PC_PROTO_SCTP

static const struct fixture fixtures[] = {
	/* Ethernet, VLAN, LLC */
	PORTS(f_eth_udp, EN, E + V4 + P, UDPP, 40000, 53, 4, 1, 0),
	PORTS(f_eth_tcp_syn, EN, E + V4 + P, TCPP, 40001, 443, 4, 1, TF),
	PORTS(f_eth_padded, EN, E + V4 + P, UDPP, 123, 123, 4, 1, 0),
	BAD(f_ports_past_total, EN, sizeof(f_ports_past_total),
	    DECODE_TRUNCATED),
	PORTS(f_vlan, EN, E + 4 + V4 + P, UDPP, 5060, 5060, 4, 1, 0),
	PORTS(f_qinq, EN, E + 8 + V4 + P, TCPP, 22, 50000, 4, 1, TF),
	PORTS(f_vlan9100_v6, EN, E + 8 + V6 + P, UDPP, 546, 547, 6, 1, 0),
	PORTS(f_snap, EN, E + 8 + V4 + P, UDPP, 67, 68, 4, 1, 0),
	KIND(f_snap_cisco, EN, E + 8, PKT_NON_IP, 0, 0),
	KIND(f_llc_stp, EN, E + 3, PKT_NON_IP, 0, 0),
	KIND(f_arp, EN, E, PKT_NON_IP, 0, 0),
	/* MPLS, PPPoE */
	PORTS(f_mpls_v4, EN, E + 8 + V4 + P, UDPP, 33434, 33435, 4, 1, 0),
	PORTS(f_mpls_v6, EN, E + 4 + V6 + P, TCPP, 179, 40000, 6, 1, TF),
	PORTS(f_mpls_pw_cw, EN, E + 8 + E + V4 + P, UDPP, 4000, 4001, 4, 1,
	    0),
	PORTS(f_mpls_pw_nocw, EN, E + 4 + E + 4 + V4 + P, UDPP, 4002, 4003,
	    4, 1, 0),
	PORTS(f_pppoe_v4, EN, E + 8 + V4 + P, TCPP, 50001, 80, 4, 1, TF),
	PORTS(f_pppoe_v6, EN, E + 8 + V6 + P, UDPP, 5353, 5353, 6, 1, 0),
	KIND(f_pppoe_disc, EN, E, PKT_NON_IP, 0, 0),
	BAD(f_pppoe_bad, EN, E + 6, DECODE_MALFORMED),
	/* cooked, raw, loopback */
	PORTS(f_sll_v4, PC_DLT_LINUX_SLL, 16 + V4 + P, UDPP, 53, 33000, 4, 1,
	    0),
	KIND(f_sll_netlink, PC_DLT_LINUX_SLL, 16, PKT_NON_IP, 0, 0),
	PORTS(f_sll2_v6, PC_DLT_LINUX_SLL2, 20 + V6 + P, TCPP, 443, 51000, 6,
	    1, TF),
	PORTS(f_raw_v4, PC_DLT_RAW, V4 + P, UDPP, 161, 40000, 4, 1, 0),
	PORTS(f_raw_v4, PC_DLT_RAW_BSDOS, V4 + P, UDPP, 161, 40000, 4, 1, 0),
	PORTS(f_raw_v4, PC_DLT_IPV4, V4 + P, UDPP, 161, 40000, 4, 1, 0),
	PORTS(f_raw_v6, PC_DLT_LINKTYPE_RAW, V6 + P, TCPP, 40000, 25, 6, 1,
	    TF),
	PORTS(f_raw_v6, PC_DLT_IPV6, V6 + P, TCPP, 40000, 25, 6, 1, TF),
	BAD(f_raw_badver, PC_DLT_RAW, 1, DECODE_MALFORMED),
	BAD(f_raw_v6, PC_DLT_IPV4, V4, DECODE_MALFORMED),
	BAD(f_raw_v4, PC_DLT_IPV6, sizeof(f_raw_v4), DECODE_TRUNCATED),
	PORTS(f_null_le_v4, PC_DLT_NULL, 4 + V4 + P, UDPP, 4222, 4222, 4, 1,
	    0),
	PORTS(f_null_be_v4, PC_DLT_NULL, 4 + V4 + P, TCPP, 4222, 60000, 4, 1,
	    TF),
	PORTS(f_null_le_v6, PC_DLT_NULL, 4 + V6 + P, UDPP, 5353, 5353, 6, 1,
	    0),
	KIND(f_null_unknown, PC_DLT_NULL, 4, PKT_NON_IP, 0, 0),
	PORTS(f_loop_v6, PC_DLT_LOOP, 4 + V6 + P, UDPP, 514, 514, 6, 1, 0),
	/* little-endian AF in a network-order header: not an AF at all */
	KIND(f_null_le_v4, PC_DLT_LOOP, 4, PKT_NON_IP, 0, 0),
	/* PPP, NFLOG */
	PORTS(f_ppp_v4, PC_DLT_PPP, 4 + V4 + P, UDPP, 1701, 1701, 4, 1, 0),
	PORTS(f_ppp_pfc, PC_DLT_PPP, 1 + V4 + P, UDPP, 1812, 1813, 4, 1, 0),
	PORTS(f_ppp_mpls, PC_DLT_PPP, 8 + V4 + P, UDPP, 33434, 33440, 4, 1,
	    0),
	KIND(f_ppp_lcp, PC_DLT_PPP, 4, PKT_NON_IP, 0, 0),
	PORTS(f_ppp_serial_v6, PC_DLT_PPP_SERIAL, 4 + V6 + P, UDPP, 521, 521,
	    6, 1, 0),
	PORTS(f_chdlc_v4, PC_DLT_PPP_SERIAL, 4 + V4 + P, TCPP, 646, 30000, 4,
	    1, TF),
	PORTS(f_ppp_ether, PC_DLT_PPP_ETHER, 8 + V4 + P, UDPP, 1194, 1194, 4,
	    1, 0),
	PORTS(f_nflog_le, PC_DLT_NFLOG, 4 + 8 + 8 + 4 + V4 + P, UDPP, 68, 67,
	    4, 1, 0),
	PORTS(f_nflog_be_v6, PC_DLT_NFLOG, 4 + 8 + 4 + V6 + P, UDPP, 547, 546,
	    6, 1, 0),
	/* IPv4 and IPv6 */
	PORTS(f_ipv4_opts, EN, E + V4 + 4 + P, UDPP, 1900, 1900, 4, 1, 0),
	PORTS(f_ipv4_frag_first, EN, E + V4 + P, UDPP, 53, 41000, 4, 1, 0),
	KIND(f_ipv4_frag_later, EN, E + V4, PKT_FRAGMENT, 4, 1),
	BAD(f_ihl4, EN, E + V4, DECODE_MALFORMED),
	BAD(f_total_lt_ihl, EN, E + V4, DECODE_MALFORMED),
	BAD(f_eth_v4_badver, EN, E + V4, DECODE_MALFORMED),
	BAD(f_eth_v6_badver, EN, E + V6, DECODE_MALFORMED),
	PORTS(f_ipv6_chain, EN, E + V6 + 64 + P, TCPP, 80, 1234, 6, 1, TF),
	PORTS(f_ipv6_frag_first, EN, E + V6 + 8 + P, UDPP, 53, 42000, 6, 1,
	    0),
	KIND(f_ipv6_frag_later, EN, E + V6 + 8, PKT_FRAGMENT, 6, 1),
	KIND(f_ipv6_mh, EN, E + V6 + 8, PKT_OTHER_IP, 6, 1),
	KIND(f_ipv6_hip, EN, E + V6 + 8, PKT_OTHER_IP, 6, 1),
	PORTS(f_ipv6_shim6, EN, E + V6 + 8 + P, UDPP, 7000, 7001, 6, 1, 0),
	PORTS(f_ipv6_jumbo, EN, E + V6 + 8 + P, UDPP, 9000, 9001, 6, 1, 0),
	KIND(f_ipv6_esp, EN, E + V6, PKT_OTHER_IP, 6, 1),
	KIND(f_ipv6_nonext, EN, E + V6, PKT_OTHER_IP, 6, 1),
	/* tunnels */
	PORTS(f_ipip, EN, E + 2 * V4 + P, UDPP, 2152, 2152, 4, 2, 0),
	PORTS(f_6in4, EN, E + V4 + V6 + P, TCPP, 50100, 443, 6, 2, TF),
	PORTS(f_4in6, EN, E + V6 + V4 + P, UDPP, 4500, 4500, 4, 2, 0),
	PORTS(f_gre_v4, EN, E + V4 + 4 + V4 + P, UDPP, 53, 1053, 4, 2, 0),
	PORTS(f_gre_keyseq, EN, E + V4 + 12 + V4 + P, TCPP, 8080, 40000, 4, 2,
	    TF),
	PORTS(f_gre_csum_v6, EN, E + V4 + 8 + V6 + P, UDPP, 3784, 3784, 6, 2,
	    0),
	PORTS(f_gre_teb, EN, E + V4 + 8 + E + V4 + P, UDPP, 161, 162, 4, 2, 0),
	PORTS(f_gre_mpls, EN, E + V4 + 8 + V4 + P, UDPP, 3503, 3503, 4, 2, 0),
	KIND(f_gre_arp, EN, E + V4 + 4, PKT_OTHER_IP, 4, 1),
	PORTS(f_erspan2, EN, E + V4 + 16 + E + V4 + P, UDPP, 514, 514, 4, 2,
	    0),
	PORTS(f_erspan1, EN, E + V4 + 4 + E + V4 + P, UDPP, 69, 1069, 4, 2, 0),
	PORTS(f_erspan3_o, EN, E + V4 + 28 + E + V4 + P, TCPP, 3306, 50500, 4,
	    2, TF),
	PORTS(f_erspan3, EN, E + V4 + 20 + E + V4 + P, UDPP, 4789, 4789, 4, 2,
	    0),
	PORTS(f_pptp, EN, E + V4 + 20 + V4 + P, UDPP, 137, 137, 4, 2, 0),
	KIND(f_gre_icmp, EN, E + V4 + 4 + V4, PKT_ICMP, 4, 2),
	/* transports */
	PORTS(f_sctp_init, EN, E + V4 + 12, SC, 5000, 38412, 4, 1,
	    PKT_F_SCTP_INIT),
	PORTS(f_sctp_initack, EN, E + V4 + 12, SC, 38412, 5000, 4, 1,
	    PKT_F_SCTP_INIT_ACK),
	PORTS(f_sctp_data, EN, E + V4 + 12, SC, 2905, 2905, 4, 1, 0),
	PORTS(f_dccp, EN, E + V4 + P, PC_PROTO_DCCP, 5004, 5005, 4, 1,
	    PKT_F_DCCP_REQUEST),
	PORTS(f_udplite, EN, E + V6 + P, PC_PROTO_UDPLITE, 5004, 5006, 6, 1,
	    0),
	KIND(f_icmp_err, EN, E + V4, PKT_ICMP, 4, 1),
	KIND(f_icmp6, EN, E + V6, PKT_ICMPV6, 6, 1),
};

/*
 * Decode into a pi pre-filled with garbage, so initialisation is tested;
 * and check that decode_frame()'s one-step path for plain Ethernet/IP/
 * TCP-UDP gives, byte for byte, what the layered decoders give.
 */
static enum decode_result
decode_dirty(int dlt, const uint8_t *b, size_t len, struct pkt_info *pi)
{
	struct pkt_info		gi;
	enum decode_result	rv, grv;

	memset(pi, 0xa5, sizeof(*pi));
	memset(&gi, 0x5a, sizeof(gi));
	rv = decode_frame(dlt, b, len, pi);
	grv = decode_frame_general(dlt, b, len, &gi);
	assert_int_equal(rv, grv);
	assert_memory_equal(pi, &gi, sizeof(gi));
	return (rv);
}

/* A failed decode must not leave anything that looks like ports. */
static void
assert_clean_failure(const struct pkt_info *pi)
{
	assert_int_equal(pi->kind, PKT_NON_IP);
	assert_int_equal(pi->proto, 0);
	assert_int_equal(pi->sport, 0);
	assert_int_equal(pi->dport, 0);
	assert_int_equal(pi->flags, 0);
	assert_int_equal(pi->tcp_flags, 0);
}

static void
check_result(const struct fixture *f, enum decode_result rv,
    const struct pkt_info *pi, int full)
{
	if (rv != f->rv)
		fail_msg("%s (dlt %d): result %d, expected %d", f->name,
		    f->dlt, rv, f->rv);
	if (rv != DECODE_OK) {
		assert_clean_failure(pi);
		return;
	}
	assert_int_equal(pi->kind, f->kind);
	assert_int_equal(pi->proto, f->proto);
	assert_int_equal(pi->sport, f->sport);
	assert_int_equal(pi->dport, f->dport);
	assert_int_equal(pi->ipver, f->ipver);
	assert_int_equal(pi->ip_layers, f->ip_layers);
	if (full)
		assert_int_equal(pi->flags, f->flags);
	else
		assert_int_equal(pi->flags & ~f->flags, 0);
}

static void
check_fixture(const struct fixture *f)
{
	struct pkt_info		 pi;
	enum decode_result	 rv;
	uint8_t			*buf;
	size_t			 n;

	assert_true(f->ok_from <= f->len);
	rv = decode_dirty(f->dlt, f->bytes, f->len, &pi);
	check_result(f, rv, &pi, 1);

	for (n = 0; n < f->len; n++) {
		/* Exactly n bytes, so ASan sees any read past the prefix. */
		buf = malloc(n > 0 ? n : 1);
		assert_non_null(buf);
		memcpy(buf, f->bytes, n);
		rv = decode_dirty(f->dlt, buf, n, &pi);
		if (n < f->ok_from) {
			if (rv != DECODE_TRUNCATED)
				fail_msg("%s (dlt %d): prefix %zu gave %d, "
				    "expected truncated", f->name, f->dlt, n,
				    rv);
			assert_clean_failure(&pi);
		} else
			check_result(f, rv, &pi, 0);
		free(buf);
	}
}

static void
test_fixtures(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		check_fixture(&fixtures[i]);
}

/* The flags byte is read only when captured; the ports count without it. */
static void
test_tcp_flags(void **state)
{
	struct pkt_info	pi;
	size_t		flagsoff = E + V4 + TCP_FLAGS_OFF;

	(void)state;
	assert_int_equal(decode_dirty(EN, f_eth_tcp_syn, sizeof(f_eth_tcp_syn),
	    &pi), DECODE_OK);
	assert_int_equal(pi.tcp_flags, TH_SYN);
	assert_int_equal(pi.flags, PKT_F_TCPFLAGS);
	assert_int_equal(decode_dirty(EN, f_eth_tcp_syn, flagsoff + 1, &pi),
	    DECODE_OK);
	assert_int_equal(pi.flags, PKT_F_TCPFLAGS);
	assert_int_equal(decode_dirty(EN, f_eth_tcp_syn, flagsoff, &pi),
	    DECODE_OK);
	assert_int_equal(pi.flags, 0);
	assert_int_equal(pi.tcp_flags, 0);
	assert_int_equal(pi.sport, 40001);
	assert_int_equal(decode_dirty(EN, f_pppoe_v4, sizeof(f_pppoe_v4),
	    &pi), DECODE_OK);
	assert_int_equal(pi.tcp_flags, TH_SYN | TH_ACK);
}

/* SCTP flags need the chunk header; the common header alone counts. */
static void
test_sctp_chunk(void **state)
{
	struct pkt_info	pi;
	size_t		sctp = E + V4;

	(void)state;
	assert_int_equal(decode_dirty(EN, f_sctp_init, sctp + 15, &pi),
	    DECODE_OK);
	assert_int_equal(pi.flags, 0);
	assert_int_equal(decode_dirty(EN, f_sctp_init, sctp + 16, &pi),
	    DECODE_OK);
	assert_int_equal(pi.flags, PKT_F_SCTP_INIT);
	assert_int_equal(decode_dirty(EN, f_sctp_init, sctp + 11, &pi),
	    DECODE_TRUNCATED);
}

static const uint8_t v4_src[16] = { 192, 0, 2, 1 };
static const uint8_t v4_inner_dst[16] = { 10, 0, 0, 2 };
static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 2 };

/* Addresses come from the IP header that carried the transport. */
static void
test_addresses(void **state)
{
	struct pkt_info	pi;

	(void)state;
	assert_int_equal(decode_dirty(EN, f_eth_udp, sizeof(f_eth_udp), &pi),
	    DECODE_OK);
	assert_memory_equal(pi.src, v4_src, 16);
	assert_int_equal(pi.ipproto, PC_IPPROTO_UDP);
	assert_int_equal(decode_dirty(EN, f_ipip, sizeof(f_ipip), &pi),
	    DECODE_OK);
	assert_memory_equal(pi.dst, v4_inner_dst, 16);
	/* An IPv6 outer header's bytes must not linger past an inner v4. */
	assert_int_equal(decode_dirty(EN, f_4in6, sizeof(f_4in6), &pi),
	    DECODE_OK);
	assert_memory_equal(pi.dst, v4_inner_dst, 16);
	assert_int_equal(decode_dirty(EN, f_6in4, sizeof(f_6in4), &pi),
	    DECODE_OK);
	assert_memory_equal(pi.dst, v6_dst, 16);
	assert_int_equal(pi.ipproto, PC_IPPROTO_TCP);
	assert_int_equal(decode_dirty(EN, f_ipv6_chain, sizeof(f_ipv6_chain),
	    &pi), DECODE_OK);
	assert_int_equal(pi.ipproto, PC_IPPROTO_TCP);
	assert_int_equal(decode_dirty(EN, f_gre_arp, sizeof(f_gre_arp), &pi),
	    DECODE_OK);
	assert_int_equal(pi.ipproto, PC_IPPROTO_GRE);
}

/* Every AF_INET6 value in use, in both byte orders, for DLT_NULL. */
static void
test_null_families(void **state)
{
	static const uint32_t	 afs[] = { BSD_AF_INET6_LINUX,
	    BSD_AF_INET6_WIN, BSD_AF_INET6_BSD, BSD_AF_INET6_FREEBSD,
	    BSD_AF_INET6_DARWIN };
	uint8_t			 b[4 + sizeof(f_raw_v6)];
	struct pkt_info		 pi;
	size_t			 i;
	int			 big;

	(void)state;
	memcpy(b + 4, f_raw_v6, sizeof(f_raw_v6));
	for (i = 0; i < sizeof(afs) / sizeof(afs[0]); i++) {
		for (big = 0; big <= 1; big++) {
			memset(b, 0, 4);
			b[big ? 3 : 0] = (uint8_t)afs[i];
			assert_int_equal(decode_dirty(PC_DLT_NULL, b,
			    sizeof(b), &pi), DECODE_OK);
			assert_int_equal(pi.kind, PKT_PORTS);
			assert_int_equal(pi.ipver, 6);
			assert_int_equal(decode_dirty(PC_DLT_LOOP, b,
			    sizeof(b), &pi), DECODE_OK);
			assert_int_equal(pi.kind, big ? PKT_PORTS :
			    PKT_NON_IP);
		}
	}
}

/* Build Ethernet + ntags 802.1Q tags + IPv4/UDP into b; return length. */
static size_t
build_vlans(uint8_t *b, int ntags)
{
	static const uint8_t	 eth[] = { ETH(ETHERTYPE_VLAN) };
	static const uint8_t	 ip[] = { IP4(28, PC_IPPROTO_UDP),
	    UDP(7, 7) };
	size_t			 off = 0;
	int			 i;

	memcpy(b, eth, sizeof(eth));
	off += sizeof(eth);
	for (i = 0; i < ntags; i++) {
		b[off++] = 0;
		b[off++] = (uint8_t)i;
		b[off++] = (uint8_t)((i + 1 < ntags ? ETHERTYPE_VLAN :
		    ETHERTYPE_IP) >> 8);
		b[off++] = (uint8_t)(i + 1 < ntags ? ETHERTYPE_VLAN :
		    ETHERTYPE_IP);
	}
	memcpy(b + off, ip, sizeof(ip));
	return (off + sizeof(ip));
}

static void
test_vlan_cap(void **state)
{
	uint8_t			b[256];
	struct fixture		f;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.name = "vlan at cap";
	f.dlt = EN;
	f.bytes = b;
	f.len = build_vlans(b, DECODE_MAX_VLAN);
	f.ok_from = E + DECODE_MAX_VLAN * 4 + V4 + P;
	f.rv = DECODE_OK;
	f.kind = PKT_PORTS;
	f.proto = UDPP;
	f.sport = f.dport = 7;
	f.ipver = 4;
	f.ip_layers = 1;
	check_fixture(&f);

	/* One tag more: malformed as soon as the excess tag is announced. */
	memset(&f, 0, sizeof(f));
	f.name = "vlan beyond cap";
	f.dlt = EN;
	f.bytes = b;
	f.len = build_vlans(b, DECODE_MAX_VLAN + 1);
	f.ok_from = E + DECODE_MAX_VLAN * 4;
	f.rv = DECODE_MALFORMED;
	f.kind = PKT_NON_IP;
	check_fixture(&f);
}

/* Ethernet + MPLS with nlabels labels (BoS on the last if bos) + IPv4. */
static size_t
build_mpls(uint8_t *b, int nlabels, int bos)
{
	static const uint8_t	 eth[] = { ETH(ETHERTYPE_MPLS) };
	static const uint8_t	 ip[] = { IP4(28, PC_IPPROTO_UDP),
	    UDP(9, 9) };
	size_t			 off = sizeof(eth);
	int			 i;

	memcpy(b, eth, sizeof(eth));
	for (i = 0; i < nlabels; i++) {
		b[off++] = 0;
		b[off++] = 1;
		b[off++] = (bos && i + 1 == nlabels) ? MPLS_BOS : 0;
		b[off++] = 64;
	}
	memcpy(b + off, ip, sizeof(ip));
	return (off + sizeof(ip));
}

static void
test_mpls_cap(void **state)
{
	uint8_t		b[256];
	struct fixture	f;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.name = "mpls at cap";
	f.dlt = EN;
	f.bytes = b;
	f.len = build_mpls(b, DECODE_MAX_MPLS, 1);
	f.ok_from = E + DECODE_MAX_MPLS * 4 + V4 + P;
	f.rv = DECODE_OK;
	f.kind = PKT_PORTS;
	f.proto = UDPP;
	f.sport = f.dport = 9;
	f.ipver = 4;
	f.ip_layers = 1;
	check_fixture(&f);

	memset(&f, 0, sizeof(f));
	f.name = "mpls without bottom of stack";
	f.dlt = EN;
	f.bytes = b;
	f.len = build_mpls(b, DECODE_MAX_MPLS + 1, 1);
	f.ok_from = E + DECODE_MAX_MPLS * 4;
	f.rv = DECODE_MALFORMED;
	f.kind = PKT_NON_IP;
	check_fixture(&f);
}

/* The payload length of build_ext()'s IPv6 header. */
static void
ext_set_plen(uint8_t *b, size_t plen)
{
	b[E + 4] = (uint8_t)(plen >> 8);
	b[E + 5] = (uint8_t)plen;
}

/*
 * Ethernet + IPv6 + n extension headers + UDP 11 -> 12 into b: hop-by-hop
 * first, then routing (type 253, segments left 0, so a node ignores it)
 * and destination options headers in turn.  With wide, every third header
 * is 16 bytes rather than 8.  The payload length covers the chain and UDP;
 * offs[i], when offs is not NULL, gets header i's offset in the frame.
 * Returns the frame's length.
 */
static size_t
build_ext(uint8_t *b, int n, int wide, size_t *offs)
{
	static const uint8_t	 eth[] = { ETH(ETHERTYPE_IPV6) };
	static const uint8_t	 ip6[] = { IP6(0, PC_IPPROTO_HOPOPTS) };
	static const uint8_t	 udp[] = { UDP(11, 12) };
	size_t			 off = sizeof(eth) + sizeof(ip6), hlen;
	int			 i;

	memcpy(b, eth, sizeof(eth));
	memcpy(b + sizeof(eth), ip6, sizeof(ip6));
	for (i = 0; i < n; i++) {
		if (offs != NULL)
			offs[i] = off;
		hlen = wide && i % 3 == 2 ? 16 : 8;
		memset(b + off, 0, hlen);
		if (i + 1 == n)
			b[off] = PC_IPPROTO_UDP;
		else
			b[off] = i % 2 ? PC_IPPROTO_DSTOPTS :
			    PC_IPPROTO_ROUTING;
		b[off + 1] = (uint8_t)(hlen / 8 - 1);
		if (i % 2 == 1) {
			b[off + 2] = 253;	/* routing type, RFC 4727 */
			b[off + 3] = 0;		/* segments left */
		} else {
			b[off + 2] = 1;		/* PadN over the rest */
			b[off + 3] = (uint8_t)(hlen - 4);
		}
		off += hlen;
	}
	memcpy(b + off, udp, sizeof(udp));
	off += sizeof(udp);
	ext_set_plen(b, off - E - V6);
	return (off);
}

/* Check b as a fixture: UDP 11 -> 12 in IP version ipver, or rv. */
static void
check_ext(const char *name, const uint8_t *b, size_t len, size_t ok_from,
    enum decode_result rv, uint8_t ipver)
{
	struct fixture	f;

	memset(&f, 0, sizeof(f));
	f.name = name;
	f.dlt = EN;
	f.bytes = b;
	f.len = len;
	f.ok_from = ok_from;
	f.rv = rv;
	f.kind = PKT_NON_IP;
	if (rv == DECODE_OK) {
		f.kind = PKT_PORTS;
		f.proto = UDPP;
		f.sport = 11;
		f.dport = 12;
		f.ipver = ipver;
		f.ip_layers = 1;
	}
	check_fixture(&f);
}

/*
 * A valid chain of 100 extension headers (as libpcap's filter tests use)
 * is walked to its UDP header: there is no count limit.
 */
static void
test_ext_chain(void **state)
{
	uint8_t		b[2048];
	size_t		offs[100], len;
	struct pkt_info	pi;

	(void)state;
	len = build_ext(b, 100, 1, offs);
	assert_true(len > E + V6 + 100 * 8);	/* some are 16 bytes */
	check_ext("100 extension headers", b, len, len - UDP_HDR_LEN + P,
	    DECODE_OK, 6);
	assert_int_equal(decode_dirty(EN, b, len, &pi), DECODE_OK);
	assert_int_equal(pi.ipproto, PC_IPPROTO_UDP);

	/* Cut by the capture anywhere in the chain: truncated. */
	assert_int_equal(decode_dirty(EN, b, offs[50], &pi),
	    DECODE_TRUNCATED);
	assert_int_equal(decode_dirty(EN, b, offs[50] + 1, &pi),
	    DECODE_TRUNCATED);
	assert_int_equal(decode_dirty(EN, b, offs[50] + 12, &pi),
	    DECODE_TRUNCATED);
	assert_clean_failure(&pi);
}

/*
 * 1000 headers in a 9000-byte frame whose tail is padding past the
 * payload length; and the same chain with payload length 0 (a possible
 * jumbogram), where only the captured length bounds the walk.
 */
static void
test_ext_chain_jumbo_frame(void **state)
{
	uint8_t		b[9000];
	size_t		len;

	(void)state;
	memset(b, 0, sizeof(b));
	len = build_ext(b, 1000, 0, NULL);
	assert_int_equal(len, E + V6 + 1000 * 8 + UDP_HDR_LEN);
	check_ext("1000 extension headers", b, sizeof(b),
	    len - UDP_HDR_LEN + P, DECODE_OK, 6);
	ext_set_plen(b, 0);
	check_ext("1000 extension headers, payload length 0", b, sizeof(b),
	    len - UDP_HDR_LEN + P, DECODE_OK, 6);
}

/*
 * A chain that never names a transport: every header points at another
 * and the last one ends the captured frame.  However long, it ends, as
 * truncated, within the payload length or (length 0) the captured bytes.
 */
static void
test_ext_chain_endless(void **state)
{
	uint8_t		b[9000];
	size_t		offs[1000], len;

	(void)state;
	len = build_ext(b, 1000, 0, offs);
	len -= UDP_HDR_LEN;
	b[offs[999]] = PC_IPPROTO_DSTOPTS;
	ext_set_plen(b, len - E - V6);
	check_ext("endless chain", b, len, len, DECODE_TRUNCATED, 6);
	ext_set_plen(b, 0);
	check_ext("endless chain, payload length 0", b, len, len,
	    DECODE_TRUNCATED, 6);
}

/*
 * Header lengths that run past the IPv6 payload length lie, as an IHL
 * past the IPv4 total length does: malformed as soon as the length is
 * captured.  A chain that reaches the end of the payload on a header
 * boundary, still naming another header, was cut by the IP length, like
 * ports past the total length: truncated.  In a first fragment the rest
 * may be in the next fragment, so there it is only cut.
 */
static void
test_ext_chain_past_payload(void **state)
{
	uint8_t		b[2048];
	size_t		offs[100], len;

	(void)state;
	len = build_ext(b, 100, 1, offs);
	/* Header 50 is 16 bytes; the payload length leaves it 8. */
	assert_int_equal(offs[51] - offs[50], 16);
	ext_set_plen(b, offs[50] + 8 - E - V6);
	check_ext("chain past the payload length", b, len, offs[50] + 2,
	    DECODE_MALFORMED, 6);
	check_ext("chain past the payload length, cut there", b,
	    offs[50] + 8, offs[50] + 2, DECODE_MALFORMED, 6);

	ext_set_plen(b, offs[50] - E - V6);
	check_ext("chain stops at the payload length", b, len, len,
	    DECODE_TRUNCATED, 6);

	/* Header 1 made a first fragment header (offset 0, M=1). */
	b[offs[0]] = PC_IPPROTO_FRAGMENT;
	memset(b + offs[1], 0, 8);
	b[offs[1]] = PC_IPPROTO_DSTOPTS;
	b[offs[1] + 3] = IPV6_FRAG_MORE;
	ext_set_plen(b, offs[50] + 8 - E - V6);
	check_ext("first fragment's chain past the payload length", b, len,
	    len, DECODE_TRUNCATED, 6);
}

/* IPv4 + n AH headers of 8 bytes each + UDP 11 -> 12; returns length. */
static size_t
build_ah(uint8_t *b, int n)
{
	static const uint8_t	 eth[] = { ETH(ETHERTYPE_IP) };
	static const uint8_t	 ip[] = { IP4(0, PC_IPPROTO_AH) };
	static const uint8_t	 udp[] = { UDP(11, 12) };
	size_t			 off = sizeof(eth) + sizeof(ip), tl;
	int			 i;

	memcpy(b, eth, sizeof(eth));
	memcpy(b + sizeof(eth), ip, sizeof(ip));
	for (i = 0; i < n; i++) {
		memset(b + off, 0, 8);
		b[off] = i + 1 < n ? PC_IPPROTO_AH : PC_IPPROTO_UDP;
		off += 8;			/* length 0: (0 + 2) * 4 */
	}
	memcpy(b + off, udp, sizeof(udp));
	off += sizeof(udp);
	tl = off - E;
	b[E + 2] = (uint8_t)(tl >> 8);
	b[E + 3] = (uint8_t)tl;
	return (off);
}

/* AH after IPv4 follows the same rules. */
static void
test_ah_chain(void **state)
{
	uint8_t		b[2048];
	size_t		len;

	(void)state;
	len = build_ah(b, 100);
	check_ext("100 AH headers", b, len, len - UDP_HDR_LEN + P, DECODE_OK,
	    4);
	/* The last AH says 24 bytes where the total length leaves 16. */
	b[len - UDP_HDR_LEN - 8 + 1] = 4;
	check_ext("AH past the total length", b, len,
	    len - UDP_HDR_LEN - 8 + 2, DECODE_MALFORMED, 4);
}

/* Raw IPv4 nested ntunnels times in IP-in-IP, UDP inside. */
static size_t
build_ipip(uint8_t *b, int ntunnels)
{
	static const uint8_t	 ip[] = { IP4I(0, PC_IPPROTO_IPIP) };
	static const uint8_t	 udp[] = { UDP(13, 14) };
	size_t			 off = 0, tl;
	int			 i;

	for (i = 0; i <= ntunnels; i++) {
		memcpy(b + off, ip, sizeof(ip));
		tl = (size_t)(ntunnels + 1 - i) * V4 + sizeof(udp);
		b[off + 2] = (uint8_t)(tl >> 8);
		b[off + 3] = (uint8_t)tl;
		if (i == ntunnels)
			b[off + 9] = PC_IPPROTO_UDP;
		off += sizeof(ip);
	}
	memcpy(b + off, udp, sizeof(udp));
	return (off + sizeof(udp));
}

static void
test_tunnel_cap(void **state)
{
	uint8_t		b[512];
	struct fixture	f;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.name = "tunnels at cap";
	f.dlt = PC_DLT_RAW;
	f.bytes = b;
	f.len = build_ipip(b, DECODE_MAX_TUNNEL);
	f.ok_from = (DECODE_MAX_TUNNEL + 1) * V4 + P;
	f.rv = DECODE_OK;
	f.kind = PKT_PORTS;
	f.proto = UDPP;
	f.sport = 13;
	f.dport = 14;
	f.ipver = 4;
	f.ip_layers = DECODE_MAX_TUNNEL + 1;
	check_fixture(&f);

	memset(&f, 0, sizeof(f));
	f.name = "tunnels beyond cap";
	f.dlt = PC_DLT_RAW;
	f.bytes = b;
	f.len = build_ipip(b, DECODE_MAX_TUNNEL + 1);
	f.ok_from = (DECODE_MAX_TUNNEL + 1) * V4;
	f.rv = DECODE_MALFORMED;
	f.kind = PKT_NON_IP;
	check_fixture(&f);
}

/*
 * Ethernet-in-MPLS-in-Ethernet without any IP header: only the tunnel cap
 * stops this nesting.
 */
static void
test_pw_loop_cap(void **state)
{
	static const uint8_t	 hop[] = { ETHA(ETHERTYPE_MPLS),
	    MPLS_BOS_LBL };
	uint8_t			 b[sizeof(hop) * (DECODE_MAX_TUNNEL + 3)];
	struct pkt_info		 pi;
	size_t			 i;

	(void)state;
	for (i = 0; i < DECODE_MAX_TUNNEL + 3; i++)
		memcpy(b + i * sizeof(hop), hop, sizeof(hop));
	assert_int_equal(decode_dirty(EN, b, sizeof(b), &pi),
	    DECODE_MALFORMED);
	/* Cut before the cap is reached: just truncated. */
	assert_int_equal(decode_dirty(EN, b, sizeof(hop) * 3, &pi),
	    DECODE_TRUNCATED);
}

static void
test_unsupported(void **state)
{
	struct pkt_info	pi;

	(void)state;
	assert_int_equal(decode_dirty(105, f_eth_udp, sizeof(f_eth_udp), &pi),
	    DECODE_UNSUPPORTED);		/* IEEE 802.11 */
	assert_clean_failure(&pi);
	assert_int_equal(pi.ipver, 0);
	assert_int_equal(pi.ip_layers, 0);
	assert_int_equal(decode_link_supported(105), 0);
	assert_int_equal(decode_link_supported(-1), 0);
	assert_int_equal(decode_link_supported(PC_DLT_EN10MB), 1);
	assert_int_equal(decode_link_supported(PC_DLT_LINUX_SLL2), 1);
	assert_int_equal(decode_link_supported(PC_DLT_NFLOG), 1);
	assert_int_equal(decode_link_supported(PC_DLT_LINKTYPE_RAW), 1);
	/* A NULL frame is an empty one, not a crash. */
	assert_int_equal(decode_dirty(EN, NULL, 0, &pi), DECODE_TRUNCATED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_tcp_flags),
		cmocka_unit_test(test_sctp_chunk),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_null_families),
		cmocka_unit_test(test_vlan_cap),
		cmocka_unit_test(test_mpls_cap),
		cmocka_unit_test(test_ext_chain),
		cmocka_unit_test(test_ext_chain_jumbo_frame),
		cmocka_unit_test(test_ext_chain_endless),
		cmocka_unit_test(test_ext_chain_past_payload),
		cmocka_unit_test(test_ah_chain),
		cmocka_unit_test(test_tunnel_cap),
		cmocka_unit_test(test_pw_loop_cap),
		cmocka_unit_test(test_unsupported),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
