/*
 * pcapng.c - read pcapng capture files block by block.
 *
 * The reader pulls one whole block at a time into a single reusable buffer
 * (grown only when a larger block arrives, never past PCAPNG_BLOCK_MAX), so
 * the per-frame path neither allocates nor copies more than one fread.
 * Every length taken from the file is checked against the block that holds
 * it before anything is read through it.  Several sections may follow each
 * other, each in its own byte order with its own interfaces.
 *
 * What it does not do: map link types to DLT values, filter, or look at
 * packet contents; capture.c does the first two and decode.c the last.
 *
 * Block layouts are from draft-ietf-opsawg-pcapng ("PCAP Now Generic").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/pcapng.h"
#include "portclass/xmalloc.h"

#define PCAPNG_BOM		0x1A2B3C4DU	/* byte-order magic in the SHB */
#define PCAPNG_PB_TYPE		0x00000002U	/* obsolete packet block */
#define PCAPNG_IDB_TYPE		0x00000001U
#define PCAPNG_SPB_TYPE		0x00000003U
#define PCAPNG_EPB_TYPE		0x00000006U

/* Fixed parts, counted with the 8-byte block header and 4-byte trailer. */
#define PCAPNG_BLOCK_MIN	12	/* type, length, trailer */
#define PCAPNG_SHB_MIN		28	/* + BOM, version, section length */
#define PCAPNG_IDB_MIN		20	/* + link type, reserved, snaplen */
#define PCAPNG_EPB_MIN		32	/* + if id, ts hi/lo, caplen, len */
#define PCAPNG_PB_MIN		32	/* + if id/drops, ts hi/lo, caplen, len */
#define PCAPNG_SPB_MIN		16	/* + original length */

#define PCAPNG_OPT_ENDOFOPT	0
#define PCAPNG_OPT_IF_TSRESOL	9
#define PCAPNG_OPT_IF_TSOFFSET	14

#define PCAPNG_BUF_INITIAL	(64 * 1024)

/* Timestamp units of one interface (if_tsresol, if_tsoffset). */
struct pcapng_iface {
	uint32_t	linktype;
	uint32_t	snaplen;
	uint64_t	units;		/* ticks per second */
	uint8_t		pow2;		/* units is 2^exp, else 10^exp */
	uint8_t		exp;
	int64_t		offset;		/* seconds added to every timestamp */
};

struct pcapng_reader {
	FILE			*fp;		/* NULL when reading memory */
	const uint8_t		*mem;
	size_t			 memlen;
	size_t			 memoff;
	uint8_t			 prefix[8];	/* bytes the caller already read */
	size_t			 prefixlen;
	size_t			 prefixoff;

	uint8_t			*buf;		/* the current block */
	size_t			 bufsize;
	uint64_t		 offset;	/* file offset of the next block */

	int			 swapped;	/* section not in host order */
	int			 in_section;
	int			 failed;
	struct pcapng_iface	*ifaces;
	size_t			 nifaces;
	size_t			 ifacecap;
};

static size_t	pcapng_read(struct pcapng_reader *, uint8_t *, size_t, int *);
static uint16_t	pcapng_get16(const struct pcapng_reader *, const uint8_t *);
static uint32_t	pcapng_get32(const struct pcapng_reader *, const uint8_t *);
static uint64_t	pcapng_swap64(uint64_t);
static int	pcapng_fail(struct pcapng_reader *, char *, size_t,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
static int	pcapng_shb(struct pcapng_reader *, uint32_t, char *, size_t);
static int	pcapng_idb(struct pcapng_reader *, uint32_t, char *, size_t);
static int	pcapng_idb_options(struct pcapng_reader *,
		    struct pcapng_iface *, const uint8_t *, size_t, char *,
		    size_t);
static int	pcapng_packet_at(struct pcapng_reader *, struct pcapng_packet *,
		    uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
		    char *, size_t);
static void	pcapng_ts(const struct pcapng_iface *, uint64_t,
		    struct pcapng_packet *);

static struct pcapng_reader *
pcapng_alloc(void)
{
	struct pcapng_reader	*r;

	r = xcalloc(1, sizeof(*r));
	r->bufsize = PCAPNG_BUF_INITIAL;
	r->buf = xmalloc(r->bufsize);
	return (r);
}

struct pcapng_reader *
pcapng_open_stream(FILE *fp, const uint8_t *prefix, size_t prefixlen)
{
	struct pcapng_reader	*r;

	r = pcapng_alloc();
	r->fp = fp;
	if (prefixlen > sizeof(r->prefix))
		prefixlen = sizeof(r->prefix);
	if (prefixlen > 0)
		memcpy(r->prefix, prefix, prefixlen);
	r->prefixlen = prefixlen;
	return (r);
}

struct pcapng_reader *
pcapng_open_mem(const uint8_t *buf, size_t len)
{
	struct pcapng_reader	*r;

	r = pcapng_alloc();
	r->mem = buf;
	r->memlen = len;
	return (r);
}

void
pcapng_close(struct pcapng_reader *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r->ifaces);
	free(r);
}

/*
 * Read up to n bytes: first what the caller had already sniffed, then the
 * stream or memory.  Short only at end of input or on an I/O error (*ioerr).
 */
static size_t
pcapng_read(struct pcapng_reader *r, uint8_t *dst, size_t n, int *ioerr)
{
	size_t	got = 0, k;

	*ioerr = 0;
	if (r->prefixoff < r->prefixlen) {
		k = r->prefixlen - r->prefixoff;
		if (k > n)
			k = n;
		memcpy(dst, r->prefix + r->prefixoff, k);
		r->prefixoff += k;
		got = k;
	}
	if (got == n)
		return (got);
	if (r->fp != NULL) {
		got += fread(dst + got, 1, n - got, r->fp);
		if (got < n && ferror(r->fp))
			*ioerr = errno != 0 ? errno : EIO;
		return (got);
	}
	k = r->memlen - r->memoff;
	if (k > n - got)
		k = n - got;
	if (k > 0) {
		memcpy(dst + got, r->mem + r->memoff, k);
		r->memoff += k;
		got += k;
	}
	return (got);
}

static uint16_t
pcapng_get16(const struct pcapng_reader *r, const uint8_t *p)
{
	uint16_t	v;

	memcpy(&v, p, sizeof(v));
	return (r->swapped ? (uint16_t)(v >> 8 | v << 8) : v);
}

static uint32_t
pcapng_get32(const struct pcapng_reader *r, const uint8_t *p)
{
	uint32_t	v;

	memcpy(&v, p, sizeof(v));
	if (r->swapped)
		v = (v >> 24) | ((v >> 8) & 0xff00U) | ((v << 8) & 0xff0000U) |
		    (v << 24);
	return (v);
}

static uint64_t
pcapng_swap64(uint64_t v)
{
	uint64_t	out = 0;
	int		i;

	for (i = 0; i < 8; i++) {
		out = out << 8 | (v & 0xff);
		v >>= 8;
	}
	return (out);
}

static int
pcapng_fail(struct pcapng_reader *r, char *errbuf, size_t errlen,
    const char *fmt, ...)
{
	va_list	ap;

	r->failed = 1;
	if (errbuf != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(errbuf, errlen, fmt, ap);
		va_end(ap);
	}
	return (-1);
}

/* Section header: fixes the byte order and forgets the old interfaces. */
static int
pcapng_shb(struct pcapng_reader *r, uint32_t len, char *errbuf, size_t errlen)
{
	uint16_t	major;

	major = pcapng_get16(r, r->buf + 12);
	if (major != 1)
		return (pcapng_fail(r, errbuf, errlen,
		    "unsupported pcapng version %u at offset %" PRIu64,
		    major, r->offset - len));
	r->nifaces = 0;
	r->in_section = 1;
	return (0);
}

/*
 * Interface options.  Each is code, length, value padded to 4 bytes; a
 * value that runs past the block is an error, not something to skip.
 */
static int
pcapng_idb_options(struct pcapng_reader *r, struct pcapng_iface *ifc,
    const uint8_t *p, size_t room, char *errbuf, size_t errlen)
{
	uint16_t	code, olen;
	size_t		padded;
	uint8_t		v;
	uint64_t	u;
	int		i;

	while (room >= 4) {
		code = pcapng_get16(r, p);
		olen = pcapng_get16(r, p + 2);
		padded = ((size_t)olen + 3) & ~(size_t)3;
		if (padded > room - 4)
			return (pcapng_fail(r, errbuf, errlen,
			    "interface option %u overruns its block", code));
		if (code == PCAPNG_OPT_ENDOFOPT)
			break;
		if (code == PCAPNG_OPT_IF_TSRESOL) {
			if (olen != 1)
				return (pcapng_fail(r, errbuf, errlen,
				    "if_tsresol has length %u, not 1", olen));
			v = p[4];
			/* MSB set: a negative power of 2, else of 10. */
			ifc->pow2 = (v & 0x80) != 0;
			ifc->exp = v & 0x7f;
			if ((ifc->pow2 && ifc->exp > 63) ||
			    (!ifc->pow2 && ifc->exp > 19))
				return (pcapng_fail(r, errbuf, errlen,
				    "if_tsresol 0x%02x is out of range", v));
			if (ifc->pow2)
				ifc->units = (uint64_t)1 << ifc->exp;
			else
				for (ifc->units = 1, i = 0; i < ifc->exp; i++)
					ifc->units *= 10;
		} else if (code == PCAPNG_OPT_IF_TSOFFSET) {
			if (olen != 8)
				return (pcapng_fail(r, errbuf, errlen,
				    "if_tsoffset has length %u, not 8", olen));
			memcpy(&u, p + 4, sizeof(u));
			if (r->swapped)
				u = pcapng_swap64(u);
			ifc->offset = (int64_t)u;
		}
		p += 4 + padded;
		room -= 4 + padded;
	}
	return (0);
}

static int
pcapng_idb(struct pcapng_reader *r, uint32_t len, char *errbuf, size_t errlen)
{
	struct pcapng_iface	ifc;

	if (len < PCAPNG_IDB_MIN)
		return (pcapng_fail(r, errbuf, errlen,
		    "interface description block of %u bytes at offset %"
		    PRIu64 " is too short", len, r->offset - len));
	if (r->nifaces >= PCAPNG_IFACES_MAX)
		return (pcapng_fail(r, errbuf, errlen,
		    "more than %d interfaces in one section",
		    PCAPNG_IFACES_MAX));
	memset(&ifc, 0, sizeof(ifc));
	ifc.linktype = pcapng_get16(r, r->buf + 8);
	ifc.snaplen = pcapng_get32(r, r->buf + 12);
	ifc.units = 1000000;		/* default resolution: microseconds */
	ifc.exp = 6;
	if (pcapng_idb_options(r, &ifc, r->buf + 16, len - PCAPNG_IDB_MIN,
	    errbuf, errlen) == -1)
		return (-1);
	if (r->nifaces == r->ifacecap) {
		r->ifacecap = r->ifacecap == 0 ? 4 : r->ifacecap * 2;
		r->ifaces = xreallocarray(r->ifaces, r->ifacecap,
		    sizeof(*r->ifaces));
	}
	r->ifaces[r->nifaces++] = ifc;
	return (0);
}

/*
 * Turn a tick count into seconds and nanoseconds without overflowing:
 * for 2^-k units above 2^-34 the low bits are dropped first, which loses
 * only what a nanosecond cannot show anyway.
 */
static void
pcapng_ts(const struct pcapng_iface *ifc, uint64_t ticks,
    struct pcapng_packet *pkt)
{
	uint64_t	sec, frac, nsec, scale;
	int		i;

	if (ifc->pow2) {
		sec = ticks >> ifc->exp;
		frac = ticks & (ifc->units - 1);
		if (ifc->exp <= 34)
			nsec = (frac * 1000000000U) >> ifc->exp;
		else
			nsec = ((frac >> (ifc->exp - 34)) * 1000000000U) >> 34;
	} else {
		sec = ticks / ifc->units;
		frac = ticks % ifc->units;
		if (ifc->exp == 6)
			nsec = frac * 1000;
		else if (ifc->exp == 9)
			nsec = frac;
		else {
			scale = 1;
			if (ifc->exp < 9) {
				for (i = ifc->exp; i < 9; i++)
					scale *= 10;
				nsec = frac * scale;
			} else {
				for (i = 9; i < ifc->exp; i++)
					scale *= 10;
				nsec = frac / scale;
			}
		}
	}
	/* Unsigned sum: a hostile offset wraps instead of overflowing. */
	pkt->ts_sec = (int64_t)(sec + (uint64_t)ifc->offset);
	pkt->ts_nsec = (uint32_t)nsec;
}

/* Fill *pkt from a packet whose data starts at byte off of the block. */
static int
pcapng_packet_at(struct pcapng_reader *r, struct pcapng_packet *pkt,
    uint32_t len, uint32_t off, uint32_t ifid, uint32_t caplen,
    uint32_t wirelen, uint32_t tsword, char *errbuf, size_t errlen)
{
	uint64_t	ticks;

	if (ifid >= r->nifaces)
		return (pcapng_fail(r, errbuf, errlen,
		    "packet at offset %" PRIu64 " names interface %u of %zu",
		    r->offset - len, ifid, r->nifaces));
	/* Data and trailer must fit: off + caplen + 4 <= len. */
	if (caplen > len - off - 4)
		return (pcapng_fail(r, errbuf, errlen,
		    "packet at offset %" PRIu64 " claims %u captured bytes in "
		    "a block of %u", r->offset - len, caplen, len));
	pkt->data = r->buf + off;
	pkt->caplen = caplen;
	pkt->wirelen = wirelen;
	pkt->ifindex = ifid;
	pkt->linktype = r->ifaces[ifid].linktype;
	if (tsword != 0) {
		ticks = (uint64_t)pcapng_get32(r, r->buf + tsword) << 32 |
		    pcapng_get32(r, r->buf + tsword + 4);
		pcapng_ts(&r->ifaces[ifid], ticks, pkt);
	} else {
		pkt->ts_sec = 0;	/* simple packet blocks have no time */
		pkt->ts_nsec = 0;
	}
	return (1);
}

int
pcapng_next(struct pcapng_reader *r, struct pcapng_packet *pkt, char *errbuf,
    size_t errlen)
{
	uint32_t	 type, len, bom, caplen, room;
	uint64_t	 start;
	size_t		 got, have;
	uint8_t		*nbuf;
	int		 ioerr;

	if (r->failed)
		return (pcapng_fail(r, errbuf, errlen,
		    "reader already failed"));
	for (;;) {
		start = r->offset;
		got = pcapng_read(r, r->buf, 8, &ioerr);
		if (ioerr != 0)
			return (pcapng_fail(r, errbuf, errlen, "read error: %s",
			    strerror(ioerr)));
		if (got == 0 && r->in_section)
			return (0);
		if (got == 0)
			return (pcapng_fail(r, errbuf, errlen, "empty file"));
		if (got < 8)
			return (pcapng_fail(r, errbuf, errlen,
			    "truncated block header at offset %" PRIu64
			    " (%zu of 8 bytes)", start, got));
		memcpy(&type, r->buf, sizeof(type));
		have = 8;
		if (type == PCAPNG_SHB_TYPE) {
			/* The byte-order magic follows the length and tells
			 * how to read it. */
			got = pcapng_read(r, r->buf + 8, 4, &ioerr);
			if (got < 4)
				return (pcapng_fail(r, errbuf, errlen,
				    "truncated section header at offset %"
				    PRIu64, start));
			have = 12;
			memcpy(&bom, r->buf + 8, sizeof(bom));
			if (bom == PCAPNG_BOM)
				r->swapped = 0;
			else if (bom == ((PCAPNG_BOM >> 24) |
			    ((PCAPNG_BOM >> 8) & 0xff00U) |
			    ((PCAPNG_BOM << 8) & 0xff0000U) |
			    (PCAPNG_BOM << 24)))
				r->swapped = 1;
			else
				return (pcapng_fail(r, errbuf, errlen,
				    "bad byte-order magic in section header "
				    "at offset %" PRIu64, start));
		} else if (!r->in_section)
			return (pcapng_fail(r, errbuf, errlen,
			    "no section header block at offset %" PRIu64,
			    start));
		type = pcapng_get32(r, r->buf);
		len = pcapng_get32(r, r->buf + 4);
		if (len % 4 != 0 || len < PCAPNG_BLOCK_MIN ||
		    len > PCAPNG_BLOCK_MAX ||
		    (type == PCAPNG_SHB_TYPE && len < PCAPNG_SHB_MIN))
			return (pcapng_fail(r, errbuf, errlen,
			    "bad block length %u (type 0x%08x) at offset %"
			    PRIu64, len, type, start));
		if (len > r->bufsize) {
			nbuf = realloc(r->buf, len);
			if (nbuf == NULL)
				return (pcapng_fail(r, errbuf, errlen,
				    "no memory for a block of %u bytes", len));
			r->buf = nbuf;
			r->bufsize = len;
		}
		got = pcapng_read(r, r->buf + have, len - have, &ioerr);
		if (ioerr != 0)
			return (pcapng_fail(r, errbuf, errlen, "read error: %s",
			    strerror(ioerr)));
		if (got < len - have)
			return (pcapng_fail(r, errbuf, errlen,
			    "truncated block (type 0x%08x, %u bytes) at "
			    "offset %" PRIu64 ": only %zu bytes left", type,
			    len, start, got + have));
		r->offset = start + len;
		if (pcapng_get32(r, r->buf + len - 4) != len)
			return (pcapng_fail(r, errbuf, errlen,
			    "block at offset %" PRIu64 " has trailing length "
			    "%u, not %u", start,
			    pcapng_get32(r, r->buf + len - 4), len));

		switch (type) {
		case PCAPNG_SHB_TYPE:
			if (pcapng_shb(r, len, errbuf, errlen) == -1)
				return (-1);
			break;
		case PCAPNG_IDB_TYPE:
			if (pcapng_idb(r, len, errbuf, errlen) == -1)
				return (-1);
			break;
		case PCAPNG_EPB_TYPE:
			if (len < PCAPNG_EPB_MIN)
				break;
			return (pcapng_packet_at(r, pkt, len, 28,
			    pcapng_get32(r, r->buf + 8),
			    pcapng_get32(r, r->buf + 20),
			    pcapng_get32(r, r->buf + 24), 12, errbuf, errlen));
		case PCAPNG_PB_TYPE:
			if (len < PCAPNG_PB_MIN)
				break;
			return (pcapng_packet_at(r, pkt, len, 28,
			    pcapng_get16(r, r->buf + 8),
			    pcapng_get32(r, r->buf + 20),
			    pcapng_get32(r, r->buf + 24), 12, errbuf, errlen));
		case PCAPNG_SPB_TYPE:
			if (len < PCAPNG_SPB_MIN)
				break;
			if (r->nifaces == 0)
				return (pcapng_fail(r, errbuf, errlen,
				    "simple packet block at offset %" PRIu64
				    " before any interface", start));
			/* The block has no captured length: it is the
			 * original length cut to the snaplen and the room
			 * left in the block (padding may follow). */
			caplen = pcapng_get32(r, r->buf + 8);
			room = len - PCAPNG_SPB_MIN;
			if (caplen > room)
				caplen = room;
			if (r->ifaces[0].snaplen != 0 &&
			    caplen > r->ifaces[0].snaplen)
				caplen = r->ifaces[0].snaplen;
			return (pcapng_packet_at(r, pkt, len, 12, 0, caplen,
			    pcapng_get32(r, r->buf + 8), 0, errbuf, errlen));
		default:
			/* Name resolution, statistics, custom blocks...:
			 * nothing portclass counts. */
			break;
		}
	}
}

long
pcapng_parse_buffer(const uint8_t *buf, size_t len,
    void (*cb)(void *, const struct pcapng_packet *), void *ctx, char *errbuf,
    size_t errlen)
{
	struct pcapng_reader	*r;
	struct pcapng_packet	 pkt;
	long			 n = 0;
	int			 rc;

	r = pcapng_open_mem(buf, len);
	while ((rc = pcapng_next(r, &pkt, errbuf, errlen)) == 1) {
		if (cb != NULL)
			cb(ctx, &pkt);
		n++;
	}
	pcapng_close(r);
	return (rc == -1 ? -1 : n);
}
