/*
 * lib/token: the POST /api/v1/auth/token body (a table of bodies and the
 * error each gets), the claims a token carries and how they are read
 * back (a table of broken claims), the answer's shape, and which Bearer
 * values are tokens.
 */
#include "cc.h"

#include "cu_run.h"
#include "input.h"
#include "jsonx.h"
#include "jwt.h"
#include "token.h"
#include "util.h"

#define KEY	"sk_test_abcdefghijklmnopqrstuvwxyz234567abcdefgh"

static const struct {
	const char	*body;
	const char	*code;		/* NULL: accepted */
	const char	*field;
	const char	*message;	/* a part of it */
	unsigned	 scopes;	/* when accepted */
	int64_t		 lifetime;
} bodies[] = {
	{ "{\"grant_type\":\"api_key\",\"api_key\":\"" KEY "\"}", NULL, NULL,
	    NULL, 0, 3600 },
	{ "{\"grant_type\":\"api_key\",\"api_key\":\"" KEY "\",\"scope\":"
	    "[\"invoices:read\",\"invoices:create\"],\"expires_in\":60}",
	    NULL, NULL, NULL, SCOPE_INVOICES_READ | SCOPE_INVOICES_CREATE, 60 },
	{ "{\"grant_type\":\"api_key\",\"api_key\":\"x\",\"expires_in\":"
	    "86400,\"scope\":null}", NULL, NULL, NULL, 0, 86400 },
	{ "{\"api_key\":\"" KEY "\"}", "MISSING_FIELD", "grant_type",
	    "grant_type is required", 0, 0 },
	{ "{\"grant_type\":\"api_key\"}", "MISSING_FIELD", "api_key",
	    "api_key is required", 0, 0 },
	{ "{\"grant_type\":\"password\",\"api_key\":\"x\"}",
	    "UNSUPPORTED_GRANT_TYPE", "grant_type", "must be api_key", 0, 0 },
	{ "{\"grant_type\":\"API_KEY\",\"api_key\":\"x\"}",
	    "UNSUPPORTED_GRANT_TYPE", "grant_type", "must be api_key", 0, 0 },
	{ "{\"grant_type\":1,\"api_key\":\"x\"}", "INVALID_TYPE",
	    "grant_type", "must be a string", 0, 0 },
	{ "{\"grant_type\":\"api_key\",\"api_key\":\"\"}", "INVALID_LENGTH",
	    "api_key", "must not be empty", 0, 0 },
	{ "{\"grant_type\":\"api_key\",\"api_key\":\"x\",\"scope\":\"*\"}",
	    "INVALID_TYPE", "scope", "must be an array", 0, 0 },
	{ "{\"grant_type\":\"api_key\",\"api_key\":\"x\",\"scope\":[\"*\"]}",
	    "INVALID_VALUE", "scope", "* is for API keys only", 0, 0 },
	{ "{\"grant_type\":\"api_key\",\"api_key\":\"x\",\"scope\":[]}",
	    "INVALID_VALUE", "scope", "1 to 6 entries", 0, 0 },
	{ "{\"grant_type\":\"api_key\",\"api_key\":\"x\",\"scope\":"
	    "[\"invoices:read\",\"invoices:delete\"]}", "INVALID_VALUE",
	    "scope", "scope[1] must be invoices:create, invoices:read", 0, 0 },
	{ "{\"grant_type\":\"api_key\",\"api_key\":\"x\",\"scope\":"
	    "[\"invoices:read\",\"invoices:read\"]}", "INVALID_VALUE",
	    "scope", "scope[1] repeats invoices:read", 0, 0 },
	{ "{\"grant_type\":\"api_key\",\"api_key\":\"x\",\"scope\":[7]}",
	    "INVALID_TYPE", "scope", "scope[0] must be a string", 0, 0 },
	{ "{\"grant_type\":\"api_key\",\"api_key\":\"x\",\"expires_in\":59}",
	    "INVALID_VALUE", "expires_in", "from 60 to 86400", 0, 0 },
	{ "{\"grant_type\":\"api_key\",\"api_key\":\"x\",\"expires_in\":"
	    "86401}", "INVALID_VALUE", "expires_in", "from 60 to 86400", 0, 0 },
	{ "{\"grant_type\":\"api_key\",\"api_key\":\"x\",\"expires_in\":"
	    "\"3600\"}", "INVALID_TYPE", "expires_in", "must be an integer",
	    0, 0 },
	{ "{\"grant_type\":\"api_key\",\"api_key\":\"x\",\"expires_in\":"
	    "3600.5}", "INVALID_TYPE", "expires_in", "must be an integer",
	    0, 0 },
	{ "{\"grant_type\":\"api_key\",\"api_key\":\"x\",\"audience\":\"y\"}",
	    "UNKNOWN_FIELD", "audience", "unknown field", 0, 0 },
};

static void
test_request(void)
{
	struct token_request req;
	struct input_error e;
	json_object *body;
	char err[128];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(bodies); i++) {
		memset(&e, 0, sizeof(e));
		body = jsonx_parse(bodies[i].body, strlen(bodies[i].body),
		    err, sizeof(err));
		CU_ASSERT_FATAL(body != NULL);
		if (bodies[i].code == NULL) {
			EXPECT(token_parse_request(body, &req, &e) == 0,
			    "%s: refused: %s", cu_row(i), e.message);
			check_int("scopes", cu_row(i), req.scopes,
			    bodies[i].scopes);
			check_int("lifetime", cu_row(i), req.lifetime,
			    bodies[i].lifetime);
		} else {
			EXPECT(token_parse_request(body, &req, &e) == -1,
			    "%s: accepted", cu_row(i));
			check_int("status", cu_row(i), e.status, 422);
			check_str("code", cu_row(i), e.code, bodies[i].code);
			check_str("field", cu_row(i), e.field,
			    bodies[i].field);
			check_has("message", cu_row(i), e.message,
			    bodies[i].message);
		}
		input_error_release(&e);
		json_object_put(body);
	}
}

static void
key_auth(struct auth *a)
{
	memset(a, 0, sizeof(*a));
	cc_strlcpy(a->key_id, "key_aaaaaaaaaaaaaaaaaaaaaaaaaa",
	    sizeof(a->key_id));
	cc_strlcpy(a->merchant_id, "mer_bbbbbbbbbbbbbbbbbbbbbbbbbb",
	    sizeof(a->merchant_id));
	a->test = true;
	a->scopes = SCOPE_ALL;
}

static void
test_claims_round_trip(void)
{
	struct token_claims tc;
	struct jwt_key k;
	struct auth a;
	json_object *c, *got;
	const char *why = NULL;
	char *t;

	key_auth(&a);
	c = token_claims_new(&a, SCOPE_INVOICES_READ | SCOPE_WEBHOOKS_MANAGE,
	    1800000000, 600, "tok_cccccccccccccccccccccccccc");
	check_str("scope", "claims", json_object_get_string(
	    json_object_object_get(c, "scope")),
	    "invoices:read webhooks:manage");
	check_str("iss", "claims", json_object_get_string(
	    json_object_object_get(c, "iss")), TOKEN_ISSUER);
	check_int("nbf", "claims", json_object_get_int64(
	    json_object_object_get(c, "nbf")), 1800000000);
	/* Signed and verified, then read back. */
	memset(&k, 0, sizeof(k));
	cc_strlcpy(k.kid, "k1", sizeof(k.kid));
	memset(k.secret, 0x5a, 32);
	k.len = 32;
	t = jwt_sign(&k, c);
	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT(strlen(t) < 600);
	CU_ASSERT(token_is_jwt(t));
	CU_ASSERT_FATAL(jwt_verify(t, &k, 1, 1800000001, &got) == JWT_OK);
	EXPECT(token_claims_read(got, &tc, &why) == 0, "read: %s",
	    why ? why : "");
	check_str("sub", "read", tc.key_id, a.key_id);
	check_str("mer", "read", tc.merchant_id, a.merchant_id);
	CU_ASSERT(tc.test);
	check_int("scopes", "read", tc.scopes,
	    SCOPE_INVOICES_READ | SCOPE_WEBHOOKS_MANAGE);
	check_int("exp", "read", tc.exp, 1800000600);
	check_str("jti", "read", tc.jti, "tok_cccccccccccccccccccccccccc");
	json_object_put(got);
	json_object_put(c);
	free(t);
}

/* Each row changes one claim of a valid set (NULL value: removes it). */
static const struct {
	const char	*claim;
	const char	*json;		/* its new value, JSON */
	const char	*why;		/* a part of the message */
} broken[] = {
	{ "iss", NULL, "iss claim" },
	{ "iss", "\"someone-else\"", "iss claim" },
	{ "sub", NULL, "sub claim" },
	{ "sub", "\"key_short\"", "sub claim" },
	{ "sub", "7", "sub claim" },
	{ "mer", NULL, "mer claim" },
	{ "mer", "\"inv_bbbbbbbbbbbbbbbbbbbbbbbbbb\"", "mer claim" },
	{ "mode", "\"staging\"", "mode claim" },
	{ "mode", NULL, "mode claim" },
	{ "scope", NULL, "scope claim" },
	{ "scope", "\"\"", "scope claim" },
	{ "scope", "\"*\"", "scope claim" },
	{ "scope", "\"invoices:read invoices:delete\"", "scope claim" },
	{ "scope", "[\"invoices:read\"]", "scope claim" },
	{ "jti", NULL, "jti claim" },
	{ "jti", "\"\"", "jti claim" },
	{ "iat", NULL, "iat or exp" },
	{ "iat", "\"1800000000\"", "iat or exp" },
	{ "exp", "1800000000", "lifetime" },
	{ "exp", "1800086401", "lifetime" },
};

static void
test_broken_claims(void)
{
	struct token_claims tc;
	struct auth a;
	json_object *c, *v;
	const char *why;
	char err[64];
	size_t i;

	key_auth(&a);
	for (i = 0; i < CC_ARRAY_SIZE(broken); i++) {
		c = token_claims_new(&a, SCOPE_INVOICES_READ, 1800000000, 600,
		    "tok_cccccccccccccccccccccccccc");
		if (broken[i].json == NULL)
			json_object_object_del(c, broken[i].claim);
		else {
			v = jsonx_parse(broken[i].json, strlen(broken[i].json),
			    err, sizeof(err));
			CU_ASSERT_FATAL(v != NULL);
			json_object_object_add(c, broken[i].claim, v);
		}
		why = NULL;
		EXPECT(token_claims_read(c, &tc, &why) == -1, "%s: accepted",
		    cu_row(i));
		check_has("why", cu_row(i), why, broken[i].why);
		json_object_put(c);
	}
	/* 24 hours exactly is the longest lifetime. */
	c = token_claims_new(&a, SCOPE_INVOICES_READ, 1800000000,
	    CC_MAX_TOKEN_LIFETIME, "tok_cccccccccccccccccccccccccc");
	CU_ASSERT(token_claims_read(c, &tc, &why) == 0);
	json_object_put(c);
}

static void
test_response(void)
{
	struct token_issued t = { NULL, SCOPE_ALL, 3600 };
	json_object *o, *s;

	t.access_token = xstrdup("eyJ.x.y");
	o = token_response(&t);
	check_str("type", "response", json_object_get_string(
	    json_object_object_get(o, "token_type")), "Bearer");
	check_int("expires_in", "response", json_object_get_int64(
	    json_object_object_get(o, "expires_in")), 3600);
	s = json_object_object_get(o, "scope");
	/* Every scope by name, never "*". */
	check_int("scopes", "response", (long long)json_object_array_length(s),
	    SCOPE_COUNT);
	check_str("first", "response", json_object_get_string(
	    json_object_array_get_idx(s, 0)), "invoices:create");
	json_object_put(o);
	token_issued_release(&t);
	CU_ASSERT(t.access_token == NULL);
}

static void
test_is_jwt(void)
{
	CU_ASSERT(token_is_jwt("eyJhbGciOiJIUzI1NiJ9.e30.sig"));
	CU_ASSERT(token_is_jwt("eyJ"));
	CU_ASSERT(token_is_jwt("a.b"));
	CU_ASSERT(token_is_jwt("a.b.c.d"));
	CU_ASSERT(!token_is_jwt(KEY));
	CU_ASSERT(!token_is_jwt("garbage"));
}

static const struct cu_test tests[] = {
	{ "the request body", test_request },
	{ "claims made, signed and read", test_claims_round_trip },
	{ "broken claims", test_broken_claims },
	{ "the answer", test_response },
	{ "tokens and API keys apart", test_is_jwt },
};

int
main(void)
{
	return cu_run("token", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
