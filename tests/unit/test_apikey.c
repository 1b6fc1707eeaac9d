/*
 * Unit tests of lib/apikey.c, its pure part: key syntax, names, scopes and
 * masks.
 */
#include "cc.h"

#include "cu_run.h"

#include "apikey.h"
#include "util.h"

/*
 * API keys (the pure part)
 */

static const struct {
	const char	*s;
	bool		 ok;
} apikey_syntax[] = {
	{ "sk_live_abcdefghijklmnopqrstuvwxyz234567abcdefgh", true },
	{ "sk_test_abcdefghijklmnopqrstuvwxyz234567abcdefgh", true },
	{ "sk_live_invoices_abcdefghijklmnopqrstuvwxyz234567abcdefgh",
	    true },
	{ "sk_live_analytics_abcdefghijklmnopqrstuvwxyz234567abcdefgh",
	    true },
	/* exactly 40 base32 characters after a known prefix */
	{ "sk_live_abcdefghijklmnopqrstuvwxyz234567abcdefg", false },
	{ "sk_live_abcdefghijklmnopqrstuvwxyz234567abcdefghi", false },
	{ "sk_live_abcdefghijklmnopqrstuvwxyz234567abcdef1h", false },
	{ "sk_bogus_abcdefghijklmnopqrstuvwxyz234567abcdefgh", false },
	{ "sk_live_abc12345", false },
	{ "", false },
	{ "sk_", false },
	{ "pk_live_abcdefghijklmnopqrstuvwxyz", false },
	{ "SK_LIVE_abcdefghijklmnopqrstuvwxyz", false },
	{ "sk_live_ABCDEFGHIJKLMNOPQRSTUVWXYZ", false },
	{ "sk_live_abcdefghijklmno-pqrstuvwxyz", false },
	{ "sk_live_abcdefghijklmnopqrstuvwxyz ", false },
	{ "sk_live_abcdefghijklmnopqrstuvwxyz\n", false },
	{ "Bearer sk_live_abcdefghijklmnopqrstu", false },
	{ "sk_live_abcdefghijklmn\xc3\xa9pqrstuvwxyz", false },
};

static void
test_apikey_syntax(void)
{
	char key[APIKEY_MAX_SECRET + 2];
	int t;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(apikey_syntax); i++)
		check_int("apikey_syntax_ok", apikey_syntax[i].s,
		    apikey_syntax_ok(apikey_syntax[i].s), apikey_syntax[i].ok);
	/* Length bounds: the prefix and exactly 40 characters. */
	memset(key, 'a', sizeof(key));
	memcpy(key, "sk_live_", 8);
	key[8 + APIKEY_SECRET_CHARS] = '\0';
	CU_ASSERT(apikey_syntax_ok(key));
	key[8 + APIKEY_SECRET_CHARS] = 'a';
	key[8 + APIKEY_SECRET_CHARS + 1] = '\0';
	CU_ASSERT(!apikey_syntax_ok(key));
	key[8 + APIKEY_SECRET_CHARS - 1] = '\0';
	CU_ASSERT(!apikey_syntax_ok(key));

	/* Every generated key passes: its prefix and 40 base32 characters. */
	for (t = 0; t < APIKEY__MAX; t++) {
		const char *prefix = apikey_prefix((enum apikey_type)t);

		apikey_generate((enum apikey_type)t, key, sizeof(key));
		check_int("generated length", prefix, (long long)strlen(key),
		    (long long)(strlen(prefix) + 40));
		CU_ASSERT(strncmp(key, prefix, strlen(prefix)) == 0);
		CU_ASSERT(apikey_syntax_ok(key));
	}
}

/*
 * Regression (lib/apikey.c apikey_syntax_ok): apikey.h promises a check of the
 * "known prefix", but any "sk_" string of the right charset and length
 * passes, so a made-up key still costs a hash and a database lookup.
 */
static void
test_apikey_unknown_prefix(void)
{
	static const char *const keys[] = {
		"sk_bogus_abcdefghijklmnopqrstuvwxyz234567abcdefgh",
		"sk_abcdefghijklmnopqrstuvwxyz234567abcdefgh",
		"sk_test_analytics_abcdefghijklmnopqrstuvwxyz234567abcdefgh",
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(keys); i++)
		check_int("apikey_syntax_ok", keys[i],
		    apikey_syntax_ok(keys[i]), false);
}

static void
test_apikey_names(void)
{
	static const struct {
		const char	*name;
		int		 rc;
		unsigned	 bit;
	} scopes[] = {
		{ "invoices:create", 0, SCOPE_INVOICES_CREATE },
		{ "invoices:read", 0, SCOPE_INVOICES_READ },
		{ "invoices:cancel", 0, SCOPE_INVOICES_CANCEL },
		{ "invoices:refund", 0, SCOPE_INVOICES_REFUND },
		{ "analytics:read", 0, SCOPE_ANALYTICS_READ },
		{ "webhooks:manage", 0, SCOPE_WEBHOOKS_MANAGE },
		{ "*", 0, SCOPE_ALL },
		{ "invoices:*", -1, 0 },
		{ "Invoices:read", -1, 0 },
		{ "invoices:read ", -1, 0 },
		{ "", -1, 0 },
	};
	static const struct {
		enum apikey_type	 type;
		const char		*name;
		const char		*prefix;
		bool			 test;
		const char		*scopes;	/* scope_names */
	} types[] = {
		{ APIKEY_LIVE, "live", "sk_live_", false, "*" },
		{ APIKEY_TEST, "test", "sk_test_", true, "*" },
		{ APIKEY_INVOICES, "invoices", "sk_live_invoices_", false,
		    "invoices:create invoices:read invoices:cancel "
		    "invoices:refund" },
		{ APIKEY_ANALYTICS, "analytics", "sk_live_analytics_", false,
		    "analytics:read" },
	};
	const char *names[8];
	char mask[APIKEY_MASK_LEN], joined[256];
	enum apikey_type t;
	unsigned bit;
	size_t i;
	int n, k;

	for (i = 0; i < CC_ARRAY_SIZE(scopes); i++) {
		bit = 0;
		check_int("scope_from_name", scopes[i].name,
		    scope_from_name(scopes[i].name, &bit), scopes[i].rc);
		if (scopes[i].rc == 0) {
			check_int("bit", scopes[i].name, bit, scopes[i].bit);
			check_str("scope_name", scopes[i].name,
			    scope_name(bit), scopes[i].name);
		}
	}
	for (i = 0; i < CC_ARRAY_SIZE(types); i++) {
		check_str("apikey_type_name", types[i].name,
		    apikey_type_name(types[i].type), types[i].name);
		check_str("apikey_prefix", types[i].name,
		    apikey_prefix(types[i].type), types[i].prefix);
		check_int("apikey_type_test", types[i].name,
		    apikey_type_test(types[i].type), types[i].test);
		CU_ASSERT(apikey_type_from_name(types[i].name, &t) == 0 &&
		    t == types[i].type);
		n = scope_names(apikey_type_scopes(types[i].type), names,
		    CC_ARRAY_SIZE(names));
		joined[0] = '\0';
		for (k = 0; k < n; k++) {
			size_t len = strlen(joined);

			snprintf(joined + len, sizeof(joined) - len, "%s%s",
			    k ? " " : "", names[k]);
		}
		check_str("apikey_type_scopes", types[i].name, joined,
		    types[i].scopes);
	}
	CU_ASSERT(apikey_type_from_name("LIVE", &t) == -1);
	CU_ASSERT(apikey_type_from_name("", &t) == -1);
	CU_ASSERT(apikey_type_scopes(APIKEY_INVOICES) ==
	    (SCOPE_INVOICES_CREATE | SCOPE_INVOICES_READ |
	    SCOPE_INVOICES_CANCEL | SCOPE_INVOICES_REFUND));
	CU_ASSERT(apikey_type_scopes(APIKEY_ANALYTICS) ==
	    SCOPE_ANALYTICS_READ);
	CU_ASSERT((apikey_type_scopes(APIKEY_INVOICES) &
	    SCOPE_WEBHOOKS_MANAGE) == 0);

	/* scope_names: "*" only for the full set; max is respected. */
	CU_ASSERT(scope_names(0, names, 8) == 0);
	n = scope_names(SCOPE_ALL & ~SCOPE_WEBHOOKS_MANAGE, names, 8);
	CU_ASSERT(n == 5);
	n = scope_names(SCOPE_INVOICES_READ | SCOPE_ANALYTICS_READ, names, 8);
	CU_ASSERT(n == 2 && strcmp(names[0], "invoices:read") == 0 &&
	    strcmp(names[1], "analytics:read") == 0);
	CU_ASSERT(scope_names(SCOPE_ALL & ~SCOPE_WEBHOOKS_MANAGE, names,
	    2) == 2);
	CU_ASSERT(scope_names(SCOPE_ALL, names, 0) == 0);

	apikey_mask("sk_live_", "123", mask, sizeof(mask));
	check_str("apikey_mask", "live", mask, "sk_live_***123");
	apikey_mask("sk_live_invoices_", "x7q", mask, sizeof(mask));
	check_str("apikey_mask", "invoices", mask, "sk_live_invoices_***x7q");
	apikey_mask("sk_live_", "123", mask, 9);
	check_str("apikey_mask", "truncated", mask, "sk_live_");
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
		got = apikey_scopes_from_literal(rows[i].text);
		EXPECT(got == rows[i].want, "%s: %#x, want %#x",
		    rows[i].text, got, rows[i].want);
	}
}

/* Every result has a message of its own; out of range is not a crash. */
static void
test_messages(void)
{
	int i;

	for (i = 0; i < APIKEY_ERR__MAX; i++)
		EXPECT(apikey_strerror(i)[0] != '\0', "apikey %d", i);
}

static const struct cu_test tests[] = {
	{ "apikey_syntax_ok", test_apikey_syntax },
	{ "apikey names, scopes, mask", test_apikey_names },
	{ "apikey_syntax_ok takes unknown prefixes",
	    test_apikey_unknown_prefix },
	{ "scopes as the database prints them", test_scope_literals },
	{ "result messages", test_messages },
};

int
main(void)
{
	return cu_run("apikey", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
