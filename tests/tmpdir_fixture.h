/*
 * tmpdir_fixture.h - a private temporary directory for the tests that
 * write capture files: made by the group setup, removed by its teardown,
 * and t_write() to put a file in it.  Include it after <cmocka.h>, and
 * define T_NAME (the test's name) first.
 */
#ifndef PORTCLASS_TESTS_TMPDIR_FIXTURE_H
#define PORTCLASS_TESTS_TMPDIR_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/log.h"

static char	t_dir[64];

static int
t_setup(void **state)
{
	(void)state;
	snprintf(t_dir, sizeof(t_dir), "/tmp/pc-%s-XXXXXX", T_NAME);
	if (mkdtemp(t_dir) == NULL)
		return (-1);
	log_init(T_NAME, 0);
	return (0);
}

static int
t_teardown(void **state)
{
	char	cmd[128];

	(void)state;
	/* Only our own mkdtemp() directory, whose name we made. */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t_dir);
	return (system(cmd) == 0 ? 0 : -1);
}

/* Write n bytes of b to a new file in t_dir; the path goes to out. */
static void
t_write(const char *name, const uint8_t *b, size_t n, char *out,
    size_t outlen)
{
	FILE	*fp;

	snprintf(out, outlen, "%s/%s", t_dir, name);
	fp = fopen(out, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(b, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

#endif /* PORTCLASS_TESTS_TMPDIR_FIXTURE_H */
