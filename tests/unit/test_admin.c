/*
 * Unit tests of the pure parts of the modules behind cc-admin: merchant
 * names, every result's message and API key scopes as the database
 * prints them (the key module is included to reach its static helper).
 */
#include "cc.h"

#include "cu_run.h"
#include "merchant.h"

#include "../../lib/apikey.c"

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
	char big[MERCHANT_NAME_MAX + 2];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++)
		EXPECT(merchant_name_ok(rows[i].name) == rows[i].ok,
		    "row %zu (%s)", i, rows[i].name);
	memset(big, 'a', sizeof(big));
	big[MERCHANT_NAME_MAX] = '\0';
	EXPECT(merchant_name_ok(big), "%d bytes", MERCHANT_NAME_MAX);
	big[MERCHANT_NAME_MAX] = 'a';
	big[MERCHANT_NAME_MAX + 1] = '\0';
	EXPECT(!merchant_name_ok(big), "%d bytes", MERCHANT_NAME_MAX + 1);
}

/* Every result has a message of its own; out of range is not a crash. */
static void
test_messages(void)
{
	int i;

	for (i = 0; i < MERCHANT_ERR__MAX; i++)
		EXPECT(merchant_strerror(i)[0] != '\0', "merchant %d", i);
	for (i = 0; i < APIKEY_ERR__MAX; i++)
		EXPECT(apikey_strerror(i)[0] != '\0', "apikey %d", i);
	EXPECT(strcmp(merchant_strerror(MERCHANT_ERR__MAX),
	    "unknown error") == 0, "merchant out of range");
	EXPECT(strstr(merchant_strerror(MERCHANT_ENAME), "200") != NULL,
	    "the limit is in the message: %s",
	    merchant_strerror(MERCHANT_ENAME));
}

static void
test_scope_literals(void)
{
	static const struct {
		const char	*text;
		unsigned	 want;
	} rows[] = {
		{ "{*}", SCOPE_ALL },
		{ "{\"*\"}", SCOPE_ALL },
		{ "{invoices:create,invoices:read}",
		    SCOPE_INVOICES_CREATE | SCOPE_INVOICES_READ },
		{ "{analytics:read}", SCOPE_ANALYTICS_READ },
		{ "{analytics:read,gold}", SCOPE_ANALYTICS_READ },
		{ "{}", 0 },
		{ "", 0 },
	};
	size_t i;
	unsigned got;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		got = scopes_from_literal(rows[i].text);
		EXPECT(got == rows[i].want, "%s: %#x, want %#x",
		    rows[i].text, got, rows[i].want);
	}
}

static const struct cu_test tests[] = {
	{ "merchant names", test_merchant_names },
	{ "result messages", test_messages },
	{ "scopes as the database prints them", test_scope_literals },
};

int
main(void)
{
	return cu_run("admin", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
