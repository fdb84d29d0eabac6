/*
 * pcapgen - write small, deterministic test captures and their ground truth.
 *
 * Usage: pcapgen SCENARIO OUTFILE [options]    (pcapgen --list for scenarios)
 *
 * Every scenario builds real frames from the outside in: the payload is put
 * first, then each header is pushed in front of it (transport, IP, tunnel,
 * link), so lengths and checksums are known when a header is written.  The
 * same arguments always give byte-identical files: time starts at
 * 2026-01-01T00:00:00Z and all randomness comes from a seeded splitmix64
 * generator, never from time() or rand().
 *
 * Next to OUTFILE the generator writes OUTFILE.truth.tsv, which says what
 * the capture holds by construction (the generator chose who is client and
 * who is server), one line per row:
 *	kind<TAB>proto<TAB>port<TAB>packets<TAB>bytes
 * kind "service" names the transport and the SERVER port ("-" for the
 * ephemeral row of two unassigned dynamic ports), kind "counter" names a
 * decode counter (icmp, icmpv6, other_ip, non_ip, fragment, truncated,
 * malformed, unsupported_link), and a last "total" line counts every frame.
 * Bytes are wire lengths (the pcap "len" field).
 *
 * Scenarios that know why each packet belongs to its row (the "why"
 * scenarios: who opened each connection, whether its handshake is in the
 * capture) also write, per service row and reason,
 *	reason<TAB>proto<TAB>port<TAB>name<TAB>packets
 * with the reason names of docs/service-port.md (syn, synack, same, flow,
 * listener, fanin, first, client-range, status, range, lower, ephemeral).
 * Other truth files have none.
 *
 * With --per-packet the generator also writes OUTFILE.packets.tsv, one
 * line per frame: its protocol, server port, client port, and how many
 * clients that server has (truth_packet()), for measuring attribution
 * packet by packet (bench/attribution.c).
 *
 * Files are written by hand rather than through libpcap so that both byte
 * orders, nanosecond timestamps and multi-interface pcapng can be produced.
 * Formats: pcap (draft-ietf-opsawg-pcap), pcapng (draft-ietf-opsawg-pcapng).
 */
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/log.h"
#include "portclass/proto.h"
#include "portclass/registry.h"

/* 2026-01-01T00:00:00Z, the first timestamp of every capture. */
#define PG_EPOCH_SEC		1767225600ULL
#define PG_NSEC			1000000000ULL
#define PG_MSEC			1000000ULL
#define PG_USEC			1000ULL

#define PG_FRAME_SIZE		8192	/* room for a 3000-byte datagram */
#define PG_HEADROOM		1024	/* space for headers pushed in front */
#define PG_MAX_IFACES		4
#define PG_SNAPLEN_DEFAULT	262144
#define PG_ETHER_MIN		60	/* minimum Ethernet frame without FCS */

/* pcap and pcapng framing (draft-ietf-opsawg-pcap, -pcapng). */
#define PCAP_MAGIC_USEC		0xa1b2c3d4U
#define PCAP_MAGIC_NSEC		0xa1b23c4dU
#define PCAPNG_SHB		0x0a0d0d0aU
#define PCAPNG_IDB		0x00000001U
#define PCAPNG_EPB		0x00000006U
#define PCAPNG_BOM		0x1a2b3c4dU
#define PCAPNG_OPT_TSRESOL	9

/* Link types written in files that proto.h does not name. */
#define LINKTYPE_USER0		147	/* reserved for private use */

/* Decode counters, in the order the truth file lists them. */
enum pg_counter {
	CNT_ICMP = 0,
	CNT_ICMPV6,
	CNT_OTHER_IP,
	CNT_NON_IP,
	CNT_FRAGMENT,
	CNT_TRUNCATED,
	CNT_MALFORMED,
	CNT_UNSUPPORTED_LINK,
	CNT_COUNT
};

static const char *const pg_counter_names[CNT_COUNT] = {
	"icmp", "icmpv6", "other_ip", "non_ip", "fragment", "truncated",
	"malformed", "unsupported_link"
};

/* Where a frame belongs, decided by the scenario that built it. */
enum tag_kind {
	TAG_SERVICE = 0,	/* proto + server port */
	TAG_EPHEMERAL,		/* proto, no service port */
	TAG_COUNTER		/* one of enum pg_counter */
};

struct tag {
	uint8_t		kind;	/* enum tag_kind */
	uint8_t		what;	/* enum pc_proto or enum pg_counter */
	uint16_t	port;
};

/*
 * Why a packet belongs to its row (docs/service-port.md), when known: the
 * steps of the rule, in its order.
 */
enum pg_why {
	WHY_SYN = 0, WHY_SYNACK, WHY_SAME, WHY_FLOW, WHY_LISTENER, WHY_FANIN,
	WHY_FIRST, WHY_CLIENT, WHY_STATUS, WHY_RANGE, WHY_LOWER,
	WHY_EPHEMERAL, WHY_COUNT
};

static const char *const pg_why_names[WHY_COUNT] = {
	"syn", "synack", "same", "flow", "listener", "fanin", "first",
	"client-range", "status", "range", "lower", "ephemeral"
};

struct truth_row {
	struct tag	tag;
	uint64_t	packets;
	uint64_t	bytes;
	uint64_t	why[WHY_COUNT];
};

/* One interface of the output file (pcap has exactly one). */
struct pg_iface {
	uint16_t	linktype;
	uint32_t	snaplen;
	int		nsec;		/* timestamps in nanoseconds */
};

/* A frame under construction: bytes live in buf[head, tail). */
struct frame {
	uint8_t		buf[PG_FRAME_SIZE];
	size_t		head;
	size_t		tail;
	size_t		need;	/* buf offset where the counted header ends */
	uint8_t		nh;	/* IP protocol of what starts at head */
	uint16_t	etype;	/* EtherType of what starts at head */
};

/* An IPv4 or IPv6 address. */
struct addr {
	int		v;		/* 4 or 6 */
	uint8_t		a[16];
};

/* Ways of carrying an IP packet to the wire. */
enum wrap {
	W_ETH = 0,	/* Ethernet II */
	W_VLAN,		/* one 802.1Q tag */
	W_QINQ,		/* 802.1ad S-tag + 802.1Q C-tag */
	W_QINQ9100,	/* pre-standard 0x9100 + 802.1Q */
	W_MPLS,		/* two MPLS labels over Ethernet */
	W_PPPOE,	/* PPPoE session over Ethernet */
	W_SLL,		/* Linux cooked v1 */
	W_SLL2,		/* Linux cooked v2 */
	W_NONE,		/* raw IP (LINKTYPE_RAW, IPV4, IPV6) */
	W_NULL,		/* BSD loopback, AF in file byte order */
	W_LOOP,		/* OpenBSD loopback, AF in network order */
	W_PPP,		/* PPP with address/control */
	W_NFLOG,	/* Linux NFLOG TLVs */
	W_IPIP,		/* IPv4 in IPv4 over Ethernet */
	W_6IN4,		/* IPv6 in IPv4 over Ethernet */
	W_GRE,		/* plain GRE */
	W_GRE_KS,	/* GRE with key and sequence number */
	W_GRE_TEB,	/* GRE transparent Ethernet bridging */
	W_ERSPAN2,	/* ERSPAN type II */
	W_ERSPAN3,	/* ERSPAN type III */
	W_ERSPAN3_O,	/* ERSPAN type III with platform sub-header */
	W_VXLAN		/* VXLAN over UDP 4789 */
};

/* A conversation between a client and a server, in one encapsulation. */
struct conv {
	uint8_t		proto;		/* enum pc_proto */
	struct addr	cli, srv;
	uint16_t	cport, sport;
	uint8_t		cmac[6], smac[6];
	int		wrap;		/* enum wrap */
	int		iface;		/* pcapng interface index */
	unsigned	ext;		/* EXT_* IPv6 extension headers */
	uint32_t	cseq, sseq;	/* next TCP sequence numbers */
	uint64_t	gap;		/* mean time between packets, ns */
	struct tag	tag;		/* truth row of every packet */
};

#define EXT_HBH		0x01	/* hop-by-hop options */
#define EXT_DST		0x02	/* destination options */
#define EXT_RT		0x04	/* routing (segment routing, none left) */
#define EXT_AH		0x08	/* authentication header */
#define EXT_FRAG	0x10	/* atomic fragment */

/* The generator: output file, clock, randomness and the truth table. */
struct gen {
	FILE		*fp;
	const char	*path;
	int		 pcapng;
	int		 big;		/* big-endian file */
	int		 nsec;		/* --nanosecond */
	uint32_t	 snaplen_opt;	/* --snaplen, 0 if not given */
	int		 started;	/* file header written */
	int		 niface;
	struct pg_iface	 ifs[PG_MAX_IFACES];
	uint64_t	 rng;
	uint64_t	 now;		/* ns since the Unix epoch */
	uint16_t	 ipid;
	uint32_t	 tunseq;	/* GRE/ERSPAN sequence numbers */
	uint64_t	 npackets;	/* bench: --packets */
	uint64_t	 nflows;	/* bench: --flows */
	size_t		 nrows;
	size_t		 rows_cap;
	struct truth_row *rows;
	uint32_t	*row_of;	/* [proto][port or 65536]: row + 1 */
	FILE		*pkt_fp;	/* --per-packet: a line per frame */
	uint16_t	 pkt_cport;	/* the client port of the next frames */
	uint32_t	 pkt_group;	/* their server's clients, 0: unknown */
	uint64_t	 cnt_packets[CNT_COUNT];
	uint64_t	 cnt_bytes[CNT_COUNT];
	uint64_t	 tot_packets, tot_bytes;
	char		*iobuf;
	int		 why_known;	/* a "why" scenario: why must be set */
	int		 why;		/* enum pg_why of the next packets */
};

static void	pg_fatal(const char *, ...)
		    __attribute__((__format__(__printf__, 1, 2), __noreturn__));

static void
pg_fatal(const char *fmt, ...)
{
	va_list	ap;

	fputs("pcapgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ------------------------------------------------------------------ */
/* Randomness and time                                                  */
/* ------------------------------------------------------------------ */

/* splitmix64 (Steele, Lea, Flood 2014): tiny, seedable, good enough. */
static uint64_t
pg_rand(struct gen *g)
{
	uint64_t	z;

	g->rng += 0x9e3779b97f4a7c15ULL;
	z = g->rng;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/* A number in [0, n); n > 0. */
static uint32_t
pg_rand_below(struct gen *g, uint32_t n)
{
	return ((uint32_t)(pg_rand(g) % n));
}

/* Let time pass: mean ns, with up to a quarter of it as jitter. */
static void
pg_wait(struct gen *g, uint64_t ns)
{
	uint64_t	jitter = ns / 4;

	g->now += ns - jitter / 2;
	if (jitter > 0)
		g->now += pg_rand(g) % jitter;
}

/* A dynamic (ephemeral) port, RFC 6335 section 6. */
static uint16_t
pg_dynport(struct gen *g)
{
	return ((uint16_t)(PORT_DYNAMIC_MIN + pg_rand_below(g, 65536 -
	    PORT_DYNAMIC_MIN)));
}

/* ------------------------------------------------------------------ */
/* Truth bookkeeping                                                    */
/* ------------------------------------------------------------------ */

static struct tag
tag_service(int proto, uint16_t port)
{
	struct tag	t = { TAG_SERVICE, (uint8_t)proto, port };

	return (t);
}

static struct tag
tag_ephemeral(int proto)
{
	struct tag	t = { TAG_EPHEMERAL, (uint8_t)proto, 0 };

	return (t);
}

static struct tag
tag_counter(int cnt)
{
	struct tag	t = { TAG_COUNTER, (uint8_t)cnt, 0 };

	return (t);
}

/* The row of a service or ephemeral tag, made on first use. */
static struct truth_row *
truth_row(struct gen *g, struct tag t)
{
	size_t		 k;
	uint32_t	*slot;

	k = (size_t)t.what * 65537 + (t.kind == TAG_EPHEMERAL ? 65536 :
	    t.port);
	if (t.what >= PC_PROTO_COUNT)
		pg_fatal("a row of no protocol");
	slot = &g->row_of[k];
	if (*slot == 0) {
		if (g->nrows == g->rows_cap) {
			g->rows_cap = g->rows_cap ? g->rows_cap * 2 : 256;
			g->rows = realloc(g->rows, g->rows_cap *
			    sizeof(*g->rows));
			if (g->rows == NULL)
				pg_fatal("out of memory");
		}
		memset(&g->rows[g->nrows], 0, sizeof(g->rows[0]));
		g->rows[g->nrows].tag = t;
		*slot = (uint32_t)++g->nrows;
	}
	return (&g->rows[*slot - 1]);
}

/*
 * --per-packet: what the frame is, by construction, one line each:
 *	proto<TAB>server port<TAB>client port<TAB>clients of that server
 * ("-" for the ephemeral row's server port; "counter" lines for frames
 * without a service; 0 where the scenario does not say).
 */
static void
truth_packet(struct gen *g, struct tag t)
{
	if (g->pkt_fp == NULL)
		return;
	if (t.kind == TAG_COUNTER)
		fprintf(g->pkt_fp, "counter\t%s\t-\t0\n",
		    pg_counter_names[t.what]);
	else if (t.kind == TAG_EPHEMERAL)
		fprintf(g->pkt_fp, "%s\t-\t%u\t%u\n", pc_proto_name(t.what),
		    g->pkt_cport, g->pkt_group);
	else
		fprintf(g->pkt_fp, "%s\t%u\t%u\t%u\n", pc_proto_name(t.what),
		    t.port, g->pkt_cport, g->pkt_group);
}

static void
truth_add(struct gen *g, struct tag t, uint32_t wirelen)
{
	struct truth_row	*r;

	g->tot_packets++;
	g->tot_bytes += wirelen;
	truth_packet(g, t);
	if (t.kind == TAG_COUNTER) {
		g->cnt_packets[t.what]++;
		g->cnt_bytes[t.what] += wirelen;
		return;
	}
	r = truth_row(g, t);
	r->packets++;
	r->bytes += wirelen;
	if (g->why_known) {
		if (g->why < 0 || g->why >= WHY_COUNT)
			pg_fatal("a packet without a reason");
		r->why[g->why]++;
	}
}

/* Services by protocol, then port, the ephemeral row last. */
static int
truth_cmp(const void *a, const void *b)
{
	const struct truth_row	*x = a, *y = b;

	if (x->tag.what != y->tag.what)
		return (x->tag.what < y->tag.what ? -1 : 1);
	if (x->tag.kind != y->tag.kind)
		return (x->tag.kind < y->tag.kind ? -1 : 1);
	if (x->tag.port != y->tag.port)
		return (x->tag.port < y->tag.port ? -1 : 1);
	return (0);
}

static void
truth_write(struct gen *g)
{
	char	 path[4096];
	FILE	*fp;
	size_t	 i, w;

	if (snprintf(path, sizeof(path), "%s.truth.tsv", g->path) >=
	    (int)sizeof(path))
		pg_fatal("%s: path too long", g->path);
	if ((fp = fopen(path, "w")) == NULL)
		pg_fatal("%s: %s", path, strerror(errno));
	if (g->nrows > 0)	/* no rows: g->rows is NULL */
		qsort(g->rows, g->nrows, sizeof(g->rows[0]), truth_cmp);
	for (i = 0; i < g->nrows; i++) {
		if (g->rows[i].tag.kind == TAG_SERVICE)
			fprintf(fp, "service\t%s\t%u\t%llu\t%llu\n",
			    pc_proto_name(g->rows[i].tag.what),
			    g->rows[i].tag.port,
			    (unsigned long long)g->rows[i].packets,
			    (unsigned long long)g->rows[i].bytes);
		else
			fprintf(fp, "service\t%s\t-\t%llu\t%llu\n",
			    pc_proto_name(g->rows[i].tag.what),
			    (unsigned long long)g->rows[i].packets,
			    (unsigned long long)g->rows[i].bytes);
	}
	for (i = 0; g->why_known && i < g->nrows; i++) {
		for (w = 0; w < WHY_COUNT; w++) {
			if (g->rows[i].why[w] == 0)
				continue;
			if (g->rows[i].tag.kind == TAG_SERVICE)
				fprintf(fp, "reason\t%s\t%u\t%s\t%llu\n",
				    pc_proto_name(g->rows[i].tag.what),
				    g->rows[i].tag.port, pg_why_names[w],
				    (unsigned long long)g->rows[i].why[w]);
			else
				fprintf(fp, "reason\t%s\t-\t%s\t%llu\n",
				    pc_proto_name(g->rows[i].tag.what),
				    pg_why_names[w],
				    (unsigned long long)g->rows[i].why[w]);
		}
	}
	for (i = 0; i < CNT_COUNT; i++) {
		if (g->cnt_packets[i] == 0)
			continue;
		fprintf(fp, "counter\t%s\t-\t%llu\t%llu\n", pg_counter_names[i],
		    (unsigned long long)g->cnt_packets[i],
		    (unsigned long long)g->cnt_bytes[i]);
	}
	fprintf(fp, "total\t-\t-\t%llu\t%llu\n",
	    (unsigned long long)g->tot_packets,
	    (unsigned long long)g->tot_bytes);
	if (fclose(fp) != 0)
		pg_fatal("%s: %s", path, strerror(errno));
}

/* ------------------------------------------------------------------ */
/* File writer: pcap or pcapng, either byte order                      */
/* ------------------------------------------------------------------ */

/* Store v in the file's byte order. */
static void
out_put16(const struct gen *g, uint8_t *p, uint16_t v)
{
	if (g->big) {
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
	} else {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
	}
}

static void
out_put32(const struct gen *g, uint8_t *p, uint32_t v)
{
	if (g->big) {
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
	} else {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)(v >> 16);
		p[3] = (uint8_t)(v >> 24);
	}
}

static void
out_write(struct gen *g, const void *p, size_t n)
{
	if (n > 0 && fwrite(p, 1, n, g->fp) != n)
		pg_fatal("%s: %s", g->path, strerror(errno));
}

/*
 * Declare an interface before the first frame.  The user's --snaplen wins
 * over the scenario's; --nanosecond turns on nanoseconds everywhere.
 */
static int
out_add_iface(struct gen *g, uint16_t linktype, uint32_t snaplen, int nsec)
{
	if (g->started)
		pg_fatal("interface added after the first frame");
	if (g->niface == PG_MAX_IFACES)
		pg_fatal("too many interfaces");
	if (g->niface == 1 && !g->pcapng)
		pg_fatal("this scenario needs --pcapng (several link types)");
	g->ifs[g->niface].linktype = linktype;
	g->ifs[g->niface].snaplen = g->snaplen_opt ? g->snaplen_opt : snaplen;
	g->ifs[g->niface].nsec = nsec || g->nsec;
	return (g->niface++);
}

static void
out_pcap_header(struct gen *g)
{
	uint8_t	h[24];

	memset(h, 0, sizeof(h));
	out_put32(g, h, g->ifs[0].nsec ? PCAP_MAGIC_NSEC : PCAP_MAGIC_USEC);
	out_put16(g, h + 4, 2);			/* version 2.4 */
	out_put16(g, h + 6, 4);
	out_put32(g, h + 16, g->ifs[0].snaplen);
	out_put32(g, h + 20, g->ifs[0].linktype);
	out_write(g, h, sizeof(h));
}

/* Section header block, then one interface description block per iface. */
static void
out_pcapng_header(struct gen *g)
{
	uint8_t	b[32];
	int	i;
	uint32_t len;

	memset(b, 0, sizeof(b));
	out_put32(g, b, PCAPNG_SHB);
	out_put32(g, b + 4, 28);
	out_put32(g, b + 8, PCAPNG_BOM);
	out_put16(g, b + 12, 1);		/* version 1.0 */
	out_put16(g, b + 14, 0);
	memset(b + 16, 0xff, 8);		/* section length unknown */
	out_put32(g, b + 24, 28);
	out_write(g, b, 28);

	for (i = 0; i < g->niface; i++) {
		len = g->ifs[i].nsec ? 32 : 20;
		memset(b, 0, sizeof(b));
		out_put32(g, b, PCAPNG_IDB);
		out_put32(g, b + 4, len);
		out_put16(g, b + 8, g->ifs[i].linktype);
		out_put32(g, b + 12, g->ifs[i].snaplen);
		if (g->ifs[i].nsec) {
			/* if_tsresol 9 (units of 1e-9 s), then end of opts */
			out_put16(g, b + 16, PCAPNG_OPT_TSRESOL);
			out_put16(g, b + 18, 1);
			b[20] = 9;
			out_put32(g, b + 28, len);
		} else
			out_put32(g, b + 16, len);
		out_write(g, b, len);
	}
}

/*
 * Write one frame of wirelen bytes on interface iface, of which at most the
 * interface's snaplen is kept.  Returns the captured length.
 */
static uint32_t
out_frame(struct gen *g, int iface, const uint8_t *p, uint32_t wirelen,
    uint32_t caplen)
{
	const struct pg_iface	*ifp = &g->ifs[iface];
	uint8_t			 h[28];
	uint64_t		 ts;
	static const uint8_t	 pad[4];

	if (!g->started) {
		if (g->pcapng)
			out_pcapng_header(g);
		else
			out_pcap_header(g);
		g->started = 1;
	}
	if (caplen > ifp->snaplen)
		caplen = ifp->snaplen;
	if (caplen > wirelen)
		caplen = wirelen;
	if (!g->pcapng) {
		out_put32(g, h, (uint32_t)(g->now / PG_NSEC));
		out_put32(g, h + 4, (uint32_t)(ifp->nsec ? g->now % PG_NSEC :
		    g->now % PG_NSEC / PG_USEC));
		out_put32(g, h + 8, caplen);
		out_put32(g, h + 12, wirelen);
		out_write(g, h, 16);
		out_write(g, p, caplen);
		return (caplen);
	}
	ts = ifp->nsec ? g->now : g->now / PG_USEC;
	out_put32(g, h, PCAPNG_EPB);
	out_put32(g, h + 4, 32 + ((caplen + 3) & ~3U));
	out_put32(g, h + 8, (uint32_t)iface);
	out_put32(g, h + 12, (uint32_t)(ts >> 32));
	out_put32(g, h + 16, (uint32_t)ts);
	out_put32(g, h + 20, caplen);
	out_put32(g, h + 24, wirelen);
	out_write(g, h, 28);
	out_write(g, p, caplen);
	out_write(g, pad, (4 - caplen % 4) % 4);
	out_put32(g, h, 32 + ((caplen + 3) & ~3U));
	out_write(g, h, 4);
	return (caplen);
}

/* ------------------------------------------------------------------ */
/* Frame buffer                                                         */
/* ------------------------------------------------------------------ */

static void
frame_reset(struct frame *f)
{
	f->head = f->tail = PG_HEADROOM;
	f->need = 0;
	f->nh = PC_IPPROTO_NONE;
	f->etype = 0;
}

static size_t
frame_len(const struct frame *f)
{
	return (f->tail - f->head);
}

static uint8_t *
frame_data(struct frame *f)
{
	return (f->buf + f->head);
}

/* Room for n more bytes at the end (payload, padding). */
static uint8_t *
frame_append(struct frame *f, size_t n)
{
	uint8_t	*p;

	if (PG_FRAME_SIZE - f->tail < n)
		pg_fatal("frame overflow");
	p = f->buf + f->tail;
	memset(p, 0, n);
	f->tail += n;
	return (p);
}

static void
frame_put(struct frame *f, const void *data, size_t n)
{
	memcpy(frame_append(f, n), data, n);
}

static void
frame_put_rand(struct gen *g, struct frame *f, size_t n)
{
	uint8_t	*p = frame_append(f, n);
	size_t	 i;
	uint64_t r = 0;

	for (i = 0; i < n; i++) {
		if (i % 8 == 0)
			r = pg_rand(g);
		p[i] = (uint8_t)(r >> (i % 8 * 8));
	}
}

/* Room for an n-byte header in front of what is there. */
static uint8_t *
frame_push(struct frame *f, size_t n)
{
	if (f->head < n)
		pg_fatal("frame headroom exhausted");
	f->head -= n;
	memset(f->buf + f->head, 0, n);
	return (f->buf + f->head);
}

/*
 * Remember where the header that decides the frame's row ends.  Transport
 * headers always set it (the outermost one wins, as pushes go outwards);
 * others only when nothing inside them did.
 */
static void
frame_need(struct frame *f, size_t hdrlen, int force)
{
	if (force || f->need == 0)
		f->need = f->head + hdrlen;
}

/* Pad a short Ethernet frame to the 60-byte minimum (IEEE 802.3). */
static void
frame_pad_ether(struct frame *f)
{
	if (frame_len(f) < PG_ETHER_MIN)
		frame_append(f, PG_ETHER_MIN - frame_len(f));
}

static void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ------------------------------------------------------------------ */
/* Checksums                                                            */
/* ------------------------------------------------------------------ */

/* Internet checksum (RFC 1071): add n bytes to a running sum. */
static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return (sum);
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

/* The pseudo-header of RFC 9293 section 3.1 / RFC 8200 section 8.1. */
static uint32_t
csum_pseudo(const struct addr *src, const struct addr *dst, uint8_t proto,
    uint32_t len)
{
	uint32_t	sum;
	size_t		alen = src->v == 4 ? 4 : 16;

	sum = csum_add(0, src->a, alen);
	sum = csum_add(sum, dst->a, alen);
	sum += proto;
	sum += len >> 16;
	sum += len & 0xffff;
	return (sum);
}

/* CRC32c (Castagnoli) as SCTP uses it, RFC 9260 appendix A. */
static uint32_t
crc32c(const uint8_t *p, size_t n)
{
	uint32_t	crc = 0xffffffffU;
	size_t		i;
	int		k;

	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78U & (0U - (crc & 1)));
	}
	return (~crc);
}

/* ------------------------------------------------------------------ */
/* Transport headers                                                    */
/* ------------------------------------------------------------------ */

/* TCP (RFC 9293); an MSS option is added to SYNs. */
static void
tcp_push(struct frame *f, const struct addr *src, const struct addr *dst,
    uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
    uint8_t flags)
{
	size_t	 hlen = (flags & TH_SYN) ? 24 : 20;
	uint8_t	*h = frame_push(f, hlen);
	uint32_t len = (uint32_t)frame_len(f);

	put_be16(h, sport);
	put_be16(h + 2, dport);
	put_be32(h + 4, seq);
	put_be32(h + 8, (flags & TH_ACK) ? ack : 0);
	h[12] = (uint8_t)(hlen / 4 << 4);
	h[13] = flags;
	put_be16(h + 14, 64240);		/* window */
	if (hlen == 24) {
		h[20] = 2;			/* MSS, RFC 9293 3.2 */
		h[21] = 4;
		put_be16(h + 22, src->v == 4 ? 1460 : 1440);
	}
	put_be16(h + 16, csum_fold(csum_add(csum_pseudo(src, dst,
	    PC_IPPROTO_TCP, len), h, len)));
	f->nh = PC_IPPROTO_TCP;
	frame_need(f, PORTS_LEN, 1);
}

/* UDP (RFC 768) or UDP-Lite (RFC 3828) with checksum coverage cov. */
static void
udp_push_proto(struct frame *f, const struct addr *src,
    const struct addr *dst, uint16_t sport, uint16_t dport, uint8_t proto,
    uint16_t cov)
{
	uint8_t		*h = frame_push(f, UDP_HDR_LEN);
	uint32_t	 len = (uint32_t)frame_len(f);
	uint16_t	 sum;

	put_be16(h, sport);
	put_be16(h + 2, dport);
	/* UDP-Lite puts its coverage where UDP has its length. */
	put_be16(h + 4, proto == PC_IPPROTO_UDP ? (uint16_t)len : cov);
	sum = csum_fold(csum_add(csum_pseudo(src, dst, proto, len), h,
	    proto == PC_IPPROTO_UDP || cov == 0 ? len : cov));
	put_be16(h + 6, sum == 0 ? 0xffff : sum);
	f->nh = proto;
	frame_need(f, PORTS_LEN, 1);
}

static void
udp_push(struct frame *f, const struct addr *src, const struct addr *dst,
    uint16_t sport, uint16_t dport)
{
	udp_push_proto(f, src, dst, sport, dport, PC_IPPROTO_UDP, 0);
}

/* SCTP common header (RFC 9260 3.1) in front of the chunks already put. */
static void
sctp_push(struct frame *f, uint16_t sport, uint16_t dport, uint32_t vtag)
{
	uint8_t		*h = frame_push(f, SCTP_COMMON_HDR_LEN);
	uint32_t	 crc;

	put_be16(h, sport);
	put_be16(h + 2, dport);
	put_be32(h + 4, vtag);
	crc = crc32c(h, frame_len(f));
	/* The CRC goes on the wire least significant byte first. */
	h[8] = (uint8_t)crc;
	h[9] = (uint8_t)(crc >> 8);
	h[10] = (uint8_t)(crc >> 16);
	h[11] = (uint8_t)(crc >> 24);
	f->nh = PC_IPPROTO_SCTP;
	frame_need(f, SCTP_COMMON_HDR_LEN, 1);
}

/* An SCTP chunk with value bytes (padded to 4, RFC 9260 3.2). */
static void
sctp_chunk(struct frame *f, uint8_t type, uint8_t flags, const uint8_t *v,
    size_t vlen)
{
	uint8_t	*c = frame_append(f, (4 + vlen + 3) & ~(size_t)3);

	c[0] = type;
	c[1] = flags;
	put_be16(c + 2, (uint16_t)(4 + vlen));
	memcpy(c + 4, v, vlen);
}

/* DCCP packet types (RFC 4340 5.1). */
#define DCCP_REQUEST	0
#define DCCP_RESPONSE	1
#define DCCP_DATA	2
#define DCCP_ACK	3
#define DCCP_DATAACK	4
#define DCCP_CLOSE	6
#define DCCP_RESET	7

/*
 * DCCP generic header with 48-bit sequence numbers (X=1), plus the
 * acknowledgement sub-header and service code where the type has them.
 */
static void
dccp_push(struct frame *f, const struct addr *src, const struct addr *dst,
    uint16_t sport, uint16_t dport, int type, uint64_t seq, uint64_t ack,
    uint32_t service)
{
	size_t		 hlen = 16;
	uint8_t		*h;
	uint32_t	 len;

	if (type != DCCP_REQUEST && type != DCCP_DATA)
		hlen += 8;			/* acknowledgement sub-header */
	if (type == DCCP_REQUEST || type == DCCP_RESPONSE)
		hlen += 4;			/* service code */
	if (type == DCCP_RESET)
		hlen += 4;			/* reset code and data */
	h = frame_push(f, hlen);
	len = (uint32_t)frame_len(f);
	put_be16(h, sport);
	put_be16(h + 2, dport);
	h[4] = (uint8_t)(hlen / 4);		/* data offset */
	h[5] = 0;				/* CCVal 0, CsCov 0: all */
	h[8] = (uint8_t)(type << 1 | 1);	/* type, X = 1 */
	h[10] = (uint8_t)(seq >> 40);
	h[11] = (uint8_t)(seq >> 32);
	put_be32(h + 12, (uint32_t)seq);
	if (type != DCCP_REQUEST && type != DCCP_DATA) {
		h[18] = (uint8_t)(ack >> 40);
		h[19] = (uint8_t)(ack >> 32);
		put_be32(h + 20, (uint32_t)ack);
	}
	if (type == DCCP_REQUEST)
		put_be32(h + 16, service);
	else if (type == DCCP_RESPONSE)
		put_be32(h + 24, service);
	put_be16(h + 6, csum_fold(csum_add(csum_pseudo(src, dst,
	    PC_IPPROTO_DCCP, len), h, len)));
	f->nh = PC_IPPROTO_DCCP;
	frame_need(f, PORTS_LEN, 1);
}

/* ICMP (RFC 792) header; rest is the second 32-bit word. */
static void
icmp_push(struct frame *f, uint8_t type, uint8_t code, uint32_t rest)
{
	uint8_t	*h = frame_push(f, 8);

	h[0] = type;
	h[1] = code;
	put_be32(h + 4, rest);
	put_be16(h + 2, csum_fold(csum_add(0, h, frame_len(f))));
	f->nh = PC_IPPROTO_ICMP;
	f->need = 0;	/* counted by IP protocol; quoted headers never read */
}

/* ICMPv6 (RFC 4443), checksummed with the IPv6 pseudo-header. */
static void
icmp6_push(struct frame *f, const struct addr *src, const struct addr *dst,
    uint8_t type, uint8_t code, uint32_t rest)
{
	uint8_t		*h = frame_push(f, 8);
	uint32_t	 len = (uint32_t)frame_len(f);

	h[0] = type;
	h[1] = code;
	put_be32(h + 4, rest);
	put_be16(h + 2, csum_fold(csum_add(csum_pseudo(src, dst,
	    PC_IPPROTO_ICMPV6, len), h, len)));
	f->nh = PC_IPPROTO_ICMPV6;
	f->need = 0;	/* counted by IP protocol; quoted headers never read */
}

/* ------------------------------------------------------------------ */
/* IP headers                                                           */
/* ------------------------------------------------------------------ */

/*
 * IPv4 (RFC 791) with optlen bytes of options (a multiple of 4); frag is
 * the flags + fragment offset field.  Protocol is what the frame starts
 * with (f->nh).
 */
static void
ip4_push_opt(struct frame *f, const struct addr *src, const struct addr *dst,
    uint16_t id, uint16_t frag, size_t optlen)
{
	size_t	 hlen = IPV4_HDR_MIN + optlen;
	uint8_t	*h = frame_push(f, hlen);

	h[0] = (uint8_t)(0x40 | hlen / 4);
	put_be16(h + 2, (uint16_t)frame_len(f));
	put_be16(h + 4, id);
	put_be16(h + 6, frag);
	h[8] = 64;
	h[9] = f->nh;
	memcpy(h + 12, src->a, 4);
	memcpy(h + 16, dst->a, 4);
	if (optlen > 0) {
		/* Record Route (RFC 791 3.1) with empty slots, then EOL. */
		h[20] = 7;
		h[21] = (uint8_t)(optlen - 1);
		h[22] = 4;
	}
	put_be16(h + 10, csum_fold(csum_add(0, h, hlen)));
	f->nh = PC_IPPROTO_IPIP;
	f->etype = ETHERTYPE_IP;
	frame_need(f, hlen, 0);
}

static void
ip4_push(struct frame *f, const struct addr *src, const struct addr *dst,
    uint16_t id)
{
	/* DF for TCP, as stacks with path MTU discovery send it. */
	ip4_push_opt(f, src, dst, id, f->nh == PC_IPPROTO_TCP ? 0x4000 : 0, 0);
}

/* IPv6 (RFC 8200); next header is what the frame starts with. */
static void
ip6_push(struct frame *f, const struct addr *src, const struct addr *dst,
    uint8_t hlim)
{
	uint8_t	*h = frame_push(f, IPV6_HDR_LEN);

	h[0] = 0x60;
	put_be16(h + 4, (uint16_t)(frame_len(f) - IPV6_HDR_LEN));
	h[6] = f->nh;
	h[7] = hlim;
	memcpy(h + 8, src->a, 16);
	memcpy(h + 24, dst->a, 16);
	f->nh = PC_IPPROTO_IPV6;
	f->etype = ETHERTYPE_IPV6;
	frame_need(f, IPV6_HDR_LEN, 0);
}

/* Hop-by-hop or destination options header of len8 8-octet units, PadN. */
static void
ip6_opts_push(struct frame *f, uint8_t type, size_t len8)
{
	size_t	 len = len8 * 8;
	uint8_t	*h = frame_push(f, len);

	h[0] = f->nh;
	h[1] = (uint8_t)(len8 - 1);
	h[2] = 1;				/* PadN */
	h[3] = (uint8_t)(len - 4);
	f->nh = type;
	frame_need(f, len, 0);
}

/* Segment routing header (RFC 8754) with one segment, none left. */
static void
ip6_routing_push(struct frame *f, const struct addr *seg)
{
	uint8_t	*h = frame_push(f, 24);

	h[0] = f->nh;
	h[1] = 2;				/* 16 bytes past the first 8 */
	h[2] = 4;				/* routing type 4: SRH */
	h[3] = 0;				/* segments left */
	h[4] = 0;				/* last entry */
	memcpy(h + 8, seg->a, 16);
	f->nh = PC_IPPROTO_ROUTING;
	frame_need(f, 24, 0);
}

/* Fragment header (RFC 8200 4.5); off in 8-octet units. */
static void
ip6_frag_push(struct frame *f, uint16_t off, int more, uint32_t id)
{
	uint8_t	*h = frame_push(f, IPV6_FRAG_HDR_LEN);

	h[0] = f->nh;
	put_be16(h + 2, (uint16_t)(off << 3 | (more ? 1 : 0)));
	put_be32(h + 4, id);
	f->nh = PC_IPPROTO_FRAGMENT;
	frame_need(f, IPV6_FRAG_HDR_LEN, 0);
}

/* Authentication header (RFC 4302) with a 96-bit ICV of zeros. */
static void
ip6_ah_push(struct frame *f, uint32_t spi, uint32_t seq)
{
	uint8_t	*h = frame_push(f, 24);

	h[0] = f->nh;
	h[1] = 24 / 4 - 2;			/* length in 32-bit words - 2 */
	put_be32(h + 4, spi);
	put_be32(h + 8, seq);
	f->nh = PC_IPPROTO_AH;
	frame_need(f, 24, 0);
}

/* ------------------------------------------------------------------ */
/* Tunnel headers                                                       */
/* ------------------------------------------------------------------ */

/* GRE (RFC 2784, key and sequence RFC 2890); protocol is f->etype. */
static void
gre_push(struct frame *f, uint16_t flags, uint32_t key, uint32_t seq)
{
	size_t	 hlen = GRE_HDR_MIN;
	uint8_t	*h;
	size_t	 o = GRE_HDR_MIN;

	if (flags & GRE_KEY)
		hlen += 4;
	if (flags & GRE_SEQ)
		hlen += 4;
	h = frame_push(f, hlen);
	put_be16(h, flags);
	put_be16(h + 2, f->etype);
	if (flags & GRE_KEY) {
		put_be32(h + o, key);
		o += 4;
	}
	if (flags & GRE_SEQ)
		put_be32(h + o, seq);
	f->nh = PC_IPPROTO_GRE;
	frame_need(f, hlen, 0);
}

/* ERSPAN type II header (draft-foschiano-erspan, section 4.1). */
static void
erspan2_push(struct frame *f, uint16_t session, uint32_t index)
{
	uint8_t	*h = frame_push(f, ERSPAN2_HDR_LEN);

	put_be16(h, 1 << 12 | 10);		/* ver 1, VLAN 10 */
	put_be16(h + 2, session & 0x3ff);	/* COS 0, En 0, T 0 */
	put_be32(h + 4, index & 0xfffff);
	f->etype = ETHERTYPE_ERSPAN2;
	frame_need(f, ERSPAN2_HDR_LEN, 0);
}

/* ERSPAN type III header, with the optional platform sub-header if o. */
static void
erspan3_push(struct frame *f, uint16_t session, uint32_t ts, int o)
{
	size_t	 hlen = ERSPAN3_HDR_LEN + (o ? ERSPAN3_SUBHDR_LEN : 0);
	uint8_t	*h = frame_push(f, hlen);

	put_be16(h, 2 << 12 | 10);		/* ver 2, VLAN 10 */
	put_be16(h + 2, session & 0x3ff);
	put_be32(h + 4, ts);
	put_be16(h + 8, 0);			/* security group tag */
	h[11] = (uint8_t)(o ? 1 : 0);		/* ..., Gra 0, O */
	if (o) {
		h[12] = 3 << 2;			/* platform ID 3 */
		put_be32(h + 16, ts);
	}
	f->etype = ETHERTYPE_ERSPAN3;
	frame_need(f, hlen, 0);
}

/* VXLAN header (RFC 7348 5): I flag and a 24-bit VNI. */
static void
vxlan_push(struct frame *f, uint32_t vni)
{
	uint8_t	*h = frame_push(f, 8);

	h[0] = 0x08;
	put_be32(h + 4, vni << 8);
}

/* ------------------------------------------------------------------ */
/* Link-layer headers                                                   */
/* ------------------------------------------------------------------ */

/* Ethernet II; the type is what the frame starts with (f->etype). */
static void
eth_push(struct frame *f, const uint8_t dst[6], const uint8_t src[6])
{
	uint8_t	*h = frame_push(f, ETHER_HDR_LEN);

	memcpy(h, dst, 6);
	memcpy(h + 6, src, 6);
	put_be16(h + 12, f->etype);
	f->etype = ETHERTYPE_TEB;
	frame_need(f, ETHER_HDR_LEN, 0);
}

/* A VLAN tag: TCI + inner type; the outer TPID becomes tpid. */
static void
vlan_push(struct frame *f, uint16_t tpid, uint16_t vid)
{
	uint8_t	*h = frame_push(f, VLAN_TAG_LEN);

	put_be16(h, vid & 0x0fff);
	put_be16(h + 2, f->etype);
	f->etype = tpid;
	frame_need(f, VLAN_TAG_LEN, 0);
}

/* An MPLS label stack entry (RFC 3032). */
static void
mpls_push(struct frame *f, uint32_t label, int bos)
{
	uint8_t	*h = frame_push(f, MPLS_LABEL_LEN);

	put_be32(h, label << 12 | (bos ? 0x100U : 0) | 64);
	f->etype = ETHERTYPE_MPLS;
	frame_need(f, MPLS_LABEL_LEN, 0);
}

static uint16_t
ppp_proto_of(const struct frame *f)
{
	return (f->etype == ETHERTYPE_IPV6 ? PPP_IPV6 : PPP_IP);
}

/* PPPoE session header (RFC 2516) and the PPP protocol field. */
static void
pppoe_push(struct frame *f, uint16_t session)
{
	uint16_t	 proto = ppp_proto_of(f);
	uint8_t		*h = frame_push(f, PPPOE_HDR_LEN + 2);

	h[0] = 0x11;				/* version 1, type 1 */
	h[1] = 0;				/* code: session data */
	put_be16(h + 2, session);
	put_be16(h + 4, (uint16_t)(frame_len(f) - PPPOE_HDR_LEN));
	put_be16(h + 6, proto);
	f->etype = ETHERTYPE_PPPOE_SESS;
	frame_need(f, PPPOE_HDR_LEN + 2, 0);
}

/* PPP in HDLC-like framing, DLT_PPP (RFC 1662 address and control). */
static void
ppp_push(struct frame *f)
{
	uint16_t	 proto = ppp_proto_of(f);
	uint8_t		*h = frame_push(f, 4);

	h[0] = PPP_ADDRESS;
	h[1] = PPP_CONTROL;
	put_be16(h + 2, proto);
	frame_need(f, 4, 0);
}

/* Linux cooked v1: packet type, ARPHRD_ETHER, the sender's address. */
static void
sll_push(struct frame *f, uint16_t pkttype, const uint8_t mac[6])
{
	uint8_t	*h = frame_push(f, SLL_HDR_LEN);

	put_be16(h, pkttype);
	put_be16(h + 2, 1);			/* ARPHRD_ETHER */
	put_be16(h + 4, 6);
	memcpy(h + 6, mac, 6);
	put_be16(h + 14, f->etype);
	frame_need(f, SLL_HDR_LEN, 0);
}

/* Linux cooked v2: protocol first, then interface index and the rest. */
static void
sll2_push(struct frame *f, uint8_t pkttype, uint32_t ifindex,
    const uint8_t mac[6])
{
	uint8_t	*h = frame_push(f, SLL2_HDR_LEN);

	put_be16(h, f->etype);
	put_be32(h + 4, ifindex);
	put_be16(h + 8, 1);			/* ARPHRD_ETHER */
	h[10] = pkttype;
	h[11] = 6;
	memcpy(h + 12, mac, 6);
	frame_need(f, SLL2_HDR_LEN, 0);
}

/* BSD loopback: a 4-byte address family, in file order or big-endian. */
static void
null_push(const struct gen *g, struct frame *f, uint32_t af, int netorder)
{
	uint8_t	*h = frame_push(f, NULL_HDR_LEN);

	if (netorder)
		put_be32(h, af);
	else
		out_put32(g, h, af);
	frame_need(f, NULL_HDR_LEN, 0);
}

/*
 * NFLOG (Linux nfnetlink_log): a 4-byte header, then TLVs whose length and
 * type are in the writing host's order (here the file's), each padded to 4
 * bytes.  The packet itself is the NFULA_PAYLOAD TLV.
 */
static void
nflog_push(const struct gen *g, struct frame *f)
{
	static const char	 prefix[] = "pcapgen";
	size_t			 plen = frame_len(f);
	size_t			 pad = (4 - plen % 4) % 4;
	uint16_t		 etype = f->etype;
	uint8_t			*h;

	frame_append(f, pad);
	/* header 4 + packet header TLV 8 + prefix TLV 12 + payload TLV 4 */
	h = frame_push(f, 4 + 8 + 12 + 4);
	h[0] = etype == ETHERTYPE_IPV6 ? 10 : 2;	/* AF_INET6 / AF_INET */
	h[1] = 0;					/* version */
	put_be16(h + 2, 5);				/* resource id */
	out_put16(g, h + 4, 8);
	out_put16(g, h + 6, 1);				/* NFULA_PACKET_HDR */
	put_be16(h + 8, etype);
	h[10] = 3;					/* NF_INET_FORWARD */
	out_put16(g, h + 12, 4 + sizeof(prefix));
	out_put16(g, h + 14, 10);			/* NFULA_PREFIX */
	memcpy(h + 16, prefix, sizeof(prefix));
	out_put16(g, h + 24, (uint16_t)(4 + plen));
	out_put16(g, h + 26, NFULA_PAYLOAD);
	frame_need(f, 28, 0);
}

/* ARP request or reply for IPv4 over Ethernet (RFC 826). */
static void
arp_put(struct frame *f, int op, const uint8_t sha[6], const uint8_t *spa,
    const uint8_t tha[6], const uint8_t *tpa)
{
	uint8_t	*p = frame_append(f, 28);

	put_be16(p, 1);
	put_be16(p + 2, ETHERTYPE_IP);
	p[4] = 6;
	p[5] = 4;
	put_be16(p + 6, (uint16_t)op);
	memcpy(p + 8, sha, 6);
	memcpy(p + 14, spa, 4);
	memcpy(p + 18, tha, 6);
	memcpy(p + 24, tpa, 4);
	f->etype = ETHERTYPE_ARP;
}

/* ------------------------------------------------------------------ */
/* Addresses                                                            */
/* ------------------------------------------------------------------ */

static struct addr
A(const char *s)
{
	struct addr	a;

	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, s, a.a) == 1)
		a.v = 4;
	else if (inet_pton(AF_INET6, s, a.a) == 1)
		a.v = 6;
	else
		pg_fatal("bad address %s", s);
	return (a);
}

static const uint8_t mac_gw[6] = { 0x00, 0x1b, 0x21, 0x3a, 0x00, 0x01 };
static const uint8_t mac_a[6] = { 0x3c, 0x22, 0xfb, 0x10, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x3c, 0x22, 0xfb, 0x10, 0x00, 0x0b };
static const uint8_t mac_c[6] = { 0xa4, 0x83, 0xe7, 0x20, 0x00, 0x0c };
static const uint8_t mac_nas[6] = { 0x00, 0x11, 0x32, 0x05, 0x00, 0x05 };
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_zero[6];
static const uint8_t mac_tun[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x07 };

/* ------------------------------------------------------------------ */
/* Emitting frames                                                      */
/* ------------------------------------------------------------------ */

/*
 * Write a frame with the row it belongs to.  If the interface's snaplen
 * cuts the frame before the header that decides its row, the frame is
 * truncated instead; otherwise it counts where it would, by wire length.
 */
static void
emit(struct gen *g, int iface, struct frame *f, struct tag t)
{
	uint32_t	wirelen = (uint32_t)frame_len(f);
	uint32_t	caplen;

	caplen = out_frame(g, iface, frame_data(f), wirelen, wirelen);
	if (caplen < wirelen && f->need > f->head + caplen)
		t = tag_counter(CNT_TRUNCATED);
	truth_add(g, t, wirelen);
}

/* Write a frame of which only caplen bytes were captured. */
static void
emit_cut(struct gen *g, int iface, struct frame *f, uint32_t caplen,
    struct tag t)
{
	truth_add(g, t, (uint32_t)frame_len(f));
	out_frame(g, iface, frame_data(f), (uint32_t)frame_len(f), caplen);
}

/*
 * Carry the IP packet in f to the wire as w says.  Tunnels add an outer
 * IPv4 header between the tunnel endpoints; VXLAN also moves the frame to
 * the udp/4789 row, since UDP tunnels are not opened (decode.h).
 */
static void
wrap(struct gen *g, struct frame *f, int w, const uint8_t *dmac,
    const uint8_t *smac, int to_srv, struct tag *t)
{
	static const uint32_t	 af6[3] = { BSD_AF_INET6_BSD,
	    BSD_AF_INET6_FREEBSD, BSD_AF_INET6_DARWIN };
	struct addr		 te1 = A("192.0.2.1"), te2 = A("192.0.2.2");
	const struct addr	*ts = to_srv ? &te1 : &te2;
	const struct addr	*td = to_srv ? &te2 : &te1;
	int			 v6 = f->etype == ETHERTYPE_IPV6;

	switch (w) {
	case W_ETH:
		eth_push(f, dmac, smac);
		frame_pad_ether(f);
		break;
	case W_VLAN:
		vlan_push(f, ETHERTYPE_VLAN, 100);
		eth_push(f, dmac, smac);
		frame_pad_ether(f);
		break;
	case W_QINQ:
		vlan_push(f, ETHERTYPE_VLAN, 200);
		vlan_push(f, ETHERTYPE_QINQ, 3000);
		eth_push(f, dmac, smac);
		frame_pad_ether(f);
		break;
	case W_QINQ9100:
		vlan_push(f, ETHERTYPE_VLAN, 201);
		vlan_push(f, ETHERTYPE_QINQ_OLD, 3001);
		eth_push(f, dmac, smac);
		frame_pad_ether(f);
		break;
	case W_MPLS:
		mpls_push(f, 1000 + (uint32_t)v6, 1);
		mpls_push(f, 16001, 0);
		eth_push(f, dmac, smac);
		frame_pad_ether(f);
		break;
	case W_PPPOE:
		pppoe_push(f, 0x1234);
		eth_push(f, dmac, smac);
		frame_pad_ether(f);
		break;
	case W_SLL:
		sll_push(f, to_srv ? 4 : 0, smac);	/* outgoing / to us */
		break;
	case W_SLL2:
		sll2_push(f, to_srv ? 4 : 0, 2, smac);
		break;
	case W_NONE:
		break;
	case W_NULL:
		null_push(g, f, v6 ? af6[g->ipid % 3] : BSD_AF_INET, 0);
		break;
	case W_LOOP:
		null_push(g, f, v6 ? BSD_AF_INET6_BSD : BSD_AF_INET, 1);
		break;
	case W_PPP:
		ppp_push(f);
		break;
	case W_NFLOG:
		nflog_push(g, f);
		break;
	case W_IPIP:
	case W_6IN4:
		ip4_push(f, ts, td, g->ipid++);
		eth_push(f, mac_tun, mac_gw);
		frame_pad_ether(f);
		break;
	case W_GRE:
		gre_push(f, 0, 0, 0);
		ip4_push(f, ts, td, g->ipid++);
		eth_push(f, mac_tun, mac_gw);
		break;
	case W_GRE_KS:
		gre_push(f, GRE_KEY | GRE_SEQ, 0x00010203, g->tunseq++);
		ip4_push(f, ts, td, g->ipid++);
		eth_push(f, mac_tun, mac_gw);
		break;
	case W_GRE_TEB:
	case W_ERSPAN2:
	case W_ERSPAN3:
	case W_ERSPAN3_O:
	case W_VXLAN:
		eth_push(f, dmac, smac);	/* the inner frame */
		frame_pad_ether(f);
		if (w == W_GRE_TEB)
			gre_push(f, 0, 0, 0);
		else if (w == W_ERSPAN2) {
			erspan2_push(f, 7, g->tunseq);
			gre_push(f, GRE_SEQ, 0, g->tunseq++);
		} else if (w == W_ERSPAN3 || w == W_ERSPAN3_O) {
			erspan3_push(f, 9, (uint32_t)(g->now / PG_USEC),
			    w == W_ERSPAN3_O);
			gre_push(f, GRE_SEQ, 0, g->tunseq++);
		} else {
			vxlan_push(f, 4242);
			/* source port from a hash of the inner flow */
			udp_push(f, ts, td, (uint16_t)(PORT_DYNAMIC_MIN + 777 +
			    (to_srv ? 0 : 1)), 4789);
			*t = tag_service(PC_PROTO_UDP, 4789);
		}
		ip4_push(f, ts, td, g->ipid++);
		eth_push(f, mac_tun, mac_gw);
		break;
	default:
		pg_fatal("unknown wrap %d", w);
	}
}

/* ------------------------------------------------------------------ */
/* Conversations                                                        */
/* ------------------------------------------------------------------ */

static void
conv_init(struct gen *g, struct conv *c, int proto, const char *cli,
    uint16_t cport, const char *srv, uint16_t sport)
{
	memset(c, 0, sizeof(*c));
	c->proto = (uint8_t)proto;
	c->cli = A(cli);
	c->srv = A(srv);
	if (c->cli.v != c->srv.v)
		pg_fatal("mixed address families %s %s", cli, srv);
	c->cport = cport;
	c->sport = sport;
	memcpy(c->cmac, mac_a, 6);
	memcpy(c->smac, mac_gw, 6);
	c->wrap = W_ETH;
	c->cseq = (uint32_t)pg_rand(g);
	c->sseq = (uint32_t)pg_rand(g);
	c->gap = 20 * PG_MSEC;
	c->tag = tag_service(proto, sport);
}

/*
 * Put the IP header(s) in front of the transport already in f, wrap it
 * and write it.
 */
static void
conv_send(struct gen *g, struct conv *c, struct frame *f, int to_srv)
{
	const struct addr	*src = to_srv ? &c->cli : &c->srv;
	const struct addr	*dst = to_srv ? &c->srv : &c->cli;
	struct tag		 t = c->tag;

	pg_wait(g, c->gap);
	if (src->v == 4)
		ip4_push(f, src, dst, g->ipid++);
	else {
		/* RFC 8200 4.1 order: HBH, DST, RT, FRAG, AH, DST, upper. */
		if (c->ext & EXT_DST)
			ip6_opts_push(f, PC_IPPROTO_DSTOPTS, 1);
		if (c->ext & EXT_AH)
			ip6_ah_push(f, 0x1000, g->ipid);
		if (c->ext & EXT_FRAG)
			ip6_frag_push(f, 0, 0, 0x5000u + g->ipid);
		if (c->ext & EXT_RT)
			ip6_routing_push(f, dst);
		if (c->ext & EXT_HBH)
			ip6_opts_push(f, PC_IPPROTO_HOPOPTS, 1);
		g->ipid++;
		ip6_push(f, src, dst, 64);
	}
	wrap(g, f, c->wrap, to_srv ? c->smac : c->cmac,
	    to_srv ? c->cmac : c->smac, to_srv, &t);
	emit(g, c->iface, f, t);
}

/* One TCP segment with len payload bytes (data, or random if NULL). */
static void
conv_tcp(struct gen *g, struct conv *c, int to_srv, uint8_t flags,
    const void *data, size_t len)
{
	struct frame	 f;
	uint32_t	*seq = to_srv ? &c->cseq : &c->sseq;
	uint32_t	 ack = to_srv ? c->sseq : c->cseq;

	frame_reset(&f);
	if (data != NULL)
		frame_put(&f, data, len);
	else
		frame_put_rand(g, &f, len);
	tcp_push(&f, to_srv ? &c->cli : &c->srv, to_srv ? &c->srv : &c->cli,
	    to_srv ? c->cport : c->sport, to_srv ? c->sport : c->cport,
	    *seq, ack, flags);
	*seq += (uint32_t)len + ((flags & (TH_SYN | TH_FIN)) ? 1 : 0);
	conv_send(g, c, &f, to_srv);
}

/* Three-way handshake (RFC 9293 3.5). */
static void
tcp_open(struct gen *g, struct conv *c)
{
	conv_tcp(g, c, 1, TH_SYN, NULL, 0);
	conv_tcp(g, c, 0, TH_SYN | TH_ACK, NULL, 0);
	conv_tcp(g, c, 1, TH_ACK, NULL, 0);
}

/*
 * Send len bytes one way in segments of at most the MSS (data, or random
 * if NULL); the peer acknowledges every second segment and the last.
 */
static void
tcp_send(struct gen *g, struct conv *c, int to_srv, const void *data,
    size_t len)
{
	size_t		mss = c->cli.v == 4 ? 1460 : 1440;
	size_t		off = 0, n;
	unsigned	seg = 0;

	while (off < len) {
		n = len - off < mss ? len - off : mss;
		conv_tcp(g, c, to_srv, TH_ACK | (off + n == len ? 0x08 : 0),
		    data ? (const uint8_t *)data + off : NULL, n);
		off += n;
		if (++seg % 2 == 0 || off == len)
			conv_tcp(g, c, !to_srv, TH_ACK, NULL, 0);
	}
}

/* Orderly close started by the client: FIN, FIN+ACK, ACK. */
static void
tcp_close(struct gen *g, struct conv *c)
{
	conv_tcp(g, c, 1, TH_FIN | TH_ACK, NULL, 0);
	conv_tcp(g, c, 0, TH_FIN | TH_ACK, NULL, 0);
	conv_tcp(g, c, 1, TH_ACK, NULL, 0);
}

/* A request/response TCP session of nreq exchanges, open to close. */
static void
tcp_session(struct gen *g, struct conv *c, int nreq, size_t req, size_t rsp)
{
	int	i;

	tcp_open(g, c);
	for (i = 0; i < nreq; i++) {
		tcp_send(g, c, 1, NULL, req + pg_rand_below(g, 64));
		tcp_send(g, c, 0, NULL, rsp + pg_rand_below(g, 256));
	}
	tcp_close(g, c);
}

/* One UDP (or UDP-Lite) datagram with data or len random bytes. */
static void
conv_udp(struct gen *g, struct conv *c, int to_srv, const void *data,
    size_t len)
{
	struct frame	f;

	frame_reset(&f);
	if (data != NULL)
		frame_put(&f, data, len);
	else
		frame_put_rand(g, &f, len);
	udp_push_proto(&f, to_srv ? &c->cli : &c->srv,
	    to_srv ? &c->srv : &c->cli, to_srv ? c->cport : c->sport,
	    to_srv ? c->sport : c->cport,
	    c->proto == PC_PROTO_UDPLITE ? PC_IPPROTO_UDPLITE : PC_IPPROTO_UDP,
	    c->proto == PC_PROTO_UDPLITE ? UDP_HDR_LEN : 0);
	conv_send(g, c, &f, to_srv);
}

/* ------------------------------------------------------------------ */
/* Application payloads (enough for tcpdump to decode them sanely)      */
/* ------------------------------------------------------------------ */

/* Encode a dotted name as DNS labels (RFC 1035 3.1); returns the length. */
static size_t
dns_name(uint8_t *p, const char *name)
{
	size_t		n = 0, l;
	const char	*dot;

	while (*name != '\0') {
		dot = strchr(name, '.');
		l = dot ? (size_t)(dot - name) : strlen(name);
		p[n++] = (uint8_t)l;
		memcpy(p + n, name, l);
		n += l;
		name += l + (dot ? 1 : 0);
	}
	p[n++] = 0;
	return (n);
}

/*
 * A DNS query (rdata == NULL) or its answer with one record of the query
 * type (4 bytes for A, 16 for AAAA).  Returns the message length.
 */
static size_t
dns_msg(uint8_t *p, uint16_t id, const char *name, uint16_t qtype,
    const struct addr *rdata)
{
	size_t	n = 12;

	memset(p, 0, 12);
	put_be16(p, id);
	put_be16(p + 2, rdata ? 0x8180 : 0x0100);	/* RD, or QR RD RA */
	put_be16(p + 4, 1);
	put_be16(p + 6, rdata ? 1 : 0);
	n += dns_name(p + n, name);
	put_be16(p + n, qtype);
	put_be16(p + n + 2, 1);				/* IN */
	n += 4;
	if (rdata != NULL) {
		put_be16(p + n, 0xc00c);		/* question name */
		put_be16(p + n + 2, qtype);
		put_be16(p + n + 4, 1);
		put_be32(p + n + 6, 300);
		put_be16(p + n + 10, rdata->v == 4 ? 4 : 16);
		memcpy(p + n + 12, rdata->a, rdata->v == 4 ? 4 : 16);
		n += 12 + (rdata->v == 4 ? 4 : 16);
	}
	return (n);
}

/* A DNS lookup over conversation c: query then answer. */
static void
dns_lookup(struct gen *g, struct conv *c, const char *name, const char *ans)
{
	uint8_t		msg[512];
	struct addr	a = A(ans);
	uint16_t	id = (uint16_t)pg_rand(g);
	uint16_t	qtype = a.v == 4 ? 1 : 28;

	c->cport = pg_dynport(g);
	conv_udp(g, c, 1, msg, dns_msg(msg, id, name, qtype, NULL));
	conv_udp(g, c, 0, msg, dns_msg(msg, id, name, qtype, &a));
}

/* An NTPv4 packet (RFC 5905 7.3): mode 3 client or 4 server. */
static void
ntp_exchange(struct gen *g, struct conv *c)
{
	uint8_t		pkt[48];
	uint32_t	secs = (uint32_t)(g->now / PG_NSEC + 2208988800ULL);

	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x23;				/* LI 0, VN 4, mode 3 */
	pkt[2] = 6;
	pkt[3] = 0xe9;
	put_be32(pkt + 40, secs);		/* transmit timestamp */
	conv_udp(g, c, 1, pkt, sizeof(pkt));
	pkt[0] = 0x24;				/* mode 4 */
	pkt[1] = 2;				/* stratum 2 */
	memcpy(pkt + 12, "\xc0\x00\x02\x7b", 4);	/* reference id */
	memcpy(pkt + 24, pkt + 40, 8);		/* origin = client's xmit */
	put_be32(pkt + 32, secs);
	put_be32(pkt + 40, secs);
	conv_udp(g, c, 0, pkt, sizeof(pkt));
}

/*
 * n UDP datagrams, client and server taking turns, with payloads that
 * suit the server port: DNS lookups on 53, NTP on 123, syslog lines on
 * 514 (one way), random bytes elsewhere.
 */
static void
udp_exchange(struct gen *g, struct conv *c, int n)
{
	static const char	line[] =
	    "<134>Jan  1 00:00:00 gw pcapgen: link up";
	int			i;

	for (i = 0; i < n; i += 2) {
		if (c->sport == 53)
			dns_lookup(g, c, "tun.example.com", i % 4 == 0 ?
			    "192.0.2.53" : "2001:db8::53");
		else if (c->sport == 123)
			ntp_exchange(g, c);
		else if (c->sport == 514) {
			conv_udp(g, c, 1, line, sizeof(line) - 1);
			conv_udp(g, c, 1, line, sizeof(line) - 1);
		} else {
			conv_udp(g, c, 1, NULL, 40 + 8 * (size_t)i);
			conv_udp(g, c, 0, NULL, 48 + 8 * (size_t)i);
		}
	}
}

/*
 * An SMB2 message (MS-SMB2 2.2.1) behind its 4-byte NetBIOS session header
 * (RFC 1002 4.3.1): header with command cmd and a small body.  Returns the
 * length.
 */
static size_t
smb2_msg(uint8_t *p, uint16_t cmd, int response, uint64_t msgid)
{
	size_t	len = 4 + 64 + 8;

	memset(p, 0, len);
	put_be32(p, (uint32_t)(len - 4));	/* type 0: session message */
	memcpy(p + 4, "\xfeSMB", 4);
	p[8] = 64;				/* structure size, LE */
	p[16] = (uint8_t)cmd;			/* command, LE */
	p[18] = 1;				/* credits */
	p[20] = (uint8_t)(response ? 1 : 0);	/* SMB2_FLAGS_SERVER_TO_REDIR */
	p[28] = (uint8_t)msgid;			/* message id, LE */
	p[68] = 9;				/* body structure size */
	return (len);
}

/* ICMP echo request and reply (RFC 792) between two IPv4 hosts. */
static void
icmp_echo(struct gen *g, int iface, int w, const struct addr *a,
    const struct addr *b, uint16_t id, uint16_t seq)
{
	struct frame	f;
	struct tag	t = tag_counter(CNT_ICMP);
	int		i;

	for (i = 0; i < 2; i++) {
		frame_reset(&f);
		frame_put(&f, "abcdefghijklmnopqrstuvwabcdefghi", 32);
		icmp_push(&f, i == 0 ? 8 : 0, 0, (uint32_t)id << 16 | seq);
		ip4_push(&f, i == 0 ? a : b, i == 0 ? b : a, g->ipid++);
		pg_wait(g, 15 * PG_MSEC);
		wrap(g, &f, w, i == 0 ? mac_gw : mac_a, i == 0 ? mac_a : mac_gw,
		    i == 0, &t);
		emit(g, iface, &f, t);
	}
}

/* ICMPv6 echo request and reply (RFC 4443 4). */
static void
icmp6_echo(struct gen *g, int iface, int w, const struct addr *a,
    const struct addr *b, uint16_t id, uint16_t seq)
{
	struct frame	f;
	struct tag	t = tag_counter(CNT_ICMPV6);
	int		i;

	for (i = 0; i < 2; i++) {
		frame_reset(&f);
		frame_put_rand(g, &f, 24);
		icmp6_push(&f, i == 0 ? a : b, i == 0 ? b : a,
		    i == 0 ? 128 : 129, 0, (uint32_t)id << 16 | seq);
		ip6_push(&f, i == 0 ? a : b, i == 0 ? b : a, 64);
		pg_wait(g, 15 * PG_MSEC);
		wrap(g, &f, w, i == 0 ? mac_gw : mac_a, i == 0 ? mac_a : mac_gw,
		    i == 0, &t);
		emit(g, iface, &f, t);
	}
}

/* Neighbour solicitation and advertisement (RFC 4861 4.3, 4.4). */
static void
icmp6_nd(struct gen *g, const struct addr *me, const uint8_t mymac[6],
    const struct addr *target, const uint8_t tmac[6])
{
	struct frame	f;
	struct addr	snm = A("ff02::1:ff00:0");
	uint8_t		*p, dmac[6] = { 0x33, 0x33, 0xff, 0, 0, 0 };

	/* Solicitation to the target's solicited-node multicast group. */
	memcpy(snm.a + 13, target->a + 13, 3);
	memcpy(dmac + 3, target->a + 13, 3);
	frame_reset(&f);
	p = frame_append(&f, 24);
	memcpy(p, target->a, 16);
	p[16] = 1;				/* source link-layer address */
	p[17] = 1;
	memcpy(p + 18, mymac, 6);
	icmp6_push(&f, me, &snm, 135, 0, 0);
	ip6_push(&f, me, &snm, 255);
	eth_push(&f, dmac, mymac);
	pg_wait(g, 2 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_ICMPV6));

	/* Advertisement back: solicited + override, target link-layer. */
	frame_reset(&f);
	p = frame_append(&f, 24);
	memcpy(p, target->a, 16);
	p[16] = 2;
	p[17] = 1;
	memcpy(p + 18, tmac, 6);
	icmp6_push(&f, target, me, 136, 0, 0x60000000);
	ip6_push(&f, target, me, 255);
	eth_push(&f, mymac, tmac);
	pg_wait(g, 2 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_ICMPV6));
}

/* ARP who-has and is-at on Ethernet (non-IP). */
static void
arp_exchange(struct gen *g, const uint8_t mymac[6], const char *me,
    const uint8_t hismac[6], const char *him)
{
	struct frame	f;
	struct addr	a = A(me), b = A(him);

	frame_reset(&f);
	arp_put(&f, 1, mymac, a.a, mac_zero, b.a);
	eth_push(&f, mac_bcast, mymac);
	frame_pad_ether(&f);
	pg_wait(g, 5 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_NON_IP));
	frame_reset(&f);
	arp_put(&f, 2, hismac, b.a, mymac, a.a);
	eth_push(&f, mymac, hismac);
	frame_pad_ether(&f);
	pg_wait(g, 1 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_NON_IP));
}

/* ------------------------------------------------------------------ */
/* Scenarios                                                            */
/* ------------------------------------------------------------------ */

/* A small office over a few minutes. */
static void
scen_demo(struct gen *g)
{
	static const char	 http_req[] = "GET /index.html HTTP/1.1\r\n"
	    "Host: www.example.com\r\nUser-Agent: curl/7.88.1\r\n"
	    "Accept: */*\r\n\r\n";
	static const char	 http_rsp[] = "HTTP/1.1 200 OK\r\n"
	    "Content-Type: text/html\r\nContent-Length: 31\r\n\r\n"
	    "<html><body>hello</body></html>";
	static const char	 ssh_banner[] = "SSH-2.0-OpenSSH_9.2p1\r\n";
	struct conv		 c;
	struct addr		 a4 = A("192.168.1.10");
	struct addr		 a6 = A("2001:db8:1::10");
	struct addr		 gw6 = A("2001:db8:1::1");
	struct addr		 far4 = A("203.0.113.99");
	uint8_t			 smb[128];
	int			 i;

	out_add_iface(g, PC_DLT_EN10MB, PG_SNAPLEN_DEFAULT, 0);

	/* Laptop A joins: ARP for the gateway, IPv6 neighbour discovery. */
	arp_exchange(g, mac_a, "192.168.1.10", mac_gw, "192.168.1.1");
	icmp6_nd(g, &a6, mac_a, &gw6, mac_gw);

	/* DNS over IPv4 and IPv6 to the gateway's resolver. */
	conv_init(g, &c, PC_PROTO_UDP, "192.168.1.10", 0, "192.168.1.1", 53);
	dns_lookup(g, &c, "www.example.com", "203.0.113.10");
	dns_lookup(g, &c, "mail.example.com", "203.0.113.25");
	conv_init(g, &c, PC_PROTO_UDP, "2001:db8:1::10", 0, "2001:db8:1::1",
	    53);
	dns_lookup(g, &c, "www.example.com", "2001:db8:2::443");

	/* NTP client on 123 talking to a server on 123 (RFC 5905 8). */
	conv_init(g, &c, PC_PROTO_UDP, "192.168.1.10", 123, "198.51.100.123",
	    123);
	ntp_exchange(g, &c);

	/* Several HTTPS connections, IPv4 and IPv6. */
	for (i = 0; i < 3; i++) {
		pg_wait(g, 4 * PG_NSEC);
		conv_init(g, &c, PC_PROTO_TCP, "192.168.1.10", pg_dynport(g),
		    "203.0.113.10", 443);
		tcp_session(g, &c, 2 + i, 300, 1800 * (size_t)(i + 1));
	}
	conv_init(g, &c, PC_PROTO_TCP, "2001:db8:1::10", pg_dynport(g),
	    "2001:db8:2::443", 443);
	tcp_session(g, &c, 2, 400, 2500);

	/* QUIC (RFC 9000) on 443/udp over IPv6: a long-header start. */
	conv_init(g, &c, PC_PROTO_UDP, "2001:db8:1::10", pg_dynport(g),
	    "2001:db8:2::443", 443);
	for (i = 0; i < 6; i++) {
		uint8_t	q[1200];

		memset(q, 0, sizeof(q));
		q[0] = i < 2 ? 0xc3 : 0x43;	/* long Initial, then short */
		put_be32(q + 1, 1);		/* QUIC version 1 */
		q[5] = 8;
		conv_udp(g, &c, i % 2 == 0, q, i < 2 ? 1200 : 300 + 100 *
		    (size_t)i);
	}

	/* HTTP/1.1 fetch. */
	pg_wait(g, 10 * PG_NSEC);
	conv_init(g, &c, PC_PROTO_TCP, "192.168.1.10", pg_dynport(g),
	    "203.0.113.10", 80);
	tcp_open(g, &c);
	tcp_send(g, &c, 1, http_req, sizeof(http_req) - 1);
	tcp_send(g, &c, 0, http_rsp, sizeof(http_rsp) - 1);
	tcp_close(g, &c);

	/* SSH from laptop B to a server: banners, then encrypted chatter. */
	pg_wait(g, 15 * PG_NSEC);
	conv_init(g, &c, PC_PROTO_TCP, "192.168.1.11", pg_dynport(g),
	    "198.51.100.22", 22);
	memcpy(c.cmac, mac_b, 6);
	tcp_open(g, &c);
	tcp_send(g, &c, 0, ssh_banner, sizeof(ssh_banner) - 1);
	tcp_send(g, &c, 1, ssh_banner, sizeof(ssh_banner) - 1);
	for (i = 0; i < 6; i++) {
		tcp_send(g, &c, 1, NULL, 36 + 16 * (size_t)(i % 3));
		tcp_send(g, &c, 0, NULL, 52 + 40 * (size_t)i);
	}
	tcp_close(g, &c);

	/* IMAPS mail check. */
	pg_wait(g, 20 * PG_NSEC);
	conv_init(g, &c, PC_PROTO_TCP, "192.168.1.10", pg_dynport(g),
	    "203.0.113.25", 993);
	tcp_session(g, &c, 3, 120, 900);

	/* SMB2 to the NAS on the LAN: negotiate, session setup, ... */
	pg_wait(g, 20 * PG_NSEC);
	conv_init(g, &c, PC_PROTO_TCP, "192.168.1.12", pg_dynport(g),
	    "192.168.1.5", 445);
	memcpy(c.cmac, mac_c, 6);
	memcpy(c.smac, mac_nas, 6);
	c.gap = 1 * PG_MSEC;
	tcp_open(g, &c);
	for (i = 0; i < 4; i++) {
		tcp_send(g, &c, 1, smb, smb2_msg(smb, (uint16_t)i, 0,
		    (uint64_t)i));
		tcp_send(g, &c, 0, smb, smb2_msg(smb, (uint16_t)i, 1,
		    (uint64_t)i));
	}
	tcp_close(g, &c);

	/* A client tries a service on unassigned port 4/tcp. */
	pg_wait(g, 10 * PG_NSEC);
	conv_init(g, &c, PC_PROTO_TCP, "192.168.1.11", pg_dynport(g),
	    "198.51.100.4", 4);
	memcpy(c.cmac, mac_b, 6);
	tcp_session(g, &c, 1, 20, 40);

	/* UDP to an unassigned registered port (7140: 7130-7160 Unassigned). */
	conv_init(g, &c, PC_PROTO_UDP, "192.168.1.10", pg_dynport(g),
	    "198.51.100.71", 7140);
	for (i = 0; i < 4; i++)
		conv_udp(g, &c, i % 2 == 0, NULL, 64);

	/*
	 * Peer-to-peer UDP between two dynamic ports, begun a minute into
	 * the capture: its first packet goes to the peer that listens.
	 */
	pg_wait(g, 5 * PG_NSEC);
	conv_init(g, &c, PC_PROTO_UDP, "192.168.1.10", 50000, "192.168.1.11",
	    62000);
	memcpy(c.smac, mac_b, 6);
	for (i = 0; i < 10; i++)
		conv_udp(g, &c, i % 3 != 2, NULL, 160);

	/* Pings to a far host and to the IPv6 gateway. */
	for (i = 0; i < 3; i++) {
		pg_wait(g, 1 * PG_NSEC);
		icmp_echo(g, 0, W_ETH, &a4, &far4, 0x0a0a, (uint16_t)i);
	}
	icmp6_echo(g, 0, W_ETH, &a6, &gw6, 0x0b0b, 1);

	/* A last lookup and HTTPS connection, a minute later. */
	pg_wait(g, 60 * PG_NSEC);
	conv_init(g, &c, PC_PROTO_UDP, "192.168.1.11", 0, "192.168.1.1", 53);
	memcpy(c.cmac, mac_b, 6);
	dns_lookup(g, &c, "news.example.org", "198.51.100.80");
	conv_init(g, &c, PC_PROTO_TCP, "192.168.1.11", pg_dynport(g),
	    "198.51.100.80", 443);
	memcpy(c.cmac, mac_b, 6);
	tcp_session(g, &c, 1, 500, 4000);
}

/*
 * The trap: a client whose source port happens to be 3306 (mysql) talks to
 * a server listening on the unassigned dynamic port 61000.  Every packet of
 * that connection belongs to 61000/tcp; only the handshake says so.  A real
 * mysql connection to 3306 follows for contrast.
 */
static void
scen_trap3306(struct gen *g)
{
	struct conv	c;

	out_add_iface(g, PC_DLT_EN10MB, PG_SNAPLEN_DEFAULT, 0);
	conv_init(g, &c, PC_PROTO_TCP, "10.1.0.20", 3306, "10.1.0.30", 61000);
	tcp_session(g, &c, 3, 200, 700);
	pg_wait(g, 2 * PG_NSEC);
	conv_init(g, &c, PC_PROTO_TCP, "10.1.0.21", 50123, "10.1.0.31", 3306);
	tcp_session(g, &c, 2, 90, 400);
}

/*
 * A TCP session whose reasons the generator knows: the SYN goes to the
 * server (syn), the SYN+ACK comes from it (synack), and every later packet
 * gets rest: "client-range", "status", ... when the rule alone names the
 * server, "listener" when only the handshake's lesson does.  With
 * handshake 0 the capture starts mid-stream: data, ACKs and the close
 * only.
 */
static void
why_session(struct gen *g, struct conv *c, int handshake, int rest)
{
	if (handshake) {
		g->why = WHY_SYN;
		conv_tcp(g, c, 1, TH_SYN, NULL, 0);
		g->why = WHY_SYNACK;
		conv_tcp(g, c, 0, TH_SYN | TH_ACK, NULL, 0);
	}
	g->why = rest;
	if (handshake)
		conv_tcp(g, c, 1, TH_ACK, NULL, 0);
	tcp_send(g, c, 1, NULL, 120 + pg_rand_below(g, 64));
	tcp_send(g, c, 0, NULL, 900 + pg_rand_below(g, 256));
	tcp_close(g, c);
}

/* UDP exchanges of n requests and answers, every packet for reason why. */
static void
why_udp(struct gen *g, struct conv *c, int n, int why)
{
	int	i;

	g->why = why;
	for (i = 0; i < n; i++) {
		conv_udp(g, c, 1, NULL, 40 + pg_rand_below(g, 40));
		conv_udp(g, c, 0, NULL, 80 + pg_rand_below(g, 80));
	}
}

/*
 * Unassigned and reserved ports, and the reasons of the service-port
 * rule, with the answer known per packet (issue 7): a server on an
 * unassigned port with its handshake, the client-port trap towards an
 * unassigned port (client on 3306; the handshake makes 10013 a listener),
 * a connection caught mid-stream, a reserved UDP port, an unassigned
 * system port against an unassigned user port (range), a both-registered
 * pair 5060 <-> 5061 (lower; a listener when the client sits on 5060),
 * the same port on both sides, and two dynamic ports (ephemeral: the
 * whole capture is inside the warm-up, so nobody knows who sent first).
 */
static void
scen_unassigned(struct gen *g)
{
	struct conv	c;

	g->why_known = 1;
	g->why = -1;
	out_add_iface(g, PC_DLT_EN10MB, PG_SNAPLEN_DEFAULT, 0);
	/* 10012/tcp unassigned, client on a dynamic port. */
	conv_init(g, &c, PC_PROTO_TCP, "10.7.0.10", 51000, "10.7.0.20", 10012);
	why_session(g, &c, 1, WHY_CLIENT);
	conv_init(g, &c, PC_PROTO_TCP, "10.7.0.11", 51001, "10.7.0.20", 10012);
	why_session(g, &c, 1, WHY_CLIENT);
	/* The trap: client port 3306 (mysql) to a listener on 10013. */
	conv_init(g, &c, PC_PROTO_TCP, "10.7.0.12", 3306, "10.7.0.21", 10013);
	why_session(g, &c, 1, WHY_LISTENER);
	/* Mid-stream, no handshake: the rule alone, rightly. */
	conv_init(g, &c, PC_PROTO_TCP, "10.7.0.13", 52000, "10.7.0.22", 10014);
	why_session(g, &c, 0, WHY_CLIENT);
	/* 47/udp is reserved. */
	conv_init(g, &c, PC_PROTO_UDP, "10.7.0.14", 50500, "10.7.0.23", 47);
	why_udp(g, &c, 3, WHY_CLIENT);
	/* 1005/udp and 10016/udp are both unassigned: the system range. */
	conv_init(g, &c, PC_PROTO_UDP, "10.7.0.15", 10016, "10.7.0.23", 1005);
	why_udp(g, &c, 2, WHY_RANGE);
	/* sip 5060 and sips 5061: both assigned, both user range. */
	conv_init(g, &c, PC_PROTO_UDP, "10.7.0.16", 5061, "10.7.0.24", 5060);
	why_udp(g, &c, 2, WHY_LOWER);
	conv_init(g, &c, PC_PROTO_TCP, "10.7.0.16", 5061, "10.7.0.24", 5060);
	why_session(g, &c, 1, WHY_LOWER);
	conv_init(g, &c, PC_PROTO_TCP, "10.7.0.17", 5060, "10.7.0.25", 5061);
	why_session(g, &c, 1, WHY_LISTENER);
	/* The same unassigned port on both sides. */
	conv_init(g, &c, PC_PROTO_UDP, "10.7.0.18", 10015, "10.7.0.26", 10015);
	why_udp(g, &c, 2, WHY_SAME);
	/* Two dynamic ports: no service port. */
	conv_init(g, &c, PC_PROTO_UDP, "10.7.0.19", 50000, "10.7.0.27", 60000);
	c.tag = tag_ephemeral(PC_PROTO_UDP);
	why_udp(g, &c, 2, WHY_EPHEMERAL);
}

/* Wait until at least sec seconds after the capture's first second. */
static void
pg_after(struct gen *g, uint64_t sec)
{
	uint64_t	t = (PG_EPOCH_SEC + sec) * PG_NSEC + 200 * PG_MSEC;

	if (g->now < t)
		g->now = t;
}

/*
 * One UDP exchange, request (reason wq) then answer (reason wa), each
 * datagram a little different in size.
 */
static void
why_ask(struct gen *g, struct conv *c, int wq, int wa)
{
	g->why = wq;
	conv_udp(g, c, 1, NULL, 40 + pg_rand_below(g, 40));
	g->why = wa;
	conv_udp(g, c, 0, NULL, 80 + pg_rand_below(g, 80));
}

/*
 * A TCP connection of which only the client's side was captured (an
 * asymmetric route): SYN, the handshake's last ACK, a request, the FIN.
 */
static void
why_one_way(struct gen *g, struct conv *c, int rest)
{
	g->why = WHY_SYN;
	conv_tcp(g, c, 1, TH_SYN, NULL, 0);
	c->sseq++;
	g->why = rest;
	conv_tcp(g, c, 1, TH_ACK, NULL, 0);
	conv_tcp(g, c, 1, TH_ACK | 0x08, NULL, 300);
	conv_tcp(g, c, 1, TH_ACK | TH_FIN, NULL, 0);
}

/*
 * Listeners (issue 14), with the answer and its reason known per packet:
 * clients from the Linux (32768-60999), Windows (49152-65535) and NAT
 * (anything) port ranges, servers on unassigned registered, dynamic and
 * assigned ports, TCP with and without the handshake in the capture, UDP
 * servers with one, three and fifty clients, a SYN scan and a spoofed
 * SYN flood.  The first five seconds are the warm-up (listener.h): what
 * happens there was already going on when the capture began.  Clients
 * are ordered so that every packet has one right answer that evidence
 * can give: a server's first clients sit where the rule alone is right,
 * the later ones where only evidence is (a NAT client on 3306 or 47, a
 * Linux client on an assigned port facing a dynamic one).
 */
static void
scen_listeners(struct gen *g)
{
	static const char *const nat_tcp[] = { "10.8.1.3", "10.8.1.4" };
	static const uint16_t	 nat_tcp_port[] = { 3306, 47 };
	struct conv		 c;
	struct addr		 src;
	char			 cli[32];
	uint16_t		 port;
	int			 i;

	g->why_known = 1;
	g->why = -1;
	out_add_iface(g, PC_DLT_EN10MB, PG_SNAPLEN_DEFAULT, 0);

	/*
	 * Warm-up.  A game server on 25565/tcp (unassigned), its sessions
	 * already open: a Windows and a Linux client (on 33000, assigned
	 * wg-endpt-comms) are named by the client ranges; once it answered
	 * both, it listens by fan-in, which names it for NAT clients on
	 * 3306 (mysql) and 47 (reserved), where the rule names the client.
	 */
	conv_init(g, &c, PC_PROTO_TCP, "10.8.1.1", 50100, "10.8.0.10", 25565);
	why_session(g, &c, 0, WHY_CLIENT);
	conv_init(g, &c, PC_PROTO_TCP, "10.8.1.2", 33000, "10.8.0.10", 25565);
	why_session(g, &c, 0, WHY_CLIENT);
	for (i = 0; i < 2; i++) {
		conv_init(g, &c, PC_PROTO_TCP, nat_tcp[i], nat_tcp_port[i],
		    "10.8.0.10", 25565);
		why_session(g, &c, 0, WHY_FANIN);
	}
	/* The same over IPv6 and UDP: 27015/udp, a NAT client on 3478. */
	conv_init(g, &c, PC_PROTO_UDP, "2001:db8:8:1::5", 50200,
	    "2001:db8:8::20", 27015);
	why_ask(g, &c, WHY_CLIENT, WHY_CLIENT);
	conv_init(g, &c, PC_PROTO_UDP, "2001:db8:8:1::6", 50201,
	    "2001:db8:8::20", 27015);
	why_ask(g, &c, WHY_CLIENT, WHY_CLIENT);
	conv_init(g, &c, PC_PROTO_UDP, "2001:db8:8:1::7", 3478,
	    "2001:db8:8::20", 27015);
	why_ask(g, &c, WHY_FANIN, WHY_FANIN);
	why_ask(g, &c, WHY_FANIN, WHY_FANIN);
	/*
	 * A server on the dynamic port 61000 with its handshake: a Linux
	 * client on 40000 (safetynetp) loses to it only by the listener the
	 * SYN+ACK made; a Windows client caught mid-stream, on a dynamic
	 * port too, is named by the same listener.
	 */
	conv_init(g, &c, PC_PROTO_TCP, "10.8.1.8", 40000, "10.8.0.30", 61000);
	why_session(g, &c, 1, WHY_LISTENER);
	conv_init(g, &c, PC_PROTO_TCP, "10.8.1.9", 52000, "10.8.0.30", 61000);
	why_session(g, &c, 0, WHY_LISTENER);
	/* Only the client's side captured: the flow cache alone knows. */
	conv_init(g, &c, PC_PROTO_TCP, "10.8.1.10", 3306, "10.8.0.40", 10030);
	why_one_way(g, &c, WHY_FLOW);
	/*
	 * An assigned port inside the client ranges (44818, EtherNet/IP):
	 * it beats a Windows client's dynamic port by status, and a Linux
	 * client's 33000 only by the listener its handshake made.
	 */
	conv_init(g, &c, PC_PROTO_TCP, "10.8.1.15", 50400, "10.8.0.90", 44818);
	why_session(g, &c, 1, WHY_STATUS);
	conv_init(g, &c, PC_PROTO_TCP, "10.8.1.16", 33000, "10.8.0.90", 44818);
	why_session(g, &c, 0, WHY_LISTENER);

	/*
	 * After the warm-up, who sends first is known.  WireGuard on
	 * 51820/udp: its first client, on a dynamic port, would be named
	 * by the first packet, but that is a guess held until the report,
	 * and by then fan-in has spoken: the second's question (on 40000,
	 * which the rule would pick) makes 51820 a listener at once; a NAT
	 * client on 53 follows.
	 */
	pg_after(g, 6);
	conv_init(g, &c, PC_PROTO_UDP, "10.8.1.11", 50300, "10.8.0.50", 51820);
	why_ask(g, &c, WHY_FANIN, WHY_FANIN);
	conv_init(g, &c, PC_PROTO_UDP, "10.8.1.12", 40000, "10.8.0.50", 51820);
	why_ask(g, &c, WHY_FANIN, WHY_FANIN);
	why_ask(g, &c, WHY_FANIN, WHY_FANIN);
	conv_init(g, &c, PC_PROTO_UDP, "10.8.1.13", 53, "10.8.0.50", 51820);
	why_ask(g, &c, WHY_FANIN, WHY_FANIN);
	/* One client only, on 45000 (asmp-mon): its first packet decides. */
	conv_init(g, &c, PC_PROTO_UDP, "10.8.1.14", 45000, "10.8.0.60", 60606);
	why_ask(g, &c, WHY_FIRST, WHY_FIRST);
	why_ask(g, &c, WHY_FIRST, WHY_FIRST);
	/* Fifty clients of 55555/udp from Linux and Windows ports. */
	for (i = 0; i < 50; i++) {
		snprintf(cli, sizeof(cli), "10.8.2.%d", 10 + i);
		port = (uint16_t)(i % 2 ? PORT_DYNAMIC_MIN + pg_rand_below(g,
		    16384) : PORT_CLIENT_MIN + pg_rand_below(g, 28232));
		conv_init(g, &c, PC_PROTO_UDP, cli, port, "10.8.0.100", 55555);
		why_ask(g, &c, WHY_FANIN, WHY_FANIN);
	}

	/*
	 * A SYN scan of 10.8.0.70 ports 20-29 from 45000 (asmp): 22 answers
	 * and is reset, the others refuse.  The client ranges name every
	 * packet's port right; the scanner's port becomes nothing.
	 */
	for (port = 20; port < 30; port++) {
		conv_init(g, &c, PC_PROTO_TCP, "10.8.9.9", 45000, "10.8.0.70",
		    port);
		c.gap = PG_MSEC;
		g->why = WHY_SYN;
		conv_tcp(g, &c, 1, TH_SYN, NULL, 0);
		if (port == 22) {
			g->why = WHY_SYNACK;
			conv_tcp(g, &c, 0, TH_SYN | TH_ACK, NULL, 0);
			g->why = WHY_CLIENT;
			conv_tcp(g, &c, 1, TH_RST, NULL, 0);
		} else {
			g->why = WHY_CLIENT;
			conv_tcp(g, &c, 0, TH_RST | TH_ACK, NULL, 0);
		}
	}
	/*
	 * A SYN flood on a web server's 80 from spoofed sources, which it
	 * answers: every packet is a handshake; none of the sources comes
	 * to listen, and the listener on 61000 still names a new client.
	 */
	memset(&src, 0, sizeof(src));
	src.v = 4;
	for (i = 0; i < 200; i++) {
		conv_init(g, &c, PC_PROTO_TCP, "198.18.0.1", 0, "10.8.0.80", 80);
		put_be32(src.a, 0xc6120000U | pg_rand_below(g, 65536));
		c.cli = src;
		c.cport = (uint16_t)(1024 + pg_rand_below(g, 65536 - 1024));
		c.gap = 100 * PG_USEC;
		g->why = WHY_SYN;
		conv_tcp(g, &c, 1, TH_SYN, NULL, 0);
		g->why = WHY_SYNACK;
		conv_tcp(g, &c, 0, TH_SYN | TH_ACK, NULL, 0);
	}
	conv_init(g, &c, PC_PROTO_TCP, "10.8.1.20", 52001, "10.8.0.30", 61000);
	why_session(g, &c, 0, WHY_LISTENER);
}

/* Link-type mixes: which address families a link can carry. */
#define MIX_V4		0x01
#define MIX_V6		0x02

/*
 * The same small mix over one link type: an HTTPS connection and DNS over
 * IPv4, SSH and DNS over IPv6, and pings, each where the link allows.
 */
static void
link_mix(struct gen *g, uint16_t linktype, int w, int fams)
{
	struct conv	c;
	struct addr	a4 = A("10.9.0.2"), b4 = A("10.9.0.1");
	struct addr	a6 = A("2001:db8:9::2"), b6 = A("2001:db8:9::1");
	int		iface;

	iface = out_add_iface(g, linktype, PG_SNAPLEN_DEFAULT, 0);
	if (fams & MIX_V4) {
		conv_init(g, &c, PC_PROTO_UDP, "10.9.0.2", 0, "10.9.0.1", 53);
		c.wrap = w;
		c.iface = iface;
		dns_lookup(g, &c, "www.example.net", "198.51.100.7");
		conv_init(g, &c, PC_PROTO_TCP, "10.9.0.2", pg_dynport(g),
		    "198.51.100.7", 443);
		c.wrap = w;
		c.iface = iface;
		tcp_session(g, &c, 2, 250, 1800);
		icmp_echo(g, iface, w, &a4, &b4, 0x77, 1);
	}
	if (fams & MIX_V6) {
		conv_init(g, &c, PC_PROTO_UDP, "2001:db8:9::2", 0,
		    "2001:db8:9::1", 53);
		c.wrap = w;
		c.iface = iface;
		dns_lookup(g, &c, "www.example.net", "2001:db8:7::7");
		conv_init(g, &c, PC_PROTO_TCP, "2001:db8:9::2", pg_dynport(g),
		    "2001:db8:7::7", 22);
		c.wrap = w;
		c.iface = iface;
		tcp_session(g, &c, 2, 48, 300);
		icmp6_echo(g, iface, w, &a6, &b6, 0x78, 1);
	}
}

static void
scen_eth(struct gen *g)
{
	link_mix(g, PC_DLT_EN10MB, W_ETH, MIX_V4 | MIX_V6);
}

static void
scen_vlan(struct gen *g)
{
	link_mix(g, PC_DLT_EN10MB, W_VLAN, MIX_V4 | MIX_V6);
}

/* 802.1ad + 802.1Q for IPv4, the old 0x9100 TPID + 802.1Q for IPv6. */
static void
scen_qinq(struct gen *g)
{
	struct conv	c;
	int		i;

	link_mix(g, PC_DLT_EN10MB, W_QINQ, MIX_V4);
	conv_init(g, &c, PC_PROTO_UDP, "2001:db8:9::2", 0, "2001:db8:9::1",
	    53);
	c.wrap = W_QINQ9100;
	dns_lookup(g, &c, "www.example.net", "2001:db8:7::7");
	conv_init(g, &c, PC_PROTO_TCP, "10.9.0.2", pg_dynport(g),
	    "198.51.100.7", 80);
	c.wrap = W_QINQ9100;
	tcp_session(g, &c, 1, 100, 500);
	/* A few more IPv6 packets double-tagged the standard way. */
	conv_init(g, &c, PC_PROTO_UDP, "2001:db8:9::2", pg_dynport(g),
	    "2001:db8:9::1", 123);
	c.wrap = W_QINQ;
	for (i = 0; i < 2; i++)
		ntp_exchange(g, &c);
}

static void
scen_mpls(struct gen *g)
{
	link_mix(g, PC_DLT_EN10MB, W_MPLS, MIX_V4 | MIX_V6);
}

static void
scen_pppoe(struct gen *g)
{
	link_mix(g, PC_DLT_EN10MB, W_PPPOE, MIX_V4 | MIX_V6);
}

static void
scen_sll(struct gen *g)
{
	link_mix(g, PC_DLT_LINUX_SLL, W_SLL, MIX_V4 | MIX_V6);
}

static void
scen_sll2(struct gen *g)
{
	link_mix(g, PC_DLT_LINUX_SLL2, W_SLL2, MIX_V4 | MIX_V6);
}

static void
scen_raw(struct gen *g)
{
	link_mix(g, PC_DLT_LINKTYPE_RAW, W_NONE, MIX_V4 | MIX_V6);
}

static void
scen_ipv4(struct gen *g)
{
	link_mix(g, PC_DLT_IPV4, W_NONE, MIX_V4);
}

static void
scen_ipv6(struct gen *g)
{
	link_mix(g, PC_DLT_IPV6, W_NONE, MIX_V6);
}

/* IPv6 packets rotate through the AF values 24, 28 and 30. */
static void
scen_null(struct gen *g)
{
	link_mix(g, PC_DLT_NULL, W_NULL, MIX_V4 | MIX_V6);
}

static void
scen_loop(struct gen *g)
{
	link_mix(g, PC_DLT_LOOP, W_LOOP, MIX_V4 | MIX_V6);
}

static void
scen_ppp(struct gen *g)
{
	link_mix(g, PC_DLT_PPP, W_PPP, MIX_V4 | MIX_V6);
}

static void
scen_nflog(struct gen *g)
{
	link_mix(g, PC_DLT_NFLOG, W_NFLOG, MIX_V4 | MIX_V6);
}

/*
 * Tunnels over Ethernet: the inner transport counts for IP-in-IP, 6in4,
 * GRE, GRE TEB and ERSPAN; VXLAN counts as its outer udp/4789.
 */
static void
scen_tunnels(struct gen *g)
{
	static const struct {
		int		 w;
		const char	*cli, *srv;
		int		 proto;
		uint16_t	 port;
	} t[] = {
		{ W_IPIP, "10.20.0.2", "10.30.0.2", PC_PROTO_TCP, 80 },
		{ W_6IN4, "2001:db8:20::2", "2001:db8:30::2", PC_PROTO_TCP,
		    443 },
		{ W_6IN4, "2001:db8:20::2", "2001:db8:30::2", PC_PROTO_UDP,
		    53 },
		{ W_GRE, "10.20.0.2", "10.30.0.2", PC_PROTO_TCP, 22 },
		{ W_GRE, "2001:db8:20::2", "2001:db8:30::2", PC_PROTO_UDP,
		    123 },
		{ W_GRE_KS, "10.20.0.2", "10.30.0.2", PC_PROTO_TCP, 25 },
		{ W_GRE_TEB, "10.20.0.2", "10.30.0.2", PC_PROTO_TCP, 3306 },
		{ W_ERSPAN2, "10.20.0.2", "10.30.0.2", PC_PROTO_TCP, 443 },
		{ W_ERSPAN2, "10.20.0.2", "10.30.0.2", PC_PROTO_UDP, 514 },
		{ W_ERSPAN3, "10.20.0.2", "10.30.0.2", PC_PROTO_TCP, 8080 },
		{ W_ERSPAN3_O, "2001:db8:20::2", "2001:db8:30::2",
		    PC_PROTO_UDP, 9 },
		{ W_VXLAN, "10.20.0.2", "10.30.0.2", PC_PROTO_TCP, 80 },
		{ W_VXLAN, "10.20.0.2", "10.30.0.2", PC_PROTO_UDP, 53 },
	};
	struct conv	c;
	size_t		i;

	out_add_iface(g, PC_DLT_EN10MB, PG_SNAPLEN_DEFAULT, 0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		conv_init(g, &c, t[i].proto, t[i].cli, pg_dynport(g), t[i].srv,
		    t[i].port);
		c.wrap = t[i].w;
		if (t[i].proto == PC_PROTO_TCP)
			tcp_session(g, &c, 1, 80, 300);
		else
			udp_exchange(g, &c, 4);
		pg_wait(g, 1 * PG_NSEC);
	}
}

/* IPv6 extension-header chains in front of TCP and UDP (RFC 8200 4). */
static void
scen_ipv6ext(struct gen *g)
{
	static const struct {
		unsigned	 ext;
		int		 proto;
		uint16_t	 port;
	} t[] = {
		{ EXT_HBH, PC_PROTO_TCP, 443 },
		{ EXT_RT, PC_PROTO_UDP, 53 },
		{ EXT_DST, PC_PROTO_TCP, 22 },
		{ EXT_AH, PC_PROTO_UDP, 9 },		/* discard */
		{ EXT_FRAG, PC_PROTO_TCP, 80 },		/* atomic fragment */
		{ EXT_HBH | EXT_RT | EXT_FRAG | EXT_AH | EXT_DST,
		    PC_PROTO_TCP, 993 },
		{ EXT_HBH | EXT_DST, PC_PROTO_UDP, 123 },
	};
	struct conv	c;
	size_t		i;

	out_add_iface(g, PC_DLT_EN10MB, PG_SNAPLEN_DEFAULT, 0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		conv_init(g, &c, t[i].proto, "2001:db8:40::2", pg_dynport(g),
		    "2001:db8:50::5", t[i].port);
		c.ext = t[i].ext;
		if (t[i].proto == PC_PROTO_TCP)
			tcp_session(g, &c, 1, 64, 256);
		else
			udp_exchange(g, &c, 4);
		pg_wait(g, 1 * PG_NSEC);
	}
}

/*
 * Send a UDP datagram of len payload bytes (data, or random if NULL) in
 * fragments of at most mtu
 * bytes of IP payload: the first carries the UDP header and counts for
 * the service, the rest are fragments.
 */
static void
frag_udp(struct gen *g, const struct conv *c, int to_srv, const void *data,
    size_t len, size_t mtu)
{
	struct frame	 d, f;
	const struct addr *src = to_srv ? &c->cli : &c->srv;
	const struct addr *dst = to_srv ? &c->srv : &c->cli;
	size_t		 off, n, total;
	uint16_t	 id = g->ipid++;

	frame_reset(&d);
	if (data != NULL)
		frame_put(&d, data, len);
	else
		frame_put_rand(g, &d, len);
	udp_push(&d, src, dst, to_srv ? c->cport : c->sport,
	    to_srv ? c->sport : c->cport);
	total = frame_len(&d);
	for (off = 0; off < total; off += n) {
		n = total - off;
		if (n > mtu)
			n = mtu & ~(size_t)7;	/* offsets are 8-byte units */
		frame_reset(&f);
		frame_put(&f, frame_data(&d) + off, n);
		f.nh = PC_IPPROTO_UDP;
		if (off == 0)
			frame_need(&f, PORTS_LEN, 1);
		if (src->v == 4)
			ip4_push_opt(&f, src, dst, id, (uint16_t)(off / 8 |
			    (off + n < total ? IPV4_MF : 0)), 0);
		else {
			ip6_frag_push(&f, (uint16_t)(off / 8), off + n < total,
			    0x0f000000U | id);
			ip6_push(&f, src, dst, 64);
		}
		eth_push(&f, to_srv ? c->smac : c->cmac,
		    to_srv ? c->cmac : c->smac);
		frame_pad_ether(&f);
		pg_wait(g, 50 * PG_USEC);
		emit(g, 0, &f, off == 0 ? c->tag : tag_counter(CNT_FRAGMENT));
	}
}

/*
 * A DNS answer too big for one packet (EDNS0, RFC 6891): the query's
 * question and one TXT record of 255-byte strings filling len bytes.
 */
static size_t
dns_big_answer(uint8_t *p, size_t len, uint16_t id, const char *name)
{
	size_t	n = dns_msg(p, id, name, 16, NULL), rd;

	put_be16(p + 2, 0x8180);
	put_be16(p + 6, 1);
	put_be16(p + n, 0xc00c);
	put_be16(p + n + 2, 16);			/* TXT */
	put_be16(p + n + 4, 1);
	put_be32(p + n + 6, 60);
	rd = len - n - 12;
	put_be16(p + n + 10, (uint16_t)rd);
	n += 12;
	while (n < len) {
		rd = len - n - 1 < 255 ? len - n - 1 : 255;
		p[n++] = (uint8_t)rd;
		memset(p + n, 'a' + (int)(n % 26), rd);
		n += rd;
	}
	return (n);
}

static void
scen_frags(struct gen *g)
{
	struct conv	c;
	uint8_t		q[64], big[3200];
	size_t		n;

	out_add_iface(g, PC_DLT_EN10MB, PG_SNAPLEN_DEFAULT, 0);
	/* A large DNS answer over IPv4 in three fragments. */
	conv_init(g, &c, PC_PROTO_UDP, "10.5.0.2", pg_dynport(g), "10.5.0.53",
	    53);
	n = dns_msg(q, 0x1234, "big.example.com", 16, NULL);
	conv_udp(g, &c, 1, q, n);
	frag_udp(g, &c, 0, big, dns_big_answer(big, sizeof(big), 0x1234,
	    "big.example.com"), 1480);
	/* The same over IPv6. */
	conv_init(g, &c, PC_PROTO_UDP, "2001:db8:5::2", pg_dynport(g),
	    "2001:db8:5::53", 53);
	conv_udp(g, &c, 1, q, n);
	frag_udp(g, &c, 0, big, dns_big_answer(big, sizeof(big), 0x1234,
	    "big.example.com"), 1448);
	/* A fragmented datagram to the discard service (9/udp). */
	conv_init(g, &c, PC_PROTO_UDP, "10.5.0.2", pg_dynport(g), "10.5.0.9",
	    9);
	frag_udp(g, &c, 1, NULL, 4000, 1480);
}

/* SCTP: association setup, data and SACK (RFC 9260 5.1). */
static void
sctp_assoc(struct gen *g, struct conv *c, int ndata)
{
	uint8_t		v[64];
	uint32_t	ctag = (uint32_t)pg_rand(g) | 1;
	uint32_t	stag = (uint32_t)pg_rand(g) | 1;
	uint32_t	ctsn = (uint32_t)pg_rand(g);
	uint32_t	stsn = (uint32_t)pg_rand(g);
	struct frame	f;
	int		i, to_srv;

	for (i = 0; i < 4 + 2 * ndata; i++) {
		to_srv = i % 2 == 0;
		frame_reset(&f);
		memset(v, 0, sizeof(v));
		switch (i) {
		case 0:		/* INIT */
		case 1:		/* INIT ACK with a state cookie */
			put_be32(v, to_srv ? ctag : stag);
			put_be32(v + 4, 106496);	/* a_rwnd */
			put_be16(v + 8, 10);
			put_be16(v + 10, 10);
			put_be32(v + 12, to_srv ? ctsn : stsn);
			if (i == 1) {
				put_be16(v + 16, 7);	/* state cookie */
				put_be16(v + 18, 4 + 24);
			}
			sctp_chunk(&f, i == 0 ? SCTP_CHUNK_INIT :
			    SCTP_CHUNK_INIT_ACK, 0, v, i == 0 ? 16 : 44);
			break;
		case 2:		/* COOKIE ECHO */
			sctp_chunk(&f, 10, 0, v, 24);
			break;
		case 3:		/* COOKIE ACK */
			sctp_chunk(&f, 11, 0, v, 0);
			break;
		default:
			if (to_srv) {	/* DATA: TSN, stream, SSN, PPID */
				put_be32(v, ctsn++);
				put_be32(v + 8, 46);	/* Diameter PPID */
				sctp_chunk(&f, 0, 0x03, v, 12 + 40);
			} else {	/* SACK */
				put_be32(v, ctsn - 1);
				put_be32(v + 4, 106496);
				sctp_chunk(&f, 3, 0, v, 12);
			}
		}
		sctp_push(&f, to_srv ? c->cport : c->sport,
		    to_srv ? c->sport : c->cport, i == 0 ? 0 :
		    (to_srv ? stag : ctag));
		f.nh = PC_IPPROTO_SCTP;
		conv_send(g, c, &f, to_srv);
	}
}

/* DCCP connection (RFC 4340 8): request, response, ack, data, close. */
static void
dccp_conn(struct gen *g, struct conv *c, int ndata)
{
	static const int	 seq_types[] = { DCCP_REQUEST, DCCP_RESPONSE,
	    DCCP_ACK };
	struct frame		 f;
	uint64_t		 cs = 1000, ss = 5000, seq, ack;
	int			 i, to_srv, type;

	for (i = 0; i < 3 + ndata + 2; i++) {
		frame_reset(&f);
		to_srv = i % 2 == 0;
		seq = to_srv ? cs++ : ss++;
		ack = to_srv ? ss - 1 : cs - 1;
		if (i < 3)
			type = seq_types[i];
		else if (i < 3 + ndata) {
			type = DCCP_DATAACK;
			frame_put_rand(g, &f, 160);
		} else
			type = i == 3 + ndata ? DCCP_CLOSE : DCCP_RESET;
		dccp_push(&f, to_srv ? &c->cli : &c->srv,
		    to_srv ? &c->srv : &c->cli, to_srv ? c->cport : c->sport,
		    to_srv ? c->sport : c->cport, type, seq, ack,
		    0x52545020);		/* service code "RTP " */
		conv_send(g, c, &f, to_srv);
	}
}

/* The other transports: SCTP, DCCP and UDP-Lite, plus ESP (no ports). */
static void
scen_transports(struct gen *g)
{
	struct conv	c;
	struct frame	f;
	struct addr	a = A("10.7.0.2"), b = A("10.7.0.9");
	int		i;

	out_add_iface(g, PC_DLT_EN10MB, PG_SNAPLEN_DEFAULT, 0);
	conv_init(g, &c, PC_PROTO_SCTP, "10.7.0.2", pg_dynport(g), "10.7.0.3",
	    3868);
	sctp_assoc(g, &c, 3);
	conv_init(g, &c, PC_PROTO_SCTP, "2001:db8:7::2", 2905,
	    "2001:db8:7::3", 2905);
	sctp_assoc(g, &c, 2);
	conv_init(g, &c, PC_PROTO_DCCP, "10.7.0.2", pg_dynport(g), "10.7.0.4",
	    5004);
	dccp_conn(g, &c, 4);
	conv_init(g, &c, PC_PROTO_UDPLITE, "10.7.0.2", pg_dynport(g),
	    "10.7.0.5", 5004);
	for (i = 0; i < 4; i++)
		conv_udp(g, &c, 1, NULL, 172);
	conv_init(g, &c, PC_PROTO_UDPLITE, "2001:db8:7::2", pg_dynport(g),
	    "2001:db8:7::5", 5004);
	for (i = 0; i < 2; i++)
		conv_udp(g, &c, 1, NULL, 172);
	/* ESP (RFC 4303): an IP protocol without ports. */
	for (i = 0; i < 3; i++) {
		frame_reset(&f);
		put_be32(frame_append(&f, 4), 0x0badcafe);	/* SPI */
		put_be32(frame_append(&f, 4), (uint32_t)i + 1);
		frame_put_rand(g, &f, 96);
		f.nh = PC_IPPROTO_ESP;
		ip4_push(&f, &a, &b, g->ipid++);
		eth_push(&f, mac_gw, mac_a);
		pg_wait(g, 30 * PG_MSEC);
		emit(g, 0, &f, tag_counter(CNT_OTHER_IP));
	}
}

/*
 * Frames cut by the snaplen (54 unless --snaplen says otherwise): IPv4 TCP
 * and UDP keep their ports; IPv6 and IPv4 with options lose them.
 */
static void
scen_snaplen(struct gen *g)
{
	struct conv	c;
	struct frame	f;
	struct addr	a = A("10.8.0.2"), b = A("10.8.0.80");
	uint32_t	seq = 1;
	int		i;

	out_add_iface(g, PC_DLT_EN10MB, 54, 0);
	conv_init(g, &c, PC_PROTO_TCP, "10.8.0.2", pg_dynport(g), "10.8.0.3",
	    443);
	tcp_session(g, &c, 2, 300, 3000);
	conv_init(g, &c, PC_PROTO_UDP, "10.8.0.2", 0, "10.8.0.1", 53);
	dns_lookup(g, &c, "cut.example.com", "10.8.0.3");
	conv_init(g, &c, PC_PROTO_UDP, "10.8.0.2", pg_dynport(g), "10.8.0.4",
	    514);
	c.wrap = W_VLAN;
	for (i = 0; i < 3; i++)
		conv_udp(g, &c, 1, NULL, 120);
	conv_init(g, &c, PC_PROTO_TCP, "2001:db8:8::2", pg_dynport(g),
	    "2001:db8:8::3", 443);
	tcp_session(g, &c, 1, 200, 1500);
	/* IPv4 with a 24-byte record-route option: ports at offset 58. */
	for (i = 0; i < 3; i++) {
		frame_reset(&f);
		frame_put_rand(g, &f, 100);
		tcp_push(&f, &a, &b, 50500, 80, seq, 1, TH_ACK | 0x08);
		seq += 100;
		ip4_push_opt(&f, &a, &b, g->ipid++, 0x4000, 24);
		eth_push(&f, mac_gw, mac_a);
		pg_wait(g, 10 * PG_MSEC);
		emit(g, 0, &f, tag_service(PC_PROTO_TCP, 80));
	}
	arp_exchange(g, mac_a, "10.8.0.2", mac_gw, "10.8.0.1");
}

/* ICMP and ICMPv6, errors quoting transport headers included. */
static void
scen_icmp(struct gen *g)
{
	struct addr	a = A("10.6.0.2"), b = A("10.6.0.1");
	struct addr	r = A("10.6.0.254");
	struct addr	a6 = A("2001:db8:6::2"), b6 = A("2001:db8:6::80");
	struct addr	r6 = A("2001:db8:6::fe");
	struct frame	f;
	int		i;

	out_add_iface(g, PC_DLT_EN10MB, PG_SNAPLEN_DEFAULT, 0);
	for (i = 0; i < 3; i++)
		icmp_echo(g, 0, W_ETH, &a, &b, 0x100, (uint16_t)i);
	for (i = 0; i < 2; i++)
		icmp6_echo(g, 0, W_ETH, &a6, &b6, 0x101, (uint16_t)i);

	/* Port unreachable (RFC 792) quoting an IPv4 + UDP header. */
	for (i = 0; i < 2; i++) {
		frame_reset(&f);
		frame_put_rand(g, &f, 20);
		udp_push(&f, &a, &b, 40000 + (uint16_t)i, 33434);
		ip4_push(&f, &a, &b, g->ipid++);
		f.tail = f.head + 28;		/* quote IP + 8 bytes */
		icmp_push(&f, 3, 3, 0);
		ip4_push(&f, &b, &a, g->ipid++);
		eth_push(&f, mac_a, mac_gw);
		pg_wait(g, 100 * PG_MSEC);
		emit(g, 0, &f, tag_counter(CNT_ICMP));
	}
	/* Time exceeded from a router, quoting a TCP SYN. */
	frame_reset(&f);
	tcp_push(&f, &a, &b, 50001, 443, 7, 0, TH_SYN);
	ip4_push(&f, &a, &b, g->ipid++);
	icmp_push(&f, 11, 0, 0);
	ip4_push(&f, &r, &a, g->ipid++);
	eth_push(&f, mac_a, mac_gw);
	pg_wait(g, 100 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_ICMP));

	/* ICMPv6 destination unreachable (port) quoting IPv6 + TCP. */
	frame_reset(&f);
	frame_put_rand(g, &f, 32);
	tcp_push(&f, &a6, &b6, 50002, 8443, 9, 0, TH_SYN);
	ip6_push(&f, &a6, &b6, 64);
	icmp6_push(&f, &b6, &a6, 1, 4, 0);
	ip6_push(&f, &b6, &a6, 64);
	eth_push(&f, mac_a, mac_gw);
	pg_wait(g, 100 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_ICMPV6));
	/* Packet too big (RFC 4443 3.2) from a router, quoting TCP data. */
	frame_reset(&f);
	frame_put_rand(g, &f, 1200);
	tcp_push(&f, &a6, &b6, 50003, 443, 11, 5, TH_ACK);
	ip6_push(&f, &a6, &b6, 64);
	icmp6_push(&f, &r6, &a6, 2, 0, 1280);
	ip6_push(&f, &r6, &a6, 64);
	eth_push(&f, mac_a, mac_gw);
	pg_wait(g, 100 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_ICMPV6));
	/* Time exceeded quoting UDP. */
	frame_reset(&f);
	frame_put_rand(g, &f, 12);
	udp_push(&f, &a6, &b6, 50004, 33435);
	ip6_push(&f, &a6, &b6, 1);
	icmp6_push(&f, &r6, &a6, 3, 0, 0);
	ip6_push(&f, &r6, &a6, 64);
	eth_push(&f, mac_a, mac_gw);
	pg_wait(g, 100 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_ICMPV6));
}

/* A UDP/IPv4 frame over Ethernet to patch into a bad one. */
static void
bad_base4(struct gen *g, struct frame *f)
{
	struct addr	a = A("10.66.0.2"), b = A("10.66.0.1");

	frame_reset(f);
	frame_put_rand(g, f, 32);
	udp_push(f, &a, &b, 50666, 9);
	ip4_push(f, &a, &b, g->ipid++);
	eth_push(f, mac_gw, mac_a);
}

/* A TCP/IPv6 frame over Ethernet. */
static void
bad_base6(struct gen *g, struct frame *f)
{
	struct addr	a = A("2001:db8:66::2"), b = A("2001:db8:66::1");

	frame_reset(f);
	frame_put_rand(g, f, 16);
	tcp_push(f, &a, &b, 50667, 443, 1, 1, TH_ACK);
	ip6_push(f, &a, &b, 64);
	eth_push(f, mac_gw, mac_a);
}

/*
 * Crafted bad frames.  Each lies about itself in one way (malformed) or
 * ends inside a header that is needed (truncated); one good frame of each
 * base shows what they were made from.
 */
static void
scen_bad(struct gen *g)
{
	struct frame	 f;
	struct addr	 a = A("2001:db8:66::2"), b = A("2001:db8:66::1");
	uint8_t		*ip;
	int		 i;

	out_add_iface(g, PC_DLT_EN10MB, PG_SNAPLEN_DEFAULT, 0);
	pg_wait(g, 1 * PG_MSEC);
	bad_base4(g, &f);
	emit(g, 0, &f, tag_service(PC_PROTO_UDP, 9));
	bad_base6(g, &f);
	pg_wait(g, 1 * PG_MSEC);
	emit(g, 0, &f, tag_service(PC_PROTO_TCP, 443));

	/* IPv4 IHL 4: a header shorter than the minimum. */
	bad_base4(g, &f);
	ip = frame_data(&f) + ETHER_HDR_LEN;
	ip[0] = 0x44;
	pg_wait(g, 1 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_MALFORMED));
	/* IPv4 total length (16) smaller than the header (20). */
	bad_base4(g, &f);
	ip = frame_data(&f) + ETHER_HDR_LEN;
	put_be16(ip + 2, 16);
	pg_wait(g, 1 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_MALFORMED));
	/* EtherType IPv6 but version nibble 7. */
	bad_base6(g, &f);
	frame_data(&f)[ETHER_HDR_LEN] = 0x70;
	pg_wait(g, 1 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_MALFORMED));
	/* EtherType IPv4 but version nibble 6. */
	bad_base4(g, &f);
	frame_data(&f)[ETHER_HDR_LEN] = 0x65;
	pg_wait(g, 1 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_MALFORMED));

	/* Twelve stacked 802.1Q tags: more than the decoder's cap of 8. */
	bad_base4(g, &f);
	f.head += ETHER_HDR_LEN;		/* drop the Ethernet header */
	f.etype = ETHERTYPE_IP;
	for (i = 0; i < 12; i++)
		vlan_push(&f, ETHERTYPE_VLAN, (uint16_t)(10 + i));
	eth_push(&f, mac_gw, mac_a);
	pg_wait(g, 1 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_MALFORMED));

	/*
	 * Twenty destination-options headers whose payload length stops 4
	 * bytes into the last one: its length runs past the IPv6 payload.
	 */
	frame_reset(&f);
	frame_put_rand(g, &f, 16);
	udp_push(&f, &a, &b, 50668, 53);
	for (i = 0; i < 20; i++)
		ip6_opts_push(&f, PC_IPPROTO_DSTOPTS, 1);
	ip6_push(&f, &a, &b, 64);
	put_be16(frame_data(&f) + 4, 19 * 8 + 4);
	eth_push(&f, mac_gw, mac_a);
	pg_wait(g, 1 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_MALFORMED));

	/*
	 * Frames that end inside a header: the frame itself is short (wire
	 * length = captured length) and then a longer frame cut by caplen.
	 */
	bad_base4(g, &f);
	f.tail = f.head + 10;			/* inside Ethernet */
	pg_wait(g, 1 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_TRUNCATED));
	bad_base4(g, &f);
	f.tail = f.head + ETHER_HDR_LEN + 12;	/* inside IPv4 */
	pg_wait(g, 1 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_TRUNCATED));
	bad_base4(g, &f);
	f.tail = f.head + ETHER_HDR_LEN + 20 + 2; /* half the UDP ports */
	pg_wait(g, 1 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_TRUNCATED));
	bad_base6(g, &f);
	f.tail = f.head + ETHER_HDR_LEN + 30;	/* inside IPv6 */
	pg_wait(g, 1 * PG_MSEC);
	emit(g, 0, &f, tag_counter(CNT_TRUNCATED));
	bad_base6(g, &f);
	pg_wait(g, 1 * PG_MSEC);
	emit_cut(g, 0, &f, ETHER_HDR_LEN + IPV6_HDR_LEN + 3,
	    tag_counter(CNT_TRUNCATED));	/* cut in the TCP ports */
	bad_base4(g, &f);
	f.head += ETHER_HDR_LEN;
	f.etype = ETHERTYPE_IP;
	vlan_push(&f, ETHERTYPE_VLAN, 5);
	eth_push(&f, mac_gw, mac_a);
	pg_wait(g, 1 * PG_MSEC);
	emit_cut(g, 0, &f, ETHER_HDR_LEN + 2,	/* cut in the VLAN tag */
	    tag_counter(CNT_TRUNCATED));
}

/* A link type the decoder does not know (USER0): every frame counts as such. */
static void
scen_unsupported(struct gen *g)
{
	struct frame	f;
	int		i;

	out_add_iface(g, LINKTYPE_USER0, PG_SNAPLEN_DEFAULT, 0);
	for (i = 0; i < 4; i++) {
		bad_base4(g, &f);
		pg_wait(g, 10 * PG_MSEC);
		emit(g, 0, &f, tag_counter(CNT_UNSUPPORTED_LINK));
	}
}

/*
 * One pcapng file, three interfaces of different link types (Ethernet,
 * raw IPv4, SLL2 with nanosecond timestamps), their packets interleaved.
 */
static void
scen_multilink(struct gen *g)
{
	struct conv	c[3];
	int		ifs[3], i;

	ifs[0] = out_add_iface(g, PC_DLT_EN10MB, PG_SNAPLEN_DEFAULT, 0);
	ifs[1] = out_add_iface(g, PC_DLT_LINKTYPE_RAW, PG_SNAPLEN_DEFAULT, 0);
	ifs[2] = out_add_iface(g, PC_DLT_LINUX_SLL2, PG_SNAPLEN_DEFAULT, 1);
	conv_init(g, &c[0], PC_PROTO_TCP, "10.3.0.2", pg_dynport(g),
	    "10.3.0.80", 443);
	conv_init(g, &c[1], PC_PROTO_UDP, "10.3.1.2", pg_dynport(g),
	    "10.3.1.53", 53);
	conv_init(g, &c[2], PC_PROTO_TCP, "2001:db8:3::2", pg_dynport(g),
	    "2001:db8:3::22", 22);
	c[1].wrap = W_NONE;
	c[2].wrap = W_SLL2;
	for (i = 0; i < 3; i++) {
		c[i].iface = ifs[i];
		c[i].gap = 3 * PG_MSEC + (uint64_t)i * 777;
	}
	tcp_open(g, &c[0]);
	tcp_open(g, &c[2]);
	for (i = 0; i < 4; i++) {
		pg_wait(g, c[1].gap);
		dns_lookup(g, &c[1], "multi.example.com", "10.3.0.80");
		conv_tcp(g, &c[0], 1, TH_ACK | 0x08, NULL, 200);
		conv_tcp(g, &c[2], 1, TH_ACK | 0x08, NULL, 48);
		conv_tcp(g, &c[0], 0, TH_ACK | 0x08, NULL, 900);
		conv_tcp(g, &c[2], 0, TH_ACK | 0x08, NULL, 96);
	}
	tcp_close(g, &c[0]);
	tcp_close(g, &c[2]);
}

/*
 * One hour of packet time, two packets a second, starting on the exact
 * second and ending half a second before the hour: every one-minute
 * interval holds 120 packets.  Raw IPv4 and tiny packets (syslog lines
 * and TCP acknowledgements) keep the file small.
 */
static void
scen_hour(struct gen *g)
{
	struct conv	c[2];
	uint64_t	start = g->now;
	int		i, k;

	out_add_iface(g, PC_DLT_LINKTYPE_RAW, PG_SNAPLEN_DEFAULT, 0);
	conv_init(g, &c[0], PC_PROTO_UDP, "10.4.0.2", 0, "10.4.0.5", 514);
	conv_init(g, &c[1], PC_PROTO_TCP, "10.4.0.2", 0, "10.4.0.3", 443);
	for (k = 0; k < 2; k++) {
		c[k].cport = pg_dynport(g);
		c[k].wrap = W_NONE;
		c[k].gap = 0;
	}
	for (i = 0; i < 7200; i++) {
		g->now = start + (uint64_t)i * (PG_NSEC / 2);
		if (i % 3 == 0)
			conv_udp(g, &c[0], 1, "<13>tick", 8);
		else
			conv_tcp(g, &c[1], i % 3 == 1, TH_ACK, NULL, 0);
	}
}

/* ------------------------------------------------------------------ */
/* A network: many servers and clients, the answer known per packet    */
/* ------------------------------------------------------------------ */

/*
 * Server ports by kind (docs/service-port.md, "How well it works"):
 * assigned and outside the client ranges, unassigned registered (1024-
 * 32767), dynamic (49152-65535), and assigned inside the client ranges.
 */
enum net_port_kind {
	NET_ASSIGNED = 0, NET_UNASSIGNED, NET_DYNAMIC, NET_ASSIGNED_CLIENT,
	NET_KINDS
};

/* Who the client is, which says where its source port comes from. */
enum net_os {
	NET_LINUX = 0,		/* 32768-60999 */
	NET_WINDOWS,		/* 49152-65535 */
	NET_NAT			/* 1024-65535, many clients per address */
};

/* Well-known services a network has, by transport. */
static const uint16_t net_tcp_known[] = { 443, 80, 22, 25, 993, 3306, 5432,
    8080, 8443, 3389, 1883, 6379, 9200, 11211, 27017, 389, 636, 445, 587,
    5222 };
static const uint16_t net_udp_known[] = { 53, 123, 443, 5060, 1194, 500,
    4500, 3478, 514, 161, 1812, 5353, 69, 137 };

struct net_svc {
	struct addr	 srv;
	uint16_t	 port;
	uint8_t		 proto;
	uint8_t		 kind;		/* enum net_port_kind */
	uint32_t	 nclients;	/* planned conversations */
	uint32_t	 seen;		/* clients with a packet in the capture */
};

struct net_conv {
	uint32_t	 svc;
	struct addr	 cli;
	uint16_t	 cport;
	uint8_t		 vlan;		/* carried in an 802.1Q tag */
	uint8_t		 handshake;	/* opened inside the capture */
	uint32_t	 npk;		/* packets, with those before it */
	uint32_t	 cseq, sseq;
	uint32_t	 vtag;		/* SCTP */
};

/* One packet to write: conversation conv's step-th packet at time t. */
struct net_ev {
	uint64_t	 t;		/* ns since the capture began */
	uint32_t	 conv;		/* UINT32_MAX: not a conversation's */
	uint32_t	 step;		/* or the extra kind, see net_extra */
};

/* Packets outside the conversations: the scan, the floods, ARP, ICMP. */
enum net_extra {
	NET_SCAN_SYN = 0, NET_SCAN_REPLY, NET_UDP_FLOOD, NET_SYN_FLOOD,
	NET_SYN_FLOOD_ACK, NET_ARP, NET_ICMP
};

struct net {
	struct registry	*reg;
	struct net_svc	*svc;
	size_t		 nsvc;
	struct net_conv	*conv;
	size_t		 nconv;
	struct net_ev	*ev;
	size_t		 nev, evcap;
	uint64_t	 span;		/* the capture's length, ns */
	struct addr	 scanner;
	uint32_t	 flood_udp;	/* the services the floods target */
	uint32_t	 flood_syn;
};

static void
net_ev_add(struct net *n, uint64_t t, uint32_t conv, uint32_t step)
{
	if (n->nev == n->evcap) {
		n->evcap = n->evcap ? n->evcap * 2 : 65536;
		if ((n->ev = realloc(n->ev, n->evcap * sizeof(*n->ev))) == NULL)
			pg_fatal("out of memory");
	}
	n->ev[n->nev].t = t;
	n->ev[n->nev].conv = conv;
	n->ev[n->nev].step = step;
	n->nev++;
}

static int
net_ev_cmp(const void *a, const void *b)
{
	const struct net_ev	*x = a, *y = b;

	if (x->t != y->t)
		return (x->t < y->t ? -1 : 1);
	if (x->conv != y->conv)
		return (x->conv < y->conv ? -1 : 1);
	return (x->step < y->step ? -1 : x->step > y->step);
}

/* An address in prefix pfx (IPv4 /8 given as its first byte, or IPv6). */
static struct addr
net_addr(struct gen *g, int v6, uint8_t net)
{
	struct addr	a;
	uint32_t	r = (uint32_t)pg_rand(g);

	memset(&a, 0, sizeof(a));
	if (v6) {
		a = A("2001:db8::");
		a.a[4] = net;
		put_be32(a.a + 12, r);
	} else {
		a.v = 4;
		put_be32(a.a, (uint32_t)net << 24 | (r & 0xffffff));
		if ((r & 0xff) == 0 || (r & 0xff) == 0xff)
			a.a[3] = 7;
	}
	return (a);
}

/* A server port of the given kind that the registry agrees with. */
static uint16_t
net_port(struct gen *g, struct net *n, int proto, int kind)
{
	uint16_t		 p;
	enum reg_status		 st;

	for (;;) {
		switch (kind) {
		case NET_ASSIGNED:
			if (proto == PC_PROTO_TCP)
				return (net_tcp_known[pg_rand_below(g,
				    sizeof(net_tcp_known) /
				    sizeof(net_tcp_known[0]))]);
			if (proto == PC_PROTO_UDP)
				return (net_udp_known[pg_rand_below(g,
				    sizeof(net_udp_known) /
				    sizeof(net_udp_known[0]))]);
			p = (uint16_t)(1 + pg_rand_below(g, 32767));
			st = registry_status(n->reg, (unsigned)proto, p);
			if (st == REG_ASSIGNED)
				return (p);
			break;
		case NET_UNASSIGNED:
			p = (uint16_t)(1024 + pg_rand_below(g, 32768 - 1024));
			if (registry_status(n->reg, (unsigned)proto, p) ==
			    REG_UNASSIGNED)
				return (p);
			break;
		case NET_DYNAMIC:
			p = (uint16_t)(PORT_DYNAMIC_MIN + pg_rand_below(g,
			    65536 - PORT_DYNAMIC_MIN));
			if (registry_status(n->reg, (unsigned)proto, p) ==
			    REG_DYNAMIC)
				return (p);
			break;
		default:
			p = (uint16_t)(PORT_CLIENT_MIN + pg_rand_below(g,
			    PORT_DYNAMIC_MIN - PORT_CLIENT_MIN));
			if (registry_status(n->reg, (unsigned)proto, p) ==
			    REG_ASSIGNED)
				return (p);
			break;
		}
	}
}

/* A client's source port, as its kind of host picks them. */
static uint16_t
net_client_port(struct gen *g, int os)
{
	switch (os) {
	case NET_LINUX:
		return ((uint16_t)(32768 + pg_rand_below(g, 61000 - 32768)));
	case NET_WINDOWS:
		return ((uint16_t)(49152 + pg_rand_below(g, 65536 - 49152)));
	default:
		return ((uint16_t)(1024 + pg_rand_below(g, 65536 - 1024)));
	}
}

/*
 * Services until their clients add up to --flows: a third have one
 * client, the rest 2 to 50, most of them few.  Kinds of port: 45 %
 * assigned, 25 % unassigned registered, 20 % dynamic, 10 % assigned in
 * the client ranges; 70 % TCP, 28 % UDP, 2 % SCTP; a fifth over IPv6.
 */
static void
net_plan_services(struct gen *g, struct net *n)
{
	struct net_svc	*s;
	uint64_t	 total = 0;
	uint32_t	 r, u;
	size_t		 cap = 0;

	while (total < g->nflows) {
		if (n->nsvc == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((n->svc = realloc(n->svc, cap * sizeof(*s))) ==
			    NULL)
				pg_fatal("out of memory");
		}
		s = &n->svc[n->nsvc];
		memset(s, 0, sizeof(*s));
		r = pg_rand_below(g, 100);
		s->proto = (uint8_t)(r < 70 ? PC_PROTO_TCP : r < 98 ?
		    PC_PROTO_UDP : PC_PROTO_SCTP);
		r = pg_rand_below(g, 100);
		s->kind = (uint8_t)(r < 45 ? NET_ASSIGNED : r < 70 ?
		    NET_UNASSIGNED : r < 90 ? NET_DYNAMIC :
		    NET_ASSIGNED_CLIENT);
		s->port = net_port(g, n, s->proto, s->kind);
		s->srv = net_addr(g, pg_rand_below(g, 5) == 0, 10);
		u = pg_rand_below(g, 1000);
		s->nclients = u < 333 ? 1 : 2 + (uint32_t)(48 * (u - 333) /
		    667 * (u - 333) / 667);
		if (s->nclients > g->nflows - total)
			s->nclients = (uint32_t)(g->nflows - total);
		total += s->nclients;
		n->nsvc++;
	}
}

/*
 * Conversations: client kind (45 % Linux, 35 % Windows, 20 % behind one
 * of 64 NAT addresses), a tenth VLAN-tagged; half of them already open
 * when the capture begins (no handshake captured), the others open
 * inside it.  Each spreads its packets over a random part of the
 * capture; only the packets inside it are written.
 */
static void
net_plan_conversations(struct gen *g, struct net *n)
{
	struct net_conv	*c;
	struct net_svc	*s;
	uint64_t	 per, start, len, gap, t;
	uint32_t	 k, r, seen;
	size_t		 i, j, ci = 0;
	int		 os, v6;

	n->nconv = (size_t)g->nflows;
	if ((n->conv = calloc(n->nconv, sizeof(*n->conv))) == NULL)
		pg_fatal("out of memory");
	per = g->npackets / g->nflows;
	if (per < 4)
		per = 4;
	for (i = 0; i < n->nsvc; i++) {
		s = &n->svc[i];
		seen = 0;
		for (j = 0; j < s->nclients; j++, ci++) {
			c = &n->conv[ci];
			c->svc = (uint32_t)i;
			r = pg_rand_below(g, 100);
			os = r < 45 ? NET_LINUX : r < 80 ? NET_WINDOWS :
			    NET_NAT;
			v6 = s->srv.v == 6;
			if (os == NET_NAT && !v6) {
				memset(&c->cli, 0, sizeof(c->cli));
				c->cli.v = 4;
				put_be32(c->cli.a, 0xcb007100U |
				    (uint32_t)(1 + pg_rand_below(g, 64)));
			} else
				c->cli = net_addr(g, v6, 100);
			c->cport = net_client_port(g, os);
			c->vlan = pg_rand_below(g, 10) == 0;
			c->cseq = (uint32_t)pg_rand(g);
			c->sseq = (uint32_t)pg_rand(g);
			c->vtag = (uint32_t)pg_rand(g) | 1;
			c->npk = (uint32_t)(per / 2 + pg_rand_below(g,
			    (uint32_t)per + 1));
			if (s->proto != PC_PROTO_UDP && c->npk < 8)
				c->npk = 8;
			if (c->npk < 2)
				c->npk = 2;
			len = (1 + pg_rand_below(g, 1000)) * (n->span / 2000);
			gap = len / c->npk + 1;
			c->handshake = pg_rand_below(g, 2);
			if (c->handshake)
				start = pg_rand(g) % (n->span - len + 1);
			else
				start = pg_rand(g) % (len + 1);
			/* start is in capture time; without a handshake the
			 * conversation began start ns before the capture. */
			for (k = 0; k < c->npk; k++) {
				if (c->handshake) {
					t = start + k * gap;
				} else {
					if (k * gap < start)
						continue;
					t = k * gap - start;
				}
				if (t >= n->span)
					break;
				net_ev_add(n, t, (uint32_t)ci, k);
			}
			if (n->nev > 0 && n->ev[n->nev - 1].conv ==
			    (uint32_t)ci)
				seen++;
		}
		s->seen = seen;
	}
}

/*
 * The uninvited: a SYN scan of 200 server addresses on 20 ports each
 * (real listeners answer SYN+ACK and are reset, the others refuse), a
 * UDP flood from spoofed sources at one UDP service, which never
 * answers, and a spoofed SYN flood at one TCP service, which does; and
 * ARP and ICMP, which have no ports.  About 8 % of the packets together.
 */
static void
net_plan_extras(struct gen *g, struct net *n)
{
	uint64_t	nflood = g->npackets / 50, i;
	size_t		k;

	n->scanner = A("192.0.2.66");
	n->flood_udp = n->flood_syn = UINT32_MAX;
	for (k = 0; k < n->nsvc; k++) {
		if (n->svc[k].proto == PC_PROTO_UDP && n->svc[k].srv.v == 4 &&
		    n->flood_udp == UINT32_MAX)
			n->flood_udp = (uint32_t)k;
		if (n->svc[k].proto == PC_PROTO_TCP && n->svc[k].srv.v == 4 &&
		    n->flood_syn == UINT32_MAX)
			n->flood_syn = (uint32_t)k;
	}
	for (i = 0; i < 200 * 20; i++)
		net_ev_add(n, n->span / 3 + i * 20 * PG_USEC, UINT32_MAX,
		    NET_SCAN_SYN | (uint32_t)i << 4);
	for (i = 0; i < nflood; i++) {
		if (n->flood_udp != UINT32_MAX)
			net_ev_add(n, pg_rand(g) % n->span, UINT32_MAX,
			    NET_UDP_FLOOD);
		if (n->flood_syn != UINT32_MAX)
			net_ev_add(n, pg_rand(g) % n->span, UINT32_MAX,
			    NET_SYN_FLOOD);
		net_ev_add(n, pg_rand(g) % n->span, UINT32_MAX, NET_ARP);
		net_ev_add(n, pg_rand(g) % n->span, UINT32_MAX, NET_ICMP);
	}
}

/* Ethernet, maybe a VLAN tag, then write it with its truth. */
static void
net_emit(struct gen *g, struct frame *f, int vlan, struct tag t,
    uint16_t cport, uint32_t group)
{
	if (vlan)
		vlan_push(f, ETHERTYPE_VLAN, 100);
	eth_push(f, mac_gw, mac_a);
	frame_pad_ether(f);
	g->pkt_cport = cport;
	g->pkt_group = group;
	emit(g, 0, f, t);
}

static void
net_ip(struct gen *g, struct frame *f, const struct addr *src,
    const struct addr *dst)
{
	if (src->v == 4)
		ip4_push(f, src, dst, g->ipid++);
	else
		ip6_push(f, src, dst, 64);
}

/*
 * The step-th packet of a conversation.  TCP: SYN, SYN+ACK, ACK, then
 * request, answer, acknowledgement in turn, and FIN, FIN, ACK at the end;
 * SCTP: INIT, INIT ACK, then DATA and SACK; UDP: request and answer.
 */
static void
net_conv_packet(struct gen *g, struct net *n, struct net_conv *c,
    uint32_t step)
{
	static const uint16_t	 rsp_size[4] = { 1200, 400, 90, 1400 };
	struct net_svc		*s = &n->svc[c->svc];
	struct frame		 f;
	uint8_t			 v[64], flags;
	uint32_t		 k = step, fin;
	int			 to_srv;

	frame_reset(&f);
	if (s->proto == PC_PROTO_UDP) {
		to_srv = k % 2 == 0;
		frame_append(&f, to_srv ? 40 + k % 7 * 8 :
		    60 + rsp_size[k % 4] / 4u);
		udp_push(&f, to_srv ? &c->cli : &s->srv, to_srv ? &s->srv :
		    &c->cli, to_srv ? c->cport : s->port, to_srv ? s->port :
		    c->cport);
	} else if (s->proto == PC_PROTO_SCTP) {
		to_srv = k % 2 == 0;
		memset(v, 0, sizeof(v));
		if (k < 2) {
			put_be32(v, c->vtag);
			put_be32(v + 4, 106496);
			put_be16(v + 8, 10);
			put_be16(v + 10, 10);
			sctp_chunk(&f, k == 0 ? SCTP_CHUNK_INIT :
			    SCTP_CHUNK_INIT_ACK, 0, v, 16);
		} else if (to_srv) {
			put_be32(v, c->cseq++);
			sctp_chunk(&f, 0, 0x03, v, 12 + 40);
		} else {
			put_be32(v, c->cseq - 1);
			sctp_chunk(&f, 3, 0, v, 12);
		}
		sctp_push(&f, to_srv ? c->cport : s->port, to_srv ? s->port :
		    c->cport, k == 0 ? 0 : c->vtag);
		f.nh = PC_IPPROTO_SCTP;
	} else {
		fin = c->npk - 3;
		if (k < 3) {
			to_srv = k != 1;
			flags = k == 0 ? TH_SYN : k == 1 ? TH_SYN | TH_ACK :
			    TH_ACK;
		} else if (k >= fin) {
			to_srv = k != fin + 1;
			flags = k == fin + 2 ? TH_ACK : TH_FIN | TH_ACK;
		} else {
			to_srv = (k - 3) % 3 != 1;
			flags = TH_ACK | ((k - 3) % 3 == 2 ? 0 : 0x08);
			if ((k - 3) % 3 != 2)
				frame_append(&f, to_srv ? 120 + k % 5 * 40 :
				    rsp_size[k % 4]);
		}
		tcp_push(&f, to_srv ? &c->cli : &s->srv, to_srv ? &s->srv :
		    &c->cli, to_srv ? c->cport : s->port, to_srv ? s->port :
		    c->cport, to_srv ? c->cseq + k * 1000 : c->sseq + k * 1000,
		    to_srv ? c->sseq + k * 1000 : c->cseq + k * 1000, flags);
	}
	net_ip(g, &f, to_srv ? &c->cli : &s->srv, to_srv ? &s->srv : &c->cli);
	net_emit(g, &f, c->vlan, tag_service(s->proto, s->port), c->cport,
	    s->seen);
}

/*
 * The scan's i-th probe: target i / 20, on its service's own port when
 * that is a TCP service over IPv4 (which answers SYN+ACK), else on one of
 * the first 1024 ports, closed (reset).
 */
static void
net_scan_target(const struct net *n, uint32_t i, struct addr *dst,
    uint16_t *port, int *open)
{
	const struct net_svc	*s = &n->svc[(i / 20 * 7919) % n->nsvc];

	*open = i % 20 == 0 && s->proto == PC_PROTO_TCP && s->srv.v == 4;
	if (s->srv.v == 4)
		*dst = s->srv;
	else {
		memset(dst, 0, sizeof(*dst));
		dst->v = 4;
		put_be32(dst->a, 0x0a000000U | (i / 20 * 40503 & 0xffffff));
	}
	*port = *open ? s->port : (uint16_t)(1 + (i * 131) % 1024);
	/* A closed probe never lands on the service's own port. */
	if (!*open && s->srv.v == 4 && *port == s->port)
		*port = (uint16_t)(*port % 1024 + 1);
}

/* The packets of the scan, the floods, ARP and ICMP. */
static void
net_extra_packet(struct gen *g, struct net *n, uint32_t what)
{
	struct frame		 f;
	struct addr		 src, dst;
	struct net_svc		*s;
	uint32_t		 i = what >> 4;
	uint16_t		 port, sp;
	int			 open;

	frame_reset(&f);
	switch (what & 0xf) {
	case NET_SCAN_SYN:
	case NET_SCAN_REPLY:
		net_scan_target(n, i, &dst, &port, &open);
		if ((what & 0xf) == NET_SCAN_SYN) {
			tcp_push(&f, &n->scanner, &dst, 45000, port, i, 0,
			    TH_SYN);
			net_ip(g, &f, &n->scanner, &dst);
		} else {
			tcp_push(&f, &dst, &n->scanner, port, 45000, 7, i + 1,
			    open ? TH_SYN | TH_ACK : TH_RST | TH_ACK);
			net_ip(g, &f, &dst, &n->scanner);
		}
		net_emit(g, &f, 0, tag_service(PC_PROTO_TCP, port), 45000, 1);
		return;
	case NET_UDP_FLOOD:
	case NET_SYN_FLOOD:
	case NET_SYN_FLOOD_ACK:
		s = &n->svc[(what & 0xf) == NET_UDP_FLOOD ? n->flood_udp :
		    n->flood_syn];
		memset(&src, 0, sizeof(src));
		src.v = 4;
		put_be32(src.a, 0xc6120000U | (uint32_t)(pg_rand(g) & 0x1ffff));
		sp = (uint16_t)(1024 + pg_rand_below(g, 65536 - 1024));
		if ((what & 0xf) == NET_UDP_FLOOD) {
			frame_append(&f, 32);
			udp_push(&f, &src, &s->srv, sp, s->port);
			net_ip(g, &f, &src, &s->srv);
		} else {
			tcp_push(&f, &src, &s->srv, sp, s->port, 1, 0, TH_SYN);
			net_ip(g, &f, &src, &s->srv);
			net_emit(g, &f, 0, tag_service(s->proto, s->port), sp,
			    s->seen);
			frame_reset(&f);
			tcp_push(&f, &s->srv, &src, s->port, sp, 9, 2,
			    TH_SYN | TH_ACK);
			net_ip(g, &f, &s->srv, &src);
		}
		net_emit(g, &f, 0, tag_service(s->proto, s->port), sp,
		    s->seen);
		return;
	case NET_ARP:
		arp_put(&f, 1, mac_a, n->scanner.a, mac_zero, n->scanner.a);
		eth_push(&f, mac_bcast, mac_a);
		frame_pad_ether(&f);
		emit(g, 0, &f, tag_counter(CNT_NON_IP));
		return;
	default:
		frame_append(&f, 32);
		icmp_push(&f, 8, 0, i);
		dst = A("10.0.0.1");
		net_ip(g, &f, &n->scanner, &dst);
		net_emit(g, &f, 0, tag_counter(CNT_ICMP), 0, 0);
		return;
	}
}

/*
 * A network as a tap sees it (issue 14): --flows conversations with
 * about --packets packets in two minutes, to services on every kind of
 * port, from Linux, Windows and NATed clients, half of the connections
 * already open when the capture began, UDP services with one to fifty
 * clients, IPv6 and VLANs, with a port scan, two spoofed floods, ARP and
 * ICMP mixed in.  Every frame's server port is known: with --per-packet,
 * bench/attribution.c compares portclass's choice with it, packet by
 * packet.
 */
static void
scen_network(struct gen *g)
{
	struct net	 n;
	char		 errbuf[PC_ERRBUF_SIZE];
	size_t		 i;
	uint64_t	 t0 = g->now;

	memset(&n, 0, sizeof(n));
	out_add_iface(g, PC_DLT_EN10MB, PG_SNAPLEN_DEFAULT, 0);
	n.reg = registry_new();
	if (registry_load_default(n.reg, errbuf) != 0)
		pg_fatal("registry: %s", errbuf);
	n.span = 120 * PG_NSEC;
	net_plan_services(g, &n);
	net_plan_conversations(g, &n);
	net_plan_extras(g, &n);
	qsort(n.ev, n.nev, sizeof(n.ev[0]), net_ev_cmp);
	for (i = 0; i < n.nev; i++) {
		g->now = t0 + n.ev[i].t;
		if (n.ev[i].conv != UINT32_MAX)
			net_conv_packet(g, &n, &n.conv[n.ev[i].conv],
			    n.ev[i].step);
		else if ((n.ev[i].step & 0xf) == NET_SCAN_SYN) {
			net_extra_packet(g, &n, n.ev[i].step);
			/* The answer follows 300 us later. */
			g->now += 300 * PG_USEC;
			net_extra_packet(g, &n, (n.ev[i].step & ~0xfU) |
			    NET_SCAN_REPLY);
		} else
			net_extra_packet(g, &n, n.ev[i].step);
	}
	registry_free(n.reg);
	free(n.svc);
	free(n.conv);
	free(n.ev);
}

/* Server ports that bench flows use, with their transport. */
static const struct {
	int		proto;
	uint16_t	port;
} bench_svc[] = {
	{ PC_PROTO_TCP, 443 }, { PC_PROTO_TCP, 80 }, { PC_PROTO_UDP, 53 },
	{ PC_PROTO_TCP, 22 }, { PC_PROTO_UDP, 443 }, { PC_PROTO_TCP, 3306 },
	{ PC_PROTO_UDP, 123 }, { PC_PROTO_TCP, 993 }, { PC_PROTO_TCP, 8080 },
	{ PC_PROTO_UDP, 5060 }, { PC_PROTO_TCP, 25 }, { PC_PROTO_TCP, 5432 },
};

/*
 * Many packets across many flows, built one by one with no handshakes:
 * client ports are dynamic, so the assigned server port is the service.
 * imix picks frame sizes 64/570/1518 in the ratio 7:4:1; otherwise every
 * frame is the 60-byte minimum.
 */
static void
bench(struct gen *g, int imix)
{
	static const uint16_t	 imix_size[12] = { 64, 570, 64, 64, 1518, 64,
	    570, 64, 64, 570, 64, 570 };
	struct frame		 f;
	struct addr		 cli, srv;
	uint64_t		 i, flow;
	size_t			 nsvc;
	size_t			 s, size, hdr;
	uint16_t		 cport;

	out_add_iface(g, PC_DLT_EN10MB, PG_SNAPLEN_DEFAULT, 0);
	nsvc = sizeof(bench_svc) / sizeof(bench_svc[0]);
	memset(&cli, 0, sizeof(cli));
	memset(&srv, 0, sizeof(srv));
	cli.v = srv.v = 4;
	for (i = 0; i < g->npackets; i++) {
		flow = pg_rand(g) % g->nflows;
		s = (size_t)(flow % nsvc);
		put_be32(cli.a, 0x0a000000U | (uint32_t)(flow & 0xffffff));
		put_be32(srv.a, 0xc6336400U | (uint32_t)(flow % 250 + 1));
		cport = (uint16_t)(PORT_DYNAMIC_MIN + flow * 7919 % 16384);
		hdr = ETHER_HDR_LEN + IPV4_HDR_MIN +
		    (bench_svc[s].proto == PC_PROTO_TCP ? 20 : UDP_HDR_LEN);
		size = imix ? imix_size[i % 12] : PG_ETHER_MIN;
		frame_reset(&f);
		/* Minimum frames carry no payload, only Ethernet padding. */
		if (size > PG_ETHER_MIN && size > hdr)
			frame_append(&f, size - hdr);
		if (bench_svc[s].proto == PC_PROTO_TCP)
			tcp_push(&f, &cli, &srv, cport, bench_svc[s].port,
			    (uint32_t)i, 1, TH_ACK);
		else
			udp_push(&f, &cli, &srv, cport, bench_svc[s].port);
		ip4_push(&f, &cli, &srv, (uint16_t)i);
		eth_push(&f, mac_gw, mac_a);
		frame_pad_ether(&f);
		g->now += 1000;			/* a million packets a second */
		emit(g, 0, &f, tag_service(bench_svc[s].proto,
		    bench_svc[s].port));
	}
}

static void
scen_bench_small(struct gen *g)
{
	bench(g, 0);
}

static void
scen_bench_imix(struct gen *g)
{
	bench(g, 1);
}

/*
 * Flows the flow cache must remember: each is a whole handshake (SYN,
 * SYN+ACK, ACK) and one more ACK, from a client sitting on an assigned
 * port (a bench service port) to a server on one of 64 dynamic ports, so
 * the status rule names the wrong side and only the handshake names the
 * server.  Flow k takes packets 4k..4k+3 (modulo --flows), so --packets
 * 4F makes F distinct flows, each learned once.
 */
static void
scen_bench_trap(struct gen *g)
{
	static const uint8_t	 step_flags[4] = { TH_SYN, TH_SYN | TH_ACK,
	    TH_ACK, TH_ACK };
	struct frame		 f;
	struct addr		 cli, srv;
	uint64_t		 i, flow;
	uint16_t		 cport, sport;
	int			 step;

	out_add_iface(g, PC_DLT_EN10MB, PG_SNAPLEN_DEFAULT, 0);
	memset(&cli, 0, sizeof(cli));
	memset(&srv, 0, sizeof(srv));
	cli.v = srv.v = 4;
	for (i = 0; i < g->npackets; i++) {
		flow = i / 4 % g->nflows;
		step = (int)(i % 4);
		put_be32(cli.a, 0x0a000000U | (uint32_t)(flow & 0xffffff));
		put_be32(srv.a, 0xc6336400U | (uint32_t)(flow % 250 + 1));
		cport = bench_svc[flow % 12].port;
		sport = (uint16_t)(PORT_DYNAMIC_MIN + flow % 64);
		frame_reset(&f);
		if (step == 1)		/* the server answers */
			tcp_push(&f, &srv, &cli, sport, cport, 7000, 1001,
			    step_flags[step]);
		else
			tcp_push(&f, &cli, &srv, cport, sport,
			    step == 0 ? 1000 : 1001, 7001, step_flags[step]);
		if (step == 1)
			ip4_push(&f, &srv, &cli, (uint16_t)i);
		else
			ip4_push(&f, &cli, &srv, (uint16_t)i);
		eth_push(&f, mac_gw, mac_a);
		frame_pad_ether(&f);
		g->now += 1000;
		emit(g, 0, &f, tag_service(PC_PROTO_TCP, sport));
	}
}

/* ------------------------------------------------------------------ */
/* Driver                                                               */
/* ------------------------------------------------------------------ */

static const struct scenario {
	const char	*name;
	void		(*fn)(struct gen *);
	int		 pcapng;	/* needs pcapng output */
	const char	*help;
} scenarios[] = {
	{ "demo", scen_demo, 0, "small office mix over Ethernet, IPv4+IPv6" },
	{ "trap3306", scen_trap3306, 0,
	    "client port 3306 to server 61000, and real mysql" },
	{ "unassigned", scen_unassigned, 0,
	    "unassigned/reserved ports and the rule's reasons, per packet" },
	{ "listeners", scen_listeners, 0,
	    "Linux/Windows/NAT clients, mid-stream, fan-in, scan, flood" },
	{ "eth", scen_eth, 0, "Ethernet II" },
	{ "vlan", scen_vlan, 0, "802.1Q" },
	{ "qinq", scen_qinq, 0, "802.1ad+802.1Q and 0x9100+802.1Q" },
	{ "mpls", scen_mpls, 0, "two-label MPLS stack over Ethernet" },
	{ "pppoe", scen_pppoe, 0, "PPPoE session over Ethernet" },
	{ "sll", scen_sll, 0, "Linux cooked v1 (113)" },
	{ "sll2", scen_sll2, 0, "Linux cooked v2 (276)" },
	{ "raw", scen_raw, 0, "LINKTYPE_RAW (101), IPv4 and IPv6" },
	{ "ipv4", scen_ipv4, 0, "LINKTYPE_IPV4 (228)" },
	{ "ipv6", scen_ipv6, 0, "LINKTYPE_IPV6 (229)" },
	{ "null", scen_null, 0, "DLT_NULL, AF 2/24/28/30 in file order" },
	{ "loop", scen_loop, 0, "DLT_LOOP (108), AF in network order" },
	{ "ppp", scen_ppp, 0, "DLT_PPP (9)" },
	{ "nflog", scen_nflog, 0, "NFLOG (239) TLVs" },
	{ "tunnels", scen_tunnels, 0,
	    "IP-in-IP, 6in4, GRE, GRE TEB, ERSPAN II/III, VXLAN" },
	{ "ipv6ext", scen_ipv6ext, 0,
	    "IPv6 hop-by-hop, routing, dest opts, AH, atomic fragment" },
	{ "frags", scen_frags, 0, "IPv4 and IPv6 fragmented UDP" },
	{ "transports", scen_transports, 0, "SCTP, DCCP, UDP-Lite, ESP" },
	{ "snaplen", scen_snaplen, 0,
	    "frames cut by a 54-byte snaplen (--snaplen to change)" },
	{ "icmp", scen_icmp, 0, "ICMP and ICMPv6, errors quoting transports" },
	{ "bad", scen_bad, 0, "malformed and truncated frames" },
	{ "unsupported", scen_unsupported, 0, "LINKTYPE_USER0 (147)" },
	{ "multilink", scen_multilink, 1,
	    "pcapng: Ethernet, raw IPv4 and SLL2 (ns) interleaved" },
	{ "hour", scen_hour, 0, "one hour, two packets a second, raw IPv4" },
	{ "network", scen_network, 0,
	    "--flows F conversations, about --packets N packets, answers known "
	    "per packet (--per-packet)" },
	{ "bench-small", scen_bench_small, 0,
	    "--packets N 60-byte frames over --flows F flows" },
	{ "bench-imix", scen_bench_imix, 0,
	    "--packets N IMIX (7:4:1 of 64/570/1518) over --flows F flows" },
	{ "bench-trap", scen_bench_trap, 0,
	    "--packets N in handshakes from assigned client ports to dynamic "
	    "server ports over --flows F flows" },
};

static void
usage(void)
{
	fprintf(stderr, "usage: pcapgen SCENARIO OUTFILE [--big-endian] "
	    "[--nanosecond] [--pcapng] [--per-packet]\n"
	    "\t[--snaplen N] [--seed N] [--packets N] [--flows N]\n"
	    "       pcapgen --list\n");
	exit(2);
}

static uint64_t
parse_num(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	char			*end;
	unsigned long long	 v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		pg_fatal("%s: bad value %s (%llu-%llu)", opt, s,
		    (unsigned long long)min, (unsigned long long)max);
	return (v);
}

int
main(int argc, char **argv)
{
	struct gen		*g;
	const struct scenario	*sc = NULL;
	const char		*opt, *val;
	char			 pkt_path[4096];
	size_t			 i;
	int			 a, per_packet = 0;

	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
			printf("%-12s %s\n", scenarios[i].name,
			    scenarios[i].help);
		return (0);
	}
	if (argc < 3)
		usage();
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (strcmp(argv[1], scenarios[i].name) == 0)
			sc = &scenarios[i];
	if (sc == NULL)
		pg_fatal("unknown scenario %s (pcapgen --list)", argv[1]);

	if ((g = calloc(1, sizeof(*g))) == NULL)
		pg_fatal("out of memory");
	g->path = argv[2];
	g->now = PG_EPOCH_SEC * PG_NSEC;
	g->rng = 0x706f7274636c6173ULL;		/* "portclas" */
	g->npackets = 100000;
	g->nflows = 1000;
	if ((g->row_of = calloc((size_t)PC_PROTO_COUNT * 65537,
	    sizeof(*g->row_of))) == NULL)
		pg_fatal("out of memory");
	for (a = 3; a < argc; a++) {
		opt = argv[a];
		if (strcmp(opt, "--big-endian") == 0) {
			g->big = 1;
			continue;
		}
		if (strcmp(opt, "--nanosecond") == 0) {
			g->nsec = 1;
			continue;
		}
		if (strcmp(opt, "--pcapng") == 0) {
			g->pcapng = 1;
			continue;
		}
		if (strcmp(opt, "--per-packet") == 0) {
			per_packet = 1;
			continue;
		}
		/* The other options take a value. */
		if (++a == argc)
			usage();
		val = argv[a];
		if (strcmp(opt, "--snaplen") == 0)
			g->snaplen_opt = (uint32_t)parse_num(opt, val, 1,
			    PG_SNAPLEN_DEFAULT);
		else if (strcmp(opt, "--seed") == 0)
			g->rng = parse_num(opt, val, 0, UINT64_MAX);
		else if (strcmp(opt, "--packets") == 0)
			g->npackets = parse_num(opt, val, 1, UINT64_C(1) << 40);
		else if (strcmp(opt, "--flows") == 0)
			g->nflows = parse_num(opt, val, 1, UINT64_C(1) << 24);
		else
			usage();
	}
	if (sc->pcapng)
		g->pcapng = 1;

	if ((g->fp = fopen(g->path, "wb")) == NULL)
		pg_fatal("%s: %s", g->path, strerror(errno));
	if (per_packet) {
		if (snprintf(pkt_path, sizeof(pkt_path), "%s.packets.tsv",
		    g->path) >= (int)sizeof(pkt_path))
			pg_fatal("%s: path too long", g->path);
		if ((g->pkt_fp = fopen(pkt_path, "w")) == NULL)
			pg_fatal("%s: %s", pkt_path, strerror(errno));
	}
	/* A big buffer: the bench scenarios write millions of frames. */
	if ((g->iobuf = malloc(4 << 20)) != NULL)
		setvbuf(g->fp, g->iobuf, _IOFBF, 4 << 20);
	sc->fn(g);
	if (!g->started)
		pg_fatal("%s: scenario wrote no frame", sc->name);
	if (fclose(g->fp) != 0)
		pg_fatal("%s: %s", g->path, strerror(errno));
	if (g->pkt_fp != NULL && fclose(g->pkt_fp) != 0)
		pg_fatal("%s: %s", pkt_path, strerror(errno));
	truth_write(g);
	free(g->iobuf);
	free(g->rows);
	free(g->row_of);
	free(g);
	return (0);
}
