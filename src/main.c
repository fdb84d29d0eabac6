/*
 * portclass - per-service traffic counters from packets, named by the IANA
 * port registry.
 *
 * main.c is wiring only: parse options, load the registry, open the
 * output, the captures and the sinks, give up privileges, run the loop
 * (run.c) through the engine, report, exit.  The work is in the modules
 * (include/portclass/ is the map).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "portclass/capture.h"
#include "portclass/engine.h"
#include "portclass/flow.h"
#include "portclass/listener.h"
#include "portclass/log.h"
#include "portclass/lookup.h"
#include "portclass/metrics.h"
#include "portclass/privdrop.h"
#include "portclass/prom.h"
#include "portclass/registry.h"
#include "portclass/run.h"
#include "portclass/sink.h"
#include "portclass/sitemap.h"
#include "portclass/unofficial.h"
#include "portclass/workers.h"
#include "portclass/xmalloc.h"

#ifndef PORTCLASS_VERSION
#define PORTCLASS_VERSION "0.0.0"
#endif

#define MAX_INPUTS	256

enum {
	OPT_REGISTRY = 256,
	OPT_ADD_REGISTRY,
	OPT_TOP,
	OPT_FLOWS,
	OPT_FORMAT,
	OPT_CLOCK,
	OPT_LISTEN,
	OPT_MAX_SERIES,
	OPT_UNASSIGNED,
	OPT_ALERT,
	OPT_FAIL_UNASSIGNED,
	OPT_EXPLAIN,
	OPT_MAP,
	OPT_THREADS,
	OPT_WORKERS,
	OPT_LISTENERS
};

/* --fail-on-unassigned: traffic on unassigned or reserved ports seen. */
#define MAIN_EXIT_UNASSIGNED	3

/* Live reports come this often (seconds) unless -t says otherwise. */
#define MAIN_LIVE_INTERVAL	10

struct options {
	const char	*files[MAX_INPUTS];
	size_t		 nfiles;
	const char	*ifaces[MAX_INPUTS];
	size_t		 nifaces;
	/* --registry and --add-registry files, in the order given. */
	const char	*registries[MAX_INPUTS];
	size_t		 nregistries;
	int		 replace;	/* a --registry: no embedded registry */
	const char	*format;
	const char	*output;
	char		*filter;
	long long	 interval;
	long long	 top;
	long long	 flows;
	long long	 listeners;	/* --listeners */
	int		 verbose;
	int		 list;		/* -D */
	int		 nopromisc;	/* -p */
	long long	 snaplen;	/* -s; 0: default */
	long long	 buffer_kib;	/* -B; 0: default */
	int		 clock;		/* -1 unset, else enum engine_clock */
	const char	*user;		/* -Z */
	const char	*listen;	/* --listen */
	long long	 max_series;	/* --max-series */
	int		 unassigned;	/* --unassigned */
	int		 alert;		/* --alert unassigned */
	int		 fail_unassigned; /* --fail-on-unassigned */
	int		 explain;	/* --explain */
	const char	*map;		/* --map */
	long long	 threads;	/* --threads, -r only */
	long long	 workers;	/* --workers, -i only */
};

static void	usage(int) __attribute__((noreturn));
static long long main_number(const char *, const char *, long long,
		    long long);
static void	main_parse(int, char **, struct options *);
static char	*main_join(int, char **);
static void	main_version(void) __attribute__((noreturn));

static void
usage(int status)
{
	FILE	*fp = status == 0 ? stdout : stderr;

	fprintf(fp,
"usage: portclass [-DhpVv] [-r file]... [-i interface]... [-s snaplen]\n"
"                 [-B kib] [--registry file]... [--add-registry file]...\n"
"                 [-t seconds]\n"
"                 [--clock wall|packet] [--top n] [--flows n]\n"
"                 [--listeners n]\n"
"                 [-F text|json|csv] [-o file] [--listen [addr:]port]\n"
"                 [--max-series n] [-Z user] [--unassigned]\n"
"                 [--alert unassigned] [--fail-on-unassigned] [--explain]\n"
"                 [--map file] [--threads n]\n"
"                 [--workers n]"
"                 [expression]\n"
"       portclass lookup [--registry file]... [--add-registry file]...\n"
"                 [--map file] query...\n");
	if (status != 0)
		exit(status);
	fprintf(fp,
"\n"
"Count packets and bytes per service port, named and classed by the IANA\n"
"service name and port number registry.\n"
"\n"
"Reading packets:\n"
"  -r FILE          read a pcap or pcapng file (\"-\": standard input);\n"
"                   repeat to read several files into one report\n"
"  -i IFACE         capture live on IFACE (\"any\": every interface);\n"
"                   repeat to capture on several into one report\n"
"  -D               list the interfaces to capture on, as tcpdump -D\n"
"  -p               do not put the interfaces in promiscuous mode\n"
"  -s SNAPLEN       bytes kept per frame (default %d: every header\n"
"                   portclass decodes); bytes are counted on the wire\n"
"  -B KIB           kernel capture buffer size in KiB\n"
"  -Z USER          become USER once captures and output are open\n"
"  expression       a BPF filter, as for tcpdump\n"
"\n"
"Reports:\n"
"  -t SECONDS       also report every SECONDS (default %d when live)\n"
"  --clock CLOCK    intervals by \"wall\" time (default live) or\n"
"                   \"packet\" time (default for files)\n"
"  --top N          show only the N biggest services per report\n"
"  -F, --format F   output format: %s (default text)\n"
"  -o FILE          write reports to FILE instead of standard output\n"
"  --explain        show why packets went to each service row\n"
"\n"
"Unassigned ports:\n"
"  --unassigned     report traffic on unassigned and reserved ports\n"
"  --alert unassigned\n"
"                   alert on the first packet of each new such port\n"
"  --fail-on-unassigned\n"
"                   with -r, exit %d when any such traffic was seen\n"
"\n"
"Naming ports:\n"
"  --registry FILE  load FILE (IANA CSV, IANA port-numbers text, or\n"
"                   services(5)) instead of the embedded IANA registry;\n"
"                   repeat to overlay files, later ones win\n"
"  --add-registry FILE\n"
"                   load FILE on top of the embedded IANA registry (or\n"
"                   of the --registry files): ports FILE does not name\n"
"                   keep their IANA names; repeat, later ones win\n"
"  --map FILE       site names: lines \"8080/tcp my-app \\\"text\\\"\"\n"
"                   (status local)\n"
"  lookup QUERY...  the registry's answer for 3306/tcp, mysql or\n"
"                   49152-49160/udp, then exit\n"
"\n"
"Metrics for Prometheus:\n"
"  --listen [ADDR:]PORT\n"
"                   serve http://ADDR:PORT/metrics (a bare PORT binds\n"
"                   127.0.0.1); with -r, keep serving after the files\n"
"                   are read, until SIGTERM\n"
"  --max-series N   at most N named service series; the rest fold into\n"
"                   service=\"other\" (default %d)\n"
"\n"
"Tuning and information:\n"
"  --flows N        flow cache size for handshake memory (default %d)\n"
"  --listeners N    how many listening endpoints to remember (default %d)\n"
"  --threads N      with -r, 2: one thread reads while another counts\n"
"                   (default 1); the reports are the same\n"
"  --workers N      with -i, capture on N threads that the kernel\n"
"                   shares the flows among (PACKET_FANOUT; default 1)\n"
"  -v               more messages on standard error\n"
"  -V, --version    print the versions of portclass and libpcap, and\n"
"                   the date and size of the embedded registry, then exit\n"
"  -h, --help       print this help and exit\n"
"\n"
"Reading files with standard error on a terminal shows a progress line.\n"
"Signals: INT/TERM final report and exit, USR1 report now, HUP reload\n"
"the registry.  Exit status: 0 success, 1 an input or output failed,\n"
"2 usage, %d --fail-on-unassigned matched.  See portclass(1),\n"
"docs/index.md.\n",
	    CAPTURE_SNAPLEN_LIVE, MAIN_LIVE_INTERVAL, sink_names(),
	    MAIN_EXIT_UNASSIGNED, PROM_DEFAULT_MAX_SERIES, FLOW_DEFAULT_CAP,
	    LISTENER_DEFAULT_CAP, MAIN_EXIT_UNASSIGNED);
	exit(0);
}

/* A decimal number within [lo, hi], or a one-line usage error. */
static long long
main_number(const char *opt, const char *s, long long lo, long long hi)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		log_warnx("%s: \"%s\" is not a number from %lld to %lld", opt,
		    s, lo, hi);
		usage(2);
	}
	return (v);
}

static char *
main_join(int argc, char **argv)
{
	size_t	len = 1;
	char	*s;
	int	i;

	if (argc == 0)
		return (NULL);
	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = xcalloc(1, len);
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return (s);
}

static void
main_parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "registry", required_argument, NULL, OPT_REGISTRY },
		{ "add-registry", required_argument, NULL, OPT_ADD_REGISTRY },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "flows", required_argument, NULL, OPT_FLOWS },
		{ "listeners", required_argument, NULL, OPT_LISTENERS },
		{ "format", required_argument, NULL, 'F' },
		{ "clock", required_argument, NULL, OPT_CLOCK },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "max-series", required_argument, NULL, OPT_MAX_SERIES },
		{ "unassigned", no_argument, NULL, OPT_UNASSIGNED },
		{ "alert", required_argument, NULL, OPT_ALERT },
		{ "fail-on-unassigned", no_argument, NULL,
		    OPT_FAIL_UNASSIGNED },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "map", required_argument, NULL, OPT_MAP },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "workers", required_argument, NULL, OPT_WORKERS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	memset(o, 0, sizeof(*o));
	o->format = "text";
	o->flows = FLOW_DEFAULT_CAP;
	o->listeners = LISTENER_DEFAULT_CAP;
	o->clock = -1;
	o->interval = -1;
	o->max_series = PROM_DEFAULT_MAX_SERIES;
	o->threads = 1;
	o->workers = 1;
	/* "+": stop at the first non-option, which starts the filter. */
	while ((ch = getopt_long(argc, argv, "+B:DF:hi:o:pr:s:t:vVZ:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (o->nfiles == MAX_INPUTS)
				fatalx("-r: at most %d files", MAX_INPUTS);
			o->files[o->nfiles++] = optarg;
			break;
		case 'i':
			if (o->nifaces == MAX_INPUTS)
				fatalx("-i: at most %d interfaces", MAX_INPUTS);
			o->ifaces[o->nifaces++] = optarg;
			break;
		case 'D':
			o->list = 1;
			break;
		case 'p':
			o->nopromisc = 1;
			break;
		case 's':
			o->snaplen = main_number("-s", optarg, 1, 262144);
			break;
		case 'B':
			o->buffer_kib = main_number("-B", optarg, 1,
			    INT_MAX / 1024);
			break;
		case 'Z':
			o->user = optarg;
			break;
		case OPT_LISTEN:
			o->listen = optarg;
			break;
		case OPT_MAX_SERIES:
			o->max_series = main_number("--max-series", optarg, 1,
			    1000000);
			break;
		case OPT_UNASSIGNED:
			o->unassigned = 1;
			break;
		case OPT_ALERT:
			if (strcmp(optarg, "unassigned") != 0) {
				log_warnx("--alert: \"%s\" is not a known "
				    "alert (known: unassigned)", optarg);
				usage(2);
			}
			o->alert = 1;
			break;
		case OPT_FAIL_UNASSIGNED:
			o->fail_unassigned = 1;
			break;
		case OPT_EXPLAIN:
			o->explain = 1;
			break;
		case OPT_MAP:
			o->map = optarg;
			break;
		case OPT_THREADS:
			o->threads = main_number("--threads", optarg, 1, 2);
			break;
		case OPT_WORKERS:
			o->workers = main_number("--workers", optarg, 1, 64);
			break;
		case OPT_CLOCK:
			if (strcmp(optarg, "wall") == 0)
				o->clock = ENGINE_CLOCK_WALL;
			else if (strcmp(optarg, "packet") == 0)
				o->clock = ENGINE_CLOCK_PACKET;
			else {
				log_warnx("--clock: \"%s\" is neither wall "
				    "nor packet", optarg);
				usage(2);
			}
			break;
		case OPT_REGISTRY:
		case OPT_ADD_REGISTRY:
			if (o->nregistries == MAX_INPUTS)
				fatalx("--registry, --add-registry: at most "
				    "%d files", MAX_INPUTS);
			o->registries[o->nregistries++] = optarg;
			if (ch == OPT_REGISTRY)
				o->replace = 1;
			break;
		case 't':
			o->interval = main_number("-t", optarg, 1, 31622400);
			break;
		case OPT_TOP:
			o->top = main_number("--top", optarg, 1, INT_MAX);
			break;
		case OPT_FLOWS:
			o->flows = main_number("--flows", optarg, 1, 1 << 24);
			break;
		case OPT_LISTENERS:
			o->listeners = main_number("--listeners", optarg, 1,
			    1 << 24);
			break;
		case 'F':
			o->format = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'V':
			main_version();
		case 'h':
			usage(0);
		default:
			usage(2);
		}
	}
	o->filter = main_join(argc - optind, argv + optind);
	if (o->list)
		return;
	if (o->nfiles == 0 && o->nifaces == 0) {
		log_warnx("nothing to read: give -r FILE or -i IFACE");
		usage(2);
	}
	if (o->fail_unassigned && o->nifaces > 0) {
		log_warnx("--fail-on-unassigned needs -r (an offline run)");
		usage(2);
	}
	if (o->nfiles > 0 && o->nifaces > 0) {
		log_warnx("-r and -i cannot be used together");
		usage(2);
	}
	if (o->threads > 1 && o->nifaces > 0) {
		log_warnx("--threads is for -r; live capture uses --workers");
		usage(2);
	}
	if (o->workers > 1 && o->nfiles > 0) {
		log_warnx("--workers is for -i; files use --threads");
		usage(2);
	}
	if (o->workers > 1 && (o->unassigned || o->alert)) {
		log_warnx("--workers: --unassigned and --alert need one worker");
		usage(2);
	}
	if (o->workers > 1 && o->clock == ENGINE_CLOCK_PACKET) {
		log_warnx("--workers: intervals on packet time need one "
		    "worker");
		usage(2);
	}
	if (sink_format(o->format) == NULL) {
		log_warnx("-F: unknown format \"%s\" (known: %s)", o->format,
		    sink_names());
		usage(2);
	}
	if (o->clock == -1)
		o->clock = o->nifaces > 0 ? ENGINE_CLOCK_WALL :
		    ENGINE_CLOCK_PACKET;
	if (o->interval == -1)
		o->interval = o->nifaces > 0 ? MAIN_LIVE_INTERVAL : 0;
}

/*
 * Version of portclass, of libpcap, and the date of the embedded data:
 * what the binary carries, whatever registry files a run would add.
 */
static void
main_version(void)
{
	static const struct registry_spec	 spec = { .embedded = 1 };
	struct registry				*reg;
	const struct registry_source		*src = NULL;
	char					 errbuf[PC_ERRBUF_SIZE];
	size_t					 n = 0;

	if ((reg = registry_assemble(&spec, errbuf)) != NULL)
		src = registry_sources(reg, &n);
	printf("portclass %s\n%s\nembedded registry: IANA service names and "
	    "port numbers, data of %s, %zu entries\n", PORTCLASS_VERSION,
	    capture_lib_version(), n > 0 && src[0].date != NULL ?
	    src[0].date : "unknown date", n > 0 ? src[0].entries : 0);
	registry_free(reg);
	exit(0);
}

int
main(int argc, char **argv)
{
	struct options			 o;
	struct registry			*reg;
	struct registry_spec		 spec;
	const struct registry_source	*src;
	struct engine			*eng;
	struct engine_config		 ec;
	/* The -F format, and the prometheus sink with --listen. */
	struct sink			 sinks[2];
	struct sink_meta		 meta;
	struct capture			**caps = NULL;
	struct capture_live_opts	 lo;
	struct run_config		 rc;
	struct metrics_server		*srv = NULL;
	struct workers			*ws = NULL;
	char				 errbuf[PC_ERRBUF_SIZE];
	char				*text;
	size_t				 i, nsrc, nsinks, failed = 0;
	FILE				*out = stdout;
	int				 status = 0;

	log_init("portclass", 0);
	if (argc > 1 && strcmp(argv[1], "lookup") == 0)
		return (lookup_main(argc - 1, argv + 1));
	main_parse(argc, argv, &o);
	log_init("portclass", o.verbose);
	if (o.list) {
		if (capture_list_ifaces(stdout, errbuf) == -1)
			fatalx("%s", errbuf);
		return (0);
	}

	memset(&spec, 0, sizeof(spec));
	spec.embedded = !o.replace;
	spec.files = o.registries;
	spec.nfiles = o.nregistries;
	if ((reg = registry_assemble(&spec, errbuf)) == NULL)
		fatalx("%s", errbuf);
	if (o.map != NULL && sitemap_load_file(reg, o.map, errbuf) == -1)
		fatalx("%s", errbuf);
	/* Built now, in the main thread, before any report needs it. */
	(void)unofficial_default();
	src = registry_sources(reg, &nsrc);
	text = registry_sources_text(src, nsrc);
	log_info("registry: %zu entries from %s", registry_count(reg), text);
	free(text);

	if (o.output != NULL && (out = fopen(o.output, "w")) == NULL)
		fatal("%s", o.output);

	/* Every privileged open happens before -Z gives root up. */
	if (o.nifaces > 0) {
		memset(&lo, 0, sizeof(lo));
		lo.snaplen = (int)o.snaplen;
		lo.promisc = !o.nopromisc;
		lo.buffer_kib = (int)o.buffer_kib;
		if (o.workers > 1 && (ws = workers_open(o.ifaces, o.nifaces,
		    (size_t)o.workers, &lo, o.filter, reg, (size_t)o.flows,
		    (size_t)o.listeners, errbuf)) == NULL)
			fatalx("%s", errbuf);
		caps = xcalloc(o.nifaces, sizeof(*caps));
		for (i = 0; ws == NULL && i < o.nifaces; i++) {
			if ((caps[i] = capture_open_iface(o.ifaces[i], &lo,
			    errbuf)) == NULL)
				fatalx("%s", errbuf);
			if (o.filter != NULL && capture_set_filter(caps[i],
			    o.filter, errbuf) == -1)
				fatalx("%s", errbuf);
		}
	}
	if (o.listen != NULL) {
		if ((srv = metrics_start(o.listen, errbuf)) == NULL)
			fatalx("%s", errbuf);
		log_info("serving metrics on http://%s/metrics",
		    metrics_address(srv));
	}
	if (o.user != NULL && privdrop_user(o.user, errbuf) == -1)
		fatalx("%s", errbuf);
	run_signals();

	memset(&meta, 0, sizeof(meta));
	meta.version = PORTCLASS_VERSION;
	meta.libpcap_version = capture_lib_version();
	run_meta_registry(&meta, reg);
	meta.explain = o.explain;
	meta.max_series = (size_t)o.max_series;
	memset(sinks, 0, sizeof(sinks));
	sinks[0].ops = sink_format(o.format);
	sinks[0].fp = out;
	nsinks = 1;
	if (srv != NULL) {
		sinks[1].ops = sink_find("prometheus");
		sinks[1].srv = srv;
		nsinks = 2;
	}
	for (i = 0; i < nsinks; i++) {
		sinks[i].meta = &meta;
		/* Only a format writes at open: to its stream. */
		if (sinks[i].ops->open != NULL &&
		    sinks[i].ops->open(&sinks[i]) == -1)
			fatal("%s", o.output != NULL ? o.output :
			    "standard output");
	}

	memset(&rc, 0, sizeof(rc));
	rc.clock = (enum engine_clock)o.clock;
	rc.caps = caps;
	rc.ncaps = o.nifaces;
	rc.files = o.files;
	/* A progress line on the terminal, unless reports are being drawn
	 * on that same terminal while the files are read. */
	rc.progress = isatty(STDERR_FILENO) && (o.interval == 0 ||
	    out != stdout || !isatty(STDOUT_FILENO));
	rc.nfiles = o.nfiles;
	rc.filter = o.filter;
	rc.threads = (int)o.threads;
	rc.reg = &reg;
	rc.spec = &spec;
	rc.meta = &meta;
	rc.map = o.map;

	memset(&ec, 0, sizeof(ec));
	ec.reg = reg;
	ec.flow_cap = (size_t)o.flows;
	ec.listener_cap = (size_t)o.listeners;
	/* Files give the same report every time; live, hide the hashes. */
	ec.seed = o.nifaces > 0 ? engine_random_seed() : 0;
	ec.interval = o.interval;
	ec.top = (size_t)o.top;
	ec.sinks = sinks;
	ec.nsinks = nsinks;
	ec.clock = rc.clock;
	ec.track_unassigned = o.unassigned || o.fail_unassigned;
	ec.alert_unassigned = o.alert;
	if (o.nifaces > 0) {
		ec.capstats = run_capstats;
		ec.capstats_ctx = &rc;
	}
	if (ws != NULL) {
		ec.capstats = workers_capstats;
		ec.capstats_ctx = ws;
		ec.collect = workers_collect;
		ec.collect_ctx = ws;
		rc.workers = ws;
		rc.ncaps = 0;
	}
	eng = engine_new(&ec);
	rc.eng = eng;

	if (ws != NULL)
		run_live_workers(&rc, &failed);
	else if (o.nifaces > 0)
		run_live(&rc, &failed);
	else
		run_files(&rc, &failed);

	if (engine_finish(eng, failed) == -1) {
		log_warn("%s", o.output != NULL ? o.output :
		    "standard output");
		status = 1;
	}
	if (ws != NULL)
		workers_log_summary(ws);
	for (i = 0; i < nsinks; i++) {
		if (sinks[i].ops->close != NULL)
			sinks[i].ops->close(&sinks[i]);
	}
	if (out != stdout && fclose(out) != 0) {
		log_warn("%s", o.output);
		status = 1;
	}
	/* A capture file's counts stay up for Prometheus to scrape. */
	if (srv != NULL && o.nfiles > 0) {
		log_info("files read; serving metrics until SIGTERM");
		run_wait_stop();
	}
	metrics_stop(srv);
	if (failed > 0)
		status = 1;
	else if (status == 0 && o.fail_unassigned &&
	    engine_unassigned_packets(eng) > 0)
		status = MAIN_EXIT_UNASSIGNED;
	for (i = 0; i < o.nifaces; i++)
		if (caps[i] != NULL)
			capture_close(caps[i]);
	free(caps);
	workers_free(ws);
	engine_free(eng);
	registry_free(reg);
	free(o.filter);
	return (status);
}
