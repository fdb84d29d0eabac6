/*
 * registry.c - IANA port registry loader and the (protocol, port) table.
 *
 * A load runs in two stages.  First the input is parsed into a list of rows
 * (protocols, port range, status, one name, description), with every
 * string in a scratch arena; any bad line stops here and the registry is
 * not touched.  Then the rows are resolved port by port (assigned beats
 * reserved beats unassigned, names kept in file order) and merged: every
 * (protocol, port) the file mentions replaces what the registry held.
 * Each load that succeeds is kept as a source with its own name and date,
 * and every entry remembers its source, so that each source can say how
 * many entries it still gives after later loads replaced some.
 *
 * Only assigned and reserved ports are stored, in one uthash table keyed by
 * a 4-byte (port, protocol, pad) key with a multiplicative hash and buckets
 * sized up front, since registry_lookup() runs once or twice per packet.
 * Strings, entries and name arrays live in one arena (registry_arena.h)
 * freed by registry_free(), except the strings of a build-time image
 * (registry_image.h), which stay in the image's constant pool.  This is
 * the only file that includes uthash.h (flow.c aside).  Formats and
 * policies are described in registry.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/csv.h"
#include "portclass/log.h"
#include "portclass/proto.h"
#include "portclass/registry.h"
#include "portclass/registry_arena.h"
#include "portclass/registry_image.h"
#include "portclass/xmalloc.h"

/*
 * uthash hooks.  An allocation failure inside uthash leaves the table
 * unusable (uthash guide), so it is fatal like every other startup
 * allocation.  The key is exactly 4 bytes; a multiply by the 32-bit golden
 * ratio spreads it, and folding the high half down matters because uthash
 * picks the bucket from the low bits.
 */
#define uthash_fatal(msg)	fatalx("registry: %s", (msg))
#define HASH_FUNCTION(keyptr, keylen, hashv) do {			\
	(void)(keylen);							\
	(hashv) = registry_hash(keyptr);				\
} while (0)

struct registry_key {
	uint16_t	port;
	uint8_t		proto;		/* enum pc_proto, TCP..DCCP */
	uint8_t		pad;		/* always 0: hashed and compared */
};

static inline unsigned int
registry_hash(const void *keyptr)
{
	uint32_t	v;

	memcpy(&v, keyptr, sizeof(v));
	v *= 0x9e3779b1U;
	return ((unsigned int)(v ^ (v >> 16)));
}

#include <uthash.h>

/*
 * The IANA CSV gives about 12,800 stored (protocol, port) entries; start
 * with 16,384 buckets (256 KB) so the table never rehashes while loading
 * and chains stay near one entry.  HASH_MAKE_TABLE reads these at use.
 */
#undef HASH_INITIAL_NUM_BUCKETS
#undef HASH_INITIAL_NUM_BUCKETS_LOG2
#define HASH_INITIAL_NUM_BUCKETS	16384U
#define HASH_INITIAL_NUM_BUCKETS_LOG2	14U

#define REGISTRY_NPROTO		4	/* tcp, udp, sctp, dccp */
#define REGISTRY_NPORTS		65536
#define REGISTRY_MAX_FILE	(64U * 1024 * 1024)

/* Ranks used to resolve overlaps: higher wins. */
#define REGISTRY_RANK_NONE	(-1)	/* the file says nothing */
#define REGISTRY_RANK_UNASSIGNED 0
#define REGISTRY_RANK_RESERVED	1
#define REGISTRY_RANK_ASSIGNED	2

#define REGISTRY_P_TCP		(1U << PC_PROTO_TCP)
#define REGISTRY_P_UDP		(1U << PC_PROTO_UDP)
#define REGISTRY_P_SCTP		(1U << PC_PROTO_SCTP)
#define REGISTRY_P_DCCP		(1U << PC_PROTO_DCCP)

/* The source of an entry that no load set: a local name (--map). */
#define REGISTRY_SRC_LOCAL	UINT32_MAX

struct registry_entry {
	struct service		 svc;
	const char		**names;	/* svc.names, writable */
	struct registry_key	 key;
	uint32_t		 src;		/* index in sources, or _LOCAL */
	UT_hash_handle		 hh;
};

struct registry {
	struct registry_entry	*table;		/* uthash head */
	/*
	 * The class (registry.h) of every (proto, port), one byte each,
	 * allocated with the registry and rebuilt from the table after each
	 * load.  The service-port rule reads two classes per packet; a 256 KiB
	 * array answers each with one load instead of a hash probe.  Names
	 * are looked up in the table only when a report is written.
	 */
	uint8_t			*status;	/* [proto * NPORTS + port] */
	struct registry_arena	 arena;
	/* One per successful load; names and dates live in the arena. */
	struct registry_source	*sources;
	size_t			 nsources, srccap;
};

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
	char			*errbuf;
	struct registry_arena	 scratch;
	struct registry_row	*rows;
	size_t			 nrows, rowcap;
	char			 date[11];
};

/* Fill errbuf with "FILE:LINE: reason" (or "FILE: reason") and return -1. */
static int __attribute__((format(printf, 3, 4)))
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

static void
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

/* Case-insensitive prefix test on a NUL-free span. */
static int
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

static int
registry_contains(const char *s, size_t n, const char *needle)
{
	size_t	nlen = strlen(needle), i;

	for (i = 0; i + nlen <= n; i++)
		if (registry_prefix(s + i, n - i, needle))
			return (1);
	return (0);
}

/*
 * Status of a row that has no service name, from its description: the
 * "any private ..." rows (24, 35, 57, ...) are assignments without a
 * keyword; "Reserved" (also "IANA Reserved", "Reserved - IANA") is
 * reserved; anything else (Unassigned, De-registered, Removed, notes) says
 * the port is unassigned.
 */
static int
registry_nameless_rank(const char *desc, size_t n)
{
	if (registry_contains(desc, n, "any private"))
		return (REGISTRY_RANK_ASSIGNED);
	if (registry_prefix(desc, n, "reserved") ||
	    registry_prefix(desc, n, "iana reserved"))
		return (REGISTRY_RANK_RESERVED);
	return (REGISTRY_RANK_UNASSIGNED);
}

/* A transport name as written in the files. */
static int
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
 * Parse decimal digits s[0..n) into *v.  Returns 0, or -1 if there are no
 * digits or a non-digit.  Values above 65535 are reported as 65536 or more
 * (clamped so that long inputs cannot overflow) for the caller to reject.
 */
static int
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

/* Is s[0..n) shaped like "N" or "N-M" (digits only)? */
static int
registry_is_range(const char *s, size_t n)
{
	const char	*dash;

	if (n == 0 || !isdigit((unsigned char)s[0]))
		return (0);
	dash = memchr(s, '-', n);
	if (dash == NULL)
		return (registry_number(s, n, &(unsigned long){0}) == 0);
	return (registry_number(s, (size_t)(dash - s),
	    &(unsigned long){0}) == 0 &&
	    registry_number(dash + 1, n - (size_t)(dash - s) - 1,
	    &(unsigned long){0}) == 0);
}

/*
 * Parse "N" or "N-M" into lo/hi, checking 0 <= lo <= hi <= 65535.
 * Returns 0 or -1 with an error message for the line.
 */
static int
registry_parse_range(struct registry_load *ld, size_t line, const char *s,
    size_t n, unsigned int *lo, unsigned int *hi)
{
	const char	*dash;
	unsigned long	 a, b;

	dash = memchr(s, '-', n);
	if (dash == NULL) {
		if (registry_number(s, n, &a) == -1)
			return (registry_error(ld, line,
			    "bad port number \"%.*s\"", (int)n, s));
		b = a;
	} else if (registry_number(s, (size_t)(dash - s), &a) == -1 ||
	    registry_number(dash + 1, n - (size_t)(dash - s) - 1, &b) == -1)
		return (registry_error(ld, line, "bad port range \"%.*s\"",
		    (int)n, s));
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

/* Is s[0..n), already known to be "N-M", a range with N > M? */
static int
registry_range_reversed(const char *s, size_t n)
{
	const char	*dash;
	unsigned long	 a, b;

	if ((dash = memchr(s, '-', n)) == NULL)
		return (0);
	if (registry_number(s, (size_t)(dash - s), &a) == -1 ||
	    registry_number(dash + 1, n - (size_t)(dash - s) - 1, &b) == -1)
		return (0);
	return (a > b);
}

/* Keep the newest YYYY-MM-DD date seen; other shapes are ignored. */
static void
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

/* Trim spaces and tabs at both ends of [*s, *s + *n). */
static void
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

/* ---- IANA CSV ---------------------------------------------------------- */

static const char registry_csv_magic[] =
    "Service Name,Port Number,Transport Protocol";

static int
registry_csv_column(struct csv_reader *cr, const char *want)
{
	size_t	i;

	for (i = 0; i < csv_nfields(cr); i++)
		if (strcmp(csv_field(cr, i), want) == 0)
			return ((int)i);
	return (-1);
}

static int
registry_parse_csv(struct registry_load *ld, const char *buf, size_t len)
{
	struct csv_reader	 cr;
	const char		*name, *port, *proto, *desc;
	size_t			 ncols, namelen, portlen, protolen, desclen;
	unsigned int		 lo, hi, protos, bit;
	int			 c_name, c_port, c_proto, c_desc, c_reg, c_mod;
	int			 rv, rank;

	csv_init(&cr, buf, len);
	if ((rv = csv_next(&cr)) != 1) {
		csv_free(&cr);
		return (registry_error(ld, 1, "%s", rv == 0 ? "empty file" :
		    csv_error(&cr)));
	}
	ncols = csv_nfields(&cr);
	c_name = registry_csv_column(&cr, "Service Name");
	c_port = registry_csv_column(&cr, "Port Number");
	c_proto = registry_csv_column(&cr, "Transport Protocol");
	c_desc = registry_csv_column(&cr, "Description");
	c_reg = registry_csv_column(&cr, "Registration Date");
	c_mod = registry_csv_column(&cr, "Modification Date");
	if (c_name == -1 || c_port == -1 || c_proto == -1 || c_desc == -1) {
		csv_free(&cr);
		return (registry_error(ld, 1, "CSV header lacks Service Name, "
		    "Port Number, Transport Protocol or Description"));
	}

	while ((rv = csv_next(&cr)) == 1) {
		/* An empty line (one empty field) carries nothing. */
		if (csv_nfields(&cr) == 1 && csv_field_len(&cr, 0) == 0)
			continue;
		if (csv_nfields(&cr) != ncols) {
			rv = registry_error(ld, csv_line(&cr),
			    "%zu fields, expected %zu as in the header",
			    csv_nfields(&cr), ncols);
			break;
		}
		if (c_reg != -1)
			registry_note_date(ld->date, csv_field(&cr,
			    (size_t)c_reg), csv_field_len(&cr, (size_t)c_reg));
		if (c_mod != -1)
			registry_note_date(ld->date, csv_field(&cr,
			    (size_t)c_mod), csv_field_len(&cr, (size_t)c_mod));

		name = csv_field(&cr, (size_t)c_name);
		namelen = csv_field_len(&cr, (size_t)c_name);
		port = csv_field(&cr, (size_t)c_port);
		portlen = csv_field_len(&cr, (size_t)c_port);
		proto = csv_field(&cr, (size_t)c_proto);
		protolen = csv_field_len(&cr, (size_t)c_proto);
		desc = csv_field(&cr, (size_t)c_desc);
		desclen = csv_field_len(&cr, (size_t)c_desc);
		registry_trim(&name, &namelen);
		registry_trim(&port, &portlen);
		registry_trim(&proto, &protolen);

		/* Service names without a port exist for DNS-SD only. */
		if (portlen == 0)
			continue;
		if (registry_parse_range(ld, csv_line(&cr), port, portlen,
		    &lo, &hi) == -1) {
			rv = -1;
			break;
		}
		if (protolen == 0)
			protos = REGISTRY_P_TCP | REGISTRY_P_UDP;
		else if (registry_proto_bit(proto, protolen, &bit) == 0)
			protos = bit;
		else {
			rv = registry_error(ld, csv_line(&cr),
			    "unknown protocol \"%.*s\"", (int)protolen, proto);
			break;
		}
		rank = namelen > 0 ? REGISTRY_RANK_ASSIGNED :
		    registry_nameless_rank(desc, desclen);
		registry_add_row(ld, name, namelen, desc, desclen, protos,
		    lo, hi, rank);
	}
	if (rv == -1 && csv_error(&cr) != NULL)
		registry_error(ld, csv_line(&cr), "%s", csv_error(&cr));
	csv_free(&cr);
	return (rv == -1 ? -1 : 0);
}

/* ---- line-oriented formats --------------------------------------------- */

/* A token: a run of bytes other than space and tab. */
struct registry_tok {
	const char	*s;
	size_t		 n;
};

/* Split [s, s+n) into up to max tokens; returns how many were found. */
static size_t
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

/* The rest of the line after token t, trimmed. */
static void
registry_rest(const char *line, size_t n, const struct registry_tok *t,
    const char **rest, size_t *restlen)
{
	*rest = t->s + t->n;
	*restlen = n - (size_t)(*rest - line);
	registry_trim(rest, restlen);
}

/*
 * A legacy port column: "N", "N-M", "N/proto" or "N-M/proto".  Returns 1
 * if t has that shape (then *protos is the protocol bit, or tcp|udp when
 * absent, and *rangelen the length of the number part), 0 otherwise.
 * *protos is 0 for an unknown protocol name, which the caller reports.
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

static const char *const registry_months[] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};

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
 * IANA's legacy port-numbers text.  Data lines are
 *	keyword  port[/proto]  description
 *	         port[/proto]  description		(no keyword)
 *	#        port[/proto]  Unassigned		(commented out)
 * Everything else before the REFERENCES section is prose, contact lines or
 * banners and is skipped; see registry.h.
 */
static int
registry_legacy_line(struct registry_load *ld, size_t lineno,
    const char *line, size_t n)
{
	struct registry_tok	 t[2], *pc;
	const char		*p = line, *name = NULL, *rest;
	size_t			 k, rangelen, namelen = 0, restlen, m = n;
	unsigned int		 protos, lo, hi;
	int			 commented = 0, rank;

	while (m > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		m--;
	}
	if (m > 0 && *p == '#') {
		commented = 1;
		while (m > 0 && *p == '#') {
			p++;
			m--;
		}
	}
	k = registry_tokens(p, m, t, 2);
	if (k == 0)
		return (0);
	if (registry_legacy_portcol(&t[0], &protos, &rangelen))
		pc = &t[0];
	else if (!commented && k == 2 &&
	    registry_legacy_portcol(&t[1], &protos, &rangelen)) {
		pc = &t[1];
		if (!(t[0].n == 1 && t[0].s[0] == '*')) {
			name = t[0].s;
			namelen = t[0].n;
		}
	} else
		return (0);	/* prose, heading or contact line */

	if (protos == 0)
		return (registry_error(ld, lineno,
		    "unknown protocol in \"%.*s\"", (int)pc->n, pc->s));
	/*
	 * The 2005 edition has "#  24322-24248  Unassigned": a typo in a
	 * commented-out note that assigns nothing.  Skip such a note rather
	 * than refuse the whole file; a reversed range anywhere else is an
	 * error.
	 */
	if (commented && registry_range_reversed(pc->s, rangelen))
		return (0);
	if (registry_parse_range(ld, lineno, pc->s, rangelen, &lo, &hi) == -1)
		return (-1);
	registry_rest(p, m, pc, &rest, &restlen);
	rank = name != NULL ? REGISTRY_RANK_ASSIGNED :
	    registry_nameless_rank(rest, restlen);
	registry_add_row(ld, name, namelen, rest, restlen, protos, lo, hi,
	    rank);
	return (0);
}

/*
 * services(5): "name port/proto [aliases...] [# comment]", and Wireshark's
 * "name port[-port]/tcp/udp[/sctp][/dccp] # comment".  Protocols other
 * than the four IP transports (netbase lists AppleTalk "ddp") are skipped.
 * A line keeps at most 62 aliases; more are ignored.
 */
static int
registry_services_line(struct registry_load *ld, size_t lineno,
    const char *line, size_t n)
{
	struct registry_tok	 t[64];
	const char		*hash, *desc = NULL, *slash, *s, *e;
	size_t			 k, i, desclen = 0, rangelen;
	unsigned int		 protos = 0, bit, lo, hi;

	if ((hash = memchr(line, '#', n)) != NULL) {
		desc = hash + 1;
		desclen = n - (size_t)(desc - line);
		registry_trim(&desc, &desclen);
		n = (size_t)(hash - line);
	}
	k = registry_tokens(line, n, t, sizeof(t) / sizeof(t[0]));
	if (k == 0)
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
	if (registry_parse_range(ld, lineno, t[1].s, rangelen, &lo, &hi) == -1)
		return (-1);
	/* One or more "/proto" parts. */
	for (s = slash; s < t[1].s + t[1].n; s = e) {
		s++;
		e = memchr(s, '/', (size_t)(t[1].s + t[1].n - s));
		if (e == NULL)
			e = t[1].s + t[1].n;
		if (e == s)
			return (registry_error(ld, lineno,
			    "empty protocol in \"%.*s\"", (int)t[1].n, t[1].s));
		for (i = 0; i < (size_t)(e - s); i++)
			if (!isalnum((unsigned char)s[i]))
				return (registry_error(ld, lineno,
				    "bad protocol in \"%.*s\"", (int)t[1].n,
				    t[1].s));
		if (registry_proto_bit(s, (size_t)(e - s), &bit) == 0)
			protos |= bit;
	}
	if (protos == 0)
		return (0);	/* only non-IP protocols */
	registry_add_row(ld, t[0].s, t[0].n, desc, desclen, protos, lo, hi,
	    REGISTRY_RANK_ASSIGNED);
	for (i = 2; i < k; i++)
		registry_add_row(ld, t[i].s, t[i].n, desc, desclen, protos,
		    lo, hi, REGISTRY_RANK_ASSIGNED);
	return (0);
}

enum registry_format {
	REGISTRY_FMT_CSV,
	REGISTRY_FMT_LEGACY,
	REGISTRY_FMT_SERVICES
};

/* Walk lines (LF or CR LF) and hand each to the format's line parser. */
static int
registry_parse_lines(struct registry_load *ld, const char *buf, size_t len,
    enum registry_format fmt)
{
	const char	*p = buf, *end = buf + len, *nl, *s;
	size_t		 lineno = 0, n, sn;
	int		 rv;

	for (; p < end; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (fmt == REGISTRY_FMT_LEGACY) {
			s = p;
			sn = n;
			registry_trim(&s, &sn);
			if (sn > 14 && memcmp(s, "(last updated ", 14) == 0)
				registry_legacy_date(ld, s + 14, sn - 14);
			/* The bibliography is not data. */
			if (sn == 10 && memcmp(s, "REFERENCES", 10) == 0)
				break;
			rv = registry_legacy_line(ld, lineno, p, n);
		} else
			rv = registry_services_line(ld, lineno, p, n);
		if (rv == -1)
			return (-1);
	}
	return (0);
}

static enum registry_format
registry_detect(const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len, *nl, *s;
	size_t		 n, mlen = sizeof(registry_csv_magic) - 1;

	if (len >= mlen && memcmp(buf, registry_csv_magic, mlen) == 0)
		return (REGISTRY_FMT_CSV);
	/* The legacy file opens with the title line "PORT NUMBERS". */
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		s = p;
		n = (size_t)(nl - p);
		registry_trim(&s, &n);
		if (n == 0)
			continue;
		if (n == 12 && memcmp(s, "PORT NUMBERS", 12) == 0)
			return (REGISTRY_FMT_LEGACY);
		break;
	}
	return (REGISTRY_FMT_SERVICES);
}

/* ---- resolving and merging --------------------------------------------- */

static struct registry_entry *
registry_find(const struct registry *reg, unsigned int proto, uint16_t port)
{
	struct registry_key	 k;
	struct registry_entry	*e;

	memset(&k, 0, sizeof(k));	/* the pad byte is hashed */
	k.port = port;
	k.proto = (uint8_t)proto;
	HASH_FIND(hh, reg->table, &k, sizeof(k), e);
	return (e);
}

/*
 * Note a successful load as a source (its name and date copied), before
 * its entries are added; returns its index for them.
 */
static uint32_t
registry_source_add(struct registry *reg, const char *name,
    const char *date)
{
	struct registry_source	*src;

	if (reg->nsources == REGISTRY_SRC_LOCAL)
		fatalx("registry: too many sources");
	if (reg->nsources == reg->srccap) {
		reg->srccap = reg->srccap == 0 ? 4 : reg->srccap * 2;
		reg->sources = xreallocarray(reg->sources, reg->srccap,
		    sizeof(*reg->sources));
	}
	src = &reg->sources[reg->nsources];
	src->name = registry_arena_strndup(&reg->arena, name, strlen(name));
	src->date = date != NULL && date[0] != '\0' ?
	    registry_arena_strndup(&reg->arena, date, strlen(date)) : NULL;
	src->entries = 0;
	return ((uint32_t)reg->nsources++);
}

/*
 * Take an entry out of the table, for a later load or a local name that
 * replaces it; it stays in the arena.  Its source holds one entry less.
 */
static void
registry_drop(struct registry *reg, struct registry_entry *e)
{
	HASH_DEL(reg->table, e);
	if (e->src != REGISTRY_SRC_LOCAL)
		reg->sources[e->src].entries--;
}

/* RFC 6335 section 6: the range a port number falls in. */
static unsigned int
registry_range(uint16_t port)
{
	if (port <= PORT_SYSTEM_MAX)
		return (REG_RANGE_SYSTEM);
	if (port <= PORT_USER_MAX)
		return (REG_RANGE_USER);
	return (REG_RANGE_DYNAMIC);
}

/* What a port that no load mentioned is: its range decides. */
static uint8_t
registry_default_class(uint16_t port)
{
	unsigned int	rg = registry_range(port);

	return (REG_CLASS(rg == REG_RANGE_DYNAMIC ? REG_DYNAMIC :
	    REG_UNASSIGNED, rg, port >= PORT_CLIENT_MIN));
}

/* Set the status of (proto, port) in the flat index. */
static void
registry_set_status(struct registry *reg, size_t proto, uint16_t port,
    enum reg_status st)
{
	reg->status[proto * REGISTRY_NPORTS + port] =
	    REG_CLASS(st, registry_range(port), port >= PORT_CLIENT_MIN);
}

/* Rebuild the flat status index from the table (see struct registry). */
static void
registry_index(struct registry *reg)
{
	struct registry_entry	*e, *tmp;
	uint8_t			*row;
	size_t			 proto;

	for (proto = 0; proto < REGISTRY_NPROTO; proto++) {
		row = reg->status + proto * REGISTRY_NPORTS;
		memset(row, registry_default_class(0), PORT_SYSTEM_MAX + 1);
		memset(row + PORT_SYSTEM_MAX + 1,
		    registry_default_class(PORT_SYSTEM_MAX + 1),
		    PORT_CLIENT_MIN - (PORT_SYSTEM_MAX + 1));
		memset(row + PORT_CLIENT_MIN,
		    registry_default_class(PORT_CLIENT_MIN),
		    PORT_DYNAMIC_MIN - PORT_CLIENT_MIN);
		memset(row + PORT_DYNAMIC_MIN,
		    registry_default_class(PORT_DYNAMIC_MIN),
		    REGISTRY_NPORTS - PORT_DYNAMIC_MIN);
	}
	HASH_ITER(hh, reg->table, e, tmp)
		registry_set_status(reg, e->key.proto, e->key.port,
		    e->svc.status);
}

/*
 * Merge the parsed rows into reg.  Cannot fail: only allocation could, and
 * that is fatal.  best[] holds the winning rank of each (proto, port) the
 * file mentions, nnames[] how many names the winner may carry.
 */
static void
registry_merge(struct registry *reg, struct registry_load *ld, uint32_t src)
{
	int8_t			*best;
	uint32_t		*nnames;
	struct registry_row	*r;
	struct registry_entry	*e;
	const char		**names;
	size_t			 i, j, idx;
	unsigned int		 proto, port;

	best = xmalloc((size_t)REGISTRY_NPROTO * REGISTRY_NPORTS);
	memset(best, REGISTRY_RANK_NONE, (size_t)REGISTRY_NPROTO *
	    REGISTRY_NPORTS);
	nnames = xcalloc((size_t)REGISTRY_NPROTO * REGISTRY_NPORTS,
	    sizeof(*nnames));

	for (i = 0; i < ld->nrows; i++) {
		r = &ld->rows[i];
		for (proto = 0; proto < REGISTRY_NPROTO; proto++) {
			if ((r->protos & (1U << proto)) == 0)
				continue;
			for (port = r->lo; port <= r->hi; port++) {
				idx = proto * REGISTRY_NPORTS + port;
				if (r->rank > best[idx]) {
					best[idx] = r->rank;
					nnames[idx] = 0;
				}
				if (r->rank == best[idx] && r->name != NULL)
					nnames[idx]++;
			}
		}
	}

	/* Drop what earlier loads said about every mentioned port. */
	for (idx = 0; idx < (size_t)REGISTRY_NPROTO * REGISTRY_NPORTS; idx++) {
		if (best[idx] == REGISTRY_RANK_NONE)
			continue;
		proto = (unsigned int)(idx / REGISTRY_NPORTS);
		port = (unsigned int)(idx % REGISTRY_NPORTS);
		if ((e = registry_find(reg, proto, (uint16_t)port)) != NULL)
			registry_drop(reg, e);
		if (best[idx] < REGISTRY_RANK_RESERVED)
			continue;
		e = registry_arena_alloc(&reg->arena, sizeof(*e));
		memset(e, 0, sizeof(*e));
		e->key.port = (uint16_t)port;
		e->key.proto = (uint8_t)proto;
		e->src = src;
		reg->sources[src].entries++;
		e->svc.port = (uint16_t)port;
		e->svc.proto = (uint8_t)proto;
		e->svc.status = best[idx] == REGISTRY_RANK_ASSIGNED ?
		    REG_ASSIGNED : REG_RESERVED;
		if (nnames[idx] > 0 && best[idx] == REGISTRY_RANK_ASSIGNED) {
			e->names = registry_arena_alloc(&reg->arena,
			    nnames[idx] * sizeof(*e->names));
			e->svc.names = e->names;
		}
		HASH_ADD(hh, reg->table, key, sizeof(e->key), e);
	}

	/* Names and descriptions of the winning rows, in file order. */
	for (i = 0; i < ld->nrows; i++) {
		r = &ld->rows[i];
		if (r->rank < REGISTRY_RANK_RESERVED)
			continue;
		for (proto = 0; proto < REGISTRY_NPROTO; proto++) {
			if ((r->protos & (1U << proto)) == 0)
				continue;
			for (port = r->lo; port <= r->hi; port++) {
				idx = proto * REGISTRY_NPORTS + port;
				if (r->rank != best[idx])
					continue;
				e = registry_find(reg, proto, (uint16_t)port);
				if (e == NULL)
					continue;	/* cannot happen */
				if (r->desc != NULL && r->fdesc == NULL)
					r->fdesc = registry_arena_strndup(
					    &reg->arena, r->desc,
					    strlen(r->desc));
				if (e->svc.description == NULL &&
				    (r->name != NULL || e->svc.nnames == 0))
					e->svc.description = r->fdesc;
				if (r->name == NULL ||
				    e->svc.status != REG_ASSIGNED)
					continue;
				/* A name repeated on one port is kept once. */
				names = e->names;
				for (j = 0; j < e->svc.nnames; j++)
					if (strcmp(names[j], r->name) == 0)
						break;
				if (j < e->svc.nnames)
					continue;
				if (r->fname == NULL)
					r->fname = registry_arena_strndup(
					    &reg->arena, r->name,
					    strlen(r->name));
				names[e->svc.nnames++] = r->fname;
				e->svc.name = names[0];
			}
		}
	}
	registry_index(reg);
	free(best);
	free(nnames);
}

/* ---- public interface -------------------------------------------------- */

struct registry *
registry_new(void)
{
	struct registry	*reg;

	reg = xcalloc(1, sizeof(*reg));
	reg->status = xmalloc((size_t)REGISTRY_NPROTO * REGISTRY_NPORTS);
	registry_index(reg);
	return (reg);
}

void
registry_free(struct registry *reg)
{
	if (reg == NULL)
		return;
	HASH_CLEAR(hh, reg->table);
	registry_arena_free(&reg->arena);
	free(reg->sources);
	free(reg->status);
	free(reg);
}

int
registry_load_buffer(struct registry *reg, const char *name, const char *buf,
    size_t len, char *errbuf)
{
	struct registry_load	 ld;
	enum registry_format	 fmt;
	int			 rv;

	memset(&ld, 0, sizeof(ld));
	ld.name = name != NULL ? name : "(buffer)";
	ld.errbuf = errbuf;
	/* A UTF-8 byte order mark is not part of the data. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	fmt = registry_detect(buf, len);
	if (fmt == REGISTRY_FMT_CSV)
		rv = registry_parse_csv(&ld, buf, len);
	else
		rv = registry_parse_lines(&ld, buf, len, fmt);
	if (rv == 0)
		registry_merge(reg, &ld, registry_source_add(reg, ld.name,
		    ld.date));
	free(ld.rows);
	registry_arena_free(&ld.scratch);
	return (rv);
}

int
registry_load_file(struct registry *reg, const char *path, char *errbuf)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0, cap = 0, n;
	int	 rv;

	if ((fp = fopen(path, "rb")) == NULL) {
		if (errbuf != NULL)
			snprintf(errbuf, PC_ERRBUF_SIZE, "%s: %s", path,
			    strerror(errno));
		return (-1);
	}
	for (;;) {
		if (len == cap) {
			if (cap >= REGISTRY_MAX_FILE) {
				if (errbuf != NULL)
					snprintf(errbuf, PC_ERRBUF_SIZE,
					    "%s: larger than %u bytes", path,
					    REGISTRY_MAX_FILE);
				free(buf);
				fclose(fp);
				return (-1);
			}
			cap = cap == 0 ? 1024 * 1024 : cap * 2;
			buf = xreallocarray(buf, cap, 1);
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		if (errbuf != NULL)
			snprintf(errbuf, PC_ERRBUF_SIZE, "%s: read error",
			    path);
		free(buf);
		fclose(fp);
		return (-1);
	}
	fclose(fp);
	rv = registry_load_buffer(reg, path, buf, len, errbuf);
	free(buf);
	return (rv);
}

/*
 * Check an image whole before any of it is used, so that a bad one changes
 * nothing and cannot make a pointer outside its pool: the pool ends in a
 * NUL and every offset falls inside it, so every string ends inside it.
 * Entries in strictly increasing (proto, port) order are each stored once,
 * as uthash needs.
 */
static int
registry_image_check(struct registry_load *ld,
    const struct registry_image *img)
{
	const struct registry_image_entry	*ie;
	const struct registry_image_range	*ir;
	size_t					 i;
	uint32_t				 key, last = 0;

	if (img->poollen > 0 && img->pool[img->poollen - 1] != '\0')
		return (registry_error(ld, 0, "image pool not terminated"));
	for (i = 0; i < img->nnames; i++)
		if (img->names[i] >= img->poollen)
			return (registry_error(ld, 0,
			    "image name %zu outside the pool", i));
	for (i = 0; i < img->nentries; i++) {
		ie = &img->entries[i];
		key = (uint32_t)ie->proto << 16 | ie->port;
		if (ie->proto >= REGISTRY_NPROTO || (i > 0 && key <= last) ||
		    (ie->status != REG_ASSIGNED &&
		    ie->status != REG_RESERVED) ||
		    (ie->status == REG_RESERVED && ie->nnames > 0) ||
		    ie->first > img->nnames ||
		    ie->nnames > img->nnames - ie->first ||
		    (ie->desc != REGISTRY_IMAGE_NONE &&
		    ie->desc >= img->poollen))
			return (registry_error(ld, 0,
			    "image entry %zu (%u/%u) is bad", i, ie->port,
			    ie->proto));
		last = key;
	}
	for (i = 0; i < img->nunassigned; i++) {
		ir = &img->unassigned[i];
		if (ir->proto >= REGISTRY_NPROTO || ir->lo > ir->hi)
			return (registry_error(ld, 0,
			    "image range %zu is bad", i));
	}
	if (img->date[0] != '\0' &&
	    strnlen(img->date, sizeof(ld->date)) != sizeof(ld->date) - 1)
		return (registry_error(ld, 0, "image date is not YYYY-MM-DD"));
	return (0);
}

/*
 * Build entries from an image (registry_image.h): the same table a load of
 * the original file gives, with no parsing.  Entries and name arrays take
 * two arena allocations; names and descriptions point into the pool.
 * Entries with the same names in a row (a range such as x11 6000-6063)
 * share one name array, which is safe because only registry_merge()
 * writes names, and only into entries it has just allocated.
 */
int
registry_load_image(struct registry *reg, const struct registry_image *img,
    const char *name, char *errbuf)
{
	struct registry_load			 ld;
	const struct registry_image_entry	*ie;
	const struct registry_image_range	*ir;
	struct registry_entry			*ents = NULL, *e;
	const char				**names = NULL;
	size_t					 i;
	unsigned int				 port;
	uint32_t				 src;

	memset(&ld, 0, sizeof(ld));
	ld.name = name;
	ld.errbuf = errbuf;
	if (registry_image_check(&ld, img) == -1)
		return (-1);

	/*
	 * What the image says about a port replaces what earlier loads said
	 * (registry_merge()); an empty registry, the usual case, has nothing
	 * to drop.
	 */
	if (reg->table != NULL) {
		for (i = 0; i < img->nunassigned; i++) {
			ir = &img->unassigned[i];
			for (port = ir->lo; port <= ir->hi; port++) {
				e = registry_find(reg, ir->proto,
				    (uint16_t)port);
				if (e != NULL)
					registry_drop(reg, e);
			}
		}
		for (i = 0; i < img->nentries; i++) {
			ie = &img->entries[i];
			e = registry_find(reg, ie->proto, ie->port);
			if (e != NULL)
				registry_drop(reg, e);
		}
	}

	src = registry_source_add(reg, name, img->date);
	reg->sources[src].entries = img->nentries;
	if (img->nnames > 0) {
		names = registry_arena_alloc(&reg->arena,
		    img->nnames * sizeof(*names));
		for (i = 0; i < img->nnames; i++)
			names[i] = img->pool + img->names[i];
	}
	if (img->nentries > 0)
		ents = registry_arena_alloc(&reg->arena,
		    img->nentries * sizeof(*ents));
	for (i = 0; i < img->nentries; i++) {
		ie = &img->entries[i];
		e = &ents[i];
		/* Each entry written once, the key's pad byte zeroed with it. */
		*e = (struct registry_entry){
			.key = { .port = ie->port, .proto = ie->proto },
			.svc = { .port = ie->port, .proto = ie->proto,
			    .status = ie->status },
			.src = src
		};
		if (ie->nnames > 0) {
			e->names = names + ie->first;
			e->svc.names = e->names;
			e->svc.nnames = ie->nnames;
			e->svc.name = e->names[0];
		}
		if (ie->desc != REGISTRY_IMAGE_NONE)
			e->svc.description = img->pool + ie->desc;
		HASH_ADD(hh, reg->table, key, sizeof(e->key), e);
	}
	registry_index(reg);
	return (0);
}

const struct service *
registry_lookup(const struct registry *reg, unsigned int proto, uint16_t port)
{
	struct registry_entry	*e;

	if (proto == PC_PROTO_UDPLITE)
		proto = PC_PROTO_UDP;	/* RFC 3828 section 3.2 */
	if (proto >= REGISTRY_NPROTO)
		return (NULL);
	e = registry_find(reg, proto, port);
	return (e != NULL ? &e->svc : NULL);
}

/* The row of each protocol's classes: UDP-Lite uses UDP's (RFC 3828). */
static const uint8_t registry_class_row[PC_PROTO_COUNT] = {
	[PC_PROTO_TCP] = PC_PROTO_TCP,
	[PC_PROTO_UDP] = PC_PROTO_UDP,
	[PC_PROTO_SCTP] = PC_PROTO_SCTP,
	[PC_PROTO_DCCP] = PC_PROTO_DCCP,
	[PC_PROTO_UDPLITE] = PC_PROTO_UDP,
};

uint8_t
registry_class(const struct registry *reg, unsigned int proto, uint16_t port)
{
	if (proto >= PC_PROTO_COUNT)
		return (registry_default_class(port));
	return (reg->status[(size_t)registry_class_row[proto] *
	    REGISTRY_NPORTS + port]);
}

enum reg_status
registry_status(const struct registry *reg, unsigned int proto,
    uint16_t port)
{
	return (REG_CLASS_STATUS(registry_class(reg, proto, port)));
}

const char *
registry_status_name(enum reg_status st)
{
	switch (st) {
	case REG_ASSIGNED:
		return ("assigned");
	case REG_RESERVED:
		return ("reserved");
	case REG_UNASSIGNED:
		return ("unassigned");
	case REG_DYNAMIC:
		return ("dynamic");
	case REG_LOCAL:
		return ("local");
	}
	return ("?");
}

int
registry_add_local(struct registry *reg, unsigned int proto, uint16_t port,
    const char *name, const char *desc)
{
	struct registry_entry	*e;

	if (proto == PC_PROTO_UDPLITE)
		proto = PC_PROTO_UDP;
	if (proto >= REGISTRY_NPROTO)
		return (-1);
	if ((e = registry_find(reg, proto, port)) != NULL)
		registry_drop(reg, e);
	e = registry_arena_alloc(&reg->arena, sizeof(*e));
	memset(e, 0, sizeof(*e));
	e->key.port = port;
	e->key.proto = (uint8_t)proto;
	e->src = REGISTRY_SRC_LOCAL;
	e->svc.port = port;
	e->svc.proto = (uint8_t)proto;
	e->svc.status = REG_LOCAL;
	e->names = registry_arena_alloc(&reg->arena, sizeof(*e->names));
	e->names[0] = registry_arena_strndup(&reg->arena, name, strlen(name));
	e->svc.names = e->names;
	e->svc.name = e->names[0];
	e->svc.nnames = 1;
	if (desc != NULL)
		e->svc.description = registry_arena_strndup(&reg->arena, desc,
		    strlen(desc));
	HASH_ADD(hh, reg->table, key, sizeof(e->key), e);
	registry_set_status(reg, proto, port, REG_LOCAL);
	return (0);
}

size_t
registry_count(const struct registry *reg)
{
	return (HASH_COUNT(reg->table));
}

const struct registry_source *
registry_sources(const struct registry *reg, size_t *np)
{
	*np = reg->nsources;
	return (reg->sources);
}

char *
registry_sources_text(const struct registry_source *src, size_t n)
{
	char	*buf = NULL;
	size_t	 len = 0, i;
	FILE	*fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	if (n == 0)
		fputs("(none)", fp);
	for (i = 0; i < n; i++) {
		fprintf(fp, "%s%s (", i > 0 ? ", then " : "", src[i].name);
		if (src[i].date != NULL)
			fprintf(fp, "data of %s", src[i].date);
		else
			fputs("no date", fp);
		fprintf(fp, ", %zu entries)", src[i].entries);
	}
	if (fclose(fp) != 0)
		fatal("open_memstream");
	return (buf);
}
