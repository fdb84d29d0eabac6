/*
 * sink_prom.c - the run so far for Prometheus (--listen, docs/metrics.md).
 *
 * Not a -F format: it renders no interval or run report, only the
 * snapshots the engine hands every sink that asks (at the start, after
 * each interval cut, after a registry reload and at the end).  Each is
 * rendered whole into exposition text (prom.c) in the thread that reports
 * and published to the server (metrics.c), which serves the latest text
 * from a thread of its own.  The server is main.c's: started before
 * privileges are dropped, stopped after the last scrape it allows.
 */
#include <stddef.h>

#include "portclass/metrics.h"
#include "portclass/prom.h"
#include "portclass/sink.h"

static int	sink_prom_snapshot(struct sink *, const struct report *);

const struct sink_ops sink_prom_ops = {
	.name = "prometheus",
	.help = "the run so far on /metrics (--listen; docs/metrics.md)",
	.snapshot = sink_prom_snapshot,
};

static int
sink_prom_snapshot(struct sink *s, const struct report *r)
{
	char	*body;
	size_t	 len;

	body = prom_render(r, s->meta, &len);
	metrics_publish(s->srv, body, len);
	return (0);
}
