/*
 * decode.h - frame decoder: link layer -> tunnels -> IP -> transport ports.
 *
 * decode_frame() reads one captured frame and says where it belongs: a
 * transport header with ports (PKT_PORTS), or one of the named kinds of
 * traffic that has no service port.  It does no I/O, no allocation and no
 * logging, and every read is bounded by the captured length, so it can be
 * unit-tested and fuzzed on its own.
 *
 * What counts, and why (these match the counting rules of the project's
 * tshark oracle, see docs/decoding.md):
 * - the OUTERMOST TCP, UDP, SCTP, DCCP or UDP-Lite header counts; UDP tunnels
 *   (VXLAN, GTP-U, ...) are not opened, while IP-in-IP, 6in4 and GRE
 *   (including ERSPAN and transparent Ethernet bridging) are unwrapped to
 *   reach the first transport header;
 * - ICMP and ICMPv6, including errors that quote a transport header, are
 *   PKT_ICMP/PKT_ICMPV6: the quoted header is never read;
 * - a non-first IP fragment is PKT_FRAGMENT (no ports); a first fragment is
 *   decoded normally;
 * - TCP, UDP, DCCP and UDP-Lite need their 4 port bytes captured, SCTP its
 *   whole 12-byte common header; less is DECODE_TRUNCATED.
 */
#ifndef PORTCLASS_DECODE_H
#define PORTCLASS_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/proto.h"

enum decode_result {
	DECODE_OK = 0,		/* pi->kind says what the frame carries */
	DECODE_TRUNCATED,	/* a needed header was cut short by caplen */
	DECODE_MALFORMED,	/* a header lies about itself (bad IHL, ...) */
	DECODE_UNSUPPORTED	/* the link type is not one we decode */
};

enum pkt_kind {
	PKT_PORTS = 0,		/* transport with ports: proto/sport/dport set */
	PKT_ICMP,		/* ICMP (IPv4), errors included */
	PKT_ICMPV6,		/* ICMPv6, errors included */
	PKT_OTHER_IP,		/* IP with a protocol that has no ports (ESP, ...) */
	PKT_NON_IP,		/* not IP at all (ARP, LLDP, STP, ...) */
	PKT_FRAGMENT		/* a non-first IP fragment: no ports */
};

#define PKT_F_TCPFLAGS		0x01	/* tcp_flags holds captured flags */
#define PKT_F_SCTP_INIT		0x02	/* SCTP, first chunk is INIT */
#define PKT_F_SCTP_INIT_ACK	0x04	/* SCTP, first chunk is INIT ACK */
#define PKT_F_DCCP_REQUEST	0x08	/* DCCP-Request (RFC 4340 5.1) */
#define PKT_F_DCCP_RESPONSE	0x10	/* DCCP-Response */

/*
 * What the decoder found.  Plain scalars only: nothing points into the
 * frame, which belongs to libpcap and lives only during the callback.
 * Fields other than kind are meaningful only when kind == PKT_PORTS, except
 * ipver/ipproto/ip_layers which are set whenever an IP header was read.
 */
struct pkt_info {
	uint8_t		kind;		/* enum pkt_kind */
	uint8_t		proto;		/* enum pc_proto */
	uint8_t		ipproto;	/* protocol field of the last IP header */
	uint8_t		ipver;		/* 4 or 6; 0 if no IP header */
	uint8_t		ip_layers;	/* IP headers read; 2+ = tunnelled */
	uint8_t		flags;		/* PKT_F_* */
	uint8_t		tcp_flags;	/* TH_* when PKT_F_TCPFLAGS */
	uint16_t	sport;
	uint16_t	dport;
	uint8_t		src[16];	/* addresses of the IP header that */
	uint8_t		dst[16];	/* carried the transport; v4 in [0..3] */
};

/*
 * Decode one frame of link type dlt (a pcap_datalink() value), of which
 * caplen bytes were captured.  Fills *pi and returns DECODE_OK, or returns
 * the reason the frame could not be decoded.  *pi is always initialised.
 */
enum decode_result	decode_frame(int dlt, const uint8_t *frame,
			    size_t caplen, struct pkt_info *pi);

/*
 * The same without decode_frame()'s one-step path for plain Ethernet +
 * IPv4/IPv6 + TCP/UDP: every frame through the layered decoders.  For
 * tests and fuzzing, which check that both give the same answer.
 */
enum decode_result	decode_frame_general(int dlt, const uint8_t *frame,
			    size_t caplen, struct pkt_info *pi);

/* 1 if decode_frame() knows link type dlt, else 0. */
int			decode_link_supported(int dlt);

#endif /* PORTCLASS_DECODE_H */
