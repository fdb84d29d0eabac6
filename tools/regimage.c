/*
 * regimage - resolve a registry file at build time and write it as C.
 *
 * Usage: regimage INPUT OUTPUT
 *
 * Loads INPUT with the registry code itself, so under the rules of
 * --registry FILE, reads every (protocol, port) back through the public
 * interface only, and writes OUTPUT for registry_load_image()
 * (registry_image.h): the stored entries as integers, their strings as
 * offsets into one pool where each distinct string appears once, the
 * ranges the file declares unassigned, and the date.  The program then
 * starts with the registry already resolved instead of parsing the CSV.
 *
 * Which ports the file declares unassigned is not in the public interface:
 * INPUT is loaded a second time over a registry that names every port, and
 * a port that comes out empty there was mentioned as unassigned.
 *
 * OUTPUT is written under a temporary name and renamed, so a failed run
 * leaves no half-written source for the next build to compile.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/log.h"
#include "portclass/proto.h"
#include "portclass/registry.h"
#include "portclass/registry_image.h"
#include "portclass/xmalloc.h"

#define REGIMAGE_NPROTO		(PC_PROTO_DCCP + 1)	/* as stored */
#define REGIMAGE_NPORTS		65536
#define REGIMAGE_EVERY		"- 0-65535/tcp/udp/sctp/dccp\n"

/* A growable array of fixed-size items. */
struct regimage_vec {
	void	*v;
	size_t	 n, cap, size;
};

struct regimage {
	struct regimage_vec	 strs;		/* const char *: sorted, distinct */
	uint32_t		*offs;		/* pool offset of strs[i] */
	size_t			 poollen;
	struct regimage_vec	 entries;	/* struct registry_image_entry */
	struct regimage_vec	 names;		/* uint32_t */
	struct regimage_vec	 ranges;	/* struct registry_image_range */
};

static void *
regimage_push(struct regimage_vec *vec)
{
	if (vec->n == vec->cap) {
		vec->cap = vec->cap == 0 ? 1024 : vec->cap * 2;
		vec->v = xreallocarray(vec->v, vec->cap, vec->size);
	}
	return ((char *)vec->v + vec->size * vec->n++);
}

static int
regimage_strcmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

/* Sort the strings, keep each once, and give each its pool offset. */
static void
regimage_pool(struct regimage *ri)
{
	const char	**s = ri->strs.v;
	size_t		  i, n = 0, off = 0;

	if (ri->strs.n > 0)
		qsort(s, ri->strs.n, sizeof(*s), regimage_strcmp);
	for (i = 0; i < ri->strs.n; i++)
		if (n == 0 || strcmp(s[n - 1], s[i]) != 0)
			s[n++] = s[i];
	ri->strs.n = n;
	ri->offs = xreallocarray(NULL, n, sizeof(*ri->offs));
	for (i = 0; i < n; i++) {
		/* REGISTRY_IMAGE_NONE (UINT32_MAX) stays free. */
		if (off >= UINT32_MAX - 1 - strlen(s[i]))
			fatalx("string pool larger than 4 GiB");
		ri->offs[i] = (uint32_t)off;
		off += strlen(s[i]) + 1;
	}
	ri->poollen = off;
}

static uint32_t
regimage_offset(const struct regimage *ri, const char *str)
{
	const char	**s;

	s = bsearch(&str, ri->strs.v, ri->strs.n, sizeof(*s), regimage_strcmp);
	if (s == NULL)
		fatalx("string \"%s\" missing from the pool", str);
	return (ri->offs[s - (const char **)ri->strs.v]);
}

/* Is b the same service as a: status, names in order, description? */
static int
regimage_same(const struct service *a, const struct service *b)
{
	size_t	i;

	if (a->status != b->status || a->nnames != b->nnames)
		return (0);
	for (i = 0; i < a->nnames; i++)
		if (strcmp(a->names[i], b->names[i]) != 0)
			return (0);
	if (a->description == NULL || b->description == NULL)
		return (a->description == b->description);
	return (strcmp(a->description, b->description) == 0);
}

/*
 * Check what a load answers for (proto, port) and collect its strings.
 * Returns 1 for a stored entry, 0 for a port the file declares unassigned,
 * -1 for a port it does not mention.
 */
static int
regimage_port(struct regimage *ri, const struct registry *reg,
    const struct registry *every, unsigned int proto, unsigned int port)
{
	const struct service	*s, *o;
	enum reg_status		 st;
	size_t			 i;

	s = registry_lookup(reg, proto, (uint16_t)port);
	o = registry_lookup(every, proto, (uint16_t)port);
	st = registry_status(reg, proto, (uint16_t)port);
	if (s == NULL) {
		if (st != (port >= PORT_DYNAMIC_MIN ? REG_DYNAMIC :
		    REG_UNASSIGNED))
			fatalx("%u/%u: no entry but status %d", port, proto,
			    (int)st);
		if (o == NULL)
			return (0);
		if (o->status != REG_ASSIGNED || o->nnames != 1 ||
		    strcmp(o->name, "-") != 0)
			fatalx("%u/%u: second load disagrees", port, proto);
		return (-1);
	}
	if (s->port != port || s->proto != proto || (unsigned int)st !=
	    s->status || (s->status != REG_ASSIGNED &&
	    s->status != REG_RESERVED) || s->nnames > UINT16_MAX ||
	    (s->nnames > 0 && s->name != s->names[0]))
		fatalx("%u/%u: unexpected entry", port, proto);
	if (o == NULL || !regimage_same(s, o))
		fatalx("%u/%u: second load disagrees", port, proto);
	for (i = 0; i < s->nnames; i++)
		*(const char **)regimage_push(&ri->strs) = s->names[i];
	if (s->description != NULL)
		*(const char **)regimage_push(&ri->strs) = s->description;
	return (1);
}

/*
 * Every (proto, port) in order: the stored ones become entries (names and
 * description still to be placed, see regimage_link()), runs of ports
 * declared unassigned become ranges, and every string goes to the pool.
 */
static void
regimage_collect(struct regimage *ri, const struct registry *reg,
    const struct registry *every)
{
	struct registry_image_entry	*ie;
	struct registry_image_range	*ir;
	const struct service		*s;
	unsigned int			 proto, port;

	for (proto = 0; proto < REGIMAGE_NPROTO; proto++) {
		ir = NULL;
		for (port = 0; port < REGIMAGE_NPORTS; port++) {
			switch (regimage_port(ri, reg, every, proto, port)) {
			case 0:
				if (ir == NULL || ir->hi + 1U != port) {
					ir = regimage_push(&ri->ranges);
					ir->proto = (uint8_t)proto;
					ir->lo = (uint16_t)port;
				}
				ir->hi = (uint16_t)port;
				break;
			case 1:
				s = registry_lookup(reg, proto, (uint16_t)port);
				ie = regimage_push(&ri->entries);
				memset(ie, 0, sizeof(*ie));
				ie->port = (uint16_t)port;
				ie->proto = (uint8_t)proto;
				ie->status = s->status;
				ie->nnames = (uint16_t)s->nnames;
				break;
			}
		}
	}
}

/*
 * Point each entry at its names and description in the pool.  A run of
 * ports with the same names (x11 6000-6063) shares one slice of names.
 */
static void
regimage_link(struct regimage *ri, const struct registry *reg)
{
	struct registry_image_entry	*ie = ri->entries.v;
	const struct service		*s;
	uint32_t			*nm, prev = 0;
	size_t				 i, j, prevn = 0;

	for (i = 0; i < ri->entries.n; i++) {
		s = registry_lookup(reg, ie[i].proto, ie[i].port);
		ie[i].desc = s->description == NULL ? REGISTRY_IMAGE_NONE :
		    regimage_offset(ri, s->description);
		if (s->nnames == 0)
			continue;
		nm = ri->names.v;
		if (prevn == s->nnames) {
			for (j = 0; j < s->nnames; j++)
				if (nm[prev + j] !=
				    regimage_offset(ri, s->names[j]))
					break;
			if (j == s->nnames) {
				ie[i].first = prev;
				continue;
			}
		}
		if (ri->names.n >= UINT32_MAX - s->nnames)
			fatalx("too many names");
		prev = (uint32_t)ri->names.n;
		prevn = s->nnames;
		for (j = 0; j < s->nnames; j++)
			*(uint32_t *)regimage_push(&ri->names) =
			    regimage_offset(ri, s->names[j]);
		ie[i].first = prev;
	}
}

/* A C string literal: printable ASCII as it is, the rest in octal. */
static void
regimage_literal(FILE *fp, const char *s)
{
	unsigned char	c;

	fputc('"', fp);
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '"' || c == '\\' || c == '?')	/* '?': trigraphs */
			fprintf(fp, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, fp);
		else
			fprintf(fp, "\\%03o", c);	/* 3 digits: ends here */
	}
	fputc('"', fp);
}

static void
regimage_write(FILE *fp, const struct regimage *ri, const char *input,
    const char *date)
{
	const struct registry_image_entry	*ie = ri->entries.v;
	const struct registry_image_range	*ir = ri->ranges.v;
	const uint32_t				*nm = ri->names.v;
	const char				**s = ri->strs.v;
	size_t					 i;

	fprintf(fp, "/* Generated from %s by tools/regimage.c; do not edit. */\n"
	    "#include <stddef.h>\n#include <stdint.h>\n\n"
	    "#include \"portclass/registry_image.h\"\n\n", input);

	fprintf(fp, "const char registry_default_pool[] =");
	for (i = 0; i < ri->strs.n; i++) {
		fputs("\n    ", fp);
		regimage_literal(fp, s[i]);
		fputs(" \"\\0\"", fp);
	}
	fprintf(fp, "%s;\nconst size_t registry_default_poollen = %zu;\n\n",
	    ri->strs.n == 0 ? " \"\"" : "", ri->poollen);

	/* C has no empty arrays: an unused zero element, with a count of 0. */
	fprintf(fp, "const uint32_t registry_default_names[] = {");
	for (i = 0; i < ri->names.n; i++)
		fprintf(fp, "%s%u,", i % 10 == 0 ? "\n\t" : " ", nm[i]);
	fprintf(fp, "%s\n};\nconst size_t registry_default_nnames = %zu;\n\n",
	    ri->names.n == 0 ? "\n\t0" : "", ri->names.n);

	fprintf(fp, "/* first, desc, port, nnames, proto, status */\n"
	    "const struct registry_image_entry registry_default_entries[] = {\n");
	for (i = 0; i < ri->entries.n; i++) {
		if (ie[i].desc == REGISTRY_IMAGE_NONE)
			fprintf(fp, "\t{ %u, REGISTRY_IMAGE_NONE, ", ie[i].first);
		else
			fprintf(fp, "\t{ %u, %u, ", ie[i].first, ie[i].desc);
		fprintf(fp, "%u, %u, %u, %u },\n", ie[i].port, ie[i].nnames,
		    ie[i].proto, ie[i].status);
	}
	fprintf(fp, "%s};\nconst size_t registry_default_nentries = %zu;\n\n",
	    ri->entries.n == 0 ? "\t{ 0, 0, 0, 0, 0, 0 }\n" : "",
	    ri->entries.n);

	fprintf(fp, "/* lo, hi, proto */\n"
	    "const struct registry_image_range registry_default_unassigned[] = "
	    "{\n");
	for (i = 0; i < ri->ranges.n; i++)
		fprintf(fp, "\t{ %u, %u, %u },\n", ir[i].lo, ir[i].hi,
		    ir[i].proto);
	fprintf(fp, "%s};\nconst size_t registry_default_nunassigned = %zu;\n\n",
	    ri->ranges.n == 0 ? "\t{ 0, 0, 0 }\n" : "", ri->ranges.n);

	fprintf(fp, "const char registry_default_date[] = ");
	regimage_literal(fp, date);
	fprintf(fp, ";\n");
}

int
main(int argc, char **argv)
{
	struct regimage			 ri;
	struct registry			*reg, *every;
	const struct registry_source	*src;
	FILE				*fp;
	char				 errbuf[PC_ERRBUF_SIZE], *tmp;
	const char			*date;
	size_t				 len, nsrc;

	log_init("regimage", 0);
	if (argc != 3) {
		fprintf(stderr, "usage: regimage INPUT OUTPUT\n");
		return (2);
	}
	reg = registry_new();
	if (registry_load_file(reg, argv[1], errbuf) == -1)
		fatalx("%s", errbuf);
	every = registry_new();
	if (registry_load_buffer(every, "(every port)", REGIMAGE_EVERY,
	    strlen(REGIMAGE_EVERY), errbuf) == -1 ||
	    registry_load_file(every, argv[1], errbuf) == -1)
		fatalx("%s", errbuf);

	memset(&ri, 0, sizeof(ri));
	ri.strs.size = sizeof(const char *);
	ri.entries.size = sizeof(struct registry_image_entry);
	ri.names.size = sizeof(uint32_t);
	ri.ranges.size = sizeof(struct registry_image_range);
	regimage_collect(&ri, reg, every);
	regimage_pool(&ri);
	regimage_link(&ri, reg);
	if (ri.entries.n != registry_count(reg))
		fatalx("%zu entries found, registry_count() says %zu",
		    ri.entries.n, registry_count(reg));
	/* One load, one source: the date of the CSV. */
	src = registry_sources(reg, &nsrc);
	if (nsrc != 1 || (date = src[0].date) == NULL)
		date = "";

	len = strlen(argv[2]) + sizeof(".tmp");
	tmp = xmalloc(len);
	snprintf(tmp, len, "%s.tmp", argv[2]);
	if ((fp = fopen(tmp, "w")) == NULL)
		fatal("%s", tmp);
	regimage_write(fp, &ri, argv[1], date);
	if (ferror(fp) || fclose(fp) != 0)
		fatal("%s", tmp);
	if (rename(tmp, argv[2]) == -1)
		fatal("rename %s", tmp);

	free(tmp);
	free(ri.strs.v);
	free(ri.offs);
	free(ri.entries.v);
	free(ri.names.v);
	free(ri.ranges.v);
	registry_free(every);
	registry_free(reg);
	return (0);
}
