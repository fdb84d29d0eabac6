/*
 * unassigned.h - traffic on ports that IANA has not assigned: what, how
 * much, since when, from how many peers, and the first packet's alert.
 *
 * The engine hands this module only packets whose service port's status
 * is unassigned or reserved (rare on a healthy network); assigned, local
 * and dynamic traffic never reaches it.  Memory is fixed when the tracker
 * is made: at most cap (protocol, port) entries, each with a bounded set
 * of peer addresses and a few example endpoints.  When a new port arrives
 * and the table is full, the entry with the fewest bytes is evicted (and
 * counted), so the big talkers stay.  unassigned_note() does not allocate,
 * format, lock or call the system.
 *
 * Peers are the addresses on the far side of the service port.  Up to
 * UNASSIGNED_PEERS_MAX distinct addresses are counted exactly (by a 32-bit
 * hash); beyond that the count stops and says so (peers_capped).
 *
 * Alerts (--alert unassigned): the first packet of each (protocol, port)
 * in the run produces one alert, at most UNASSIGNED_ALERTS_PER_SEC in any
 * second of packet time; the others are counted as suppressed.  A port
 * alerts once per run, even if it is evicted and comes back.
 */
#ifndef PORTCLASS_UNASSIGNED_H
#define PORTCLASS_UNASSIGNED_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/decode.h"

struct unofficial_use;

#define UNASSIGNED_DEFAULT_CAP		256	/* ports tracked at once */
#define UNASSIGNED_PEERS_MAX		64	/* distinct peers counted */
#define UNASSIGNED_EXAMPLES		3	/* example endpoints kept */
#define UNASSIGNED_ALERTS_PER_SEC	5

/* One packet's endpoints, client (the far side) first. */
struct unassigned_endpoint {
	uint8_t		ipver;		/* 4 or 6 */
	uint8_t		client[16];
	uint8_t		server[16];
	uint16_t	client_port;
	uint16_t	server_port;	/* the service port */
};

/* One tracked port, as listed for a report. */
struct unassigned_port {
	uint8_t				proto;		/* enum pc_proto */
	uint8_t				status;		/* enum reg_status */
	uint16_t			port;
	uint64_t			packets;
	uint64_t			bytes;
	int64_t				first_seen;	/* Unix seconds */
	int64_t				last_seen;
	uint32_t			peers;		/* distinct, exact */
	int				peers_capped;	/* >= PEERS_MAX */
	size_t				nexamples;
	struct unassigned_endpoint	examples[UNASSIGNED_EXAMPLES];
	/*
	 * The use reports show for the port (unofficial.h), NULL if none:
	 * left NULL here, filled by report_add_unassigned().
	 */
	const struct unofficial_use	*unofficial;
};

/* The first packet on a new unassigned port. */
struct unassigned_alert {
	uint8_t				proto;
	uint8_t				status;
	uint16_t			port;
	int64_t				ts_sec;
	uint32_t			ts_nsec;
	uint64_t			suppressed;	/* before this one */
	struct unassigned_endpoint	ep;		/* the 5-tuple */
	/*
	 * The use reports show for the port, NULL if none: left NULL
	 * here, filled by the engine before the sinks get the alert.
	 */
	const struct unofficial_use	*unofficial;
};

struct unassigned;

/* A tracker for at most cap ports (0: the default).  Never NULL. */
struct unassigned	*unassigned_new(size_t cap);
void			 unassigned_free(struct unassigned *);

/*
 * Count one packet of pi whose service port is port, of IANA status
 * status (unassigned or reserved), at time ts.  With alerts on, returns 1
 * and fills *alert when this packet is an alert to send; else 0.
 */
int			 unassigned_note(struct unassigned *,
			    const struct pkt_info *pi, uint16_t port,
			    unsigned int status, int64_t ts_sec,
			    uint32_t ts_nsec, uint32_t wirelen,
			    struct unassigned_alert *alert);

/*
 * The same for n packets of one conversation, bytes in all, the first at
 * first_sec.first_nsec and the last at last_sec (held guesses, defer.h).
 * Its alert, if any, carries the first packet's time.
 */
int			 unassigned_note_n(struct unassigned *,
			    const struct pkt_info *pi, uint16_t port,
			    unsigned int status, int64_t first_sec,
			    uint32_t first_nsec, int64_t last_sec, uint64_t n,
			    uint64_t bytes, struct unassigned_alert *alert);

/* Turn alerts on (they are off in a new tracker). */
void			 unassigned_set_alerts(struct unassigned *, int on);

/*
 * The tracked ports sorted by bytes, then packets, then protocol and
 * port.  Writes up to max and returns how many are tracked.
 */
size_t			 unassigned_list(const struct unassigned *,
			    struct unassigned_port *out, size_t max);

/* Ports evicted to make room, packets ever noted, alerts suppressed. */
uint64_t		 unassigned_evicted(const struct unassigned *);
uint64_t		 unassigned_packets(const struct unassigned *);
uint64_t		 unassigned_suppressed(const struct unassigned *);

/*
 * Write an address of an endpoint ("192.0.2.1", "2001:db8::1") to buf,
 * which should hold 46 bytes.
 */
void			 unassigned_addr(unsigned int ipver, const uint8_t *a,
			    char *buf, size_t len);

#endif /* PORTCLASS_UNASSIGNED_H */
