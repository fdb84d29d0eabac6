/*
 * classify.c - the service-port rule: which of a packet's two ports names
 * the service it belongs to.
 *
 * Handshake evidence comes first, because it is the only thing that says
 * which side accepted the connection: a TCP SYN without ACK goes to the
 * server (RFC 9293 section 3.5), a SYN+ACK comes from it, and SCTP's INIT
 * and INIT ACK play the same roles (RFC 9260 section 5.1).  That evidence
 * is kept in the flow cache so the rest of the connection, in both
 * directions, follows it.  Without evidence the two ports' IANA status
 * decides, then their range (RFC 6335 section 6), then the lower number.
 * UDP, UDP-Lite and DCCP have no handshake we read, so they get the status
 * rule only.  See docs/service-port.md for the reasons and examples.
 *
 * Nothing here allocates, logs or calls the system: it runs per packet.
 */
#include <stdint.h>

#include "portclass/classify.h"
#include "portclass/flow.h"
#include "portclass/proto.h"
#include "portclass/registry.h"

enum classify_handshake {
	CLASSIFY_HS_NONE = 0,
	CLASSIFY_HS_OPEN,	/* SYN / INIT: the destination is the server */
	CLASSIFY_HS_ACCEPT	/* SYN+ACK / INIT ACK: the source is */
};

static const char *const classify_reason_names[CLASSIFY_REASON_COUNT] = {
	[CLASSIFY_SYN] = "syn",
	[CLASSIFY_SYNACK] = "synack",
	[CLASSIFY_FLOW] = "flow",
	[CLASSIFY_SAME] = "same",
	[CLASSIFY_STATUS] = "status",
	[CLASSIFY_SYSTEM] = "range",
	[CLASSIFY_LOWER] = "lower",
	[CLASSIFY_EPHEMERAL] = "ephemeral",
};

const char *
classify_reason_name(enum classify_reason r)
{
	if ((unsigned int)r >= CLASSIFY_REASON_COUNT)
		return ("?");
	return (classify_reason_names[r]);
}

/* Only TCP and SCTP have a handshake the decoder reports. */
static int
classify_has_handshake(const struct pkt_info *pi)
{
	return (pi->proto == PC_PROTO_TCP || pi->proto == PC_PROTO_SCTP);
}

static enum classify_handshake
classify_handshake(const struct pkt_info *pi)
{
	uint8_t	 f;

	if (pi->proto == PC_PROTO_TCP) {
		/* Without captured flags we cannot tell a SYN from data. */
		if ((pi->flags & PKT_F_TCPFLAGS) == 0)
			return (CLASSIFY_HS_NONE);
		f = pi->tcp_flags;
		if ((f & TH_SYN) == 0)
			return (CLASSIFY_HS_NONE);
		return ((f & TH_ACK) ? CLASSIFY_HS_ACCEPT : CLASSIFY_HS_OPEN);
	}
	if (pi->proto == PC_PROTO_SCTP) {
		if (pi->flags & PKT_F_SCTP_INIT)
			return (CLASSIFY_HS_OPEN);
		if (pi->flags & PKT_F_SCTP_INIT_ACK)
			return (CLASSIFY_HS_ACCEPT);
	}
	return (CLASSIFY_HS_NONE);
}

/*
 * Lower is better.  Reserved and unassigned tie: neither names a service,
 * but both are in the range IANA hands out, so a listener there is more
 * likely a server than a port drawn from the dynamic range.
 */
static int
classify_status_rank(enum reg_status st)
{
	switch (st) {
	case REG_ASSIGNED:
	case REG_LOCAL:		/* the site declared a listener there */
		return (0);
	case REG_RESERVED:
	case REG_UNASSIGNED:
		return (1);
	case REG_DYNAMIC:
	default:
		return (2);
	}
}

/* System 0-1023, user 1024-49151, dynamic 49152-65535 (RFC 6335). */
static int
classify_range_rank(uint16_t port)
{
	if (port <= PORT_SYSTEM_MAX)
		return (0);
	if (port <= PORT_USER_MAX)
		return (1);
	return (2);
}

static void
classify_set(struct classify_result *res, uint16_t port,
    enum classify_reason why)
{
	res->port = port;
	res->ephemeral = 0;
	res->reason = (uint8_t)why;
}

/* The rule without handshake evidence. */
static void
classify_by_status(const struct registry *reg, const struct pkt_info *pi,
    struct classify_result *res)
{
	enum reg_status	 ss, ds;
	int		 sr, dr;

	if (pi->sport == pi->dport) {
		classify_set(res, pi->sport, CLASSIFY_SAME);
		return;
	}
	ss = registry_status(reg, pi->proto, pi->sport);
	ds = registry_status(reg, pi->proto, pi->dport);
	sr = classify_status_rank(ss);
	dr = classify_status_rank(ds);
	if (sr != dr) {
		classify_set(res, sr < dr ? pi->sport : pi->dport,
		    CLASSIFY_STATUS);
		return;
	}
	if (ss == REG_DYNAMIC && ds == REG_DYNAMIC) {
		res->port = 0;
		res->ephemeral = 1;
		res->reason = CLASSIFY_EPHEMERAL;
		return;
	}
	sr = classify_range_rank(pi->sport);
	dr = classify_range_rank(pi->dport);
	if (sr != dr) {
		classify_set(res, sr < dr ? pi->sport : pi->dport,
		    CLASSIFY_SYSTEM);
		return;
	}
	classify_set(res, pi->sport < pi->dport ? pi->sport : pi->dport,
	    CLASSIFY_LOWER);
}

/*
 * Handshake evidence is kept only where it contradicts the status rule:
 * everywhere else the rule alone gives the same answer for every packet of
 * the connection, and remembering it would cost a hash lookup per packet
 * for nothing.  The hint (flow.h) lets the other packets skip the lookup
 * unless some contradicted connection shares their status-rule answer.
 */
void
classify_packet(const struct registry *reg, struct flow_cache *flows,
    const struct pkt_info *pi, struct classify_result *res)
{
	struct classify_result	 rule;
	enum classify_handshake	 hs;
	uint32_t		 hint;
	uint16_t		 server, port;

	hs = classify_handshake(pi);
	if (hs == CLASSIFY_HS_NONE && pi->sport == pi->dport) {
		classify_set(res, pi->sport, CLASSIFY_SAME);
		return;
	}
	classify_by_status(reg, pi, &rule);
	hint = flow_hint(pi->proto, rule.ephemeral ? FLOW_HINT_EPHEMERAL :
	    rule.port);
	if (hs != CLASSIFY_HS_NONE) {
		server = hs == CLASSIFY_HS_OPEN ? pi->dport : pi->sport;
		if (flows != NULL) {
			if (rule.ephemeral || rule.port != server)
				flow_learn(flows, pi, hs == CLASSIFY_HS_OPEN,
				    hint);
			else if (flow_hinted(flows, hint))
				flow_forget(flows, pi);	/* stale tuple */
		}
		classify_set(res, server, hs == CLASSIFY_HS_OPEN ?
		    CLASSIFY_SYN : CLASSIFY_SYNACK);
		return;
	}
	if (flows != NULL && classify_has_handshake(pi) &&
	    flow_hinted(flows, hint) && flow_server_port(flows, pi, &port)) {
		classify_set(res, port, CLASSIFY_FLOW);
		return;
	}
	*res = rule;
}
