/*
 * replay.c - run a libFuzzer harness without libFuzzer.
 *
 * Linked with any fuzz_*.c, this main() feeds each file named on the
 * command line, or each regular file in a named directory, through
 * LLVMFuzzerTestOneInput() once.  ctest uses it to replay the seed corpora
 * (and every crash reproducer once added to them) in ordinary builds,
 * under the sanitizers when they are on.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define REPLAY_MAX_INPUT	(1 << 20)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	replay_file(const char *);
static int	replay_dir(const char *, int *);

/* Feed one file through the harness, in a buffer of exactly its size. */
static int
replay_file(const char *path)
{
	static uint8_t	 buf[REPLAY_MAX_INPUT];
	uint8_t		*exact;
	FILE		*f;
	size_t		 n;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return (-1);
	}
	n = fread(buf, 1, sizeof(buf), f);
	if (ferror(f)) {
		perror(path);
		fclose(f);
		return (-1);
	}
	fclose(f);
	if ((exact = malloc(n > 0 ? n : 1)) == NULL)
		return (-1);
	for (size_t i = 0; i < n; i++)
		exact[i] = buf[i];
	(void)LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	return (0);
}

static int
replay_dir(const char *dir, int *count)
{
	char		 path[4096];
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL) {
		perror(dir);
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path))
			continue;
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (replay_file(path) == -1)
			rc = -1;
		(*count)++;
	}
	closedir(d);
	return (rc);
}

int
main(int argc, char **argv)
{
	struct stat	st;
	int		i, count = 0, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s file|dir ...\n", argv[0]);
		return (2);
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count) == -1)
				rc = 1;
		} else {
			if (replay_file(argv[i]) == -1)
				rc = 1;
			count++;
		}
	}
	printf("%s: %d inputs, no failures\n", argv[0], count);
	if (count == 0)
		rc = 1;		/* an empty corpus proves nothing */
	return (rc);
}
