/*
 * cc-merchant.fcgi: the authenticated merchant API under /api/v1. Routes,
 * authenticates by API key or token, counts the request against the
 * route's rate limit class (per API key), checks the route's scope, then
 * calls the handler. Two routes are open to all (counted per client
 * address): the API's OpenAPI document, and the one that trades an API
 * key (in its body) for a token.
 *
 * Authentication is one call, authenticate(), wrapped by
 * authenticate_throttled(): an address past [ratelimit] auth_failures is
 * refused before any lookup, and each failure is counted for the
 * address and leaves an audit row and a log line (lib/authfail.h). The
 * token route does the same around the key in its body.
 */
#include "cc.h"

#include <time.h>

#include "apikey.h"
#include "audit.h"
#include "authfail.h"
#include "config.h"
#include "db.h"
#include "jsonx.h"
#include "jwtkeys.h"
#include "fcgi_main.h"
#include "input.h"
#include "log.h"
#include "ratelimit.h"
#include "rloverride.h"
#include "routes.h"
#include "token.h"

struct route {
	const char	*method;
	const char	*pattern;
	void		(*handler)(struct mreq *);
	unsigned	 scope;
	bool		 open;		/* no API key: nothing private */
	/* Counted per API key; an open route's class per client address. */
	enum ratelimit_class limit;
};

static const struct route routes[] = {
	{ "POST", "/api/v1/invoices", invoices_create, SCOPE_INVOICES_CREATE,
	    false, RATELIMIT_INVOICES_CREATE },
	{ "GET", "/api/v1/invoices", invoices_list, SCOPE_INVOICES_READ,
	    false, RATELIMIT_INVOICES_LIST },
	{ "GET", "/api/v1/invoices/{}", invoices_get, SCOPE_INVOICES_READ,
	    false, RATELIMIT_INVOICES_READ },
	{ "POST", "/api/v1/invoices/{}/cancel", invoices_cancel,
	    SCOPE_INVOICES_CANCEL, false, RATELIMIT_INVOICES_CANCEL },
	{ "POST", "/api/v1/invoices/{}/refunds", refunds_create,
	    SCOPE_INVOICES_REFUND, false, RATELIMIT_INVOICES_CANCEL },
	{ "GET", "/api/v1/invoices/{}/refunds", refunds_list,
	    SCOPE_INVOICES_READ, false, RATELIMIT_INVOICES_READ },
	{ "POST", "/api/v1/webhook-endpoints", webhook_endpoints_create,
	    SCOPE_WEBHOOKS_MANAGE, false, RATELIMIT_WEBHOOKS },
	{ "GET", "/api/v1/webhook-endpoints", webhook_endpoints_list,
	    SCOPE_WEBHOOKS_MANAGE, false, RATELIMIT_WEBHOOKS },
	{ "GET", "/api/v1/webhook-endpoints/{}", webhook_endpoints_get,
	    SCOPE_WEBHOOKS_MANAGE, false, RATELIMIT_WEBHOOKS },
	{ "PATCH", "/api/v1/webhook-endpoints/{}", webhook_endpoints_update,
	    SCOPE_WEBHOOKS_MANAGE, false, RATELIMIT_WEBHOOKS },
	{ "DELETE", "/api/v1/webhook-endpoints/{}", webhook_endpoints_delete,
	    SCOPE_WEBHOOKS_MANAGE, false, RATELIMIT_WEBHOOKS },
	{ "POST", "/api/v1/webhook-endpoints/{}/rotate-secret",
	    webhook_endpoints_rotate, SCOPE_WEBHOOKS_MANAGE, false,
	    RATELIMIT_WEBHOOKS },
	{ "POST", "/api/v1/invoice-webhook-secret/rotate",
	    invoice_webhook_secret_rotate, SCOPE_WEBHOOKS_MANAGE, false,
	    RATELIMIT_WEBHOOKS },
	{ "GET", "/api/v1/invoice-webhook-secret",
	    invoice_webhook_secret_get, SCOPE_WEBHOOKS_MANAGE, false,
	    RATELIMIT_WEBHOOKS },
	{ "GET", "/api/v1/analytics", analytics_get, SCOPE_ANALYTICS_READ,
	    false, RATELIMIT_ANALYTICS },
	{ "GET", "/api/v1/openapi.json", openapi_get, 0, true,
	    RATELIMIT_NONE },
	{ "POST", "/api/v1/auth/token", auth_token_create, 0, true,
	    RATELIMIT_AUTH_TOKEN },
	{ "POST", "/api/v1/test/invoices/{}/simulate", test_simulate,
	    SCOPE_INVOICES_CREATE, false, RATELIMIT_INVOICES_CREATE },
};

/* The token secrets: the keys file, read again when it changes. */
static struct jwtkeys_cache jwt_keys;

int
merchant_jwt_keys(struct jwtkeys *out)
{
	return jwtkeys_cache_get(&jwt_keys, out);
}

void
merchant_internal_error(struct mreq *m, const char *what)
{
	log_error("%s %s: %s failed", m->c->request_id, m->c->path, what);
	http_error(&m->c->resp, 500, "api_error", "INTERNAL_ERROR",
	    "An internal error occurred; quote the request_id to support",
	    NULL);
}

int
merchant_check_body(struct mreq *m)
{
	struct fcgi_ctx *c = m->c;

	if (c->body_bad_length) {
		http_error(&c->resp, 400, "invalid_request_error",
		    "INVALID_CONTENT_LENGTH", "invalid Content-Length", NULL);
		return -1;
	}
	if (c->body_too_large) {
		struct input_error lim;

		memset(&lim, 0, sizeof(lim));
		input_constraints(&lim, "max_length", CC_MAX_BODY, NULL, 0,
		    NULL, "Send a smaller body: fewer items, shorter text or "
		    "metadata");
		http_error_ex(&c->resp, 413, "invalid_request_error",
		    "REQUEST_TOO_LARGE", "request body must be at most "
		    "65536 bytes", NULL, lim.extra);
		return -1;
	}
	/* An empty body needs no type: cancel and rotate take none. */
	if (c->body.len > 0 && !http_json_media_type(c->content_type)) {
		http_error(&c->resp, 415, "invalid_request_error",
		    "UNSUPPORTED_MEDIA_TYPE", "the body must be JSON sent "
		    "with Content-Type: application/json", NULL);
		return -1;
	}
	return 0;
}

int
merchant_query(struct mreq *m, struct http_query *q)
{
	char bad[64];

	if (http_query_parse(m->c->query, q, bad, sizeof(bad)) == 0)
		return 0;
	http_error(&m->c->resp, 400, "invalid_request_error",
	    "INVALID_PARAMETER", "malformed or repeated query parameter",
	    bad[0] ? bad : NULL);
	return -1;
}

int
merchant_json_body(struct mreq *m, bool empty_ok, json_object **out)
{
	struct fcgi_ctx *c = m->c;
	struct jsonx_error e;
	json_object *body;

	*out = NULL;
	if (merchant_check_body(m) == -1)
		return -1;
	if (c->body.len == 0 && empty_ok)
		return 0;
	body = jsonx_parse_ex(c->body.data, c->body.len, &e);
	if (body == NULL) {
		http_error(&c->resp, 400, "invalid_request_error",
		    e.duplicate ? "DUPLICATE_KEY" : "INVALID_JSON", e.message,
		    e.path[0] != '\0' ? e.path : NULL);
		return -1;
	}
	if (!json_object_is_type(body, json_type_object)) {
		json_object_put(body);
		http_error(&c->resp, 400, "invalid_request_error",
		    "INVALID_JSON", "request body must be a JSON object",
		    NULL);
		return -1;
	}
	*out = body;
	return 0;
}

static const char *
bearer(const char *h)
{
	if (h == NULL)
		return NULL;
	if (strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return h;
}

/* How authenticating a request ended. */
enum auth_result {
	AUTH_OK,
	AUTH_MISSING,		/* no Bearer credentials */
	AUTH_INVALID_KEY,	/* an API key unknown or revoked */
	AUTH_INVALID_TOKEN,	/* a token refused: why says what is wrong */
	AUTH_TOKEN_EXPIRED,
	AUTH_TOKEN_NOT_YET_VALID,
	AUTH_TOKEN_REVOKED,	/* a token whose API key is revoked */
	AUTH_UNAVAILABLE,	/* no database connection */
	AUTH_ERROR,		/* a database error (logged) */
};

/*
 * Who calls: the API key or the token (a JWT: lib/token.c) of
 * "Authorization: Bearer". AUTH_OK with a filled: for a token too,
 * a->key_id is its API key's id and a->scopes what both the token and
 * the key allow now. Otherwise why may hold a static message. Nothing is
 * answered here (refuse does), and no credential is ever logged.
 */
static enum auth_result
authenticate(struct fcgi_ctx *c, const char *cred, struct auth *a,
    const char **why)
{
	struct jwtkeys ks;
	enum token_auth ta;
	int rc;

	memset(a, 0, sizeof(*a));
	*why = NULL;
	if (cred == NULL || *cred == '\0')
		return AUTH_MISSING;
	if (c->db == NULL)
		return AUTH_UNAVAILABLE;
	if (!token_is_jwt(cred)) {
		rc = apikey_authenticate(c->db, cred, a);
		return rc == 0 ? AUTH_OK : rc == 1 ? AUTH_INVALID_KEY :
		    AUTH_ERROR;
	}
	/* No usable keys file: ks is empty and the token is refused. */
	(void)jwtkeys_cache_get(&jwt_keys, &ks);
	ta = token_authenticate(c->db, &ks, cred, (int64_t)time(NULL), a,
	    why);
	explicit_bzero(&ks, sizeof(ks));
	switch (ta) {
	case TOKEN_AUTH_OK:
		return AUTH_OK;
	case TOKEN_AUTH_EXPIRED:
		return AUTH_TOKEN_EXPIRED;
	case TOKEN_AUTH_NOT_YET_VALID:
		return AUTH_TOKEN_NOT_YET_VALID;
	case TOKEN_AUTH_REVOKED:
		return AUTH_TOKEN_REVOKED;
	case TOKEN_AUTH_ERROR:
		return AUTH_ERROR;
	default:
		return AUTH_INVALID_TOKEN;
	}
}

/* The reason a refused credential's audit row gives. */
static const char *
auth_reason(enum auth_result rc, const char *cred)
{
	switch (rc) {
	case AUTH_INVALID_KEY:
		return apikey_syntax_ok(cred) ? "unknown_or_revoked_key" :
		    "malformed_key";
	case AUTH_TOKEN_EXPIRED:
		return "token_expired";
	case AUTH_TOKEN_NOT_YET_VALID:
		return "token_not_yet_valid";
	case AUTH_TOKEN_REVOKED:
		return "token_revoked";
	default:
		return "invalid_token";
	}
}

/* Answers an authentication that did not end in AUTH_OK. */
static void
refuse(struct mreq *m, enum auth_result rc, const char *why)
{
	struct http_resp *r = &m->c->resp;
	const char *code, *msg;

	switch (rc) {
	case AUTH_MISSING:
		http_header(r, "WWW-Authenticate", "Bearer");
		http_error(r, 401, "authentication_error", "MISSING_API_KEY",
		    "Authorization: Bearer <api key or token> is required",
		    NULL);
		return;
	case AUTH_INVALID_KEY:
		http_header(r, "WWW-Authenticate", "Bearer");
		http_error(r, 401, "authentication_error", "INVALID_API_KEY",
		    "the API key is unknown or revoked", NULL);
		return;
	case AUTH_UNAVAILABLE:
		http_error(r, 503, "api_error", "SERVICE_UNAVAILABLE",
		    "the database is unavailable; retry shortly", NULL);
		return;
	case AUTH_INVALID_TOKEN:
		code = "INVALID_TOKEN";
		msg = why;
		break;
	case AUTH_TOKEN_EXPIRED:
		code = "TOKEN_EXPIRED";
		msg = "the token has expired; POST /api/v1/auth/token issues "
		    "a new one";
		break;
	case AUTH_TOKEN_NOT_YET_VALID:
		code = "TOKEN_NOT_YET_VALID";
		msg = "the token is not valid yet: its nbf or iat is ahead of "
		    "the server's clock";
		break;
	case AUTH_TOKEN_REVOKED:
		code = "TOKEN_REVOKED";
		msg = why;
		break;
	default:
		merchant_internal_error(m, "authentication");
		return;
	}
	http_header(r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
	http_error(r, 401, "authentication_error", code, msg != NULL ? msg :
	    "the token is invalid", NULL);
}

/* Whether this request's failed authentications count for its address. */
static bool
auth_counted(struct fcgi_ctx *c)
{
	fcgi_client(c);
	return c->cfg->ratelimit.enabled && !c->client_exempt &&
	    c->client_key[0] != '\0';
}

int
merchant_auth_throttle(struct mreq *m)
{
	struct fcgi_ctx *c = m->c;
	const struct ratelimit_rule *rule =
	    &c->cfg->ratelimit.rules[RATELIMIT_AUTH_FAILURES];
	struct ratelimit_result r;

	if (!auth_counted(c) || ratelimit_hit(c->rl, RATELIMIT_AUTH_FAILURES,
	    c->client_key, rule, c->request_id, false, &r) !=
	    RATELIMIT_LIMITED)
		return 0;
	ratelimit_headers(&r, &c->resp);
	fcgi_too_many(c, &r, "AUTH_RATE_LIMITED", "too many failed "
	    "authentications from this address; retry after Retry-After "
	    "seconds");
	return -1;
}

void
merchant_auth_failed(struct mreq *m, const char *reason, const char *cred)
{
	struct fcgi_ctx *c = m->c;
	const struct ratelimit_rule *rule =
	    &c->cfg->ratelimit.rules[RATELIMIT_AUTH_FAILURES];
	struct ratelimit_result r;
	struct audit_actor who;
	char actor[NET_ADDR_STRLEN + 8];

	memset(&r, 0, sizeof(r));
	r.status = RATELIMIT_SKIPPED;
	if (auth_counted(c)) {
		ratelimit_hit(c->rl, RATELIMIT_AUTH_FAILURES, c->client_key,
		    rule, c->request_id, true, &r);
		ratelimit_headers(&r, &c->resp);
	}
	snprintf(actor, sizeof(actor), "ip:%s", c->client[0] ? c->client :
	    "unknown");
	who.name = actor;
	who.ip = c->client[0] ? c->client : NULL;
	who.user_agent = c->user_agent;
	who.request_id = c->request_id;
	authfail_record(c->db, &who, reason, cred,
	    r.status == RATELIMIT_ALLOWED && r.remaining == 0);
}

/*
 * authenticate() behind the failed-authentication throttle: an address
 * whose auth_failures window is full gets 429 without any lookup; a
 * refused key or token is counted for the address and leaves its audit
 * row and log line (the throttle bounds how many). A request without
 * credentials is no guess: 401 and nothing counted; nor is a database
 * failure. 0 to go on, -1 answered.
 */
static int
authenticate_throttled(struct mreq *m)
{
	struct fcgi_ctx *c = m->c;
	const char *cred = bearer(c->authorization), *why;
	enum auth_result rc;

	if (cred == NULL || *cred == '\0') {
		refuse(m, AUTH_MISSING, NULL);
		return -1;
	}
	if (merchant_auth_throttle(m) == -1)
		return -1;
	rc = authenticate(c, cred, &m->auth, &why);
	if (rc == AUTH_OK)
		return 0;
	if (rc != AUTH_UNAVAILABLE && rc != AUTH_ERROR)
		merchant_auth_failed(m, auth_reason(rc, cred), cred);
	refuse(m, rc, why);
	return -1;
}

/* Counts an authenticated request per API key: 0 to go on, -1 answered. */
static int
limit_key(struct mreq *m, enum ratelimit_class cls)
{
	struct fcgi_ctx *c = m->c;
	struct ratelimit_rule rule;
	struct ratelimit_result r;

	if (cls == RATELIMIT_NONE || !c->cfg->ratelimit.enabled)
		return 0;
	rloverride_rule(c->db, &c->cfg->ratelimit, m->auth.merchant_id, cls,
	    &rule);
	ratelimit_hit(c->rl, cls, m->auth.key_id, &rule, c->request_id, true,
	    &r);
	ratelimit_headers(&r, &c->resp);
	if (r.status != RATELIMIT_LIMITED)
		return 0;
	fcgi_too_many(c, &r, "RATE_LIMITED", "too many requests of this "
	    "kind for this API key; retry after Retry-After seconds");
	return -1;
}

/* Counts an open route's request per client address. */
static int
limit_address(struct mreq *m, enum ratelimit_class cls)
{
	struct ratelimit_result r;

	if (cls == RATELIMIT_NONE)
		return 0;
	if (fcgi_limit_ip(m->c, cls, &r) != RATELIMIT_LIMITED)
		return 0;
	fcgi_too_many(m->c, &r, "RATE_LIMITED", "too many requests from "
	    "this address; retry after Retry-After seconds");
	return -1;
}

/*
 * The test helpers (/api/v1/test/...) exist for test credentials only: a
 * live one gets the 404 of a path no route has.
 */
#define TEST_ROUTES	"/api/v1/test/"

static bool
test_only(const struct route *r)
{
	return strncmp(r->pattern, TEST_ROUTES, strlen(TEST_ROUTES)) == 0;
}

static void
no_route(struct fcgi_ctx *c)
{
	http_error(&c->resp, 404, "invalid_request_error", "ROUTE_NOT_FOUND",
	    "no such API route", NULL);
}

static void
handle(struct fcgi_ctx *c)
{
	const struct route *match = NULL;
	const char *method;
	struct mreq m;
	char allow[64] = "";
	bool tests = true;	/* every route of the path is a test one */
	size_t i;

	memset(&m, 0, sizeof(m));
	m.c = c;
	/* HEAD is GET without the body (write_response drops it). */
	method = strcmp(c->method, "HEAD") == 0 ? "GET" : c->method;
	for (i = 0; i < CC_ARRAY_SIZE(routes); i++) {
		char params[HTTP_MAX_PARAMS][HTTP_MAX_PARAM_LEN];

		if (http_route_match(routes[i].pattern, c->path, params,
		    HTTP_MAX_PARAMS) < 0)
			continue;
		if (strcmp(routes[i].method, method) == 0) {
			match = &routes[i];
			memcpy(m.params, params, sizeof(params));
			break;
		}
		tests = tests && test_only(&routes[i]);
		if (strstr(allow, routes[i].method) == NULL)
			snprintf(allow + strlen(allow), sizeof(allow) -
			    strlen(allow), "%s%s", allow[0] ? ", " : "",
			    strcmp(routes[i].method, "GET") == 0 ?
			    "GET, HEAD" : routes[i].method);
	}
	/* A path of test routes only exists for test credentials. */
	if (match == NULL && allow[0] != '\0' && tests) {
		if (authenticate_throttled(&m) == -1)
			return;
		if (!m.auth.test) {
			no_route(c);
			return;
		}
	}
	if (match == NULL && allow[0] != '\0') {
		http_header(&c->resp, "Allow", allow);
		http_error(&c->resp, 405, "invalid_request_error",
		    "METHOD_NOT_ALLOWED", "method not allowed on this "
		    "resource", NULL);
		return;
	}
	if (match == NULL) {
		no_route(c);
		return;
	}
	if (match->open) {
		if (limit_address(&m, match->limit) == -1)
			return;
		match->handler(&m);
		return;
	}
	if (authenticate_throttled(&m) == -1)
		return;
	if (test_only(match) && !m.auth.test) {
		no_route(c);
		return;
	}
	if (limit_key(&m, match->limit) == -1)
		return;
	if ((m.auth.scopes & match->scope) != match->scope) {
		char msg[128];

		snprintf(msg, sizeof(msg), "this %s lacks the %s scope",
		    strncmp(m.auth.actor, "jwt:", 4) == 0 ? "token" : "key",
		    scope_name(match->scope));
		http_error(&c->resp, 403, "permission_error",
		    "INSUFFICIENT_SCOPE", msg, NULL);
		return;
	}
	match->handler(&m);
}

static int
init(const struct cc_config *cfg)
{
	struct jwtkeys ks;

	openapi_init();
	jwtkeys_cache_init(&jwt_keys, cfg->jwt_keys);
	/* Read now, so that a bad file is logged at start. */
	(void)jwtkeys_cache_get(&jwt_keys, &ks);
	explicit_bzero(&ks, sizeof(ks));
	return 0;
}

int
main(int argc, char **argv)
{
	struct fcgi_opts o = { .init = init };

	return fcgi_main_ex(argc, argv, "cc-merchant", handle, &o);
}
