/*
 * What the CUnit test programs share: EXPECT (an assertion that names the
 * failing row), test-local u128 text conversions, and the one runner that
 * registers a suite's tests, runs them verbosely and turns the result into
 * the exit code (0 all passed, 1 a test failed, 2 CUnit itself failed).
 */
#ifndef CC_CU_RUN_H
#define CC_CU_RUN_H

#include <stdio.h>

#include <CUnit/Basic.h>

static char cu_msg[8192] __attribute__((unused));

/* Records an assertion whose failure message says which row failed. */
#define EXPECT(cond, ...) do {						\
	int ok_ = (cond) ? 1 : 0;					\
									\
	if (!ok_)							\
		snprintf(cu_msg, sizeof(cu_msg), __VA_ARGS__);		\
	CU_assertImplementation(ok_ ? CU_TRUE : CU_FALSE, __LINE__,	\
	    ok_ ? #cond : cu_msg, __FILE__, "", CU_FALSE);		\
} while (0)

/*
 * Decimal text <-> unsigned __int128 for test tables and messages,
 * independent of the code under test (lib/money.c), so that a bug there
 * cannot hide one elsewhere.
 */
static inline unsigned __int128
u128(const char *s)
{
	unsigned __int128 v = 0;

	for (; *s != '\0'; s++)
		v = v * 10 + (unsigned int)(*s - '0');
	return v;
}

static inline const char *
u128s(unsigned __int128 v, char *buf, size_t len)
{
	char tmp[48];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n && i + 1 < len; i++)
		buf[i] = tmp[n - 1 - i];
	buf[i] = '\0';
	return buf;
}

/* "row N" for a table index, in a buffer reused by the next call. */
static inline const char *
cu_row(size_t i)
{
	static char row[32];

	snprintf(row, sizeof(row), "row %zu", i);
	return row;
}

/*
 * Checks that print what differed (got / want) under the row that
 * failed, for tables of strings and numbers.
 */
static inline void
check_str(const char *what, const char *row, const char *got,
    const char *want)
{
	int same;

	same = got != NULL && strcmp(got, want) == 0;
	CU_ASSERT(same);
	if (!same)
		fprintf(stderr, "\n  %s [%s]:\n    got  %s\n    want %s\n",
		    what, row, got ? got : "(null)", want);
}

static inline void
check_int(const char *what, const char *row, long long got, long long want)
{
	CU_ASSERT_EQUAL(got, want);
	if (got != want)
		fprintf(stderr, "\n  %s [%s]: got %lld, want %lld\n", what,
		    row, got, want);
}

static inline void
check_has(const char *what, const char *row, const char *hay,
    const char *needle)
{
	int found;

	found = hay != NULL && strstr(hay, needle) != NULL;
	CU_ASSERT(found);
	if (!found)
		fprintf(stderr, "\n  %s [%s]:\n    %s\n    lacks %s\n", what,
		    row, hay ? hay : "(null)", needle);
}

struct cu_test {
	const char	*name;
	CU_TestFunc	 fn;
};

static int
cu_run(const char *name, CU_InitializeFunc init, CU_CleanupFunc cleanup,
    const struct cu_test *tests, size_t n)
{
	CU_pSuite suite;
	unsigned int failed;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite = CU_add_suite(name, init, cleanup);
	if (suite == NULL)
		goto err;
	for (i = 0; i < n; i++)
		if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL)
			goto err;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS)
		goto err;
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed != 0 ? 1 : 0;
err:
	CU_cleanup_registry();
	return 2;
}

#endif
