/*
 * fuzz_capture.c - libFuzzer harness for whole-capture processing.
 *
 * The input is a capture file: it is put in an anonymous memory file and
 * read by the real capture module (libpcap for pcap, the project's own
 * reader for pcapng), and every frame goes through the real engine:
 * decode, service-port rule with a small flow cache (so eviction runs),
 * counters and one-second interval cuts on whatever timestamps the input
 * holds.  Whatever the bytes, nothing may read out of bounds, crash, hang
 * or leak.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "portclass/capture.h"
#include "portclass/engine.h"
#include "portclass/log.h"
#include "portclass/registry.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fuzz_ctx {
	struct engine	*eng;
	uint64_t	 frames;
};

static struct registry	*fuzz_reg;

static void
fuzz_frame(void *arg, const struct capture_frame *f)
{
	struct fuzz_ctx	*ctx = arg;

	if (f->caplen > 0 && f->data == NULL)
		abort();
	ctx->frames++;
	engine_frame(ctx->eng, f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct engine_config	 ec;
	struct fuzz_ctx		 ctx;
	struct capture		*cap;
	char			 path[64], errbuf[PC_ERRBUF_SIZE];
	int			 fd;

	if (fuzz_reg == NULL) {
		fuzz_reg = registry_new();
		if (registry_load_default(fuzz_reg, errbuf) == -1)
			abort();
	}
	if ((fd = memfd_create("fuzz-capture", 0)) == -1)
		return (0);
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return (0);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(&ec, 0, sizeof(ec));
	ec.reg = fuzz_reg;
	ec.flow_cap = 64;	/* small, so eviction is exercised too */
	ec.listener_cap = 64;	/* likewise, and cheap to make per input */
	ec.interval = 1;	/* and interval cuts, on hostile timestamps */
	memset(&ctx, 0, sizeof(ctx));
	ctx.eng = engine_new(&ec);
	if ((cap = capture_open_file(path, errbuf)) != NULL) {
		(void)capture_run(cap, fuzz_frame, &ctx, errbuf);
		capture_close(cap);
	}
	(void)engine_finish(ctx.eng, 0);
	engine_free(ctx.eng);
	close(fd);
	return (0);
}
