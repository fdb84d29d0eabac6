/*
 * registry_parse.h - the first stage of a registry load: bytes into rows.
 * Internal to the registry (src/registry*.c); not part of its API, which
 * is registry.h (the formats and policies are described there).
 *
 * registry_parse() recognises the format from the content and hands the
 * bytes to that format's reader: registry_csv.c (IANA's CSV),
 * registry_legacy.c (IANA's port-numbers text) or registry_services.c
 * (services(5), Wireshark's too).  Every reader produces the same thing,
 * a list of struct registry_row in a struct registry_load, with their
 * strings in the load's scratch arena.  The first bad line stops the load
 * with "FILE:LINE: reason" before any registry is touched; the second
 * stage, registry_merge() (registry_table.h), then cannot fail.
 *
 * registry_parse.c holds what the readers share: the rows, the error
 * message, lines and tokens, port numbers and ranges, protocol names, and
 * what a row without a name says.
 */
#ifndef PORTCLASS_REGISTRY_PARSE_H
#define PORTCLASS_REGISTRY_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "portclass/proto.h"
#include "portclass/registry_arena.h"

#define REGISTRY_NPROTO		4	/* tcp, udp, sctp, dccp */
#define REGISTRY_NPORTS		65536

/* What a row says about its ports, to resolve overlaps: higher wins. */
#define REGISTRY_RANK_NONE	(-1)	/* the file says nothing */
#define REGISTRY_RANK_UNASSIGNED 0
#define REGISTRY_RANK_RESERVED	1
#define REGISTRY_RANK_ASSIGNED	2

/* A row's protocols, one bit per enum pc_proto the registry holds. */
#define REGISTRY_P_TCP		(1U << PC_PROTO_TCP)
#define REGISTRY_P_UDP		(1U << PC_PROTO_UDP)
#define REGISTRY_P_SCTP		(1U << PC_PROTO_SCTP)
#define REGISTRY_P_DCCP		(1U << PC_PROTO_DCCP)

/* One parsed row: a name (or none) on a port range for some protocols. */
struct registry_row {
	const char	*name;		/* scratch arena; NULL when nameless */
	const char	*desc;		/* scratch arena; may be NULL */
	const char	*fname;		/* name copied to the registry arena */
	const char	*fdesc;		/* desc copied to the registry arena */
	uint16_t	 lo, hi;
	uint8_t		 protos;	/* REGISTRY_P_* mask */
	int8_t		 rank;		/* REGISTRY_RANK_* */
};

/* Everything one load needs before it is merged. */
struct registry_load {
	const char		*name;		/* file name for messages */
	char			*errbuf;	/* PC_ERRBUF_SIZE, or NULL */
	struct registry_arena	 scratch;
	struct registry_row	*rows;
	size_t			 nrows, rowcap;
	char			 date[11];	/* YYYY-MM-DD, or "" */
};

void	registry_load_init(struct registry_load *, const char *name,
	    char *errbuf);
void	registry_load_free(struct registry_load *);

/*
 * Parse buf[0..len) into ld's rows and date, in the format its content
 * shows (a UTF-8 byte order mark in front is skipped).  Returns 0, or -1
 * with the message in ld->errbuf.
 */
int	registry_parse(struct registry_load *, const char *buf, size_t len);

/* ---- the readers -------------------------------------------------------- */

/* Does buf start with the IANA CSV header? */
int	registry_csv_sniff(const char *buf, size_t len);
int	registry_csv_parse(struct registry_load *, const char *buf,
	    size_t len);

/* Is buf's first non-blank line the legacy title "PORT NUMBERS"? */
int	registry_legacy_sniff(const char *buf, size_t len);

/*
 * Line readers for registry_parse_lines(): one line, without its LF or
 * CR LF.  They return 0 to go on, -1 on an error (the message written),
 * or REGISTRY_LINE_STOP when the rest of the file is not data.
 */
#define REGISTRY_LINE_STOP	1
int	registry_legacy_line(struct registry_load *, size_t lineno,
	    const char *line, size_t n);
int	registry_services_line(struct registry_load *, size_t lineno,
	    const char *line, size_t n);

/* Hand each line of buf, numbered from 1, to readline. */
int	registry_parse_lines(struct registry_load *, const char *buf,
	    size_t len, int (*readline)(struct registry_load *, size_t,
	    const char *, size_t));

/*
 * The line at *p in [*p, end): *line and *n (without LF or CR LF), and *p
 * moved past it.  Returns 0 when there is no line left.  Inline: it runs
 * once a line, and a services(5) line costs little more.
 */
static inline int
registry_next_line(const char **p, const char *end, const char **line,
    size_t *n)
{
	const char	*nl;

	if (*p >= end)
		return (0);
	if ((nl = memchr(*p, '\n', (size_t)(end - *p))) == NULL)
		nl = end;
	*line = *p;
	*n = (size_t)(nl - *p);
	if (*n > 0 && (*line)[*n - 1] == '\r')
		(*n)--;
	*p = nl < end ? nl + 1 : end;
	return (1);
}

/* ---- what the readers share --------------------------------------------- */

/* Fill errbuf with "FILE:LINE: reason" ("FILE: reason" for line 0); -1. */
int	registry_error(struct registry_load *, size_t line, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));

/* Add a row; name and desc (either may be NULL or empty) are copied. */
void	registry_add_row(struct registry_load *, const char *name,
	    size_t namelen, const char *desc, size_t desclen,
	    unsigned int protos, unsigned int lo, unsigned int hi, int rank);

/* A token: a run of bytes other than space and tab. */
struct registry_tok {
	const char	*s;
	size_t		 n;
};

/* Split [s, s+n) into up to max tokens; returns how many were found. */
size_t	registry_tokens(const char *s, size_t n, struct registry_tok *,
	    size_t max);

/* The rest of the line after token t, trimmed. */
void	registry_rest(const char *line, size_t n,
	    const struct registry_tok *t, const char **rest, size_t *restlen);

/* Trim spaces and tabs at both ends of [*s, *s + *n), and CRs at the end. */
void	registry_trim(const char **s, size_t *n);

/* Case-insensitive: does s[0..n) start with prefix? */
int	registry_prefix(const char *s, size_t n, const char *prefix);

/*
 * Decimal digits s[0..n) into *v: 0, or -1 when there are none or a
 * non-digit.  Values above 65535 come out as 65536 or more (clamped, so
 * long inputs cannot overflow) for the caller to reject.
 */
int	registry_number(const char *s, size_t n, unsigned long *v);

/* "N" or "N-M" into *a and *b (b = a for "N"), as registry_number() does. */
int	registry_range_numbers(const char *s, size_t n, unsigned long *a,
	    unsigned long *b);

/* Is s[0..n) shaped like "N" or "N-M" (digits only)? */
int	registry_is_range(const char *s, size_t n);

/*
 * "N" or "N-M" into lo and hi, checking 0 <= lo <= hi <= 65535.  Returns
 * 0, or -1 with a message for the line.
 */
int	registry_parse_range(struct registry_load *, size_t line,
	    const char *s, size_t n, unsigned int *lo, unsigned int *hi);

/* A transport name as the files write it: its REGISTRY_P_* bit, or -1. */
int	registry_proto_bit(const char *s, size_t n, unsigned int *bit);

/* What a row with no service name says, from its description. */
int	registry_nameless_rank(const char *desc, size_t n);

/* Keep in date the newest YYYY-MM-DD s[0..n); other shapes are ignored. */
void	registry_note_date(char date[11], const char *s, size_t n);

#endif /* PORTCLASS_REGISTRY_PARSE_H */
