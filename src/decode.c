/*
 * decode.c - frame decoder: link layer -> tunnels -> IP -> transport ports.
 *
 * decode_frame() walks one captured frame through a struct cursor, from the
 * link-layer header (chosen by the pcap link type) through VLAN tags, MPLS
 * labels, PPPoE/PPP, IP-in-IP, 6in4 and GRE (with ERSPAN and transparent
 * Ethernet bridging) down to the first transport header, and copies the few
 * scalars the caller needs into a struct pkt_info.  Every header is taken
 * whole with cursor_take() before a field of it is read; a length field from
 * the wire may only shrink the window.  Every loop (VLAN tags, MPLS labels,
 * IPv6 extension headers, NFLOG TLVs) takes at least one header per step
 * from that window, so it ends within the captured bytes; VLAN tags and
 * MPLS labels also have caps (DECODE_MAX_* in proto.h).  Tunnels recurse,
 * so their nesting is capped too: a hostile frame costs bounded time and
 * stack.
 *
 * No I/O, no allocation, no logging: bytes in, a struct and a result out.
 * The counting rules this follows, and the deliberate deviations, are in
 * docs/decoding.md.
 */
#include <string.h>

#include "portclass/bytes.h"
#include "portclass/decode.h"
#include "portclass/proto.h"

static enum decode_result	decode_ether(struct cursor *, struct pkt_info *,
				    int);
static enum decode_result	decode_ether_inner(struct cursor *,
				    struct pkt_info *, int);
static enum decode_result	decode_ethertype(struct cursor *, uint16_t,
				    struct pkt_info *, int);
static enum decode_result	decode_mpls(struct cursor *, struct pkt_info *,
				    int);
static enum decode_result	decode_pppoe(struct cursor *, struct pkt_info *,
				    int);
static enum decode_result	decode_ppp(struct cursor *, struct pkt_info *,
				    int);
static enum decode_result	decode_ppp_proto(struct cursor *,
				    struct pkt_info *, int);
static enum decode_result	decode_ip_any(struct cursor *,
				    struct pkt_info *, int);
static enum decode_result	decode_ipv4(struct cursor *, struct pkt_info *,
				    int);
static enum decode_result	decode_ipv6(struct cursor *, struct pkt_info *,
				    int);
static enum decode_result	decode_ipnext(struct cursor *, uint8_t, int, size_t,
				    struct pkt_info *, int);
static enum decode_result	decode_gre(struct cursor *, struct pkt_info *,
				    int);

/* Set the result for a frame (or tunnel payload) that is not IP at all. */
static enum decode_result
decode_kind(struct pkt_info *pi, enum pkt_kind kind)
{
	pi->kind = (uint8_t)kind;
	return (DECODE_OK);
}

/*
 * Ethernet II or IEEE 802.3.  Only the header is taken here; everything
 * after the source address is the EtherType dispatcher's business.
 */
static enum decode_result
decode_ether(struct cursor *c, struct pkt_info *pi, int depth)
{
	const uint8_t	*h;

	if ((h = cursor_take(c, ETHER_HDR_LEN)) == NULL)
		return (DECODE_TRUNCATED);
	return (decode_ethertype(c, get_be16(h + ETHER_ADDRS_LEN), pi, depth));
}

/*
 * An Ethernet frame carried inside something else (MPLS pseudowire, GRE
 * TEB, ERSPAN).  Counts as one level of tunnelling, which is what bounds
 * loops such as Ethernet -> MPLS -> Ethernet -> MPLS ...
 */
static enum decode_result
decode_ether_inner(struct cursor *c, struct pkt_info *pi, int depth)
{
	if (depth >= DECODE_MAX_TUNNEL)
		return (DECODE_MALFORMED);
	return (decode_ether(c, pi, depth + 1));
}

/*
 * Dispatch on an EtherType (Ethernet, VLAN tag, SLL/SLL2 protocol, GRE
 * protocol type, Cisco HDLC).  VLAN tags (802.1Q 0x8100, 802.1ad 0x88a8 and
 * the pre-standard 0x9100/0x9200) are stepped over up to DECODE_MAX_VLAN; a
 * value up to 1500 is an IEEE 802.3 length, after which only LLC/SNAP with
 * the zero OUI (RFC 1042) carries an EtherType.  SNAP is not followed by
 * more tags: the final switch does not loop.
 */
static enum decode_result
decode_ethertype(struct cursor *c, uint16_t type, struct pkt_info *pi,
    int depth)
{
	const uint8_t	*h;
	int		 n;

	for (n = 0; type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
	    type == ETHERTYPE_QINQ_OLD || type == ETHERTYPE_QINQ_OLD2; n++) {
		if (n >= DECODE_MAX_VLAN)
			return (DECODE_MALFORMED);
		if ((h = cursor_take(c, VLAN_TAG_LEN)) == NULL)
			return (DECODE_TRUNCATED);
		type = get_be16(h + 2);
	}

	if (type < ETHERTYPE_MIN) {
		/* 1501..1535 is neither a length nor a type. */
		if (type > ETHER_MAX_8023_LEN)
			return (decode_kind(pi, PKT_NON_IP));
		cursor_clamp(c, type);		/* drop the 802.3 padding */
		if ((h = cursor_take(c, LLC_HDR_LEN)) == NULL)
			return (DECODE_TRUNCATED);
		if (h[0] != LLC_SNAP_SAP || h[1] != LLC_SNAP_SAP ||
		    h[2] != LLC_UI)
			return (decode_kind(pi, PKT_NON_IP));	/* STP, ... */
		if ((h = cursor_take(c, SNAP_HDR_LEN)) == NULL)
			return (DECODE_TRUNCATED);
		if (h[0] != 0 || h[1] != 0 || h[2] != 0)
			return (decode_kind(pi, PKT_NON_IP));	/* CDP, ... */
		type = get_be16(h + 3);
	}

	switch (type) {
	case ETHERTYPE_IP:
		return (decode_ipv4(c, pi, depth));
	case ETHERTYPE_IPV6:
		return (decode_ipv6(c, pi, depth));
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MCAST:
		return (decode_mpls(c, pi, depth));
	case ETHERTYPE_PPPOE_SESS:
		return (decode_pppoe(c, pi, depth));
	case ETHERTYPE_TEB:
		return (decode_ether_inner(c, pi, depth));
	case ETHERTYPE_PPP:
		return (decode_ppp(c, pi, depth));
	default:
		/* ARP, PPPoE discovery, LLDP, ... */
		return (decode_kind(pi, PKT_NON_IP));
	}
}

/*
 * MPLS label stack (RFC 3032).  The stack does not say what it carries, so,
 * like tcpdump and Wireshark, guess from the first nibble after the bottom
 * label: 4 and 6 are IP, 0 is the pseudowire control word (RFC 4385) in
 * front of Ethernet, anything else is Ethernet without a control word.
 */
static enum decode_result
decode_mpls(struct cursor *c, struct pkt_info *pi, int depth)
{
	const uint8_t	*h;
	int		 n;

	for (n = 0;; n++) {
		if (n >= DECODE_MAX_MPLS)
			return (DECODE_MALFORMED);
		if ((h = cursor_take(c, MPLS_LABEL_LEN)) == NULL)
			return (DECODE_TRUNCATED);
		if (h[2] & MPLS_BOS)
			break;
	}
	if ((h = cursor_peek(c, 1)) == NULL)
		return (DECODE_TRUNCATED);
	switch (h[0] >> 4) {
	case 4:
		return (decode_ipv4(c, pi, depth));
	case 6:
		return (decode_ipv6(c, pi, depth));
	case 0:
		if (cursor_take(c, MPLS_PW_CW_LEN) == NULL)
			return (DECODE_TRUNCATED);
		return (decode_ether_inner(c, pi, depth));
	default:
		return (decode_ether_inner(c, pi, depth));
	}
}

/*
 * PPPoE session stage (RFC 2516): version/type 0x11, code 0, then PPP.  The
 * length field counts the PPP bytes and drops any Ethernet padding.
 */
static enum decode_result
decode_pppoe(struct cursor *c, struct pkt_info *pi, int depth)
{
	const uint8_t	*h;

	if ((h = cursor_take(c, PPPOE_HDR_LEN)) == NULL)
		return (DECODE_TRUNCATED);
	if (h[0] != PPPOE_VER_TYPE || h[1] != 0)
		return (DECODE_MALFORMED);
	cursor_clamp(c, get_be16(h + 4));
	return (decode_ppp_proto(c, pi, depth));
}

/*
 * A PPP frame that may start with the HDLC-like address and control bytes
 * ff 03 (RFC 1662), which RFC 1661 lets a link negotiate away (ACFC).  No
 * protocol number starts with 0xff, so that byte always means the address.
 */
static enum decode_result
decode_ppp(struct cursor *c, struct pkt_info *pi, int depth)
{
	const uint8_t	*h;

	if ((h = cursor_peek(c, 1)) != NULL && h[0] == PPP_ADDRESS) {
		if ((h = cursor_take(c, 2)) == NULL)
			return (DECODE_TRUNCATED);
		if (h[1] != PPP_CONTROL)
			return (DECODE_MALFORMED);
	}
	return (decode_ppp_proto(c, pi, depth));
}

/*
 * The PPP protocol field (RFC 1661 section 2): its last byte is odd and
 * the first even, so with protocol field compression (PFC) an odd first
 * byte is the whole one-byte field.
 */
static enum decode_result
decode_ppp_proto(struct cursor *c, struct pkt_info *pi, int depth)
{
	const uint8_t	*h;
	uint16_t	 proto;

	if ((h = cursor_peek(c, 1)) == NULL)
		return (DECODE_TRUNCATED);
	if (h[0] & 1) {
		proto = h[0];
		(void)cursor_take(c, 1);
	} else {
		if ((h = cursor_take(c, 2)) == NULL)
			return (DECODE_TRUNCATED);
		proto = get_be16(h);
	}

	switch (proto) {
	case PPP_IP:
		return (decode_ipv4(c, pi, depth));
	case PPP_IPV6:
		return (decode_ipv6(c, pi, depth));
	case PPP_MPLS_UCAST:
	case PPP_MPLS_MCAST:
		return (decode_mpls(c, pi, depth));
	default:
		/* LCP, IPCP, CHAP, Van Jacobson compressed TCP, ... */
		return (decode_kind(pi, PKT_NON_IP));
	}
}

/* An IP packet with no link header: the version nibble says which. */
static enum decode_result
decode_ip_any(struct cursor *c, struct pkt_info *pi, int depth)
{
	const uint8_t	*h;

	if ((h = cursor_peek(c, 1)) == NULL)
		return (DECODE_TRUNCATED);
	switch (h[0] >> 4) {
	case 4:
		return (decode_ipv4(c, pi, depth));
	case 6:
		return (decode_ipv6(c, pi, depth));
	default:
		return (DECODE_MALFORMED);
	}
}

/*
 * IPv4 (RFC 791).  IHL below 5 or a total length shorter than the header
 * is malformed; the total length then clamps the window, so Ethernet
 * padding is never read as payload and ports past the end of the datagram
 * count as not captured.  A non-first fragment has no transport header; a
 * first fragment is decoded like any packet.
 */
static enum decode_result
decode_ipv4(struct cursor *c, struct pkt_info *pi, int depth)
{
	const uint8_t	*ip;
	size_t		 hlen, totlen;

	if ((ip = cursor_take(c, IPV4_HDR_MIN)) == NULL)
		return (DECODE_TRUNCATED);
	if ((ip[0] >> 4) != 4)
		return (DECODE_MALFORMED);
	hlen = (size_t)(ip[0] & 0x0f) * 4;
	totlen = get_be16(ip + 2);
	if (hlen < IPV4_HDR_MIN || totlen < hlen)
		return (DECODE_MALFORMED);
	if (cursor_take(c, hlen - IPV4_HDR_MIN) == NULL)	/* options */
		return (DECODE_TRUNCATED);
	cursor_clamp(c, totlen - hlen);

	pi->ipver = 4;
	pi->ip_layers++;
	pi->ipproto = ip[9];
	memset(pi->src, 0, sizeof(pi->src));
	memset(pi->dst, 0, sizeof(pi->dst));
	memcpy(pi->src, ip + 12, 4);
	memcpy(pi->dst, ip + 16, 4);

	if ((get_be16(ip + 6) & IPV4_OFFMASK) != 0)
		return (decode_kind(pi, PKT_FRAGMENT));
	/* A first fragment (MF set) holds part of the datagram only. */
	return (decode_ipnext(c, ip[9], 0, (get_be16(ip + 6) & IPV4_MF) ?
	    SIZE_MAX : totlen - hlen, pi, depth));
}

/*
 * IPv6 (RFC 8200).  The payload length clamps the window, except that a
 * zero length in front of a hop-by-hop header may be a jumbogram (RFC
 * 2675), whose real length is in an option we do not read: then the
 * captured length is all we have.
 */
static enum decode_result
decode_ipv6(struct cursor *c, struct pkt_info *pi, int depth)
{
	const uint8_t	*ip;
	uint16_t	 plen;

	if ((ip = cursor_take(c, IPV6_HDR_LEN)) == NULL)
		return (DECODE_TRUNCATED);
	if ((ip[0] >> 4) != 6)
		return (DECODE_MALFORMED);
	plen = get_be16(ip + 4);
	if (plen != 0 || ip[6] != PC_IPPROTO_HOPOPTS)
		cursor_clamp(c, plen);

	pi->ipver = 6;
	pi->ip_layers++;
	pi->ipproto = ip[6];
	memcpy(pi->src, ip + 8, 16);
	memcpy(pi->dst, ip + 24, 16);
	/* A jumbogram's length is in an option we do not read. */
	return (decode_ipnext(c, ip[6], 1, plen != 0 ? plen : SIZE_MAX, pi,
	    depth));
}

/* Headers that sit between IPv6 and its upper layer (RFC 8200 4.1). */
static int
decode_ipv6_is_ext(uint8_t nh)
{
	switch (nh) {
	case PC_IPPROTO_HOPOPTS:
	case PC_IPPROTO_ROUTING:
	case PC_IPPROTO_FRAGMENT:
	case PC_IPPROTO_DSTOPTS:
	case PC_IPPROTO_AH:
	case PC_IPPROTO_MH:
	case PC_IPPROTO_HIP:
	case PC_IPPROTO_SHIM6:
		return (1);
	default:
		return (0);
	}
}

/*
 * What follows an IP header whose protocol (next header) is nh; iplen is
 * what that header says follows it, SIZE_MAX when unknown (a first
 * fragment, a jumbogram).  For IPv6 the extension header chain comes
 * first: most headers are (len + 1) * 8 bytes, AH (RFC 4302, also accepted
 * after IPv4) is (len + 2) * 4, the fragment header a fixed 8.  Then the
 * transport, or a tunnel: IP-in-IP and 6in4 (RFC 2003, RFC 4213) in either
 * outer version, and GRE.
 */
static enum decode_result
decode_ipnext(struct cursor *c, uint8_t nh, int v6, size_t iplen,
    struct pkt_info *pi, int depth)
{
	const uint8_t		*h;
	size_t			 len;
	enum decode_result	 rv;
	uint8_t			 proto, flags = 0, tcp_flags = 0;

	/*
	 * No count limit: RFC 8200 (4.1) has a node accept extension headers
	 * occurring any number of times, and tcpdump and Wireshark walk a
	 * chain of any length.  Each header is at least 8 bytes and is
	 * taken from a window already clamped to the captured bytes and the
	 * IP length, so the walk ends within caplen / 8 steps.
	 */
	while (v6 ? decode_ipv6_is_ext(nh) : nh == PC_IPPROTO_AH) {
		if ((h = cursor_peek(c, 2)) == NULL)
			return (DECODE_TRUNCATED);
		if (nh == PC_IPPROTO_FRAGMENT)
			len = IPV6_FRAG_HDR_LEN;
		else if (nh == PC_IPPROTO_AH)
			len = ((size_t)h[1] + 2) * 4;
		else
			len = ((size_t)h[1] + 1) * 8;
		/*
		 * Longer than what the IP header says is left, the header
		 * lies about its length, as an IHL past the total length or
		 * a UDP length past the IP length does.  Past the captured
		 * bytes it was only cut.
		 */
		if (iplen != SIZE_MAX && len > iplen)
			return (DECODE_MALFORMED);
		if ((h = cursor_take(c, len)) == NULL)
			return (DECODE_TRUNCATED);
		pi->ipproto = h[0];
		if (nh == PC_IPPROTO_FRAGMENT &&
		    (get_be16(h + 2) & IPV6_FRAG_OFFMASK) != 0)
			return (decode_kind(pi, PKT_FRAGMENT));
		/* A first fragment holds part of the datagram only. */
		if (nh == PC_IPPROTO_FRAGMENT && (h[3] & IPV6_FRAG_MORE) != 0)
			iplen = SIZE_MAX;
		if (iplen != SIZE_MAX)
			iplen -= len;
		nh = h[0];
	}

	switch (nh) {
	case PC_IPPROTO_TCP:
		if ((h = cursor_peek(c, PORTS_LEN)) == NULL)
			return (DECODE_TRUNCATED);
		proto = PC_PROTO_TCP;
		/* The flags are a bonus: ports alone make the packet count. */
		if ((h = cursor_peek(c, TCP_FLAGS_OFF + 1)) != NULL) {
			/* A data offset below 5 words is a lie (RFC 9293). */
			if ((h[TCP_DOFF_OFF] >> 4) < TCP_HDR_MIN / 4)
				return (DECODE_MALFORMED);
			tcp_flags = h[TCP_FLAGS_OFF];
			flags |= PKT_F_TCPFLAGS;
		}
		break;
	case PC_IPPROTO_UDP:
		proto = PC_PROTO_UDP;
		/*
		 * RFC 768: the length covers header and data, so it is at
		 * least 8 and at most what the IP header says follows
		 * (unknown for a first fragment or a jumbogram).
		 */
		if ((h = cursor_peek(c, UDP_HDR_LEN)) != NULL &&
		    (get_be16(h + UDP_LEN_OFF) < UDP_HDR_LEN ||
		    (iplen != SIZE_MAX &&
		    get_be16(h + UDP_LEN_OFF) > iplen)))
			return (DECODE_MALFORMED);
		break;
	case PC_IPPROTO_UDPLITE:
		proto = PC_PROTO_UDPLITE;
		break;
	case PC_IPPROTO_DCCP:
		proto = PC_PROTO_DCCP;
		/* Like TCP's flags, the packet type is a bonus. */
		if ((h = cursor_peek(c, DCCP_TYPE_OFF + 1)) != NULL) {
			if (DCCP_TYPE(h[DCCP_TYPE_OFF]) == DCCP_REQUEST)
				flags |= PKT_F_DCCP_REQUEST;
			else if (DCCP_TYPE(h[DCCP_TYPE_OFF]) == DCCP_RESPONSE)
				flags |= PKT_F_DCCP_RESPONSE;
		}
		break;
	case PC_IPPROTO_SCTP:
		/* Wireshark reads no SCTP ports from a partial header. */
		if (cursor_peek(c, SCTP_COMMON_HDR_LEN) == NULL)
			return (DECODE_TRUNCATED);
		proto = PC_PROTO_SCTP;
		h = cursor_peek(c, SCTP_COMMON_HDR_LEN + SCTP_CHUNK_HDR_LEN);
		if (h != NULL && h[SCTP_CHUNK_TYPE_OFF] == SCTP_CHUNK_INIT)
			flags |= PKT_F_SCTP_INIT;
		if (h != NULL && h[SCTP_CHUNK_TYPE_OFF] == SCTP_CHUNK_INIT_ACK)
			flags |= PKT_F_SCTP_INIT_ACK;
		break;
	case PC_IPPROTO_ICMP:
		/* Errors quote a transport header: it is never read. */
		return (decode_kind(pi, PKT_ICMP));
	case PC_IPPROTO_ICMPV6:
		return (decode_kind(pi, PKT_ICMPV6));
	case PC_IPPROTO_IPIP:
		if (depth >= DECODE_MAX_TUNNEL)
			return (DECODE_MALFORMED);
		return (decode_ipv4(c, pi, depth + 1));
	case PC_IPPROTO_IPV6:
		if (depth >= DECODE_MAX_TUNNEL)
			return (DECODE_MALFORMED);
		return (decode_ipv6(c, pi, depth + 1));
	case PC_IPPROTO_GRE:
		if (depth >= DECODE_MAX_TUNNEL)
			return (DECODE_MALFORMED);
		rv = decode_gre(c, pi, depth + 1);
		/* GRE carrying no IP is still IP without ports. */
		if (rv == DECODE_OK && pi->kind == PKT_NON_IP)
			pi->kind = PKT_OTHER_IP;
		return (rv);
	default:
		/* ESP, No Next Header, OSPF, VRRP, PIM, ... */
		return (decode_kind(pi, PKT_OTHER_IP));
	}

	/* TCP, UDP, UDP-Lite, DCCP, SCTP: the ports lead every header. */
	if ((h = cursor_peek(c, PORTS_LEN)) == NULL)
		return (DECODE_TRUNCATED);
	pi->proto = proto;
	pi->flags = flags;
	pi->tcp_flags = tcp_flags;
	pi->sport = get_be16(h);
	pi->dport = get_be16(h + 2);
	return (decode_kind(pi, PKT_PORTS));
}

/*
 * GRE.  Version 0 (RFC 2784 with the RFC 2890 key and sequence fields; the
 * checksum word is also present when only the RFC 1701 routing bit is set)
 * carries an EtherType.  Version 1 is PPTP's enhanced GRE (RFC 2637): key
 * always, sequence and acknowledgement optional, PPP inside.  RFC 1701
 * source routing entries are not parsed: such packets are PKT_OTHER_IP.
 * ERSPAN type II (0x88be with a sequence number) has an 8-byte header
 * before the mirrored Ethernet frame, type I (0x88be without one) none,
 * type III (0x22eb) 12 bytes plus an 8-byte platform subheader when its O
 * bit is set.
 */
static enum decode_result
decode_gre(struct cursor *c, struct pkt_info *pi, int depth)
{
	const uint8_t	*h;
	uint16_t	 flags, proto;
	size_t		 opt = 0;

	if ((h = cursor_take(c, GRE_HDR_MIN)) == NULL)
		return (DECODE_TRUNCATED);
	flags = get_be16(h);
	proto = get_be16(h + 2);

	switch (flags & GRE_VERSION_MASK) {
	case 0:
		if (flags & GRE_ROUTING)
			return (decode_kind(pi, PKT_OTHER_IP));
		if (flags & GRE_CHECKSUM)
			opt += GRE_OPT_LEN;
		if (flags & GRE_KEY)
			opt += GRE_OPT_LEN;
		if (flags & GRE_SEQ)
			opt += GRE_OPT_LEN;
		break;
	case GRE_VERSION_PPTP:
		if (proto != ETHERTYPE_PPP || (flags & GRE_KEY) == 0 ||
		    (flags & (GRE_CHECKSUM | GRE_ROUTING)) != 0)
			return (DECODE_MALFORMED);
		opt = GRE_OPT_LEN;
		if (flags & GRE_SEQ)
			opt += GRE_OPT_LEN;
		if (flags & GRE_ACK)
			opt += GRE_OPT_LEN;
		break;
	default:
		return (decode_kind(pi, PKT_OTHER_IP));
	}
	if (cursor_take(c, opt) == NULL)
		return (DECODE_TRUNCATED);

	switch (proto) {
	case ETHERTYPE_ERSPAN2:
		if ((flags & GRE_SEQ) &&
		    cursor_take(c, ERSPAN2_HDR_LEN) == NULL)
			return (DECODE_TRUNCATED);
		return (decode_ether_inner(c, pi, depth));
	case ETHERTYPE_ERSPAN3:
		if ((h = cursor_take(c, ERSPAN3_HDR_LEN)) == NULL)
			return (DECODE_TRUNCATED);
		if ((h[ERSPAN3_HDR_LEN - 1] & ERSPAN3_O_BIT) &&
		    cursor_take(c, ERSPAN3_SUBHDR_LEN) == NULL)
			return (DECODE_TRUNCATED);
		return (decode_ether_inner(c, pi, depth));
	default:
		return (decode_ethertype(c, proto, pi, depth));
	}
}

/*
 * Linux cooked capture v1 (16 bytes) and v2 (20 bytes).  The protocol is
 * an EtherType unless it is below 0x0600, where Linux puts its own
 * pseudo-protocols (802.2 frames, CAN, ...), none of them IP.  Netlink
 * captures (ARPHRD_NETLINK) carry netlink messages, not packets.
 */
static enum decode_result
decode_sll(struct cursor *c, struct pkt_info *pi, size_t hdrlen,
    size_t protooff, size_t hatypeoff)
{
	const uint8_t	*h;
	uint16_t	 proto;

	if ((h = cursor_take(c, hdrlen)) == NULL)
		return (DECODE_TRUNCATED);
	proto = get_be16(h + protooff);
	if (get_be16(h + hatypeoff) == ARPHRD_NETLINK || proto < ETHERTYPE_MIN)
		return (decode_kind(pi, PKT_NON_IP));
	return (decode_ethertype(c, proto, pi, 0));
}

/* The address family of a BSD loopback header, as IP version or 0. */
static int
decode_null_af(uint32_t af)
{
	switch (af) {
	case BSD_AF_INET:
		return (4);
	case BSD_AF_INET6_LINUX:
	case BSD_AF_INET6_WIN:
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return (6);
	default:
		return (0);
	}
}

/*
 * BSD loopback: a 4-byte address family, in the byte order of the machine
 * that captured for DLT_NULL and in network order for DLT_LOOP.  Families
 * are small numbers, so a DLT_NULL value that does not fit in 16 bits read
 * big-endian must have been written little-endian.
 */
static enum decode_result
decode_null(struct cursor *c, struct pkt_info *pi, int host_order)
{
	const uint8_t	*h;
	uint32_t	 af;

	if ((h = cursor_take(c, NULL_HDR_LEN)) == NULL)
		return (DECODE_TRUNCATED);
	af = get_be32(h);
	if (host_order && af > 0xffff)
		af = get_le32(h);
	switch (decode_null_af(af)) {
	case 4:
		return (decode_ipv4(c, pi, 0));
	case 6:
		return (decode_ipv6(c, pi, 0));
	default:
		return (decode_kind(pi, PKT_NON_IP));
	}
}

/*
 * Linux NFLOG: family, version and resource id, then netlink attributes
 * (TLVs) whose length and type are in the capturing host's byte order and
 * which are padded to 4 bytes.  Little-endian is assumed unless only the
 * big-endian reading of the first attribute's length fits what was
 * captured; that order then holds for the whole record.  The packet is in
 * the NFULA_PAYLOAD attribute; one that is cut short is decoded as far as
 * it goes.  A record with no payload attribute is DECODE_TRUNCATED.
 */
static enum decode_result
decode_nflog(struct cursor *c, struct pkt_info *pi)
{
	const uint8_t	*h, *t;
	size_t		 left, le, be, len, type;
	uint8_t		 family;
	int		 big = -1;	/* -1: byte order not yet known */

	if ((h = cursor_take(c, NFLOG_HDR_LEN)) == NULL)
		return (DECODE_TRUNCATED);
	family = h[0];

	/* Each step takes at least a TLV header, so this ends. */
	for (;;) {
		if ((t = cursor_take(c, NFLOG_TLV_HDR_LEN)) == NULL)
			return (DECODE_TRUNCATED);
		if (big == -1) {
			/*
			 * Settle the order on the first attribute (normally
			 * the small NFULA_PACKET_HDR), so that a payload cut
			 * short by the snaplen is still read in that order.
			 */
			left = cursor_left(c) + NFLOG_TLV_HDR_LEN;
			le = get_le16(t);
			be = get_be16(t);
			big = (le < NFLOG_TLV_HDR_LEN || le > left) &&
			    be >= NFLOG_TLV_HDR_LEN && be <= left;
		}
		len = big ? get_be16(t) : get_le16(t);
		type = (size_t)(big ? get_be16(t + 2) : get_le16(t + 2)) &
		    NFLOG_TYPE_MASK;
		if (len < NFLOG_TLV_HDR_LEN)
			return (DECODE_MALFORMED);
		len -= NFLOG_TLV_HDR_LEN;
		if (type == NFULA_PAYLOAD)
			break;
		len = (len + NFLOG_ALIGN - 1) & ~(size_t)(NFLOG_ALIGN - 1);
		if (cursor_take(c, len) == NULL)
			return (DECODE_TRUNCATED);
	}

	cursor_clamp(c, len);
	switch (family) {
	case NFPROTO_IPV4:
		return (decode_ipv4(c, pi, 0));
	case NFPROTO_IPV6:
		return (decode_ipv6(c, pi, 0));
	default:
		return (decode_kind(pi, PKT_NON_IP));
	}
}

/*
 * Serial PPP (DLT_PPP_SERIAL) may also carry Cisco HDLC, whose address
 * byte is 0x0f or 0x8f and whose protocol is an EtherType.
 */
static enum decode_result
decode_ppp_serial(struct cursor *c, struct pkt_info *pi)
{
	const uint8_t	*h;

	if ((h = cursor_peek(c, 1)) != NULL &&
	    (h[0] == CHDLC_UNICAST || h[0] == CHDLC_BCAST)) {
		if ((h = cursor_take(c, CHDLC_HDR_LEN)) == NULL)
			return (DECODE_TRUNCATED);
		return (decode_ethertype(c, get_be16(h + 2), pi, 0));
	}
	return (decode_ppp(c, pi, 0));
}

int
decode_link_supported(int dlt)
{
	switch (dlt) {
	case PC_DLT_NULL:
	case PC_DLT_EN10MB:
	case PC_DLT_PPP:
	case PC_DLT_RAW:
	case PC_DLT_RAW_BSDOS:
	case PC_DLT_PPP_SERIAL:
	case PC_DLT_PPP_ETHER:
	case PC_DLT_LINKTYPE_RAW:
	case PC_DLT_LOOP:
	case PC_DLT_LINUX_SLL:
	case PC_DLT_IPV4:
	case PC_DLT_IPV6:
	case PC_DLT_NFLOG:
	case PC_DLT_LINUX_SLL2:
		return (1);
	default:
		return (0);
	}
}

/*
 * The common case in one step: Ethernet, IPv4 without options or IPv6
 * without extension headers, not a fragment, TCP or UDP, with the ports
 * (and TCP's flags) captured and inside the IP length.  It fills *pi
 * exactly as the general path does (the fuzz harness and the unit tests
 * compare the two on every input); any other frame returns 0 and takes
 * the general path.  This is most of the traffic on most links, and the
 * general path's layered calls cost more than the work itself.
 */
static int
decode_fast(int dlt, const uint8_t *f, size_t caplen, struct pkt_info *pi)
{
	const uint8_t	*ip = f + ETHER_HDR_LEN, *l4;
	size_t		 plen, avail;
	uint16_t	 type, ulen;
	uint8_t		 nh;

	if (dlt != PC_DLT_EN10MB || caplen < ETHER_HDR_LEN + IPV4_HDR_MIN +
	    UDP_HDR_LEN)
		return (0);
	type = get_be16(f + ETHER_ADDRS_LEN);
	if (type == ETHERTYPE_IP) {
		/* Neither fragment kind: a first one may not hold the
		 * whole UDP datagram that its length field describes. */
		if (ip[0] != 0x45 ||
		    (get_be16(ip + 6) & (IPV4_OFFMASK | IPV4_MF)) != 0)
			return (0);
		plen = get_be16(ip + 2);
		if (plen < IPV4_HDR_MIN)
			return (0);
		plen -= IPV4_HDR_MIN;
		nh = ip[9];
		l4 = ip + IPV4_HDR_MIN;
		pi->ipver = 4;
		memcpy(pi->src, ip + 12, 4);
		memcpy(pi->dst, ip + 16, 4);
	} else if (type == ETHERTYPE_IPV6) {
		if ((ip[0] >> 4) != 6 || caplen < ETHER_HDR_LEN +
		    IPV6_HDR_LEN + UDP_HDR_LEN)
			return (0);
		plen = get_be16(ip + 4);
		nh = ip[6];
		l4 = ip + IPV6_HDR_LEN;
		pi->ipver = 6;
		memcpy(pi->src, ip + 8, 16);
		memcpy(pi->dst, ip + 24, 16);
	} else
		return (0);
	/* At least a UDP header's worth is captured past l4 (checked
	 * above); what we read must also lie inside the IP length. */
	avail = caplen - (size_t)(l4 - f);
	if (nh == PC_IPPROTO_TCP) {
		/* A data offset below 5 lies: the general path's. */
		if (avail <= TCP_FLAGS_OFF || plen <= TCP_FLAGS_OFF ||
		    (l4[TCP_DOFF_OFF] >> 4) < TCP_HDR_MIN / 4)
			return (0);
		pi->proto = PC_PROTO_TCP;
		pi->flags = PKT_F_TCPFLAGS;
		pi->tcp_flags = l4[TCP_FLAGS_OFF];
	} else if (nh == PC_IPPROTO_UDP) {
		/* A UDP length that lies is the general path's too. */
		ulen = get_be16(l4 + UDP_LEN_OFF);
		if (plen < UDP_HDR_LEN || ulen < UDP_HDR_LEN || ulen > plen)
			return (0);
		pi->proto = PC_PROTO_UDP;
	} else
		return (0);
	pi->kind = PKT_PORTS;
	pi->ipproto = nh;
	pi->ip_layers = 1;
	pi->sport = get_be16(l4);
	pi->dport = get_be16(l4 + 2);
	return (1);
}

enum decode_result
decode_frame(int dlt, const uint8_t *frame, size_t caplen,
    struct pkt_info *pi)
{
	/* decode_fast() may have written part of *pi: the general path
	 * starts again from zero. */
	if (frame != NULL) {
		memset(pi, 0, sizeof(*pi));
		if (decode_fast(dlt, frame, caplen, pi))
			return (DECODE_OK);
	}
	return (decode_frame_general(dlt, frame, caplen, pi));
}

/*
 * Out of line: inlined into the per-frame path, the layered decoders made
 * its stack frame kilobytes deep and every frame paid for saving registers
 * that only the rare frames use.
 */
__attribute__((noinline)) enum decode_result
decode_frame_general(int dlt, const uint8_t *frame, size_t caplen,
    struct pkt_info *pi)
{
	static const uint8_t	 empty[1];
	struct cursor		 c;

	memset(pi, 0, sizeof(*pi));
	/* PKT_PORTS is 0: never let a failed decode look like one. */
	pi->kind = PKT_NON_IP;
	if (frame == NULL) {
		frame = empty;
		caplen = 0;
	}
	cursor_init(&c, frame, caplen);

	switch (dlt) {
	case PC_DLT_EN10MB:
		return (decode_ether(&c, pi, 0));
	case PC_DLT_LINUX_SLL:
		return (decode_sll(&c, pi, SLL_HDR_LEN, SLL_PROTO_OFF,
		    SLL_HATYPE_OFF));
	case PC_DLT_LINUX_SLL2:
		return (decode_sll(&c, pi, SLL2_HDR_LEN, 0, SLL2_HATYPE_OFF));
	case PC_DLT_RAW:
	case PC_DLT_RAW_BSDOS:
	case PC_DLT_LINKTYPE_RAW:
		return (decode_ip_any(&c, pi, 0));
	case PC_DLT_IPV4:
		return (decode_ipv4(&c, pi, 0));
	case PC_DLT_IPV6:
		return (decode_ipv6(&c, pi, 0));
	case PC_DLT_NULL:
		return (decode_null(&c, pi, 1));
	case PC_DLT_LOOP:
		return (decode_null(&c, pi, 0));
	case PC_DLT_PPP:
		return (decode_ppp(&c, pi, 0));
	case PC_DLT_PPP_SERIAL:
		return (decode_ppp_serial(&c, pi));
	case PC_DLT_PPP_ETHER:
		return (decode_pppoe(&c, pi, 0));
	case PC_DLT_NFLOG:
		return (decode_nflog(&c, pi));
	default:
		return (DECODE_UNSUPPORTED);
	}
}
