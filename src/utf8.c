/*
 * utf8.c - strict UTF-8 decoding and terminal properties of characters
 * (utf8.h).
 *
 * The decoder follows RFC 3629 section 4 (the table of well-formed byte
 * sequences): every case it rejects is a way for a file to smuggle a byte
 * past a check that looks only at whole characters.  The width table is a
 * short list of ranges after Markus Kuhn's wcwidth, enough to keep the
 * text table aligned for the scripts a registry file is likely to hold.
 */
#include <stddef.h>
#include <stdint.h>

#include "portclass/utf8.h"

struct utf8_range {
	uint32_t	lo, hi;
};

/* Combining marks and zero-width characters: no column of their own. */
static const struct utf8_range utf8_zero[] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
	{ 0x0610, 0x061a }, { 0x064b, 0x065f }, { 0x1ab0, 0x1aff },
	{ 0x1dc0, 0x1dff }, { 0x200b, 0x200d }, { 0x2060, 0x2064 },
	{ 0x20d0, 0x20ff }, { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f },
	{ 0xfeff, 0xfeff },
};

/* East Asian wide and fullwidth, and the emoji blocks: two columns. */
static const struct utf8_range utf8_wide[] = {
	{ 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff },
	{ 0x3400, 0x4dbf }, { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf },
	{ 0xa960, 0xa97f }, { 0xac00, 0xd7a3 }, { 0xf900, 0xfaff },
	{ 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f }, { 0xff00, 0xff60 },
	{ 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f }, { 0x1f900, 0x1f9ff },
	{ 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
};

static int	utf8_in(const struct utf8_range *, size_t, uint32_t);

static int
utf8_in(const struct utf8_range *r, size_t n, uint32_t cp)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (cp >= r[i].lo && cp <= r[i].hi)
			return (1);
	return (0);
}

size_t
utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 c, min;
	size_t			 len, i;

	if (n == 0)
		return (0);
	c = p[0];
	if (c < 0x80) {
		*cp = c;
		return (1);
	}
	/* 80-BF continue a sequence; C0 and C1 could only be overlong. */
	if (c < 0xc2)
		return (0);
	if (c < 0xe0) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c < 0xf0) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c < 0xf5) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return (0);
	if (n < len)
		return (0);
	/* A NUL fails this test too, so a C string is never overread. */
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (len);
}

int
utf8_printable(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return (0);
	if (cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return (0);
	return (1);
}

int
utf8_width(uint32_t cp)
{
	if (cp < 0x300)
		return (1);
	if (utf8_in(utf8_zero, sizeof(utf8_zero) / sizeof(utf8_zero[0]), cp))
		return (0);
	if (utf8_in(utf8_wide, sizeof(utf8_wide) / sizeof(utf8_wide[0]), cp))
		return (2);
	return (1);
}

int
utf8_printable_text(const char *s, size_t n)
{
	uint32_t	cp;
	size_t		len;

	while (n > 0) {
		if ((len = utf8_decode(s, n, &cp)) == 0 || !utf8_printable(cp))
			return (0);
		s += len;
		n -= len;
	}
	return (1);
}
