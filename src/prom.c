/*
 * prom.c - render the run-so-far report as Prometheus text exposition.
 *
 * Format: the text-based exposition format, version 0.0.4 (Prometheus
 * "Exposition formats" documentation): per metric family one "# HELP" and
 * one "# TYPE" line, then its samples, every sample of a family together;
 * label values in double quotes with \\, \" and \n escaped; counters named
 * with a "_total" suffix.
 *
 * Cardinality is bounded by construction, because every series costs the
 * Prometheus server memory for as long as it is retained and an attacker
 * chooses the ports we see:
 *   - the labels of the traffic metrics are exactly {proto, service,
 *     status}; the port number is never a label;
 *   - status is the row's registry status, the word NDJSON gives it, so a
 *     query on status counts what --unassigned counts (unassigned and
 *     reserved) and nothing else;
 *   - ports without a service name fold into service="unnamed" per
 *     (protocol, status); the ephemeral row is service="ephemeral";
 *   - at most max_series named services are kept, the largest by bytes;
 *     the others fold into service="other" per (protocol, status);
 *   - rows the report no longer holds (a --top cut), and rows whose
 *     protocol or status has no label value (report_build makes none),
 *     are one series, proto="other",service="other",status="other".
 * So each traffic family has at most PROM_SERIES_BOUND(max_series)
 * series: max_series named, one "unnamed", one "ephemeral" and one
 * "other" per protocol and status (3 x 5 x 5), and the cut: max_series +
 * 76, whatever the traffic.
 *
 * Runs at report time, never per packet, so it may allocate and sort.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/prom.h"
#include "portclass/proto.h"
#include "portclass/registry.h"
#include "portclass/xmalloc.h"

/* Label value of protocol for series folded from a --top cut. */
#define PROM_PROTO_OTHER	PC_PROTO_COUNT

enum prom_kind {
	PROM_NAMED = 0,		/* a registry service name */
	PROM_UNNAMED,		/* ports without a name, folded */
	PROM_EPHEMERAL,		/* the protocol's ephemeral row */
	PROM_OTHER		/* named services beyond max_series; the cut */
};

struct prom_series {
	unsigned int		 proto;		/* enum pc_proto, or OTHER */
	enum prom_kind		 kind;
	char			*service;	/* escaped label value, owned */
	const char		*status;	/* constant: rows' status */
	struct counter_pair	 c;
};

/* A growing string; xreallocarray makes allocation failure fatal. */
struct prom_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

static void	prom_buf_printf(struct prom_buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	prom_buf_family(struct prom_buf *, const char *,
		    const char *, const char *);
static size_t	prom_utf8_len(const unsigned char *);
static const char *prom_proto_name(unsigned int);
static int	prom_cmp_key(const void *, const void *);
static int	prom_cmp_size(const void *, const void *);
static size_t	prom_merge(struct prom_series *, size_t);
static size_t	prom_fold(struct prom_series *, size_t, size_t, size_t *);
static void	prom_series_out(struct prom_buf *, const char *,
		    const struct prom_series *, size_t, int);
static int64_t	prom_date_seconds(const char *);
static void	prom_registry(struct prom_buf *, const struct report *,
		    const struct sink_meta *);

static void
prom_buf_printf(struct prom_buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)		/* only on an invalid format */
			return;
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)n + 1;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
}

/* "# HELP" and "# TYPE" of one family; help is a constant without \ or \n. */
static void
prom_buf_family(struct prom_buf *b, const char *name, const char *type,
    const char *help)
{
	prom_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

/*
 * Length of the well-formed UTF-8 sequence at p (RFC 3629, section 4:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t
prom_utf8_len(const unsigned char *p)
{
	size_t		n, i;
	unsigned char	lo = 0x80, hi = 0xbf;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
	} else
		return (0);
	/* The NUL terminator fails the range test, so we never read past it. */
	if (p[1] < lo || p[1] > hi)
		return (0);
	for (i = 2; i < n; i++) {
		if (p[i] < 0x80 || p[i] > 0xbf)
			return (0);
	}
	return (n);
}

char *
prom_escape_label(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*out, *o;
	size_t			 n;

	/* Worst case: every byte becomes two. */
	out = o = xmalloc(strlen(s) * 2 + 1);
	while (*p != '\0') {
		if (*p == '\\' || *p == '"') {
			*o++ = '\\';
			*o++ = (char)*p++;
		} else if (*p == '\n') {
			*o++ = '\\';
			*o++ = 'n';
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			*o++ = '?';
			p++;
		} else if (*p < 0x80) {
			*o++ = (char)*p++;
		} else if ((n = prom_utf8_len(p)) > 0) {
			memcpy(o, p, n);
			o += n;
			p += n;
		} else {
			*o++ = '?';
			p++;
		}
	}
	*o = '\0';
	return (out);
}

static const char *
prom_proto_name(unsigned int proto)
{
	return (proto == PROM_PROTO_OTHER ? "other" : pc_proto_name(proto));
}

/* Label order: protocol, then service, then status.  Stable output. */
static int
prom_cmp_key(const void *a, const void *b)
{
	const struct prom_series	*x = a, *y = b;
	int				 c;

	if (x->proto != y->proto)
		return (x->proto < y->proto ? -1 : 1);
	if ((c = strcmp(x->service, y->service)) != 0)
		return (c);
	return (strcmp(x->status, y->status));
}

/* Biggest first (bytes, then packets), ties by labels: who gets folded. */
static int
prom_cmp_size(const void *a, const void *b)
{
	const struct prom_series	*x = a, *y = b;

	if (x->c.bytes != y->c.bytes)
		return (x->c.bytes > y->c.bytes ? -1 : 1);
	if (x->c.packets != y->c.packets)
		return (x->c.packets > y->c.packets ? -1 : 1);
	return (prom_cmp_key(a, b));
}

/*
 * Sort s by labels and add up series with equal labels (two ports with
 * one name, every nameless port of one protocol and status): a label set
 * may appear only once in an exposition.  A registry name that is also
 * one of our words ("unnamed", ...) merges into our series and takes its
 * kind, so the output does not depend on the row order.  Returns the new
 * count.
 */
static size_t
prom_merge(struct prom_series *s, size_t n)
{
	size_t	i, o;

	if (n == 0)
		return (0);
	qsort(s, n, sizeof(*s), prom_cmp_key);
	for (i = 1, o = 0; i < n; i++) {
		if (prom_cmp_key(&s[o], &s[i]) == 0) {
			s[o].c.packets += s[i].c.packets;
			s[o].c.bytes += s[i].c.bytes;
			if (s[i].kind != PROM_NAMED)
				s[o].kind = s[i].kind;
			free(s[i].service);
		} else
			s[++o] = s[i];
	}
	return (o + 1);
}

/*
 * Keep the max_series biggest named series of s[0..n) and turn the rest
 * into "other" of their protocol and status (merged later).  *folded gets
 * how many named series were folded.  Returns n.
 */
static size_t
prom_fold(struct prom_series *s, size_t n, size_t max_series,
    size_t *folded)
{
	size_t	i, named = 0;

	*folded = 0;
	/* Named series first, biggest first; the others keep their place. */
	for (i = 0; i < n; i++) {
		if (s[i].kind == PROM_NAMED) {
			struct prom_series	t = s[named];

			s[named] = s[i];
			s[i] = t;
			named++;
		}
	}
	if (named <= max_series)
		return (n);
	qsort(s, named, sizeof(*s), prom_cmp_size);
	for (i = max_series; i < named; i++) {
		free(s[i].service);
		s[i].service = xstrdup("other");
		s[i].kind = PROM_OTHER;
		(*folded)++;
	}
	return (n);
}

static void
prom_series_out(struct prom_buf *b, const char *name,
    const struct prom_series *s, size_t n, int bytes)
{
	size_t	i;

	for (i = 0; i < n; i++)
		prom_buf_printf(b, "%s{proto=\"%s\",service=\"%s\","
		    "status=\"%s\"} %" PRIu64 "\n", name,
		    prom_proto_name(s[i].proto), s[i].service, s[i].status,
		    bytes ? s[i].c.bytes : s[i].c.packets);
}

/* "YYYY-MM-DD" as Unix seconds at 00:00 UTC, or -1 if it is not a date. */
static int64_t
prom_date_seconds(const char *d)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int	y, m, day, i, leap;
	int64_t	days = 0;

	if (d == NULL || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return (-1);
	for (i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return (-1);
	}
	y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 +
	    (d[3] - '0');
	m = (d[5] - '0') * 10 + (d[6] - '0');
	day = (d[8] - '0') * 10 + (d[9] - '0');
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || m < 1 || m > 12 || day < 1 ||
	    day > mdays[m - 1] + (m == 2 && leap))
		return (-1);
	for (i = 1970; i < y; i++)
		days += ((i % 4 == 0 && i % 100 != 0) || i % 400 == 0) ?
		    366 : 365;
	for (i = 1; i < m; i++)
		days += mdays[i - 1] + (i == 2 && leap);
	days += day - 1;
	return (days * 86400);
}

/*
 * Where the registry came from: one info series per source, numbered by
 * position in load order, so the series are bounded by the number of
 * registry files (capped by main.c); the newest date of any source; and
 * how many times a reload replaced the registry.
 */
static void
prom_registry(struct prom_buf *b, const struct report *run,
    const struct sink_meta *meta)
{
	const struct registry_source	*src;
	char				*v1, *v2;
	int64_t				 date, newest = -1;
	size_t				 i;

	prom_buf_family(b, "portclass_registry_entries", "gauge",
	    "Assigned or reserved (protocol, port) pairs in the registry.");
	prom_buf_printf(b, "portclass_registry_entries %zu\n",
	    meta->registry_entries);
	prom_buf_family(b, "portclass_registry_info", "gauge",
	    "Always 1; one series per registry source, position 1 loaded "
	    "first and each later one on top.");
	for (i = 0; i < meta->registry_nsources; i++) {
		src = &meta->registry_sources[i];
		v1 = prom_escape_label(src->name != NULL ? src->name : "");
		v2 = prom_escape_label(src->date != NULL ? src->date : "");
		prom_buf_printf(b, "portclass_registry_info{position=\"%zu\","
		    "source=\"%s\",date=\"%s\"} 1\n", i + 1, v1, v2);
		free(v1);
		free(v2);
		if ((date = prom_date_seconds(src->date)) > newest)
			newest = date;
	}
	if (newest >= 0) {
		prom_buf_family(b, "portclass_registry_date_seconds",
		    "gauge", "Newest date in the registry data, of any "
		    "source, as Unix time.");
		prom_buf_printf(b, "portclass_registry_date_seconds %"
		    PRId64 "\n", newest);
	}
	prom_buf_family(b, "portclass_registry_reloads_total", "counter",
	    "Times a SIGHUP reload replaced the registry during the run.");
	prom_buf_printf(b, "portclass_registry_reloads_total %u\n",
	    run->registry_reloads);
}

char *
prom_render(const struct report *run, const struct sink_meta *meta,
    size_t *lenp)
{
	struct prom_buf		 b = { NULL, 0, 0 };
	struct prom_series	*s;
	const struct report_row	*row;
	struct counter_pair	 cut;
	size_t			 i, n = 0, folded = 0;
	size_t			 max_series = meta->max_series;
	char			*v1, *v2;

	b.cap = 4096;
	b.p = xmalloc(b.cap);
	b.p[0] = '\0';

	s = xcalloc(run->nrows + 1, sizeof(*s));
	cut = run->service;
	for (i = 0; i < run->nrows; i++) {
		row = &run->rows[i];
		/* No label value for it: it stays in the cut, below. */
		if (row->proto >= PC_PROTO_COUNT ||
		    row->status >= PROM_NSTATUS)
			continue;
		cut.packets -= row->c.packets < cut.packets ?
		    row->c.packets : cut.packets;
		cut.bytes -= row->c.bytes < cut.bytes ? row->c.bytes :
		    cut.bytes;
		s[n].proto = row->proto;
		s[n].status = registry_status_name(
		    (enum reg_status)row->status);
		s[n].c = row->c;
		if (row->ephemeral) {
			s[n].kind = PROM_EPHEMERAL;
			s[n].service = xstrdup("ephemeral");
		} else if (row->service == NULL || row->service[0] == '\0') {
			s[n].kind = PROM_UNNAMED;
			s[n].service = xstrdup("unnamed");
		} else {
			s[n].kind = PROM_NAMED;
			s[n].service = prom_escape_label(row->service);
		}
		n++;
	}
	/*
	 * Rows cut by --top are gone, protocol, status and all; their sum is
	 * still in the totals.  Count it as other/other/other so the metrics
	 * add up.
	 */
	if ((run->nrows < run->nrows_total || n < run->nrows) &&
	    (cut.packets > 0 || cut.bytes > 0)) {
		s[n].proto = PROM_PROTO_OTHER;
		s[n].kind = PROM_OTHER;
		s[n].service = xstrdup("other");
		s[n].status = "other";
		s[n].c = cut;
		n++;
	}
	n = prom_merge(s, n);
	prom_fold(s, n, max_series, &folded);
	n = prom_merge(s, n);

	v1 = prom_escape_label(meta->version != NULL ? meta->version : "");
	v2 = prom_escape_label(meta->libpcap_version != NULL ?
	    meta->libpcap_version : "");
	prom_buf_family(&b, "portclass_build_info", "gauge",
	    "Always 1; the labels say which portclass and libpcap run.");
	prom_buf_printf(&b, "portclass_build_info{version=\"%s\","
	    "libpcap=\"%s\"} 1\n", v1, v2);
	free(v1);
	free(v2);

	prom_buf_family(&b, "portclass_packets_total", "counter",
	    "Frames counted per service since the start of the run.");
	prom_series_out(&b, "portclass_packets_total", s, n, 0);
	prom_buf_family(&b, "portclass_bytes_total", "counter",
	    "Bytes on the wire per service since the start of the run.");
	prom_series_out(&b, "portclass_bytes_total", s, n, 1);
	prom_buf_family(&b, "portclass_series_folded", "gauge",
	    "Named service series folded into service=\"other\" by "
	    "--max-series.");
	prom_buf_printf(&b, "portclass_series_folded %zu\n", folded);
	prom_buf_family(&b, "portclass_max_series", "gauge",
	    "The --max-series bound on named service series.");
	prom_buf_printf(&b, "portclass_max_series %zu\n", max_series);

	prom_buf_family(&b, "portclass_read_packets_total", "counter",
	    "Every frame read, whatever became of it.");
	prom_buf_printf(&b, "portclass_read_packets_total %" PRIu64 "\n",
	    run->total.packets);
	prom_buf_family(&b, "portclass_read_bytes_total", "counter",
	    "Wire bytes of every frame read.");
	prom_buf_printf(&b, "portclass_read_bytes_total %" PRIu64 "\n",
	    run->total.bytes);

	prom_buf_family(&b, "portclass_unclassified_packets_total", "counter",
	    "Frames without a service port, by reason (the NDJSON named "
	    "counters).");
	for (i = 0; i < CTR_COUNT; i++)
		prom_buf_printf(&b, "portclass_unclassified_packets_total"
		    "{reason=\"%s\"} %" PRIu64 "\n",
		    counters_name((enum counter_id)i), run->named[i].packets);
	prom_buf_family(&b, "portclass_unclassified_bytes_total", "counter",
	    "Wire bytes of frames without a service port, by reason.");
	for (i = 0; i < CTR_COUNT; i++)
		prom_buf_printf(&b, "portclass_unclassified_bytes_total"
		    "{reason=\"%s\"} %" PRIu64 "\n",
		    counters_name((enum counter_id)i), run->named[i].bytes);

	prom_buf_family(&b, "portclass_flows", "gauge",
	    "Flow cache entries in use.");
	prom_buf_printf(&b, "portclass_flows %" PRIu64 "\n", run->flows);
	prom_buf_family(&b, "portclass_flow_evictions_total", "counter",
	    "Flows evicted from the full flow cache.");
	prom_buf_printf(&b, "portclass_flow_evictions_total %" PRIu64 "\n",
	    run->flow_evictions);
	prom_buf_family(&b, "portclass_listeners", "gauge",
	    "Endpoints known to listen (docs/service-port.md).");
	prom_buf_printf(&b, "portclass_listeners %" PRIu64 "\n",
	    run->listeners);
	prom_buf_family(&b, "portclass_listener_evictions_total", "counter",
	    "Listeners evicted from the full listener memory.");
	prom_buf_printf(&b, "portclass_listener_evictions_total %" PRIu64
	    "\n", run->listener_evictions);
	prom_buf_family(&b, "portclass_conversation_evictions_total",
	    "counter", "Conversations forgotten to make room.");
	prom_buf_printf(&b, "portclass_conversation_evictions_total %" PRIu64
	    "\n", run->conversation_evictions);
	prom_buf_family(&b, "portclass_candidate_evictions_total", "counter",
	    "Fan-in counts of endpoints forgotten to make room.");
	prom_buf_printf(&b, "portclass_candidate_evictions_total %" PRIu64
	    "\n", run->candidate_evictions);
	prom_buf_family(&b, "portclass_guess_evictions_total", "counter",
	    "Guessed conversations decided early to make room.");
	prom_buf_printf(&b, "portclass_guess_evictions_total %" PRIu64 "\n",
	    run->guess_evictions);
	prom_buf_family(&b, "portclass_files_failed", "gauge",
	    "Input files that could not be opened or ended in an error.");
	prom_buf_printf(&b, "portclass_files_failed %zu\n",
	    run->files_failed);

	if (run->has_capture) {
		prom_buf_family(&b, "portclass_capture_received_total",
		    "counter", "Packets the capture received (pcap_stats).");
		prom_buf_printf(&b, "portclass_capture_received_total %"
		    PRIu64 "\n", run->capture_total.received);
		prom_buf_family(&b, "portclass_capture_dropped_total",
		    "counter", "Packets dropped for lack of buffer space "
		    "(pcap_stats ps_drop).");
		prom_buf_printf(&b, "portclass_capture_dropped_total %"
		    PRIu64 "\n", run->capture_total.dropped);
		prom_buf_family(&b, "portclass_capture_ifdropped_total",
		    "counter", "Packets dropped by the interface or its "
		    "driver (pcap_stats ps_ifdrop).");
		prom_buf_printf(&b, "portclass_capture_ifdropped_total %"
		    PRIu64 "\n", run->capture_total.ifdropped);
	}

	prom_registry(&b, run, meta);

	for (i = 0; i < n; i++)
		free(s[i].service);
	free(s);
	if (lenp != NULL)
		*lenp = b.len;
	return (b.p);
}
