/*
 * portclass - per-service traffic counters from packets, named by the IANA
 * port registry.
 *
 * main.c is wiring only: parse options, load the registry, open the sinks
 * and the captures, run them through the engine, report, exit.  The work is
 * in the modules (include/portclass/ is the map).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/capture.h"
#include "portclass/engine.h"
#include "portclass/flow.h"
#include "portclass/log.h"
#include "portclass/registry.h"
#include "portclass/sink.h"
#include "portclass/xmalloc.h"

#ifndef PORTCLASS_VERSION
#define PORTCLASS_VERSION "0.0.0"
#endif

#define MAX_INPUTS	256

enum {
	OPT_REGISTRY = 256,
	OPT_TOP,
	OPT_FLOWS,
	OPT_FORMAT
};

struct options {
	const char	*files[MAX_INPUTS];
	size_t		 nfiles;
	const char	*iface;
	const char	*registries[MAX_INPUTS];
	size_t		 nregistries;
	const char	*format;
	const char	*output;
	char		*filter;
	long long	 interval;
	long long	 top;
	long long	 flows;
	int		 verbose;
};

/* The capture being read, for the signal handler; NULL between files. */
static struct capture *volatile	main_current;
static volatile sig_atomic_t	main_stop;

static void	usage(int) __attribute__((noreturn));
static long long main_number(const char *, const char *, long long,
		    long long);
static void	main_parse(int, char **, struct options *);
static void	main_signal(int);
static char	*main_join(int, char **);
static int	main_run(struct capture *, struct engine *);

static void
usage(int status)
{
	FILE	*fp = status == 0 ? stdout : stderr;

	fprintf(fp,
"usage: portclass [-hVv] [-r file]... [-i interface] [--registry file]...\n"
"                 [-t seconds] [--top n] [--flows n] [-F text|json]\n"
"                 [-o file] [expression]\n");
	if (status != 0)
		exit(status);
	fprintf(fp,
"\n"
"Count packets and bytes per service port, named and classed by the IANA\n"
"service name and port number registry.\n"
"\n"
"  -r FILE          read a pcap or pcapng file (\"-\": standard input);\n"
"                   repeat to read several files into one report\n"
"  -i IFACE         capture live on IFACE\n"
"  --registry FILE  load FILE (IANA CSV, IANA port-numbers text, or\n"
"                   services(5)) instead of the embedded IANA registry;\n"
"                   repeat to overlay files, later ones win\n"
"  -t SECONDS       also report every SECONDS of packet time\n"
"  --top N          show only the N biggest services per report\n"
"  --flows N        flow cache size for handshake memory (default %d)\n"
"  -F, --format F   output format: %s (default text)\n"
"  -o FILE          write reports to FILE instead of standard output\n"
"  -v               more messages on standard error\n"
"  -V, --version    print the version and exit\n"
"  -h, --help       print this help and exit\n"
"  expression       a BPF filter, as for tcpdump\n"
"\n"
"See portclass(1), docs/output.md and docs/service-port.md.\n",
	    FLOW_DEFAULT_CAP, sink_names());
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
		{ "top", required_argument, NULL, OPT_TOP },
		{ "flows", required_argument, NULL, OPT_FLOWS },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	memset(o, 0, sizeof(*o));
	o->format = "text";
	o->flows = FLOW_DEFAULT_CAP;
	/* "+": stop at the first non-option, which starts the filter. */
	while ((ch = getopt_long(argc, argv, "+F:hi:o:r:t:vV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (o->nfiles == MAX_INPUTS)
				fatalx("-r: at most %d files", MAX_INPUTS);
			o->files[o->nfiles++] = optarg;
			break;
		case 'i':
			if (o->iface != NULL)
				fatalx("-i: one interface per run");
			o->iface = optarg;
			break;
		case OPT_REGISTRY:
			if (o->nregistries == MAX_INPUTS)
				fatalx("--registry: at most %d files",
				    MAX_INPUTS);
			o->registries[o->nregistries++] = optarg;
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
			printf("portclass %s\n", PORTCLASS_VERSION);
			exit(0);
		case 'h':
			usage(0);
		default:
			usage(2);
		}
	}
	o->filter = main_join(argc - optind, argv + optind);
	if (o->nfiles == 0 && o->iface == NULL) {
		log_warnx("nothing to read: give -r FILE or -i IFACE");
		usage(2);
	}
	if (o->nfiles > 0 && o->iface != NULL) {
		log_warnx("-r and -i cannot be used together");
		usage(2);
	}
	if (sink_find(o->format) == NULL) {
		log_warnx("-F: unknown format \"%s\" (known: %s)", o->format,
		    sink_names());
		usage(2);
	}
}

static void
main_signal(int sig)
{
	struct capture	*cap = main_current;

	(void)sig;
	main_stop = 1;
	if (cap != NULL)
		capture_stop(cap);
}

/* Read one source to its end; 0, or -1 after logging why it failed. */
static int
main_run(struct capture *cap, struct engine *eng)
{
	char	errbuf[PC_ERRBUF_SIZE];
	int	rc;

	main_current = cap;
	rc = main_stop ? 1 : capture_run(cap, engine_frame, eng, errbuf);
	main_current = NULL;
	if (rc == -1) {
		log_warnx("%s", errbuf);
		return (-1);
	}
	return (0);
}

int
main(int argc, char **argv)
{
	struct options		 o;
	struct registry		*reg;
	struct engine		*eng;
	struct engine_config	 ec;
	struct sink		 sink;
	struct sink_meta	 meta;
	struct capture		*cap;
	struct sigaction	 sa;
	char			 errbuf[PC_ERRBUF_SIZE];
	size_t			 i, failed = 0;
	FILE			*out = stdout;
	int			 status = 0;

	log_init("portclass", 0);
	main_parse(argc, argv, &o);
	log_init("portclass", o.verbose);

	reg = registry_new();
	if (o.nregistries == 0) {
		if (registry_load_default(reg, errbuf) == -1)
			fatalx("%s", errbuf);
	}
	for (i = 0; i < o.nregistries; i++) {
		if (registry_load_file(reg, o.registries[i], errbuf) == -1)
			fatalx("%s", errbuf);
	}
	log_info("registry: %zu entries from %s", registry_count(reg),
	    registry_source(reg));

	if (o.output != NULL && (out = fopen(o.output, "w")) == NULL)
		fatal("%s", o.output);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = main_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A closed pipe must be an error we report, not a silent death. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	meta.version = PORTCLASS_VERSION;
	meta.registry_source = registry_source(reg);
	meta.registry_date = registry_date(reg);
	meta.registry_entries = registry_count(reg);
	sink.ops = sink_find(o.format);
	sink.fp = out;
	sink.meta = &meta;
	sink.priv = NULL;
	if (sink.ops->open(&sink) == -1)
		fatal("%s", o.output != NULL ? o.output : "standard output");

	memset(&ec, 0, sizeof(ec));
	ec.reg = reg;
	ec.flow_cap = (size_t)o.flows;
	ec.interval = o.interval;
	ec.top = (size_t)o.top;
	ec.sinks = &sink;
	ec.nsinks = 1;
	eng = engine_new(&ec);

	if (o.iface != NULL) {
		if ((cap = capture_open_live(o.iface, 0, 1, errbuf)) == NULL)
			fatalx("%s", errbuf);
		if (o.filter != NULL &&
		    capture_set_filter(cap, o.filter, errbuf) == -1)
			fatalx("%s", errbuf);
		if (main_run(cap, eng) == -1)
			failed++;
		capture_close(cap);
	}
	/* Open and filter-check each file in turn; one bad file does not
	 * lose what the others counted. */
	for (i = 0; i < o.nfiles && !main_stop; i++) {
		if ((cap = capture_open_file(o.files[i], errbuf)) == NULL) {
			log_warnx("%s", errbuf);
			failed++;
			continue;
		}
		if (o.filter != NULL &&
		    capture_set_filter(cap, o.filter, errbuf) == -1) {
			log_warnx("%s", errbuf);
			capture_close(cap);
			failed++;
			break;
		}
		if (main_run(cap, eng) == -1)
			failed++;
		capture_close(cap);
		if (engine_sink_failed(eng))
			break;
	}

	if (engine_finish(eng, failed) == -1) {
		log_warn("%s", o.output != NULL ? o.output :
		    "standard output");
		status = 1;
	}
	sink.ops->close(&sink);
	if (out != stdout && fclose(out) != 0) {
		log_warn("%s", o.output);
		status = 1;
	}
	if (failed > 0)
		status = 1;
	engine_free(eng);
	registry_free(reg);
	free(o.filter);
	return (status);
}
