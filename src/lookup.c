/*
 * lookup.c - `portclass lookup`, the registry's answer for ports and
 * names (lookup.h).
 *
 * For each port it prints what portclass itself would report: the IANA
 * status (or local, from --map), every registered name, the description,
 * every well-known unofficial use with the ports it names and whether
 * reports show it (unofficial_judge), and where the data came from and
 * when.
 * A name is found by scanning every (protocol, port): 262144 probes of the
 * registry, a few milliseconds, done once per query.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "portclass/log.h"
#include "portclass/lookup.h"
#include "portclass/proto.h"
#include "portclass/registry.h"
#include "portclass/sink.h"
#include "portclass/sitemap.h"
#include "portclass/unofficial.h"

#define LOOKUP_MAX_FILES	256
#define LOOKUP_UNOFFICIAL_MAX	16

static void	lookup_port(FILE *, const struct registry *, unsigned int,
		    uint16_t);
static void	lookup_use(FILE *, const struct unofficial_use *,
		    enum reg_status);
static int	lookup_name(FILE *, const struct registry *, const char *);

/*
 * "\tunofficial 5000-5500 (not in reports: 501 ports): League of ...":
 * one use, the ports it names, and whether a report would show it.
 */
static void
lookup_use(FILE *fp, const struct unofficial_use *u, enum reg_status status)
{
	if (u->lo == u->hi)
		fprintf(fp, "\tunofficial %u", u->lo);
	else
		fprintf(fp, "\tunofficial %u-%u", u->lo, u->hi);
	switch (unofficial_judge(u, status)) {
	case UNOFFICIAL_SHOWN:
		fputs(" (in reports): ", fp);
		break;
	case UNOFFICIAL_WIDE:
		fprintf(fp, " (not in reports: %u ports): ",
		    (unsigned int)(u->hi - u->lo) + 1);
		break;
	case UNOFFICIAL_NAMED:
		fprintf(fp, " (not in reports: a range on %s port): ",
		    status == REG_LOCAL ? "a local" : "an assigned");
		break;
	}
	sink_text_print(fp, u->text);
	fputc('\n', fp);
}

static void
lookup_port(FILE *fp, const struct registry *reg, unsigned int proto,
    uint16_t port)
{
	const struct service		*svc;
	const struct unofficial_use	*uses[LOOKUP_UNOFFICIAL_MAX];
	enum reg_status			 status;
	size_t				 i, n;

	svc = registry_lookup(reg, proto, port);
	status = registry_status(reg, proto, port);
	fprintf(fp, "%u/%s\t%s", port, pc_proto_name(proto),
	    registry_status_name(status));
	for (i = 0; svc != NULL && i < svc->nnames; i++) {
		fputs(i == 0 ? "\t" : " ", fp);
		sink_text_print(fp, svc->names[i]);
	}
	fputc('\n', fp);
	if (svc != NULL && svc->description != NULL) {
		fputs("\tdescription: ", fp);
		sink_text_print(fp, svc->description);
		fputc('\n', fp);
	}
	n = unofficial_find(unofficial_default(), proto, port, uses,
	    LOOKUP_UNOFFICIAL_MAX);
	for (i = 0; i < n && i < LOOKUP_UNOFFICIAL_MAX; i++)
		lookup_use(fp, uses[i], status);
}

/* Every (protocol, port) one of whose names is q. */
static int
lookup_name(FILE *fp, const struct registry *reg, const char *q)
{
	const struct service	*svc;
	unsigned int		 proto, port;
	size_t			 i;
	int			 found = 0;

	for (proto = PC_PROTO_TCP; proto <= PC_PROTO_DCCP; proto++) {
		for (port = 0; port <= 65535; port++) {
			svc = registry_lookup(reg, proto, (uint16_t)port);
			if (svc == NULL)
				continue;
			for (i = 0; i < svc->nnames; i++)
				if (strcasecmp(svc->names[i], q) == 0)
					break;
			if (i == svc->nnames)
				continue;
			lookup_port(fp, reg, proto, (uint16_t)port);
			found = 1;
		}
	}
	return (found ? 0 : 1);
}

int
lookup_query(FILE *fp, const struct registry *reg, const char *q,
    char *errbuf)
{
	const char	*slash, *dash, *end;
	uint16_t	 lo, hi;
	unsigned int	 proto, p0, p1, port;

	if (q[0] < '0' || q[0] > '9') {
		if (lookup_name(fp, reg, q) == 0)
			return (0);
		fprintf(fp, "%s: no such service name\n", q);
		return (1);
	}
	slash = strchr(q, '/');
	end = slash != NULL ? slash : q + strlen(q);
	dash = memchr(q, '-', (size_t)(end - q));
	if (dash == NULL) {
		if (pc_port_parse(q, (size_t)(end - q), &lo) == -1)
			goto bad;
		hi = lo;
	} else if (pc_port_parse(q, (size_t)(dash - q), &lo) == -1 ||
	    pc_port_parse(dash + 1, (size_t)(end - dash - 1), &hi) == -1 ||
	    lo > hi)
		goto bad;
	p0 = PC_PROTO_TCP;
	p1 = PC_PROTO_DCCP;
	if (slash != NULL) {
		for (proto = PC_PROTO_TCP; proto < PC_PROTO_COUNT; proto++)
			if (strcmp(slash + 1, pc_proto_name(proto)) == 0)
				break;
		if (proto == PC_PROTO_COUNT)
			goto bad;
		p0 = p1 = proto;
	}
	for (port = lo; port <= hi; port++) {
		for (proto = p0; proto <= p1; proto++) {
			/* Without a protocol, SCTP and DCCP only if known. */
			if (slash == NULL && proto > PC_PROTO_UDP &&
			    registry_lookup(reg, proto, (uint16_t)port) == NULL)
				continue;
			lookup_port(fp, reg, proto, (uint16_t)port);
		}
	}
	return (0);
bad:
	snprintf(errbuf, PC_ERRBUF_SIZE, "lookup: \"%s\" is not PORT, "
	    "PORT/PROTO, LO-HI[/PROTO] or a service name", q);
	return (-1);
}

int
lookup_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "registry", required_argument, NULL, 'R' },
		{ "add-registry", required_argument, NULL, 'A' },
		{ "map", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char			*files[LOOKUP_MAX_FILES], *map = NULL;
	struct registry			*reg;
	struct registry_spec		 spec;
	const struct registry_source	*src;
	char				 errbuf[PC_ERRBUF_SIZE];
	char				*text;
	size_t				 nfiles = 0, nsrc;
	int				 ch, status = 0, rv, replace = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'R':
		case 'A':
			if (nfiles == LOOKUP_MAX_FILES) {
				log_warnx("--registry, --add-registry: at most "
				    "%d files", LOOKUP_MAX_FILES);
				return (2);
			}
			files[nfiles++] = optarg;
			if (ch == 'R')
				replace = 1;
			break;
		case 'm':
			map = optarg;
			break;
		case 'h':
			printf("usage: portclass lookup [--registry file]... "
			    "[--add-registry file]...\n"
			    "                        [--map file] query...\n"
			    "  query: PORT, PORT/PROTO, LO-HI[/PROTO], or a "
			    "service name\n");
			return (0);
		default:
			return (2);
		}
	}
	if (optind == argc) {
		log_warnx("lookup: give a port, a range or a service name");
		return (2);
	}
	memset(&spec, 0, sizeof(spec));
	spec.embedded = !replace;
	spec.files = files;
	spec.nfiles = nfiles;
	if ((reg = registry_assemble(&spec, errbuf)) == NULL)
		goto fail;
	if (map != NULL && sitemap_load_file(reg, map, errbuf) == -1)
		goto fail;
	for (; optind < argc; optind++) {
		rv = lookup_query(stdout, reg, argv[optind], errbuf);
		if (rv == -1) {
			log_warnx("%s", errbuf);
			status = 2;
		} else if (rv == 1 && status == 0)
			status = 1;
	}
	src = registry_sources(reg, &nsrc);
	text = registry_sources_text(src, nsrc);
	fputs("registry: ", stdout);
	sink_text_print(stdout, text);
	printf("\nunofficial uses: %s, %s\n", UNOFFICIAL_SOURCE,
	    UNOFFICIAL_DATE);
	free(text);
	registry_free(reg);
	return (status);
fail:
	log_warnx("%s", errbuf);
	registry_free(reg);
	return (2);
}
