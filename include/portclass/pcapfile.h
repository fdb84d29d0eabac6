/*
 * pcapfile.h - a reader for classic pcap capture files that hands out each
 * frame where it lies in the block read from the file.
 *
 * Part of the capture module.  libpcap's own reader copies every record
 * twice more after the kernel's read(2) (into stdio's buffer, then into
 * its packet buffer, with a call per header and per frame); for minimum
 * size frames that was most of portclass's time.  This reader parses the
 * records in the 1 MiB blocks of readahead.h and copies only a record that
 * straddles two blocks.  It takes the files whose every byte it reads the
 * way libpcap 1.10 does (pcapfile_header() says which); capture.c hands
 * the rest to libpcap.  tests/test_capture.c compares the two frame by
 * frame on every capture we have.
 *
 * Format: pcap-savefile(5); draft-ietf-opsawg-pcap.  Every length is
 * checked before it is used; a record larger than PCAPFILE_CAPMAX is an
 * error, as in libpcap, and one larger than the file's snapshot length is
 * cut to it.
 */
#ifndef PORTCLASS_PCAPFILE_H
#define PORTCLASS_PCAPFILE_H

#include <stddef.h>
#include <stdint.h>

struct readahead;

#define PCAPFILE_HDRLEN		24	/* file header */
#define PCAPFILE_RECLEN		16	/* record header */
#define PCAPFILE_CAPMAX		262144	/* libpcap's MAXIMUM_SNAPLEN */
#define PCAPFILE_AGAIN		(-2)	/* pcapfile_next(): interrupted */

/* What the file header says, in host terms. */
struct pcapfile_info {
	uint32_t	linktype;	/* LINKTYPE_ value, FCS bits removed */
	uint32_t	snaplen;	/* 1..PCAPFILE_CAPMAX, as libpcap adjusts */
	int		nano;		/* nanosecond timestamps */
	int		swapped;	/* not in host byte order */
};

/* One frame; data is valid until the next call into the reader. */
struct pcapfile_packet {
	const uint8_t	*data;
	uint32_t	 caplen;	/* at most the snapshot length */
	uint32_t	 wirelen;
	int64_t		 ts_sec;	/* 0..2^32-1, as libpcap reads it */
	uint64_t	 ts_frac;	/* nanoseconds, as stored: unchecked */
};

struct pcapfile_reader;

/*
 * Read the first len bytes of a file: 1 with *info filled if they are the
 * header of a classic pcap file this reader takes (the usual magic, micro-
 * or nanosecond, either byte order, version 2.4, and a link type whose
 * records libpcap hands over as stored); 0 otherwise, for libpcap to read
 * or refuse.  Link types libpcap rewrites (Linux USB, and the pseudo
 * headers of a byte-swapped SLL, SLL2, PFLOG or NFLOG file) or lets grow
 * past PCAPFILE_CAPMAX (D-Bus, EBHSCR, USBPcap) are left to it.
 */
int			 pcapfile_header(const uint8_t *buf, size_t len,
			    struct pcapfile_info *info);

/*
 * Records from ra, which the caller keeps owning (and frees after
 * pcapfile_close); the file header was already read from it.  Never NULL.
 */
struct pcapfile_reader	*pcapfile_open(const struct pcapfile_info *,
			    struct readahead *ra);

/*
 * A whole file in memory (header included), which the caller keeps
 * alive.  NULL if pcapfile_header() does not take it.
 */
struct pcapfile_reader	*pcapfile_open_mem(const uint8_t *buf, size_t len);

/*
 * The next frame: 1 with *pkt filled, 0 at the end of the file (between
 * records), -1 with a one-line reason (no file name) in why, or
 * PCAPFILE_AGAIN if a signal cut a read short: nothing is lost, call
 * again.  After -1 it keeps returning -1.
 */
int			 pcapfile_next(struct pcapfile_reader *,
			    struct pcapfile_packet *pkt, char *why,
			    size_t whylen);

/* File offset of the next record (for a progress line). */
long long		 pcapfile_tell(const struct pcapfile_reader *);

void			 pcapfile_close(struct pcapfile_reader *);

#endif /* PORTCLASS_PCAPFILE_H */
