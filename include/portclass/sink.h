/*
 * sink.h - output formats behind one small table of operations.
 *
 * Each sink renders struct reports to a stdio stream.  ADD NEW SINKS to the
 * table in sink.c.  Escaping is one tested function per format (json_escape
 * in sink_json.c), never ad hoc.
 */
#ifndef PORTCLASS_SINK_H
#define PORTCLASS_SINK_H

#include <stdio.h>

#include "portclass/report.h"

/*
 * What the sinks may say about the run besides the counts.  The registry
 * fields describe the registry in use: a SIGHUP reload replaces them
 * (run.c) before the sinks' registry operation is called.
 */
struct sink_meta {
	const char			*version;
	const struct registry_source	*registry_sources; /* load order */
	size_t				 registry_nsources;
	size_t				 registry_entries;
	int				 explain;	/* --explain: show reasons */
};

struct sink {
	const struct sink_ops	*ops;
	FILE			*fp;
	const struct sink_meta	*meta;
	void			*priv;
};

struct sink_ops {
	const char	*name;
	const char	*help;
	/* Called once before the first report (e.g. a header record). */
	int		(*open)(struct sink *);
	/* Render one report; -1 if the stream failed. */
	int		(*emit)(struct sink *, const struct report *);
	void		(*close)(struct sink *);
	/*
	 * --alert unassigned: the first packet on a new unassigned port
	 * (unassigned.h).  NULL: the engine writes one line to standard
	 * error instead.  -1 if the stream failed.
	 */
	int		(*alert)(struct sink *, const struct unassigned_alert *);
	/*
	 * The registry was reloaded (SIGHUP) at when (wall clock, Unix
	 * seconds), the reloads-th time in this run; s->meta describes the
	 * new one.  NULL: the sink says nothing (the reload is logged on
	 * standard error anyway).  -1 if the stream failed.
	 */
	int		(*registry)(struct sink *, int64_t when,
			    unsigned int reloads);
};

/* The sink called name ("text", "json"), or NULL. */
const struct sink_ops	*sink_find(const char *name);

/* "text, json": for --help and error messages. */
const char		*sink_names(void);

/*
 * Write s escaped for a JSON string body (without the quotes) to fp:
 * '"', '\\' and control characters below 0x20 are escaped.
 */
void			 json_write_string(FILE *fp, const char *s);

/*
 * Write s to fp with every byte outside printable ASCII shown as '?': for
 * free text from data files (descriptions) on a terminal.
 */
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
