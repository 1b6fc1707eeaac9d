/*
 * The one runner of the CUnit test programs: registers a suite's tests,
 * runs them verbosely and turns the result into the exit code (0 all
 * passed, 1 a test failed, 2 CUnit itself failed).
 */
#ifndef CC_CU_RUN_H
#define CC_CU_RUN_H

#include <CUnit/Basic.h>

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
