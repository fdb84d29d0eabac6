/*
 * csv.h - a small streaming reader for RFC 4180 CSV held in memory.
 *
 * The reader walks a caller-owned buffer and yields one record at a time.
 * It follows RFC 4180 section 2: fields are separated by commas, records end
 * with CR LF or a bare LF, a field that starts with a double quote may hold
 * commas, line breaks and doubled quotes ("" stands for one ").  Line breaks
 * inside quotes are kept as they are (the IANA CSV uses bare LF there).
 *
 * Deliberate strictness, since the input is a file we did not write:
 *  - a quote that is not closed before the end of the buffer is an error,
 *    reported with the line where the record started;
 *  - a closing quote must be followed by a comma, a line break or the end;
 *  - a quote inside an unquoted field is an error;
 *  - a bare CR (not followed by LF) outside quotes is ordinary field data.
 * The reader does not check field counts: records may differ and the caller
 * decides (the registry loader treats a mismatch as an error).
 * A NUL byte is field data; csv_field_len() gives the true length.
 */
#ifndef PORTCLASS_CSV_H
#define PORTCLASS_CSV_H

#include <stddef.h>

struct csv_reader {
	const char	*p;		/* next unread byte */
	const char	*end;		/* one past the last byte */
	size_t		 line;		/* physical line of p, from 1 */
	size_t		 rec_line;	/* line where the last record started */
	char		*buf;		/* unescaped fields, each NUL-ended */
	size_t		 buflen, bufcap;
	size_t		*off;		/* start of field i in buf */
	size_t		*len;		/* length of field i */
	size_t		 nfields, fieldcap;
	const char	*error;		/* static reason after an error */
};

/*
 * Start reading buf[0..len).  The buffer is borrowed and must outlive the
 * reader; nothing is allocated until the first record.
 */
void		 csv_init(struct csv_reader *, const char *buf, size_t len);

/*
 * Read the next record.  Returns 1 when a record was read, 0 at the end of
 * the buffer, -1 on a syntax error (csv_error() and csv_line() say what and
 * where; the reader then stays at the error).  Fields returned earlier are
 * invalidated.  Allocation failure is fatal (xmalloc).
 */
int		 csv_next(struct csv_reader *);

/* Number of fields in the current record (at least 1). */
size_t		 csv_nfields(const struct csv_reader *);

/*
 * Field i of the current record, unescaped and NUL-terminated, or NULL if
 * i is out of range.  Valid until the next csv_next() or csv_free().
 */
const char	*csv_field(const struct csv_reader *, size_t i);
size_t		 csv_field_len(const struct csv_reader *, size_t i);

/* Physical line (from 1) where the current or failing record starts. */
size_t		 csv_line(const struct csv_reader *);

/* Reason for the last error, or NULL. */
const char	*csv_error(const struct csv_reader *);

/* Release the reader's buffers (not the input). */
void		 csv_free(struct csv_reader *);

#endif /* PORTCLASS_CSV_H */
