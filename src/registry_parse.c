/*
 * registry_parse.c - the parse stage of a registry load (registry_parse.h):
 * which format a file is in, and what its readers share.
 *
 * The format is recognised from the content, never the file name: IANA's
 * CSV by its header, IANA's legacy text by its title line, and anything
 * else is read as services(5).  The helpers below read the pieces all
 * three formats have (port numbers and ranges, protocol names, the
 * description of a row without a name) so that each reader says the same
 * thing about them in the same words.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/log.h"
#include "portclass/registry_parse.h"
#include "portclass/xmalloc.h"

void
registry_load_init(struct registry_load *ld, const char *name, char *errbuf)
{
	memset(ld, 0, sizeof(*ld));
	ld->name = name;
	ld->errbuf = errbuf;
}

void
registry_load_free(struct registry_load *ld)
{
	free(ld->rows);
	ld->rows = NULL;
	ld->nrows = ld->rowcap = 0;
	registry_arena_free(&ld->scratch);
}

int
registry_parse(struct registry_load *ld, const char *buf, size_t len)
{
	/* A UTF-8 byte order mark is not part of the data. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	if (registry_csv_sniff(buf, len))
		return (registry_csv_parse(ld, buf, len));
	if (registry_legacy_sniff(buf, len))
		return (registry_parse_lines(ld, buf, len,
		    registry_legacy_line));
	return (registry_parse_lines(ld, buf, len, registry_services_line));
}

int
registry_parse_lines(struct registry_load *ld, const char *buf, size_t len,
    int (*readline)(struct registry_load *, size_t, const char *, size_t))
{
	const char	*p = buf, *line;
	size_t		 lineno = 0, n;
	int		 rv;

	while (registry_next_line(&p, buf + len, &line, &n)) {
		if ((rv = readline(ld, ++lineno, line, n)) != 0)
			return (rv == REGISTRY_LINE_STOP ? 0 : -1);
	}
	return (0);
}

int
registry_error(struct registry_load *ld, size_t line, const char *fmt, ...)
{
	va_list	 ap;
	int	 off;

	if (ld->errbuf == NULL)
		return (-1);
	if (line > 0)
		off = snprintf(ld->errbuf, PC_ERRBUF_SIZE, "%s:%zu: ", ld->name,
		    line);
	else
		off = snprintf(ld->errbuf, PC_ERRBUF_SIZE, "%s: ", ld->name);
	if (off < 0)
		off = 0;
	if ((size_t)off < PC_ERRBUF_SIZE) {
		va_start(ap, fmt);
		vsnprintf(ld->errbuf + off, PC_ERRBUF_SIZE - (size_t)off, fmt,
		    ap);
		va_end(ap);
	}
	return (-1);
}

void
registry_add_row(struct registry_load *ld, const char *name, size_t namelen,
    const char *desc, size_t desclen, unsigned int protos, unsigned int lo,
    unsigned int hi, int rank)
{
	struct registry_row	*r;

	if (ld->nrows == ld->rowcap) {
		ld->rowcap = ld->rowcap == 0 ? 1024 : ld->rowcap * 2;
		ld->rows = xreallocarray(ld->rows, ld->rowcap,
		    sizeof(*ld->rows));
	}
	r = &ld->rows[ld->nrows++];
	memset(r, 0, sizeof(*r));
	if (name != NULL && namelen > 0)
		r->name = registry_arena_strndup(&ld->scratch, name, namelen);
	if (desc != NULL && desclen > 0)
		r->desc = registry_arena_strndup(&ld->scratch, desc, desclen);
	r->lo = (uint16_t)lo;
	r->hi = (uint16_t)hi;
	r->protos = (uint8_t)protos;
	r->rank = (int8_t)rank;
}

/* ---- lines and tokens --------------------------------------------------- */

size_t
registry_tokens(const char *s, size_t n, struct registry_tok *t, size_t max)
{
	size_t	i = 0, k = 0, start;

	while (k < max) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		t[k].s = s + start;
		t[k].n = i - start;
		k++;
	}
	return (k);
}

void
registry_rest(const char *line, size_t n, const struct registry_tok *t,
    const char **rest, size_t *restlen)
{
	*rest = t->s + t->n;
	*restlen = n - (size_t)(*rest - line);
	registry_trim(rest, restlen);
}

void
registry_trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' ||
	    (*s)[*n - 1] == '\r'))
		(*n)--;
}

int
registry_prefix(const char *s, size_t n, const char *prefix)
{
	size_t	plen = strlen(prefix), i;

	if (n < plen)
		return (0);
	for (i = 0; i < plen; i++)
		if (tolower((unsigned char)s[i]) !=
		    tolower((unsigned char)prefix[i]))
			return (0);
	return (1);
}

/* Case-insensitive: does needle occur in s[0..n)? */
static int
registry_contains(const char *s, size_t n, const char *needle)
{
	size_t	nlen = strlen(needle), i;

	for (i = 0; i + nlen <= n; i++)
		if (registry_prefix(s + i, n - i, needle))
			return (1);
	return (0);
}

/* ---- ports, protocols, statuses, dates ---------------------------------- */

int
registry_number(const char *s, size_t n, unsigned long *v)
{
	size_t	i;

	if (n == 0)
		return (-1);
	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return (-1);
		if (*v < 1000000)
			*v = *v * 10 + (unsigned long)(s[i] - '0');
	}
	return (0);
}

int
registry_range_numbers(const char *s, size_t n, unsigned long *a,
    unsigned long *b)
{
	const char	*dash;
	size_t		 left;

	if ((dash = memchr(s, '-', n)) == NULL) {
		if (registry_number(s, n, a) == -1)
			return (-1);
		*b = *a;
		return (0);
	}
	left = (size_t)(dash - s);
	if (registry_number(s, left, a) == -1 ||
	    registry_number(dash + 1, n - left - 1, b) == -1)
		return (-1);
	return (0);
}

int
registry_is_range(const char *s, size_t n)
{
	unsigned long	a, b;

	return (n > 0 && isdigit((unsigned char)s[0]) &&
	    registry_range_numbers(s, n, &a, &b) == 0);
}

int
registry_parse_range(struct registry_load *ld, size_t line, const char *s,
    size_t n, unsigned int *lo, unsigned int *hi)
{
	unsigned long	a, b;

	if (registry_range_numbers(s, n, &a, &b) == -1)
		return (registry_error(ld, line, "bad port %s \"%.*s\"",
		    memchr(s, '-', n) == NULL ? "number" : "range", (int)n, s));
	if (a > 65535 || b > 65535)
		return (registry_error(ld, line,
		    "port %.*s out of range 0-65535", (int)n, s));
	if (a > b)
		return (registry_error(ld, line,
		    "port range %.*s is reversed", (int)n, s));
	*lo = (unsigned int)a;
	*hi = (unsigned int)b;
	return (0);
}

int
registry_proto_bit(const char *s, size_t n, unsigned int *bit)
{
	static const struct {
		const char	*name;
		unsigned int	 bit;
	} protos[] = {
		{ "tcp", REGISTRY_P_TCP }, { "udp", REGISTRY_P_UDP },
		{ "sctp", REGISTRY_P_SCTP }, { "dccp", REGISTRY_P_DCCP }
	};
	size_t	i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (strlen(protos[i].name) == n &&
		    registry_prefix(s, n, protos[i].name)) {
			*bit = protos[i].bit;
			return (0);
		}
	}
	return (-1);
}

/*
 * The "any private ..." rows (24, 35, 57, ...) are assignments without a
 * keyword; "Reserved" (also "IANA Reserved", "Reserved - IANA") is
 * reserved; anything else (Unassigned, De-registered, Removed, notes) says
 * the port is unassigned.
 */
int
registry_nameless_rank(const char *desc, size_t n)
{
	if (registry_contains(desc, n, "any private"))
		return (REGISTRY_RANK_ASSIGNED);
	if (registry_prefix(desc, n, "reserved") ||
	    registry_prefix(desc, n, "iana reserved"))
		return (REGISTRY_RANK_RESERVED);
	return (REGISTRY_RANK_UNASSIGNED);
}

void
registry_note_date(char date[11], const char *s, size_t n)
{
	static const char	shape[] = "dddd-dd-dd";
	size_t			i;

	if (n != 10)
		return;
	for (i = 0; i < 10; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    s[i] != '-')
			return;
	}
	if (date[0] == '\0' || memcmp(s, date, 10) > 0) {
		memcpy(date, s, 10);
		date[10] = '\0';
	}
}
