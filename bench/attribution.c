/*
 * attribution.c - how often portclass names the right service port, packet
 * by packet, on a capture whose answers are known (pcapgen --per-packet).
 *
 *   attribution [-q] [--listeners N] [--flows N] [--rows OUT] FILE
 *       [FILE.packets.tsv]
 *
 * Reads FILE as portclass does (capture.h), decodes and classifies every
 * frame as the engine does (classify_packet() with a flow cache and a listener memory
 * of the default sizes, frame times in seconds), and compares each
 * service frame with the generator's line for it: its protocol, server
 * port, client port, and how many clients that server has in the capture.
 * Guesses are held and decided again at the end, as the engine's
 * engine_count() and engine_settle() do for a run report (defer.h).
 * The same frames go through the rule alone too (no listener memory: what
 * evidence adds).  It prints, for each:
 *   - the share of service packets on their true service port;
 *   - the wrong ones by the reason that decided them;
 *   - client ports reported as services: (protocol, port) rows that got
 *     packets but are no server's port, and of those the rows an operator
 *     would see under --unassigned (unassigned or reserved), counted
 *     again for packets of servers with two or more clients.
 * -q prints one line per variant, for scripts.  --rows writes the first
 * variant's service rows to OUT ("proto port packets", "-" for the
 * ephemeral row), which must equal the run report of portclass -r FILE:
 * tests/e2e_attribution.sh checks that this program decides as the
 * engine does.  Exit 0, or 1 on error.
 * docs/service-port.md explains the figures.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/capture.h"
#include "portclass/classify.h"
#include "portclass/conv.h"
#include "portclass/decode.h"
#include "portclass/defer.h"
#include "portclass/flow.h"
#include "portclass/listener.h"
#include "portclass/log.h"
#include "portclass/proto.h"
#include "portclass/registry.h"

#define AT_SLOTS	((size_t)PC_PROTO_COUNT * 65536)

/* One way of classifying, and what came of it. */
struct variant {
	const char		*name;
	struct flow_cache	*flows;
	struct listener_table	*lt;
	struct defer_table	*held;		/* guesses, as the engine */
	uint64_t		 packets;	/* service frames compared */
	uint64_t		 right;
	uint64_t		 wrong_why[CLASSIFY_REASON_COUNT];
	uint8_t			*got;		/* [proto][port]: 1 got, 2 with
						 * a packet of a 2+ server */
	uint64_t		*rows;		/* [proto][port or 65536] */
};

static void	at_usage(void) __attribute__((noreturn));

static void
at_usage(void)
{
	fprintf(stderr, "usage: attribution [-q] [--listeners N] "
	    "[--flows N] [--rows OUT] FILE [PACKETS.tsv]\n");
	exit(1);
}

static int
at_proto(const char *s)
{
	unsigned int	p;

	for (p = 0; p < PC_PROTO_COUNT; p++)
		if (strcmp(s, pc_proto_name(p)) == 0)
			return ((int)p);
	return (-1);
}

static void
at_report(const struct variant *v, const struct registry *reg,
    const uint8_t *server, int quiet)
{
	uint64_t	rows = 0, rows_ua = 0, rows2 = 0, rows2_ua = 0;
	size_t		i;
	unsigned int	k;
	enum reg_status	st;

	for (i = 0; i < AT_SLOTS; i++) {
		if (v->got[i] == 0 || server[i])
			continue;
		st = registry_status(reg, (unsigned int)(i / 65536),
		    (uint16_t)(i % 65536));
		rows++;
		rows_ua += st == REG_UNASSIGNED || st == REG_RESERVED;
		if (v->got[i] & 2) {
			rows2++;
			rows2_ua += st == REG_UNASSIGNED || st == REG_RESERVED;
		}
	}
	if (quiet) {
		printf("%s\tpackets %" PRIu64 "\tright %" PRIu64
		    "\tshare %.4f\tclient_rows %" PRIu64
		    "\tclient_rows_unassigned %" PRIu64
		    "\tclient_rows_2plus %" PRIu64
		    "\tclient_rows_2plus_unassigned %" PRIu64 "\n", v->name,
		    v->packets, v->right, v->packets ?
		    (double)v->right / (double)v->packets : 0.0, rows, rows_ua,
		    rows2, rows2_ua);
		return;
	}
	printf("%s:\n", v->name);
	printf("  service packets       %" PRIu64 "\n", v->packets);
	printf("  on the right port     %" PRIu64 " (%.2f %%)\n", v->right,
	    v->packets ? 100.0 * (double)v->right / (double)v->packets : 0.0);
	printf("  wrong, by reason     ");
	for (k = 0; k < CLASSIFY_REASON_COUNT; k++)
		if (v->wrong_why[k] != 0)
			printf(" %s %" PRIu64, classify_reason_name(k),
			    v->wrong_why[k]);
	printf("\n  client ports reported as services    %" PRIu64
	    " (%" PRIu64 " unassigned or reserved)\n", rows, rows_ua);
	printf("  ... with packets of 2+ client servers %" PRIu64
	    " (%" PRIu64 " unassigned or reserved)\n", rows2, rows2_ua);
}

/* The truth of a held conversation, found by its conv.h hash. */
struct at_truth {
	uint64_t	key;		/* 0: empty */
	uint32_t	sport;		/* 65536: the ephemeral row */
	uint16_t	group;
	uint8_t		proto;
};

#define AT_TRUTH_LOG2	22

/* Everything the frame callback needs. */
struct at_run {
	struct registry	*reg;
	struct variant	 var[2];
	uint8_t		*server;	/* [proto][port]: some server's port */
	FILE		*tf;
	const char	*path;
	uint64_t	 lineno;
	int		 failed;
	struct at_truth	*truth;		/* 1 << AT_TRUTH_LOG2 */
	struct variant	*cur;		/* settling: whose */
};

static unsigned long dbg_line;
static struct at_truth *
at_truth_slot(struct at_run *r, const struct pkt_info *pi)
{
	struct at_truth	*t;
	uint64_t	 key;
	size_t		 i, mask = ((size_t)1 << AT_TRUTH_LOG2) - 1;
	int		 lo;

	key = conv_hash(pi, 0, &lo) | 1;
	for (i = (size_t)key & mask;; i = (i + 1) & mask) {
		t = &r->truth[i];
		if (t->key == key || t->key == 0) {
			t->key = key;
			return (t);
		}
	}
}

/* n packets decided as res, against the truth of their server. */
static void
at_count(struct variant *v, const struct classify_result *res, int proto,
    unsigned long sport, unsigned long group, uint64_t n)
{
	v->rows[(size_t)proto * 65537 + (res->ephemeral ? 65536 : res->port)]
	    += n;
	v->packets += n;
	if (res->ephemeral ? sport == 65536 : res->port == sport) {
		v->right += n;
		return;
	}
	v->wrong_why[res->reason] += n;
	if (getenv("AT_DBG") && v->lt && group >= 2) fprintf(stderr, "%lu wrong %s %lu -> %u %s n=%lu g=%lu\n", dbg_line, pc_proto_name((unsigned)proto), sport, res->ephemeral ? 0 : res->port, classify_reason_name(res->reason), (unsigned long)n, group);
	if (!res->ephemeral)
		v->got[(size_t)proto * 65536 + res->port] |=
		    (uint8_t)(1 | (group >= 2 ? 2 : 0));
}

/* A held conversation decided, as engine_settle_one() does. */
static void
at_settle(void *ctx, const struct defer_entry *d)
{
	struct at_run		*r = ctx;
	struct classify_result	 res;
	struct at_truth		*t;

	classify_again(r->reg, r->cur->flows, r->cur->lt, &d->pi, &d->held,
	    &res);
	t = at_truth_slot(r, &d->pi);
	at_count(r->cur, &res, t->proto, t->sport, t->group, d->packets);
}

/* As engine_decided(): evidence decides this held conversation now. */
static int
at_decided(void *ctx, const struct defer_entry *d)
{
	struct at_run		*r = ctx;
	struct classify_result	 res;

	classify_again(r->reg, r->cur->flows, r->cur->lt, &d->pi, NULL, &res);
	return (res.reason < CLASSIFY_CLIENT);
}

static void
at_hold(struct at_run *r, struct variant *v, const struct capture_frame *f,
    const struct pkt_info *pi, const struct classify_result *res, int proto,
    unsigned long sport, unsigned long group)
{
	struct defer_packet	 p;
	struct defer_entry	 out;
	struct at_truth		*t;

	t = at_truth_slot(r, pi);
	t->proto = (uint8_t)proto;
	t->sport = (uint32_t)sport;
	t->group = (uint16_t)(group > 65535 ? 65535 : group);
	p.pi = pi;
	p.wirelen = f->wirelen;
	p.sec = f->ts_sec;
	p.nsec = f->ts_nsec;
	p.held = *res;
	r->cur = v;
	if (defer_hold(v->held, &p, &out, at_decided, r))
		at_settle(r, &out);
}

/* One frame against its line of truth, through both variants. */
static void
at_frame(void *ctx, const struct capture_frame *f)
{
	struct at_run		*r = ctx;
	struct pkt_info		 pi;
	struct classify_result	 res;
	struct variant		*v;
	char			 line[256], f1[32], f2[32];
	unsigned long		 sport, cport, group = 0;
	int			 proto, j;

	if (r->failed)
		return;
	r->lineno++;
	dbg_line = r->lineno;
	if (fgets(line, sizeof(line), r->tf) == NULL ||
	    (strncmp(line, "counter\t", 8) != 0 &&
	    sscanf(line, "%31s %31s %lu %lu", f1, f2, &cport, &group) < 3)) {
		fprintf(stderr, "attribution: %s:%" PRIu64 ": no truth for "
		    "this frame\n", r->path, r->lineno);
		r->failed = 1;
		return;
	}
	if (strncmp(line, "counter\t", 8) == 0)
		return;
	if ((proto = at_proto(f1)) < 0) {
		fprintf(stderr, "attribution: %s:%" PRIu64 ": bad protocol "
		    "%s\n", r->path, r->lineno, f1);
		r->failed = 1;
		return;
	}
	sport = strcmp(f2, "-") == 0 ? 65536 : strtoul(f2, NULL, 10);
	if (sport < 65536)
		r->server[(size_t)proto * 65536 + sport] = 1;
	if (decode_frame(f->dlt, f->data, f->caplen, &pi) != DECODE_OK ||
	    pi.kind != PKT_PORTS) {
		for (j = 0; j < 2; j++)
			r->var[j].packets++;
		return;
	}
	for (j = 0; j < 2; j++) {
		v = &r->var[j];
		classify_packet(r->reg, v->flows, v->lt, &pi, f->ts_sec, &res);
		if (res.guess) {
			at_hold(r, v, f, &pi, &res, proto, sport, group);
			continue;
		}
		at_count(v, &res, proto, sport, group, 1);
	}
}

/* The first variant's rows, as portclass's run report has them. */
static int
at_rows(const struct variant *v, const char *path)
{
	FILE	*fp;
	size_t	 i;

	if ((fp = fopen(path, "w")) == NULL) {
		fprintf(stderr, "attribution: %s: %s\n", path,
		    strerror(errno));
		return (-1);
	}
	for (i = 0; i < (size_t)PC_PROTO_COUNT * 65537; i++) {
		if (v->rows[i] == 0)
			continue;
		if (i % 65537 == 65536)
			fprintf(fp, "%s\t-\t%" PRIu64 "\n",
			    pc_proto_name((unsigned int)(i / 65537)), v->rows[i]);
		else
			fprintf(fp, "%s\t%zu\t%" PRIu64 "\n",
			    pc_proto_name((unsigned int)(i / 65537)), i % 65537,
			    v->rows[i]);
	}
	return (fclose(fp) == 0 ? 0 : -1);
}

int
main(int argc, char **argv)
{
	char			 errbuf[PC_ERRBUF_SIZE];
	char			 path[4096];
	struct at_run		 r;
	struct capture		*cap;
	size_t			 flows = FLOW_DEFAULT_CAP, lcap = 0;
	const char		*rows = NULL;
	int			 a = 1, quiet = 0, j;

	for (; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "-q") == 0)
			quiet = 1;
		else if (strcmp(argv[a], "--listeners") == 0 && a + 1 < argc)
			lcap = strtoul(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--flows") == 0 && a + 1 < argc)
			flows = strtoul(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--rows") == 0 && a + 1 < argc)
			rows = argv[++a];
		else
			at_usage();
	}
	if (a != argc - 1 && a != argc - 2)
		at_usage();
	if (a == argc - 1)
		snprintf(path, sizeof(path), "%s.packets.tsv", argv[a]);
	else
		snprintf(path, sizeof(path), "%s", argv[a + 1]);

	memset(&r, 0, sizeof(r));
	r.path = path;
	r.reg = registry_new();
	if (registry_load_default(r.reg, errbuf) != 0) {
		fprintf(stderr, "attribution: %s\n", errbuf);
		return (1);
	}
	if ((cap = capture_open_file(argv[a], errbuf)) == NULL) {
		fprintf(stderr, "attribution: %s\n", errbuf);
		return (1);
	}
	if ((r.tf = fopen(path, "r")) == NULL) {
		fprintf(stderr, "attribution: %s: %s\n", path,
		    strerror(errno));
		return (1);
	}
	r.var[0].name = "evidence and rule (portclass)";
	r.var[0].flows = flow_new(flows);
	r.var[0].lt = listener_new(lcap, 0);
	r.var[0].held = defer_new(0, 0);
	r.var[1].held = defer_new(0, 0);
	r.truth = calloc((size_t)1 << AT_TRUTH_LOG2, sizeof(*r.truth));
	r.var[1].name = "rule and flow cache only (no listener memory)";
	r.var[1].flows = flow_new(flows);
	r.server = calloc(AT_SLOTS, 1);
	for (j = 0; j < 2; j++) {
		r.var[j].got = calloc(AT_SLOTS, 1);
		r.var[j].rows = calloc((size_t)PC_PROTO_COUNT * 65537,
		    sizeof(*r.var[j].rows));
		if (r.var[j].rows == NULL) {
			fprintf(stderr, "attribution: out of memory\n");
			return (1);
		}
	}
	if (r.server == NULL || r.var[0].got == NULL || r.var[1].got == NULL ||
	    r.truth == NULL) {
		fprintf(stderr, "attribution: out of memory\n");
		return (1);
	}
	if (capture_run(cap, at_frame, &r, errbuf) == -1) {
		fprintf(stderr, "attribution: %s\n", errbuf);
		return (1);
	}
	if (r.failed)
		return (1);
	for (j = 0; j < 2; j++) {
		r.cur = &r.var[j];
		defer_drain(r.var[j].held, at_settle, &r);
	}
	if (rows != NULL && at_rows(&r.var[0], rows) == -1)
		return (1);
	if (!quiet)
		printf("%s: %" PRIu64 " frames\n", argv[a], r.lineno);
	for (j = 0; j < 2; j++)
		at_report(&r.var[j], r.reg, r.server, quiet);
	for (j = 0; j < 2; j++) {
		flow_free(r.var[j].flows);
		listener_free(r.var[j].lt);
		defer_free(r.var[j].held);
		free(r.var[j].got);
		free(r.var[j].rows);
	}
	free(r.server);
	free(r.truth);
	fclose(r.tf);
	capture_close(cap);
	registry_free(r.reg);
	return (0);
}
