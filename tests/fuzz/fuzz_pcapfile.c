/*
 * fuzz_pcapfile.c - libFuzzer harness for the classic pcap reader, checked
 * against libpcap.
 *
 * The input is a capture file, read from memory by pcapfile.c and, through
 * fmemopen(), by libpcap.  Whatever the bytes: every frame must lie inside
 * the input, no longer than the snapshot length; and where our reader
 * takes the file, it must hand out the frames libpcap does, with the same
 * lengths and bytes, and fail where libpcap fails.  (Timestamps are left
 * out: libpcap 1.10 sign-extends them in a host-order file, the format and
 * our reader do not; test_pcapfile.c covers them.)
 */
#define _GNU_SOURCE		/* fmemopen() */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "portclass/pcapfile.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char			 why[256], perr[PCAP_ERRBUF_SIZE];
	struct pcapfile_reader	*r;
	struct pcapfile_info	 info;
	struct pcapfile_packet	 pkt;
	struct pcap_pkthdr	*h;
	const u_char		*d;
	pcap_t			*ref;
	FILE			*fp;
	int			 rc, rrc;

	if ((r = pcapfile_open_mem(data, size)) == NULL)
		return (0);
	(void)pcapfile_header(data, size, &info);
	/* fmemopen() of zero bytes fails; the header makes size >= 24. */
	fp = fmemopen((void *)(uintptr_t)data, size, "rb");
	ref = fp != NULL ? pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_NANO, perr) : NULL;
	if (ref == NULL) {
		/* A header we take, libpcap must take too. */
		if (fp != NULL)
			abort();
		pcapfile_close(r);
		return (0);
	}
	for (;;) {
		rc = pcapfile_next(r, &pkt, why, sizeof(why));
		rrc = pcap_next_ex(ref, &h, &d);
		if (rc != 1)
			break;
		if (pkt.data < data || pkt.caplen > info.snaplen ||
		    pkt.caplen > size ||
		    pkt.data + pkt.caplen > data + size)
			abort();
		if (rrc != 1 || h->caplen != pkt.caplen ||
		    h->len != pkt.wirelen ||
		    memcmp(d, pkt.data, pkt.caplen) != 0)
			abort();
	}
	/* The same end: 0 with libpcap's end of file, -1 with its error. */
	if ((rc == 0 && rrc != PCAP_ERROR_BREAK) ||
	    (rc == -1 && rrc != PCAP_ERROR) || (rc != 0 && rc != -1))
		abort();
	pcap_close(ref);	/* closes fp */
	pcapfile_close(r);
	return (0);
}
