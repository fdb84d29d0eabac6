/*
 * prom_fixture.h - reading an exposition text back in the tests of the
 * renderer and of the prometheus sink.
 */
#ifndef PORTCLASS_TESTS_PROM_FIXTURE_H
#define PORTCLASS_TESTS_PROM_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The value of the sample whose text before the space is key, or -1. */
static inline int64_t
value_of(const char *text, const char *key)
{
	const char	*p = text;
	size_t		 n = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return ((int64_t)strtoull(p + n + 1, NULL, 10));
		p += n;
	}
	return (-1);
}

#endif /* PORTCLASS_TESTS_PROM_FIXTURE_H */
