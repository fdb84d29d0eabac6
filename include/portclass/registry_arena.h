/*
 * registry_arena.h - bump allocation for the registry.  Internal to the
 * registry (src/registry*.c); not part of its API, which is registry.h.
 *
 * A registry allocates many small things once (strings, entries, name
 * arrays) and frees them together, so they come from an arena: blocks of
 * 64 KiB handed out in order and freed all at once.  A load's scratch
 * strings live in an arena of their own that goes when the load ends
 * (registry_parse.h); what the registry keeps lives in the registry's,
 * which registry_free() frees.
 */
#ifndef PORTCLASS_REGISTRY_ARENA_H
#define PORTCLASS_REGISTRY_ARENA_H

#include <stddef.h>

struct registry_block;			/* registry_arena.c */

/* Zero-initialised is empty. */
struct registry_arena {
	struct registry_block	*head;	/* the block in use */
};

/* n bytes aligned for any type.  Never NULL: running out is fatal. */
void	*registry_arena_alloc(struct registry_arena *, size_t n);

/* A NUL-terminated copy of s[0..n). */
char	*registry_arena_strndup(struct registry_arena *, const char *s,
	    size_t n);

/* Free every block; the arena is empty again and may be reused. */
void	 registry_arena_free(struct registry_arena *);

#endif /* PORTCLASS_REGISTRY_ARENA_H */
