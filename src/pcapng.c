/*
 * pcapng.c - read pcapng capture files block by block.
 *
 * The input comes in chunks: the bytes the caller sniffed, then the blocks
 * of a struct readahead (or one chunk of memory).  A pcapng block that
 * lies whole in the chunk in hand is parsed where it lies, so a frame is
 * not copied after read(2); one that straddles chunks is gathered into a
 * reusable buffer (grown only when a larger block arrives, never past
 * PCAPNG_BLOCK_MAX).  Gathering keeps its state in the reader, so a read
 * cut short by a signal resumes where it stopped.  Every length taken
 * from the file is checked against the block that holds it before
 * anything is read through it.  Several sections may follow each other,
 * each in its own byte order with its own interfaces.
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
#include "portclass/readahead.h"
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
	struct readahead	*ra;		/* NULL when reading memory */
	const uint8_t		*mem;		/* memory not yet handed out */
	size_t			 memlen;
	uint8_t			 prefix[8];	/* bytes the caller already read */

	const uint8_t		*cp;		/* what is left of the chunk */
	const uint8_t		*cend;
	int			 ended;		/* no chunk after this one */

	const uint8_t		*b;		/* the current block */
	uint8_t			*buf;		/* where straddling ones gather */
	size_t			 bufsize;
	size_t			 glen;		/* bytes gathered so far */
	uint64_t		 offset;	/* file offset of the next block */

	int			 swapped;	/* section not in host order */
	int			 in_section;
	int			 failed;
	struct pcapng_iface	*ifaces;
	size_t			 nifaces;
	size_t			 ifacecap;
};

static int	pcapng_chunk(struct pcapng_reader *, int *);
static ssize_t	pcapng_window(struct pcapng_reader *, size_t, int *);
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
pcapng_open(struct readahead *ra, const uint8_t *prefix, size_t prefixlen)
{
	struct pcapng_reader	*r;

	r = pcapng_alloc();
	r->ra = ra;
	if (prefixlen > sizeof(r->prefix))
		prefixlen = sizeof(r->prefix);
	if (prefixlen > 0)
		memcpy(r->prefix, prefix, prefixlen);
	/* The sniffed bytes are the first chunk. */
	r->cp = r->prefix;
	r->cend = r->prefix + prefixlen;
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
 * The next chunk of input into [cp, cend): 1; 0 at the end of input; -1
 * on a read error (*ioerr); PCAPNG_AGAIN when a signal cut the wait.
 */
static int
pcapng_chunk(struct pcapng_reader *r, int *ioerr)
{
	const uint8_t	*p;
	ssize_t		 n;

	if (r->ended)
		return (0);
	if (r->ra == NULL) {
		r->ended = 1;
		if (r->mem == NULL || r->memlen == 0)
			return (0);
		r->cp = r->mem;
		r->cend = r->mem + r->memlen;
		r->mem = NULL;
		return (1);
	}
	if ((n = readahead_next(r->ra, &p)) > 0) {
		r->cp = p;
		r->cend = p + n;
		return (1);
	}
	if (n == READAHEAD_AGAIN)
		return (PCAPNG_AGAIN);
	if (n == 0) {
		r->ended = 1;
		return (0);
	}
	*ioerr = errno != 0 ? errno : EIO;
	return (-1);
}

/*
 * Point r->b at the first need bytes of the block that starts at the
 * reading position: in place when the chunk in hand holds them, else
 * gathered into buf (which the caller has made large enough) from as many
 * chunks as they span.  Nothing is consumed in place; pcapng_next() steps
 * over a block once it is whole.  Returns need, or fewer at the end of
 * input; -1 on a read error (*ioerr); PCAPNG_AGAIN when a signal cut a
 * read short (what was gathered stays gathered).
 */
static ssize_t
pcapng_window(struct pcapng_reader *r, size_t need, int *ioerr)
{
	size_t	k;
	int	rc;

	if (r->glen == 0 && (size_t)(r->cend - r->cp) >= need) {
		r->b = r->cp;
		return ((ssize_t)need);
	}
	while (r->glen < need) {
		if (r->cp == r->cend) {
			if ((rc = pcapng_chunk(r, ioerr)) == 1)
				continue;
			if (rc != 0)
				return (rc);
			break;		/* the end: fewer than need */
		}
		k = need - r->glen;
		if (k > (size_t)(r->cend - r->cp))
			k = (size_t)(r->cend - r->cp);
		memcpy(r->buf + r->glen, r->cp, k);
		r->glen += k;
		r->cp += k;
	}
	r->b = r->buf;
	return ((ssize_t)(r->glen < need ? r->glen : need));
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

	major = pcapng_get16(r, r->b + 12);
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
	ifc.linktype = pcapng_get16(r, r->b + 8);
	ifc.snaplen = pcapng_get32(r, r->b + 12);
	ifc.units = 1000000;		/* default resolution: microseconds */
	ifc.exp = 6;
	if (pcapng_idb_options(r, &ifc, r->b + 16, len - PCAPNG_IDB_MIN,
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
	pkt->data = r->b + off;
	pkt->caplen = caplen;
	pkt->wirelen = wirelen;
	pkt->ifindex = ifid;
	pkt->linktype = r->ifaces[ifid].linktype;
	if (tsword != 0) {
		ticks = (uint64_t)pcapng_get32(r, r->b + tsword) << 32 |
		    pcapng_get32(r, r->b + tsword + 4);
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
	ssize_t		 got;
	uint8_t		*nbuf;
	int		 ioerr = 0;

	if (r->failed)
		return (pcapng_fail(r, errbuf, errlen,
		    "reader already failed"));
	for (;;) {
		start = r->offset;
		if ((got = pcapng_window(r, 8, &ioerr)) < 0) {
			if (got == PCAPNG_AGAIN)
				return (PCAPNG_AGAIN);
			return (pcapng_fail(r, errbuf, errlen, "read error: %s",
			    strerror(ioerr)));
		}
		if (got == 0 && r->in_section)
			return (0);
		if (got == 0)
			return (pcapng_fail(r, errbuf, errlen, "empty file"));
		if (got < 8)
			return (pcapng_fail(r, errbuf, errlen,
			    "truncated block header at offset %" PRIu64
			    " (%zd of 8 bytes)", start, got));
		memcpy(&type, r->b, sizeof(type));
		if (type == PCAPNG_SHB_TYPE) {
			/* The byte-order magic follows the length and tells
			 * how to read it. */
			if ((got = pcapng_window(r, 12, &ioerr)) < 0) {
				if (got == PCAPNG_AGAIN)
					return (PCAPNG_AGAIN);
				return (pcapng_fail(r, errbuf, errlen,
				    "read error: %s", strerror(ioerr)));
			}
			if (got < 12)
				return (pcapng_fail(r, errbuf, errlen,
				    "truncated section header at offset %"
				    PRIu64, start));
			memcpy(&bom, r->b + 8, sizeof(bom));
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
		type = pcapng_get32(r, r->b);
		len = pcapng_get32(r, r->b + 4);
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
		if ((got = pcapng_window(r, len, &ioerr)) < 0) {
			if (got == PCAPNG_AGAIN)
				return (PCAPNG_AGAIN);
			return (pcapng_fail(r, errbuf, errlen, "read error: %s",
			    strerror(ioerr)));
		}
		if ((size_t)got < len)
			return (pcapng_fail(r, errbuf, errlen,
			    "truncated block (type 0x%08x, %u bytes) at "
			    "offset %" PRIu64 ": only %zd bytes left", type,
			    len, start, got));
		/* The block is whole: step over it (it stays readable). */
		if (r->glen == 0)
			r->cp += len;
		r->glen = 0;
		r->offset = start + len;
		if (pcapng_get32(r, r->b + len - 4) != len)
			return (pcapng_fail(r, errbuf, errlen,
			    "block at offset %" PRIu64 " has trailing length "
			    "%u, not %u", start,
			    pcapng_get32(r, r->b + len - 4), len));

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
			    pcapng_get32(r, r->b + 8),
			    pcapng_get32(r, r->b + 20),
			    pcapng_get32(r, r->b + 24), 12, errbuf, errlen));
		case PCAPNG_PB_TYPE:
			if (len < PCAPNG_PB_MIN)
				break;
			return (pcapng_packet_at(r, pkt, len, 28,
			    pcapng_get16(r, r->b + 8),
			    pcapng_get32(r, r->b + 20),
			    pcapng_get32(r, r->b + 24), 12, errbuf, errlen));
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
			caplen = pcapng_get32(r, r->b + 8);
			room = len - PCAPNG_SPB_MIN;
			if (caplen > room)
				caplen = room;
			if (r->ifaces[0].snaplen != 0 &&
			    caplen > r->ifaces[0].snaplen)
				caplen = r->ifaces[0].snaplen;
			return (pcapng_packet_at(r, pkt, len, 12, 0, caplen,
			    pcapng_get32(r, r->b + 8), 0, errbuf, errlen));
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
