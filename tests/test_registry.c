/*
 * test_registry.c - the registry loader's policies, formats and lookups.
 *
 * Each policy in registry.h has a test here, on small buffers or on the
 * hand-written files in tests/fixtures/registry/.  The embedded IANA CSV is
 * checked against the per-protocol port counts that
 * ../shared/registry/README.md derives independently, and the two legacy
 * port-numbers editions in ../shared/registry are loaded whole.  The image
 * the build resolves from the CSV (registry_image.h) is compared, port by
 * port, with the CSV parsed at run time, alone and under and over other
 * loads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "portclass/log.h"
#include "portclass/proto.h"
#include "portclass/registry.h"
#include "portclass/registry_image.h"

/* Short enough that "PATH:LINE: reason" fits in PC_ERRBUF_SIZE. */
#define TEST_PATH_MAX	256

struct status_counts {
	size_t	named;		/* assigned with at least one name */
	size_t	noname;		/* assigned without a name */
	size_t	reserved;
	size_t	unassigned;
	size_t	dynamic;
	size_t	multi;		/* ports with more than one name */
};

static void
count_status(const struct registry *reg, unsigned int proto,
    struct status_counts *c)
{
	const struct service	*s;
	unsigned int		 port;

	memset(c, 0, sizeof(*c));
	for (port = 0; port < 65536; port++) {
		s = registry_lookup(reg, proto, (uint16_t)port);
		switch (registry_status(reg, proto, (uint16_t)port)) {
		case REG_ASSIGNED:
			assert_non_null(s);
			if (s->nnames > 0)
				c->named++;
			else
				c->noname++;
			if (s->nnames > 1)
				c->multi++;
			break;
		case REG_RESERVED:
			assert_non_null(s);
			assert_null(s->name);
			c->reserved++;
			break;
		case REG_UNASSIGNED:
			assert_null(s);
			c->unassigned++;
			break;
		case REG_DYNAMIC:
			assert_null(s);
			c->dynamic++;
			break;
		case REG_LOCAL:		/* only from --map, never a file */
			fail_msg("local status on %u", port);
			break;
		}
	}
}

/* The primary name of (proto, port), or NULL. */
static const char *
name_of(const struct registry *reg, unsigned int proto, unsigned int port)
{
	const struct service	*s;

	s = registry_lookup(reg, proto, (uint16_t)port);
	return (s != NULL ? s->name : NULL);
}

/* The source loaded last, on top of the others. */
static const struct registry_source *
top_source(const struct registry *reg)
{
	const struct registry_source	*src;
	size_t				 n;

	src = registry_sources(reg, &n);
	assert_true(n > 0);
	return (&src[n - 1]);
}

/*
 * What every source gives, plus the local names, is what the registry
 * holds: no entry is counted twice or lost when a later load replaces it.
 */
static void
assert_sources_add_up(const struct registry *reg)
{
	const struct registry_source	*src;
	size_t				 n, i, sum = 0, local = 0;
	unsigned int			 proto, port;

	src = registry_sources(reg, &n);
	for (i = 0; i < n; i++)
		sum += src[i].entries;
	for (proto = PC_PROTO_TCP; proto <= PC_PROTO_DCCP; proto++)
		for (port = 0; port < 65536; port++)
			local += registry_status(reg, proto,
			    (uint16_t)port) == REG_LOCAL;
	assert_int_equal(sum + local, registry_count(reg));
}

static struct registry *
load_str(const char *name, const char *text)
{
	struct registry	*reg;
	char		 err[PC_ERRBUF_SIZE] = "";

	reg = registry_new();
	if (registry_load_buffer(reg, name, text, strlen(text), err) != 0)
		fail_msg("loading %s: %s", name, err);
	return (reg);
}

/* Path of a file under the source tree; PC_SOURCE_DIR is set by ctest. */
static void
source_path(char *buf, size_t len, const char *rel)
{
	const char	*dir = getenv("PC_SOURCE_DIR");

	if (dir == NULL)
		fail_msg("PC_SOURCE_DIR is not set (run the test with ctest)");
	if ((size_t)snprintf(buf, len, "%s/%s", dir, rel) >= len)
		fail_msg("source path too long: %s/%s", dir, rel);
}

#define CSV_HEADER	"Service Name,Port Number,Transport Protocol," \
	"Description,Assignee,Contact,Registration Date,Modification Date," \
	"Reference,Service Code,Unauthorized Use Reported,Assignment Notes\r\n"

/* ---- the embedded IANA CSV --------------------------------------------- */

static void
test_default_counts(void **state)
{
	struct registry		*reg = registry_new();
	struct status_counts	 c;
	char			 err[PC_ERRBUF_SIZE] = "";

	(void)state;
	assert_int_equal(registry_load_default(reg, err), 0);
	assert_string_equal(top_source(reg)->name, "embedded IANA CSV");
	/* README: the newest Registration/Modification date is 2026-04-09. */
	assert_string_equal(top_source(reg)->date, "2026-04-09");

	/* README "Per-protocol port status (IANA CSV, 2026-04-24)". */
	count_status(reg, PC_PROTO_TCP, &c);
	assert_int_equal(c.named, 6145);
	assert_int_equal(c.noname, 7);
	assert_int_equal(c.reserved, 250);
	assert_int_equal(c.unassigned + c.dynamic, 59134);
	assert_int_equal(c.dynamic, 16384);
	assert_int_equal(c.multi, 116);

	count_status(reg, PC_PROTO_UDP, &c);
	assert_int_equal(c.named, 5752);
	assert_int_equal(c.noname, 7);
	assert_int_equal(c.reserved, 636);
	assert_int_equal(c.unassigned + c.dynamic, 59141);
	assert_int_equal(c.multi, 110);

	count_status(reg, PC_PROTO_SCTP, &c);
	assert_int_equal(c.named, 88);
	assert_int_equal(c.noname, 0);
	assert_int_equal(c.reserved, 1);
	assert_int_equal(c.unassigned + c.dynamic, 65447);
	assert_int_equal(c.multi, 0);

	count_status(reg, PC_PROTO_DCCP, &c);
	assert_int_equal(c.named, 9);
	assert_int_equal(c.reserved, 1);
	assert_int_equal(c.unassigned + c.dynamic, 65526);

	/* Only assigned and reserved ports are stored. */
	assert_int_equal(registry_count(reg),
	    6145 + 7 + 250 + 5752 + 7 + 636 + 88 + 1 + 9 + 1);
	registry_free(reg);
}

static void
test_default_lookups(void **state)
{
	struct registry		*reg = registry_new();
	const struct service	*s;
	char			 err[PC_ERRBUF_SIZE] = "";
	unsigned int		 port;

	(void)state;
	assert_int_equal(registry_load_default(reg, err), 0);
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 443), "https");
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 53), "domain");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 3306), "mysql");
	assert_string_equal(name_of(reg, PC_PROTO_SCTP, 4502), "a25-fap-fgw");
	/* 4502 has rows for SCTP only. */
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 4502),
	    REG_UNASSIGNED);
	for (port = 6000; port <= 6063; port++) {
		assert_string_equal(name_of(reg, PC_PROTO_TCP, port), "x11");
		assert_string_equal(name_of(reg, PC_PROTO_UDP, port), "x11");
	}
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 6064), "ndl-ahp-svc");
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 49152),
	    REG_DYNAMIC);
	assert_int_equal(registry_status(reg, PC_PROTO_UDP, 65535),
	    REG_DYNAMIC);
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 49151),
	    REG_RESERVED);
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 0), REG_RESERVED);
	assert_null(name_of(reg, PC_PROTO_TCP, 0));

	s = registry_lookup(reg, PC_PROTO_TCP, 24);
	assert_non_null(s);
	assert_int_equal(s->status, REG_ASSIGNED);
	assert_null(s->name);
	assert_int_equal(s->nnames, 0);
	assert_string_equal(s->description, "any private mail system");

	s = registry_lookup(reg, PC_PROTO_TCP, 80);
	assert_non_null(s);
	assert_int_equal(s->nnames, 3);
	assert_string_equal(s->names[0], "http");
	assert_string_equal(s->names[1], "www");
	assert_string_equal(s->names[2], "www-http");
	assert_ptr_equal(s->name, s->names[0]);
	assert_int_equal(s->port, 80);
	assert_int_equal(s->proto, PC_PROTO_TCP);

	/* Assigned inside Unassigned ranges (README "Inconsistencies"). */
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 7775), "inetfs");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 7997), "pushns");
	assert_int_equal(registry_status(reg, PC_PROTO_UDP, 7997),
	    REG_RESERVED);
	/* A protocol-less named range counts for tcp and udp. */
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 27005), "flex-lm");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 27005), "flex-lm");
	/* UDP-Lite shares UDP's registry (RFC 3828). */
	assert_string_equal(name_of(reg, PC_PROTO_UDPLITE, 53), "domain");
	assert_null(registry_lookup(reg, PC_PROTO_COUNT, 53));
	assert_int_equal(registry_status(reg, 99, 53), REG_UNASSIGNED);
	registry_free(reg);
}

/* ---- format detection --------------------------------------------------- */

/*
 * Statuses in the dynamic range: a row there, a local entry there, and
 * the ports around them, which stay dynamic, after a load, an added local
 * entry and a later load (the flat class index is rebuilt or patched at
 * each of them).
 */
struct status_case {
	unsigned int	proto;
	uint16_t	port;
	enum reg_status	want;
};

static void
expect_statuses(const struct registry *reg, const struct status_case *c,
    size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (registry_status(reg, c[i].proto, c[i].port) != c[i].want)
			fail_msg("proto %u port %u: status %s, want %s",
			    c[i].proto, (unsigned)c[i].port,
			    registry_status_name(registry_status(reg,
			    c[i].proto, c[i].port)),
			    registry_status_name(c[i].want));
}

/*
 * A port's class carries its status and its RFC 6335 range, whatever the
 * status: the range of the number at the boundaries 1023/1024 and
 * 49151/49152, for stored, reserved, local, unassigned and dynamic ports;
 * UDP-Lite reads UDP's classes; an unknown protocol gets the default.
 */
static void
test_class_status_and_range(void **state)
{
	static const struct {
		unsigned int	proto;
		uint16_t	port;
		enum reg_status	st;
		enum reg_range	rg;
	} c[] = {
		{ PC_PROTO_TCP, 0, REG_RESERVED, REG_RANGE_SYSTEM },
		{ PC_PROTO_TCP, 1023, REG_ASSIGNED, REG_RANGE_SYSTEM },
		{ PC_PROTO_TCP, 1022, REG_UNASSIGNED, REG_RANGE_SYSTEM },
		{ PC_PROTO_TCP, 1024, REG_ASSIGNED, REG_RANGE_USER },
		{ PC_PROTO_TCP, 1025, REG_UNASSIGNED, REG_RANGE_USER },
		{ PC_PROTO_TCP, 49151, REG_RESERVED, REG_RANGE_USER },
		{ PC_PROTO_UDP, 49151, REG_UNASSIGNED, REG_RANGE_USER },
		{ PC_PROTO_TCP, 49152, REG_DYNAMIC, REG_RANGE_DYNAMIC },
		{ PC_PROTO_UDP, 49152, REG_ASSIGNED, REG_RANGE_DYNAMIC },
		{ PC_PROTO_UDPLITE, 49152, REG_ASSIGNED, REG_RANGE_DYNAMIC },
		{ PC_PROTO_UDPLITE, 1023, REG_UNASSIGNED, REG_RANGE_SYSTEM },
		{ PC_PROTO_SCTP, 65535, REG_LOCAL, REG_RANGE_DYNAMIC },
		{ PC_PROTO_DCCP, 65535, REG_DYNAMIC, REG_RANGE_DYNAMIC },
		{ PC_PROTO_COUNT, 80, REG_UNASSIGNED, REG_RANGE_SYSTEM },
		{ 99, 50000, REG_DYNAMIC, REG_RANGE_DYNAMIC },
	};
	struct registry	*reg;
	uint8_t		 cl;
	size_t		 i;

	(void)state;
	reg = load_str("class.csv", CSV_HEADER
	    ",0,tcp,Reserved,,,,,,,,\r\n"
	    "edge,1023,tcp,Last system port,,,,,,,,\r\n"
	    "first,1024,tcp,First user port,,,,,,,,\r\n"
	    ",49151,tcp,Reserved,,,,,,,,\r\n"
	    "dyn,49152,udp,First dynamic port,,,,,,,,\r\n");
	assert_int_equal(registry_add_local(reg, PC_PROTO_SCTP, 65535, "mine",
	    NULL), 0);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cl = registry_class(reg, c[i].proto, c[i].port);
		if (REG_CLASS_STATUS(cl) != c[i].st ||
		    REG_CLASS_RANGE(cl) != c[i].rg ||
		    REG_CLASS_CLIENT(cl) != (c[i].port >= PORT_CLIENT_MIN) ||
		    registry_status(reg, c[i].proto, c[i].port) != c[i].st)
			fail_msg("proto %u port %u: class %#x, want status %s "
			    "range %d", c[i].proto, (unsigned)c[i].port, cl,
			    registry_status_name(c[i].st), (int)c[i].rg);
		assert_true(cl < 64);
	}
	registry_free(reg);
}

static void
test_dynamic_range_status(void **state)
{
	static const struct status_case	loaded[] = {
		{ PC_PROTO_TCP, 50000, REG_ASSIGNED },
		{ PC_PROTO_TCP, 49999, REG_DYNAMIC },
		{ PC_PROTO_TCP, 50001, REG_DYNAMIC },
		{ PC_PROTO_UDP, 50000, REG_DYNAMIC },
		{ PC_PROTO_UDP, 49152, REG_ASSIGNED },
		{ PC_PROTO_UDPLITE, 49152, REG_ASSIGNED },
		{ PC_PROTO_SCTP, 65535, REG_ASSIGNED },
		{ PC_PROTO_SCTP, 65534, REG_DYNAMIC },
		{ PC_PROTO_TCP, 49151, REG_UNASSIGNED },
	};
	static const struct status_case	local[] = {
		{ PC_PROTO_UDP, 60001, REG_LOCAL },
		{ PC_PROTO_UDP, 60000, REG_DYNAMIC },
		{ PC_PROTO_TCP, 60001, REG_DYNAMIC },
	};
	static const struct status_case	reloaded[] = {
		{ PC_PROTO_UDP, 65000, REG_ASSIGNED },
		{ PC_PROTO_UDP, 60001, REG_LOCAL },
		{ PC_PROTO_TCP, 50000, REG_ASSIGNED },
		{ PC_PROTO_UDP, 64999, REG_DYNAMIC },
	};
	struct registry	*reg;
	char		 err[PC_ERRBUF_SIZE] = "";
	const char	*more = CSV_HEADER "late,65000,udp,Late one,,,,,,,,\r\n";

	(void)state;
	reg = load_str("dyn.csv", CSV_HEADER
	    "hi,50000,tcp,A high one,,,,,,,,\r\n"
	    "edge,49152,udp,The first dynamic port,,,,,,,,\r\n"
	    "top,65535,sctp,The last port,,,,,,,,\r\n");
	expect_statuses(reg, loaded, sizeof(loaded) / sizeof(loaded[0]));
	assert_int_equal(registry_add_local(reg, PC_PROTO_UDP, 60001, "mine",
	    NULL), 0);
	expect_statuses(reg, local, sizeof(local) / sizeof(local[0]));
	/* A later load keeps what earlier ones and the local entry said. */
	assert_int_equal(registry_load_buffer(reg, "more.csv", more,
	    strlen(more), err), 0);
	expect_statuses(reg, reloaded, sizeof(reloaded) / sizeof(reloaded[0]));
	registry_free(reg);
}

static void
test_detect_csv(void **state)
{
	struct registry	*reg;

	(void)state;
	reg = load_str("t.csv", CSV_HEADER "echo,7,tcp,Echo,,,,,,,,\r\n");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 7), "echo");
	assert_int_equal(registry_count(reg), 1);
	registry_free(reg);

	/* A UTF-8 byte order mark in front of the header is accepted. */
	reg = load_str("bom.csv", "\xef\xbb\xbf" CSV_HEADER
	    "echo,7,udp,Echo,,,,,,,,\r\n");
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 7), "echo");
	registry_free(reg);
}

static void
test_detect_legacy(void **state)
{
	struct registry	*reg;

	(void)state;
	/* In services(5) "echo 7/tcp Echo" would make "Echo" an alias. */
	reg = load_str("pn.txt", "\nPORT NUMBERS\n(last updated 2003-11-13)\n"
	    "echo 7/tcp Echo\n# 8/tcp Unassigned\n");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 7), "echo");
	assert_int_equal(registry_lookup(reg, PC_PROTO_TCP, 7)->nnames, 1);
	assert_string_equal(registry_lookup(reg, PC_PROTO_TCP, 7)->description,
	    "Echo");
	assert_string_equal(top_source(reg)->date, "2003-11-13");
	registry_free(reg);
}

static void
test_detect_services(void **state)
{
	struct registry	*reg;

	(void)state;
	reg = load_str("services", "echo 7/tcp ping # Echo\n");
	assert_int_equal(registry_lookup(reg, PC_PROTO_TCP, 7)->nnames, 2);
	assert_string_equal(registry_lookup(reg, PC_PROTO_TCP, 7)->names[1],
	    "ping");
	assert_string_equal(registry_lookup(reg, PC_PROTO_TCP, 7)->description,
	    "Echo");
	assert_null(top_source(reg)->date);
	registry_free(reg);
}

/* ---- one test per policy ------------------------------------------------ */

static void
test_policy_ranges(void **state)
{
	struct registry	*reg;
	unsigned int	 port;

	(void)state;
	reg = load_str("r.csv", CSV_HEADER "rng,100-163,tcp,R,,,,,,,,\r\n");
	for (port = 100; port <= 163; port++)
		assert_string_equal(name_of(reg, PC_PROTO_TCP, port), "rng");
	assert_null(name_of(reg, PC_PROTO_TCP, 99));
	assert_null(name_of(reg, PC_PROTO_TCP, 164));
	assert_int_equal(registry_count(reg), 64);
	registry_free(reg);

	/* The whole port space in one row. */
	reg = load_str("all.csv", CSV_HEADER "all,0-65535,udp,A,,,,,,,,\r\n");
	assert_int_equal(registry_count(reg), 65536);
	assert_int_equal(registry_status(reg, PC_PROTO_UDP, 65535),
	    REG_ASSIGNED);
	registry_free(reg);
}

static void
test_policy_nameless_rows(void **state)
{
	struct registry		*reg;
	const struct service	*s;

	(void)state;
	reg = load_str("n.csv", CSV_HEADER
	    ",24,tcp,any private mail system,,,,,,,,\r\n"
	    ",25,tcp,Reserved,,,,,,,,\r\n"
	    ",26,tcp,Reserved - IANA,,,,,,,,\r\n"
	    ",27,tcp,Unassigned,,,,,,,,\r\n"
	    ",28,tcp,De-registered,,,,,,,,\r\n"
	    "nameonly,,tcp,DNS-SD only,,,,,,,,\r\n");
	s = registry_lookup(reg, PC_PROTO_TCP, 24);
	assert_non_null(s);
	assert_int_equal(s->status, REG_ASSIGNED);
	assert_int_equal(s->nnames, 0);
	assert_null(s->names);
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 25),
	    REG_RESERVED);
	assert_string_equal(registry_lookup(reg, PC_PROTO_TCP, 25)->description,
	    "Reserved");
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 26),
	    REG_RESERVED);
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 27),
	    REG_UNASSIGNED);
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 28),
	    REG_UNASSIGNED);
	assert_int_equal(registry_count(reg), 3);
	registry_free(reg);
}

static void
test_policy_no_protocol(void **state)
{
	struct registry	*reg;

	(void)state;
	reg = load_str("p.csv", CSV_HEADER
	    "both,300-301,,Both,,,,,,,,\r\n"
	    ",302,,Reserved,,,,,,,,\r\n");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 301), "both");
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 301), "both");
	assert_null(name_of(reg, PC_PROTO_SCTP, 301));
	assert_null(name_of(reg, PC_PROTO_DCCP, 301));
	assert_int_equal(registry_status(reg, PC_PROTO_UDP, 302),
	    REG_RESERVED);
	assert_int_equal(registry_status(reg, PC_PROTO_SCTP, 302),
	    REG_UNASSIGNED);
	assert_int_equal(registry_count(reg), 6);
	registry_free(reg);
}

static void
test_policy_reserved_unassigned(void **state)
{
	struct registry	*reg;

	(void)state;
	reg = load_str("ru.csv", CSV_HEADER
	    ",400,tcp,Reserved,,,,,,,,\r\n"
	    ",401-60000,,Unassigned,,,,,,,,\r\n");
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 400),
	    REG_RESERVED);
	assert_null(registry_lookup(reg, PC_PROTO_TCP, 400)->name);
	/* Unassigned rows are not stored, and 49152+ stays dynamic. */
	assert_int_equal(registry_count(reg), 1);
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 401),
	    REG_UNASSIGNED);
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 49151),
	    REG_UNASSIGNED);
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 49152),
	    REG_DYNAMIC);
	assert_string_equal(registry_status_name(REG_ASSIGNED), "assigned");
	assert_string_equal(registry_status_name(REG_RESERVED), "reserved");
	assert_string_equal(registry_status_name(REG_UNASSIGNED),
	    "unassigned");
	assert_string_equal(registry_status_name(REG_DYNAMIC), "dynamic");
	registry_free(reg);
}

static void
test_policy_overlaps(void **state)
{
	struct registry	*reg;

	(void)state;
	/* The order of rows does not matter, only their rank. */
	reg = load_str("o.csv", CSV_HEADER
	    "early,500,tcp,Before the range,,,,,,,,\r\n"
	    ",490-510,,Unassigned,,,,,,,,\r\n"
	    "late,505,tcp,After the range,,,,,,,,\r\n"
	    ",506,tcp,Reserved,,,,,,,,\r\n"
	    ",507,tcp,Reserved,,,,,,,,\r\n"
	    "named,507,tcp,Beats reserved,,,,,,,,\r\n");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 500), "early");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 505), "late");
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 506),
	    REG_RESERVED);
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 507), "named");
	assert_int_equal(registry_lookup(reg, PC_PROTO_TCP, 507)->nnames, 1);
	assert_string_equal(registry_lookup(reg, PC_PROTO_TCP, 507)->description,
	    "Beats reserved");
	assert_int_equal(registry_status(reg, PC_PROTO_UDP, 500),
	    REG_UNASSIGNED);
	assert_int_equal(registry_count(reg), 4);
	registry_free(reg);
}

static void
test_policy_several_names(void **state)
{
	struct registry		*reg;
	const struct service	*s;

	(void)state;
	reg = load_str("m.csv", CSV_HEADER
	    "http,80,tcp,World Wide Web HTTP,,,,,,,,\r\n"
	    "www,80,tcp,World Wide Web HTTP (alias),,,,,,,,\r\n"
	    "http,80,tcp,Repeated,,,,,,,,\r\n"
	    "www-http,80,tcp,World Wide Web HTTP,,,,,,,,\r\n");
	s = registry_lookup(reg, PC_PROTO_TCP, 80);
	assert_non_null(s);
	assert_int_equal(s->nnames, 3);
	assert_string_equal(s->name, "http");
	assert_string_equal(s->names[1], "www");
	assert_string_equal(s->names[2], "www-http");
	assert_string_equal(s->description, "World Wide Web HTTP");
	registry_free(reg);

	/* services(5): aliases follow, and later lines add names. */
	reg = load_str("svc", "http 80/tcp www # WWW\nalt 80/tcp\n");
	s = registry_lookup(reg, PC_PROTO_TCP, 80);
	assert_int_equal(s->nnames, 3);
	assert_string_equal(s->names[0], "http");
	assert_string_equal(s->names[1], "www");
	assert_string_equal(s->names[2], "alt");
	assert_string_equal(s->description, "WWW");
	registry_free(reg);
}

static void
test_policy_override(void **state)
{
	struct registry	*reg;
	char		 err[PC_ERRBUF_SIZE] = "";
	const char	*later =
	    "PORT NUMBERS\r\n"
	    "new-echo          7/tcp    Echo, renamed\r\n"
	    "#                 9/tcp    Unassigned\r\n"
	    "                 11/tcp    Reserved\r\n";

	(void)state;
	reg = load_str("first.csv", CSV_HEADER
	    "echo,7,tcp,Echo,,,,,,,,\r\n"
	    "echo,7,udp,Echo,,,,,,,,\r\n"
	    "discard,9,tcp,Discard,,,,,,,,\r\n"
	    "systat,11,tcp,Active Users,,,,,,,,\r\n"
	    "daytime,13,tcp,Daytime,,,,,,,,\r\n");
	assert_int_equal(registry_count(reg), 5);
	assert_int_equal(registry_load_buffer(reg, "second.txt", later,
	    strlen(later), err), 0);
	/* Replaced, not merged: the old name is gone. */
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 7), "new-echo");
	assert_int_equal(registry_lookup(reg, PC_PROTO_TCP, 7)->nnames, 1);
	/* An explicit unassigned row removes the earlier assignment. */
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 9),
	    REG_UNASSIGNED);
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 11),
	    REG_RESERVED);
	/* Not mentioned by the second file: kept. */
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 7), "echo");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 13), "daytime");
	assert_int_equal(registry_count(reg), 4);
	assert_string_equal(top_source(reg)->name, "second.txt");
	registry_free(reg);
}

static void
test_policy_failed_load_unchanged(void **state)
{
	struct registry	*reg;
	char		 err[PC_ERRBUF_SIZE] = "";
	const char	*bad = "echo2 7/tcp\nbroken 70000/tcp\n";

	(void)state;
	reg = load_str("good", "echo 7/tcp\nfoo 8/udp\n");
	assert_int_equal(registry_load_buffer(reg, "bad", bad, strlen(bad),
	    err), -1);
	assert_string_equal(err, "bad:2: port 70000 out of range 0-65535");
	/* The first line of the failed file was not applied. */
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 7), "echo");
	assert_int_equal(registry_lookup(reg, PC_PROTO_TCP, 7)->nnames, 1);
	assert_int_equal(registry_count(reg), 2);
	assert_string_equal(top_source(reg)->name, "good");
	registry_free(reg);
}

/* ---- bad lines ---------------------------------------------------------- */

static void
test_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ CSV_HEADER "x,70000,tcp,X,,,,,,,,\r\n",
		  "e:2: port 70000 out of range 0-65535" },
		{ CSV_HEADER "echo,7,tcp,E,,,,,,,,\r\nx,20-10,tcp,X,,,,,,,,\r\n",
		  "e:3: port range 20-10 is reversed" },
		{ CSV_HEADER "x,5,xtp,X,,,,,,,,\r\n",
		  "e:2: unknown protocol \"xtp\"" },
		{ CSV_HEADER "x,5,tcp,X\r\n",
		  "e:2: 4 fields, expected 12 as in the header" },
		{ CSV_HEADER "x,five,tcp,X,,,,,,,,\r\n",
		  "e:2: bad port number \"five\"" },
		{ CSV_HEADER "a,1,tcp,\"two\nlines\",,,,,,,,\r\n"
		  "x,5,tcp,\"never closed,,,,,,,,\r\n",
		  "e:4: unterminated quoted field" },
		{ CSV_HEADER "x,5,tcp,\"q\"x,,,,,,,,\r\n",
		  "e:2: text after closing quote" },
		{ "Service Name,Port Number,Transport Protocol\r\n",
		  "e:1: CSV header lacks Service Name, Port Number, "
		  "Transport Protocol or Description" },
		{ "echo 7/tcp\nthis is not a services line\n",
		  "e:2: expected port/protocol, found \"is\"" },
		{ "echo 7/tcp\nlonely\n",
		  "e:2: \"lonely\" has no port/protocol" },
		{ "echo 7\n", "e:1: expected port/protocol, found \"7\"" },
		{ "echo 7/\n", "e:1: empty protocol in \"7/\"" },
		{ "echo 99999999999999999999/tcp\n",
		  "e:1: port 99999999999999999999 out of range 0-65535" },
		{ "x 9-3/udp\n", "e:1: port range 9-3 is reversed" },
		{ "PORT NUMBERS\nfoo  70000/tcp  Foo\n",
		  "e:2: port 70000 out of range 0-65535" },
		{ "PORT NUMBERS\nfoo  1/xtp  Foo\n",
		  "e:2: unknown protocol in \"1/xtp\"" },
		{ "PORT NUMBERS\nfoo  30-20/tcp  Foo\n",
		  "e:2: port range 30-20 is reversed" },
	};
	struct registry	*reg;
	char		 err[PC_ERRBUF_SIZE];
	size_t		 i;

	(void)state;
	reg = registry_new();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strcpy(err, "untouched");
		assert_int_equal(registry_load_buffer(reg, "e", cases[i].text,
		    strlen(cases[i].text), err), -1);
		assert_string_equal(err, cases[i].want);
	}
	assert_int_equal(registry_count(reg), 0);
	/* A NULL errbuf is allowed. */
	assert_int_equal(registry_load_buffer(reg, "e", cases[0].text,
	    strlen(cases[0].text), NULL), -1);
	registry_free(reg);
}

static void
test_tolerated(void **state)
{
	struct registry	*reg;

	(void)state;
	/* Blank lines, comments and AppleTalk in services(5). */
	reg = load_str("svc", "\n# comment only\n   \t\nat-rtmp 1/ddp\n"
	    "echo 7/tcp\r\n");
	assert_int_equal(registry_count(reg), 1);
	registry_free(reg);

	/* Legacy prose, contacts, withdrawn keywords, references. */
	reg = load_str("pn", "PORT NUMBERS\n"
	    "The Registered Ports are in the range 1024-49151.\n"
	    "#                          Jon Postel <postel@isi.edu>\n"
	    "#unitary         126/tcp    Unisys Unitary Login\n"
	    "#               300-200    Unassigned\n"
	    "domain\n"
	    "REFERENCES\n"
	    "fake 1234/tcp  after the references\n");
	assert_int_equal(registry_count(reg), 0);
	registry_free(reg);

	/* A blank line between CSV records. */
	reg = load_str("b.csv", CSV_HEADER "\r\necho,7,tcp,E,,,,,,,,\r\n");
	assert_int_equal(registry_count(reg), 1);
	registry_free(reg);
}

static void
test_error_file_line(void **state)
{
	struct registry	*reg = registry_new();
	char		 path[TEST_PATH_MAX], err[PC_ERRBUF_SIZE];
	char		 want[PC_ERRBUF_SIZE];

	(void)state;
	source_path(path, sizeof(path),
	    "tests/fixtures/registry/bad-port.services");
	assert_int_equal(registry_load_file(reg, path, err), -1);
	snprintf(want, sizeof(want), "%s:3: port 70000 out of range 0-65535",
	    path);
	assert_string_equal(err, want);
	assert_int_equal(registry_count(reg), 0);

	source_path(path, sizeof(path), "tests/fixtures/registry/missing");
	assert_int_equal(registry_load_file(reg, path, err), -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);
	registry_free(reg);
}

/* ---- fixture files, one per format -------------------------------------- */

static void
test_fixture_csv(void **state)
{
	struct registry		*reg = registry_new();
	const struct service	*s;
	char			 path[TEST_PATH_MAX], err[PC_ERRBUF_SIZE] = "";

	(void)state;
	source_path(path, sizeof(path), "tests/fixtures/registry/mini.csv");
	if (registry_load_file(reg, path, err) != 0)
		fail_msg("%s", err);
	assert_string_equal(top_source(reg)->date, "2020-01-15");
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 0), REG_RESERVED);
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 7), "echo");
	assert_null(name_of(reg, PC_PROTO_TCP, 24));
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 24),
	    REG_ASSIGNED);
	/* Quoted description with a line break and doubled quotes. */
	s = registry_lookup(reg, PC_PROTO_TCP, 63);
	assert_int_equal(s->nnames, 2);
	assert_string_equal(s->names[0], "whoispp");
	assert_string_equal(s->names[1], "whois++");
	assert_string_equal(s->description, "whois++\nIANA assigned this "
	    "well-formed service name as a replacement for \"whois++\".");
	assert_int_equal(registry_lookup(reg, PC_PROTO_TCP, 80)->nnames, 3);
	/* 85-86/udp named inside 81-89 Unassigned (tcp and udp). */
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 85), "range-svc");
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 86), "range-svc");
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 85),
	    REG_UNASSIGNED);
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 100), "both");
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 100), "both");
	assert_string_equal(name_of(reg, PC_PROTO_SCTP, 101), "sctp-only");
	assert_string_equal(name_of(reg, PC_PROTO_DCCP, 102), "dccp-only");
	assert_int_equal(registry_status(reg, PC_PROTO_UDP, 103),
	    REG_RESERVED);
	/* 0, 7, 24, 63, 80, 85, 86, 100 x2, 101, 102, 103 */
	assert_int_equal(registry_count(reg), 12);
	registry_free(reg);
}

static void
test_fixture_legacy(void **state)
{
	struct registry	*reg = registry_new();
	char		 path[TEST_PATH_MAX], err[PC_ERRBUF_SIZE] = "";
	unsigned int	 port;

	(void)state;
	source_path(path, sizeof(path),
	    "tests/fixtures/registry/legacy-mini.txt");
	if (registry_load_file(reg, path, err) != 0)
		fail_msg("%s", err);
	assert_string_equal(top_source(reg)->date, "2005-12-22");
	assert_int_equal(registry_status(reg, PC_PROTO_UDP, 0), REG_RESERVED);
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 7), "echo");
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 24),
	    REG_ASSIGNED);
	assert_null(name_of(reg, PC_PROTO_TCP, 24));
	assert_null(registry_lookup(reg, PC_PROTO_TCP, 126));
	for (port = 6000; port <= 6063; port++)
		assert_string_equal(name_of(reg, PC_PROTO_TCP, port), "x11");
	assert_null(name_of(reg, PC_PROTO_UDP, 6000));
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 3325), "active-net");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 6400), "info-aps");
	assert_null(registry_lookup(reg, PC_PROTO_TCP, 6400)->description);
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 10110),
	    REG_UNASSIGNED);
	/* Windows-1252 bytes pass through untouched. */
	assert_string_equal(registry_lookup(reg, PC_PROTO_TCP,
	    12007)->description, "Accuracer Dynamic \x96 Network");
	assert_string_equal(name_of(reg, PC_PROTO_SCTP, 9902), "a-sctp");
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 49151),
	    REG_RESERVED);
	assert_null(registry_lookup(reg, PC_PROTO_TCP, 1234));
	/* 0 x2, 7, 24, 64 x11, 4+4 active-net, 6400 x2, 12007, 9902, 49151 x2 */
	assert_int_equal(registry_count(reg), 2 + 1 + 1 + 64 + 8 + 2 + 1 + 1 +
	    2);
	registry_free(reg);
}

static void
test_fixture_services(void **state)
{
	struct registry		*reg = registry_new();
	const struct service	*s;
	char			 path[TEST_PATH_MAX], err[PC_ERRBUF_SIZE] = "";

	(void)state;
	source_path(path, sizeof(path), "tests/fixtures/registry/services-mini");
	if (registry_load_file(reg, path, err) != 0)
		fail_msg("%s", err);
	assert_null(top_source(reg)->date);
	s = registry_lookup(reg, PC_PROTO_TCP, 9);
	assert_int_equal(s->nnames, 3);
	assert_string_equal(s->names[1], "sink");
	assert_string_equal(s->names[2], "null");
	assert_null(s->description);
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 1), "tcpmux");
	assert_string_equal(registry_lookup(reg, PC_PROTO_TCP, 1)->description,
	    "TCP port service multiplexer");
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 6063), "x11");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 6000), "x11");
	assert_null(name_of(reg, PC_PROTO_SCTP, 6000));
	assert_string_equal(name_of(reg, PC_PROTO_DCCP, 7000), "multi");
	assert_string_equal(name_of(reg, PC_PROTO_SCTP, 7000), "multi");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 6667), "ircu");
	assert_null(name_of(reg, PC_PROTO_UDP, 6667));
	/* 1, 9, 25, 80, 64 x2 x11, 4 multi, 5 ircu; ddp is skipped */
	assert_int_equal(registry_count(reg), 4 + 128 + 4 + 5);
	registry_free(reg);
}

/* ---- real files --------------------------------------------------------- */

/* Path under ../shared/registry, or NULL (and a message) if absent. */
static int
shared_path(char *buf, size_t len, const char *rel)
{
	char	dir[TEST_PATH_MAX];

	source_path(dir, sizeof(dir), "../shared/registry");
	if (access(dir, R_OK) != 0) {
		print_message("skipping: %s is absent\n", dir);
		return (-1);
	}
	if ((size_t)snprintf(buf, len, "%s/%s", dir, rel) >= len)
		fail_msg("path too long: %s/%s", dir, rel);
	return (0);
}

static void
test_legacy_2003(void **state)
{
	struct registry		*reg = registry_new();
	struct status_counts	 c;
	char			 path[TEST_PATH_MAX], err[PC_ERRBUF_SIZE] = "";

	(void)state;
	if (shared_path(path, sizeof(path), "seeds/port-numbers-2003.txt")) {
		registry_free(reg);
		skip();
	}
	if (registry_load_file(reg, path, err) != 0)
		fail_msg("%s", err);
	assert_string_equal(top_source(reg)->date, "2003-11-13");
	/* README section 5: 36 named rows (42 has two), 24 and 35, 0. */
	count_status(reg, PC_PROTO_TCP, &c);
	assert_int_equal(c.named, 35);
	assert_int_equal(c.noname, 2);
	assert_int_equal(c.reserved, 1);
	assert_int_equal(c.multi, 1);
	count_status(reg, PC_PROTO_UDP, &c);
	assert_int_equal(c.named, 35);
	assert_int_equal(c.noname, 2);
	assert_int_equal(c.reserved, 1);
	count_status(reg, PC_PROTO_SCTP, &c);
	assert_int_equal(c.named + c.reserved, 0);
	assert_string_equal(registry_lookup(reg, PC_PROTO_TCP, 42)->names[1],
	    "nameserver");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 2), "compressnet");
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 52), "xns-time");
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 4),
	    REG_UNASSIGNED);
	registry_free(reg);
}

static void
test_legacy_2005(void **state)
{
	struct registry		*reg = registry_new();
	struct status_counts	 c;
	char			 path[TEST_PATH_MAX], err[PC_ERRBUF_SIZE] = "";

	(void)state;
	if (shared_path(path, sizeof(path), "port-numbers-2005-12-22.txt")) {
		registry_free(reg);
		skip();
	}
	if (registry_load_file(reg, path, err) != 0)
		fail_msg("%s", err);
	assert_string_equal(top_source(reg)->date, "2005-12-22");
	/*
	 * README section 3 gives 4,854/4,846 assigned, 7 "any private",
	 * and 41/42 reserved.  We count one more reserved port on each
	 * protocol: "# 49151 IANA Reserved", which the README's rule (the
	 * description must start with "Reserved") leaves unassigned.
	 */
	count_status(reg, PC_PROTO_TCP, &c);
	assert_int_equal(c.named, 4854);
	assert_int_equal(c.noname, 7);
	assert_int_equal(c.reserved, 41 + 1);
	count_status(reg, PC_PROTO_UDP, &c);
	assert_int_equal(c.named, 4846);
	assert_int_equal(c.noname, 7);
	assert_int_equal(c.reserved, 42 + 1);
	count_status(reg, PC_PROTO_SCTP, &c);
	assert_int_equal(c.named, 11);
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 49151),
	    REG_RESERVED);
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 6063), "x11");
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 7350), "swx");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 12007), "accuracer");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 80), "http");
	/* "#unitary 126/tcp" is commented out: nxedit stays alone. */
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 126), "nxedit");
	assert_int_equal(registry_lookup(reg, PC_PROTO_TCP, 126)->nnames, 1);
	/* "# 24322-24248 Unassigned" (a typo) is skipped, not an error. */
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 24300),
	    REG_UNASSIGNED);
	registry_free(reg);
}

static void
test_etc_services(void **state)
{
	struct registry	*reg = registry_new();
	char		 err[PC_ERRBUF_SIZE] = "";

	(void)state;
	if (access("/etc/services", R_OK) != 0) {
		/* Not a skip: the same shapes are in services-mini. */
		print_message("note: no /etc/services on this machine\n");
		registry_free(reg);
		return;
	}
	if (registry_load_file(reg, "/etc/services", err) != 0)
		fail_msg("%s", err);
	assert_true(registry_count(reg) > 0);
	assert_null(top_source(reg)->date);
	registry_free(reg);
}

static void
test_override_default_with_file(void **state)
{
	struct registry			*reg = registry_new(), *iana, *mini;
	const struct registry_source	*src;
	char				 path[TEST_PATH_MAX];
	char				 err[PC_ERRBUF_SIZE] = "";
	size_t				 before, n, replaced = 0;
	unsigned int			 proto, port;

	(void)state;
	assert_int_equal(registry_load_default(reg, err), 0);
	before = registry_count(reg);
	source_path(path, sizeof(path), "tests/fixtures/registry/services-mini");
	if (registry_load_file(reg, path, err) != 0)
		fail_msg("%s", err);
	/* The services file names 9/tcp "discard sink null". */
	assert_int_equal(registry_lookup(reg, PC_PROTO_TCP, 9)->nnames, 3);
	/* 7000/sctp was unassigned in IANA; the file assigns it. */
	assert_string_equal(name_of(reg, PC_PROTO_SCTP, 7000), "multi");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 443), "https");
	assert_true(registry_count(reg) > before);

	/* Each source keeps its own date: the file on top has none. */
	src = registry_sources(reg, &n);
	assert_int_equal(n, 2);
	assert_string_equal(src[0].name, "embedded IANA CSV");
	assert_string_equal(src[0].date, "2026-04-09");
	assert_string_equal(src[1].name, path);
	assert_null(src[1].date);
	/*
	 * The file keeps all of its 141 entries; the CSV gives what it gave
	 * alone less the ports the file names that it had an entry for,
	 * counted here port by port on the two loaded apart.
	 */
	iana = registry_new();
	assert_int_equal(registry_load_default(iana, err), 0);
	mini = registry_new();
	assert_int_equal(registry_load_file(mini, path, err), 0);
	for (proto = PC_PROTO_TCP; proto <= PC_PROTO_DCCP; proto++)
		for (port = 0; port < 65536; port++)
			replaced += registry_lookup(mini, proto,
			    (uint16_t)port) != NULL && registry_lookup(iana,
			    proto, (uint16_t)port) != NULL;
	assert_true(replaced > 0);
	assert_int_equal(src[1].entries, registry_count(mini));
	assert_int_equal(src[0].entries, before - replaced);
	assert_sources_add_up(reg);
	registry_free(mini);
	registry_free(iana);
	registry_free(reg);
}

/*
 * Three sources and a local name: later ones win per (protocol, port),
 * an explicit unassigned row included, each source keeps its own date,
 * and the entries each gives follow what was replaced.
 */
static void
test_sources_order(void **state)
{
	struct registry			*reg;
	const struct registry_source	*src;
	char				 legacy[TEST_PATH_MAX];
	char				 err[PC_ERRBUF_SIZE] = "";
	char				*text;
	size_t				 n, iana;
	const char			*site = "site-echo 7/tcp\n"
	    "site-four 4/udp\nsite-only 40000/tcp\n";

	(void)state;
	source_path(legacy, sizeof(legacy),
	    "tests/fixtures/registry/legacy-mini.txt");

	/* The embedded registry, a site file, then the 2005 text. */
	reg = registry_new();
	assert_int_equal(registry_load_default(reg, err), 0);
	iana = registry_count(reg);
	assert_int_equal(registry_load_buffer(reg, "site", site, strlen(site),
	    err), 0);
	if (registry_load_file(reg, legacy, err) != 0)
		fail_msg("%s", err);
	/* legacy-mini names 7/tcp echo and says "# 4/udp Unassigned". */
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 7), "echo");
	assert_int_equal(registry_status(reg, PC_PROTO_UDP, 4),
	    REG_UNASSIGNED);
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 40000), "site-only");
	/* Ports only the CSV names keep its names. */
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 1900), "ssdp");
	src = registry_sources(reg, &n);
	assert_int_equal(n, 3);
	assert_string_equal(src[0].name, "embedded IANA CSV");
	assert_string_equal(src[0].date, "2026-04-09");
	assert_string_equal(src[1].name, "site");
	assert_null(src[1].date);
	assert_string_equal(src[2].name, legacy);
	assert_string_equal(src[2].date, "2005-12-22");
	/* Of the site's three, the 2005 text replaced two. */
	assert_int_equal(src[1].entries, 1);
	/* legacy-mini alone has 82 entries (test_fixture_legacy). */
	assert_int_equal(src[2].entries, 82);
	assert_true(src[0].entries < iana);
	assert_sources_add_up(reg);

	/* A local name takes its entry from the source that gave it. */
	n = src[2].entries;
	assert_int_equal(registry_add_local(reg, PC_PROTO_TCP, 7, "my-echo",
	    NULL), 0);
	src = registry_sources(reg, &n);
	assert_int_equal(src[2].entries, 81);
	assert_sources_add_up(reg);
	text = registry_sources_text(src, n);
	assert_non_null(strstr(text, "embedded IANA CSV (data of 2026-04-09, "));
	assert_non_null(strstr(text, " entries), then site (no date, 1 "
	    "entries), then "));
	assert_non_null(strstr(text, "legacy-mini.txt (data of 2005-12-22, 81 "
	    "entries)"));
	free(text);
	registry_free(reg);

	/* The other way round, the site file wins. */
	reg = registry_new();
	if (registry_load_file(reg, legacy, err) != 0)
		fail_msg("%s", err);
	assert_int_equal(registry_load_buffer(reg, "site", site, strlen(site),
	    err), 0);
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 7), "site-echo");
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 4), "site-four");
	src = registry_sources(reg, &n);
	assert_int_equal(n, 2);
	assert_string_equal(src[0].date, "2005-12-22");
	assert_null(src[1].date);
	assert_int_equal(src[0].entries, 81);
	assert_int_equal(src[1].entries, 3);
	assert_sources_add_up(reg);
	registry_free(reg);

	/* Nothing loaded: no source. */
	reg = registry_new();
	src = registry_sources(reg, &n);
	assert_int_equal(n, 0);
	text = registry_sources_text(src, n);
	assert_string_equal(text, "(none)");
	free(text);
	registry_free(reg);
}

/*
 * registry_assemble(): the embedded registry under the files, or the
 * files alone; a file that fails gives no registry and names itself.
 */
static void
test_assemble(void **state)
{
	struct registry			*reg;
	struct registry_spec		 spec;
	const struct registry_source	*src;
	const char			*files[2];
	char				 path[TEST_PATH_MAX];
	char				 err[PC_ERRBUF_SIZE] = "";
	size_t				 n;

	(void)state;
	source_path(path, sizeof(path), "tests/fixtures/registry/site.services");
	files[0] = path;
	files[1] = "/nonexistent/registry.csv";
	memset(&spec, 0, sizeof(spec));
	spec.files = files;

	/* On top of the embedded registry (--add-registry). */
	spec.embedded = 1;
	spec.nfiles = 1;
	if ((reg = registry_assemble(&spec, err)) == NULL)
		fail_msg("%s", err);
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 1900), "ssdp");
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 5355), "llmnr");
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 4), "site-telemetry");
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 8080), "site-api");
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 8080), "http-alt");
	src = registry_sources(reg, &n);
	assert_int_equal(n, 2);
	assert_string_equal(src[0].name, "embedded IANA CSV");
	assert_string_equal(src[1].name, path);
	assert_int_equal(src[1].entries, 5);
	registry_free(reg);

	/* Instead of it (--registry): what the file lacks is unassigned. */
	spec.embedded = 0;
	if ((reg = registry_assemble(&spec, err)) == NULL)
		fail_msg("%s", err);
	assert_int_equal(registry_status(reg, PC_PROTO_UDP, 1900),
	    REG_UNASSIGNED);
	assert_int_equal(registry_status(reg, PC_PROTO_UDP, 5355),
	    REG_UNASSIGNED);
	assert_string_equal(name_of(reg, PC_PROTO_UDP, 4), "site-telemetry");
	assert_int_equal(registry_count(reg), 5);
	src = registry_sources(reg, &n);
	assert_int_equal(n, 1);
	registry_free(reg);

	/* The embedded registry alone. */
	spec.embedded = 1;
	spec.nfiles = 0;
	if ((reg = registry_assemble(&spec, err)) == NULL)
		fail_msg("%s", err);
	assert_int_equal(registry_count(reg), 12896);
	registry_free(reg);

	/* A file that cannot be read: no registry, the file named. */
	spec.nfiles = 2;
	assert_null(registry_assemble(&spec, err));
	assert_non_null(strstr(err, "/nonexistent/registry.csv: "));
}

/* ---- the image resolved at build time ---------------------------------- */

/*
 * a and b answer alike for every port: status, names in order and
 * description; and they hold as many entries, of the same date.
 */
static void
assert_same_registry(const struct registry *a, const struct registry *b)
{
	const struct service		*sa, *sb;
	const struct registry_source	*srca, *srcb;
	const char			*da, *db;
	unsigned int			 proto, port;
	size_t				 i, na, nb;

	for (proto = PC_PROTO_TCP; proto <= PC_PROTO_DCCP; proto++) {
		for (port = 0; port < 65536; port++) {
			if (registry_status(a, proto, (uint16_t)port) !=
			    registry_status(b, proto, (uint16_t)port))
				fail_msg("%u/%u: status differs", port, proto);
			sa = registry_lookup(a, proto, (uint16_t)port);
			sb = registry_lookup(b, proto, (uint16_t)port);
			if (sa == NULL || sb == NULL) {
				if (sa != sb)
					fail_msg("%u/%u: entry in one only",
					    port, proto);
				continue;
			}
			if (sa->status != sb->status || sa->port != sb->port ||
			    sa->proto != sb->proto)
				fail_msg("%u/%u: entry differs", port, proto);
			if (sa->nnames != sb->nnames)
				fail_msg("%u/%u: %zu names against %zu", port,
				    proto, sa->nnames, sb->nnames);
			for (i = 0; i < sa->nnames; i++)
				if (strcmp(sa->names[i], sb->names[i]) != 0)
					fail_msg("%u/%u: name %zu: %s, %s",
					    port, proto, i, sa->names[i],
					    sb->names[i]);
			if (sa->nnames > 0 && (sa->name != sa->names[0] ||
			    sb->name != sb->names[0]))
				fail_msg("%u/%u: name is not names[0]", port,
				    proto);
			if (sa->nnames == 0 && (sa->name != NULL ||
			    sb->name != NULL))
				fail_msg("%u/%u: name without names", port,
				    proto);
			da = sa->description;
			db = sb->description;
			if ((da == NULL || db == NULL) ? da != db :
			    strcmp(da, db) != 0)
				fail_msg("%u/%u: description: %s, %s", port,
				    proto, da != NULL ? da : "(none)",
				    db != NULL ? db : "(none)");
		}
	}
	assert_int_equal(registry_count(a), registry_count(b));
	/* Source by source, the same dates and entries (names differ). */
	srca = registry_sources(a, &na);
	srcb = registry_sources(b, &nb);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		da = srca[i].date;
		db = srcb[i].date;
		if ((da == NULL || db == NULL) ? da != db :
		    strcmp(da, db) != 0)
			fail_msg("source %zu date: %s, %s", i,
			    da != NULL ? da : "(none)",
			    db != NULL ? db : "(none)");
		assert_int_equal(srca[i].entries, srcb[i].entries);
	}
}

/* The CSV of the source tree, loaded at run time as --registry does. */
static struct registry *
load_csv_file(void)
{
	struct registry	*reg = registry_new();
	char		 path[TEST_PATH_MAX], err[PC_ERRBUF_SIZE] = "";

	source_path(path, sizeof(path),
	    "data/service-names-port-numbers.csv");
	if (registry_load_file(reg, path, err) != 0)
		fail_msg("%s", err);
	return (reg);
}

/* The compiled-in image says exactly what parsing the CSV says. */
static void
test_image_matches_csv(void **state)
{
	struct registry	*img = registry_new(), *csv;
	char		 err[PC_ERRBUF_SIZE] = "";

	(void)state;
	assert_int_equal(registry_load_default(img, err), 0);
	csv = load_csv_file();
	assert_same_registry(img, csv);
	assert_int_equal(registry_count(img), 12896);
	assert_string_equal(top_source(img)->name, "embedded IANA CSV");
	registry_free(csv);
	registry_free(img);
}

/*
 * Over and under other loads the image behaves as the CSV does: what it
 * mentions replaces earlier entries, unassigned rows included, and a later
 * file replaces what it mentions in turn.
 */
static void
test_image_override(void **state)
{
	struct registry	*img, *csv;
	char		 path[TEST_PATH_MAX], err[PC_ERRBUF_SIZE] = "";
	size_t		 n;
	const char	*site =
	    "site-four	4/tcp		# IANA: Unassigned\n"
	    "site-https	443/tcp		# IANA: https\n"
	    "site-sctp	7000/sctp	# not in the IANA CSV\n"
	    "site-dyn	50000/udp\n";

	(void)state;
	source_path(path, sizeof(path),
	    "data/service-names-port-numbers.csv");

	/* A file first, then the image: as if the CSV were loaded. */
	img = load_str("site", site);
	assert_int_equal(registry_load_default(img, err), 0);
	csv = load_str("site", site);
	if (registry_load_file(csv, path, err) != 0)
		fail_msg("%s", err);
	assert_same_registry(img, csv);
	assert_int_equal(registry_status(img, PC_PROTO_TCP, 4),
	    REG_UNASSIGNED);
	assert_string_equal(name_of(img, PC_PROTO_TCP, 443), "https");
	assert_string_equal(name_of(img, PC_PROTO_SCTP, 7000), "site-sctp");
	assert_string_equal(top_source(img)->name, "embedded IANA CSV");
	registry_free(csv);
	registry_free(img);

	/* The image, then a file over it. */
	img = registry_new();
	assert_int_equal(registry_load_default(img, err), 0);
	assert_int_equal(registry_load_buffer(img, "site", site, strlen(site),
	    err), 0);
	csv = load_csv_file();
	assert_int_equal(registry_load_buffer(csv, "site", site, strlen(site),
	    err), 0);
	assert_same_registry(img, csv);
	assert_string_equal(name_of(img, PC_PROTO_TCP, 4), "site-four");
	assert_string_equal(name_of(img, PC_PROTO_TCP, 443), "site-https");
	assert_int_equal(registry_lookup(img, PC_PROTO_TCP, 443)->nnames, 1);
	/* The site file on top has no date; the CSV under it keeps its own. */
	assert_string_equal(top_source(img)->name, "site");
	assert_null(top_source(img)->date);
	assert_string_equal(registry_sources(img, &n)[0].date, "2026-04-09");
	assert_int_equal(n, 2);
	/* And a site name over both. */
	assert_int_equal(registry_add_local(img, PC_PROTO_TCP, 80, "web",
	    NULL), 0);
	assert_int_equal(registry_status(img, PC_PROTO_TCP, 80), REG_LOCAL);
	registry_free(csv);
	registry_free(img);
}

/* A hand-made image: strings stay in its pool; a broken one is refused. */
static void
test_image_small(void **state)
{
	static const char			 pool[] = "echo\0Echo\0sink";
	static const uint32_t			 names[] = { 0, 10 };
	struct registry_image_entry		 ents[3] = {
		{ 0, 5, 7, 1, PC_PROTO_TCP, REG_ASSIGNED },
		{ 0, REGISTRY_IMAGE_NONE, 9, 2, PC_PROTO_TCP, REG_ASSIGNED },
		{ 0, REGISTRY_IMAGE_NONE, 11, 0, PC_PROTO_UDP, REG_RESERVED },
	};
	struct registry_image_range		 ranges[1] = {
		{ 13, 14, PC_PROTO_TCP }
	};
	const struct registry_image		 good = {
		ents, 3, names, 2, ranges, 1, pool, sizeof(pool), "2001-02-03"
	};
	struct registry_image			 bad;
	struct registry				*reg;
	const struct service			*s;
	char					 err[PC_ERRBUF_SIZE] = "";
	size_t					 i;

	(void)state;
	reg = load_str("before", "daytime 13/tcp\nqotd 17/tcp\n");
	assert_int_equal(registry_load_image(reg, &good, "small", err), 0);
	s = registry_lookup(reg, PC_PROTO_TCP, 7);
	assert_non_null(s);
	assert_ptr_equal(s->name, pool);		/* not a copy */
	assert_ptr_equal(s->description, pool + 5);
	s = registry_lookup(reg, PC_PROTO_TCP, 9);
	assert_int_equal(s->nnames, 2);
	assert_string_equal(s->names[1], "sink");
	assert_null(s->description);
	assert_int_equal(registry_status(reg, PC_PROTO_UDP, 11),
	    REG_RESERVED);
	/* 13/tcp is in an unassigned range: dropped; 17/tcp is untouched. */
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 13),
	    REG_UNASSIGNED);
	assert_string_equal(name_of(reg, PC_PROTO_TCP, 17), "qotd");
	assert_int_equal(registry_count(reg), 4);
	assert_string_equal(top_source(reg)->name, "small");
	assert_string_equal(top_source(reg)->date, "2001-02-03");
	registry_free(reg);

	for (i = 0; i < 6; i++) {
		bad = good;
		switch (i) {
		case 0:		/* the last string runs off the pool */
			bad.poollen = sizeof(pool) - 1;
			break;
		case 1:		/* a name past the pool */
			bad.poollen = 10;
			break;
		case 2:		/* entries out of order */
			ents[1].port = 7;
			break;
		case 3:		/* names past the name offsets */
			ents[1].nnames = 3;
			break;
		case 4:		/* a status a file never gives */
			ents[2].status = REG_LOCAL;
			break;
		case 5:		/* a protocol the registry does not hold */
			ranges[0].proto = PC_PROTO_UDPLITE;
			break;
		}
		reg = load_str("before", "daytime 13/tcp\n");
		err[0] = '\0';
		if (registry_load_image(reg, &bad, "bad", err) != -1)
			fail_msg("bad image %zu loaded", i);
		if (strncmp(err, "bad: image ", 11) != 0)
			fail_msg("bad image %zu: \"%s\"", i, err);
		/* Nothing changed. */
		assert_string_equal(name_of(reg, PC_PROTO_TCP, 13), "daytime");
		assert_int_equal(registry_count(reg), 1);
		assert_string_equal(top_source(reg)->name, "before");
		registry_free(reg);
		ents[1].port = 9;
		ents[1].nnames = 2;
		ents[2].status = REG_RESERVED;
		ranges[0].proto = PC_PROTO_TCP;
	}
}

/* ---- the readers' edges ------------------------------------------------- */

/* Loading text fails with the message want, and nothing is loaded. */
static void
assert_load_error(const char *text, const char *want)
{
	struct registry	*reg = registry_new();
	char		 err[PC_ERRBUF_SIZE] = "untouched";
	size_t		 nsources;

	assert_int_equal(registry_load_buffer(reg, "e", text, strlen(text),
	    err), -1);
	assert_string_equal(err, want);
	assert_int_equal(registry_count(reg), 0);
	(void)registry_sources(reg, &nsources);
	assert_int_equal(nsources, 0);
	registry_free(reg);
}

/*
 * Errors test_errors() leaves out: a services(5) protocol that is empty
 * between slashes or not letters and digits, a CSV syntax error in the
 * header itself (reported on line 1 like any record), a CSV port range
 * with no upper end after a row the reader skips, and a reversed range in
 * a legacy line with the "*" keyword (only commented-out notes may be
 * reversed).
 */
static void
test_errors_more(void **state)
{
	(void)state;
	assert_load_error("echo 7/t-p\n", "e:1: bad protocol in \"7/t-p\"");
	assert_load_error("echo 7/tcp//udp\n",
	    "e:1: empty protocol in \"7/tcp//udp\"");
	assert_load_error("Service Name,Port Number,Transport Protocol,"
	    "\"Desc\n", "e:1: unterminated quoted field");
	assert_load_error(CSV_HEADER "dnssd,,tcp,X,,,,,,,,\r\n"
	    "x,5-,tcp,X,,,,,,,,\r\n", "e:3: bad port range \"5-\"");
	assert_load_error("PORT NUMBERS\r\n*  9-3  Foo\r\n",
	    "e:2: port range 9-3 is reversed");
}

/*
 * The legacy title is the first line that is not blank: blank lines before
 * it may end in CR LF and hold spaces and tabs, and a byte order mark may
 * come first.  Anywhere else it makes no legacy file.
 */
static void
test_detect_legacy_after_blanks(void **state)
{
	const struct service	*s;
	struct registry		*reg;

	(void)state;
	reg = load_str("pn.txt", "\xef\xbb\xbf \r\n\t\r\n\nPORT NUMBERS \r\n"
	    "echo    7/tcp   Echo\r\n");
	/* Read as legacy text: "Echo" is the description, not an alias. */
	s = registry_lookup(reg, PC_PROTO_TCP, 7);
	assert_non_null(s);
	assert_true(s->nnames == 1 && strcmp(s->name, "echo") == 0);
	assert_true(s->description != NULL &&
	    strcmp(s->description, "Echo") == 0);
	registry_free(reg);

	/* After a data line the title is a services(5) line, and a bad one. */
	assert_load_error("echo 7/tcp Echo\nPORT NUMBERS\n",
	    "e:2: expected port/protocol, found \"NUMBERS\"");
}

/* A services(5) line keeps its name and at most 62 aliases. */
static void
test_services_alias_limit(void **state)
{
	const struct service	*s;
	struct registry		*reg;
	char			 line[1024], want[8];
	size_t			 off;
	int			 i;

	(void)state;
	off = (size_t)snprintf(line, sizeof(line), "name 7/udp");
	for (i = 1; i <= 70; i++)
		off += (size_t)snprintf(line + off, sizeof(line) - off,
		    " a%d", i);
	assert_true(off + 2 < sizeof(line));
	strcat(line, "\n");
	reg = load_str("svc", line);
	s = registry_lookup(reg, PC_PROTO_UDP, 7);
	assert_true(s != NULL && s->nnames == 63);
	assert_string_equal(s->name, "name");
	/* The aliases in order, a1 to a62; a63 to a70 are left out. */
	for (i = 1; i < 63; i++) {
		snprintf(want, sizeof(want), "a%d", i);
		assert_string_equal(s->names[i], want);
	}
	registry_free(reg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_counts),
		cmocka_unit_test(test_default_lookups),
		cmocka_unit_test(test_detect_csv),
		cmocka_unit_test(test_detect_legacy),
		cmocka_unit_test(test_detect_services),
		cmocka_unit_test(test_policy_ranges),
		cmocka_unit_test(test_policy_nameless_rows),
		cmocka_unit_test(test_policy_no_protocol),
		cmocka_unit_test(test_policy_reserved_unassigned),
		cmocka_unit_test(test_policy_overlaps),
		cmocka_unit_test(test_policy_several_names),
		cmocka_unit_test(test_policy_override),
		cmocka_unit_test(test_policy_failed_load_unchanged),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_tolerated),
		cmocka_unit_test(test_error_file_line),
		cmocka_unit_test(test_fixture_csv),
		cmocka_unit_test(test_fixture_legacy),
		cmocka_unit_test(test_fixture_services),
		cmocka_unit_test(test_legacy_2003),
		cmocka_unit_test(test_legacy_2005),
		cmocka_unit_test(test_etc_services),
		cmocka_unit_test(test_override_default_with_file),
		cmocka_unit_test(test_sources_order),
		cmocka_unit_test(test_assemble),
		cmocka_unit_test(test_dynamic_range_status),
		cmocka_unit_test(test_class_status_and_range),
		cmocka_unit_test(test_image_matches_csv),
		cmocka_unit_test(test_image_override),
		cmocka_unit_test(test_image_small),
		cmocka_unit_test(test_errors_more),
		cmocka_unit_test(test_detect_legacy_after_blanks),
		cmocka_unit_test(test_services_alias_limit),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
