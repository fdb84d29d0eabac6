/*
 * pcapfile.c - classic pcap records, parsed where they lie (pcapfile.h).
 *
 * The reader holds one block at a time: [p, end) is what is left of it.
 * A record that lies whole in the block is handed out in place; that is
 * the path nearly every frame takes, and it is short enough to inline.
 * A record cut by the end of the block is gathered in carry: its header,
 * then the captured bytes up to the snapshot length, then whatever lies
 * beyond that is stepped over, each part taken from as many blocks as it
 * spans.  carry is used only once the block is used up, so "clen > 0"
 * always means "p == end".  The gathering state lives in the reader, so
 * a read cut short by a signal resumes where it stopped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/pcapfile.h"
#include "portclass/readahead.h"
#include "portclass/xmalloc.h"

#define PCAPFILE_MAGIC_US	0xa1b2c3d4U	/* microsecond timestamps */
#define PCAPFILE_MAGIC_NS	0xa1b23c4dU	/* nanosecond timestamps */
#define PCAPFILE_LT_MASK	0x03ffffffU	/* link type, FCS bits off */

struct pcapfile_reader {
	const uint8_t		*p;		/* next unread byte of the block */
	const uint8_t		*end;
	const uint8_t		*blk;		/* the block's first byte */
	long long		 blkoff;	/* and its file offset */

	struct readahead	*ra;		/* NULL: memory */
	const uint8_t		*mem;
	size_t			 memlen;

	struct pcapfile_info	 info;

	/* A record that straddles blocks, gathered here. */
	uint8_t			*carry;		/* 16 + PCAPFILE_CAPMAX */
	size_t			 clen;		/* bytes in carry */
	uint32_t		 caplen;	/* once the header is whole */
	uint32_t		 keep;		/* caplen cut to snaplen */
	uint32_t		 skip;		/* bytes past keep left to skip */
	long long		 recoff;	/* file offset of that record */

	int			 failed;
};

static uint32_t	pcapfile_get32(const struct pcapfile_reader *,
		    const uint8_t *);
static void	pcapfile_fill(const struct pcapfile_reader *,
		    struct pcapfile_packet *, const uint8_t *, uint32_t);
static int	pcapfile_fetch(struct pcapfile_reader *, char *, size_t);
static int	pcapfile_fail(struct pcapfile_reader *, char *, size_t,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
static int	pcapfile_caplen_ok(struct pcapfile_reader *, uint32_t,
		    long long, char *, size_t);
static int	pcapfile_slow(struct pcapfile_reader *,
		    struct pcapfile_packet *, char *, size_t);

static inline uint32_t
pcapfile_get32(const struct pcapfile_reader *r, const uint8_t *b)
{
	uint32_t	v;

	memcpy(&v, b, sizeof(v));
	return (r->info.swapped ? __builtin_bswap32(v) : v);
}

int
pcapfile_header(const uint8_t *buf, size_t len, struct pcapfile_info *info)
{
	struct pcapfile_reader	r;	/* only for its byte order */
	uint32_t		m, lt;
	uint16_t		major, minor;

	if (len < PCAPFILE_HDRLEN)
		return (0);
	memset(&r, 0, sizeof(r));
	memcpy(&m, buf, sizeof(m));
	if (m == PCAPFILE_MAGIC_US || m == PCAPFILE_MAGIC_NS)
		r.info.swapped = 0;
	else if (__builtin_bswap32(m) == PCAPFILE_MAGIC_US ||
	    __builtin_bswap32(m) == PCAPFILE_MAGIC_NS) {
		r.info.swapped = 1;
		m = __builtin_bswap32(m);
	} else
		return (0);	/* pcapng, a patched magic, or not pcap */
	r.info.nano = m == PCAPFILE_MAGIC_NS;

	memcpy(&major, buf + 4, sizeof(major));
	memcpy(&minor, buf + 6, sizeof(minor));
	if (r.info.swapped) {
		major = __builtin_bswap16(major);
		minor = __builtin_bswap16(minor);
	}
	/* Older versions may swap caplen and len: libpcap guesses. */
	if (major != 2 || minor != 4)
		return (0);

	lt = pcapfile_get32(&r, buf + 20) & PCAPFILE_LT_MASK;
	switch (lt) {
	case 189:	/* USB_LINUX: libpcap rewrites its header */
	case 220:	/* USB_LINUX_MMAPPED */
	case 231:	/* DBUS: records up to 128 MiB */
	case 249:	/* USBPCAP: up to 1 MiB */
	case 279:	/* EBHSCR: up to 8 MiB */
		return (0);
	case 113:	/* LINUX_SLL, with SocketCAN ids in host order */
	case 117:	/* PFLOG, whose header is in host order */
	case 239:	/* NFLOG, whose TLV lengths are in host order */
	case 276:	/* LINUX_SLL2 */
		if (r.info.swapped)
			return (0);
		break;
	default:
		break;
	}
	r.info.linktype = lt;
	r.info.snaplen = pcapfile_get32(&r, buf + 16);
	/* As libpcap: no snapshot length, or an absurd one, is the most. */
	if (r.info.snaplen == 0 || r.info.snaplen > PCAPFILE_CAPMAX)
		r.info.snaplen = PCAPFILE_CAPMAX;
	*info = r.info;
	return (1);
}

static struct pcapfile_reader *
pcapfile_alloc(const struct pcapfile_info *info)
{
	struct pcapfile_reader	*r;

	r = xcalloc(1, sizeof(*r));
	r->info = *info;
	r->blkoff = PCAPFILE_HDRLEN;
	return (r);
}

struct pcapfile_reader *
pcapfile_open(const struct pcapfile_info *info, struct readahead *ra)
{
	struct pcapfile_reader	*r;

	r = pcapfile_alloc(info);
	r->ra = ra;
	return (r);
}

struct pcapfile_reader *
pcapfile_open_mem(const uint8_t *buf, size_t len)
{
	struct pcapfile_info	 info;
	struct pcapfile_reader	*r;

	if (!pcapfile_header(buf, len, &info))
		return (NULL);
	r = pcapfile_alloc(&info);
	r->mem = buf + PCAPFILE_HDRLEN;
	r->memlen = len - PCAPFILE_HDRLEN;
	return (r);
}

void
pcapfile_close(struct pcapfile_reader *r)
{
	if (r == NULL)
		return;
	free(r->carry);
	free(r);
}

long long
pcapfile_tell(const struct pcapfile_reader *r)
{
	return (r->blkoff + (long long)(r->p - r->blk));
}

static int
pcapfile_fail(struct pcapfile_reader *r, char *why, size_t whylen,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	r->failed = 1;
	return (-1);
}

/*
 * The next block into [p, end): 1, 0 at the end of input, -1 on a read
 * error (reason in why), PCAPFILE_AGAIN when a signal cut the wait.
 */
static int
pcapfile_fetch(struct pcapfile_reader *r, char *why, size_t whylen)
{
	const uint8_t	*b;
	ssize_t		 n;

	if (r->ra == NULL) {
		if (r->mem == NULL)
			return (0);
		b = r->mem;
		n = (ssize_t)r->memlen;
		r->mem = NULL;
		if (n == 0)
			return (0);
	} else if ((n = readahead_next(r->ra, &b)) <= 0) {
		if (n == READAHEAD_AGAIN)
			return (PCAPFILE_AGAIN);
		if (n == 0)
			return (0);
		return (pcapfile_fail(r, why, whylen, "read error: %s",
		    strerror(errno)));
	}
	r->blkoff += (long long)(r->end - r->blk);
	r->blk = r->p = b;
	r->end = b + n;
	return (1);
}

/* libpcap's limit on a record, whatever the file's snapshot length. */
static int
pcapfile_caplen_ok(struct pcapfile_reader *r, uint32_t caplen, long long off,
    char *why, size_t whylen)
{
	if (caplen <= PCAPFILE_CAPMAX)
		return (1);
	pcapfile_fail(r, why, whylen, "the record at byte %lld claims %u "
	    "captured bytes, more than the %u a capture may hold", off,
	    caplen, PCAPFILE_CAPMAX);
	return (0);
}

/* pkt from the record header h, its data at d, keep bytes of it. */
static inline void
pcapfile_fill(const struct pcapfile_reader *r, struct pcapfile_packet *pkt,
    const uint8_t *h, uint32_t keep)
{
	uint64_t	frac;

	pkt->data = h + PCAPFILE_RECLEN;
	pkt->caplen = keep;
	pkt->wirelen = pcapfile_get32(r, h + 12);
	/*
	 * Unsigned 32-bit fields, as the format has them and libpcap 1.10
	 * reads them from a byte-swapped file.  (From a file in host order
	 * it sign-extends them, past 2038 or with a garbled fraction; we do
	 * not copy that.)
	 */
	pkt->ts_sec = pcapfile_get32(r, h);
	frac = pcapfile_get32(r, h + 4);
	pkt->ts_frac = r->info.nano ? frac : frac * 1000;
}

int
pcapfile_next(struct pcapfile_reader *r, struct pcapfile_packet *pkt,
    char *why, size_t whylen)
{
	const uint8_t	*h = r->p;
	size_t		 left = (size_t)(r->end - h);
	uint32_t	 caplen;

	/* The common case: the whole record is in this block. */
	if (left >= PCAPFILE_RECLEN) {
		caplen = pcapfile_get32(r, h + 8);
		if (caplen <= r->info.snaplen &&
		    caplen <= left - PCAPFILE_RECLEN) {
			pcapfile_fill(r, pkt, h, caplen);
			r->p = h + PCAPFILE_RECLEN + caplen;
			return (1);
		}
	}
	return (pcapfile_slow(r, pkt, why, whylen));
}

/*
 * Everything else: a record longer than the snapshot length, one that
 * straddles blocks, the end of a block or of the file, and errors.
 */
static int
pcapfile_slow(struct pcapfile_reader *r, struct pcapfile_packet *pkt,
    char *why, size_t whylen)
{
	size_t		left, k;
	uint32_t	caplen, keep;
	int		rc;

	if (r->failed)
		return (pcapfile_fail(r, why, whylen, "reading stopped at an "
		    "earlier error"));
	for (;;) {
		left = (size_t)(r->end - r->p);
		if (r->clen == 0 && left >= PCAPFILE_RECLEN) {
			/* A header in the block: whole record here? */
			caplen = pcapfile_get32(r, r->p + 8);
			if (!pcapfile_caplen_ok(r, caplen, pcapfile_tell(r),
			    why, whylen))
				return (-1);
			keep = caplen < r->info.snaplen ? caplen :
			    r->info.snaplen;
			if (caplen <= left - PCAPFILE_RECLEN) {
				pcapfile_fill(r, pkt, r->p, keep);
				r->p += PCAPFILE_RECLEN + caplen;
				return (1);
			}
		}
		if (r->clen == 0 && left > 0) {
			/* Gather a record that runs past the block. */
			if (r->carry == NULL)
				r->carry = xmalloc(PCAPFILE_RECLEN +
				    PCAPFILE_CAPMAX);
			r->recoff = pcapfile_tell(r);
			r->skip = 0;
		}

		if (left > 0 && r->clen < PCAPFILE_RECLEN) {
			k = PCAPFILE_RECLEN - r->clen;
			k = k < left ? k : left;
			memcpy(r->carry + r->clen, r->p, k);
			r->clen += k;
			r->p += k;
			left -= k;
			if (r->clen == PCAPFILE_RECLEN) {
				caplen = pcapfile_get32(r, r->carry + 8);
				if (!pcapfile_caplen_ok(r, caplen, r->recoff,
				    why, whylen))
					return (-1);
				r->caplen = caplen;
				r->keep = caplen < r->info.snaplen ? caplen :
				    r->info.snaplen;
				r->skip = caplen - r->keep;
			}
		}
		if (left > 0 && r->clen >= PCAPFILE_RECLEN &&
		    r->clen < PCAPFILE_RECLEN + r->keep) {
			k = PCAPFILE_RECLEN + r->keep - r->clen;
			k = k < left ? k : left;
			memcpy(r->carry + r->clen, r->p, k);
			r->clen += k;
			r->p += k;
			left -= k;
		}
		if (left > 0 && r->clen == PCAPFILE_RECLEN + r->keep &&
		    r->skip > 0) {
			k = r->skip < left ? r->skip : left;
			r->p += k;
			r->skip -= (uint32_t)k;
			left -= k;
		}
		if (r->clen > 0 && r->clen == PCAPFILE_RECLEN + r->keep &&
		    r->skip == 0) {
			pcapfile_fill(r, pkt, r->carry, r->keep);
			r->clen = 0;
			return (1);
		}
		if (left > 0)
			continue;	/* a header starts in what is left */

		if ((rc = pcapfile_fetch(r, why, whylen)) == 1)
			continue;
		if (rc != 0)
			return (rc);
		/* The end of the file. */
		if (r->clen == 0)
			return (0);
		if (r->clen < PCAPFILE_RECLEN)
			return (pcapfile_fail(r, why, whylen, "truncated: the "
			    "record at byte %lld has %zu of its %d header "
			    "bytes", r->recoff, r->clen, PCAPFILE_RECLEN));
		return (pcapfile_fail(r, why, whylen, "truncated: the record "
		    "at byte %lld has %zu of its %u captured bytes",
		    r->recoff, r->clen - PCAPFILE_RECLEN + (r->caplen -
		    r->keep - r->skip), r->caplen));
	}
}
