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
 * Built with -DPORTCLASS_FUZZ_REPLAY the same file is a plain program that
 * feeds each file named on the command line (or each file in a named
 * directory) through the harness once, so the seed corpus runs in ctest
 * without libFuzzer.
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
	free(frame);
	return (0);
}

#ifdef PORTCLASS_FUZZ_REPLAY
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>

#define FUZZ_MAX_INPUT	(1 << 20)

/* Feed one file through the harness; -1 if it cannot be read. */
static int
fuzz_replay_file(const char *path)
{
	static uint8_t	 buf[FUZZ_MAX_INPUT];
	FILE		*f;
	size_t		 n;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return (-1);
	}
	n = fread(buf, 1, sizeof(buf), f);
	if (ferror(f)) {
		perror(path);
		fclose(f);
		return (-1);
	}
	fclose(f);
	(void)LLVMFuzzerTestOneInput(buf, n);
	return (0);
}

/* A directory's regular files, in readdir() order; -1 on any failure. */
static int
fuzz_replay_dir(const char *dir, int *count)
{
	char		 path[4096];
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL) {
		perror(dir);
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path))
			continue;
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (fuzz_replay_file(path) == -1)
			rc = -1;
		(*count)++;
	}
	closedir(d);
	return (rc);
}

int
main(int argc, char **argv)
{
	struct stat	st;
	int		i, count = 0, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: fuzz_decode_replay file|dir ...\n");
		return (2);
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (fuzz_replay_dir(argv[i], &count) == -1)
				rc = 1;
		} else {
			if (fuzz_replay_file(argv[i]) == -1)
				rc = 1;
			count++;
		}
	}
	printf("fuzz_decode_replay: %d inputs, no failures\n", count);
	if (count == 0)
		rc = 1;		/* an empty corpus proves nothing */
	return (rc);
}
#endif /* PORTCLASS_FUZZ_REPLAY */
