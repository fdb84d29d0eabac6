/*
 * prom.h - a report as Prometheus text exposition (format version 0.0.4).
 *
 * prom_render() is a pure function: it reads the run-so-far report and a
 * few facts about the process and returns the text a scrape of /metrics
 * should see.  It never touches the live counters, so the caller renders
 * at report time and hands the result to the metrics server
 * (metrics_publish), which only ever serves finished texts.
 *
 * The label set is fixed, so the number of series is bounded whatever the
 * traffic: see docs/metrics.md for every metric and the folding rules.
 */
#ifndef PORTCLASS_PROM_H
#define PORTCLASS_PROM_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/report.h"

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

/* What the exposition says besides the report.  Strings may be NULL. */
struct prom_info {
	const char	*version;		/* portclass version */
	const char	*libpcap_version;	/* pcap_lib_version() */
	/* The registry's sources in load order (registry.h). */
	const struct registry_source *registry_sources;
	size_t		 registry_nsources;
	size_t		 registry_entries;
	uint64_t	 cap_received;		/* pcap_stats(), live only */
	uint64_t	 cap_dropped;
	uint64_t	 cap_ifdropped;
	int		 has_capture_stats;	/* the three above are valid */
};

/*
 * Render run (a REPORT_RUN report: cumulative counts since the start) and
 * info as exposition text.  Every traffic series carries the registry
 * status of its rows as NDJSON writes it.  At most max_series
 * named-service series per metric are kept, largest by bytes; the rest
 * are folded into service="other" per protocol and status.  Ports without
 * a service name fold into service="unnamed" per protocol and status.
 * Rows cut by --top (run->nrows < run->nrows_total) are counted in
 * proto="other",service="other",status="other" from the report's totals.
 *
 * Returns a NUL-terminated malloc'd string the caller owns (and may pass
 * to metrics_publish); its length, without the NUL, goes to *lenp when
 * lenp is not NULL.  Never returns NULL: allocation failure is fatal.
 */
char	*prom_render(const struct report *run, const struct prom_info *info,
	    size_t max_series, size_t *lenp);

/*
 * s escaped as a label value (inside the double quotes): backslash,
 * double quote and line feed become \\, \" and \n, as the exposition
 * format requires.  Bytes that would make the text invalid UTF-8, and
 * other control characters, become '?'.  Returns a malloc'd string the
 * caller frees; never NULL.
 */
char	*prom_escape_label(const char *s);

#endif /* PORTCLASS_PROM_H */
