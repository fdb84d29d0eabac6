/*
 * test_csv.c - the RFC 4180 reader on ordinary and hostile input.
 *
 * Each test feeds a buffer and walks the records, checking fields, field
 * counts and the physical line where each record starts.  Hostile cases
 * (unterminated quotes, stray quotes, NUL bytes, huge fields, no final
 * line break) must end in a clean result or a named error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "portclass/csv.h"

/* Read one record from r and check it has n fields equal to want[]. */
static void
expect_record(struct csv_reader *r, size_t line, size_t n,
    const char *const *want)
{
	size_t	i;

	assert_int_equal(csv_next(r), 1);
	assert_int_equal(csv_line(r), line);
	assert_int_equal(csv_nfields(r), n);
	for (i = 0; i < n; i++) {
		assert_string_equal(csv_field(r, i), want[i]);
		assert_int_equal(csv_field_len(r, i), strlen(want[i]));
	}
	assert_null(csv_field(r, n));
	assert_int_equal(csv_field_len(r, n), 0);
}

#define EXPECT(r, line, ...) do {					\
	static const char *const w_[] = { __VA_ARGS__ };		\
	expect_record((r), (line), sizeof(w_) / sizeof(w_[0]), w_);	\
} while (0)

static void
init_str(struct csv_reader *r, const char *s)
{
	csv_init(r, s, strlen(s));
}

static void
test_plain_fields(void **state)
{
	struct csv_reader	r;

	(void)state;
	init_str(&r, "a,b,c\r\n1,,3\r\n");
	EXPECT(&r, 1, "a", "b", "c");
	EXPECT(&r, 2, "1", "", "3");
	assert_int_equal(csv_next(&r), 0);
	assert_int_equal(csv_next(&r), 0);
	assert_null(csv_error(&r));
	csv_free(&r);
}

static void
test_quoted_fields(void **state)
{
	struct csv_reader	r;

	(void)state;
	init_str(&r, "\"a,b\",\"say \"\"hi\"\"\",\"\"\n\"\"\"\"\n");
	EXPECT(&r, 1, "a,b", "say \"hi\"", "");
	EXPECT(&r, 2, "\"");
	assert_int_equal(csv_next(&r), 0);
	csv_free(&r);
}

static void
test_line_endings(void **state)
{
	struct csv_reader	r;

	(void)state;
	/* CR LF and LF mixed; the last record has no line break. */
	init_str(&r, "a\r\nb\nc,d");
	EXPECT(&r, 1, "a");
	EXPECT(&r, 2, "b");
	EXPECT(&r, 3, "c", "d");
	assert_int_equal(csv_next(&r), 0);
	csv_free(&r);

	/* A bare CR outside quotes is data, not a line break. */
	init_str(&r, "a\rb,c\r\n");
	EXPECT(&r, 1, "a\rb", "c");
	assert_int_equal(csv_next(&r), 0);
	csv_free(&r);
}

static void
test_breaks_inside_quotes(void **state)
{
	struct csv_reader	r;

	(void)state;
	/* As in the IANA CSV: bare LF inside a quoted field, CR LF after. */
	init_str(&r, "h1,h2\r\nwhoispp,\"whois++\nIANA \"\"x\"\"\"\r\n"
	    "k,\"two\r\nlines\"\r\nlast,1\r\n");
	EXPECT(&r, 1, "h1", "h2");
	EXPECT(&r, 2, "whoispp", "whois++\nIANA \"x\"");
	EXPECT(&r, 4, "k", "two\r\nlines");
	EXPECT(&r, 6, "last", "1");
	assert_int_equal(csv_next(&r), 0);
	csv_free(&r);
}

static void
test_empty_and_trailing(void **state)
{
	struct csv_reader	r;

	(void)state;
	init_str(&r, "");
	assert_int_equal(csv_next(&r), 0);
	csv_free(&r);

	/* An empty line is one empty field; a trailing comma opens one. */
	init_str(&r, "\n,\na,\n");
	EXPECT(&r, 1, "");
	EXPECT(&r, 2, "", "");
	EXPECT(&r, 3, "a", "");
	assert_int_equal(csv_next(&r), 0);
	csv_free(&r);
}

static void
test_unterminated_quote(void **state)
{
	struct csv_reader	r;

	(void)state;
	init_str(&r, "ok,1\n\"open,2\nstill open\n");
	EXPECT(&r, 1, "ok", "1");
	assert_int_equal(csv_next(&r), -1);
	assert_string_equal(csv_error(&r), "unterminated quoted field");
	assert_int_equal(csv_line(&r), 2);	/* where the record began */
	assert_int_equal(csv_nfields(&r), 0);
	/* The error is sticky. */
	assert_int_equal(csv_next(&r), -1);
	csv_free(&r);

	/* A lone quote, and three quotes: never closed. */
	init_str(&r, "\"");
	assert_int_equal(csv_next(&r), -1);
	csv_free(&r);
	init_str(&r, "\"\"\"");
	assert_int_equal(csv_next(&r), -1);
	assert_string_equal(csv_error(&r), "unterminated quoted field");
	csv_free(&r);
}

static void
test_stray_quotes(void **state)
{
	struct csv_reader	r;

	(void)state;
	init_str(&r, "a,\"b\"c\n");
	assert_int_equal(csv_next(&r), -1);
	assert_string_equal(csv_error(&r), "text after closing quote");
	assert_int_equal(csv_line(&r), 1);
	csv_free(&r);

	init_str(&r, "x\ny\na\"b,c\n");
	EXPECT(&r, 1, "x");
	EXPECT(&r, 2, "y");
	assert_int_equal(csv_next(&r), -1);
	assert_string_equal(csv_error(&r), "quote inside unquoted field");
	assert_int_equal(csv_line(&r), 3);
	csv_free(&r);

	/* A closing quote followed by a bare CR is not a line end. */
	init_str(&r, "\"a\"\rb\n");
	assert_int_equal(csv_next(&r), -1);
	csv_free(&r);
}

static void
test_nul_bytes(void **state)
{
	struct csv_reader	 r;
	static const char	 in[] = { 'a', '\0', 'b', ',', '"', '\0', '"' };

	(void)state;
	csv_init(&r, in, sizeof(in));
	assert_int_equal(csv_next(&r), 1);
	assert_int_equal(csv_nfields(&r), 2);
	assert_int_equal(csv_field_len(&r, 0), 3);
	assert_memory_equal(csv_field(&r, 0), "a\0b", 4);
	assert_int_equal(csv_field_len(&r, 1), 1);
	assert_int_equal(csv_next(&r), 0);
	csv_free(&r);
}

static void
test_large_input(void **state)
{
	struct csv_reader	 r;
	size_t			 n = 5000, i, big = 200000;
	char			*s;

	(void)state;
	/* 5000 fields in one record, then one 200 KB quoted field. */
	s = malloc(n * 2 + big + 8);
	assert_non_null(s);
	for (i = 0; i < n; i++) {
		s[2 * i] = (char)('a' + i % 26);
		s[2 * i + 1] = i + 1 < n ? ',' : '\n';
	}
	s[2 * n] = '"';
	memset(s + 2 * n + 1, 'x', big);
	s[2 * n + 1 + big] = '"';
	csv_init(&r, s, 2 * n + big + 2);
	assert_int_equal(csv_next(&r), 1);
	assert_int_equal(csv_nfields(&r), n);
	assert_int_equal(csv_field(&r, n - 1)[0], 'a' + (n - 1) % 26);
	assert_int_equal(csv_field_len(&r, n - 1), 1);
	assert_int_equal(csv_next(&r), 1);
	assert_int_equal(csv_line(&r), 2);
	assert_int_equal(csv_field_len(&r, 0), big);
	assert_int_equal(csv_field(&r, 0)[big - 1], 'x');
	assert_int_equal(csv_next(&r), 0);
	csv_free(&r);
	free(s);
}

static void
test_reader_reuse_after_free(void **state)
{
	struct csv_reader	r;

	(void)state;
	/* csv_free on a reader that never read anything is harmless. */
	init_str(&r, "");
	csv_free(&r);
	csv_free(&r);
	init_str(&r, "a,b\n");
	EXPECT(&r, 1, "a", "b");
	csv_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_fields),
		cmocka_unit_test(test_quoted_fields),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_breaks_inside_quotes),
		cmocka_unit_test(test_empty_and_trailing),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_stray_quotes),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_large_input),
		cmocka_unit_test(test_reader_reuse_after_free),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
