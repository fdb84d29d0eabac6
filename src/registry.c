/*
 * registry.c - the registry's public API (registry.h) and its table.
 *
 * A load runs in two stages.  registry_parse() (registry_parse.h) reads
 * the file into rows, with every string in a scratch arena; any bad line
 * stops it there, and the registry is not touched.  registry_merge()
 * (registry_merge.c) then resolves the rows port by port and puts them in
 * the table.  A build-time image (registry_image.c) and a local name
 * (registry_add_local() below) go into the same table without rows.
 *
 * The table (registry_table.h) stores only assigned, reserved and local
 * ports; every other answer comes from the class index, a flat array
 * rebuilt after each change, so that the per-packet question (the class
 * of a port) is one load.  Each load that succeeds is kept as a source
 * with its own name and date, and every entry remembers its source, so
 * that each source can say how many entries it still gives after later
 * loads replaced some.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/log.h"
#include "portclass/proto.h"
#include "portclass/registry.h"
#include "portclass/registry_arena.h"
#include "portclass/registry_parse.h"
#include "portclass/registry_table.h"
#include "portclass/xmalloc.h"

#define REGISTRY_MAX_FILE	(64U * 1024 * 1024)

/* ---- the table ---------------------------------------------------------- */

struct registry_entry *
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

struct registry_entry *
registry_entry_new(struct registry *reg, unsigned int proto, uint16_t port,
    enum reg_status st, uint32_t src)
{
	struct registry_entry	*e;

	e = registry_arena_alloc(&reg->arena, sizeof(*e));
	memset(e, 0, sizeof(*e));
	e->key.port = port;
	e->key.proto = (uint8_t)proto;
	e->src = src;
	e->svc.port = port;
	e->svc.proto = (uint8_t)proto;
	e->svc.status = (uint8_t)st;
	if (src != REGISTRY_SRC_LOCAL)
		reg->sources[src].entries++;
	HASH_ADD(hh, reg->table, key, sizeof(e->key), e);
	return (e);
}

void
registry_drop(struct registry *reg, struct registry_entry *e)
{
	HASH_DEL(reg->table, e);
	if (e->src != REGISTRY_SRC_LOCAL)
		reg->sources[e->src].entries--;
}

uint32_t
registry_source_add(struct registry *reg, const char *name, const char *date)
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

/* ---- the class index ---------------------------------------------------- */

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

void
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

/* ---- public interface --------------------------------------------------- */

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
	struct registry_load	ld;
	int			rv;

	registry_load_init(&ld, name != NULL ? name : "(buffer)", errbuf);
	if ((rv = registry_parse(&ld, buf, len)) == 0)
		registry_merge(reg, &ld, registry_source_add(reg, ld.name,
		    ld.date));
	registry_load_free(&ld);
	return (rv);
}

/* All of fp into *bufp, *lenp; -1 with "PATH: reason" in ld's errbuf. */
static int
registry_read(struct registry_load *ld, FILE *fp, char **bufp, size_t *lenp)
{
	char	*buf = NULL;
	size_t	 len = 0, cap = 0, n;

	do {
		if (len == cap) {
			if (cap >= REGISTRY_MAX_FILE) {
				free(buf);
				return (registry_error(ld, 0,
				    "larger than %u bytes", REGISTRY_MAX_FILE));
			}
			cap = cap == 0 ? 1024 * 1024 : cap * 2;
			buf = xreallocarray(buf, cap, 1);
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	if (ferror(fp)) {
		free(buf);
		return (registry_error(ld, 0, "read error"));
	}
	*bufp = buf;
	*lenp = len;
	return (0);
}

int
registry_load_file(struct registry *reg, const char *path, char *errbuf)
{
	struct registry_load	 ld;
	FILE			*fp;
	char			*buf;
	size_t			 len;
	int			 rv;

	registry_load_init(&ld, path, errbuf);
	if ((fp = fopen(path, "rb")) == NULL)
		return (registry_error(&ld, 0, "%s", strerror(errno)));
	rv = registry_read(&ld, fp, &buf, &len);
	fclose(fp);
	if (rv == -1)
		return (-1);
	rv = registry_load_buffer(reg, path, buf, len, errbuf);
	free(buf);
	return (rv);
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
	e = registry_entry_new(reg, proto, port, REG_LOCAL,
	    REGISTRY_SRC_LOCAL);
	e->names = registry_arena_alloc(&reg->arena, sizeof(*e->names));
	e->names[0] = registry_arena_strndup(&reg->arena, name, strlen(name));
	e->svc.names = e->names;
	e->svc.name = e->names[0];
	e->svc.nnames = 1;
	if (desc != NULL)
		e->svc.description = registry_arena_strndup(&reg->arena, desc,
		    strlen(desc));
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
