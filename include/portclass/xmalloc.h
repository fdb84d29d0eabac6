/*
 * xmalloc.h - allocation that never returns NULL.
 *
 * Used for startup and report-time allocations.  On failure the process
 * prints one line and exits: there is nothing sensible to do without memory.
 * The per-packet path never allocates.
 */
#ifndef PORTCLASS_XMALLOC_H
#define PORTCLASS_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
/* align: a power of two, a multiple of sizeof(void *); free() with free(). */
void	*xmalloc_aligned(size_t align, size_t size);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

#endif /* PORTCLASS_XMALLOC_H */
