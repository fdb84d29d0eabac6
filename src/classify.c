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
 * The status rule compares ports by two ranks, lower is better: first
 * their status, then their range.  Reserved and unassigned tie: neither
 * names a service, but both are in the range IANA hands out, so a listener
 * there is more likely a server than a port drawn from the dynamic range.
 * A site's own --map entry ranks as an assignment: somebody declared a
 * listener there.
 */
#define CLASSIFY_RANK_DYNAMIC	2
#define CLASSIFY_RANK(st)						\
	((st) == REG_ASSIGNED || (st) == REG_LOCAL ? 0 :		\
	 (st) == REG_RESERVED || (st) == REG_UNASSIGNED ? 1 :		\
	 CLASSIFY_RANK_DYNAMIC)

/*
 * Both ranks of a port in one number, status rank above range rank, so
 * that the rule is one comparison of two small integers per packet;
 * indexed by the port's class (registry.h), which holds its status and
 * range.  Every 5-bit value has an entry.
 */
#define CLASSIFY_KEY(st, rg)	((uint8_t)(CLASSIFY_RANK(st) << 2 | (rg)))
#define CLASSIFY_KEYS(rg)						\
	CLASSIFY_KEY(0, rg), CLASSIFY_KEY(1, rg), CLASSIFY_KEY(2, rg),	\
	CLASSIFY_KEY(3, rg), CLASSIFY_KEY(4, rg), CLASSIFY_KEY(5, rg),	\
	CLASSIFY_KEY(6, rg), CLASSIFY_KEY(7, rg)
static const uint8_t classify_keys[32] = {
	CLASSIFY_KEYS(REG_RANGE_SYSTEM), CLASSIFY_KEYS(REG_RANGE_USER),
	CLASSIFY_KEYS(REG_RANGE_DYNAMIC), CLASSIFY_KEYS(3)
};

static inline unsigned int
classify_key(const struct registry *reg, unsigned int proto, uint16_t port)
{
	return (classify_keys[registry_class(reg, proto, port) & 31]);
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
static inline void
classify_by_status(const struct registry *reg, const struct pkt_info *pi,
    struct classify_result *res)
{
	unsigned int	 ks, kd;

	if (pi->sport == pi->dport) {
		classify_set(res, pi->sport, CLASSIFY_SAME);
		return;
	}
	ks = classify_key(reg, pi->proto, pi->sport);
	kd = classify_key(reg, pi->proto, pi->dport);
	if (ks != kd) {
		/* A better status, or the same status in a lower range. */
		classify_set(res, ks < kd ? pi->sport : pi->dport,
		    (ks >> 2) != (kd >> 2) ? CLASSIFY_STATUS : CLASSIFY_SYSTEM);
		return;
	}
	if ((ks >> 2) == CLASSIFY_RANK_DYNAMIC) {
		/* Two unassigned dynamic ports: no service port at all. */
		res->port = 0;
		res->ephemeral = 1;
		res->reason = CLASSIFY_EPHEMERAL;
		return;
	}
	classify_set(res, pi->sport < pi->dport ? pi->sport : pi->dport,
	    CLASSIFY_LOWER);
}

static inline uint32_t
classify_hint(const struct pkt_info *pi, const struct classify_result *rule)
{
	return (flow_hint(pi->proto, rule->ephemeral ? FLOW_HINT_EPHEMERAL :
	    rule->port));
}

/*
 * A handshake packet: it names the server itself.  Out of line, so that
 * the path every other packet takes stays short.
 */
static __attribute__((noinline)) void
classify_handshake_packet(const struct registry *reg,
    struct flow_cache *flows, const struct pkt_info *pi,
    enum classify_handshake hs, struct classify_result *res)
{
	struct classify_result	 rule;
	uint32_t		 hint;
	uint16_t		 server;

	classify_by_status(reg, pi, &rule);
	hint = classify_hint(pi, &rule);
	server = hs == CLASSIFY_HS_OPEN ? pi->dport : pi->sport;
	if (flows != NULL) {
		if (rule.ephemeral || rule.port != server)
			flow_learn(flows, pi, hs == CLASSIFY_HS_OPEN, hint);
		else if (flow_hinted(flows, hint))
			flow_forget(flows, pi);	/* stale tuple */
	}
	classify_set(res, server, hs == CLASSIFY_HS_OPEN ? CLASSIFY_SYN :
	    CLASSIFY_SYNACK);
}

/* A learnt connection may share this answer: look it up, out of line. */
static __attribute__((noinline)) void
classify_by_flow(struct flow_cache *flows, const struct pkt_info *pi,
    struct classify_result *res)
{
	uint16_t	port;

	if (flow_server_port(flows, pi, &port))
		classify_set(res, port, CLASSIFY_FLOW);
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
	enum classify_handshake	 hs;

	if ((hs = classify_handshake(pi)) != CLASSIFY_HS_NONE) {
		classify_handshake_packet(reg, flows, pi, hs, res);
		return;
	}
	classify_by_status(reg, pi, res);
	if (res->reason == CLASSIFY_SAME || flows == NULL ||
	    !classify_has_handshake(pi))
		return;
	if (flow_hinted(flows, classify_hint(pi, res)))
		classify_by_flow(flows, pi, res);
}
