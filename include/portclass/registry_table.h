/*
 * registry_table.h - struct registry inside: the (protocol, port) table,
 * the class index and the sources.  Internal to the registry
 * (src/registry*.c); not part of its API, which is registry.h.
 *
 * Only assigned, reserved and local ports are stored, one struct
 * registry_entry each, in a uthash table keyed by a 4-byte (port,
 * protocol, pad) key.  Beside it a flat array holds the class of every
 * (protocol, port), which the service-port rule reads per packet.  The
 * table is changed in three ways, each ending with registry_index():
 *  - registry_merge() (registry_merge.c) merges a parsed load's rows;
 *  - registry_load_image() (registry_image.c) adds a build-time image;
 *  - registry_add_local() (registry.c) names a port for the site.
 * registry.c has the table's own operations below and the public API.
 *
 * The hash hooks are set here, before uthash.h, so that every file that
 * touches the table hashes alike; this header is the only place outside
 * flow.c that includes uthash.h.
 */
#ifndef PORTCLASS_REGISTRY_TABLE_H
#define PORTCLASS_REGISTRY_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "portclass/log.h"
#include "portclass/registry.h"
#include "portclass/registry_arena.h"
#include "portclass/registry_parse.h"

struct registry_key {
	uint16_t	port;
	uint8_t		proto;		/* enum pc_proto, TCP..DCCP */
	uint8_t		pad;		/* always 0: hashed and compared */
};

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
	/*
	 * Strings, entries and name arrays, freed by registry_free(); the
	 * strings of a build-time image stay in its constant pool instead.
	 */
	struct registry_arena	 arena;
	/* One per successful load; names and dates live in the arena. */
	struct registry_source	*sources;
	size_t			 nsources, srccap;
};

/* The entry of (proto, port), proto below REGISTRY_NPROTO; or NULL. */
struct registry_entry	*registry_find(const struct registry *,
			    unsigned int proto, uint16_t port);

/*
 * A new entry for (proto, port) with status st and no names, set by
 * source src (REGISTRY_SRC_LOCAL for a local name), in the table; the
 * port must have none.  The source counts it.
 */
struct registry_entry	*registry_entry_new(struct registry *,
			    unsigned int proto, uint16_t port,
			    enum reg_status st, uint32_t src);

/*
 * Take an entry out of the table, for a later load or a local name that
 * replaces it; it stays in the arena.  Its source counts one entry less.
 */
void			 registry_drop(struct registry *,
			    struct registry_entry *);

/*
 * Note a successful load as a source (its name and date copied), before
 * its entries are added; returns its index for them.
 */
uint32_t		 registry_source_add(struct registry *,
			    const char *name, const char *date);

/* Rebuild the class index from the table (see struct registry). */
void			 registry_index(struct registry *);

/*
 * Merge a parsed load into reg as source src (registry_merge.c): every
 * (protocol, port) the rows mention replaces what reg held.  Cannot fail.
 */
void			 registry_merge(struct registry *,
			    struct registry_load *, uint32_t src);

#endif /* PORTCLASS_REGISTRY_TABLE_H */
