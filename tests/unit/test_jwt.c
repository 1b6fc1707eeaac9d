/*
 * lib/jwt: RFC 7515's HS256 example (appendix A.1), round trips, key
 * rotation, and a table of refused tokens.
 */
#include "cc.h"

#include "cu_run.h"
#include "jsonx.h"
#include "jwt.h"
#include "util.h"

/* RFC 7515 A.1: the JWS Signing Input, the key (a JWK "k") and the MAC. */
#define A1_INPUT	"eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9" \
	".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt" \
	"cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
#define A1_KEY		"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH" \
	"75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
#define A1_SIG		"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

#define NOW		1800000000

static void
test_rfc7515_a1(void)
{
	uint8_t key[64];
	char sig[44];
	int n = b64url_decode(A1_KEY, key, sizeof(key));

	CU_ASSERT_FATAL(n == 64);
	CU_ASSERT_FATAL(jwt_hs256(key, (size_t)n, A1_INPUT, strlen(A1_INPUT),
	    sig) == 0);
	EXPECT(strcmp(sig, A1_SIG) == 0, "RFC 7515 A.1 MAC: got %s", sig);
}

static void
key_init(struct jwt_key *k, const char *kid, uint8_t fill)
{
	memset(k, 0, sizeof(*k));
	cc_strlcpy(k->kid, kid, sizeof(k->kid));
	memset(k->secret, fill, JWT_MIN_SECRET);
	k->len = JWT_MIN_SECRET;
}

static json_object *
claims(int64_t exp, int64_t iat)
{
	json_object *c = json_object_new_object();

	jsonx_add_str(c, "sub", "key_abc");
	jsonx_add_str(c, "scope", "invoices:read");
	json_object_object_add(c, "exp", json_object_new_int64(exp));
	json_object_object_add(c, "iat", json_object_new_int64(iat));
	return c;
}

/* A token made by hand: header and payload JSON, signed with key. */
static char *
forge(const char *header, const char *payload, const struct jwt_key *key)
{
	char h[512], p[512], sig[44], *in;

	b64url_encode((const uint8_t *)header, strlen(header), h);
	b64url_encode((const uint8_t *)payload, strlen(payload), p);
	in = xasprintf("%s.%s", h, p);
	CU_ASSERT_FATAL(jwt_hs256(key->secret, key->len, in, strlen(in),
	    sig) == 0);
	free(in);
	return xasprintf("%s.%s.%s", h, p, sig);
}

static void
test_round_trip_and_rotation(void)
{
	struct jwt_key old, cur, both[2];
	json_object *c = claims(NOW + 600, NOW), *got = NULL;
	char *t;

	key_init(&old, "k1", 0x11);
	key_init(&cur, "k2", 0x22);
	t = jwt_sign(&cur, c);
	CU_ASSERT_FATAL(t != NULL);
	EXPECT(jwt_verify(t, &cur, 1, NOW, &got) == JWT_OK, "own key");
	CU_ASSERT_FATAL(got != NULL);
	EXPECT(strcmp(json_object_get_string(json_object_object_get(got,
	    "sub")), "key_abc") == 0, "claims come back");
	json_object_put(got);
	/* During an overlap both keys verify; the old one alone does not. */
	both[0] = old;
	both[1] = cur;
	EXPECT(jwt_verify(t, both, 2, NOW, &got) == JWT_OK, "overlap");
	json_object_put(got);
	EXPECT(jwt_verify(t, &old, 1, NOW, &got) == JWT_UNKNOWN_KID &&
	    got == NULL, "retired key");
	/* The same kid with another secret: the signature decides. */
	key_init(&old, "k2", 0x33);
	EXPECT(jwt_verify(t, &old, 1, NOW, &got) == JWT_BAD_SIGNATURE,
	    "same kid, other secret");
	EXPECT(jwt_verify(t, &cur, 1, NOW + 600, &got) == JWT_EXPIRED,
	    "exp is exclusive");
	EXPECT(jwt_verify(t, &cur, 1, NOW + 599, &got) == JWT_OK, "exp - 1");
	json_object_put(got);
	free(t);
	/* Keys too short to sign with, and claims that are not an object. */
	cur.len = JWT_MIN_SECRET - 1;
	EXPECT(jwt_sign(&cur, c) == NULL, "short secret");
	cur.len = JWT_MIN_SECRET;
	cur.kid[0] = '\0';
	EXPECT(jwt_sign(&cur, c) == NULL, "no kid");
	json_object_put(c);
}

static const struct {
	const char	*name;
	const char	*header;
	const char	*payload;
	enum jwt_result	 want;
} forged[] = {
	{ "valid", "{\"alg\":\"HS256\",\"kid\":\"k\"}",
	    "{\"exp\":1800000600}", JWT_OK },
	{ "alg none", "{\"alg\":\"none\",\"kid\":\"k\"}",
	    "{\"exp\":1800000600}", JWT_BAD_ALG },
	{ "alg HS512", "{\"alg\":\"HS512\",\"kid\":\"k\"}",
	    "{\"exp\":1800000600}", JWT_BAD_ALG },
	{ "alg RS256", "{\"alg\":\"RS256\",\"kid\":\"k\"}",
	    "{\"exp\":1800000600}", JWT_BAD_ALG },
	{ "alg hs256", "{\"alg\":\"hs256\",\"kid\":\"k\"}",
	    "{\"exp\":1800000600}", JWT_BAD_ALG },
	{ "no alg", "{\"kid\":\"k\"}", "{\"exp\":1800000600}", JWT_BAD_ALG },
	{ "alg not a string", "{\"alg\":1,\"kid\":\"k\"}",
	    "{\"exp\":1800000600}", JWT_BAD_ALG },
	{ "no kid", "{\"alg\":\"HS256\"}", "{\"exp\":1800000600}",
	    JWT_UNKNOWN_KID },
	{ "other kid", "{\"alg\":\"HS256\",\"kid\":\"x\"}",
	    "{\"exp\":1800000600}", JWT_UNKNOWN_KID },
	{ "kid not a string", "{\"alg\":\"HS256\",\"kid\":7}",
	    "{\"exp\":1800000600}", JWT_UNKNOWN_KID },
	{ "no exp", "{\"alg\":\"HS256\",\"kid\":\"k\"}", "{\"sub\":\"a\"}",
	    JWT_BAD_CLAIMS },
	{ "exp a string", "{\"alg\":\"HS256\",\"kid\":\"k\"}",
	    "{\"exp\":\"1800000600\"}", JWT_BAD_CLAIMS },
	{ "exp a float", "{\"alg\":\"HS256\",\"kid\":\"k\"}",
	    "{\"exp\":1800000600.5}", JWT_BAD_CLAIMS },
	{ "nbf a string", "{\"alg\":\"HS256\",\"kid\":\"k\"}",
	    "{\"exp\":1800000600,\"nbf\":\"x\"}", JWT_BAD_CLAIMS },
	{ "expired", "{\"alg\":\"HS256\",\"kid\":\"k\"}",
	    "{\"exp\":1800000000}", JWT_EXPIRED },
	{ "nbf in the future", "{\"alg\":\"HS256\",\"kid\":\"k\"}",
	    "{\"exp\":1800000600,\"nbf\":1800000031}", JWT_NOT_YET_VALID },
	{ "nbf within the leeway", "{\"alg\":\"HS256\",\"kid\":\"k\"}",
	    "{\"exp\":1800000600,\"nbf\":1800000030}", JWT_OK },
	{ "iat in the future", "{\"alg\":\"HS256\",\"kid\":\"k\"}",
	    "{\"exp\":1800000600,\"iat\":1800000100}", JWT_NOT_YET_VALID },
	{ "header an array", "[\"HS256\"]", "{\"exp\":1800000600}",
	    JWT_MALFORMED },
	{ "payload an array", "{\"alg\":\"HS256\",\"kid\":\"k\"}", "[1]",
	    JWT_MALFORMED },
	{ "payload not JSON", "{\"alg\":\"HS256\",\"kid\":\"k\"}", "{exp:1}",
	    JWT_MALFORMED },
};

static void
test_forged(void)
{
	struct jwt_key k;
	json_object *got;
	size_t i;

	key_init(&k, "k", 0x44);
	for (i = 0; i < CC_ARRAY_SIZE(forged); i++) {
		char *t = forge(forged[i].header, forged[i].payload, &k);
		enum jwt_result r = jwt_verify(t, &k, 1, NOW, &got);

		EXPECT(r == forged[i].want, "%s: %s, want %s", forged[i].name,
		    jwt_strerror(r), jwt_strerror(forged[i].want));
		EXPECT((r == JWT_OK) == (got != NULL), "%s: claims only when "
		    "valid", forged[i].name);
		json_object_put(got);
		free(t);
	}
}

static const struct {
	const char	*token;
	enum jwt_result	 want;
} broken[] = {
	{ "", JWT_MALFORMED },
	{ "abc", JWT_MALFORMED },
	{ "a.b", JWT_MALFORMED },
	{ "a.b.c.d", JWT_MALFORMED },
	{ "..", JWT_MALFORMED },
	{ "eyJhbGciOiJIUzI1NiJ9..sig", JWT_MALFORMED },
	{ "eyJhbGciOiJIUzI1NiJ9.e30=.sig", JWT_MALFORMED },	/* padding */
	{ "eyJhbGciOiJIUzI1NiJ9.e30+.sig", JWT_MALFORMED },	/* base64 */
	{ "eyJhbGciOiJIUzI1NiJ9.e30 .sig", JWT_MALFORMED },
};

static void
test_broken(void)
{
	struct jwt_key k;
	json_object *got;
	char *big, *t;
	size_t i;

	key_init(&k, "k", 0x55);
	for (i = 0; i < CC_ARRAY_SIZE(broken); i++) {
		enum jwt_result r = jwt_verify(broken[i].token, &k, 1, NOW,
		    &got);

		EXPECT(r == broken[i].want && got == NULL, "%s: %s",
		    broken[i].token, jwt_strerror(r));
	}
	EXPECT(jwt_verify(NULL, &k, 1, NOW, &got) == JWT_MALFORMED, "NULL");
	/* Oversized: refused before any decoding. */
	big = xmalloc(JWT_MAX_LEN + 2);
	memset(big, 'a', JWT_MAX_LEN + 1);
	big[JWT_MAX_LEN + 1] = '\0';
	EXPECT(jwt_verify(big, &k, 1, NOW, &got) == JWT_TOO_LONG, "too long");
	free(big);
	/* A valid token with one signature character changed. */
	t = forge("{\"alg\":\"HS256\",\"kid\":\"k\"}", "{\"exp\":1800000600}",
	    &k);
	t[strlen(t) - 2] = t[strlen(t) - 2] == 'A' ? 'B' : 'A';
	EXPECT(jwt_verify(t, &k, 1, NOW, &got) == JWT_BAD_SIGNATURE,
	    "changed signature");
	/* The signature cut short. */
	t[strlen(t) - 1] = '\0';
	EXPECT(jwt_verify(t, &k, 1, NOW, &got) == JWT_BAD_SIGNATURE,
	    "short signature");
	free(t);
}

static const struct cu_test tests[] = {
	{ "RFC 7515 A.1 HS256", test_rfc7515_a1 },
	{ "sign, verify, rotate", test_round_trip_and_rotation },
	{ "forged headers and claims", test_forged },
	{ "broken tokens", test_broken },
};

int
main(void)
{
	return cu_run("jwt", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
