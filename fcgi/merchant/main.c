/*
 * cc-merchant.fcgi: the authenticated merchant API under /api/v1. Routes,
 * authenticates by API key, checks the route's scope, then calls the
 * handler. One route is open to all: the API's OpenAPI document.
 */
#include "cc.h"

#include "apikey.h"
#include "config.h"
#include "db.h"
#include "jsonx.h"
#include "fcgi_main.h"
#include "log.h"
#include "routes.h"

struct route {
	const char	*method;
	const char	*pattern;
	void		(*handler)(struct mreq *);
	unsigned	 scope;
	bool		 open;		/* no API key: nothing private */
};

static const struct route routes[] = {
	{ "POST", "/api/v1/invoices", invoices_create, SCOPE_INVOICES_CREATE,
	    false },
	{ "GET", "/api/v1/invoices", invoices_list, SCOPE_INVOICES_READ,
	    false },
	{ "GET", "/api/v1/invoices/{}", invoices_get, SCOPE_INVOICES_READ,
	    false },
	{ "POST", "/api/v1/invoices/{}/cancel", invoices_cancel,
	    SCOPE_INVOICES_CANCEL, false },
	{ "POST", "/api/v1/webhook-endpoints", webhook_endpoints_create,
	    SCOPE_WEBHOOKS_MANAGE, false },
	{ "GET", "/api/v1/webhook-endpoints", webhook_endpoints_list,
	    SCOPE_WEBHOOKS_MANAGE, false },
	{ "GET", "/api/v1/webhook-endpoints/{}", webhook_endpoints_get,
	    SCOPE_WEBHOOKS_MANAGE, false },
	{ "PATCH", "/api/v1/webhook-endpoints/{}", webhook_endpoints_update,
	    SCOPE_WEBHOOKS_MANAGE, false },
	{ "DELETE", "/api/v1/webhook-endpoints/{}", webhook_endpoints_delete,
	    SCOPE_WEBHOOKS_MANAGE, false },
	{ "POST", "/api/v1/webhook-endpoints/{}/rotate-secret",
	    webhook_endpoints_rotate, SCOPE_WEBHOOKS_MANAGE, false },
	{ "POST", "/api/v1/invoice-webhook-secret/rotate",
	    invoice_webhook_secret_rotate, SCOPE_WEBHOOKS_MANAGE, false },
	{ "GET", "/api/v1/analytics", analytics_get, SCOPE_ANALYTICS_READ,
	    false },
	{ "GET", "/api/v1/openapi.json", openapi_get, 0, true },
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

static void
handle(struct fcgi_ctx *c)
{
	const struct route *match = NULL;
	struct mreq m;
	char allow[64] = "";
	const char *secret;
	size_t i;
	int rc;

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
		match->handler(&m);
		return;
	}

	secret = bearer(c->authorization);
	if (secret == NULL || *secret == '\0') {
		http_header(&c->resp, "WWW-Authenticate", "Bearer");
		http_error(&c->resp, 401, "authentication_error",
		    "MISSING_API_KEY", "Authorization: Bearer <api key> "
		    "is required", NULL);
		return;
	}
	if (c->db == NULL) {
		http_error(&c->resp, 503, "api_error", "SERVICE_UNAVAILABLE",
		    "the database is unavailable; retry shortly", NULL);
		return;
	}
	rc = apikey_authenticate(c->db, secret, &m.auth);
	if (rc == -1) {
		merchant_internal_error(&m, "authentication");
		return;
	}
	if (rc == 1) {
		http_header(&c->resp, "WWW-Authenticate", "Bearer");
		http_error(&c->resp, 401, "authentication_error",
		    "INVALID_API_KEY", "the API key is unknown or revoked",
		    NULL);
		return;
	}
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
