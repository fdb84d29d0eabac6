/*
 * defer.h - packets whose service port is only a guess, held per
 * conversation until the report is cut.
 *
 * The rule from the two ports alone is sure of one case only: an assigned
 * port outside the client ranges facing a port inside them (a client on
 * 51000 and https on 443).  Everything else it says (a dynamic port
 * against another, an unassigned port against a NAT client's low port) is
 * a guess that evidence seen later may overturn: a listener learnt from a
 * second client a few seconds on, say.  Counting such a packet at once
 * would make a row, an --unassigned entry and an alert for what may be a
 * client's port.  Instead its conversation's packets and bytes are held
 * here, and the engine decides them again, with what the memories know by
 * then, just before every report (docs/service-port.md, "Guesses wait").
 *
 * A fixed table of DEFER_DEFAULT_CAP conversations in 4-way buckets,
 * allocated once.  When a bucket is full, one conversation leaves at once
 * (defer_hold() hands it back, counted as an early decision): one that
 * evidence decides by now, if the caller's test finds one, else the
 * least recently held.  Nothing here allocates, logs or calls the system per
 * packet.  Not thread-safe: one engine owns a table.
 */
#ifndef PORTCLASS_DEFER_H
#define PORTCLASS_DEFER_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/classify.h"
#include "portclass/decode.h"

#define DEFER_DEFAULT_CAP	16384

/* One packet to hold, and the answer it had when it came. */
struct defer_packet {
	const struct pkt_info	*pi;		/* PKT_PORTS, ipver 4 or 6 */
	uint32_t		 wirelen;
	int64_t			 sec;
	uint32_t		 nsec;
	struct classify_result	 held;		/* its answer then */
};

/* One conversation's held packets. */
struct defer_entry {
	uint64_t	key;		/* conv.h's hash; 0: empty */
	struct pkt_info	pi;		/* the first packet held */
	struct classify_result held;	/* the latest packet's answer */
	uint64_t	packets;
	uint64_t	bytes;		/* on the wire */
	int64_t		first_sec;	/* the first packet's time */
	uint32_t	first_nsec;
	int64_t		last_sec;	/* the last packet's */
};

struct defer_table;

/*
 * A table of about cap conversations (0: the default), its hash seeded by
 * seed (the same seed and packets make the same choices).  Never NULL.
 */
struct defer_table	*defer_new(size_t cap, uint64_t seed);

/*
 * Whether evidence decides a held conversation now (the caller knows):
 * such a one leaves a full bucket first, since deciding it early changes
 * nothing.
 */
typedef int	defer_decided_cb(void *ctx, const struct defer_entry *);

/*
 * Hold one packet with its conversation's.  Returns 1 when another
 * conversation had to leave to make room: *out is it, which the caller
 * must decide now.  Else 0.  decided may be NULL.
 */
int			 defer_hold(struct defer_table *,
			    const struct defer_packet *, struct defer_entry *out,
			    defer_decided_cb *decided, void *ctx);

/* Call cb for every conversation held, then hold none. */
void			 defer_drain(struct defer_table *,
			    void (*cb)(void *, const struct defer_entry *),
			    void *ctx);

/* Conversations held now, and those that left early to make room. */
size_t			 defer_held(const struct defer_table *);
uint64_t		 defer_evictions(const struct defer_table *);

void			 defer_free(struct defer_table *);

#endif /* PORTCLASS_DEFER_H */
