/*
 * Unit tests of lib/failpoint.c: what CC_FAILPOINT may say (name, name:N)
 * and that an unarmed or other point lets the process live.
 */
#include "cc.h"

#include "cu_run.h"

#include "failpoint.h"

static const struct {
	const char	*spec;
	int		 rc;
	const char	*name;
	long		 count;
} specs[] = {
	{ "scan.after_payment_insert", 0, "scan.after_payment_insert", 1 },
	{ "scan.after_commit:1", 0, "scan.after_commit", 1 },
	{ "webhooks.after_answer:7", 0, "webhooks.after_answer", 7 },
	{ "a", 0, "a", 1 },
	{ "x-y_z.0:1000000", 0, "x-y_z.0", 1000000 },
	{ "a:0012", 0, "a", 12 },
	/* 63 characters: the longest name. */
	{ "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc",
	    0, "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc",
	    1 },

	{ "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd",
	    -1, NULL, 0 },
	{ "", -1, NULL, 0 },
	{ ":3", -1, NULL, 0 },
	{ "a:", -1, NULL, 0 },
	{ "a:0", -1, NULL, 0 },
	{ "a:-1", -1, NULL, 0 },
	{ "a:+1", -1, NULL, 0 },
	{ "a: 1", -1, NULL, 0 },
	{ "a:1x", -1, NULL, 0 },
	{ "a:1:2", -1, NULL, 0 },
	{ "a:1000001", -1, NULL, 0 },
	{ "a:99999999999999999999999", -1, NULL, 0 },
	{ "Scan.after", -1, NULL, 0 },
	{ "scan after", -1, NULL, 0 },
	{ "scan/after", -1, NULL, 0 },
	{ "scan\nafter", -1, NULL, 0 },
};

static void
test_parse(void)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(specs); i++) {
		char name[FAILPOINT_NAME_MAX] = "untouched";
		long count = -5;
		int rc;

		rc = failpoint_parse(specs[i].spec, name, &count);
		check_int("rc", cu_row(i), rc, specs[i].rc);
		if (specs[i].rc != 0 || rc != 0)
			continue;
		check_str("name", cu_row(i), name, specs[i].name);
		check_int("count", cu_row(i), count, specs[i].count);
	}
	CU_ASSERT_EQUAL(failpoint_parse(NULL, (char [FAILPOINT_NAME_MAX]){ 0 },
	    &(long){ 0 }), -1);
}

/*
 * Armed with another point's name and a count not reached, the points
 * reached here return (a kill would end this test program).
 */
static void
test_not_reached(void)
{
	int i;

	setenv("CC_FAILPOINT", "unit.armed:3", 1);
	failpoint("unit.other");
	failpoint("unit.armed.longer");
	failpoint("unit.arme");
	for (i = 0; i < 2; i++)
		failpoint("unit.armed");
	CU_PASS("still alive");
}

static const struct cu_test tests[] = {
	{ "failpoint_parse", test_parse },
	{ "points not reached", test_not_reached },
};

int
main(void)
{
	return cu_run("failpoint", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
