/*
 * utf8.h - strict UTF-8 decoding (RFC 3629) and what a character does on
 * a terminal, for text from data files: the unofficial table checks its
 * descriptions with it, and the text sink prints registry names and
 * descriptions through it (sink_text_print, sink.h).
 *
 * Pure functions over bytes: no locale, no allocation.
 */
#ifndef PORTCLASS_UTF8_H
#define PORTCLASS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode the character at s (n bytes readable).  Returns its length, 1 to
 * 4, with the code point in *cp; 0 when s does not start a well-formed
 * sequence: a stray continuation byte, a lead byte that cannot start one
 * (C0, C1, F5-FF), a sequence cut short, an overlong form, a surrogate
 * (U+D800-U+DFFF) or a value above U+10FFFF.  n == 0 returns 0.
 */
size_t	utf8_decode(const char *s, size_t n, uint32_t *cp);

/*
 * 1 when cp may reach a terminal as itself: not a C0 control, DEL or a C1
 * control (U+0080-U+009F), which move cursors or start escape sequences,
 * nor a line or paragraph separator or a bidirectional control
 * (U+061C, U+200E-U+200F, U+2028-U+202E, U+2066-U+2069), which break or
 * reorder a line.
 */
int	utf8_printable(uint32_t cp);

/*
 * Terminal columns of a printable cp: 0 for common combining marks and
 * zero-width characters, 2 for East Asian wide and fullwidth characters
 * and emoji, else 1.  An approximation of wcwidth(3) that needs no
 * locale; terminals may disagree on rare scripts.
 */
int	utf8_width(uint32_t cp);

/* 1 when all n bytes of s are well-formed UTF-8 of printable characters. */
int	utf8_printable_text(const char *s, size_t n);

#endif /* PORTCLASS_UTF8_H */
