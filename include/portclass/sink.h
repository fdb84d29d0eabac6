/*
 * sink.h - the outputs, each behind one small table of operations.
 *
 * A sink renders finished reports (report.h) and alerts: everything it
 * says is in what it is handed, or in its meta, so no sink looks anything
 * up.  The -F formats (text, json, csv) write every report to a stdio
 * stream; the prometheus sink (--listen) serves the run so far on
 * /metrics.  ADD NEW SINKS to the table in sink.c.  Escaping is one
 * tested function per format (json_write_string below, sink_csv_field,
 * prom_escape_label), never ad hoc.
 */
#ifndef PORTCLASS_SINK_H
#define PORTCLASS_SINK_H

#include <stdio.h>

#include "portclass/report.h"

struct metrics_server;

/*
 * What the sinks may say about the run besides the counts, and how they
 * say it.  The registry fields describe the registry in use: a SIGHUP
 * reload replaces them (run.c) before the sinks' registry operation is
 * called.
 */
struct sink_meta {
	const char			*version;
	const char			*libpcap_version; /* capture.h */
	const struct registry_source	*registry_sources; /* load order */
	size_t				 registry_nsources;
	size_t				 registry_entries;
	int				 explain;	/* --explain: show reasons */
	size_t				 max_series;	/* --max-series */
};

struct sink {
	const struct sink_ops	*ops;
	FILE			*fp;		/* a -F format's stream */
	const struct sink_meta	*meta;
	void			*priv;		/* the sink's own, from open */
	/* The prometheus sink's /metrics server (metrics.h); borrowed. */
	struct metrics_server	*srv;
};

/*
 * Every operation may be NULL: the sink has nothing to do then.  Those
 * that write return -1 when the output failed (the engine then reports a
 * failure at the end, and the capture loop stops).
 */
struct sink_ops {
	const char	*name;
	const char	*help;
	/* 1: a -F format, which renders every report to its stream fp. */
	int		 format;
	/* Called once before the first report (e.g. a header record). */
	int		(*open)(struct sink *);
	/* One report: an interval, the run, or the run so far (SIGUSR1). */
	int		(*emit)(struct sink *, const struct report *);
	void		(*close)(struct sink *);
	/*
	 * --alert unassigned: the first packet on a new unassigned port
	 * (unassigned.h), with the use reports show for the port.  JSON
	 * writes a record in its stream; text and CSV write a line to
	 * standard error (sink_alert_line); a sink without it (prometheus)
	 * is not told.
	 */
	int		(*alert)(struct sink *, const struct unassigned_alert *);
	/*
	 * The registry was reloaded (SIGHUP) at when (wall clock, Unix
	 * seconds), the reloads-th time in this run; s->meta describes the
	 * new one.  Without it the sink says nothing at that point (the
	 * reload is logged on standard error anyway).
	 */
	int		(*registry)(struct sink *, int64_t when,
			    unsigned int reloads);
	/*
	 * The run so far, every row (no --top cut), never marked partial:
	 * at the start (all zero), after each interval cut, after a
	 * registry reload and at the end.  What the prometheus sink serves;
	 * the -F formats leave it NULL.
	 */
	int		(*snapshot)(struct sink *, const struct report *);
};

/* The sink called name ("text", "json", "csv", "prometheus"), or NULL. */
const struct sink_ops	*sink_find(const char *name);

/* The -F format called name: sink_find's sink if it is one, else NULL. */
const struct sink_ops	*sink_format(const char *name);

/* The -F formats in table order, "text, json, csv": for --help and errors. */
const char		*sink_names(void);

/*
 * Write s escaped for a JSON string body (without the quotes) to fp:
 * '"', '\\' and control characters below 0x20 are escaped.
 */
void			 json_write_string(FILE *fp, const char *s);

/*
 * Text from data files (registry names and descriptions, unofficial uses,
 * --map names) on its way to a terminal: every character that utf8.h
 * calls printable is written as it is, every other one becomes '?', and
 * so does every byte that is not part of well-formed UTF-8.  Flags:
 */
#define SINK_TEXT_UTF8		0x01	/* keep non-ASCII characters; without
					   it each one becomes '?' */
#define SINK_TEXT_NOSPACE	0x02	/* a space becomes '?' (names, whose
					   columns are split on spaces) */

/*
 * SINK_TEXT_UTF8 when the character set of the environment's LC_CTYPE
 * (LC_ALL, LC_CTYPE, LANG) is UTF-8, else 0: in any other locale,
 * including C and POSIX, a terminal may read the bytes of UTF-8 as
 * something else (0x9b is CSI in ISO 8859 terminals).  Decided once, on
 * the first call, without changing the program's locale.
 */
int			 sink_text_locale(void);

/* Write s to fp as above; returns the terminal columns written. */
size_t			 sink_text_write(FILE *fp, const char *s, int flags);

/*
 * Copy s into buf (len bytes, NUL-terminated) as above, whole characters
 * only, up to maxcols terminal columns; returns the columns copied.
 */
size_t			 sink_text_clip(char *buf, size_t len, const char *s,
			    size_t maxcols, int flags);

/* sink_text_write(fp, s, sink_text_locale()): free text on a terminal. */
void			 sink_text_print(FILE *fp, const char *s);

/*
 * The registry's sources (registry_sources_text()) on fp, filtered as
 * sink_text_print() does: for the text header, reload line and report.
 */
void			 sink_text_sources(FILE *fp, const struct sink_meta *);

/* One text line for an alert (unassigned.h), as text mode writes it. */
void			 sink_alert_line(FILE *fp,
			    const struct unassigned_alert *);

#endif /* PORTCLASS_SINK_H */
