/*
 * What the libFuzzer targets share. Each tests/fuzz/fuzz_NAME.c defines
 * LLVMFuzzerTestOneInput (and maybe LLVMFuzzerInitialize) and is linked
 * against the whole lib/libcc.a and every library the programs use, so a
 * target names no sources: tests/fuzz/build.sh finds it by its name.
 * Targets call pure functions only: no network, no database, no clock.
 */
#ifndef CC_FUZZ_H
#define CC_FUZZ_H

#include "cc.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input as a NUL-terminated string in a block of exactly size + 1
 * bytes, so that AddressSanitizer sees a read past its end. The caller
 * frees it.
 */
static inline char *
fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * Splits the input at its first newline: the part before into a new
 * string *a, the rest into *b (both freed by the caller; *b is "" when
 * there is no newline).
 */
static inline void
fuzz_split(const uint8_t *data, size_t size, char **a, char **b)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n = nl != NULL ? (size_t)(nl - data) : size;

	*a = fuzz_str(data, n);
	*b = nl != NULL ? fuzz_str(nl + 1, size - n - 1) : fuzz_str(data, 0);
}

/* A property the code under test promises was broken: a crash to keep. */
#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: property failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

#endif
