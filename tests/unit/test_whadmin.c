/*
 * Unit tests of lib/whadmin.c's pure part: delivery statuses, summary
 * names and the result messages.
 */
#include "cc.h"

#include "cu_run.h"

#include "whadmin.h"

static void
test_webhook_names(void)
{
	static const char *const good[] = { "pending", "delivered", "failed",
	    "cancelled" };
	static const char *const bad[] = { "", "Pending", "pending ", "dead",
	    "failed,pending" };
	size_t i;
	int s;

	for (i = 0; i < CC_ARRAY_SIZE(good); i++)
		EXPECT(whadmin_status_ok(good[i]), "%s", good[i]);
	for (i = 0; i < CC_ARRAY_SIZE(bad); i++)
		EXPECT(!whadmin_status_ok(bad[i]), "'%s'", bad[i]);
	for (s = 0; s < WHADMIN_STAT__MAX; s++)
		EXPECT(whadmin_stat_name(s) != NULL, "stat %d", s);
	EXPECT(strcmp(whadmin_stat_name(WHADMIN_OLDEST_DUE),
	    "oldest_due_seconds") == 0, "oldest_due_seconds");
	EXPECT(whadmin_stat_name(WHADMIN_STAT__MAX) == NULL, "out of range");
}

/* Every result has a message of its own; out of range is not a crash. */
static void
test_messages(void)
{
	int i;

	for (i = 0; i < WHADMIN_ERR__MAX; i++)
		EXPECT(whadmin_strerror(i)[0] != '\0', "whadmin %d", i);
}

static const struct cu_test tests[] = {
	{ "webhook statuses and summary names", test_webhook_names },
	{ "result messages", test_messages },
};

int
main(void)
{
	return cu_run("whadmin", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
