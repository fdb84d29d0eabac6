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
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

#endif /* PORTCLASS_XMALLOC_H */
