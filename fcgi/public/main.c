/*
 * cc-public.fcgi: the customer's JSON view of an invoice,
 * GET /api/v1/public/invoice/{id}. No authentication and nothing private;
 * the first view moves a created invoice to pending. Answers carry an
 * ETag and "Cache-Control: no-cache", so a CDN may keep a copy but must
 * revalidate it: it never serves a stale status. Views are limited per
 * client address ([ratelimit] public_invoice, shared with the payment
 * page).
 */
#include "cc.h"

#include "db.h"
#include "fcgi_main.h"
#include "ids.h"
#include "invoice.h"
#include "jsonx.h"
#include "log.h"
#include "util.h"

static void
internal(struct fcgi_ctx *c, const char *what)
{
	log_error("%s %s: %s failed", c->request_id, c->path, what);
	http_error(&c->resp, 500, "api_error", "INTERNAL_ERROR",
	    "An internal error occurred; quote the request_id to support",
	    NULL);
}

/*
 * A weak tag (W/"...") over the view without time_remaining: the count-down
 * changes every second, and a client polling the view (the payment page
 * every 10 s) should hear 304 while nothing else changed; expires_at
 * says the same exactly. The count-down goes back where it was (last).
 */
static void
public_etag(json_object *inv, char etag[2 + HTTP_ETAG_SIZE])
{
	json_object *left = NULL;
	const char *text;

	if (json_object_object_get_ex(inv, "time_remaining", &left))
		json_object_get(left);
	json_object_object_del(inv, "time_remaining");
	text = jsonx_text(inv);
	memcpy(etag, "W/", 2);
	http_etag(text, strlen(text), etag + 2);
	if (left != NULL)
		json_object_object_add(inv, "time_remaining", left);
}

static void
invoice_view(struct fcgi_ctx *c, const char *id)
{
	json_object *inv = NULL;
	const char *inm;
	char etag[2 + HTTP_ETAG_SIZE];
	enum invoice_result rc;

	if (!ids_valid("inv_", id)) {
		/* Malformed is not found, on every route (as cc-merchant). */
		http_error(&c->resp, 404, "not_found_error",
		    "INVOICE_NOT_FOUND", "no such invoice (invoice ids are "
		    "inv_ followed by 26 characters)", "invoice_id");
		return;
	}
	if (c->db == NULL) {
		http_error(&c->resp, 503, "api_error", "SERVICE_UNAVAILABLE",
		    "the database is unavailable; retry shortly", NULL);
		return;
	}
	rc = invoice_public_opened(c->db, c->cfg, id, &inv);
	if (rc == INVOICE_NOT_FOUND) {
		http_error(&c->resp, 404, "not_found_error",
		    "INVOICE_NOT_FOUND", "no such invoice", "invoice_id");
		goto out;
	}
	if (rc != INVOICE_OK) {
		char what[96];

		snprintf(what, sizeof(what), "public invoice (%s)",
		    invoice_strerror(rc));
		internal(c, what);
		goto out;
	}
	public_etag(inv, etag);
	http_header(&c->resp, "ETag", etag);
	http_header(&c->resp, "Cache-Control", "no-cache");
	inm = fcgi_param(c, "HTTP_IF_NONE_MATCH");
	/* If-None-Match compares weakly: the opaque part. */
	if (http_etag_match(inm, etag + 2)) {
		c->resp.status = 304;
		goto out;
	}
	http_json(&c->resp, 200, inv);
out:
	json_object_put(inv);
}

static void
handle(struct fcgi_ctx *c)
{
	char params[HTTP_MAX_PARAMS][HTTP_MAX_PARAM_LEN];
	struct ratelimit_result rl;

	http_header(&c->resp, "Access-Control-Allow-Origin", "*");
	if (fcgi_route(c, "/api/v1/public/invoice/{}", "GET, HEAD",
	    params) == -1)
		return;
	if (fcgi_limit_ip(c, RATELIMIT_PUBLIC_INVOICE, &rl) ==
	    RATELIMIT_LIMITED) {
		fcgi_too_many(c, &rl, "RATE_LIMITED", "too many invoice views "
		    "from this address; retry after Retry-After seconds");
		return;
	}
	invoice_view(c, params[0]);
}

int
main(int argc, char **argv)
{
	return fcgi_main(argc, argv, "cc-public", handle);
}
