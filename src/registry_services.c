/*
 * registry_services.c - services(5) files into registry rows.
 *
 * A line is "name port/proto [aliases...] [# comment]"; Wireshark's file
 * writes "name port[-port]/tcp/udp[/sctp][/dccp] # comment".  The name and
 * each alias become a row on the same ports, the name first, and the
 * comment is their description.  Protocols other than the four IP
 * transports (netbase lists AppleTalk "ddp") are skipped, and a line with
 * only those gives nothing.  A line keeps at most 62 aliases; more are
 * ignored.
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "portclass/registry_parse.h"

#define REGISTRY_SERVICES_WORDS	64	/* name, port, 62 aliases */

/*
 * Cut a "# comment" off the line, trimmed into *desc (left alone when
 * there is none); returns the length of what comes before it.
 */
static size_t
registry_services_comment(const char *line, size_t n, const char **desc,
    size_t *desclen)
{
	const char	*hash;

	if ((hash = memchr(line, '#', n)) == NULL)
		return (n);
	*desc = hash + 1;
	*desclen = n - (size_t)(*desc - line);
	registry_trim(desc, desclen);
	return ((size_t)(hash - line));
}

/* Is s[0..n) letters and digits only? */
static int
registry_services_alnum(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]))
			return (0);
	return (1);
}

/*
 * The "/proto" parts of the port word w, from the first slash on: the
 * bits of those the registry holds go into *protos (0 if none).  An empty
 * part or one with other than letters and digits is an error.
 */
static int
registry_services_protos(struct registry_load *ld, size_t lineno,
    const struct registry_tok *w, const char *slash, unsigned int *protos)
{
	const char	*s, *e, *end = w->s + w->n;
	unsigned int	 bit;

	*protos = 0;
	for (s = slash; s < end; s = e) {
		s++;	/* over the slash */
		if ((e = memchr(s, '/', (size_t)(end - s))) == NULL)
			e = end;
		if (e == s)
			return (registry_error(ld, lineno,
			    "empty protocol in \"%.*s\"", (int)w->n, w->s));
		if (!registry_services_alnum(s, (size_t)(e - s)))
			return (registry_error(ld, lineno,
			    "bad protocol in \"%.*s\"", (int)w->n, w->s));
		if (registry_proto_bit(s, (size_t)(e - s), &bit) == 0)
			*protos |= bit;
	}
	return (0);
}

int
registry_services_line(struct registry_load *ld, size_t lineno,
    const char *line, size_t n)
{
	struct registry_tok	 t[REGISTRY_SERVICES_WORDS];
	const char		*desc = NULL, *slash;
	size_t			 k, i, desclen = 0, rangelen;
	unsigned int		 protos, lo, hi;

	n = registry_services_comment(line, n, &desc, &desclen);
	if ((k = registry_tokens(line, n, t, REGISTRY_SERVICES_WORDS)) == 0)
		return (0);
	if (k == 1)
		return (registry_error(ld, lineno,
		    "\"%.*s\" has no port/protocol", (int)t[0].n, t[0].s));
	slash = memchr(t[1].s, '/', t[1].n);
	rangelen = slash == NULL ? t[1].n : (size_t)(slash - t[1].s);
	if (slash == NULL || !registry_is_range(t[1].s, rangelen))
		return (registry_error(ld, lineno,
		    "expected port/protocol, found \"%.*s\"",
		    (int)t[1].n, t[1].s));
	if (registry_parse_range(ld, lineno, t[1].s, rangelen, &lo, &hi) ==
	    -1 || registry_services_protos(ld, lineno, &t[1], slash,
	    &protos) == -1)
		return (-1);
	if (protos == 0)
		return (0);	/* only non-IP protocols */
	/* The name, then its aliases; t[1] is the port. */
	for (i = 0; i < k; i++)
		if (i != 1)
			registry_add_row(ld, t[i].s, t[i].n, desc, desclen,
			    protos, lo, hi, REGISTRY_RANK_ASSIGNED);
	return (0);
}
