/*
 * classify.c - the service-port rule: which of a packet's two ports names
 * the service it belongs to.
 *
 * Evidence comes first, because only evidence says which side accepted
 * the connection: a TCP SYN without ACK goes to the server (RFC 9293
 * section 3.5), a SYN+ACK comes from it, and SCTP's INIT and INIT ACK
 * (RFC 9260 section 5.1) and DCCP's Request and Response (RFC 4340
 * section 8.1) play the same roles.  The flow cache keeps a connection's
 * handshake for the rest of it; the listener memory keeps which endpoints
 * listen, from handshakes and fan-in, for every later connection to them;
 * for UDP, the conversation's first packet goes to the server.  Without
 * evidence the two ports decide: a port outside the client ranges, then
 * IANA status, then range (RFC 6335 section 6), then the lower number.
 * See docs/service-port.md for the reasons and examples.
 *
 * The rule is computed first for every packet (two class loads and one
 * comparison), and evidence is asked only whether it names another port:
 * the flow cache and the listener memory keep per-port counts that let
 * most packets skip their lookups.  A packet's reason names the evidence
 * only when the evidence changed the answer.
 *
 * Nothing here allocates, logs or calls the system: it runs per packet.
 */
#include <stdint.h>

#include "portclass/classify.h"
#include "portclass/flow.h"
#include "portclass/listener.h"
#include "portclass/proto.h"
#include "portclass/registry.h"

enum classify_handshake {
	CLASSIFY_HS_NONE = 0,
	CLASSIFY_HS_OPEN,	/* SYN, INIT, Request: the destination serves */
	CLASSIFY_HS_ACCEPT	/* SYN+ACK, INIT ACK, Response: the source */
};

static const char *const classify_reason_names[CLASSIFY_REASON_COUNT] = {
	[CLASSIFY_SYN] = "syn",
	[CLASSIFY_SYNACK] = "synack",
	[CLASSIFY_SAME] = "same",
	[CLASSIFY_FLOW] = "flow",
	[CLASSIFY_LISTENER] = "listener",
	[CLASSIFY_FANIN] = "fanin",
	[CLASSIFY_FIRST] = "first",
	[CLASSIFY_CLIENT] = "client-range",
	[CLASSIFY_STATUS] = "status",
	[CLASSIFY_RANGE] = "range",
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

/* TCP, SCTP and DCCP have a handshake the decoder reports. */
static int
classify_has_handshake(const struct pkt_info *pi)
{
	return (pi->proto == PC_PROTO_TCP || pi->proto == PC_PROTO_SCTP ||
	    pi->proto == PC_PROTO_DCCP);
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
	if (pi->flags & (PKT_F_SCTP_INIT | PKT_F_DCCP_REQUEST))
		return (CLASSIFY_HS_OPEN);
	if (pi->flags & (PKT_F_SCTP_INIT_ACK | PKT_F_DCCP_RESPONSE))
		return (CLASSIFY_HS_ACCEPT);
	return (CLASSIFY_HS_NONE);
}

/*
 * The rule compares ports by three ranks, lower is better.  First whether
 * the port lies in the client ranges: clients draw source ports there, so
 * a port there is weaker evidence of a listener than one outside, even
 * when IANA assigned it (Linux clients sit on 33000 wg-endpt-comms or
 * 40000 safetynetp all the time).  Then status: reserved and unassigned
 * tie, since neither names a service but both are in the range IANA hands
 * out; the dynamic range comes last.  A site's own --map entry ranks as
 * an assignment outside the client ranges: somebody declared a listener
 * there.  Then the range of RFC 6335.
 */
#define CLASSIFY_RANK_DYNAMIC	2
#define CLASSIFY_RANK(st)						\
	((st) == REG_ASSIGNED || (st) == REG_LOCAL ? 0 :		\
	 (st) == REG_RESERVED || (st) == REG_UNASSIGNED ? 1 :		\
	 CLASSIFY_RANK_DYNAMIC)
#define CLASSIFY_IN_CLIENT(st, cl)	((cl) && (st) != REG_LOCAL)

/*
 * The ranks of a port in one number, client bit above status rank above
 * range, so that the rule is one comparison of two small integers per
 * packet; indexed by the port's class (registry.h: status, range, and
 * whether the port is in the client ranges).  Every 6-bit value has an
 * entry.
 */
#define CLASSIFY_KEY(st, rg, cl)					\
	((uint8_t)(CLASSIFY_IN_CLIENT(st, cl) << 4 |			\
	    CLASSIFY_RANK(st) << 2 | (rg)))
#define CLASSIFY_KEYS(rg, cl)						\
	CLASSIFY_KEY(0, rg, cl), CLASSIFY_KEY(1, rg, cl),		\
	CLASSIFY_KEY(2, rg, cl), CLASSIFY_KEY(3, rg, cl),		\
	CLASSIFY_KEY(4, rg, cl), CLASSIFY_KEY(5, rg, cl),		\
	CLASSIFY_KEY(6, rg, cl), CLASSIFY_KEY(7, rg, cl)
#define CLASSIFY_KEYS_CL(cl)						\
	CLASSIFY_KEYS(REG_RANGE_SYSTEM, cl), CLASSIFY_KEYS(REG_RANGE_USER, cl), \
	CLASSIFY_KEYS(REG_RANGE_DYNAMIC, cl), CLASSIFY_KEYS(3, cl)
static const uint8_t classify_keys[64] = {
	CLASSIFY_KEYS_CL(0), CLASSIFY_KEYS_CL(1)
};

_Static_assert(REG_CLASS(7, 3, 1) < sizeof(classify_keys),
    "every class has a key");

static inline unsigned int
classify_key(const struct registry *reg, unsigned int proto, uint16_t port)
{
	return (classify_keys[registry_class(reg, proto, port)]);
}

static void
classify_set(struct classify_result *res, uint16_t port,
    enum classify_reason why)
{
	res->port = port;
	res->ephemeral = 0;
	res->reason = (uint8_t)why;
	res->guess = 0;
}

/*
 * The key of an assigned (or local) port outside the client ranges is
 * below this; that of a port inside them is at least CLASSIFY_KEY_CLIENT.
 * Such a pair is the one answer the rule is sure of.
 */
#define CLASSIFY_KEY_SURE	4
#define CLASSIFY_KEY_CLIENT	16

/* A power of two: 1 in this many sure conversations is noted. */
#define CLASSIFY_SURE_SAMPLE	64

/* The rule from the two ports alone (step 2 and 4). */
static inline void
classify_by_status(const struct registry *reg, const struct pkt_info *pi,
    struct classify_result *res)
{
	unsigned int	 ks, kd, d, lo;

	if (pi->sport == pi->dport) {
		classify_set(res, pi->sport, CLASSIFY_SAME);
		return;
	}
	ks = classify_key(reg, pi->proto, pi->sport);
	kd = classify_key(reg, pi->proto, pi->dport);
	if (ks != kd) {
		/* The highest rank that differs says why. */
		d = ks ^ kd;
		lo = ks < kd ? ks : kd;
		classify_set(res, ks < kd ? pi->sport : pi->dport,
		    d >= CLASSIFY_KEY_CLIENT ? CLASSIFY_CLIENT : d >= 4 ?
		    CLASSIFY_STATUS : CLASSIFY_RANGE);
		res->guess = lo >= CLASSIFY_KEY_SURE ||
		    (lo ^ d) < CLASSIFY_KEY_CLIENT;
		return;
	}
	if ((ks >> 2 & 3) == CLASSIFY_RANK_DYNAMIC) {
		/* Two unassigned dynamic ports: no service port at all. */
		res->port = 0;
		res->ephemeral = 1;
		res->reason = CLASSIFY_EPHEMERAL;
		res->guess = 1;
		return;
	}
	classify_set(res, pi->sport < pi->dport ? pi->sport : pi->dport,
	    CLASSIFY_LOWER);
	res->guess = 1;
}

static inline uint32_t
classify_hint(const struct pkt_info *pi, const struct classify_result *rule)
{
	return (flow_hint(pi->proto, rule->ephemeral ? FLOW_HINT_EPHEMERAL :
	    rule->port));
}

/*
 * A known listener that outranks the other endpoint, where it names
 * another port than the rule did (ephemeral: either port).  Returns 1
 * when it changed *res.
 */
static int
classify_by_listener(struct listener_table *lt, const struct pkt_info *pi,
    struct classify_result *res)
{
	struct listener_verdict	 v;

	if (!listener_pick(lt, pi, res->ephemeral || res->port != pi->sport,
	    res->ephemeral || res->port != pi->dport, &v))
		return (0);
	classify_set(res, v.port, v.kind == LISTENER_HANDSHAKE ?
	    CLASSIFY_LISTENER : CLASSIFY_FANIN);
	return (1);
}

/*
 * A packet the rule is not sure of (classify_by_status()): its
 * conversation is noted (fan-in, who sent first), then a listener on the
 * other port may name it, or a listener on the rule's own port confirm
 * it.  Else, for UDP, the side that got the conversation's first packet
 * is the answer, still a guess that a listener learnt by the report
 * outranks, and never over an assigned port outside the client ranges:
 * a first packet seen the wrong way round (a quiet flow begun before the
 * capture, a lost query) must not turn a client's port into an
 * unassigned service.  Out of line: sure packets, most of the traffic,
 * never come here.
 */
static __attribute__((noinline)) void
classify_guess(const struct registry *reg, struct listener_table *lt,
    const struct pkt_info *pi, int64_t ts, struct classify_result *res)
{
	struct listener_verdict	 v;
	enum listener_first	 first;
	uint16_t		 server;

	first = listener_observe(lt, pi, ts);
	if (classify_by_listener(lt, pi, res))
		return;
	if (!res->ephemeral && listener_pick(lt, pi, res->port == pi->sport,
	    res->port == pi->dport, &v)) {
		res->guess = 0;
		return;
	}
	if (first == LISTENER_FIRST_UNKNOWN)
		return;
	server = first == LISTENER_FIRST_SRC ? pi->dport : pi->sport;
	if (!res->ephemeral && res->port == server) {
		res->guess = 0;		/* the first packet agrees */
		return;
	}
	if (!res->ephemeral && classify_key(reg, pi->proto, res->port) <
	    CLASSIFY_KEY_SURE)
		return;
	/* Still a guess: a listener learnt by the report outranks it. */
	classify_set(res, server, CLASSIFY_FIRST);
	res->guess = 1;
}

/*
 * A packet the rule is sure of, that may still have something to teach
 * or to learn: one conversation in CLASSIFY_SURE_SAMPLE of such traffic,
 * picked by its ports (the client's changes from one to the next),
 * still counts towards fan-in, so that busy servers on assigned ports
 * are known to listen when a NAT client on a lower port turns up, at a
 * fraction of the cost of noting every one; and a listener on the other
 * port, if some listener shares it, may overturn the answer.  Out of
 * line.
 */
static __attribute__((noinline)) void
classify_sure(struct listener_table *lt, const struct pkt_info *pi,
    int64_t ts, uint16_t loser, struct classify_result *res)
{
	if (((pi->sport ^ pi->dport) & (CLASSIFY_SURE_SAMPLE - 1)) == 0)
		(void)listener_observe(lt, pi, ts);
	if (listener_hinted(lt, pi->proto, loser))
		(void)classify_by_listener(lt, pi, res);
}

/*
 * A handshake packet: it names the server itself.  Out of line, so that
 * the path every other packet takes stays short.  The connection is
 * remembered in the flow cache only where the answer its later packets
 * would get without it (listeners, then the rule) is another port.
 */
static __attribute__((noinline)) void
classify_handshake_packet(const struct registry *reg,
    struct flow_cache *flows, struct listener_table *lt,
    const struct pkt_info *pi, int64_t ts, enum classify_handshake hs,
    struct classify_result *res)
{
	struct classify_result	 rule, later;
	uint32_t		 hint;
	uint16_t		 server;

	if (lt != NULL)
		listener_handshake(lt, pi, ts, hs == CLASSIFY_HS_OPEN ?
		    LISTENER_OPEN : LISTENER_ACCEPT);
	server = hs == CLASSIFY_HS_OPEN ? pi->dport : pi->sport;
	if (flows != NULL) {
		classify_by_status(reg, pi, &rule);
		later = rule;
		if (lt != NULL && later.reason != CLASSIFY_SAME)
			(void)classify_by_listener(lt, pi, &later);
		hint = classify_hint(pi, &rule);
		if (later.ephemeral || later.port != server)
			flow_learn(flows, pi, hs == CLASSIFY_HS_OPEN, hint);
		else if (flow_hinted(flows, hint))
			flow_forget(flows, pi);	/* stale tuple */
	}
	classify_set(res, server, hs == CLASSIFY_HS_OPEN ? CLASSIFY_SYN :
	    CLASSIFY_SYNACK);
}

/* A learnt connection may share this answer: look it up, out of line. */
static __attribute__((noinline)) int
classify_by_flow(struct flow_cache *flows, const struct pkt_info *pi,
    struct classify_result *res)
{
	uint16_t	port;

	if (!flow_server_port(flows, pi, &port))
		return (0);
	classify_set(res, port, CLASSIFY_FLOW);
	return (1);
}

/*
 * Steps 2 and 4, and the connection's own handshake: 1 when that settles
 * it (the same port, or the flow cache), else 0 with the rule's answer.
 */
static inline int
classify_by_rule(const struct registry *reg, struct flow_cache *flows,
    const struct pkt_info *pi, struct classify_result *res)
{
	classify_by_status(reg, pi, res);
	if (res->reason == CLASSIFY_SAME)
		return (1);
	return (flows != NULL && classify_has_handshake(pi) &&
	    flow_hinted(flows, classify_hint(pi, res)) &&
	    classify_by_flow(flows, pi, res));
}

/*
 * The flow cache keeps only connections whose handshake contradicts what
 * their other packets would get, and is looked up only when some such
 * connection shares this packet's rule answer (flow.h's hints).  A sure
 * answer of the rule is overturned only by a listener on the other port,
 * asked only when some listener shares that port (listener_hinted()).
 * So ordinary traffic pays for the rule and two hint loads.
 */
void
classify_packet(const struct registry *reg, struct flow_cache *flows,
    struct listener_table *lt, const struct pkt_info *pi, int64_t ts,
    struct classify_result *res)
{
	enum classify_handshake	 hs;
	uint16_t		 loser;

	if ((hs = classify_handshake(pi)) != CLASSIFY_HS_NONE) {
		classify_handshake_packet(reg, flows, lt, pi, ts, hs, res);
		return;
	}
	if (classify_by_rule(reg, flows, pi, res))
		return;
	if (lt == NULL) {
		res->guess = 0;		/* no evidence will ever come */
		return;
	}
	if (res->guess) {
		classify_guess(reg, lt, pi, ts, res);
		return;
	}
	loser = res->port == pi->sport ? pi->dport : pi->sport;
	if (((pi->sport ^ pi->dport) & (CLASSIFY_SURE_SAMPLE - 1)) == 0 ||
	    listener_hinted(lt, pi->proto, loser))
		classify_sure(lt, pi, ts, loser, res);
}

void
classify_again(const struct registry *reg, struct flow_cache *flows,
    struct listener_table *lt, const struct pkt_info *pi,
    const struct classify_result *held, struct classify_result *res)
{
	if (!classify_by_rule(reg, flows, pi, res) && lt != NULL)
		(void)classify_by_listener(lt, pi, res);
	if (res->reason >= CLASSIFY_CLIENT && held != NULL)
		*res = *held;		/* no evidence: as it was */
	res->guess = 0;
}
