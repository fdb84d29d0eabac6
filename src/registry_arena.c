/*
 * registry_arena.c - bump allocation in 64 KiB blocks, freed all at once.
 *
 * Nothing the registry allocates is freed on its own: entries a later
 * load replaces stay in the arena until registry_free(), which keeps
 * pointers handed out by registry_lookup() valid for the registry's life.
 * A request larger than a block gets a block of its own.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/registry_arena.h"
#include "portclass/xmalloc.h"

#define REGISTRY_ARENA_BLOCK	(64U * 1024)

struct registry_block {
	struct registry_block	*next;	/* the block filled before */
	size_t			 used, cap;
	max_align_t		 data[];
};

void *
registry_arena_alloc(struct registry_arena *a, size_t n)
{
	struct registry_block	*b;
	size_t			 align = _Alignof(max_align_t), cap;
	void			*p;

	n = (n + align - 1) & ~(align - 1);
	b = a->head;
	if (b == NULL || b->cap - b->used < n) {
		cap = n > REGISTRY_ARENA_BLOCK ? n : REGISTRY_ARENA_BLOCK;
		b = xmalloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return (p);
}

char *
registry_arena_strndup(struct registry_arena *a, const char *s, size_t n)
{
	char	*p;

	p = registry_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return (p);
}

void
registry_arena_free(struct registry_arena *a)
{
	struct registry_block	*b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
}
