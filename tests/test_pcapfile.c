/*
 * test_pcapfile.c - our capture file readers against libpcap's, frame by
 * frame.
 *
 * The classic pcap reader (pcapfile.c, through capture.h) promises to hand
 * out exactly what libpcap 1.10 would for every file it takes: the same
 * frames, the same lengths, bytes and timestamps, and an error where
 * libpcap has one.  The pcapng reader (pcapng.c) is held to the same on
 * every pcapng file libpcap can read (one link type); both parse in place
 * in the blocks of readahead.c.
 * So every test here reads a file both ways in lockstep and compares: the
 * project's captures, the real-world ones in ../shared/pcaps/real, files
 * built here whose records straddle the reader's block boundaries at every
 * offset, every truncation of a small file, and hostile headers.  Each
 * file is read in one thread and again with the read-ahead thread.
 */
#define _GNU_SOURCE		/* fmemopen() */

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <pcap/pcap.h>

#include "portclass/capture.h"
#include "portclass/log.h"
#include "portclass/pcapfile.h"
#include "portclass/readahead.h"

/* ---- the reference: libpcap, in lockstep ------------------------------- */

struct lockstep {
	pcap_t		*ref;
	const char	*name;
	long		 frames;
	int		 mismatch;
	int		 ref_end;	/* what pcap_next_ex() said at the end */
};

/* libpcap's frame as capture.c turns it into a struct capture_frame. */
static void
ref_ts(const struct pcap_pkthdr *h, int64_t *sec, uint32_t *nsec)
{
	uint64_t	frac = (uint64_t)h->ts.tv_usec;

	*sec = h->ts.tv_sec;
	if (frac >= 1000000000U) {
		*sec += (int64_t)(frac / 1000000000U);
		frac %= 1000000000U;
	}
	*nsec = (uint32_t)frac;
}

static void
lockstep_cb(void *ctx, const struct capture_frame *f)
{
	struct lockstep		*ls = ctx;
	struct pcap_pkthdr	*h;
	const u_char		*d;
	int64_t			 sec;
	uint32_t		 nsec;
	int			 rc;

	if (ls->mismatch)
		return;
	if ((rc = pcap_next_ex(ls->ref, &h, &d)) != 1) {
		fprintf(stderr, "%s: frame %ld: ours has it, libpcap says %d "
		    "(%s)\n", ls->name, ls->frames, rc, pcap_geterr(ls->ref));
		ls->mismatch = 1;
		return;
	}
	ref_ts(h, &sec, &nsec);
	if (h->caplen != f->caplen || h->len != f->wirelen ||
	    sec != f->ts_sec || nsec != f->ts_nsec ||
	    pcap_datalink(ls->ref) != f->dlt ||
	    memcmp(d, f->data, f->caplen) != 0) {
		fprintf(stderr, "%s: frame %ld differs: libpcap caplen %u len "
		    "%u ts %lld.%09u dlt %d; ours caplen %u len %u ts "
		    "%lld.%09u dlt %d\n", ls->name, ls->frames, h->caplen,
		    h->len, (long long)sec, nsec, pcap_datalink(ls->ref),
		    f->caplen, f->wirelen, (long long)f->ts_sec, f->ts_nsec,
		    f->dlt);
		ls->mismatch = 1;
		return;
	}
	ls->frames++;
}

/*
 * Whether the file is one to compare with libpcap: every classic pcap
 * file, and every pcapng file but those where our pcapng reader goes its
 * own way on purpose and libpcap 1.10 stops: interfaces of different link
 * types (pcaps/multilink.pcapng), a frame longer than its interface's
 * snapshot length (counted; pcaps/bad/README).
 */
static int
ref_comparable(const char *path)
{
	char			 perr[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr	*h;
	const u_char		*d;
	uint8_t			 m[4];
	pcap_t			*p;
	FILE			*fp;
	int			 rc, ng;

	if ((fp = fopen(path, "rb")) == NULL)
		return (0);
	ng = fread(m, 1, 4, fp) == 4 && memcmp(m, "\x0a\x0d\x0d\x0a", 4) == 0;
	fclose(fp);
	if (!ng)
		return (1);
	if ((p = pcap_open_offline(path, perr)) == NULL)
		return (0);
	while ((rc = pcap_next_ex(p, &h, &d)) == 1)
		;
	rc = rc == PCAP_ERROR_BREAK ||
	    (strstr(pcap_geterr(p), "different from the type") == NULL &&
	    strstr(pcap_geterr(p), "bigger than snaplen") == NULL);
	pcap_close(p);
	return (rc);
}

/*
 * Read path both ways and compare.  Returns 1 if our reader took the file
 * (and matched libpcap, which the assertions enforce), 0 if it left the
 * file to libpcap, -1 if neither could open it.  *frames gets the count.
 */
static int
compare_file(const char *path, int threaded, long *frames)
{
	char		 perr[PCAP_ERRBUF_SIZE], err[PC_ERRBUF_SIZE];
	struct lockstep	 ls;
	struct capture	*c;
	struct pcap_pkthdr *h;
	const u_char	*d;
	int		 rc, ours, taken;

	memset(&ls, 0, sizeof(ls));
	ls.name = path;
	c = capture_open_file(path, err);
	ls.ref = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_NANO, perr);
	if (c == NULL) {
		/* Ours hands what it does not take to libpcap. */
		assert_null(ls.ref);
		return (-1);
	}
	/* The read-ahead thread exists only for files our reader takes. */
	taken = capture_readahead(c, err);
	assert_int_not_equal(taken, -1);
	if (taken == 0 || ls.ref == NULL || !ref_comparable(path)) {
		/* libpcap's own file, or a pcapng file libpcap stops in. */
		capture_close(c);
		if (ls.ref != NULL)
			pcap_close(ls.ref);
		return (0);
	}
	if (!threaded) {
		/* Read again without the thread. */
		capture_close(c);
		c = capture_open_file(path, err);
		assert_non_null(c);
	}
	err[0] = '\0';
	rc = capture_run(c, lockstep_cb, &ls, err);
	capture_close(c);
	assert_false(ls.mismatch);
	ours = rc;
	rc = pcap_next_ex(ls.ref, &h, &d);
	if (ours == 0 && rc != PCAP_ERROR_BREAK) {
		fprintf(stderr, "%s: ours ended after %ld frames, libpcap "
		    "goes on (%d: %s)\n", path, ls.frames, rc,
		    pcap_geterr(ls.ref));
		fail();
	}
	if (ours == -1 && rc != PCAP_ERROR) {
		fprintf(stderr, "%s: ours failed after %ld frames (%s), "
		    "libpcap says %d\n", path, ls.frames, err, rc);
		fail();
	}
	assert_true(ours == 0 || ours == -1);
	if (ours == -1)
		assert_non_null(strstr(err, path));
	pcap_close(ls.ref);
	*frames = ls.frames;
	return (taken);
}

/* ---- temporary files --------------------------------------------------- */

#define T_NAME		"test_pcapfile"
#include "tmpdir_fixture.h"

/* ---- building files ---------------------------------------------------- */

struct fbuf {
	uint8_t	*b;
	size_t	 n, cap;
	int	 swap;		/* write the other byte order */
	uint32_t seed;
};

static void
fb_put(struct fbuf *f, const void *p, size_t n)
{
	if (f->n + n > f->cap) {
		f->cap = (f->n + n) * 2;
		f->b = realloc(f->b, f->cap);
		assert_non_null(f->b);
	}
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void
fb_put32(struct fbuf *f, uint32_t v)
{
	if (f->swap)
		v = __builtin_bswap32(v);
	fb_put(f, &v, 4);
}

static void
fb_put16(struct fbuf *f, uint16_t v)
{
	if (f->swap)
		v = __builtin_bswap16(v);
	fb_put(f, &v, 2);
}

static void
fb_hdr(struct fbuf *f, uint32_t magic, uint16_t major, uint16_t minor,
    uint32_t snaplen, uint32_t linktype)
{
	f->n = 0;
	fb_put32(f, magic);
	fb_put16(f, major);
	fb_put16(f, minor);
	fb_put32(f, 0);
	fb_put32(f, 0);
	fb_put32(f, snaplen);
	fb_put32(f, linktype);
}

/* A record of caplen bytes that look like Ethernet/IPv4, then noise. */
static void
fb_rec(struct fbuf *f, uint32_t sec, uint32_t frac, uint32_t caplen,
    uint32_t wirelen)
{
	static const uint8_t	eth_ip[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,
		0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0,
		10, 0, 0, 1, 10, 0, 0, 2, 0x30, 0x39, 0x01, 0xbb,
	};
	uint8_t			byte;
	uint32_t		i;

	fb_put32(f, sec);
	fb_put32(f, frac);
	fb_put32(f, caplen);
	fb_put32(f, wirelen);
	for (i = 0; i < caplen; i++) {
		f->seed = f->seed * 1103515245U + 12345U;
		byte = i < sizeof(eth_ip) ? eth_ip[i] :
		    (uint8_t)(f->seed >> 16);
		fb_put(f, &byte, 1);
	}
}

/* ---- tests ------------------------------------------------------------- */

/* Every file in dir whose name ends in .pcap, .cap or .pcapng, compared. */
static int
compare_dir(const char *dir, int *taken)
{
	char		 path[1200];
	struct dirent	*de;
	DIR		*d;
	size_t		 len;
	long		 frames;
	int		 files = 0, t, th;

	if ((d = opendir(dir)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (!(len > 5 && strcmp(de->d_name + len - 5, ".pcap") == 0) &&
		    !(len > 4 && strcmp(de->d_name + len - 4, ".cap") == 0) &&
		    !(len > 7 && strcmp(de->d_name + len - 7, ".pcapng") == 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		for (th = 0; th < 2; th++) {
			t = compare_file(path, th, &frames);
			if (t == 1 && th == 0)
				(*taken)++;
		}
		files++;
	}
	closedir(d);
	return (files);
}

/* The project's own captures, good and bad. */
static void
test_own_captures(void **state)
{
	char		 dir[1024];
	const char	*src;
	int		 taken = 0, n;

	(void)state;
	src = getenv("PC_SOURCE_DIR");
	snprintf(dir, sizeof(dir), "%s/pcaps", src != NULL ? src : "..");
	n = compare_dir(dir, &taken);
	assert_true(n > 5);
	snprintf(dir, sizeof(dir), "%s/pcaps/bad", src != NULL ? src : "..");
	assert_true(compare_dir(dir, &taken) > 0);
	/* Most of them are ordinary pcap files, which are ours to read. */
	assert_true(taken > n / 2);
}

/* Captures made by others, with their own tools and quirks. */
static void
test_real_captures(void **state)
{
	char		 dir[1024];
	const char	*src;
	int		 taken = 0, n;

	(void)state;
	src = getenv("PC_SOURCE_DIR");
	snprintf(dir, sizeof(dir), "%s/../shared/pcaps/real",
	    src != NULL ? src : "..");
	if ((n = compare_dir(dir, &taken)) == -1) {
		printf("skipping: %s not found (no ../shared beside the "
		    "source tree)\n", dir);
		skip();
	}
	assert_true(n > 0);
	assert_true(taken > 0);
}

/*
 * Records cut by a block boundary at every offset: the boundary falls k
 * bytes before the second record's header, so k = 1..15 cuts the header,
 * and larger k its kept bytes, then the part past the snapshot length
 * that is stepped over.  The first record is longer than the snapshot
 * length too, and cut to it.
 */
static void
test_block_boundaries(void **state)
{
	static const uint32_t	ks[] = { 1000, 1999, 2015, 2016, 2017, 2020,
				    3000, 3015, 3016, 3017 };
	char			path[256];
	struct fbuf		f;
	uint32_t		k, snap = 2000;
	size_t			i;
	long			frames;

	(void)state;
	memset(&f, 0, sizeof(f));
	for (i = 0; i < 41 + sizeof(ks) / sizeof(ks[0]); i++) {
		k = i <= 40 ? (uint32_t)i : ks[i - 41];
		fb_hdr(&f, 0xa1b2c3d4U, 2, 4, snap, 1);
		/* Blocks start at file offset 24, after the file header. */
		fb_rec(&f, 1700000000, 1, READAHEAD_BLOCK - k - 16,
		    READAHEAD_BLOCK);
		assert_int_equal(f.n, PCAPFILE_HDRLEN + READAHEAD_BLOCK - k);
		fb_rec(&f, 1700000001, 2, 3016, 3016);
		fb_rec(&f, 1700000002, 999999, 60, 60);
		fb_rec(&f, 1700000003, 0, 0, 60);
		t_write("straddle.pcap", f.b, f.n, path, sizeof(path));
		assert_int_equal(compare_file(path, 0, &frames), 1);
		assert_int_equal(frames, 4);
		assert_int_equal(compare_file(path, 1, &frames), 1);
		assert_int_equal(frames, 4);
		/* And cut just past the boundary: libpcap's error, or end. */
		t_write("straddle-cut.pcap", f.b, PCAPFILE_HDRLEN +
		    READAHEAD_BLOCK + 3, path, sizeof(path));
		assert_int_equal(compare_file(path, 0, &frames), 1);
		assert_int_equal(compare_file(path, 1, &frames), 1);
	}
	free(f.b);
}

/* pcapng: a section header, an Ethernet interface, then blocks. */
static void
ng_block(struct fbuf *f, uint32_t type, const uint8_t *body, size_t n)
{
	static const uint8_t	pad[4];
	uint32_t		len = (uint32_t)(12 + (n + 3) / 4 * 4);

	fb_put32(f, type);
	fb_put32(f, len);
	fb_put(f, body, n);
	fb_put(f, pad, (4 - n % 4) % 4);
	fb_put32(f, len);
}

static void
ng_start(struct fbuf *f)
{
	static const uint8_t	shb[] = { 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
				    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				    0xff };
	static const uint8_t	idb[] = { 1, 0, 0, 0, 0, 0, 0, 0 };

	f->n = 0;
	ng_block(f, 0x0A0D0D0AU, shb, sizeof(shb));
	ng_block(f, 1, idb, sizeof(idb));
}

/* An enhanced packet block of caplen bytes (noise after an Ethernet start). */
static void
ng_epb(struct fbuf *f, uint32_t ts, uint32_t caplen)
{
	struct fbuf	body;

	memset(&body, 0, sizeof(body));
	body.seed = f->seed;
	fb_put32(&body, 0);		/* interface */
	fb_put32(&body, 0);		/* timestamp, high */
	fb_put32(&body, ts);		/* and low, microseconds */
	/* fb_rec() writes its own 16-byte record header: skip it. */
	fb_rec(&body, 0, 0, caplen, caplen);
	memmove(body.b + 12, body.b + 12 + 8, body.n - 20);
	body.n -= 8;
	ng_block(f, 6, body.b, body.n);
	f->seed = body.seed;
	free(body.b);
}

/*
 * pcapng blocks cut by a chunk boundary at every 4-byte offset: chunks
 * start at file offset 4 (the caller sniffs the first 4 bytes), and the
 * boundary falls k bytes before the second packet block, so it cuts that
 * block's header, its data, or its trailer.
 */
static void
test_pcapng_boundaries(void **state)
{
	static const uint32_t	ks[] = { 100, 1000, 3000, 3040, 3044, 3048 };
	char			path[256];
	struct fbuf		f;
	uint32_t		k, first;
	size_t			i;
	long			frames;

	(void)state;
	memset(&f, 0, sizeof(f));
	for (i = 0; i < 11 + sizeof(ks) / sizeof(ks[0]); i++) {
		k = i <= 10 ? (uint32_t)i * 4 : ks[i - 11];
		ng_start(&f);
		/* Block 1 ends where the boundary is k bytes away. */
		first = (uint32_t)(4 + READAHEAD_BLOCK - k - f.n - 32);
		ng_epb(&f, 1, first);
		assert_int_equal(f.n, 4 + READAHEAD_BLOCK - k);
		ng_epb(&f, 2, 3016);
		ng_epb(&f, 3, 60);
		t_write("straddle.pcapng", f.b, f.n, path, sizeof(path));
		assert_int_equal(compare_file(path, 0, &frames), 1);
		assert_int_equal(frames, 3);
		assert_int_equal(compare_file(path, 1, &frames), 1);
		assert_int_equal(frames, 3);
		/* Cut a little past the boundary: the same error as libpcap. */
		t_write("straddle-cut.pcapng", f.b, 4 + READAHEAD_BLOCK + 2,
		    path, sizeof(path));
		assert_int_equal(compare_file(path, 0, &frames), 1);
		/* Unless the second block ends right at the boundary. */
		assert_int_equal(frames, k >= 3048 ? 2 : 1);
	}
	free(f.b);
}

/* A small file cut at every byte: the same frames, the same verdict. */
static void
test_every_truncation(void **state)
{
	char		path[256];
	struct fbuf	f;
	size_t		cut, full;
	long		frames, last = -1;

	(void)state;
	memset(&f, 0, sizeof(f));
	fb_hdr(&f, 0xa1b23c4dU, 2, 4, 100, 1);
	fb_rec(&f, 1, 5, 60, 60);
	fb_rec(&f, 2, 6, 150, 1500);	/* cut to the snapshot length */
	fb_rec(&f, 3, 7, 0, 0);
	fb_rec(&f, 4, 8, 54, 54);
	full = f.n;
	for (cut = PCAPFILE_HDRLEN; cut <= full; cut++) {
		t_write("cut.pcap", f.b, cut, path, sizeof(path));
		assert_int_equal(compare_file(path, 0, &frames), 1);
		assert_true(frames >= last);
		last = frames;
	}
	assert_int_equal(last, 4);
	free(f.b);
}

/*
 * Headers and records that a careless reader gets wrong: the other byte
 * order, no snapshot length, one too large, timestamps with the high bit
 * set or a fraction past a second, a captured length past the limit.
 */
static void
test_hostile(void **state)
{
	char		path[256];
	struct fbuf	f;
	long		frames;
	int		swap;

	(void)state;
	memset(&f, 0, sizeof(f));
	for (swap = 0; swap < 2; swap++) {
		f.swap = swap;
		fb_hdr(&f, 0xa1b2c3d4U, 2, 4, 0, 1);
		/*
		 * libpcap 1.10 sign-extends the timestamp fields of a file
		 * in host order, which the format does not ask for and we
		 * do not copy (test_memory checks ours); so the high bit is
		 * set only in the byte-swapped file here.
		 */
		fb_rec(&f, swap ? 0x80000000U : 0x7fffffffU,
		    swap ? 0xffffffffU : 0x7fffffffU, 70000, 70000);
		fb_rec(&f, swap ? 0xffffffffU : 1, 2000000, 60, 40);
		fb_rec(&f, 5, 999999, 60, 60);
		t_write("hostile.pcap", f.b, f.n, path, sizeof(path));
		assert_int_equal(compare_file(path, 0, &frames), 1);
		assert_int_equal(frames, 3);

		fb_hdr(&f, 0xa1b23c4dU, 2, 4, 0xffffffffU, 101);
		fb_rec(&f, 1, 1000000001, 60, 60);
		fb_rec(&f, 2, 3, PCAPFILE_CAPMAX, PCAPFILE_CAPMAX);
		fb_rec(&f, 2, 3, PCAPFILE_CAPMAX + 1, 1);
		t_write("toolong.pcap", f.b, f.n, path, sizeof(path));
		assert_int_equal(compare_file(path, 0, &frames), 1);
		assert_int_equal(frames, 2);
		assert_int_equal(compare_file(path, 1, &frames), 1);
		assert_int_equal(frames, 2);
	}
	free(f.b);
}

/* What our reader leaves to libpcap, and what it takes. */
static void
test_whose_file(void **state)
{
	static const struct {
		uint32_t	magic;
		uint16_t	major, minor;
		uint32_t	linktype;
		int		swap;
		int		ours;
	} cases[] = {
		{ 0xa1b2c3d4U, 2, 4, 1, 0, 1 },
		{ 0xa1b2c3d4U, 2, 4, 1, 1, 1 },
		{ 0xa1b23c4dU, 2, 4, 276, 0, 1 },	/* SLL2, host order */
		{ 0xa1b23c4dU, 2, 4, 276, 1, 0 },	/* swapped SLL2 */
		{ 0xa1b2c3d4U, 2, 4, 239, 1, 0 },	/* swapped NFLOG */
		{ 0xa1b2c3d4U, 2, 4, 239, 0, 1 },
		{ 0xa1b2c3d4U, 2, 4, 220, 0, 0 },	/* Linux USB */
		{ 0xa1b2c3d4U, 2, 4, 231, 0, 0 },	/* D-Bus, 128 MiB */
		{ 0xa1b2c3d4U, 2, 3, 1, 0, 0 },	/* may swap lengths */
		{ 0xa1b2c3d4U, 2, 2, 1, 0, 0 },
		{ 0xa1b2cd34U, 2, 4, 1, 0, 0 },	/* Kuznetzov's patch */
		{ 0xa1b2c3d4U, 2, 4, 1 | 0x14000000U, 0, 1 },	/* FCS bits */
	};
	char		path[256];
	struct fbuf	f;
	size_t		i;
	long		frames;
	int		rc;

	(void)state;
	memset(&f, 0, sizeof(f));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f.swap = cases[i].swap;
		fb_hdr(&f, cases[i].magic, cases[i].major, cases[i].minor,
		    65535, cases[i].linktype);
		fb_rec(&f, 1, 2, 60, 60);
		fb_rec(&f, 3, 4, 42, 60);
		t_write("whose.pcap", f.b, f.n, path, sizeof(path));
		rc = compare_file(path, 0, &frames);
		if (rc != cases[i].ours)
			fprintf(stderr, "case %zu: ours %d, expected %d\n", i,
			    rc, cases[i].ours);
		assert_int_equal(rc, cases[i].ours);
		if (rc == 1)
			assert_int_equal(frames, 2);
	}
	free(f.b);
}

/* The memory entry point (used by the fuzz harness) agrees with files. */
static void
test_memory(void **state)
{
	char			 why[256];
	struct fbuf		 f;
	struct pcapfile_reader	*r;
	struct pcapfile_packet	 pkt;
	int			 n = 0, rc;

	(void)state;
	memset(&f, 0, sizeof(f));
	fb_hdr(&f, 0xa1b2c3d4U, 2, 4, 100, 1);
	fb_rec(&f, 7, 8, 60, 60);
	fb_rec(&f, 9, 10, 120, 1500);
	r = pcapfile_open_mem(f.b, f.n);
	assert_non_null(r);
	while ((rc = pcapfile_next(r, &pkt, why, sizeof(why))) == 1) {
		n++;
		assert_int_equal(pkt.ts_sec, n == 1 ? 7 : 9);
		assert_int_equal(pkt.ts_frac, n == 1 ? 8000 : 10000);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, 2);
	assert_int_equal(pkt.caplen, 100);
	assert_int_equal(pcapfile_tell(r), (long long)f.n);
	pcapfile_close(r);

	/* Cut inside the second record's data: one frame, then an error. */
	r = pcapfile_open_mem(f.b, f.n - 5);
	assert_non_null(r);
	assert_int_equal(pcapfile_next(r, &pkt, why, sizeof(why)), 1);
	assert_int_equal(pcapfile_next(r, &pkt, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "truncated"));
	assert_non_null(strstr(why, "byte 100"));
	assert_int_equal(pcapfile_next(r, &pkt, why, sizeof(why)), -1);
	pcapfile_close(r);

	/* Timestamps are unsigned in either byte order. */
	f.swap = 0;
	fb_hdr(&f, 0xa1b2c3d4U, 2, 4, 100, 1);
	fb_rec(&f, 0x80000000U, 0xffffffffU, 60, 60);
	r = pcapfile_open_mem(f.b, f.n);
	assert_non_null(r);
	assert_int_equal(pcapfile_next(r, &pkt, why, sizeof(why)), 1);
	assert_int_equal(pkt.ts_sec, 2147483648LL);
	assert_true(pkt.ts_frac == 4294967295ULL * 1000);
	pcapfile_close(r);

	/* Not a file it takes. */
	assert_null(pcapfile_open_mem(f.b, 23));
	free(f.b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_whose_file),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_block_boundaries),
		cmocka_unit_test(test_pcapng_boundaries),
		cmocka_unit_test(test_own_captures),
		cmocka_unit_test(test_real_captures),
	};

	return (cmocka_run_group_tests_name("pcapfile", tests, t_setup,
	    t_teardown));
}
