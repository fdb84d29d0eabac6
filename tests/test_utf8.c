/*
 * test_utf8.c - the strict decoder against RFC 3629's table of
 * well-formed sequences (its edges on both sides), what may reach a
 * terminal, and column widths.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "portclass/utf8.h"

static void
test_decode(void **state)
{
	static const struct {
		const char	*s;
		size_t		 len;	/* 0: not well-formed */
		uint32_t	 cp;
	} cases[] = {
		{ "A", 1, 0x41 },
		{ "\x7f", 1, 0x7f },
		{ "\xc2\x80", 2, 0x80 },		/* first two-byte */
		{ "\xdf\xbf", 2, 0x7ff },
		{ "\xe0\xa0\x80", 3, 0x800 },		/* first three-byte */
		{ "\xed\x9f\xbf", 3, 0xd7ff },		/* below surrogates */
		{ "\xee\x80\x80", 3, 0xe000 },		/* above them */
		{ "\xef\xbf\xbf", 3, 0xffff },
		{ "\xf0\x90\x80\x80", 4, 0x10000 },	/* first four-byte */
		{ "\xf4\x8f\xbf\xbf", 4, 0x10ffff },	/* the last one */
		{ "\x80", 0, 0 },			/* stray continuation */
		{ "\xbf", 0, 0 },
		{ "\xc0\x80", 0, 0 },			/* overlong NUL */
		{ "\xc1\xbf", 0, 0 },			/* overlong 0x7f */
		{ "\xe0\x9f\xbf", 0, 0 },		/* overlong 0x7ff */
		{ "\xf0\x8f\xbf\xbf", 0, 0 },		/* overlong 0xffff */
		{ "\xed\xa0\x80", 0, 0 },		/* surrogate D800 */
		{ "\xed\xbf\xbf", 0, 0 },		/* surrogate DFFF */
		{ "\xf4\x90\x80\x80", 0, 0 },		/* 0x110000 */
		{ "\xf5\x80\x80\x80", 0, 0 },
		{ "\xff", 0, 0 },
		{ "\xe2\x80", 0, 0 },			/* cut short */
		{ "\xe2" "A\x80", 0, 0 },		/* not a continuation */
	};
	uint32_t	cp;
	size_t		i, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cp = 0xdeadbeef;
		len = utf8_decode(cases[i].s, strlen(cases[i].s), &cp);
		if (len != cases[i].len ||
		    (len > 0 && cp != cases[i].cp))
			fail_msg("case %zu: length %zu code point %x", i, len,
			    (unsigned int)cp);
	}
	/* The length limits the read, even inside a sequence. */
	assert_int_equal(utf8_decode("\xc3\xa9", 1, &cp), 0);
	assert_int_equal(utf8_decode("A", 0, &cp), 0);
}

static void
test_printable(void **state)
{
	(void)state;
	assert_false(utf8_printable(0x00));
	assert_false(utf8_printable(0x1b));
	assert_true(utf8_printable(0x20));
	assert_true(utf8_printable(0x7e));
	assert_false(utf8_printable(0x7f));
	assert_false(utf8_printable(0x80));
	assert_false(utf8_printable(0x9b));
	assert_false(utf8_printable(0x9f));
	assert_true(utf8_printable(0xa0));
	assert_true(utf8_printable(0x2014));		/* em dash */
	assert_false(utf8_printable(0x202e));		/* RLO */
	assert_false(utf8_printable(0x2028));		/* LINE SEPARATOR */
	assert_false(utf8_printable(0x2067));		/* RLI */
	assert_true(utf8_printable(0x1f3ae));
	assert_true(utf8_printable_text("Caf\xc3\xa9 \xe2\x80\x94", 9));
	assert_true(utf8_printable_text("", 0));
	assert_false(utf8_printable_text("a\tb", 3));
	assert_false(utf8_printable_text("a\xc2\x85", 3));
	assert_false(utf8_printable_text("\xc3\xa9", 1));
}

static void
test_width(void **state)
{
	(void)state;
	assert_int_equal(utf8_width('a'), 1);
	assert_int_equal(utf8_width(0xe9), 1);		/* e acute */
	assert_int_equal(utf8_width(0x2014), 1);
	assert_int_equal(utf8_width(0x0301), 0);	/* combining acute */
	assert_int_equal(utf8_width(0x200b), 0);	/* zero width space */
	assert_int_equal(utf8_width(0x65e5), 2);	/* CJK */
	assert_int_equal(utf8_width(0xac00), 2);	/* Hangul */
	assert_int_equal(utf8_width(0xff21), 2);	/* fullwidth A */
	assert_int_equal(utf8_width(0x1f3ae), 2);	/* emoji */
	assert_int_equal(utf8_width(0x0416), 1);	/* Cyrillic */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_width),
	};

	return (cmocka_run_group_tests_name("utf8", tests, NULL, NULL));
}
