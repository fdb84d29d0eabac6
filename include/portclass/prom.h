/*
 * prom.h - a report as Prometheus text exposition (format version 0.0.4).
 *
 * prom_render() is a pure function: it reads the run-so-far report and the
 * sinks' meta and returns the text a scrape of /metrics should see.  It
 * never touches the live counters: the prometheus sink (sink_prom.c)
 * renders each snapshot the engine hands it and gives the text to the
 * metrics server (metrics_publish), which only ever serves finished texts.
 *
 * The label set is fixed, so the number of series is bounded whatever the
 * traffic: see docs/metrics.md for every metric and the folding rules.
 */
#ifndef PORTCLASS_PROM_H
#define PORTCLASS_PROM_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/report.h"
#include "portclass/sink.h"

/* Default for --max-series: named service series kept before folding. */
#define PROM_DEFAULT_MAX_SERIES	500

/*
 * The values of enum reg_status, each a status label value.  REG_LOCAL is
 * the last; tests/test_prom.c fails if a status is added after it.
 */
#define PROM_NSTATUS		(REG_LOCAL + 1)

/*
 * Most series portclass_packets_total (or _bytes_total) can have: max
 * named services, then per protocol and status one "unnamed", one
 * "ephemeral" and one "other" series, and the --top cut.
 */
#define PROM_SERIES_BOUND(max)	((max) + 3 * PC_PROTO_COUNT * PROM_NSTATUS + 1)

/*
 * Render run (a REPORT_RUN report: cumulative counts since the start) and
 * what meta says of the process (versions, the registry's sources in load
 * order; its strings may be NULL) as exposition text.  The capture
 * families appear when the report has capture statistics (live), with
 * the counts since the captures opened.  Every traffic series carries
 * the registry status of its rows as NDJSON writes it.  At most
 * meta->max_series named-service series per metric are kept, largest by
 * bytes; the rest are folded into service="other" per protocol and
 * status.  Ports without a service name fold into service="unnamed" per
 * protocol and status.  Rows cut by --top (run->nrows <
 * run->nrows_total) are counted in proto="other",service="other",
 * status="other" from the report's totals.
 *
 * Returns a NUL-terminated malloc'd string the caller owns (and may pass
 * to metrics_publish); its length, without the NUL, goes to *lenp when
 * lenp is not NULL.  Never returns NULL: allocation failure is fatal.
 */
char	*prom_render(const struct report *run, const struct sink_meta *meta,
	    size_t *lenp);

/*
 * s escaped as a label value (inside the double quotes): backslash,
 * double quote and line feed become \\, \" and \n, as the exposition
 * format requires.  Bytes that would make the text invalid UTF-8, and
 * other control characters, become '?'.  Returns a malloc'd string the
 * caller frees; never NULL.
 */
char	*prom_escape_label(const char *s);

#endif /* PORTCLASS_PROM_H */
