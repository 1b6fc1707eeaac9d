/*
 * Unit tests of lib/authfail.c's masking: what of a presented credential
 * a failed authentication's audit row and log line may show.
 */
#include "cc.h"

#include "cu_run.h"

#include "apikey.h"
#include "authfail.h"

static void
test_mask(void)
{
	char key[APIKEY_MAX_SECRET], want[APIKEY_MASK_LEN];
	char got[APIKEY_MASK_LEN];
	static const struct {
		const char	*presented, *want;
	} t[] = {
		/* Starts like a key, but is not one: the prefix only. */
		{ "sk_test_short", "sk_test_***" },
		{ "sk_live_invoices_", "sk_live_invoices_***" },
		{ "sk_live_analytics_xyz", "sk_live_analytics_***" },
		{ "sk_other", "unrecognized" },
		{ "eyJhbGciOiJIUzI1NiJ9.e30.sig", "jwt" },
		{ "password123", "unrecognized" },
		{ "", "unrecognized" },
	};
	size_t i;
	int ty;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		authfail_mask(t[i].presented, got, sizeof(got));
		check_str("mask", t[i].presented, got, t[i].want);
	}
	/* A well-formed key of each type: prefix and last three. */
	for (ty = 0; ty < APIKEY__MAX; ty++) {
		apikey_generate((enum apikey_type)ty, key, sizeof(key));
		authfail_mask(key, got, sizeof(got));
		snprintf(want, sizeof(want), "%s***%s",
		    apikey_prefix((enum apikey_type)ty), key + strlen(key) -
		    3);
		check_str("mask", apikey_type_name((enum apikey_type)ty), got,
		    want);
		/* Never the secret's body. */
		EXPECT(strstr(got, key + strlen(apikey_prefix(
		    (enum apikey_type)ty))) == NULL, "type %d leaks", ty);
	}
}

static const struct cu_test tests[] = {
	{ "masking", test_mask },
};

int
main(void)
{
	return cu_run("authfail", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
