/*
 * POST /api/v1/auth/token: an API key, sent in the body, traded for a
 * short-lived token. The model is lib/token.c; this file reads the request
 * and maps each result to HTTP.
 */
#include "cc.h"

#include <time.h>

#include "apikey.h"
#include "input.h"
#include "invoice.h"
#include "jwtkeys.h"
#include "routes.h"
#include "token.h"
#include "util.h"

void
auth_token_create(struct mreq *m)
{
	struct http_resp *r = &m->c->resp;
	struct token_request req;
	struct token_issued t;
	struct input_error e;
	struct req_meta rm;
	struct jwtkeys ks;
	json_object *body = NULL, *o;

	memset(&e, 0, sizeof(e));
	memset(&t, 0, sizeof(t));
	memset(&ks, 0, sizeof(ks));
	if (merchant_json_body(m, false, &body) == -1)
		return;
	if (merchant_jwt_keys(&ks) == -1) {
		http_error(r, 503, "api_error", "TOKENS_NOT_CONFIGURED",
		    "this server has no token secret configured (see "
		    "cc-admin jwt rotate); API keys still work", NULL);
		goto out;
	}
	if (token_parse_request(body, &req, &e) == -1) {
		http_error_ex(r, e.status, e.type, e.code, e.message,
		    e.field[0] ? e.field : NULL, e.extra);
		e.extra = NULL;
		goto out;
	}
	if (m->c->db == NULL) {
		http_error(r, 503, "api_error", "SERVICE_UNAVAILABLE",
		    "the database is unavailable; retry shortly", NULL);
		goto out;
	}
	/* A key in the body is guessed as one in a header would be. */
	if (merchant_auth_throttle(m) == -1)
		goto out;
	rm.request_id = m->c->request_id;
	rm.ip = fcgi_client(m->c)[0] != '\0' ? m->c->client : m->c->ip;
	rm.user_agent = m->c->user_agent;
	switch (token_issue(m->c->db, jwtkeys_signing(&ks), &rm, &req,
	    (int64_t)time(NULL), &t, &e)) {
	case TOKEN_OK:
		o = token_response(&t);
		http_json(r, 200, o);
		json_object_put(o);
		break;
	case TOKEN_INVALID_KEY:
		merchant_auth_failed(m, apikey_syntax_ok(req.api_key) ?
		    "unknown_or_revoked_key" : "malformed_key", req.api_key);
		http_error(r, 401, "authentication_error", "INVALID_API_KEY",
		    "the API key is unknown or revoked", "api_key");
		break;
	case TOKEN_FORBIDDEN:
		http_error_ex(r, e.status, e.type, e.code, e.message,
		    e.field[0] ? e.field : NULL, NULL);
		break;
	default:
		merchant_internal_error(m, "token issue");
		break;
	}
out:
	explicit_bzero(&ks, sizeof(ks));
	token_issued_release(&t);
	input_error_release(&e);
	json_object_put(body);
}
