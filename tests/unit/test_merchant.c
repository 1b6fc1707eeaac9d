/*
 * Unit tests of lib/merchant.c's pure part: merchant names and the
 * result messages.
 */
#include "cc.h"

#include "cu_run.h"

#include "merchant.h"

static void
test_merchant_names(void)
{
	static const struct {
		const char	*name;
		bool		 ok;
	} rows[] = {
		{ "Demo Shop", true },
		{ "Ünïcode ✓", true },
		{ "", false },
		{ "tab\there", false },
		{ "new\nline", false },
		{ "\xff\xfe", false },
		{ "caf\xc3", false },
	};
	char big[CC_MAX_MERCHANT_NAME + 2];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++)
		EXPECT(merchant_name_ok(rows[i].name) == rows[i].ok,
		    "row %zu (%s)", i, rows[i].name);
	memset(big, 'a', sizeof(big));
	big[CC_MAX_MERCHANT_NAME] = '\0';
	EXPECT(merchant_name_ok(big), "%d bytes", CC_MAX_MERCHANT_NAME);
	big[CC_MAX_MERCHANT_NAME] = 'a';
	big[CC_MAX_MERCHANT_NAME + 1] = '\0';
	EXPECT(!merchant_name_ok(big), "%d bytes", CC_MAX_MERCHANT_NAME + 1);
}

/* Every result has a message of its own; out of range is not a crash. */
static void
test_messages(void)
{
	int i;

	for (i = 0; i < MERCHANT_ERR__MAX; i++)
		EXPECT(merchant_strerror(i)[0] != '\0', "merchant %d", i);
	EXPECT(strcmp(merchant_strerror(MERCHANT_ERR__MAX),
	    "unknown error") == 0, "merchant out of range");
	EXPECT(strstr(merchant_strerror(MERCHANT_ENAME), "200") != NULL,
	    "the limit is in the message: %s",
	    merchant_strerror(MERCHANT_ENAME));
}

static const struct cu_test tests[] = {
	{ "merchant names", test_merchant_names },
	{ "result messages", test_messages },
};

int
main(void)
{
	return cu_run("merchant", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
