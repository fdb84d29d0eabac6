/*
 * classify.h - which port of a packet is the service.
 *
 * The one place the service-port rule lives (docs/service-port.md).  Each
 * packet gets the first step that applies:
 *  1. A handshake packet names the server itself: TCP SYN, SCTP INIT and
 *     DCCP Request its destination; SYN+ACK, INIT ACK and Response its
 *     source.  TCP flags count only when captured (PKT_F_TCPFLAGS).
 *  2. Equal source and destination ports: that port.
 *  3. Evidence, where it names another port than the rule of 4 would:
 *     this connection's own handshake (flow cache), then an endpoint known
 *     to listen (handshake, then fan-in; listener.h), then for UDP the
 *     side that received the conversation's first packet (an answer that
 *     waits like a guess, below, and never beats an assigned port outside
 *     the client ranges).
 *  4. The rule, from the two ports alone: a port outside the ranges
 *     clients pick source ports from (32768-65535) beats one inside them;
 *     then IANA status (assigned and local beat reserved and unassigned,
 *     which beat dynamic); then range (system, user, dynamic); then the
 *     lower number.  Two unassigned dynamic ports name no service: the
 *     packet goes to the protocol's "ephemeral" row.
 * The rule is sure only of an assigned (or local) port outside the client
 * ranges facing one inside them; any other answer no evidence backs is a
 * guess, which the engine holds until the report (defer.h).
 */
#ifndef PORTCLASS_CLASSIFY_H
#define PORTCLASS_CLASSIFY_H

#include <stdint.h>

#include "portclass/decode.h"

struct registry;
struct flow_cache;
struct listener_table;

/*
 * Why a port was taken as the service, in the order of the steps above;
 * reported by --explain, NDJSON and tests.
 */
enum classify_reason {
	CLASSIFY_SYN = 0,	/* SYN / INIT / Request: destination */
	CLASSIFY_SYNACK,	/* SYN+ACK / INIT ACK / Response: source */
	CLASSIFY_SAME,		/* both ports are the same */
	CLASSIFY_FLOW,		/* this connection's handshake, remembered */
	CLASSIFY_LISTENER,	/* the endpoint answered a handshake */
	CLASSIFY_FANIN,		/* the endpoint answered many peers */
	CLASSIFY_FIRST,		/* it received the conversation's first packet */
	CLASSIFY_CLIENT,	/* the other port is in the client ranges */
	CLASSIFY_STATUS,	/* better IANA status */
	CLASSIFY_RANGE,		/* same status, lower range */
	CLASSIFY_LOWER,		/* same status and range, lower number */
	CLASSIFY_EPHEMERAL,	/* both unassigned dynamic: no service port */
	CLASSIFY_REASON_COUNT
};

struct classify_result {
	uint16_t	port;		/* the service port; 0 when ephemeral */
	uint8_t		ephemeral;	/* 1: the protocol's ephemeral row */
	uint8_t		reason;		/* enum classify_reason */
	/*
	 * 1: the rule alone answered, and it is not sure (anything but an
	 * assigned port outside the client ranges facing one inside them),
	 * and no evidence confirmed it; later evidence may change the
	 * answer (defer.h).  Only with a listener memory.
	 */
	uint8_t		guess;
};

/*
 * Pick the service port of a PKT_PORTS packet of time ts (seconds) and
 * fill *res (always fully written).  reg must not be NULL.  flows and
 * listeners may be NULL (no memory: handshake packets still use step 1,
 * later ones skip that evidence).  Handshake packets teach both; every
 * other packet teaches listeners its conversation and consults both.
 * Does not allocate, log or fail.
 */
void		classify_packet(const struct registry *, struct flow_cache *flows,
		    struct listener_table *listeners,
		    const struct pkt_info *pi, int64_t ts,
		    struct classify_result *res);

/*
 * The answer for a packet of a conversation seen before, with what the
 * memories know now, learning nothing: the flow cache and the listeners
 * if they name the service; else held, the answer the packet had when it
 * was held (NULL: the rule's).  For guesses held until a report
 * (defer.h).  res->guess is 0.
 */
void		classify_again(const struct registry *, struct flow_cache *flows,
		    struct listener_table *listeners,
		    const struct pkt_info *pi,
		    const struct classify_result *held,
		    struct classify_result *res);

/*
 * Short name of a reason: "syn", "synack", "same", "flow", "listener",
 * "fanin", "first", "client-range", "status", "range", "lower",
 * "ephemeral"; "?" for an unknown value.  Static storage.
 */
const char	*classify_reason_name(enum classify_reason);

#endif /* PORTCLASS_CLASSIFY_H */
