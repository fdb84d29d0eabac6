/*
 * sink.c - the table of output formats, and the JSON string escaper that
 * every JSON-speaking sink shares.
 */
#include <stdio.h>
#include <string.h>

#include "portclass/sink.h"

extern const struct sink_ops	sink_text_ops;
extern const struct sink_ops	sink_json_ops;
extern const struct sink_ops	sink_csv_ops;

/* ADD NEW SINKS HERE. */
static const struct sink_ops *const sink_table[] = {
	&sink_text_ops,
	&sink_json_ops,
	&sink_csv_ops,
};

#define SINK_COUNT	(sizeof(sink_table) / sizeof(sink_table[0]))

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

const char *
sink_names(void)
{
	return ("text, json, csv");
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
