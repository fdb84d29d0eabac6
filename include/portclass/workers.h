/*
 * workers.h - live capture on N threads (--workers N).
 *
 * Each worker has its own libpcap handle on every interface, the handles
 * of one interface joined into one PACKET_FANOUT group in hash mode, so
 * the kernel spreads the frames over the workers and keeps each flow on
 * one of them.  A worker counts into an engine of its own (counters and
 * flow cache) with no lock and no shared write per frame.  The reporting
 * engine, in the main thread, pulls the workers' counts before each
 * report through workers_collect() (its engine_collect_cb): an epoch flip
 * described in workers.c and docs/live.md.
 */
#ifndef PORTCLASS_WORKERS_H
#define PORTCLASS_WORKERS_H

#include <stddef.h>

#include "portclass/capture.h"
#include "portclass/engine.h"

struct registry;
struct workers;

/*
 * Open n workers' captures on each of ifaces (filter may be NULL), join
 * them into one fanout group per interface, and throw away what the
 * handles received before the groups were complete (a frame may have
 * reached two of them then).  Each worker's flow cache holds flow_cap / n
 * entries; its listener memory listener_cap, since every worker sees
 * every listener (the kernel shares flows, not endpoints).  Call before
 * giving up privileges; no thread starts yet.
 * NULL with errbuf on failure.
 */
struct workers	*workers_open(const char *const *ifaces, size_t nifaces,
		    size_t n, const struct capture_live_opts *,
		    const char *filter, const struct registry *,
		    size_t flow_cap, size_t listener_cap, char *errbuf);

/*
 * Start the threads, with the signals blocked in them (they reach the
 * caller's thread).  -1 with errbuf if a thread cannot be started.
 */
int		 workers_start(struct workers *, char *errbuf);

/* Workers still capturing (a worker whose captures all failed exits). */
size_t		 workers_alive(struct workers *);

/*
 * engine_collect_cb, ctx the struct workers: flip every worker to its
 * other counter set, wait until each has, add the retired sets into c
 * and give them back empty.  Main thread only.
 */
void		 workers_collect(void *ws, struct counters *c,
		    struct engine_flowstats *);

/*
 * engine_capstats_cb, ctx the struct workers: kernel statistics of every
 * handle, as each worker read them at the last flip (or now, once the
 * workers stopped).
 */
int		 workers_capstats(void *ws, struct engine_capstats *);

/*
 * The workers classify with reg from their next flip on; returns once
 * every worker switched, so the caller may free the old registry.
 */
void		 workers_set_registry(struct workers *,
		    const struct registry *);

/*
 * Stop the workers after they took what the kernel already holds, and
 * join them; capture failures are added to *failed.  Their counts stay
 * for the last workers_collect().
 */
void		 workers_stop(struct workers *, size_t *failed);

/* Log (-v) how many frames each worker counted, for the curious. */
void		 workers_log_summary(struct workers *);

void		 workers_free(struct workers *);

#endif /* PORTCLASS_WORKERS_H */
