/*
 * bytes.h - a bounds-checked read cursor over captured bytes.
 *
 * Every decoder reads the frame through a struct cursor: a header is taken
 * whole with cursor_take() before any field of it is read, and a length from
 * the wire may only shrink the window (cursor_clamp), never grow it.  Fields
 * are read byte by byte (get_be16/get_be32), never by casting a struct onto
 * the buffer, so there are no alignment traps.
 */
#ifndef PORTCLASS_BYTES_H
#define PORTCLASS_BYTES_H

#include <stddef.h>
#include <stdint.h>

/* A read-only window on captured bytes: [p, end).  Never widened. */
struct cursor {
	const uint8_t	*p;	/* next unread byte */
	const uint8_t	*end;	/* one past the last captured byte */
};

static inline void
cursor_init(struct cursor *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->end = p + len;
}

static inline size_t
cursor_left(const struct cursor *c)
{
	return ((size_t)(c->end - c->p));
}

/* Hand out the next n bytes and step over them; NULL if fewer were captured. */
static inline const uint8_t *
cursor_take(struct cursor *c, size_t n)
{
	const uint8_t	*h = c->p;

	if (cursor_left(c) < n)
		return (NULL);
	c->p += n;
	return (h);
}

/* Look at the next n bytes without stepping over them; NULL if short. */
static inline const uint8_t *
cursor_peek(const struct cursor *c, size_t n)
{
	if (cursor_left(c) < n)
		return (NULL);
	return (c->p);
}

/* Shrink the window to n bytes (e.g. IP total length), dropping padding. */
static inline void
cursor_clamp(struct cursor *c, size_t n)
{
	if (cursor_left(c) > n)
		c->end = c->p + n;
}

static inline uint16_t
get_be16(const uint8_t *b)
{
	return ((uint16_t)(b[0] << 8 | b[1]));
}

static inline uint32_t
get_be32(const uint8_t *b)
{
	return ((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | (uint32_t)b[3]);
}

static inline uint16_t
get_le16(const uint8_t *b)
{
	return ((uint16_t)(b[1] << 8 | b[0]));
}

static inline uint32_t
get_le32(const uint8_t *b)
{
	return ((uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[1] << 8 | (uint32_t)b[0]);
}

#endif /* PORTCLASS_BYTES_H */
