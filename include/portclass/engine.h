/*
 * engine.h - the per-frame pipeline: decode, pick the service port, count,
 * and cut reports at interval boundaries.
 *
 * engine_frame() is the capture callback.  It does no allocation, no system
 * call and no formatting, except at an interval boundary, where the
 * finished interval is rendered by the sinks.
 */
#ifndef PORTCLASS_ENGINE_H
#define PORTCLASS_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/capture.h"
#include "portclass/sink.h"

struct registry;

struct engine_config {
	const struct registry	*reg;
	size_t			 flow_cap;	/* flow cache entries */
	int64_t			 interval;	/* seconds; 0: run report only */
	size_t			 top;		/* rows per report; 0: all */
	struct sink		*sinks;		/* opened by the caller */
	size_t			 nsinks;
};

struct engine;

struct engine	*engine_new(const struct engine_config *);

/* capture_cb: count one frame.  ctx is the struct engine. */
void		 engine_frame(void *ctx, const struct capture_frame *);

/*
 * Emit the last interval (if any) and the run report.  files_failed is
 * shown in the totals.  Returns -1 if any sink failed to write at any
 * point of the run, else 0.
 */
int		 engine_finish(struct engine *, size_t files_failed);

/* 1 once a sink failed to write (the caller may stop reading). */
int		 engine_sink_failed(const struct engine *);

void		 engine_free(struct engine *);

#endif /* PORTCLASS_ENGINE_H */
