/* API tokens: the request, the claims, issuing and authenticating. */
#include "cc.h"

#include "apikey.h"
#include "audit.h"
#include "input.h"
#include "invoice.h"
#include "jsonx.h"
#include "jwt.h"
#include "jwtkeys.h"
#include "log.h"
#include "token.h"
#include "util.h"

/* Every accepted field, declared once. */
enum { TF_GRANT_TYPE, TF_API_KEY, TF_SCOPE, TF_EXPIRES_IN, TF__MAX };
static const struct input_field fields[TF__MAX] = {
	[TF_GRANT_TYPE] = { "grant_type", INPUT_STRING, true, 1, 64, NULL,
	    NULL, NULL, NULL },
	/* Any text: a wrong key is a 401 like an unknown one. */
	[TF_API_KEY] = { "api_key", INPUT_STRING, true, 1, CC_MAX_CREDENTIAL,
	    NULL, NULL, NULL, NULL },
	[TF_SCOPE] = { "scope", INPUT_ARRAY, false, 1, SCOPE_COUNT, NULL,
	    NULL, NULL, NULL },
	[TF_EXPIRES_IN] = { "expires_in", INPUT_INT, false,
	    CC_MIN_TOKEN_LIFETIME, CC_MAX_TOKEN_LIFETIME, NULL, NULL, NULL,
	    NULL },
};

/* The scope array: known names, each once, never "*". 0 or -1. */
static int
parse_scopes(json_object *arr, unsigned *out, struct input_error *e)
{
	const char *names[SCOPE_COUNT];
	char list[256] = "";
	size_t n, i, len = 0;
	unsigned bit;
	int k, all;

	*out = 0;
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		json_object *x = json_object_array_get_idx(arr, i);
		const char *s;

		if (!json_object_is_type(x, json_type_string))
			return input_seterr(e, 422, "INVALID_TYPE", "scope",
			    "scope[%zu] must be a string", i);
		s = json_object_get_string(x);
		if (strcmp(s, "*") == 0)
			return input_seterr(e, 422, "INVALID_VALUE", "scope",
			    "scope[%zu]: * is for API keys only; list the "
			    "scopes the token needs", i);
		if (scope_from_name(s, &bit) == -1) {
			all = scope_names_each(SCOPE_ALL, names, SCOPE_COUNT);
			for (k = 0; k < all; k++) {
				snprintf(list + len, sizeof(list) - len,
				    "%s%s", k == 0 ? "" : k + 1 == all ?
				    " or " : ", ", names[k]);
				len = strlen(list);
			}
			return input_seterr(e, 422, "INVALID_VALUE", "scope",
			    "scope[%zu] must be %s", i, list);
		}
		if (*out & bit)
			return input_seterr(e, 422, "INVALID_VALUE", "scope",
			    "scope[%zu] repeats %s", i, s);
		*out |= bit;
	}
	return 0;
}

int
token_parse_request(json_object *body, struct token_request *req,
    struct input_error *e)
{
	struct input_value v[TF__MAX];

	memset(req, 0, sizeof(*req));
	if (input_json(body, fields, TF__MAX, v, e) == -1)
		return -1;
	if (strcmp(v[TF_GRANT_TYPE].str, "api_key") != 0)
		return input_seterr(e, 422, "UNSUPPORTED_GRANT_TYPE",
		    "grant_type", "grant_type must be api_key");
	if (v[TF_SCOPE].given && parse_scopes(v[TF_SCOPE].array,
	    &req->scopes, e) == -1)
		return -1;
	req->api_key = v[TF_API_KEY].str;
	req->lifetime = v[TF_EXPIRES_IN].given ? v[TF_EXPIRES_IN].num :
	    CC_DEFAULT_TOKEN_LIFETIME;
	return 0;
}

/* The names of a set as a JSON array. */
static json_object *
scope_array(unsigned set)
{
	const char *names[SCOPE_COUNT];
	json_object *arr = json_object_new_array();
	int n, i;

	n = scope_names_each(set, names, SCOPE_COUNT);
	for (i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(names[i]));
	return arr;
}

json_object *
token_claims_new(const struct auth *key, unsigned scopes, int64_t now,
    int64_t lifetime, const char *jti)
{
	const char *names[SCOPE_COUNT];
	json_object *c = json_object_new_object();
	struct buf b;
	int n, i;

	buf_init(&b, 0);
	n = scope_names_each(scopes, names, SCOPE_COUNT);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", names[i]);
	jsonx_add_str(c, "iss", TOKEN_ISSUER);
	jsonx_add_str(c, "sub", key->key_id);
	jsonx_add_str(c, "mer", key->merchant_id);
	jsonx_add_str(c, "mode", apikey_mode(key));
	jsonx_add_str(c, "scope", b.data != NULL ? b.data : "");
	jsonx_add(c, "iat", json_object_new_int64(now));
	jsonx_add(c, "nbf", json_object_new_int64(now));
	jsonx_add(c, "exp", json_object_new_int64(now + lifetime));
	jsonx_add_str(c, "jti", jti);
	buf_release(&b);
	return c;
}

/* A string claim, or NULL when absent or not a string. */
static const char *
str_claim(json_object *claims, const char *name)
{
	json_object *v;

	if (!json_object_object_get_ex(claims, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* An integer claim: 0, or -1 when absent or not an integer. */
static int
int_claim(json_object *claims, const char *name, int64_t *out)
{
	json_object *v;

	if (!json_object_object_get_ex(claims, name, &v) ||
	    !json_object_is_type(v, json_type_int))
		return -1;
	*out = json_object_get_int64(v);
	return 0;
}

/* The space-separated scope claim: known names, never "*". 0 or -1. */
static int
read_scopes(const char *s, unsigned *out)
{
	char copy[256], *tok, *save = NULL;
	unsigned bit;

	*out = 0;
	if (cc_strlcpy(copy, s, sizeof(copy)) >= sizeof(copy))
		return -1;
	for (tok = strtok_r(copy, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save)) {
		if (strcmp(tok, "*") == 0 || scope_from_name(tok, &bit) == -1)
			return -1;
		*out |= bit;
	}
	return *out != 0 ? 0 : -1;
}

int
token_claims_read(json_object *claims, struct token_claims *tc,
    const char **why)
{
	const char *s;

	memset(tc, 0, sizeof(*tc));
	s = str_claim(claims, "iss");
	if (s == NULL || strcmp(s, TOKEN_ISSUER) != 0) {
		*why = "the token's iss claim is missing or not this server";
		return -1;
	}
	s = str_claim(claims, "sub");
	if (s == NULL || !ids_valid("key_", s)) {
		*why = "the token's sub claim is missing or not an API key id";
		return -1;
	}
	cc_strlcpy(tc->key_id, s, sizeof(tc->key_id));
	s = str_claim(claims, "mer");
	if (s == NULL || !ids_valid("mer_", s)) {
		*why = "the token's mer claim is missing or not a merchant id";
		return -1;
	}
	cc_strlcpy(tc->merchant_id, s, sizeof(tc->merchant_id));
	s = str_claim(claims, "mode");
	if (s == NULL || (strcmp(s, "live") != 0 && strcmp(s, "test") != 0)) {
		*why = "the token's mode claim is missing or not live or test";
		return -1;
	}
	tc->test = strcmp(s, "test") == 0;
	s = str_claim(claims, "scope");
	if (s == NULL || read_scopes(s, &tc->scopes) == -1) {
		*why = "the token's scope claim is missing or names an "
		    "unknown scope";
		return -1;
	}
	s = str_claim(claims, "jti");
	if (s == NULL || *s == '\0' || strlen(s) >= sizeof(tc->jti)) {
		*why = "the token's jti claim is missing or malformed";
		return -1;
	}
	cc_strlcpy(tc->jti, s, sizeof(tc->jti));
	if (int_claim(claims, "iat", &tc->iat) == -1 ||
	    int_claim(claims, "exp", &tc->exp) == -1) {
		*why = "the token's iat or exp claim is missing";
		return -1;
	}
	if (tc->exp <= tc->iat || tc->exp - tc->iat > CC_MAX_TOKEN_LIFETIME) {
		*why = "the token's lifetime (exp - iat) is not within "
		    CC_XSTR(CC_MAX_TOKEN_LIFETIME) " seconds";
		return -1;
	}
	return 0;
}

void
token_issued_release(struct token_issued *t)
{
	if (t->access_token != NULL) {
		explicit_bzero(t->access_token, strlen(t->access_token));
		free(t->access_token);
	}
	memset(t, 0, sizeof(*t));
}

json_object *
token_response(const struct token_issued *t)
{
	json_object *o = json_object_new_object();

	jsonx_add_str(o, "access_token", t->access_token);
	jsonx_add_str(o, "token_type", "Bearer");
	jsonx_add(o, "expires_in", json_object_new_int64(t->expires_in));
	jsonx_add(o, "scope", scope_array(t->scopes));
	return o;
}

enum token_rc
token_issue(struct db *db, const struct jwt_key *signing,
    const struct req_meta *rm, const struct token_request *req, int64_t now,
    struct token_issued *out, struct input_error *e)
{
	char jti[IDS_MAX_LEN];
	struct audit_actor who;
	json_object *claims, *d;
	struct auth a;
	unsigned want, lacking;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = apikey_authenticate(db, req->api_key, &a);
	if (rc == -1)
		return TOKEN_ERROR;
	if (rc == 1)
		return TOKEN_INVALID_KEY;
	want = req->scopes != 0 ? req->scopes : a.scopes;
	lacking = want & ~a.scopes;
	if (lacking != 0 || want == 0) {
		input_seterr(e, 403, "INSUFFICIENT_SCOPE", "scope",
		    "the API key lacks the %s scope", want == 0 ? "any" :
		    scope_name(lacking & -lacking));
		cc_strlcpy(e->type, "permission_error", sizeof(e->type));
		return TOKEN_FORBIDDEN;
	}
	ids_new("tok_", jti, sizeof(jti));
	claims = token_claims_new(&a, want, now, req->lifetime, jti);
	out->access_token = jwt_sign(signing, claims);
	json_object_put(claims);
	if (out->access_token == NULL) {
		log_error("%s: signing a token with %s failed", rm->request_id,
		    signing->kid);
		return TOKEN_ERROR;
	}
	out->scopes = want;
	out->expires_in = req->lifetime;
	who.name = a.actor;
	who.ip = rm->ip;
	who.user_agent = rm->user_agent;
	who.request_id = rm->request_id;
	d = json_object_new_object();
	jsonx_add_str(d, "key_id", a.key_id);
	jsonx_add_str(d, "jti", jti);
	jsonx_add(d, "scope", scope_array(want));
	jsonx_add(d, "exp", json_object_new_int64(now + req->lifetime));
	rc = audit_write(db, &who, AUDIT_API_TOKEN_ISSUED, a.merchant_id,
	    NULL, d);
	json_object_put(d);
	if (rc == -1) {
		token_issued_release(out);
		return TOKEN_ERROR;
	}
	return TOKEN_OK;
}

bool
token_is_jwt(const char *s)
{
	return strncmp(s, "eyJ", 3) == 0 || strchr(s, '.') != NULL;
}

enum token_auth
token_authenticate(struct db *db, const struct jwtkeys *ks,
    const char *token, int64_t now, struct auth *a, const char **why)
{
	struct token_claims tc;
	enum jwt_result jr;
	json_object *claims;
	int rc;

	memset(a, 0, sizeof(*a));
	*why = NULL;
	if (ks->n == 0) {
		*why = "this server is not configured for tokens";
		return TOKEN_AUTH_INVALID;
	}
	jr = jwt_verify(token, ks->keys, ks->n, now, &claims);
	if (jr != JWT_OK) {
		*why = jwt_strerror(jr);
		return jr == JWT_EXPIRED ? TOKEN_AUTH_EXPIRED :
		    jr == JWT_NOT_YET_VALID ? TOKEN_AUTH_NOT_YET_VALID :
		    TOKEN_AUTH_INVALID;
	}
	rc = token_claims_read(claims, &tc, why);
	json_object_put(claims);
	if (rc == -1)
		return TOKEN_AUTH_INVALID;
	rc = apikey_lookup(db, tc.key_id, "jwt", a);
	if (rc == -1)
		return TOKEN_AUTH_ERROR;
	if (rc == 1) {
		*why = "the token's API key is revoked";
		return TOKEN_AUTH_REVOKED;
	}
	if (strcmp(a->merchant_id, tc.merchant_id) != 0 ||
	    a->test != tc.test) {
		memset(a, 0, sizeof(*a));
		*why = "the token's claims do not match its API key";
		return TOKEN_AUTH_INVALID;
	}
	a->scopes &= tc.scopes;
	return TOKEN_AUTH_OK;
}
