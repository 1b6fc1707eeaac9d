/* cc-merchant.fcgi: the handlers its route table points at. */
#ifndef CC_MERCHANT_ROUTES_H
#define CC_MERCHANT_ROUTES_H

#include "cc.h"
#include "apikey.h"
#include "fcgi_main.h"

#include <json-c/json.h>

struct mreq {
	struct fcgi_ctx	*c;
	struct auth	 auth;
	char		 params[HTTP_MAX_PARAMS][HTTP_MAX_PARAM_LEN];
};

void	invoices_create(struct mreq *);
void	invoices_list(struct mreq *);
void	invoices_get(struct mreq *);
void	invoices_cancel(struct mreq *);

void	refunds_create(struct mreq *);
void	refunds_list(struct mreq *);

void	webhook_endpoints_create(struct mreq *);
void	webhook_endpoints_list(struct mreq *);
void	webhook_endpoints_get(struct mreq *);
void	webhook_endpoints_update(struct mreq *);
void	webhook_endpoints_delete(struct mreq *);
void	webhook_endpoints_rotate(struct mreq *);
void	invoice_webhook_secret_rotate(struct mreq *);
void	invoice_webhook_secret_get(struct mreq *);

void	analytics_get(struct mreq *);

/* POST /api/v1/test/invoices/{id}/simulate (test keys only). */
void	test_simulate(struct mreq *);

/* POST /api/v1/auth/token: an API key traded for a token. */
void	auth_token_create(struct mreq *);

struct jwtkeys;
/*
 * The token secrets as the keys file holds them now: 0, or -1 when there
 * is none that can be used (out empty; why is logged once).
 */
int	merchant_jwt_keys(struct jwtkeys *out);

/*
 * The failed-authentication throttle ([ratelimit] auth_failures, per
 * client address), for a route that checks a credential itself:
 * merchant_auth_throttle before the check (0 to go on, -1 answered 429),
 * merchant_auth_failed after a refusal (counts it for the address and
 * writes its audit row and log line; the caller still answers).
 */
int	merchant_auth_throttle(struct mreq *);
void	merchant_auth_failed(struct mreq *, const char *reason,
	    const char *credential);

/* Reads the OpenAPI document once (before the threads start). */
void	openapi_init(void);
void	openapi_get(struct mreq *);

/*
 * Body-level checks every route with a body shares (a bad Content-Length,
 * over 64 KiB, a non-empty body whose Content-Type is not
 * application/json: 415, so that a form post, which curl -d sends by
 * default, is never read as JSON by one party and as a form by
 * another): 0 to go on, -1 answered. An empty body needs no type.
 */
int	merchant_check_body(struct mreq *);
/*
 * The same, then the body parsed as a JSON object (jsonx_parse_ex: a key
 * given twice is 400 DUPLICATE_KEY naming it): 0 with *out set (NULL for
 * an empty body when empty_ok), or -1 answered.
 */
int	merchant_json_body(struct mreq *, bool empty_ok, json_object **out);

/*
 * The query string parsed: 0, or -1 answered (400 INVALID_PARAMETER
 * naming a malformed or repeated parameter).
 */
int	merchant_query(struct mreq *, struct http_query *);

/* Answers 500 with the request id; the cause goes to the log. */
void	merchant_internal_error(struct mreq *, const char *what);

#endif
