/*
 * csv.c - streaming RFC 4180 reader over a buffer in memory.
 *
 * One pass per record: bytes are copied, unescaped, into a growing buffer
 * owned by the reader, and each field is NUL-terminated there so callers can
 * use it as a C string.  Every read is checked against the end of the input;
 * an unterminated quote is an error rather than a read past the end.  See
 * csv.h for what is accepted and what is not.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/csv.h"
#include "portclass/xmalloc.h"

void
csv_init(struct csv_reader *r, const char *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->p = buf;
	r->end = buf + len;
	r->line = 1;
	r->rec_line = 1;
}

void
csv_free(struct csv_reader *r)
{
	free(r->buf);
	free(r->off);
	free(r->len);
	r->buf = NULL;
	r->off = r->len = NULL;
	r->bufcap = r->fieldcap = 0;
	r->buflen = r->nfields = 0;
}

/* Append one byte of field data, growing the buffer geometrically. */
static void
csv_putc(struct csv_reader *r, char c)
{
	if (r->buflen == r->bufcap) {
		r->bufcap = r->bufcap == 0 ? 256 : r->bufcap * 2;
		r->buf = xreallocarray(r->buf, r->bufcap, 1);
	}
	r->buf[r->buflen++] = c;
}

/*
 * The bytes that end a run of ordinary bytes, in an unquoted and in a
 * quoted field: one table load per byte instead of four compares, since
 * the embedded registry is read at every start.
 */
#define CSV_STOP_PLAIN	0x01
#define CSV_STOP_QUOTED	0x02
static const unsigned char csv_stop[256] = {
	['\n'] = CSV_STOP_PLAIN | CSV_STOP_QUOTED,
	['\r'] = CSV_STOP_PLAIN,
	[','] = CSV_STOP_PLAIN,
	['"'] = CSV_STOP_PLAIN | CSV_STOP_QUOTED,
};

/* Append n bytes to the field buffer, growing it at most once. */
static void
csv_append(struct csv_reader *r, const char *p, size_t n)
{
	size_t	cap;

	if (n == 0)
		return;
	if (r->bufcap - r->buflen < n) {
		cap = r->bufcap == 0 ? 256 : r->bufcap;
		while (cap - r->buflen < n)
			cap *= 2;
		r->buf = xreallocarray(r->buf, cap, 1);
		r->bufcap = cap;
	}
	memcpy(r->buf + r->buflen, p, n);
	r->buflen += n;
}

/* Open field number nfields at the current end of the buffer. */
static void
csv_field_begin(struct csv_reader *r)
{
	if (r->nfields == r->fieldcap) {
		r->fieldcap = r->fieldcap == 0 ? 16 : r->fieldcap * 2;
		r->off = xreallocarray(r->off, r->fieldcap, sizeof(*r->off));
		r->len = xreallocarray(r->len, r->fieldcap, sizeof(*r->len));
	}
	r->off[r->nfields] = r->buflen;
}

/* Close the open field: record its length and NUL-terminate it. */
static void
csv_field_end(struct csv_reader *r)
{
	r->len[r->nfields] = r->buflen - r->off[r->nfields];
	csv_putc(r, '\0');
	r->nfields++;
}

/*
 * If p starts a record terminator (LF or CR LF), step over it, count the
 * line and return 1.
 */
static int
csv_eol(struct csv_reader *r)
{
	if (r->p < r->end && *r->p == '\n') {
		r->p++;
		r->line++;
		return (1);
	}
	if (r->end - r->p >= 2 && r->p[0] == '\r' && r->p[1] == '\n') {
		r->p += 2;
		r->line++;
		return (1);
	}
	return (0);
}

/*
 * Read a quoted field; p is just past the opening quote.  Returns 0, or -1
 * with r->error set.  The field ends at the quote that is not doubled.
 */
static int
csv_read_quoted(struct csv_reader *r)
{
	const char	*s;

	for (;;) {
		/* A run of ordinary bytes is appended in one go. */
		for (s = r->p; s < r->end &&
		    (csv_stop[(unsigned char)*s] & CSV_STOP_QUOTED) == 0; s++)
			;
		csv_append(r, r->p, (size_t)(s - r->p));
		r->p = s;
		if (r->p >= r->end) {
			r->error = "unterminated quoted field";
			return (-1);
		}
		if (*r->p == '\n') {
			r->line++;	/* a line break kept inside the field */
			csv_putc(r, *r->p++);
			continue;
		}
		if (r->end - r->p >= 2 && r->p[1] == '"') {
			csv_putc(r, '"');
			r->p += 2;
			continue;
		}
		r->p++;		/* the closing quote */
		if (r->p < r->end && *r->p != ',' && *r->p != '\n' &&
		    !(*r->p == '\r' && r->end - r->p >= 2 && r->p[1] == '\n')) {
			r->error = "text after closing quote";
			return (-1);
		}
		return (0);
	}
}

/* Read an unquoted field up to a comma, a line break or the end. */
static int
csv_read_plain(struct csv_reader *r)
{
	const char	*s;

	for (;;) {
		for (s = r->p; s < r->end &&
		    (csv_stop[(unsigned char)*s] & CSV_STOP_PLAIN) == 0; s++)
			;
		csv_append(r, r->p, (size_t)(s - r->p));
		r->p = s;
		if (r->p >= r->end || *r->p == ',' || *r->p == '\n')
			return (0);
		if (*r->p == '"') {
			r->error = "quote inside unquoted field";
			return (-1);
		}
		/* A CR: the end of the record before an LF, else data. */
		if (r->end - r->p >= 2 && r->p[1] == '\n')
			return (0);
		csv_putc(r, *r->p++);
	}
}

int
csv_next(struct csv_reader *r)
{
	int	 rv;

	if (r->error != NULL)
		return (-1);
	r->buflen = 0;
	r->nfields = 0;
	if (r->p >= r->end)
		return (0);
	r->rec_line = r->line;
	for (;;) {
		csv_field_begin(r);
		if (r->p < r->end && *r->p == '"') {
			r->p++;
			rv = csv_read_quoted(r);
		} else
			rv = csv_read_plain(r);
		if (rv == -1) {
			r->nfields = 0;
			return (-1);
		}
		csv_field_end(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;	/* a comma at the very end opens "" */
		}
		if (r->p >= r->end || csv_eol(r))
			return (1);
		/* csv_read_* stop only at ',', a line break or the end. */
		r->error = "internal: field ended unexpectedly";
		return (-1);
	}
}

size_t
csv_nfields(const struct csv_reader *r)
{
	return (r->nfields);
}

const char *
csv_field(const struct csv_reader *r, size_t i)
{
	if (i >= r->nfields)
		return (NULL);
	return (r->buf + r->off[i]);
}

size_t
csv_field_len(const struct csv_reader *r, size_t i)
{
	if (i >= r->nfields)
		return (0);
	return (r->len[i]);
}

size_t
csv_line(const struct csv_reader *r)
{
	return (r->rec_line);
}

const char *
csv_error(const struct csv_reader *r)
{
	return (r->error);
}
