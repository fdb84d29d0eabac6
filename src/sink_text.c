/*
 * sink_text.c - the aligned table people read in a terminal.
 *
 * One table per report, sorted by bytes: service name, port/protocol,
 * IANA status, packets, bytes in binary units, share of all bytes read.
 * Below it, every named counter, so frames without a service port are
 * visible rather than lost, and for live captures what the kernel
 * received and dropped.
 *
 * On a terminal, interval tables redraw in place like top(1): the screen
 * is cleared before each report.  Into a pipe or a file reports append.
 * This is the only sink that looks at isatty().
 *
 * Text from data files goes through sink_text_write, the one place that
 * decides which of its characters reach the terminal (sink.h), and the
 * service column is padded by terminal columns, not bytes.
 */
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "portclass/sink.h"
#include "portclass/unofficial.h"
#include "portclass/utf8.h"

#define SINK_TEXT_NAME_MIN	9	/* strlen("ephemeral") */
#define SINK_TEXT_NAME_MAX	32	/* terminal columns */
/* Bytes for a clipped name: up to 4 per column, and a NUL. */
#define SINK_TEXT_NAME_BUF	(4 * SINK_TEXT_NAME_MAX + 1)
/* ECMA-48: cursor to the top left (CUP), erase the whole display (ED). */
#define SINK_TEXT_CLEAR		"\033[H\033[2J"

struct sink_text {
	int	tty;		/* redraw in place */
	int	drawn;		/* an interval table is on screen */
};

static int	sink_text_open(struct sink *);
static int	sink_text_emit(struct sink *, const struct report *);
static void	sink_text_close(struct sink *);
static void	sink_text_time(int64_t, char *, size_t);
static void	sink_text_locale_init(void);
static size_t	sink_text_char(const char *, size_t, int, const char **,
		    size_t *, size_t *);
static void	sink_text_use(FILE *, const struct unofficial_use *);
static void	sink_text_reasons(FILE *, const struct report_row *);
static void	sink_text_unassigned(FILE *, const struct report *);
static int	sink_text_alert(struct sink *, const struct unassigned_alert *);
static int	sink_text_registry(struct sink *, int64_t, unsigned int);

static pthread_once_t	sink_text_once = PTHREAD_ONCE_INIT;
static int		sink_text_flags;	/* sink_text_locale() */

const struct sink_ops sink_text_ops = {
	.name = "text",
	.help = "aligned table sorted by bytes (default)",
	.format = 1,
	.open = sink_text_open,
	.emit = sink_text_emit,
	.close = sink_text_close,
	.alert = sink_text_alert,
	.registry = sink_text_registry,
};

static int
sink_text_open(struct sink *s)
{
	struct sink_text	*st;
	int			 fd;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return (-1);
	fd = fileno(s->fp);
	st->tty = fd >= 0 && isatty(fd);
	s->priv = st;
	/* Where the names come from, every source with its own date. */
	fputs("registry: ", s->fp);
	sink_text_sources(s->fp, s->meta);
	fputs("\n\n", s->fp);
	return (fflush(s->fp) == 0 && !ferror(s->fp) ? 0 : -1);
}

void
sink_text_sources(FILE *fp, const struct sink_meta *m)
{
	char	*text;

	text = registry_sources_text(m->registry_sources,
	    m->registry_nsources);
	sink_text_print(fp, text);
	free(text);
}

/* A reload replaced the registry: one line in the stream, at that point. */
static int
sink_text_registry(struct sink *s, int64_t when, unsigned int reloads)
{
	char	t[32];

	(void)reloads;
	sink_text_time(when, t, sizeof(t));
	fprintf(s->fp, "registry reloaded at %s UTC: ", t);
	sink_text_sources(s->fp, s->meta);
	fputs("\n\n", s->fp);
	return (fflush(s->fp) == 0 && !ferror(s->fp) ? 0 : -1);
}

static void
sink_text_time(int64_t t, char *buf, size_t len)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "%" PRId64, t);
}

/*
 * The environment's LC_CTYPE, looked at through a locale object of its
 * own: setlocale() would change how the rest of the program parses its
 * files.  A locale the C library does not know (not installed) counts as
 * not UTF-8, as it does for ls(1).
 */
static void
sink_text_locale_init(void)
{
	locale_t	 loc;
	const char	*cs;

	if ((loc = newlocale(LC_CTYPE_MASK, "", (locale_t)0)) == (locale_t)0)
		return;
	cs = nl_langinfo_l(CODESET, loc);
	if (cs != NULL && (strcasecmp(cs, "UTF-8") == 0 ||
	    strcasecmp(cs, "utf8") == 0))
		sink_text_flags = SINK_TEXT_UTF8;
	freelocale(loc);
}

int
sink_text_locale(void)
{
	(void)pthread_once(&sink_text_once, sink_text_locale_init);
	return (sink_text_flags);
}

/*
 * The next character of s (n bytes left) as it is written: its bytes, or
 * "?", in *out and *outlen, its terminal columns in *cols.  Returns the
 * bytes of s it stands for: a whole character, or one byte that is not
 * part of well-formed UTF-8.
 */
static size_t
sink_text_char(const char *s, size_t n, int flags, const char **out,
    size_t *outlen, size_t *cols)
{
	uint32_t	cp;
	size_t		len;

	*out = "?";
	*outlen = 1;
	*cols = 1;
	if ((len = utf8_decode(s, n, &cp)) == 0)
		return (1);
	if (!utf8_printable(cp) || (cp == ' ' && (flags & SINK_TEXT_NOSPACE)) ||
	    (len > 1 && !(flags & SINK_TEXT_UTF8)))
		return (len);
	*out = s;
	*outlen = len;
	*cols = (size_t)utf8_width(cp);
	return (len);
}

size_t
sink_text_write(FILE *fp, const char *s, int flags)
{
	const char	*out;
	size_t		 n = strlen(s), used, outlen, c, cols = 0;

	while (n > 0) {
		used = sink_text_char(s, n, flags, &out, &outlen, &c);
		fwrite(out, 1, outlen, fp);
		cols += c;
		s += used;
		n -= used;
	}
	return (cols);
}

size_t
sink_text_clip(char *buf, size_t len, const char *s, size_t maxcols,
    int flags)
{
	const char	*out;
	size_t		 n = strlen(s), used, outlen, c, cols = 0, o = 0;

	if (len == 0)
		return (0);
	while (n > 0) {
		used = sink_text_char(s, n, flags, &out, &outlen, &c);
		if (cols + c > maxcols || o + outlen >= len)
			break;
		memcpy(buf + o, out, outlen);
		o += outlen;
		cols += c;
		s += used;
		n -= used;
	}
	buf[o] = '\0';
	return (cols);
}

void
sink_text_print(FILE *fp, const char *t)
{
	(void)sink_text_write(fp, t, sink_text_locale());
}

/* "unofficial 6902-6968: BitTorrent ...": a use and the ports it names. */
static void
sink_text_use(FILE *fp, const struct unofficial_use *u)
{
	if (u->lo == u->hi)
		fprintf(fp, "unofficial %u: ", u->lo);
	else
		fprintf(fp, "unofficial %u-%u: ", u->lo, u->hi);
	sink_text_print(fp, u->text);
}

/* --explain: "  why: syn 1, synack 1, flow 12" under a row. */
static void
sink_text_reasons(FILE *fp, const struct report_row *row)
{
	size_t	k;
	int	first = 1;

	fputs("    why:", fp);
	for (k = 0; k < CLASSIFY_REASON_COUNT; k++) {
		if (row->reasons[k] == 0)
			continue;
		fprintf(fp, "%s %s %" PRIu64, first ? "" : ",",
		    classify_reason_name((enum classify_reason)k),
		    row->reasons[k]);
		first = 0;
	}
	if (row->unofficial != NULL) {
		fputs("; ", fp);
		sink_text_use(fp, row->unofficial);
	}
	fputc('\n', fp);
}

/* The --unassigned section (docs/unassigned.md). */
static void
sink_text_unassigned(FILE *fp, const struct report *r)
{
	const struct unassigned_port	*u;
	char				 b1[32], b2[32], b3[32], portbuf[16];
	char				 c[64], sv[64];
	size_t				 i, k;

	fprintf(fp, "unassigned and reserved ports: %zu tracked, %" PRIu64
	    " evicted, %" PRIu64 " alerts suppressed\n", r->nunassigned_total,
	    r->unassigned_evicted, r->unassigned_suppressed);
	if (r->nunassigned == 0)
		return;
	fprintf(fp, "%-12s %-10s %12s %11s %6s  %-19s  %s\n", "PORT",
	    "STATUS", "PACKETS", "BYTES", "PEERS", "FIRST SEEN (UTC)",
	    "LAST SEEN (UTC)");
	for (i = 0; i < r->nunassigned; i++) {
		u = &r->unassigned[i];
		snprintf(portbuf, sizeof(portbuf), "%u/%s", u->port,
		    pc_proto_name(u->proto));
		report_human_bytes(u->bytes, b1, sizeof(b1));
		sink_text_time(u->first_seen, b2, sizeof(b2));
		sink_text_time(u->last_seen, b3, sizeof(b3));
		fprintf(fp, "%-12s %-10s %12" PRIu64 " %11s %5u%s  %-19s  %s\n",
		    portbuf, registry_status_name((enum reg_status)u->status),
		    u->packets, b1, u->peers, u->peers_capped ? "+" : " ", b2,
		    b3);
		if (u->unofficial != NULL) {
			fprintf(fp, "    %s (",
			    registry_status_name((enum reg_status)u->status));
			sink_text_use(fp, u->unofficial);
			fputs(")\n", fp);
		}
		for (k = 0; k < u->nexamples; k++) {
			unassigned_addr(u->examples[k].ipver,
			    u->examples[k].client, c, sizeof(c));
			unassigned_addr(u->examples[k].ipver,
			    u->examples[k].server, sv, sizeof(sv));
			fprintf(fp, "    e.g. %s port %u -> %s port %u\n", c,
			    u->examples[k].client_port, sv,
			    u->examples[k].server_port);
		}
	}
	if (r->nunassigned < r->nunassigned_total)
		fprintf(fp, "(%zu more ports not shown; see --top)\n",
		    r->nunassigned_total - r->nunassigned);
}

/*
 * Alerts go to standard error in text mode, one line each, so they stand
 * out from the tables (and reach a terminal when reports go to a file).
 */
void
sink_alert_line(FILE *fp, const struct unassigned_alert *al)
{
	char	c[64], sv[64], t[32];

	unassigned_addr(al->ep.ipver, al->ep.client, c, sizeof(c));
	unassigned_addr(al->ep.ipver, al->ep.server, sv, sizeof(sv));
	sink_text_time(al->ts_sec, t, sizeof(t));
	fprintf(fp, "portclass: alert: traffic on %s port %u/%s at %s UTC: "
	    "%s port %u -> %s port %u",
	    registry_status_name((enum reg_status)al->status), al->port,
	    pc_proto_name(al->proto), t, c, al->ep.client_port, sv,
	    al->ep.server_port);
	if (al->unofficial != NULL) {
		fputs(" (", fp);
		sink_text_use(fp, al->unofficial);
		fputc(')', fp);
	}
	if (al->suppressed > 0)
		fprintf(fp, " (%" PRIu64 " alerts suppressed so far)",
		    al->suppressed);
	fputc('\n', fp);
}

static int
sink_text_alert(struct sink *s, const struct unassigned_alert *al)
{
	(void)s;
	sink_alert_line(stderr, al);
	fflush(stderr);
	return (0);
}

static int
sink_text_emit(struct sink *s, const struct report *r)
{
	FILE			*fp = s->fp;
	struct sink_text	*st = s->priv;
	const struct report_row	*row;
	char			 b1[32], b2[32], name[SINK_TEXT_NAME_BUF];
	char			 portbuf[16];
	size_t			 i, w = SINK_TEXT_NAME_MIN, cols;
	int			 flags = sink_text_locale() | SINK_TEXT_NOSPACE;
	double			 share;

	/* The name column is as wide as its widest name, in columns. */
	for (i = 0; i < r->nrows; i++) {
		if (r->rows[i].service == NULL)
			continue;
		cols = sink_text_clip(name, sizeof(name), r->rows[i].service,
		    SINK_TEXT_NAME_MAX, flags);
		if (cols > w)
			w = cols;
	}

	/*
	 * Redraw intervals in place; the final run report replaces the last
	 * interval table so it is what stays on screen.
	 */
	if (st != NULL && st->tty &&
	    (r->scope == REPORT_INTERVAL || r->partial || st->drawn)) {
		fputs(SINK_TEXT_CLEAR, fp);
		st->drawn = 1;
	}
	report_human_bytes(r->total.bytes, b1, sizeof(b1));
	fprintf(fp, "%s report%s: %" PRIu64 " frames, %s",
	    r->scope == REPORT_RUN ? "run" : "interval",
	    r->partial ? " so far" : "", r->total.packets, b1);
	if (r->has_span) {
		sink_text_time(r->start, b1, sizeof(b1));
		sink_text_time(r->end, b2, sizeof(b2));
		fprintf(fp, ", %s to %s UTC (%s time)", b1, b2, r->clock);
	}
	fputc('\n', fp);

	fprintf(fp, "%-*s %-12s %-10s %12s %11s %6s\n", (int)w, "SERVICE",
	    "PORT", "STATUS", "PACKETS", "BYTES", "SHARE");
	for (i = 0; i < r->nrows; i++) {
		row = &r->rows[i];
		if (row->service != NULL)
			cols = sink_text_clip(name, sizeof(name), row->service,
			    w, flags);
		else
			cols = sink_text_clip(name, sizeof(name), "-", w, 0);
		if (row->ephemeral)
			snprintf(portbuf, sizeof(portbuf), "*/%s",
			    pc_proto_name(row->proto));
		else
			snprintf(portbuf, sizeof(portbuf), "%u/%s", row->port,
			    pc_proto_name(row->proto));
		report_human_bytes(row->c.bytes, b1, sizeof(b1));
		share = r->total.bytes > 0 ?
		    100.0 * (double)row->c.bytes / (double)r->total.bytes : 0.0;
		fprintf(fp, "%s%*s %-12s %-10s %12" PRIu64 " %11s %5.1f%%\n",
		    name, (int)(w - cols), "", portbuf,
		    registry_status_name((enum reg_status)row->status),
		    row->c.packets, b1, share);
		if (s->meta != NULL && s->meta->explain)
			sink_text_reasons(fp, row);
	}
	if (r->nrows < r->nrows_total)
		fprintf(fp, "(%zu more rows not shown; see --top)\n",
		    r->nrows_total - r->nrows);

	fputs("no service port:", fp);
	for (i = CTR_ICMP; i <= CTR_FRAGMENT; i++)
		fprintf(fp, " %s %" PRIu64, counters_name((enum counter_id)i),
		    r->named[i].packets);
	fputs("\ndecode problems:", fp);
	for (i = CTR_TRUNCATED; i < CTR_COUNT; i++)
		fprintf(fp, " %s %" PRIu64, counters_name((enum counter_id)i),
		    r->named[i].packets);
	fprintf(fp, "\nflow cache: %" PRIu64 " flows, %" PRIu64
	    " evicted\n", r->flows, r->flow_evictions);
	fprintf(fp, "listeners: %" PRIu64 " known, %" PRIu64 " evicted; "
	    "also evicted: conversations %" PRIu64 ", candidates %" PRIu64
	    ", guesses %" PRIu64 "\n", r->listeners, r->listener_evictions,
	    r->conversation_evictions, r->candidate_evictions,
	    r->guess_evictions);
	if (r->has_unassigned)
		sink_text_unassigned(fp, r);
	if (r->registry_reloads > 0 && s->meta != NULL) {
		sink_text_time(r->registry_reloaded, b1, sizeof(b1));
		fprintf(fp, "registry reloaded %u time%s during the run, last "
		    "at %s UTC; every row is named by the registry now in "
		    "use: ", r->registry_reloads,
		    r->registry_reloads == 1 ? "" : "s", b1);
		sink_text_sources(fp, s->meta);
		fputc('\n', fp);
	}
	if (r->has_capture)
		fprintf(fp, "capture: %" PRIu64 " received by filter, %" PRIu64
		    " dropped by kernel, %" PRIu64 " dropped by interface"
		    " (since start: %" PRIu64 ", %" PRIu64 ", %" PRIu64 ")\n",
		    r->capture.received, r->capture.dropped,
		    r->capture.ifdropped, r->capture_total.received,
		    r->capture_total.dropped, r->capture_total.ifdropped);
	fputc('\n', fp);
	return (fflush(fp) == 0 && !ferror(fp) ? 0 : -1);
}

static void
sink_text_close(struct sink *s)
{
	fflush(s->fp);
	free(s->priv);
	s->priv = NULL;
}
