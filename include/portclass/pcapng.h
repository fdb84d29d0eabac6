/*
 * pcapng.h - a small, strict reader for pcapng capture files.
 *
 * Part of the capture module: capture.c uses it for every pcapng file
 * because libpcap 1.10 refuses files whose interfaces differ in link type,
 * and because it parses blocks in place in the chunks of readahead.h.
 * It knows nothing of libpcap: it hands out frames with the LINKTYPE_ value
 * of their interface and leaves mapping to DLT values and BPF filtering to
 * capture.c.  It is public only so that tests and fuzz harnesses can drive
 * it from memory (pcapng_parse_buffer); other modules use capture.h.
 *
 * Format: draft-ietf-opsawg-pcapng (section header, interface description,
 * enhanced packet, simple packet and the obsolete packet block).  Every
 * length in the file is checked before it is used; blocks larger than
 * PCAPNG_BLOCK_MAX are refused rather than allocated.
 */
#ifndef PORTCLASS_PCAPNG_H
#define PORTCLASS_PCAPNG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCAPNG_SHB_TYPE		0x0A0D0D0AU	/* same in both byte orders */
#define PCAPNG_BLOCK_MAX	(16U * 1024 * 1024)
#define PCAPNG_IFACES_MAX	65536		/* per section */
#define PCAPNG_AGAIN		(-2)	/* pcapng_next(): interrupted */

/* One frame; data is valid until the next call into the reader. */
struct pcapng_packet {
	const uint8_t	*data;
	uint32_t	 caplen;
	uint32_t	 wirelen;
	uint32_t	 linktype;	/* LINKTYPE_ value of the interface */
	uint32_t	 ifindex;	/* interface number within its section */
	int64_t		 ts_sec;
	uint32_t	 ts_nsec;
};

struct pcapng_reader;
struct readahead;

/*
 * Read pcapng from the blocks of ra, which the caller keeps owning (and
 * frees after pcapng_close).  The first prefixlen (at most 8) bytes of the
 * file were already read by the caller, who passes them back in prefix;
 * this lets a pipe be sniffed for its magic first.  Never NULL.
 */
struct pcapng_reader	*pcapng_open(struct readahead *ra,
			    const uint8_t *prefix, size_t prefixlen);

/* Read pcapng from memory; the caller keeps buf alive.  Never NULL. */
struct pcapng_reader	*pcapng_open_mem(const uint8_t *buf, size_t len);

/*
 * Fetch the next frame.  Returns 1 with *pkt filled, 0 at a clean end of
 * input (between blocks), -1 with a one-line reason (no file name) in
 * errbuf, or PCAPNG_AGAIN if a signal cut a read short: nothing is lost,
 * call again.  After -1 the reader keeps returning -1.  Allocates only when a
 * block is larger than any seen before or a new interface is described.
 */
int			 pcapng_next(struct pcapng_reader *,
			    struct pcapng_packet *pkt, char *errbuf,
			    size_t errlen);

/* Frees the reader; does not close the stream. */
void			 pcapng_close(struct pcapng_reader *);

/*
 * Convenience entry point for fuzzing and tests: parse len bytes of pcapng
 * and call cb for each frame.  Returns the number of frames delivered, or
 * -1 after the frames before the damage, with a reason in errbuf.
 */
long			 pcapng_parse_buffer(const uint8_t *buf, size_t len,
			    void (*cb)(void *, const struct pcapng_packet *),
			    void *ctx, char *errbuf, size_t errlen);

#endif /* PORTCLASS_PCAPNG_H */
