/*
 * cc-qr.fcgi: the QR code of an invoice's payment request,
 * GET /api/v1/public/invoice/{id}/qr?size=&format=&style=&logo=. The code
 * holds a wallet payment URI with the amount (EIP-681 on EVM chains, the
 * address on TRON). An invoice's address and amount never change, so the
 * image is cacheable for a long time, with an ETag. Requests are limited
 * per client address ([ratelimit] public_qr).
 */
#include "cc.h"

#include <unistd.h>

#include "config.h"
#include "db.h"
#include "fcgi_main.h"
#include "ids.h"
#include "input.h"
#include "invoice.h"
#include "log.h"
#include "qr.h"
#include "util.h"

static void
bad(struct fcgi_ctx *c, const char *field, const char *msg)
{
	http_error(&c->resp, 400, "invalid_request_error", "INVALID_PARAMETER",
	    msg, field);
}

static void
qr(struct fcgi_ctx *c, const char *id)
{
	struct http_query q;
	struct qr_request r;
	struct input_error e;
	const char *v;
	char badname[64], uri[512], logo[600], etag[HTTP_ETAG_SIZE], *key;
	char merchant[IDS_MAX_LEN];
	int rc;

	memset(&e, 0, sizeof(e));
	if (http_query_parse(c->query, &q, badname, sizeof(badname)) == -1) {
		bad(c, badname[0] ? badname : NULL, "malformed or repeated "
		    "query parameter");
		return;
	}
	if (qr_request_parse(&q, &r, &e) == -1) {
		http_error_ex(&c->resp, e.status, e.type, e.code, e.message,
		    e.field[0] ? e.field : NULL, e.extra);
		e.extra = NULL;
		goto out;
	}
	if (!ids_valid("inv_", id)) {
		/* Malformed is not found, on every route (as cc-merchant). */
		http_error(&c->resp, 404, "not_found_error",
		    "INVOICE_NOT_FOUND", "no such invoice (invoice ids are "
		    "inv_ followed by 26 characters)", "invoice_id");
		goto out;
	}
	switch (invoice_qr_target(c->db, c->cfg, id, uri, sizeof(uri),
	    merchant, sizeof(merchant))) {
	case INVOICE_OK:
		break;
	case INVOICE_NOT_FOUND:
		http_error(&c->resp, 404, "not_found_error",
		    "INVOICE_NOT_FOUND", "no such invoice", "invoice_id");
		goto out;
	case INVOICE_DB_UNAVAILABLE:
		http_error(&c->resp, 503, "api_error", "SERVICE_UNAVAILABLE",
		    "the database is unavailable; retry shortly", NULL);
		goto out;
	default:
		log_error("%s: no payment URI for invoice %s", c->request_id,
		    id);
		http_error(&c->resp, 500, "api_error", "INTERNAL_ERROR",
		    "An internal error occurred", NULL);
		goto out;
	}
	/* The merchant's logo: [http] logos directory, <merchant id>.png. */
	logo[0] = '\0';
	if (r.logo && c->cfg->logo_dir[0] != '\0')
		snprintf(logo, sizeof(logo), "%s/%s.png", c->cfg->logo_dir,
		    merchant);
	if (logo[0] != '\0' && access(logo, R_OK) != 0)
		logo[0] = '\0';
	key = xasprintf("%s|%d|%d|%d|%s", uri, r.size, (int)r.format,
	    (int)r.style, logo);
	http_etag(key, strlen(key), etag);
	free(key);
	http_header(&c->resp, "ETag", etag);
	http_header(&c->resp, "Cache-Control", "public, max-age=86400");
	v = fcgi_param(c, "HTTP_IF_NONE_MATCH");
	if (http_etag_match(v, etag)) {
		c->resp.status = 304;
		goto out;
	}
	rc = qr_render(uri, r.size, r.format, r.style, logo[0] ? logo : NULL,
	    &c->resp.body);
	if (rc == -1) {
		buf_reset(&c->resp.body);
		log_error("%s: QR rendering failed", c->request_id);
		http_error(&c->resp, 500, "api_error", "INTERNAL_ERROR",
		    "An internal error occurred", NULL);
		goto out;
	}
	c->resp.status = 200;
	c->resp.content_type = qr_content_type(r.format);
out:
	input_error_release(&e);
	http_query_release(&q);
}

static void
handle(struct fcgi_ctx *c)
{
	char params[HTTP_MAX_PARAMS][HTTP_MAX_PARAM_LEN];
	struct ratelimit_result rl;

	http_header(&c->resp, "Access-Control-Allow-Origin", "*");
	if (fcgi_route(c, "/api/v1/public/invoice/{}/qr", "GET, HEAD",
	    params) == -1)
		return;
	if (fcgi_limit_ip(c, RATELIMIT_PUBLIC_QR, &rl) == RATELIMIT_LIMITED) {
		fcgi_too_many(c, &rl, "RATE_LIMITED", "too many QR code "
		    "requests from this address; retry after Retry-After "
		    "seconds");
		return;
	}
	qr(c, params[0]);
}

int
main(int argc, char **argv)
{
	return fcgi_main(argc, argv, "cc-qr", handle);
}
