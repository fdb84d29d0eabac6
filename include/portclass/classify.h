/*
 * classify.h - which port of a packet is the service.
 *
 * The one place the service-port rule lives (docs/service-port.md):
 *  1. TCP SYN without ACK: the destination port.  SYN+ACK: the source port.
 *     (SCTP INIT / INIT ACK likewise.)  Either is remembered in the flow
 *     cache, and every later packet of that connection follows it.
 *     TCP flags count only when the decoder captured them (PKT_F_TCPFLAGS).
 *  2. Equal source and destination ports: that port.
 *  3. Otherwise compare the two ports' IANA status: assigned beats reserved
 *     and unassigned (which tie), which beat an unassigned port in the
 *     dynamic range (REG_DYNAMIC).  UDP, UDP-Lite and DCCP always start here.
 *  4. On a tie, the lower range wins: system (0-1023) beats user
 *     (1024-49151) beats dynamic (49152-65535); then the lower number wins.
 *  5. Two unassigned dynamic ports give no service port: the packet goes to
 *     the protocol's "ephemeral" row.
 */
#ifndef PORTCLASS_CLASSIFY_H
#define PORTCLASS_CLASSIFY_H

#include <stdint.h>

#include "portclass/decode.h"

struct registry;
struct flow_cache;

/* Why a port was taken as the service; reported by --explain and tests. */
enum classify_reason {
	CLASSIFY_SYN = 0,	/* TCP SYN / SCTP INIT: destination */
	CLASSIFY_SYNACK,	/* TCP SYN+ACK / SCTP INIT ACK: source */
	CLASSIFY_FLOW,		/* handshake seen earlier in this connection */
	CLASSIFY_SAME,		/* both ports are the same */
	CLASSIFY_STATUS,	/* better IANA status */
	CLASSIFY_SYSTEM,	/* same status, lower range ("range") */
	CLASSIFY_LOWER,		/* same status and range, lower number */
	CLASSIFY_EPHEMERAL,	/* both unassigned dynamic: no service port */
	CLASSIFY_REASON_COUNT
};

struct classify_result {
	uint16_t	port;		/* the service port; 0 when ephemeral */
	uint8_t		ephemeral;	/* 1: the protocol's ephemeral row */
	uint8_t		reason;		/* enum classify_reason */
};

/*
 * Pick the service port of a PKT_PORTS packet and fill *res (always fully
 * written).  reg must not be NULL.  flows may be NULL (no handshake memory:
 * handshake packets still use rule 1, later ones fall to rule 3).  TCP and
 * SCTP handshake packets update flows; other TCP and SCTP packets consult
 * it.  Does not allocate, log or fail.
 */
void		classify_packet(const struct registry *, struct flow_cache *flows,
		    const struct pkt_info *pi, struct classify_result *res);

/*
 * Short name of a reason: "syn", "synack", "flow", "same", "status",
 * "range", "lower", "ephemeral"; "?" for an unknown value.  Static storage.
 */
const char	*classify_reason_name(enum classify_reason);

#endif /* PORTCLASS_CLASSIFY_H */
