/*
 * baseline: the bare libpcap read loop that portclass is measured against.
 *
 * It opens a capture file the way portclass does (libpcap, nanosecond
 * timestamps) and only counts: frames, wire bytes and captured bytes.  The
 * totals are printed at the end so the compiler cannot drop the loop.  This
 * is the floor for any program that reads a file through libpcap; the
 * benchmark reports portclass's time as a multiple of it.
 *
 * Usage: baseline [-b BYTES] [-m loop|dispatch|next|read] [-p nano|micro] FILE
 *        baseline -V
 *   -b  open the file with fopen() and give its stdio stream a page-aligned
 *       buffer of BYTES (setvbuf), as portclass does, before handing it to
 *       pcap_fopen_offline(); without -b libpcap opens the file itself,
 *       with stdio's default buffer.
 *   -m  which libpcap read call to use (default loop); "next" is the
 *       pcap_next_ex() loop, a little slower per packet.  "read" uses no
 *       libpcap at all: read(2) into 256 KiB page-aligned blocks, as
 *       portclass's own reader does, and walk the records in place (host
 *       byte order only).  That is the floor for any reader of the file.
 *   -p  timestamp precision asked of libpcap (default nano, as portclass).
 *   -V  print libpcap's version string and exit.
 *
 * Built by bench/run.sh with cc -O2; not part of the product.
 */

/* libpcap's headers use the BSD u_char/u_int types. */
#define _DEFAULT_SOURCE

#include <pcap/pcap.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct baseline_count {
	uint64_t	frames;
	uint64_t	wire;
	uint64_t	cap;
	uint32_t	touch;	/* one byte of each frame, folded */
};

static void
baseline_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct baseline_count	*bc = (struct baseline_count *)(void *)user;

	bc->frames++;
	bc->wire += h->len;
	bc->cap += h->caplen;
	/*
	 * Touch the first byte so the frame is at least looked at, as any
	 * real reader must; libpcap has already copied it into its buffer.
	 */
	if (h->caplen > 0)
		bc->touch += bytes[0];
}

#define BASELINE_BLOCK	(256 * 1024)
#define BASELINE_RECMAX	(16 + 262144)

/*
 * -m read: the records of a host-order pcap file, walked in place in
 * blocks read with read(2).  A record cut by the end of a block is moved
 * to the front of the buffer and the block read after it.
 */
static int
baseline_read(const char *path, struct baseline_count *bc)
{
	uint8_t		*buf, hdr[24];
	size_t		 have = 0, off = 0, left;
	uint32_t	 magic, caplen, len;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1 ||
	    read(fd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr)) {
		perror(path);
		return (1);
	}
	memcpy(&magic, hdr, sizeof(magic));
	if (magic != 0xa1b2c3d4U && magic != 0xa1b23c4dU) {
		fprintf(stderr, "baseline: %s: not a host-order pcap file\n",
		    path);
		return (1);
	}
	if (posix_memalign((void **)&buf, 4096, BASELINE_BLOCK +
	    BASELINE_RECMAX) != 0)
		return (1);
	for (;;) {
		left = have - off;
		if (left >= 16) {
			memcpy(&caplen, buf + off + 8, 4);
			if (caplen > BASELINE_RECMAX - 16) {
				fprintf(stderr, "baseline: %s: bad record\n",
				    path);
				return (1);
			}
			if (left - 16 >= caplen) {
				memcpy(&len, buf + off + 12, 4);
				bc->frames++;
				bc->wire += len;
				bc->cap += caplen;
				if (caplen > 0)
					bc->touch += buf[off + 16];
				off += 16 + caplen;
				continue;
			}
		}
		memmove(buf, buf + off, left);
		have = left;
		off = 0;
		if ((n = read(fd, buf + have, BASELINE_BLOCK)) <= 0)
			break;
		have += (size_t)n;
	}
	free(buf);
	close(fd);
	if (n < 0 || have != 0) {
		fprintf(stderr, "baseline: %s: %s\n", path, n < 0 ?
		    "read error" : "truncated");
		return (1);
	}
	return (0);
}

static void
baseline_usage(void)
{
	fprintf(stderr,
	    "usage: baseline [-b BYTES] [-m loop|dispatch|next|read] "
	    "[-p nano|micro] FILE\n"
	    "       baseline -V\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	char			 errbuf[PCAP_ERRBUF_SIZE];
	struct baseline_count	 bc;
	struct pcap_pkthdr	*h;
	const u_char		*bytes;
	const char		*mode = "loop";
	void			*iobuf = NULL;
	size_t			 bufsize = 0;
	FILE			*fp;
	pcap_t			*p;
	u_int			 prec = PCAP_TSTAMP_PRECISION_NANO;
	int			 ch, rc;

	while ((ch = getopt(argc, argv, "b:m:p:V")) != -1) {
		switch (ch) {
		case 'b':
			bufsize = strtoul(optarg, NULL, 10);
			if (bufsize == 0)
				baseline_usage();
			break;
		case 'm':
			mode = optarg;
			break;
		case 'p':
			if (strcmp(optarg, "nano") == 0)
				prec = PCAP_TSTAMP_PRECISION_NANO;
			else if (strcmp(optarg, "micro") == 0)
				prec = PCAP_TSTAMP_PRECISION_MICRO;
			else
				baseline_usage();
			break;
		case 'V':
			printf("%s\n", pcap_lib_version());
			return (0);
		default:
			baseline_usage();
		}
	}
	if (optind + 1 != argc)
		baseline_usage();

	memset(&bc, 0, sizeof(bc));
	if (strcmp(mode, "read") == 0) {
		if (baseline_read(argv[optind], &bc) != 0)
			return (1);
		goto done;
	}
	errbuf[0] = '\0';
	if (bufsize > 0) {
		if ((fp = fopen(argv[optind], "rb")) == NULL ||
		    posix_memalign(&iobuf, 4096, bufsize) != 0) {
			perror(argv[optind]);
			return (1);
		}
		setvbuf(fp, iobuf, _IOFBF, bufsize);
		p = pcap_fopen_offline_with_tstamp_precision(fp, prec, errbuf);
	} else
		p = pcap_open_offline_with_tstamp_precision(argv[optind], prec,
		    errbuf);
	if (p == NULL) {
		fprintf(stderr, "baseline: %s\n", errbuf);
		return (1);
	}
	if (strcmp(mode, "loop") == 0)
		rc = pcap_loop(p, -1, baseline_cb, (u_char *)(void *)&bc);
	else if (strcmp(mode, "dispatch") == 0) {
		/* A savefile dispatch with -1 reads to the end in one call. */
		while ((rc = pcap_dispatch(p, -1, baseline_cb,
		    (u_char *)(void *)&bc)) > 0)
			;
	} else if (strcmp(mode, "next") == 0) {
		while ((rc = pcap_next_ex(p, &h, &bytes)) == 1)
			baseline_cb((u_char *)(void *)&bc, h, bytes);
		if (rc == PCAP_ERROR_BREAK)
			rc = 0;
	} else
		baseline_usage();
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "baseline: %s\n", pcap_geterr(p));
		pcap_close(p);
		return (1);
	}
	pcap_close(p);	/* closes fp too */
	free(iobuf);
done:
	printf("frames %llu wire %llu captured %llu touch %u\n",
	    (unsigned long long)bc.frames, (unsigned long long)bc.wire,
	    (unsigned long long)bc.cap, (unsigned)bc.touch);
	return (0);
}
