/*
 * unofficial.c - the table of well-known unofficial port uses
 * (unofficial.h), parsed once from the compiled-in TSV.
 *
 * About 900 lines: a sorted array and a binary search are plenty.  Single
 * ports and ranges are kept apart: single ports are searched by number,
 * and the few dozen ranges are scanned, so a lookup for a report row costs
 * a handful of comparisons.  Nothing here runs per packet.
 *
 * Descriptions are checked once, here, to be UTF-8 without control
 * characters, so that every sink may pass them on as they are.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/log.h"
#include "portclass/proto.h"
#include "portclass/unofficial.h"
#include "portclass/utf8.h"
#include "portclass/xmalloc.h"

extern const unsigned char	unofficial_default_data[];
extern const size_t		unofficial_default_data_len;

#define UNOFFICIAL_TEXT_MAX	4096	/* longest merged description */

struct unofficial {
	struct unofficial_use	*ports;		/* lo == hi, sorted */
	size_t			 nports;
	struct unofficial_use	*ranges;	/* lo < hi, by width */
	size_t			 nranges;
	char			*text;		/* every string, NUL-separated */
};

static struct unofficial	*unofficial_builtin;

static int	unofficial_cmp_port(const void *, const void *);
static int	unofficial_cmp_range(const void *, const void *);
static int	unofficial_proto(const char *, size_t);
static unsigned int unofficial_map_proto(unsigned int);

static int
unofficial_cmp_port(const void *a, const void *b)
{
	const struct unofficial_use	*x = a, *y = b;

	if (x->proto != y->proto)
		return (x->proto < y->proto ? -1 : 1);
	if (x->lo != y->lo)
		return (x->lo < y->lo ? -1 : 1);
	return (0);
}

/* Narrowest first, then by protocol and first port: stable output. */
static int
unofficial_cmp_range(const void *a, const void *b)
{
	const struct unofficial_use	*x = a, *y = b;
	unsigned int			 wx = x->hi - x->lo, wy = y->hi - y->lo;

	if (wx != wy)
		return (wx < wy ? -1 : 1);
	return (unofficial_cmp_port(a, b));
}

static int
unofficial_proto(const char *s, size_t n)
{
	unsigned int	p;

	for (p = PC_PROTO_TCP; p <= PC_PROTO_DCCP; p++)
		if (strlen(pc_proto_name(p)) == n &&
		    memcmp(pc_proto_name(p), s, n) == 0)
			return ((int)p);
	return (-1);
}

struct unofficial *
unofficial_parse(const char *name, const char *buf, size_t len, char *errbuf)
{
	struct unofficial	*u;
	struct unofficial_use	 use;
	const char		*p, *end, *t1, *t2, *dash;
	char			*text;
	size_t			 line = 0, cap = 0, tlen;
	int			 proto;

	u = xcalloc(1, sizeof(*u));
	u->text = xmalloc(len + 1);
	memcpy(u->text, buf, len);
	u->text[len] = '\0';
	for (p = u->text; p < u->text + len; p = end + 1) {
		line++;
		if ((end = memchr(p, '\n', (size_t)(u->text + len - p))) ==
		    NULL)
			end = u->text + len;
		if (p == end || *p == '#')
			continue;
		/* proto TAB ports TAB text */
		t1 = memchr(p, '\t', (size_t)(end - p));
		t2 = t1 != NULL ? memchr(t1 + 1, '\t', (size_t)(end - t1 - 1)) :
		    NULL;
		if (t2 == NULL) {
			snprintf(errbuf, PC_ERRBUF_SIZE, "%s:%zu: expected "
			    "three tab-separated fields", name, line);
			goto fail;
		}
		if ((proto = unofficial_proto(p, (size_t)(t1 - p))) == -1) {
			snprintf(errbuf, PC_ERRBUF_SIZE, "%s:%zu: unknown "
			    "protocol", name, line);
			goto fail;
		}
		memset(&use, 0, sizeof(use));
		use.proto = (uint8_t)proto;
		dash = memchr(t1 + 1, '-', (size_t)(t2 - t1 - 1));
		if (dash == NULL) {
			if (pc_port_parse(t1 + 1, (size_t)(t2 - t1 - 1),
			    &use.lo) == -1)
				goto badport;
			use.hi = use.lo;
		} else if (pc_port_parse(t1 + 1, (size_t)(dash - t1 - 1),
		    &use.lo) == -1 || pc_port_parse(dash + 1,
		    (size_t)(t2 - dash - 1), &use.hi) == -1 || use.lo > use.hi)
			goto badport;
		tlen = (size_t)(end - t2 - 1);
		if (tlen == 0 || tlen > UNOFFICIAL_TEXT_MAX) {
			snprintf(errbuf, PC_ERRBUF_SIZE, "%s:%zu: description "
			    "empty or longer than %d bytes", name, line,
			    UNOFFICIAL_TEXT_MAX);
			goto fail;
		}
		if (!utf8_printable_text(t2 + 1, tlen)) {
			snprintf(errbuf, PC_ERRBUF_SIZE, "%s:%zu: description "
			    "is not UTF-8 text (or holds a control character)",
			    name, line);
			goto fail;
		}
		/* Terminate the text in place; the line end becomes NUL. */
		text = u->text + (t2 + 1 - u->text);
		text[tlen] = '\0';
		use.text = text;
		if (use.lo == use.hi) {
			if (u->nports == cap) {
				cap = cap ? cap * 2 : 256;
				u->ports = xreallocarray(u->ports, cap,
				    sizeof(*u->ports));
			}
			u->ports[u->nports++] = use;
		} else {
			u->ranges = xreallocarray(u->ranges, u->nranges + 1,
			    sizeof(*u->ranges));
			u->ranges[u->nranges++] = use;
		}
		continue;
badport:
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s:%zu: bad port or range",
		    name, line);
		goto fail;
	}
	if (u->nports > 0)
		qsort(u->ports, u->nports, sizeof(*u->ports),
		    unofficial_cmp_port);
	if (u->nranges > 0)
		qsort(u->ranges, u->nranges, sizeof(*u->ranges),
		    unofficial_cmp_range);
	return (u);
fail:
	unofficial_free(u);
	return (NULL);
}

const struct unofficial *
unofficial_default(void)
{
	char	errbuf[PC_ERRBUF_SIZE];

	if (unofficial_builtin == NULL &&
	    (unofficial_builtin = unofficial_parse("embedded unofficial-ports",
	    (const char *)unofficial_default_data,
	    unofficial_default_data_len, errbuf)) == NULL)
		fatalx("%s", errbuf);
	return (unofficial_builtin);
}

static unsigned int
unofficial_map_proto(unsigned int proto)
{
	return (proto == PC_PROTO_UDPLITE ? PC_PROTO_UDP : proto);
}

size_t
unofficial_find(const struct unofficial *u, unsigned int proto,
    uint16_t port, const struct unofficial_use **out, size_t max)
{
	struct unofficial_use		 key;
	const struct unofficial_use	*hit;
	size_t				 n = 0, i;

	if (u == NULL)
		return (0);
	memset(&key, 0, sizeof(key));
	key.proto = (uint8_t)unofficial_map_proto(proto);
	key.lo = port;
	if (u->nports > 0 && (hit = bsearch(&key, u->ports, u->nports,
	    sizeof(*u->ports), unofficial_cmp_port)) != NULL) {
		if (n < max)
			out[n] = hit;
		n++;
	}
	for (i = 0; i < u->nranges; i++) {
		if (u->ranges[i].proto != key.proto ||
		    port < u->ranges[i].lo || port > u->ranges[i].hi)
			continue;
		if (n < max)
			out[n] = &u->ranges[i];
		n++;
	}
	return (n);
}

enum unofficial_verdict
unofficial_judge(const struct unofficial_use *use, enum reg_status status)
{
	if (use->lo == use->hi)
		return (UNOFFICIAL_SHOWN);
	if ((unsigned int)(use->hi - use->lo) + 1 > UNOFFICIAL_RANGE_MAX)
		return (UNOFFICIAL_WIDE);
	if (status == REG_ASSIGNED || status == REG_LOCAL)
		return (UNOFFICIAL_NAMED);
	return (UNOFFICIAL_SHOWN);
}

const struct unofficial_use *
unofficial_report(const struct unofficial *u, unsigned int proto,
    uint16_t port, enum reg_status status)
{
	const struct unofficial_use	*uses[2];
	size_t				 n, i;

	/*
	 * Two are enough: the port's own line, which always passes, and the
	 * narrowest range.  Where that range fails, every wider one fails
	 * too: the same status, a greater width.
	 */
	n = unofficial_find(u, proto, port, uses, 2);
	for (i = 0; i < n && i < 2; i++)
		if (unofficial_judge(uses[i], status) == UNOFFICIAL_SHOWN)
			return (uses[i]);
	return (NULL);
}

size_t
unofficial_count(const struct unofficial *u)
{
	return (u != NULL ? u->nports + u->nranges : 0);
}

void
unofficial_free(struct unofficial *u)
{
	if (u == NULL)
		return;
	free(u->ports);
	free(u->ranges);
	free(u->text);
	free(u);
}
