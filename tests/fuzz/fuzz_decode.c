/*
 * fuzz_decode.c - libFuzzer harness for decode_frame().
 *
 * The first input byte picks a link type from fuzz_dlts[] (every type the
 * decoder knows, plus one it does not); the rest is the frame.  The frame
 * is copied into a buffer of exactly its size so that AddressSanitizer
 * catches a read of even one byte past caplen, and the result is checked
 * against the promises decode.h makes (a failed decode looks like no
 * ports, caps hold, ...): a broken promise aborts, which the fuzzer reports
 * like a crash.
 *
 * Linked with replay.c instead of libFuzzer, the same harness runs each
 * seed of the corpus once under ctest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/decode.h"
#include "portclass/proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const int fuzz_dlts[] = {
	PC_DLT_EN10MB, PC_DLT_LINUX_SLL, PC_DLT_LINUX_SLL2, PC_DLT_RAW,
	PC_DLT_RAW_BSDOS, PC_DLT_LINKTYPE_RAW, PC_DLT_IPV4, PC_DLT_IPV6,
	PC_DLT_NULL, PC_DLT_LOOP, PC_DLT_PPP, PC_DLT_PPP_SERIAL,
	PC_DLT_PPP_ETHER, PC_DLT_NFLOG,
	105			/* IEEE 802.11: must be DECODE_UNSUPPORTED */
};
#define FUZZ_NDLTS	(sizeof(fuzz_dlts) / sizeof(fuzz_dlts[0]))

/* Abort on a broken promise of decode.h. */
static void
fuzz_check(int dlt, enum decode_result rv, const struct pkt_info *pi)
{
	if ((rv == DECODE_UNSUPPORTED) != !decode_link_supported(dlt))
		abort();
	if (pi->ip_layers > DECODE_MAX_TUNNEL + 1)
		abort();
	if (pi->ipver != 0 && pi->ipver != 4 && pi->ipver != 6)
		abort();
	if (rv != DECODE_OK) {
		if (rv != DECODE_TRUNCATED && rv != DECODE_MALFORMED &&
		    rv != DECODE_UNSUPPORTED)
			abort();
		if (pi->kind != PKT_NON_IP || pi->sport != 0 ||
		    pi->dport != 0 || pi->proto != 0 || pi->flags != 0)
			abort();
		return;
	}
	if (pi->kind > PKT_FRAGMENT)
		abort();
	if (pi->kind == PKT_PORTS) {
		if (pi->proto >= PC_PROTO_COUNT || pi->ip_layers == 0 ||
		    pi->ipver == 0)
			abort();
	} else if (pi->sport != 0 || pi->dport != 0 || pi->flags != 0)
		abort();
	if ((pi->kind == PKT_FRAGMENT || pi->kind == PKT_OTHER_IP ||
	    pi->kind == PKT_ICMP || pi->kind == PKT_ICMPV6) &&
	    pi->ip_layers == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt_info		 pi;
	enum decode_result	 rv;
	uint8_t			*frame;
	size_t			 len;
	int			 dlt;

	if (size < 1)
		return (0);
	dlt = fuzz_dlts[data[0] % FUZZ_NDLTS];
	len = size - 1;
	/* Exactly len bytes: no slack for an over-read to hide in. */
	if ((frame = malloc(len > 0 ? len : 1)) == NULL)
		return (0);
	memcpy(frame, data + 1, len);
	rv = decode_frame(dlt, frame, len, &pi);
	fuzz_check(dlt, rv, &pi);
	/* The one-step path must agree with the layered one, field by field. */
	{
		struct pkt_info		 gi;
		enum decode_result	 grv;

		grv = decode_frame_general(dlt, frame, len, &gi);
		if (grv != rv || memcmp(&gi, &pi, sizeof(gi)) != 0)
			abort();
	}
	free(frame);
	return (0);
}
