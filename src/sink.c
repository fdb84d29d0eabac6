/*
 * sink.c - the table of sinks, and the JSON string escaper that every
 * JSON-speaking sink shares.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "portclass/sink.h"
#include "portclass/xmalloc.h"

extern const struct sink_ops	sink_text_ops;
extern const struct sink_ops	sink_json_ops;
extern const struct sink_ops	sink_csv_ops;
extern const struct sink_ops	sink_prom_ops;

/* ADD NEW SINKS HERE.  The -F formats are listed in this order. */
static const struct sink_ops *const sink_table[] = {
	&sink_text_ops,
	&sink_json_ops,
	&sink_csv_ops,
	&sink_prom_ops,
};

#define SINK_COUNT	(sizeof(sink_table) / sizeof(sink_table[0]))

static void	sink_names_init(void);

static pthread_once_t	 sink_names_once = PTHREAD_ONCE_INIT;
static char		*sink_names_text;	/* sink_names() */

const struct sink_ops *
sink_find(const char *name)
{
	size_t	i;

	for (i = 0; i < SINK_COUNT; i++) {
		if (strcmp(sink_table[i]->name, name) == 0)
			return (sink_table[i]);
	}
	return (NULL);
}

const struct sink_ops *
sink_format(const char *name)
{
	const struct sink_ops	*ops;

	if ((ops = sink_find(name)) == NULL || !ops->format)
		return (NULL);
	return (ops);
}

/* The formats' names joined by ", ", once: the table never changes. */
static void
sink_names_init(void)
{
	size_t	i, len = 1, o = 0;

	for (i = 0; i < SINK_COUNT; i++)
		len += strlen(sink_table[i]->name) + 2;
	sink_names_text = xmalloc(len);
	sink_names_text[0] = '\0';
	for (i = 0; i < SINK_COUNT; i++) {
		if (!sink_table[i]->format)
			continue;
		o += (size_t)snprintf(sink_names_text + o, len - o, "%s%s",
		    o > 0 ? ", " : "", sink_table[i]->name);
	}
}

const char *
sink_names(void)
{
	(void)pthread_once(&sink_names_once, sink_names_init);
	return (sink_names_text);
}

void
json_write_string(FILE *fp, const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		default:
			if (*p < 0x20)
				fprintf(fp, "\\u%04x", *p);
			else
				fputc(*p, fp);
			break;
		}
	}
}
