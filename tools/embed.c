/*
 * embed - turn a data file into a C translation unit at build time.
 *
 * Usage: embed INPUT SYMBOL OUTPUT
 * Writes `const unsigned char SYMBOL[]` holding the bytes of INPUT and
 * `const size_t SYMBOL_len`.  The array carries one extra NUL so that the
 * data can also be read as a string, but SYMBOL_len excludes it.
 */
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
	FILE	*in, *out;
	size_t	 n = 0;
	int	 ch;

	if (argc != 4) {
		fprintf(stderr, "usage: embed INPUT SYMBOL OUTPUT\n");
		return (2);
	}
	if ((in = fopen(argv[1], "rb")) == NULL) {
		perror(argv[1]);
		return (1);
	}
	if ((out = fopen(argv[3], "w")) == NULL) {
		perror(argv[3]);
		return (1);
	}
	fprintf(out, "/* Generated from %s by tools/embed.c; do not edit. */\n",
	    argv[1]);
	fprintf(out, "#include <stddef.h>\n");
	fprintf(out, "extern const unsigned char %s[];\n", argv[2]);
	fprintf(out, "extern const size_t %s_len;\n", argv[2]);
	fprintf(out, "const unsigned char %s[] = {\n", argv[2]);
	while ((ch = getc(in)) != EOF) {
		fprintf(out, "%d,", ch);
		if (++n % 24 == 0)
			fputc('\n', out);
	}
	fprintf(out, "0\n};\nconst size_t %s_len = %zu;\n", argv[2], n);
	if (ferror(in) || fclose(out) != 0) {
		fprintf(stderr, "embed: error writing %s\n", argv[3]);
		return (1);
	}
	fclose(in);
	return (0);
}
