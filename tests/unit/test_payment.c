/*
 * Unit tests of lib/payment.c's pure part: every result has a message of
 * its own, and a value outside the enum is not a crash. (The recompute
 * itself runs against PostgreSQL in the integration suite; its rules are
 * lib/lifecycle.c's, tested in test_lifecycle.c.)
 */
#include "cc.h"

#include "cu_run.h"

#include "payment.h"

static void
test_messages(void)
{
	const char *m;
	int i, j;

	for (i = 0; i < PAYMENT__MAX; i++) {
		m = payment_strerror(i);
		EXPECT(m != NULL && m[0] != '\0', "result %d", i);
		for (j = 0; j < i; j++)
			EXPECT(strcmp(m, payment_strerror(j)) != 0,
			    "results %d and %d say the same", i, j);
	}
	m = payment_strerror(PAYMENT__MAX);
	EXPECT(m != NULL && m[0] != '\0', "out of range");
	m = payment_strerror(-1);
	EXPECT(m != NULL && m[0] != '\0', "negative");
}

static const struct cu_test tests[] = {
	{ "payment_strerror", test_messages },
};

int
main(void)
{
	return cu_run("payment", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
