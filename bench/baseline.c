/*
 * baseline: the bare libpcap read loop that portclass is measured against.
 *
 * It opens a capture file the way portclass does (libpcap, nanosecond
 * timestamps) and only counts: frames, wire bytes and captured bytes.  The
 * totals are printed at the end so the compiler cannot drop the loop.  This
 * is the floor for any program that reads a file through libpcap; the
 * benchmark reports portclass's time as a multiple of it.
 *
 * Usage: baseline [-b BYTES] [-m loop|dispatch|next] [-p nano|micro] FILE
 *        baseline -V
 *   -b  open the file with fopen() and give its stdio stream a page-aligned
 *       buffer of BYTES (setvbuf), as portclass does, before handing it to
 *       pcap_fopen_offline(); without -b libpcap opens the file itself,
 *       with stdio's default buffer.
 *   -m  which libpcap read call to use (default loop, as portclass does);
 *       "next" is the pcap_next_ex() loop, a little slower per packet.
 *   -p  timestamp precision asked of libpcap (default nano, as portclass).
 *   -V  print libpcap's version string and exit.
 *
 * Built by bench/run.sh with cc -O2; not part of the product.
 */

/* libpcap's headers use the BSD u_char/u_int types. */
#define _DEFAULT_SOURCE

#include <pcap/pcap.h>

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

static void
baseline_usage(void)
{
	fprintf(stderr,
	    "usage: baseline [-b BYTES] [-m loop|dispatch|next] "
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
	memset(&bc, 0, sizeof(bc));
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
	printf("frames %llu wire %llu captured %llu touch %u\n",
	    (unsigned long long)bc.frames, (unsigned long long)bc.wire,
	    (unsigned long long)bc.cap, (unsigned)bc.touch);
	return (0);
}
