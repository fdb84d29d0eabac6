/*
 * registry.h - the IANA service name and port number registry, in memory.
 *
 * Maps (protocol, port) to the services registered on it and to the port's
 * IANA status.  It knows nothing about packets.  The table is built once at
 * startup (from the IANA CSV as resolved at build time, from files given
 * with --registry, or both with --add-registry: registry_assemble()) and
 * is read-only afterwards, so lookups need no lock.  A SIGHUP reload
 * builds a new one.
 *
 * The code, by concern: registry.c (this API, the table, the class index,
 * sources, local names), registry_parse.c (which format a file is in, and
 * what the readers share), one reader per format (registry_csv.c,
 * registry_legacy.c, registry_services.c), registry_merge.c (parsed rows
 * into the table), registry_image.c (a build-time image into the table),
 * registry_arena.c (their memory) and registry_default.c (the embedded
 * registry, registry_assemble()).  registry_parse.h, registry_table.h and
 * registry_arena.h are internal to these files.
 *
 * POLICIES (each has a test in tests/test_registry.c; the file in brackets
 * implements it):
 *
 * Formats.  The format is detected from the content, not the file name.  A
 * first line starting "Service Name,Port Number,Transport Protocol" (after
 * an optional UTF-8 BOM) is IANA's CSV, read as RFC 4180 (csv.h) with
 * columns found by header name.  A first non-blank line "PORT NUMBERS" is
 * IANA's legacy port-numbers text (CR LF or LF, any 8-bit bytes).  Anything
 * else is services(5): "name port/proto [aliases] [# comment]", including
 * Wireshark's "name port[-port]/tcp/udp[/sctp][/dccp]".  [Detection:
 * registry_parse.c; the readers: registry_csv.c, registry_legacy.c,
 * registry_services.c.]
 *
 * Port ranges.  "lo-hi" stands for every port from lo to hi inclusive
 * (x11 6000-6063 gives 64 entries); each port is stored on its own.
 * [Read by registry_parse.c, stored by registry_merge.c.]
 *
 * Rows without a service name.  A nameless row whose description mentions
 * "any private" (24, 35, 57, ... "any private mail system") is an
 * assignment with no name: status assigned, nnames 0.  One whose
 * description starts with "Reserved" or "IANA Reserved" is reserved.
 * Every other nameless row (Unassigned, De-registered, Removed, ...) says
 * the port is unassigned.  CSV rows with no port (names kept for DNS-SD)
 * are skipped.  [registry_parse.c; the DNS-SD rows: registry_csv.c.]
 *
 * Rows without a protocol count for both tcp and udp (IANA's CSV uses
 * them for Unassigned ranges, some Reserved ports and 16 old assignments;
 * the legacy file writes "269-279" or "6400" alone).  [registry_csv.c,
 * registry_legacy.c.]
 *
 * Reserved and Unassigned rows.  Reserved ports are stored with status
 * REG_RESERVED and no name.  Unassigned rows are not stored; a port with
 * no entry is REG_UNASSIGNED below 49152 and REG_DYNAMIC from 49152
 * (RFC 6335 section 6).  SCTP and DCCP ports not listed are unassigned.
 * [What is stored: registry_merge.c; the status of the rest: the class
 * index in registry.c.]
 *
 * Overlaps within one file: assigned beats reserved beats unassigned, so
 * 7775/tcp and 7997/tcp stay assigned although Unassigned ranges cover
 * them.  [registry_merge.c.]
 *
 * Several names on one port: all names of the winning rows are kept in
 * file order, the first is primary (80/tcp: http, www, www-http); a name
 * repeated on the same port is kept once.  services(5) aliases follow the
 * primary name.  The description is that of the first row kept.
 * [registry_merge.c; the aliases: registry_services.c.]
 *
 * Later loads override earlier ones per (protocol, port): whatever a later
 * file says about a port (assigned, reserved, or an explicit unassigned
 * row, commented "# 4/tcp Unassigned" legacy lines included) replaces all
 * that earlier files said about it; ports it does not mention keep their
 * values.  A load that fails changes nothing.  [registry_merge.c, and
 * registry_image.c for the embedded registry.  A failed load changes
 * nothing because only parsing can fail, and it touches no registry:
 * registry_load_buffer() in registry.c.]
 *
 * Bad lines make the load fail with "FILE:LINE: reason": a port above
 * 65535, a range with lo > hi, a port that is not a number, an unknown
 * protocol in the CSV or the legacy file, a CSV record whose field count
 * differs from the header's, a CSV syntax error (unterminated quote, text
 * after a closing quote, a quote in an unquoted field), and a services(5)
 * line without a "port/proto" second word or with an empty or
 * non-alphanumeric protocol in it.  Tolerated and skipped: blank
 * lines; in services(5), comments and protocols other than tcp, udp, sctp
 * and dccp (netbase's AppleTalk "ddp"); in the legacy file, every line
 * whose first or second word is not a port column (prose, headings,
 * banners, contact lines, a keyword with no port as at the end of the
 * truncated 2003 file), commented lines with a keyword ("#unitary 126/tcp"
 * is withdrawn, not assigned), a "*" keyword (read as no name), a
 * commented-out note with a reversed range (the 2005 edition has
 * "#  24322-24248  Unassigned"), and everything from the REFERENCES
 * heading on.  [Each format's reader; the message: registry_error() in
 * registry_parse.c; the CSV syntax: csv.c.]
 *
 * Local names (--map, sitemap.h).  registry_add_local() puts a site's own
 * service on a port with status REG_LOCAL, replacing whatever IANA said
 * about it (the IANA status is no longer reported for that port: the site
 * said what runs there).  For the service-port rule a local port ranks
 * like an assigned one: somebody declared a listener there, which is at
 * least as strong as an IANA assignment (docs/service-port.md).
 * [registry.c.]
 */
#ifndef PORTCLASS_REGISTRY_H
#define PORTCLASS_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/proto.h"

enum reg_status {
	REG_ASSIGNED = 0,	/* a service is registered on the port */
	REG_RESERVED,		/* IANA keeps the port back */
	REG_UNASSIGNED,		/* nothing registered, 0-49151 */
	REG_DYNAMIC,		/* nothing registered, 49152-65535 (RFC 6335) */
	REG_LOCAL		/* named by the site (--map); ranks as assigned */
};

/*
 * One (protocol, port) that the registry says something about: assigned or
 * reserved.  Unassigned and dynamic ports have no struct service.
 * Every pointer is owned by the registry and valid until registry_free().
 */
struct service {
	const char		*name;		/* primary name; NULL if none */
	const char *const	*names;		/* all names, names[0] == name */
	size_t			 nnames;	/* 0 when the row had no name */
	const char		*description;	/* of the primary row; may be NULL */
	uint16_t		 port;
	uint8_t			 proto;		/* enum pc_proto (never UDPLITE) */
	uint8_t			 status;	/* REG_ASSIGNED, _RESERVED, _LOCAL */
};

struct registry;

/* An empty registry: every port unassigned or dynamic. Never NULL. */
struct registry		*registry_new(void);

/*
 * Load a registry file, detecting its format from its content: IANA CSV,
 * IANA's legacy port-numbers text, or services(5).  Entries of a later load
 * override those of earlier loads as described above.  On error returns -1
 * and writes "FILE:LINE: reason" to errbuf (PC_ERRBUF_SIZE bytes); the
 * registry is then unchanged.
 */
int			 registry_load_file(struct registry *, const char *path,
			    char *errbuf);

/* The same for bytes in memory; name is used in error messages. */
int			 registry_load_buffer(struct registry *, const char *name,
			    const char *buf, size_t len, char *errbuf);

/*
 * Load the IANA registry compiled into the binary: what registry_load_file()
 * makes of data/service-names-port-numbers.csv, resolved at build time
 * (registry_image.h), so nothing is parsed.  The source is "embedded IANA
 * CSV".
 */
int			 registry_load_default(struct registry *, char *errbuf);

/*
 * The entry for (proto, port), or NULL if the port is unassigned or
 * dynamic.  PC_PROTO_UDPLITE looks up UDP's entries (RFC 3828).
 */
const struct service	*registry_lookup(const struct registry *,
			    unsigned int proto, uint16_t port);

/* The IANA status of (proto, port); defined for every port. */
enum reg_status		 registry_status(const struct registry *,
			    unsigned int proto, uint16_t port);

/* RFC 6335 section 6: system 0-1023, user 1024-49151, dynamic 49152-. */
enum reg_range {
	REG_RANGE_SYSTEM = 0,
	REG_RANGE_USER,
	REG_RANGE_DYNAMIC
};

/*
 * The class of (proto, port): its status in the low three bits, its range
 * in the next two, and in bit 5 whether the port lies in the ranges
 * clients take source ports from (PORT_CLIENT_MIN up): all the
 * service-port rule needs of a port, in one load from a flat array (two
 * per packet).  Always below 64.
 */
#define REG_CLASS(st, rg, cl)	((uint8_t)((unsigned int)(st) | \
				    (unsigned int)(rg) << 3 | \
				    (unsigned int)(cl) << 5))
#define REG_CLASS_STATUS(c)	((enum reg_status)((c) & 7))
#define REG_CLASS_RANGE(c)	((enum reg_range)((unsigned int)(c) >> 3 & 3))
#define REG_CLASS_CLIENT(c)	((unsigned int)(c) >> 5 & 1)
uint8_t			 registry_class(const struct registry *,
			    unsigned int proto, uint16_t port);

/*
 * Name the site's service on (proto, port): status REG_LOCAL, one name,
 * an optional description (NULL: none); both are copied.  Replaces what
 * earlier loads said about the port; later loads may replace it in turn.
 * PC_PROTO_UDPLITE names UDP's port.  Returns -1 for a protocol the
 * registry does not hold, else 0.
 */
int			 registry_add_local(struct registry *, unsigned int proto,
			    uint16_t port, const char *name, const char *desc);

/* "assigned", "reserved", "unassigned", "dynamic", "local". */
const char		*registry_status_name(enum reg_status);

/* Number of (protocol, port) entries held (assigned + reserved). */
size_t			 registry_count(const struct registry *);

/*
 * Where the data came from, one source per successful load, in load order:
 * the first is underneath, each later one overrides it per (protocol,
 * port).  Sources are never merged or mixed: each keeps its own name and
 * date, so a services(5) file over the embedded CSV reads as two sources,
 * the second without a date.
 */
struct registry_source {
	const char	*name;		/* "embedded IANA CSV" or the path */
	/*
	 * "YYYY-MM-DD" or NULL when the source has none.  For the IANA CSV
	 * it is the newest Registration or Modification Date in the file;
	 * for the legacy text, its "(last updated ...)" line; services(5)
	 * files carry none.
	 */
	const char	*date;
	/*
	 * Entries held now that this source set: those it stored, less
	 * those a later source or a local name (--map) replaced since.  So
	 * the sources' entries and the local names add up to
	 * registry_count().
	 */
	size_t		 entries;
};

/*
 * The sources in load order and, in *np, how many (0 for a registry
 * nothing was loaded into).  Owned by the registry; valid until the next
 * load into it or registry_free().
 */
const struct registry_source *registry_sources(const struct registry *,
			    size_t *np);

/*
 * The sources as one line of text for logs and reports: "embedded IANA
 * CSV (data of 2026-04-09, 12896 entries), then services (no date, 12
 * entries)", or "(none)".  The names are as given (callers that print to
 * a terminal filter them).  A malloc'd string the caller frees.
 */
char			*registry_sources_text(const struct registry_source *,
			    size_t n);

/*
 * What a registry is built from, bottom to top: the embedded IANA
 * registry when embedded is set, then every file in order, each
 * overriding what came before it per (protocol, port).  --registry FILE
 * leaves the embedded registry out, --add-registry FILE keeps it
 * underneath (main.c fills this from the options).
 */
struct registry_spec {
	int			 embedded;
	const char *const	*files;
	size_t			 nfiles;
};

/*
 * Build a new registry as spec says: the one place a run, `portclass
 * lookup` and a SIGHUP reload assemble theirs.  Site names (--map) are
 * the caller's to add on top.  On error returns NULL with "FILE:LINE:
 * reason" in errbuf, and nothing is left allocated.
 */
struct registry		*registry_assemble(const struct registry_spec *,
			    char *errbuf);

void			 registry_free(struct registry *);

#endif /* PORTCLASS_REGISTRY_H */
