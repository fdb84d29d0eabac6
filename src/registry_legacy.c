/*
 * registry_legacy.c - IANA's legacy port-numbers text into registry rows.
 *
 * The file IANA published until 2011 is prose around data lines:
 *	keyword  port[/proto]  description
 *	         port[/proto]  description		(no keyword)
 *	#        port[/proto]  Unassigned		(commented out)
 * A port column is "N", "N-M", "N/proto" or "N-M/proto"; with no protocol
 * the line counts for tcp and udp.  Every other line before the REFERENCES
 * heading (prose, headings, banners, contact lines) is skipped, and so is
 * everything after it.  The "(last updated ...)" line gives the date.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "portclass/registry_parse.h"

static const char *const registry_months[] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};

int
registry_legacy_sniff(const char *buf, size_t len)
{
	const char	*p = buf, *s;
	size_t		 n;

	while (registry_next_line(&p, buf + len, &s, &n)) {
		registry_trim(&s, &n);
		if (n > 0)
			return (n == 12 && memcmp(s, "PORT NUMBERS", 12) == 0);
	}
	return (0);
}

/* "(last updated 2003-11-13)" or "(last updated 22 December 2005)". */
static void
registry_legacy_date(struct registry_load *ld, const char *s, size_t n)
{
	struct registry_tok	t[3];
	unsigned long		day, year;
	size_t			m, k;

	k = registry_tokens(s, n, t, 3);
	if (k >= 1 && t[0].n >= 10)
		registry_note_date(ld->date, t[0].s, 10);
	if (k < 3 || registry_number(t[0].s, t[0].n, &day) == -1 ||
	    day < 1 || day > 31)
		return;
	if (t[2].n < 4 || registry_number(t[2].s, 4, &year) == -1)
		return;
	for (m = 0; m < 12; m++) {
		if (t[1].n == strlen(registry_months[m]) &&
		    registry_prefix(t[1].s, t[1].n, registry_months[m])) {
			snprintf(ld->date, sizeof(ld->date),
			    "%04lu-%02zu-%02lu", year, m + 1, day);
			return;
		}
	}
}

/*
 * A port column.  Returns 1 if t has that shape (then *protos is the
 * protocol bit, or tcp|udp when absent, and *rangelen the length of the
 * number part), 0 otherwise.  *protos is 0 for an unknown protocol name,
 * which the caller reports.
 */
static int
registry_legacy_portcol(const struct registry_tok *t, unsigned int *protos,
    size_t *rangelen)
{
	const char	*slash;
	size_t		 i;

	slash = memchr(t->s, '/', t->n);
	*rangelen = slash == NULL ? t->n : (size_t)(slash - t->s);
	if (!registry_is_range(t->s, *rangelen))
		return (0);
	if (slash == NULL) {
		*protos = REGISTRY_P_TCP | REGISTRY_P_UDP;
		return (1);
	}
	if (t->n - *rangelen - 1 == 0)
		return (0);
	for (i = *rangelen + 1; i < t->n; i++)
		if (!isalpha((unsigned char)t->s[i]))
			return (0);
	if (registry_proto_bit(slash + 1, t->n - *rangelen - 1, protos) == -1)
		*protos = 0;
	return (1);
}

/* Step over leading blanks and '#'s; 1 if the line was commented out. */
static int
registry_legacy_uncomment(const char **p, size_t *n)
{
	int	commented = 0;

	while (*n > 0 && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && **p == '#') {
		commented = 1;
		(*p)++;
		(*n)--;
	}
	return (commented);
}

/*
 * Which of a line's first two tokens is its port column: the first, or
 * the second after a keyword, which goes into *name ("*" is no keyword,
 * and a commented line has none).  NULL for any other line.
 */
static const struct registry_tok *
registry_legacy_find_port(const struct registry_tok *t, size_t k,
    int commented, struct registry_tok *name, unsigned int *protos,
    size_t *rangelen)
{
	if (k == 0)
		return (NULL);
	if (registry_legacy_portcol(&t[0], protos, rangelen))
		return (&t[0]);
	if (commented || k < 2 ||
	    !registry_legacy_portcol(&t[1], protos, rangelen))
		return (NULL);
	if (!(t[0].n == 1 && t[0].s[0] == '*'))
		*name = t[0];
	return (&t[1]);
}

/* A line that is not the date or the REFERENCES heading. */
static int
registry_legacy_data(struct registry_load *ld, size_t lineno,
    const char *line, size_t n)
{
	struct registry_tok		 t[2], name = { NULL, 0 };
	const struct registry_tok	*pc;
	const char			*rest;
	size_t				 rangelen, restlen;
	unsigned long			 a, b;
	unsigned int			 protos, lo, hi;
	int				 commented, rank;

	commented = registry_legacy_uncomment(&line, &n);
	pc = registry_legacy_find_port(t, registry_tokens(line, n, t, 2),
	    commented, &name, &protos, &rangelen);
	if (pc == NULL)
		return (0);	/* blank, prose, heading or contact line */
	if (protos == 0)
		return (registry_error(ld, lineno,
		    "unknown protocol in \"%.*s\"", (int)pc->n, pc->s));
	/*
	 * The 2005 edition has "#  24322-24248  Unassigned": a typo in a
	 * commented-out note that assigns nothing.  Skip such a note rather
	 * than refuse the whole file; a reversed range anywhere else is an
	 * error.
	 */
	if (commented && registry_range_numbers(pc->s, rangelen, &a, &b) == 0 &&
	    a > b)
		return (0);
	if (registry_parse_range(ld, lineno, pc->s, rangelen, &lo, &hi) == -1)
		return (-1);
	registry_rest(line, n, pc, &rest, &restlen);
	rank = name.s != NULL ? REGISTRY_RANK_ASSIGNED :
	    registry_nameless_rank(rest, restlen);
	registry_add_row(ld, name.s, name.n, rest, restlen, protos, lo, hi,
	    rank);
	return (0);
}

int
registry_legacy_line(struct registry_load *ld, size_t lineno,
    const char *line, size_t n)
{
	const char	*s = line;
	size_t		 sn = n;

	registry_trim(&s, &sn);
	if (sn > 14 && memcmp(s, "(last updated ", 14) == 0)
		registry_legacy_date(ld, s + 14, sn - 14);
	/* The bibliography is not data. */
	if (sn == 10 && memcmp(s, "REFERENCES", 10) == 0)
		return (REGISTRY_LINE_STOP);
	return (registry_legacy_data(ld, lineno, line, n));
}
