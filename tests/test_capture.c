/*
 * test_capture.c - capture files in, frames out: pcap, pcapng, stdin.
 *
 * Every capture file is built byte by byte here (builders below), written
 * to a private temporary directory and read back through capture.h, so the
 * expected frames, link types and timestamps are known exactly.  The pcapng
 * reader is also driven from memory through pcapng_parse_buffer() with every
 * truncation and every single-byte corruption of a valid file.  Finally the
 * real captures in ../shared/pcaps/real must give their manifest's counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "portclass/capture.h"
#include "portclass/log.h"
#include "portclass/pcapng.h"

/* libpcap DLT values on Linux; capture.h promises pcap_datalink() values. */
#define T_DLT_EN10MB		1
#define T_DLT_RAW		12
#define T_DLT_LINUX_SLL2	276
#define T_LINKTYPE_RAW		101

#define T_MAXFRAMES		64
#define T_MAXBLOCKS		64

/* ---- building files ---------------------------------------------------- */

struct tbuf {
	uint8_t	b[16384];
	size_t	n;
	int	be;			/* write multi-byte fields big-endian */
	/* pcapng bookkeeping for the truncation test */
	size_t	ends[T_MAXBLOCKS];	/* offset just past each block */
	int	pkts[T_MAXBLOCKS];	/* frames in blocks up to that end */
	int	nblocks;
	int	npkts;
};

static void
tb_put8(struct tbuf *t, uint8_t v)
{
	assert_true(t->n < sizeof(t->b));
	t->b[t->n++] = v;
}

static void
tb_put16(struct tbuf *t, uint16_t v)
{
	if (t->be) {
		tb_put8(t, v >> 8);
		tb_put8(t, v & 0xff);
	} else {
		tb_put8(t, v & 0xff);
		tb_put8(t, v >> 8);
	}
}

static void
tb_put32(struct tbuf *t, uint32_t v)
{
	if (t->be) {
		tb_put16(t, v >> 16);
		tb_put16(t, v & 0xffff);
	} else {
		tb_put16(t, v & 0xffff);
		tb_put16(t, v >> 16);
	}
}

static void
tb_put64(struct tbuf *t, uint64_t v)
{
	if (t->be) {
		tb_put32(t, (uint32_t)(v >> 32));
		tb_put32(t, (uint32_t)v);
	} else {
		tb_put32(t, (uint32_t)v);
		tb_put32(t, (uint32_t)(v >> 32));
	}
}

static void
tb_bytes(struct tbuf *t, const uint8_t *p, size_t n)
{
	assert_true(t->n + n <= sizeof(t->b));
	memcpy(t->b + t->n, p, n);
	t->n += n;
}

static void
tb_pad4(struct tbuf *t)
{
	while (t->n % 4 != 0)
		tb_put8(t, 0);
}

static void
tb_patch32(struct tbuf *t, size_t at, uint32_t v)
{
	size_t	save = t->n;

	t->n = at;
	tb_put32(t, v);
	t->n = save;
}

/* Classic pcap: micro (0xa1b2c3d4) or nano (0xa1b23c4d) magic. */
static void
pcap_hdr(struct tbuf *t, int nano, uint32_t snaplen, uint32_t linktype)
{
	tb_put32(t, nano ? 0xa1b23c4dU : 0xa1b2c3d4U);
	tb_put16(t, 2);
	tb_put16(t, 4);
	tb_put32(t, 0);			/* thiszone */
	tb_put32(t, 0);			/* sigfigs */
	tb_put32(t, snaplen);
	tb_put32(t, linktype);
}

static void
pcap_rec(struct tbuf *t, uint32_t sec, uint32_t frac, const uint8_t *p,
    uint32_t caplen, uint32_t wirelen)
{
	tb_put32(t, sec);
	tb_put32(t, frac);
	tb_put32(t, caplen);
	tb_put32(t, wirelen);
	tb_bytes(t, p, caplen);
}

static size_t
ng_begin(struct tbuf *t, uint32_t type)
{
	size_t	start = t->n;

	tb_put32(t, type);
	tb_put32(t, 0);			/* patched by ng_end */
	return (start);
}

static void
ng_end(struct tbuf *t, size_t start, int is_packet)
{
	uint32_t	len;

	tb_pad4(t);
	len = (uint32_t)(t->n - start + 4);
	tb_put32(t, len);
	tb_patch32(t, start + 4, len);
	assert_true(t->nblocks < T_MAXBLOCKS);
	t->npkts += is_packet;
	t->ends[t->nblocks] = t->n;
	t->pkts[t->nblocks++] = t->npkts;
}

static void
ng_shb(struct tbuf *t)
{
	size_t	s = ng_begin(t, PCAPNG_SHB_TYPE);

	tb_put32(t, 0x1A2B3C4DU);
	tb_put16(t, 1);
	tb_put16(t, 0);
	tb_put64(t, UINT64_MAX);	/* section length unknown */
	ng_end(t, s, 0);
}

/* tsresol < 0: none; tsoffset used when has_off. */
static void
ng_idb(struct tbuf *t, uint16_t linktype, uint32_t snaplen, int tsresol,
    int has_off, int64_t tsoffset)
{
	size_t	s = ng_begin(t, 1);

	tb_put16(t, linktype);
	tb_put16(t, 0);
	tb_put32(t, snaplen);
	if (tsresol >= 0) {
		tb_put16(t, 9);
		tb_put16(t, 1);
		tb_put8(t, (uint8_t)tsresol);
		tb_pad4(t);
	}
	if (has_off) {
		tb_put16(t, 14);
		tb_put16(t, 8);
		tb_put64(t, (uint64_t)tsoffset);
	}
	if (tsresol >= 0 || has_off) {
		tb_put16(t, 0);		/* opt_endofopt */
		tb_put16(t, 0);
	}
	ng_end(t, s, 0);
}

static void
ng_epb(struct tbuf *t, uint32_t ifid, uint64_t ticks, const uint8_t *p,
    uint32_t caplen, uint32_t wirelen)
{
	size_t	s = ng_begin(t, 6);

	tb_put32(t, ifid);
	tb_put32(t, (uint32_t)(ticks >> 32));
	tb_put32(t, (uint32_t)ticks);
	tb_put32(t, caplen);
	tb_put32(t, wirelen);
	tb_bytes(t, p, caplen);
	ng_end(t, s, 1);
}

/* The obsolete packet block: 16-bit interface id and drop count. */
static void
ng_pb(struct tbuf *t, uint16_t ifid, uint64_t ticks, const uint8_t *p,
    uint32_t caplen, uint32_t wirelen)
{
	size_t	s = ng_begin(t, 2);

	tb_put16(t, ifid);
	tb_put16(t, 0);
	tb_put32(t, (uint32_t)(ticks >> 32));
	tb_put32(t, (uint32_t)ticks);
	tb_put32(t, caplen);
	tb_put32(t, wirelen);
	tb_bytes(t, p, caplen);
	ng_end(t, s, 1);
}

static void
ng_spb(struct tbuf *t, const uint8_t *p, uint32_t stored, uint32_t wirelen)
{
	size_t	s = ng_begin(t, 3);

	tb_put32(t, wirelen);
	tb_bytes(t, p, stored);
	ng_end(t, s, 1);
}

static void
ng_unknown(struct tbuf *t)
{
	size_t	s = ng_begin(t, 0x00000BADU);

	tb_put32(t, 0xdeadbeef);
	tb_put32(t, 0x01020304);
	ng_end(t, s, 0);
}

/* ---- frames ------------------------------------------------------------ */

static const uint8_t eth_hdr[] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
	0x08, 0x00,
};

/* Linux cooked v2: proto 0x0800, reserved, ifindex 2, ARPHRD_ETHER,
 * PACKET_HOST, 6-byte address padded to 8. */
static const uint8_t sll2_hdr[] = {
	0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x06,
	0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x00,
};

/* IPv4 10.0.0.1 -> 10.0.0.2, UDP 5353 -> 53, no payload: 28 bytes. */
static const uint8_t ip_udp[] = {
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x14, 0xe9, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00,
};

/* IPv4 10.0.0.1 -> 10.0.0.2, TCP 12345 -> 80 SYN: 40 bytes. */
static const uint8_t ip_tcp[] = {
	0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x30, 0x39, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x50, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
};

enum t_link { T_ETH, T_RAW, T_SLL2 };

/* Link header (if any) + an IPv4 UDP or TCP packet; returns the length. */
static uint32_t
mkframe(uint8_t *out, enum t_link link, int udp)
{
	size_t	n = 0;

	if (link == T_ETH) {
		memcpy(out, eth_hdr, sizeof(eth_hdr));
		n = sizeof(eth_hdr);
	} else if (link == T_SLL2) {
		memcpy(out, sll2_hdr, sizeof(sll2_hdr));
		n = sizeof(sll2_hdr);
	}
	if (udp) {
		memcpy(out + n, ip_udp, sizeof(ip_udp));
		n += sizeof(ip_udp);
	} else {
		memcpy(out + n, ip_tcp, sizeof(ip_tcp));
		n += sizeof(ip_tcp);
	}
	return ((uint32_t)n);
}

/* ---- collecting frames ------------------------------------------------- */

struct got_frame {
	uint32_t	caplen;
	uint32_t	wirelen;
	int		dlt;
	int64_t		ts_sec;
	uint32_t	ts_nsec;
	uint8_t		data[128];
};

struct got {
	struct got_frame	 f[T_MAXFRAMES];
	int			 n;
	struct capture		*stop_after_first;
};

static void
got_cb(void *ctx, const struct capture_frame *cf)
{
	struct got		*g = ctx;
	struct got_frame	*f;

	if (g->n < T_MAXFRAMES) {
		f = &g->f[g->n];
		f->caplen = cf->caplen;
		f->wirelen = cf->wirelen;
		f->dlt = cf->dlt;
		f->ts_sec = cf->ts_sec;
		f->ts_nsec = cf->ts_nsec;
		memset(f->data, 0, sizeof(f->data));
		memcpy(f->data, cf->data,
		    cf->caplen < sizeof(f->data) ? cf->caplen : sizeof(f->data));
	}
	g->n++;
	if (g->stop_after_first != NULL)
		capture_stop(g->stop_after_first);
}

/* ---- temporary files --------------------------------------------------- */

#define T_NAME		"test_capture"
#include "tmpdir_fixture.h"

/* Open, optionally filter, run; returns capture_run()'s result. */
static int
t_read(const char *path, const char *filter, struct got *g, char *errbuf)
{
	struct capture	*c;
	int		 rc;

	memset(g, 0, sizeof(*g));
	errbuf[0] = '\0';
	c = capture_open_file(path, errbuf);
	if (c == NULL) {
		fprintf(stderr, "open %s: %s\n", path, errbuf);
		fail();
	}
	assert_string_equal(capture_name(c), path);
	if (filter != NULL)
		assert_int_equal(capture_set_filter(c, filter, errbuf), 0);
	rc = capture_run(c, got_cb, g, errbuf);
	capture_close(c);
	return (rc);
}

/* ---- pcap -------------------------------------------------------------- */

static void
build_pcap_le(struct tbuf *t)
{
	uint8_t	fr[128];
	size_t	n;

	memset(t, 0, sizeof(*t));
	pcap_hdr(t, 0, 65535, 1);
	n = mkframe(fr, T_ETH, 1);
	pcap_rec(t, 1700000000, 250000, fr, n, n);
	n = mkframe(fr, T_ETH, 0);
	pcap_rec(t, 1700000001, 999999, fr, n, n);
	n = mkframe(fr, T_ETH, 1);
	pcap_rec(t, 1700000002, 1, fr, n, n);
}

static void
test_pcap_le_micro(void **state)
{
	char		 path[256], err[PC_ERRBUF_SIZE];
	struct tbuf	 t;
	struct got	 g;
	uint8_t		 fr[128];
	uint32_t	 n;

	(void)state;
	build_pcap_le(&t);
	t_write("le.pcap", t.b, t.n, path, sizeof(path));
	assert_int_equal(t_read(path, NULL, &g, err), 0);
	assert_int_equal(g.n, 3);
	n = mkframe(fr, T_ETH, 1);
	assert_int_equal(g.f[0].dlt, T_DLT_EN10MB);
	assert_int_equal(g.f[0].caplen, n);
	assert_int_equal(g.f[0].wirelen, n);
	assert_memory_equal(g.f[0].data, fr, n);
	assert_int_equal(g.f[0].ts_sec, 1700000000);
	assert_int_equal(g.f[0].ts_nsec, 250000000);	/* micro -> nano */
	assert_int_equal(g.f[1].ts_nsec, 999999000);
	assert_int_equal(g.f[2].ts_sec, 1700000002);
	assert_int_equal(g.f[2].ts_nsec, 1000);
	n = mkframe(fr, T_ETH, 0);
	assert_int_equal(g.f[1].caplen, n);
	assert_memory_equal(g.f[1].data, fr, n);
}

static void
test_pcap_be_nano(void **state)
{
	char		 path[256], err[PC_ERRBUF_SIZE];
	struct tbuf	 t;
	struct got	 g;
	uint8_t		 fr[128];
	uint32_t	 n;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.be = 1;
	pcap_hdr(&t, 1, 20, T_LINKTYPE_RAW);
	n = mkframe(fr, T_RAW, 0);
	/* Snaplen 20: only the IPv4 header was kept of a 40-byte packet. */
	pcap_rec(&t, 1600000000, 123456789, fr, 20, n);
	pcap_rec(&t, 1600000001, 5, fr, 20, 1500);
	t_write("be-nano.pcap", t.b, t.n, path, sizeof(path));

	assert_int_equal(t_read(path, NULL, &g, err), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.f[0].dlt, T_DLT_RAW);	/* LINKTYPE 101 */
	assert_int_equal(g.f[0].caplen, 20);
	assert_int_equal(g.f[0].wirelen, 40);
	assert_memory_equal(g.f[0].data, fr, 20);
	assert_int_equal(g.f[0].ts_sec, 1600000000);
	assert_int_equal(g.f[0].ts_nsec, 123456789);
	assert_int_equal(g.f[1].wirelen, 1500);
	assert_int_equal(g.f[1].ts_nsec, 5);
}

static void
test_pcap_truncated(void **state)
{
	char		 path[256], err[PC_ERRBUF_SIZE];
	struct tbuf	 t;
	struct got	 g;
	size_t		 cut;

	(void)state;
	build_pcap_le(&t);
	/* 24-byte file header, record 1 = 16 + 42; cut inside record 2's
	 * data, then inside its header. */
	cut = 24 + 16 + 42 + 16 + 10;
	t_write("cut-data.pcap", t.b, cut, path, sizeof(path));
	assert_int_equal(t_read(path, NULL, &g, err), -1);
	assert_int_equal(g.n, 1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "truncated"));

	cut = 24 + 16 + 42 + 7;
	t_write("cut-hdr.pcap", t.b, cut, path, sizeof(path));
	assert_int_equal(t_read(path, NULL, &g, err), -1);
	assert_int_equal(g.n, 1);
	assert_non_null(strstr(err, path));
}

static void
test_pcap_filter(void **state)
{
	char		 path[256], err[PC_ERRBUF_SIZE];
	struct tbuf	 t;
	struct got	 g;
	struct capture	*c;

	(void)state;
	build_pcap_le(&t);
	t_write("filter.pcap", t.b, t.n, path, sizeof(path));
	assert_int_equal(t_read(path, "udp", &g, err), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.f[0].ts_sec, 1700000000);
	assert_int_equal(g.f[1].ts_sec, 1700000002);
	assert_int_equal(t_read(path, "tcp dst port 80", &g, err), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.f[0].ts_sec, 1700000001);

	c = capture_open_file(path, err);
	assert_non_null(c);
	assert_int_equal(capture_set_filter(c, "udp and and", err), -1);
	assert_non_null(strstr(err, "udp and and"));
	assert_non_null(strstr(err, path));
	capture_close(c);
}

static void
test_bad_files(void **state)
{
	static const uint8_t	 garbage[] = "this is not a capture file at all";
	char			 path[256], err[PC_ERRBUF_SIZE];
	struct capture		*c;

	(void)state;
	t_write("garbage.bin", garbage, sizeof(garbage), path, sizeof(path));
	err[0] = '\0';
	c = capture_open_file(path, err);
	assert_null(c);
	assert_true(strncmp(err, path, strlen(path)) == 0);
	assert_null(strchr(err, '\n'));

	t_write("empty.pcap", garbage, 0, path, sizeof(path));
	assert_null(capture_open_file(path, err));
	assert_true(strncmp(err, path, strlen(path)) == 0);

	snprintf(path, sizeof(path), "%s/no-such-file.pcap", t_dir);
	assert_null(capture_open_file(path, err));
	assert_true(strncmp(err, path, strlen(path)) == 0);
	assert_non_null(strstr(err, strerror(ENOENT)));
}

/* ---- pcapng ------------------------------------------------------------ */

/*
 * One section, three interfaces with different link types and clocks:
 *   0 Ethernet, default microseconds, snaplen 30 (for the SPB)
 *   1 LINKTYPE_RAW, if_tsresol 9 (nanoseconds)
 *   2 SLL2, if_tsresol 0x8a (2^-10 s) and if_tsoffset 1000 s
 * Frames: eth/udp, raw/tcp, unknown block, sll2/udp, raw/udp (obsolete
 * packet block), sll2/tcp, eth/tcp, eth/udp as a simple packet block.
 */
static void
build_ng_multi(struct tbuf *t, int be)
{
	uint8_t		fr[128];
	uint32_t	n;

	memset(t, 0, sizeof(*t));
	t->be = be;
	ng_shb(t);
	ng_idb(t, 1, 0, -1, 0, 0);
	ng_idb(t, T_LINKTYPE_RAW, 0, 9, 0, 0);
	ng_idb(t, 276, 0, 0x8a, 1, 1000);
	n = mkframe(fr, T_ETH, 1);
	ng_epb(t, 0, 1700000000ULL * 1000000 + 250000, fr, n, n);
	n = mkframe(fr, T_RAW, 0);
	ng_epb(t, 1, 1700000000123456789ULL, fr, n, n + 100);
	ng_unknown(t);
	n = mkframe(fr, T_SLL2, 1);
	ng_epb(t, 2, 5 * 1024 + 512, fr, n, n);
	n = mkframe(fr, T_RAW, 1);
	ng_pb(t, 1, 42, fr, n, n);
	n = mkframe(fr, T_SLL2, 0);
	ng_epb(t, 2, 7 * 1024 + 1, fr, n, n);
	n = mkframe(fr, T_ETH, 0);
	ng_epb(t, 0, 3, fr, n, n);
	n = mkframe(fr, T_ETH, 1);
	ng_spb(t, fr, n, n);
}

static void
check_ng_multi(const struct got *g)
{
	uint8_t		fr[128];
	uint32_t	n;

	assert_int_equal(g->n, 7);
	n = mkframe(fr, T_ETH, 1);
	assert_int_equal(g->f[0].dlt, T_DLT_EN10MB);
	assert_int_equal(g->f[0].caplen, n);
	assert_memory_equal(g->f[0].data, fr, n);
	assert_int_equal(g->f[0].ts_sec, 1700000000);
	assert_int_equal(g->f[0].ts_nsec, 250000000);

	n = mkframe(fr, T_RAW, 0);
	assert_int_equal(g->f[1].dlt, T_DLT_RAW);
	assert_int_equal(g->f[1].caplen, n);
	assert_int_equal(g->f[1].wirelen, n + 100);
	assert_memory_equal(g->f[1].data, fr, n);
	assert_int_equal(g->f[1].ts_sec, 1700000000);
	assert_int_equal(g->f[1].ts_nsec, 123456789);

	n = mkframe(fr, T_SLL2, 1);
	assert_int_equal(g->f[2].dlt, T_DLT_LINUX_SLL2);
	assert_memory_equal(g->f[2].data, fr, n);
	assert_int_equal(g->f[2].ts_sec, 1005);		/* 5 s + offset */
	assert_int_equal(g->f[2].ts_nsec, 500000000);	/* 512/1024 */

	n = mkframe(fr, T_RAW, 1);
	assert_int_equal(g->f[3].dlt, T_DLT_RAW);	/* obsolete block */
	assert_int_equal(g->f[3].caplen, n);
	assert_memory_equal(g->f[3].data, fr, n);
	assert_int_equal(g->f[3].ts_sec, 0);
	assert_int_equal(g->f[3].ts_nsec, 42);

	assert_int_equal(g->f[4].dlt, T_DLT_LINUX_SLL2);
	assert_int_equal(g->f[4].ts_sec, 1007);
	assert_int_equal(g->f[4].ts_nsec, 976562);	/* 1e9 / 1024 */

	assert_int_equal(g->f[5].dlt, T_DLT_EN10MB);
	assert_int_equal(g->f[5].ts_nsec, 3000);

	/* Simple packet block: caplen is the original length, no time. */
	n = mkframe(fr, T_ETH, 1);
	assert_int_equal(g->f[6].dlt, T_DLT_EN10MB);
	assert_int_equal(g->f[6].caplen, n);
	assert_int_equal(g->f[6].wirelen, n);
	assert_memory_equal(g->f[6].data, fr, n);
	assert_int_equal(g->f[6].ts_sec, 0);
}

static void
test_pcapng_multi_link(void **state)
{
	char		 path[256], err[PC_ERRBUF_SIZE];
	struct tbuf	 t;
	struct got	 g;

	(void)state;
	build_ng_multi(&t, 0);
	t_write("multi-le.pcapng", t.b, t.n, path, sizeof(path));
	assert_int_equal(t_read(path, NULL, &g, err), 0);
	check_ng_multi(&g);

	build_ng_multi(&t, 1);
	t_write("multi-be.pcapng", t.b, t.n, path, sizeof(path));
	assert_int_equal(t_read(path, NULL, &g, err), 0);
	check_ng_multi(&g);
}

/* Two sections of opposite byte order; interface 0 differs in each. */
static void
test_pcapng_two_sections(void **state)
{
	char		 path[256], err[PC_ERRBUF_SIZE];
	struct tbuf	 t;
	struct got	 g;
	uint8_t		 fr[128];
	uint32_t	 n;

	(void)state;
	memset(&t, 0, sizeof(t));
	ng_shb(&t);
	ng_idb(&t, 1, 0, -1, 0, 0);
	n = mkframe(fr, T_ETH, 1);
	ng_epb(&t, 0, 1000000, fr, n, n);
	t.be = 1;
	ng_shb(&t);
	ng_idb(&t, T_LINKTYPE_RAW, 0, 3, 0, 0);	/* milliseconds */
	n = mkframe(fr, T_RAW, 0);
	ng_epb(&t, 0, 2500, fr, n, n);
	t_write("sections.pcapng", t.b, t.n, path, sizeof(path));

	assert_int_equal(t_read(path, NULL, &g, err), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.f[0].dlt, T_DLT_EN10MB);
	assert_int_equal(g.f[0].ts_sec, 1);
	assert_int_equal(g.f[1].dlt, T_DLT_RAW);
	assert_int_equal(g.f[1].caplen, n);
	assert_memory_equal(g.f[1].data, fr, n);
	assert_int_equal(g.f[1].ts_sec, 2);
	assert_int_equal(g.f[1].ts_nsec, 500000000);

	/* The second section's interfaces replace the first's: a packet
	 * naming interface 1 there is an error. */
	ng_epb(&t, 1, 0, fr, n, n);
	t_write("sections-badif.pcapng", t.b, t.n, path, sizeof(path));
	assert_int_equal(t_read(path, NULL, &g, err), -1);
	assert_int_equal(g.n, 2);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "interface"));
}

static void
test_pcapng_truncated_file(void **state)
{
	char		 path[256], err[PC_ERRBUF_SIZE];
	struct tbuf	 t;
	struct got	 g;

	(void)state;
	build_ng_multi(&t, 0);
	/* Cut 6 bytes into block 6 (the second packet block). */
	t_write("cut.pcapng", t.b, t.ends[5] + 6, path, sizeof(path));
	assert_int_equal(t_read(path, NULL, &g, err), -1);
	assert_int_equal(g.n, 2);
	assert_true(strncmp(err, path, strlen(path)) == 0);
	assert_non_null(strstr(err, "truncated"));
}

static void
test_pcapng_filter(void **state)
{
	char		 path[256], err[PC_ERRBUF_SIZE];
	struct tbuf	 t;
	struct got	 g;
	struct capture	*c;
	int		 i;

	(void)state;
	build_ng_multi(&t, 0);
	t_write("filter.pcapng", t.b, t.n, path, sizeof(path));
	assert_int_equal(t_read(path, "udp", &g, err), 0);
	/* eth/udp, sll2/udp, raw/udp and the eth/udp simple block. */
	assert_int_equal(g.n, 4);
	assert_int_equal(g.f[0].dlt, T_DLT_EN10MB);
	assert_int_equal(g.f[1].dlt, T_DLT_LINUX_SLL2);
	assert_int_equal(g.f[2].dlt, T_DLT_RAW);
	assert_int_equal(g.f[3].dlt, T_DLT_EN10MB);
	for (i = 0; i < g.n; i++)
		assert_int_not_equal(g.f[i].ts_sec, 1700000000 + 1);

	assert_int_equal(t_read(path, "tcp port 80", &g, err), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.f[0].dlt, T_DLT_RAW);
	assert_int_equal(g.f[1].dlt, T_DLT_LINUX_SLL2);
	assert_int_equal(g.f[2].dlt, T_DLT_EN10MB);

	/* Valid for Ethernet, meaningless for raw IP: the first raw frame
	 * stops the run with the expression and libpcap's reason. */
	c = capture_open_file(path, err);
	assert_non_null(c);
	assert_int_equal(capture_set_filter(c, "ether host 00:11:22:33:44:55",
	    err), 0);
	memset(&g, 0, sizeof(g));
	assert_int_equal(capture_run(c, got_cb, &g, err), -1);
	assert_int_equal(g.n, 1);
	assert_non_null(strstr(err, "ether host 00:11:22:33:44:55"));
	capture_close(c);

	c = capture_open_file(path, err);
	assert_non_null(c);
	assert_int_equal(capture_set_filter(c, "udp and (", err), -1);
	assert_non_null(strstr(err, "udp and ("));
	capture_close(c);
}

/* capture_stop() from the callback ends the run after that frame. */
static void
test_stop(void **state)
{
	char		 path[256], err[PC_ERRBUF_SIZE];
	struct tbuf	 t;
	struct got	 g;
	struct capture	*c;
	uint64_t	 a, b, d;
	int		 ng;

	(void)state;
	for (ng = 0; ng < 2; ng++) {
		if (ng)
			build_ng_multi(&t, 0);
		else
			build_pcap_le(&t);
		t_write(ng ? "stop.pcapng" : "stop.pcap", t.b, t.n, path,
		    sizeof(path));
		c = capture_open_file(path, err);
		assert_non_null(c);
		assert_int_equal(capture_stats(c, &a, &b, &d), -1);
		memset(&g, 0, sizeof(g));
		g.stop_after_first = c;
		assert_int_equal(capture_run(c, got_cb, &g, err), 1);
		assert_int_equal(g.n, 1);
		capture_close(c);
	}
}

/* ---- standard input ---------------------------------------------------- */

/* Read "-" with the bytes arriving through a pipe (not seekable). */
static int
t_read_stdin(const uint8_t *b, size_t n, struct got *g, char *err)
{
	struct capture	*c;
	int		 fds[2], saved, rc;

	assert_true(n < 60000);		/* fits in a pipe without a reader */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], b, n), (ssize_t)n);
	close(fds[1]);
	saved = dup(STDIN_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fds[0], STDIN_FILENO) >= 0);
	close(fds[0]);
	clearerr(stdin);

	memset(g, 0, sizeof(*g));
	c = capture_open_file("-", err);
	if (c == NULL) {
		fprintf(stderr, "stdin: %s\n", err);
		fail();
	}
	assert_string_equal(capture_name(c), "-");
	rc = capture_run(c, got_cb, g, err);
	capture_close(c);

	assert_true(dup2(saved, STDIN_FILENO) >= 0);
	close(saved);
	clearerr(stdin);
	return (rc);
}

static void
test_stdin(void **state)
{
	char		err[PC_ERRBUF_SIZE];
	struct tbuf	t;
	struct got	g;

	(void)state;
	build_pcap_le(&t);
	assert_int_equal(t_read_stdin(t.b, t.n, &g, err), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.f[0].ts_nsec, 250000000);
	assert_int_equal(g.f[2].ts_sec, 1700000002);

	build_ng_multi(&t, 1);
	assert_int_equal(t_read_stdin(t.b, t.n, &g, err), 0);
	check_ng_multi(&g);

	build_ng_multi(&t, 0);
	assert_int_equal(t_read_stdin(t.b, t.ends[4] + 3, &g, err), -1);
	assert_int_equal(g.n, 1);
	assert_true(strncmp(err, "-: ", 3) == 0);
}

/* ---- hostile pcapng ---------------------------------------------------- */

struct ng_got {
	int			n;
	struct pcapng_packet	p[T_MAXFRAMES];
	uint8_t			data[T_MAXFRAMES][128];
};

static void
ng_got_cb(void *ctx, const struct pcapng_packet *p)
{
	struct ng_got	*g = ctx;

	if (g->n < T_MAXFRAMES) {
		g->p[g->n] = *p;
		memcpy(g->data[g->n], p->data,
		    p->caplen < 128 ? p->caplen : 128);
		g->p[g->n].data = NULL;
	}
	g->n++;
}

/*
 * Every prefix of a valid file, each in a heap buffer of exactly that
 * size so AddressSanitizer sees any overread: a prefix ending between
 * blocks is a clean end with the frames of the whole blocks before it,
 * any other prefix is an error after exactly those frames, and every
 * delivered frame is identical to the one in the full parse.
 */
static void
test_pcapng_every_truncation(void **state)
{
	char		 err[256];
	struct tbuf	 t;
	struct ng_got	*full, *g;
	uint8_t		*buf;
	size_t		 len;
	long		 rc;
	int		 i, blk, be, want;

	(void)state;
	full = calloc(1, sizeof(*full));
	g = calloc(1, sizeof(*g));
	assert_non_null(full);
	assert_non_null(g);
	for (be = 0; be < 2; be++) {
		build_ng_multi(&t, be);
		memset(full, 0, sizeof(*full));
		assert_int_equal(pcapng_parse_buffer(t.b, t.n, ng_got_cb, full,
		    err, sizeof(err)), 7);
		for (len = 0; len < t.n; len++) {
			buf = malloc(len > 0 ? len : 1);
			assert_non_null(buf);
			memcpy(buf, t.b, len);
			memset(g, 0, sizeof(*g));
			rc = pcapng_parse_buffer(buf, len, ng_got_cb, g, err,
			    sizeof(err));
			free(buf);
			want = 0;
			for (blk = 0; blk < t.nblocks && t.ends[blk] <= len;
			    blk++)
				want = t.pkts[blk];
			if (len > 0 && blk > 0 && t.ends[blk - 1] == len)
				assert_int_equal(rc, want);
			else
				assert_int_equal(rc, -1);
			assert_int_equal(g->n, want);
			for (i = 0; i < g->n; i++) {
				assert_int_equal(g->p[i].caplen,
				    full->p[i].caplen);
				assert_int_equal(g->p[i].linktype,
				    full->p[i].linktype);
				assert_int_equal(g->p[i].ts_sec,
				    full->p[i].ts_sec);
				assert_memory_equal(g->data[i], full->data[i],
				    128);
			}
		}
	}
	free(full);
	free(g);
}

/*
 * Every byte replaced by a few hostile values: the reader may accept or
 * refuse, but must stay inside the buffer and inside each block.
 */
static void
test_pcapng_corruption(void **state)
{
	static const uint8_t	 vals[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	char			 err[256];
	struct tbuf		 t;
	struct ng_got		*g;
	uint8_t			*buf;
	size_t			 pos, v;
	long			 rc;
	int			 i;

	(void)state;
	g = calloc(1, sizeof(*g));
	assert_non_null(g);
	build_ng_multi(&t, 0);
	buf = malloc(t.n);
	assert_non_null(buf);
	for (pos = 0; pos < t.n; pos++)
		for (v = 0; v < sizeof(vals); v++) {
			memcpy(buf, t.b, t.n);
			buf[pos] = vals[v];
			memset(g, 0, sizeof(*g));
			rc = pcapng_parse_buffer(buf, t.n, ng_got_cb, g, err,
			    sizeof(err));
			assert_true(rc == -1 || rc == g->n);
			assert_true((size_t)g->n <= t.n / 16);
			for (i = 0; i < g->n && i < T_MAXFRAMES; i++)
				assert_true(g->p[i].caplen <= t.n);
		}
	free(buf);
	free(g);
}

/* Named lies about lengths, each refused with a reason. */
static void
test_pcapng_length_lies(void **state)
{
	char		err[256];
	struct tbuf	t;
	uint8_t		fr[128];
	uint32_t	n;
	size_t		epb;

	(void)state;
	memset(&t, 0, sizeof(t));
	ng_shb(&t);
	ng_idb(&t, 1, 0, -1, 0, 0);
	epb = t.n;
	n = mkframe(fr, T_ETH, 1);
	ng_epb(&t, 0, 0, fr, n, n);
	assert_int_equal(pcapng_parse_buffer(t.b, t.n, NULL, NULL, err,
	    sizeof(err)), 1);

	/* caplen one past the room in the block (42 data + 2 padding). */
	tb_patch32(&t, epb + 20, 45);
	assert_int_equal(pcapng_parse_buffer(t.b, t.n, NULL, NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "captured bytes"));
	tb_patch32(&t, epb + 20, 44);	/* padding may be counted: legal */
	assert_int_equal(pcapng_parse_buffer(t.b, t.n, NULL, NULL, err,
	    sizeof(err)), 1);
	tb_patch32(&t, epb + 20, n);

	/* Total length not a multiple of 4. */
	tb_patch32(&t, epb + 4, 75);
	assert_int_equal(pcapng_parse_buffer(t.b, t.n, NULL, NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "bad block length"));

	/* Absurd length: refused, not allocated. */
	tb_patch32(&t, epb + 4, 0x7ffffff0U);
	assert_int_equal(pcapng_parse_buffer(t.b, t.n, NULL, NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "bad block length"));

	/* Length below the minimum block. */
	tb_patch32(&t, epb + 4, 8);
	assert_int_equal(pcapng_parse_buffer(t.b, t.n, NULL, NULL, err,
	    sizeof(err)), -1);
	tb_patch32(&t, epb + 4, 76);

	/* Trailer disagreeing with the header. */
	tb_patch32(&t, t.n - 4, 80);
	assert_int_equal(pcapng_parse_buffer(t.b, t.n, NULL, NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "trailing length"));
	tb_patch32(&t, t.n - 4, 76);

	/* Interface 1 of 1. */
	tb_patch32(&t, epb + 8, 1);
	assert_int_equal(pcapng_parse_buffer(t.b, t.n, NULL, NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "interface 1"));
	tb_patch32(&t, epb + 8, 0);
	assert_int_equal(pcapng_parse_buffer(t.b, t.n, NULL, NULL, err,
	    sizeof(err)), 1);

	/* A packet block before any section header. */
	assert_int_equal(pcapng_parse_buffer(t.b + epb, t.n - epb, NULL, NULL,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "section header"));
}

/* Simple packet block cut to the interface snaplen. */
static void
test_pcapng_spb_snaplen(void **state)
{
	char		err[256];
	struct tbuf	t;
	struct ng_got	g;
	uint8_t		fr[128];
	uint32_t	n;

	(void)state;
	memset(&t, 0, sizeof(t));
	ng_shb(&t);
	ng_idb(&t, 1, 30, -1, 0, 0);
	n = mkframe(fr, T_ETH, 0);
	ng_spb(&t, fr, 30, n);		/* 30 bytes stored of 54 */
	memset(&g, 0, sizeof(g));
	assert_int_equal(pcapng_parse_buffer(t.b, t.n, ng_got_cb, &g, err,
	    sizeof(err)), 1);
	assert_int_equal(g.p[0].caplen, 30);
	assert_int_equal(g.p[0].wirelen, n);
	assert_memory_equal(g.data[0], fr, 30);
}

/* ---- live -------------------------------------------------------------- */

static void
test_live_bad_iface(void **state)
{
	char		 err[PC_ERRBUF_SIZE];
	struct capture	*c;

	(void)state;
	err[0] = '\0';
	c = capture_open_live("pc-nosuchif0", 0, 0, err);
	assert_null(c);
	assert_true(strncmp(err, "pc-nosuchif0: ", 14) == 0);
	assert_null(strchr(err, '\n'));
}

/* The capture a SIGALRM stops, so a test never hangs on a quiet link. */
static struct capture *volatile	t_alarm_cap;

static void
t_on_alarm(int sig)
{
	(void)sig;
	if (t_alarm_cap != NULL)
		capture_stop(t_alarm_cap);
}

/*
 * Capture our own UDP datagrams on the loopback ("lo": Ethernet framing)
 * and on "any" (which must come out as Linux cooked v2).  Where the
 * sandbox forbids packet sockets the open must fail with one line naming
 * the interface, which is asserted instead.
 */
static void
test_live_loopback(void **state)
{
	static const char	*ifaces[] = { "lo", "any" };
	static const int	 dlts[] = { T_DLT_EN10MB, T_DLT_LINUX_SLL2 };
	static const char	 payload[] = "portclass-live-test";
	char			 err[PC_ERRBUF_SIZE], filter[64];
	struct sockaddr_in	 sin;
	struct sigaction	 sa, osa;
	socklen_t		 slen = sizeof(sin);
	struct capture		*c;
	struct got		 g;
	uint64_t		 recv, drop, ifdrop;
	size_t			 i;
	int			 rx, tx, k;

	(void)state;
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(rx >= 0 && tx >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(rx, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(rx, (struct sockaddr *)&sin, &slen), 0);
	snprintf(filter, sizeof(filter), "udp and dst port %u",
	    ntohs(sin.sin_port));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = t_on_alarm;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, &osa), 0);
	for (i = 0; i < 2; i++) {
		err[0] = '\0';
		c = capture_open_live(ifaces[i], 256, 0, err);
		if (c == NULL) {
			printf("live capture on %s not permitted here: %s\n",
			    ifaces[i], err);
			assert_true(strncmp(err, ifaces[i],
			    strlen(ifaces[i])) == 0);
			assert_true(err[strlen(ifaces[i])] == ':');
			continue;
		}
		assert_string_equal(capture_name(c), ifaces[i]);
		assert_int_equal(capture_set_filter(c, filter, err), 0);
		for (k = 0; k < 3; k++)
			assert_int_equal(sendto(tx, payload, sizeof(payload), 0,
			    (struct sockaddr *)&sin, sizeof(sin)),
			    (ssize_t)sizeof(payload));
		memset(&g, 0, sizeof(g));
		g.stop_after_first = c;
		t_alarm_cap = c;
		alarm(5);
		assert_int_equal(capture_run(c, got_cb, &g, err), 1);
		alarm(0);
		t_alarm_cap = NULL;
		assert_true(g.n >= 1);
		assert_int_equal(g.f[0].dlt, dlts[i]);
		/* link header + IPv4 20 + UDP 8 + payload */
		assert_int_equal(g.f[0].wirelen, (i == 0 ? 14 : 20) + 28 +
		    sizeof(payload));
		assert_true(g.f[0].ts_sec > 1600000000);
		assert_true(g.f[0].ts_nsec < 1000000000U);
		assert_int_equal(capture_stats(c, &recv, &drop, &ifdrop), 0);
		assert_true(recv >= 1);
		capture_close(c);
	}
	assert_int_equal(sigaction(SIGALRM, &osa, NULL), 0);
	close(rx);
	close(tx);
}

/* ---- real captures ----------------------------------------------------- */

static void
test_real_captures(void **state)
{
	char		 dir[1024], path[1200], line[4096], err[PC_ERRBUF_SIZE];
	const char	*src;
	struct got	*g;
	struct capture	*c;
	FILE		*mf;
	char		*field[16], *p;
	int		 i, nf, col_file = -1, col_pkts = -1, files = 0, hdr = 1;

	(void)state;
	src = getenv("PC_SOURCE_DIR");
	snprintf(dir, sizeof(dir), "%s/../shared/pcaps/real",
	    src != NULL ? src : "..");
	snprintf(path, sizeof(path), "%s/MANIFEST.tsv", dir);
	if (access(path, R_OK) != 0) {
		printf("skipping: %s not found (no ../shared beside the "
		    "source tree)\n", path);
		skip();
	}
	mf = fopen(path, "r");
	assert_non_null(mf);
	g = calloc(1, sizeof(*g));
	assert_non_null(g);
	while (fgets(line, sizeof(line), mf) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		nf = 0;
		for (p = line; nf < 16; ) {
			field[nf++] = p;
			if ((p = strchr(p, '\t')) == NULL)
				break;
			*p++ = '\0';
		}
		if (hdr) {
			for (i = 0; i < nf; i++) {
				if (strcmp(field[i], "file") == 0)
					col_file = i;
				if (strcmp(field[i], "packets") == 0)
					col_pkts = i;
			}
			assert_true(col_file >= 0 && col_pkts >= 0);
			hdr = 0;
			continue;
		}
		if (nf <= col_pkts)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, field[col_file]);
		c = capture_open_file(path, err);
		if (c == NULL) {
			fprintf(stderr, "%s\n", err);
			fail();
		}
		memset(g, 0, sizeof(*g));
		if (capture_run(c, got_cb, g, err) != 0) {
			fprintf(stderr, "%s\n", err);
			fail();
		}
		capture_close(c);
		if (g->n != atoi(field[col_pkts]))
			fprintf(stderr, "%s: %d frames, manifest says %s\n",
			    field[col_file], g->n, field[col_pkts]);
		assert_int_equal(g->n, atoi(field[col_pkts]));
		files++;
	}
	fclose(mf);
	free(g);
	assert_true(files > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcap_le_micro),
		cmocka_unit_test(test_pcap_be_nano),
		cmocka_unit_test(test_pcap_truncated),
		cmocka_unit_test(test_pcap_filter),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_pcapng_multi_link),
		cmocka_unit_test(test_pcapng_two_sections),
		cmocka_unit_test(test_pcapng_truncated_file),
		cmocka_unit_test(test_pcapng_filter),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_pcapng_every_truncation),
		cmocka_unit_test(test_pcapng_corruption),
		cmocka_unit_test(test_pcapng_length_lies),
		cmocka_unit_test(test_pcapng_spb_snaplen),
		cmocka_unit_test(test_live_bad_iface),
		cmocka_unit_test(test_live_loopback),
		cmocka_unit_test(test_real_captures),
	};

	return (cmocka_run_group_tests_name("capture", tests, t_setup,
	    t_teardown));
}
