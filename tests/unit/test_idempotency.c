/*
 * Unit tests of lib/idempotency.c, its pure part: key checks and the
 * request hash (expected hashes from sha256sum(1)).
 */
#include "cc.h"

#include "cu_run.h"

#include "idempotency.h"
#include "util.h"

/*
 * Idempotency keys
 */

static void
test_idem(void)
{
	static const struct {
		const char	*key;
		bool		 ok;
	} keys[] = {
		{ "order_789_attempt_1", true },
		{ "a", true },
		{ "~!@#$%^&*()", true },
		{ "550e8400-e29b-41d4-a716-446655440000", true },
		{ "", false },
		{ "a b", false },
		{ " a", false },
		{ "a\t", false },
		{ "a\n", false },
		{ "\x7f", false },
		{ "caf\xc3\xa9", false },
	};
	static const struct {
		const char	*method;
		const char	*path;
		const char	*body;
		const char	*sha256;
	} hashes[] = {
		/* printf 'POST\0/api/v1/invoices\0{"a":1}' | sha256sum */
		{ "POST", "/api/v1/invoices", "{\"a\":1}",
		    "d5efd3551365cc70398e0b8ffc750cbda2c5b042"
		    "52fd013ce45cd2b065c9b711" },
		/* printf 'GET\0/\0' | sha256sum */
		{ "GET", "/", "",
		    "19fb856f52074c83ad846d55cca99520ef8e16fc"
		    "483079093cc491a6ddc3dae2" },
	};
	char key[CC_MAX_IDEMPOTENCY_KEY + 2], hex[65];
	uint8_t h1[32], h2[32];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(keys); i++)
		check_int("idem_key_ok", keys[i].key, idem_key_ok(keys[i].key),
		    keys[i].ok);
	memset(key, 'k', sizeof(key));
	key[CC_MAX_IDEMPOTENCY_KEY] = '\0';
	CU_ASSERT(idem_key_ok(key));
	key[CC_MAX_IDEMPOTENCY_KEY] = 'k';
	key[CC_MAX_IDEMPOTENCY_KEY + 1] = '\0';
	CU_ASSERT(!idem_key_ok(key));

	for (i = 0; i < CC_ARRAY_SIZE(hashes); i++) {
		idem_hash(hashes[i].method, hashes[i].path, hashes[i].body,
		    strlen(hashes[i].body), h1);
		hex_encode(h1, sizeof(h1), hex);
		check_str("idem_hash", hashes[i].path, hex, hashes[i].sha256);
	}
	/* The separators keep method, path and body apart. */
	idem_hash("POST", "/a", "b", 1, h1);
	idem_hash("POST", "/ab", "", 0, h2);
	CU_ASSERT(memcmp(h1, h2, 32) != 0);
	idem_hash("POST", "/a", "b", 1, h2);
	CU_ASSERT(memcmp(h1, h2, 32) == 0);
	/* len, not strlen, bounds the body. */
	idem_hash("POST", "/a", "bc", 1, h2);
	CU_ASSERT(memcmp(h1, h2, 32) == 0);
}

static const struct cu_test tests[] = {
	{ "idempotency keys and hash", test_idem },
};

int
main(void)
{
	return cu_run("idempotency", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
