/*
 * registry_merge.c - the second stage of a registry load: parsed rows into
 * the table (registry_table.h).
 *
 * First every (protocol, port) the rows mention is resolved on its own:
 * the highest rank wins (assigned beats reserved beats unassigned), and
 * the winner may carry as many names as rows of that rank name it.  Then
 * every mentioned port loses what earlier loads said about it, ports won
 * by an assigned or reserved row get a new entry, and the winning rows
 * give those entries their names and descriptions in file order.  So a
 * load replaces whatever earlier loads said about each port it mentions,
 * and leaves the others alone.  Nothing here can fail: only allocation
 * could, and that is fatal.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/registry.h"
#include "portclass/registry_arena.h"
#include "portclass/registry_parse.h"
#include "portclass/registry_table.h"
#include "portclass/xmalloc.h"

#define REGISTRY_NIDX	((size_t)REGISTRY_NPROTO * REGISTRY_NPORTS)

/*
 * What one load says about each (proto, port), indexed proto * NPORTS +
 * port like the class index.
 */
struct registry_verdict {
	int8_t		*best;		/* winning REGISTRY_RANK_* */
	uint32_t	*nnames;	/* names the winning rows carry */
};

/*
 * Row r on the ports [first, last] of one protocol.  The arrays are read
 * through locals: a store to an int8_t may alias anything, so v->best
 * would be fetched again on every port.
 */
static void
registry_merge_rank(struct registry_verdict *v, const struct registry_row *r,
    size_t first, size_t last)
{
	int8_t		*best = v->best;
	uint32_t	*nnames = v->nnames;
	size_t		 idx;

	for (idx = first; idx <= last; idx++) {
		if (r->rank > best[idx]) {
			best[idx] = r->rank;
			nnames[idx] = 0;
		}
		if (r->rank == best[idx] && r->name != NULL)
			nnames[idx]++;
	}
}

static void
registry_merge_resolve(struct registry_verdict *v,
    const struct registry_load *ld)
{
	const struct registry_row	*r;
	size_t				 i, proto, base;

	for (i = 0; i < ld->nrows; i++) {
		r = &ld->rows[i];
		for (proto = 0; proto < REGISTRY_NPROTO; proto++) {
			base = proto * REGISTRY_NPORTS;
			if (r->protos & (1U << proto))
				registry_merge_rank(v, r, base + r->lo,
				    base + r->hi);
		}
	}
}

/*
 * Replace what reg held on every port the load mentions: a port won by an
 * assigned or reserved row gets a new entry, with room for its names.
 */
static void
registry_merge_store(struct registry *reg, const struct registry_verdict *v,
    uint32_t src)
{
	const int8_t		*best = v->best;
	struct registry_entry	*e;
	size_t			 idx;
	unsigned int		 proto;
	uint16_t		 port;

	for (idx = 0; idx < REGISTRY_NIDX; idx++) {
		if (best[idx] == REGISTRY_RANK_NONE)
			continue;
		proto = (unsigned int)(idx / REGISTRY_NPORTS);
		port = (uint16_t)(idx % REGISTRY_NPORTS);
		if ((e = registry_find(reg, proto, port)) != NULL)
			registry_drop(reg, e);
		if (best[idx] < REGISTRY_RANK_RESERVED)
			continue;
		e = registry_entry_new(reg, proto, port,
		    best[idx] == REGISTRY_RANK_ASSIGNED ? REG_ASSIGNED :
		    REG_RESERVED, src);
		if (e->svc.status == REG_ASSIGNED && v->nnames[idx] > 0) {
			e->names = registry_arena_alloc(&reg->arena,
			    v->nnames[idx] * sizeof(*e->names));
			e->svc.names = e->names;
		}
	}
}

/*
 * Give e what winning row r says: the description of the first row (a
 * nameless row's only while no name came), and the name once.  Strings
 * are copied to the registry's arena once per row.
 */
static void
registry_merge_row(struct registry *reg, struct registry_row *r,
    struct registry_entry *e)
{
	size_t	j;

	if (r->desc != NULL && r->fdesc == NULL)
		r->fdesc = registry_arena_strndup(&reg->arena, r->desc,
		    strlen(r->desc));
	if (e->svc.description == NULL && (r->name != NULL ||
	    e->svc.nnames == 0))
		e->svc.description = r->fdesc;
	if (r->name == NULL || e->svc.status != REG_ASSIGNED)
		return;
	/* A name repeated on one port is kept once. */
	for (j = 0; j < e->svc.nnames; j++)
		if (strcmp(e->names[j], r->name) == 0)
			return;
	if (r->fname == NULL)
		r->fname = registry_arena_strndup(&reg->arena, r->name,
		    strlen(r->name));
	e->names[e->svc.nnames++] = r->fname;
	e->svc.name = e->names[0];
}

/* Row r on the ports of one protocol where it won. */
static void
registry_merge_ports(struct registry *reg, const struct registry_verdict *v,
    struct registry_row *r, unsigned int proto)
{
	struct registry_entry	*e;
	unsigned int		 port;

	for (port = r->lo; port <= r->hi; port++) {
		if (r->rank != v->best[proto * REGISTRY_NPORTS + port])
			continue;
		if ((e = registry_find(reg, proto, (uint16_t)port)) != NULL)
			registry_merge_row(reg, r, e);
	}
}

/* Names and descriptions of the winning rows, in file order. */
static void
registry_merge_names(struct registry *reg, const struct registry_verdict *v,
    struct registry_load *ld)
{
	struct registry_row	*r;
	size_t			 i;
	unsigned int		 proto;

	for (i = 0; i < ld->nrows; i++) {
		r = &ld->rows[i];
		if (r->rank < REGISTRY_RANK_RESERVED)
			continue;
		for (proto = 0; proto < REGISTRY_NPROTO; proto++)
			if (r->protos & (1U << proto))
				registry_merge_ports(reg, v, r, proto);
	}
}

void
registry_merge(struct registry *reg, struct registry_load *ld, uint32_t src)
{
	struct registry_verdict	v;

	v.best = xmalloc(REGISTRY_NIDX);
	memset(v.best, REGISTRY_RANK_NONE, REGISTRY_NIDX);
	v.nnames = xcalloc(REGISTRY_NIDX, sizeof(*v.nnames));
	registry_merge_resolve(&v, ld);
	registry_merge_store(reg, &v, src);
	registry_merge_names(reg, &v, ld);
	registry_index(reg);
	free(v.best);
	free(v.nnames);
}
