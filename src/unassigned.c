/*
 * unassigned.c - the bounded table of traffic on unassigned and reserved
 * ports (unassigned.h).
 *
 * Everything is allocated in unassigned_new(): the entries, a flat index
 * from (protocol, port) to entry (two bytes a port, 512 KiB, of which only
 * the touched pages become resident), and a bitmap of the ports that have
 * alerted.  A packet costs an index load, a few stores and, for a new peer,
 * a probe of a small open-addressing set of address hashes.  Only a new
 * port on a full table scans the entries for the one to evict, and that is
 * bounded by the cap.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/proto.h"
#include "portclass/registry.h"
#include "portclass/unassigned.h"
#include "portclass/xmalloc.h"

#define UNASSIGNED_NPORTS	65536
#define UNASSIGNED_INDEX	((size_t)PC_PROTO_COUNT * UNASSIGNED_NPORTS)
/* Twice the peers counted: probes stay short. */
#define UNASSIGNED_PEER_SLOTS	(2 * UNASSIGNED_PEERS_MAX)

struct unassigned_entry {
	struct unassigned_port	pub;
	uint32_t		peer[UNASSIGNED_PEER_SLOTS];	/* 0: free */
};

struct unassigned {
	struct unassigned_entry	*ent;
	size_t			 n, cap;
	uint16_t		*index;		/* entry + 1; 0: none */
	uint8_t			*alerted;	/* bit per (proto, port) */
	int			 alerts;
	int64_t			 alert_sec;	/* second of the last alerts */
	unsigned int		 alert_count;	/* sent in alert_sec */
	uint64_t		 suppressed;
	uint64_t		 evicted;
	uint64_t		 packets;
};

static uint32_t	unassigned_hash(unsigned int, const uint8_t *);
static void	unassigned_endpoints(const struct pkt_info *, uint16_t,
		    struct unassigned_endpoint *);
static int	unassigned_same(const struct unassigned_endpoint *,
		    const struct unassigned_endpoint *);
static struct unassigned_entry *unassigned_slot(struct unassigned *,
		    size_t);
static int	unassigned_cmp(const void *, const void *);

struct unassigned *
unassigned_new(size_t cap)
{
	struct unassigned	*u;

	if (cap == 0)
		cap = UNASSIGNED_DEFAULT_CAP;
	if (cap > UINT16_MAX)
		cap = UINT16_MAX;
	u = xcalloc(1, sizeof(*u));
	u->cap = cap;
	u->ent = xcalloc(cap, sizeof(*u->ent));
	u->index = xcalloc(UNASSIGNED_INDEX, sizeof(*u->index));
	u->alerted = xcalloc(UNASSIGNED_INDEX / 8, 1);
	u->alert_sec = INT64_MIN;
	return (u);
}

void
unassigned_free(struct unassigned *u)
{
	if (u == NULL)
		return;
	free(u->ent);
	free(u->index);
	free(u->alerted);
	free(u);
}

void
unassigned_set_alerts(struct unassigned *u, int on)
{
	u->alerts = on;
}

/* FNV-1a over the address; never 0, which marks a free peer slot. */
static uint32_t
unassigned_hash(unsigned int ipver, const uint8_t *a)
{
	uint32_t	h = 2166136261U;
	size_t		i, n = ipver == 4 ? 4 : 16;

	h = (h ^ ipver) * 16777619U;
	for (i = 0; i < n; i++)
		h = (h ^ a[i]) * 16777619U;
	return (h != 0 ? h : 1);
}

/* The server is the side of the service port (the source on a tie). */
static void
unassigned_endpoints(const struct pkt_info *pi, uint16_t port,
    struct unassigned_endpoint *ep)
{
	int	to_server = pi->dport == port && pi->sport != port;

	memset(ep, 0, sizeof(*ep));
	ep->ipver = pi->ipver;
	memcpy(ep->client, to_server ? pi->src : pi->dst, 16);
	memcpy(ep->server, to_server ? pi->dst : pi->src, 16);
	ep->client_port = to_server ? pi->sport : pi->dport;
	ep->server_port = port;
}

static int
unassigned_same(const struct unassigned_endpoint *a,
    const struct unassigned_endpoint *b)
{
	return (a->ipver == b->ipver && a->client_port == b->client_port &&
	    memcmp(a->client, b->client, 16) == 0 &&
	    memcmp(a->server, b->server, 16) == 0);
}

/*
 * The entry for index i, made if need be; on a full table the entry with
 * the fewest bytes (then packets, then the oldest) makes room.
 */
static struct unassigned_entry *
unassigned_slot(struct unassigned *u, size_t i)
{
	struct unassigned_entry	*e, *victim;
	size_t			 k;

	if (u->index[i] != 0)
		return (&u->ent[u->index[i] - 1]);
	if (u->n < u->cap)
		k = u->n++;
	else {
		victim = &u->ent[0];
		for (k = 1; k < u->n; k++) {
			e = &u->ent[k];
			if (e->pub.bytes < victim->pub.bytes ||
			    (e->pub.bytes == victim->pub.bytes &&
			    e->pub.packets < victim->pub.packets))
				victim = e;
		}
		k = (size_t)(victim - u->ent);
		u->index[(size_t)victim->pub.proto * UNASSIGNED_NPORTS +
		    victim->pub.port] = 0;
		u->evicted++;
	}
	e = &u->ent[k];
	memset(e, 0, sizeof(*e));
	u->index[i] = (uint16_t)(k + 1);
	return (e);
}

int
unassigned_note(struct unassigned *u, const struct pkt_info *pi,
    uint16_t port, unsigned int status, int64_t ts_sec, uint32_t ts_nsec,
    uint32_t wirelen, struct unassigned_alert *alert)
{
	return (unassigned_note_n(u, pi, port, status, ts_sec, ts_nsec,
	    ts_sec, 1, wirelen, alert));
}

int
unassigned_note_n(struct unassigned *u, const struct pkt_info *pi,
    uint16_t port, unsigned int status, int64_t ts_sec, uint32_t ts_nsec,
    int64_t last_sec, uint64_t n, uint64_t bytes,
    struct unassigned_alert *alert)
{
	struct unassigned_entry		*e;
	struct unassigned_endpoint	 ep;
	size_t				 i, k;
	uint32_t			 h, slot;
	uint8_t				 bit;

	if (pi->proto >= PC_PROTO_COUNT)
		return (0);
	i = (size_t)pi->proto * UNASSIGNED_NPORTS + port;
	u->packets += n;
	e = unassigned_slot(u, i);
	unassigned_endpoints(pi, port, &ep);
	if (e->pub.packets == 0) {
		e->pub.proto = pi->proto;
		e->pub.port = port;
		e->pub.status = (uint8_t)status;
		e->pub.first_seen = ts_sec;
	}
	e->pub.last_seen = e->pub.packets == 0 || last_sec >
	    e->pub.last_seen ? last_sec : e->pub.last_seen;
	e->pub.packets += n;
	e->pub.bytes += bytes;
	if (ts_sec < e->pub.first_seen)
		e->pub.first_seen = ts_sec;

	/* Distinct peers: linear probing in a half-empty set. */
	if (!e->pub.peers_capped) {
		h = unassigned_hash(ep.ipver, ep.client);
		for (k = 0; k < UNASSIGNED_PEER_SLOTS; k++) {
			slot = (h + (uint32_t)k) % UNASSIGNED_PEER_SLOTS;
			if (e->peer[slot] == h)
				break;
			if (e->peer[slot] == 0) {
				e->peer[slot] = h;
				if (++e->pub.peers == UNASSIGNED_PEERS_MAX)
					e->pub.peers_capped = 1;
				break;
			}
		}
	}
	if (e->pub.nexamples < UNASSIGNED_EXAMPLES) {
		for (k = 0; k < e->pub.nexamples; k++)
			if (unassigned_same(&e->pub.examples[k], &ep))
				break;
		if (k == e->pub.nexamples)
			e->pub.examples[e->pub.nexamples++] = ep;
	}

	if (!u->alerts)
		return (0);
	bit = (uint8_t)(1U << (i % 8));
	if (u->alerted[i / 8] & bit)
		return (0);
	u->alerted[i / 8] |= bit;
	if (ts_sec != u->alert_sec) {
		u->alert_sec = ts_sec;
		u->alert_count = 0;
	}
	if (u->alert_count >= UNASSIGNED_ALERTS_PER_SEC) {
		u->suppressed++;
		return (0);
	}
	u->alert_count++;
	memset(alert, 0, sizeof(*alert));
	alert->proto = pi->proto;
	alert->status = (uint8_t)status;
	alert->port = port;
	alert->ts_sec = ts_sec;
	alert->ts_nsec = ts_nsec;
	alert->suppressed = u->suppressed;
	alert->ep = ep;
	return (1);
}

static int
unassigned_cmp(const void *a, const void *b)
{
	const struct unassigned_port	*x = a, *y = b;

	if (x->bytes != y->bytes)
		return (x->bytes > y->bytes ? -1 : 1);
	if (x->packets != y->packets)
		return (x->packets > y->packets ? -1 : 1);
	if (x->proto != y->proto)
		return (x->proto < y->proto ? -1 : 1);
	if (x->port != y->port)
		return (x->port < y->port ? -1 : 1);
	return (0);
}

size_t
unassigned_list(const struct unassigned *u, struct unassigned_port *out,
    size_t max)
{
	struct unassigned_port	*all;
	size_t			 k;

	if (max == 0 || out == NULL)
		return (u->n);
	all = xcalloc(u->n ? u->n : 1, sizeof(*all));
	for (k = 0; k < u->n; k++)
		all[k] = u->ent[k].pub;
	qsort(all, u->n, sizeof(*all), unassigned_cmp);
	memcpy(out, all, (max < u->n ? max : u->n) * sizeof(*out));
	free(all);
	return (u->n);
}

uint64_t
unassigned_evicted(const struct unassigned *u)
{
	return (u->evicted);
}

uint64_t
unassigned_packets(const struct unassigned *u)
{
	return (u->packets);
}

uint64_t
unassigned_suppressed(const struct unassigned *u)
{
	return (u->suppressed);
}

void
unassigned_addr(unsigned int ipver, const uint8_t *a, char *buf, size_t len)
{
	if (inet_ntop(ipver == 6 ? AF_INET6 : AF_INET, a, buf,
	    (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}
