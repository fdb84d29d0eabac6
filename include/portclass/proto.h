/*
 * proto.h - wire constants used by the decoders, with their references.
 *
 * Names follow the standards or libpcap where one exists.  Decoders use
 * these, never bare numbers.
 */
#ifndef PORTCLASS_PROTO_H
#define PORTCLASS_PROTO_H

#include <stddef.h>
#include <stdint.h>

/* Link-layer header types as libpcap reports them (pcap_datalink()). */
#define PC_DLT_NULL		0	/* BSD loopback, host-order AF */
#define PC_DLT_EN10MB		1	/* Ethernet */
#define PC_DLT_PPP		9	/* PPP, RFC 1661 */
#define PC_DLT_RAW		12	/* raw IPv4/IPv6 (LINKTYPE_RAW 101) */
#define PC_DLT_RAW_BSDOS	14	/* DLT_RAW on BSD/OS and OpenBSD */
#define PC_DLT_PPP_SERIAL	50	/* PPP in HDLC-like framing, RFC 1662 */
#define PC_DLT_PPP_ETHER	51	/* PPPoE session payload, no Ethernet */
#define PC_DLT_LINKTYPE_RAW	101	/* LINKTYPE_RAW as written in files */
#define PC_DLT_LOOP		108	/* OpenBSD loopback, network-order AF */
#define PC_DLT_LINUX_SLL	113	/* Linux cooked v1 */
#define PC_DLT_IPV4		228	/* raw IPv4 */
#define PC_DLT_IPV6		229	/* raw IPv6 */
#define PC_DLT_NFLOG		239	/* Linux netfilter NFLOG */
#define PC_DLT_LINUX_SLL2	276	/* Linux cooked v2 */

/* Header sizes. */
#define ETHER_HDR_LEN		14
#define ETHER_ADDRS_LEN		12
#define VLAN_TAG_LEN		4	/* IEEE 802.1Q tag after the TPID */
#define LLC_SNAP_LEN		8	/* 802.2 LLC + SNAP */
#define MPLS_LABEL_LEN		4	/* RFC 3032 */
#define PPPOE_HDR_LEN		6	/* RFC 2516 */
#define SLL_HDR_LEN		16
#define SLL2_HDR_LEN		20
#define NULL_HDR_LEN		4
#define NFLOG_HDR_LEN		4
#define NFLOG_TLV_HDR_LEN	4
#define IPV4_HDR_MIN		20	/* RFC 791 */
#define IPV6_HDR_LEN		40	/* RFC 8200 */
#define IPV6_FRAG_HDR_LEN	8
#define GRE_HDR_MIN		4	/* RFC 2784 */
#define ERSPAN2_HDR_LEN		8
#define ERSPAN3_HDR_LEN		12
#define ERSPAN3_SUBHDR_LEN	8
#define TCP_HDR_MIN		20	/* RFC 9293 */
#define UDP_HDR_LEN		8	/* RFC 768 */
#define SCTP_COMMON_HDR_LEN	12	/* RFC 9260 */
#define SCTP_CHUNK_HDR_LEN	4
#define DCCP_HDR_MIN		12	/* RFC 4340 */
#define PORTS_LEN		4	/* source + destination port */

/* EtherTypes (IEEE registry). */
#define ETHERTYPE_IP		0x0800
#define ETHERTYPE_ARP		0x0806
#define ETHERTYPE_VLAN		0x8100	/* 802.1Q */
#define ETHERTYPE_QINQ		0x88a8	/* 802.1ad S-tag */
#define ETHERTYPE_QINQ_OLD	0x9100	/* pre-standard QinQ */
#define ETHERTYPE_QINQ_OLD2	0x9200
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_MPLS		0x8847
#define ETHERTYPE_MPLS_MCAST	0x8848
#define ETHERTYPE_PPPOE_DISC	0x8863
#define ETHERTYPE_PPPOE_SESS	0x8864
#define ETHERTYPE_TEB		0x6558	/* transparent Ethernet bridging (GRE) */
#define ETHERTYPE_ERSPAN2	0x88be	/* ERSPAN type I/II (GRE) */
#define ETHERTYPE_ERSPAN3	0x22eb	/* ERSPAN type III (GRE) */
#define ETHER_MAX_8023_LEN	1500	/* below: 802.3 length, not a type */

/* 802.2 LLC/SNAP. */
#define LLC_SNAP_SAP		0xaa
#define LLC_UI			0x03

/* PPP protocol numbers (RFC 1661, IANA PPP DLL protocol numbers). */
#define PPP_ADDRESS		0xff
#define PPP_CONTROL		0x03
#define PPP_IP			0x0021
#define PPP_IPV6		0x0057
#define PPP_MPLS_UCAST		0x0281
#define PPP_MPLS_MCAST		0x0283

/* Linux ARPHRD type carried by SLL/SLL2 for netlink captures. */
#define ARPHRD_NETLINK		824

/* Address families seen in DLT_NULL / DLT_LOOP headers. */
#define BSD_AF_INET		2
#define BSD_AF_INET6_LINUX	10
#define BSD_AF_INET6_WIN	23
#define BSD_AF_INET6_BSD	24	/* NetBSD, OpenBSD, BSD/OS */
#define BSD_AF_INET6_FREEBSD	28
#define BSD_AF_INET6_DARWIN	30

/* NFLOG (Linux nfnetlink_log) TLV types. */
#define NFULA_PAYLOAD		9

/* IP protocol numbers (IANA). */
#define PC_IPPROTO_HOPOPTS	0
#define PC_IPPROTO_ICMP		1
#define PC_IPPROTO_IPIP		4
#define PC_IPPROTO_TCP		6
#define PC_IPPROTO_UDP		17
#define PC_IPPROTO_DCCP		33
#define PC_IPPROTO_IPV6		41
#define PC_IPPROTO_ROUTING	43
#define PC_IPPROTO_FRAGMENT	44
#define PC_IPPROTO_GRE		47
#define PC_IPPROTO_ESP		50
#define PC_IPPROTO_AH		51
#define PC_IPPROTO_ICMPV6		58
#define PC_IPPROTO_NONE		59
#define PC_IPPROTO_DSTOPTS	60
#define PC_IPPROTO_SCTP		132
#define PC_IPPROTO_MH		135
#define PC_IPPROTO_UDPLITE	136
#define PC_IPPROTO_HIP		139
#define PC_IPPROTO_SHIM6		140

/* IPv4 flags/fragment offset field. */
#define IPV4_OFFMASK		0x1fff
#define IPV4_MF			0x2000

/* GRE flag bits (RFC 2784, RFC 2890, RFC 1701). */
#define GRE_CHECKSUM		0x8000
#define GRE_ROUTING		0x4000
#define GRE_KEY			0x2000
#define GRE_SEQ			0x1000
#define GRE_VERSION_MASK	0x0007

/* TCP flags (RFC 9293). */
#define TH_FIN			0x01
#define TH_SYN			0x02
#define TH_RST			0x04
#define TH_ACK			0x10

/* SCTP chunk types (RFC 9260). */
#define SCTP_CHUNK_INIT		1
#define SCTP_CHUNK_INIT_ACK	2

/* Port ranges (RFC 6335 section 6). */
#define PORT_SYSTEM_MAX		1023
#define PORT_USER_MAX		49151
#define PORT_DYNAMIC_MIN	49152
/*
 * Where clients draw source ports: Linux from 32768-60999, Windows, macOS
 * and RFC 6335 from 49152-65535 (docs/service-port.md).
 */
#define PORT_CLIENT_MIN		32768

/* Further fields the decoder reads (decode.c). */
#define SLL_PROTO_OFF		14	/* SLL: protocol after the address */
#define SLL_HATYPE_OFF		2	/* SLL: ARPHRD type */
#define SLL2_HATYPE_OFF		8	/* SLL2: ARPHRD type */
#define LLC_HDR_LEN		3	/* DSAP, SSAP, control (IEEE 802.2) */
#define SNAP_HDR_LEN		5	/* OUI + protocol id (RFC 1042) */
#define ETHERTYPE_MIN		0x0600	/* IEEE 802.3: types start here */
#define ETHERTYPE_PPP		0x880b	/* PPP in enhanced GRE, RFC 2637 */
#define MPLS_BOS		0x01	/* bottom of stack, byte 2 of a label */
#define MPLS_PW_CW_LEN		4	/* pseudowire control word, RFC 4385 */
#define PPPOE_VER_TYPE		0x11	/* RFC 2516 section 4 */
#define CHDLC_HDR_LEN		4	/* Cisco HDLC: addr, ctrl, EtherType */
#define CHDLC_UNICAST		0x0f
#define CHDLC_BCAST		0x8f
#define GRE_ACK			0x0080	/* RFC 2637 enhanced GRE ack present */
#define GRE_OPT_LEN		4	/* each optional GRE field */
#define GRE_VERSION_PPTP	1	/* RFC 2637 enhanced GRE */
#define ERSPAN3_O_BIT		0x01	/* byte 11: platform subheader follows */
#define IPV6_FRAG_OFFMASK	0xfff8	/* RFC 8200 section 4.5 */
#define IPV6_FRAG_MORE		0x01	/* M flag, low bit of byte 3 */
#define NFLOG_TYPE_MASK		0x3fff	/* strips NLA_F_NESTED/NET_BYTEORDER */
#define NFLOG_ALIGN		4	/* TLVs are padded to 4 bytes */
#define NFPROTO_IPV4		2
#define NFPROTO_IPV6		10
#define TCP_FLAGS_OFF		13	/* RFC 9293: flags byte */
#define TCP_DOFF_OFF		12	/* RFC 9293: data offset, high nibble */
#define UDP_LEN_OFF		4	/* RFC 768: length field */
#define SCTP_CHUNK_TYPE_OFF	12	/* first chunk type, after the header */
#define DCCP_TYPE_OFF		8	/* Res(3) Type(4) X(1), RFC 4340 5.1 */
#define DCCP_TYPE(b)		(((b) >> 1) & 0x0f)
#define DCCP_REQUEST		0
#define DCCP_RESPONSE		1

/*
 * Caps on header loops: each step must advance, and loops end here.  The
 * IPv6 extension header chain has none: it is bounded by the bytes, each
 * header taking at least 8 of them (decode_ipnext).  The tunnel cap bounds
 * recursion, and so the stack.
 */
#define DECODE_MAX_VLAN		8
#define DECODE_MAX_MPLS		16
#define DECODE_MAX_TUNNEL	8

/*
 * The transports whose ports portclass counts.  The values index per-protocol
 * tables, so keep them dense.  UDP-Lite shares UDP's port registry
 * (RFC 3828 section 3.2) but is counted as its own protocol.
 */
enum pc_proto {
	PC_PROTO_TCP = 0,
	PC_PROTO_UDP,
	PC_PROTO_SCTP,
	PC_PROTO_DCCP,
	PC_PROTO_UDPLITE,
	PC_PROTO_COUNT
};

/* "tcp", "udp", "sctp", "dccp", "udplite"; "?" for an out-of-range value. */
static inline const char *
pc_proto_name(unsigned int proto)
{
	static const char *const names[PC_PROTO_COUNT] = {
		"tcp", "udp", "sctp", "dccp", "udplite"
	};

	return (proto < PC_PROTO_COUNT ? names[proto] : "?");
}

/*
 * A port number written as exactly n decimal digits (no sign, no space),
 * 0-65535.  For the readers of site files and lookups; -1 if it is not.
 */
static inline int
pc_port_parse(const char *s, size_t n, uint16_t *out)
{
	unsigned long	v = 0;
	size_t		i;

	if (n == 0 || n > 5)
		return (-1);
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return (-1);
	*out = (uint16_t)v;
	return (0);
}

#endif /* PORTCLASS_PROTO_H */
