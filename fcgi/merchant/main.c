/*
 * cc-merchant.fcgi: the authenticated merchant API under /api/v1. Routes,
 * authenticates by API key, counts the request against the route's rate
 * limit class (per API key), checks the route's scope, then calls the
 * handler. One route is open to all: the API's OpenAPI document.
 *
 * Authentication is one call, authenticate(), wrapped by
 * authenticate_throttled(): an address past [ratelimit] auth_failures is
 * refused before any lookup, and each failure is counted for the
 * address and leaves an audit row and a log line (lib/authfail.h).
 */
#include "cc.h"

#include "apikey.h"
#include "audit.h"
#include "authfail.h"
#include "config.h"
#include "db.h"
#include "jsonx.h"
#include "fcgi_main.h"
#include "log.h"
#include "ratelimit.h"
#include "rloverride.h"
#include "routes.h"

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
	{ "GET", "/api/v1/openapi.json", openapi_get, 0, true,
	    RATELIMIT_NONE },
};

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
		http_error(&c->resp, 413, "invalid_request_error",
		    "REQUEST_TOO_LARGE", "request body must be at most "
		    "65536 bytes", NULL);
		return -1;
	}
	return 0;
}

int
merchant_json_body(struct mreq *m, bool empty_ok, json_object **out)
{
	struct fcgi_ctx *c = m->c;
	json_object *body;
	char err[200];

	*out = NULL;
	if (merchant_check_body(m) == -1)
		return -1;
	if (c->body.len == 0 && empty_ok)
		return 0;
	body = jsonx_parse(c->body.data, c->body.len, err, sizeof(err));
	if (body == NULL) {
		http_error(&c->resp, 400, "invalid_request_error",
		    "INVALID_JSON", err, NULL);
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

/*
 * Who is calling: the one place that turns a presented credential into
 * m->auth (merchant, key id, scopes, mode). Returns 0, 1 when refused
 * (*reason says why, a short static text for the audit row), or -1
 * after answering itself (the database is unavailable or failed).
 */
static int
authenticate(struct mreq *m, const char *secret, const char **reason)
{
	struct fcgi_ctx *c = m->c;
	int rc;

	*reason = NULL;
	if (c->db == NULL) {
		http_error(&c->resp, 503, "api_error", "SERVICE_UNAVAILABLE",
		    "the database is unavailable; retry shortly", NULL);
		return -1;
	}
	if (!apikey_syntax_ok(secret)) {
		*reason = "malformed_key";
		return 1;
	}
	rc = apikey_authenticate(c->db, secret, &m->auth);
	if (rc == -1) {
		merchant_internal_error(m, "authentication");
		return -1;
	}
	if (rc == 1)
		*reason = "unknown_or_revoked_key";
	return rc;
}

/*
 * authenticate() behind the failed-authentication throttle: an address
 * whose auth_failures window is full gets 429 without any lookup; a
 * failure is counted for the address and leaves its audit row and log
 * line (the throttle bounds how many). A request without a key is no
 * guess: 401 and nothing counted. 0 to go on, -1 answered.
 */
static int
authenticate_throttled(struct mreq *m)
{
	struct fcgi_ctx *c = m->c;
	const struct ratelimit_settings *s = &c->cfg->ratelimit;
	const struct ratelimit_rule *rule = &s->rules[RATELIMIT_AUTH_FAILURES];
	struct ratelimit_result r;
	struct audit_actor who;
	const char *secret, *reason;
	char actor[NET_ADDR_STRLEN + 8];
	bool counted;
	int rc;

	secret = bearer(c->authorization);
	if (secret == NULL || *secret == '\0') {
		http_header(&c->resp, "WWW-Authenticate", "Bearer");
		http_error(&c->resp, 401, "authentication_error",
		    "MISSING_API_KEY", "Authorization: Bearer <api key> "
		    "is required", NULL);
		return -1;
	}
	fcgi_client(c);
	counted = s->enabled && !c->client_exempt &&
	    c->client_key[0] != '\0';
	if (counted && ratelimit_hit(c->rl, RATELIMIT_AUTH_FAILURES,
	    c->client_key, rule, c->request_id, false, &r) ==
	    RATELIMIT_LIMITED) {
		ratelimit_headers(&r, &c->resp);
		fcgi_too_many(c, &r, "AUTH_RATE_LIMITED", "too many failed "
		    "authentications from this address; retry after "
		    "Retry-After seconds");
		return -1;
	}
	rc = authenticate(m, secret, &reason);
	if (rc != 1)
		return rc == 0 ? 0 : -1;
	memset(&r, 0, sizeof(r));
	r.status = RATELIMIT_SKIPPED;
	if (counted) {
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
	authfail_record(c->db, &who, reason, secret,
	    r.status == RATELIMIT_ALLOWED && r.remaining == 0);
	http_header(&c->resp, "WWW-Authenticate", "Bearer");
	http_error(&c->resp, 401, "authentication_error", "INVALID_API_KEY",
	    "the API key is unknown or revoked", NULL);
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

static void
handle(struct fcgi_ctx *c)
{
	const struct route *match = NULL;
	struct mreq m;
	char allow[64] = "";
	size_t i;

	memset(&m, 0, sizeof(m));
	m.c = c;
	for (i = 0; i < CC_ARRAY_SIZE(routes); i++) {
		char params[HTTP_MAX_PARAMS][HTTP_MAX_PARAM_LEN];

		if (http_route_match(routes[i].pattern, c->path, params,
		    HTTP_MAX_PARAMS) < 0)
			continue;
		if (strcmp(routes[i].method, c->method) == 0) {
			match = &routes[i];
			memcpy(m.params, params, sizeof(params));
			break;
		}
		if (strstr(allow, routes[i].method) == NULL)
			snprintf(allow + strlen(allow), sizeof(allow) -
			    strlen(allow), "%s%s", allow[0] ? ", " : "",
			    routes[i].method);
	}
	if (match == NULL && allow[0] != '\0') {
		http_header(&c->resp, "Allow", allow);
		http_error(&c->resp, 405, "invalid_request_error",
		    "METHOD_NOT_ALLOWED", "method not allowed on this "
		    "resource", NULL);
		return;
	}
	if (match == NULL) {
		http_error(&c->resp, 404, "invalid_request_error",
		    "ROUTE_NOT_FOUND", "no such API route", NULL);
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
	if (limit_key(&m, match->limit) == -1)
		return;
	if ((m.auth.scopes & match->scope) != match->scope) {
		char msg[128];

		snprintf(msg, sizeof(msg), "this key lacks the %s scope",
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
	(void)cfg;
	openapi_init();
	return 0;
}

int
main(int argc, char **argv)
{
	struct fcgi_opts o = { 0, false, init };

	return fcgi_main_ex(argc, argv, "cc-merchant", handle, &o);
}
