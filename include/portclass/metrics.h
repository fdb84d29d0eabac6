/*
 * metrics.h - the /metrics HTTP endpoint for Prometheus, on libmicrohttpd.
 *
 * The server runs in its own thread and serves only texts that were
 * rendered and published beforehand (by the prometheus sink, sink_prom.c:
 * prom_render, then metrics_publish).  A scrape takes a reference to the
 * current text under a mutex held for a pointer copy and a counter
 * increment, then sends it unlocked: serving never waits on the capture
 * and the capture never waits on a slow client.
 */
#ifndef PORTCLASS_METRICS_H
#define PORTCLASS_METRICS_H

#include <stddef.h>

/* What /metrics answers with: the text exposition format 0.0.4. */
#define METRICS_CONTENT_TYPE \
	"text/plain; version=0.0.4; charset=utf-8"

struct metrics_server;

/*
 * Listen on spec and serve GET /metrics from a thread of its own.  spec is
 * "PORT" (bound on 127.0.0.1 only, so nothing is exposed by accident),
 * "ADDR:PORT" with an IPv4 address or a host name, or "[IPV6]:PORT".
 * PORT 0 picks a free port (see metrics_address).  Until the first
 * metrics_publish, /metrics answers 503.
 *
 * Returns the server, or NULL with a one-line reason in errbuf
 * (PC_ERRBUF_SIZE bytes) when spec is malformed or the address cannot be
 * bound.  Signals are blocked in the server thread, so SIGINT and SIGTERM
 * reach the capture thread.
 */
struct metrics_server	*metrics_start(const char *spec, char *errbuf);

/*
 * Make body (len bytes, malloc'd) what /metrics serves from now on.  The
 * server takes ownership: body is freed once no request uses it any more.
 * Safe to call from any thread while the server runs.
 */
void			 metrics_publish(struct metrics_server *, char *body,
			    size_t len);

/* The bound address, "127.0.0.1:9464" or "[::1]:9464"; owned by server. */
const char		*metrics_address(const struct metrics_server *);

/* Stop serving, wait for the thread, free everything.  NULL is a no-op. */
void			 metrics_stop(struct metrics_server *);

#endif /* PORTCLASS_METRICS_H */
