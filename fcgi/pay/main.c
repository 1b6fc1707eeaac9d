/*
 * cc-pay.fcgi: the customer's payment page, GET /invoice/{id}, in HTML
 * (lib/page.c renders it from invoice_public()'s view). Like the JSON
 * view, the first visit moves a created invoice to pending. Errors are
 * HTML pages in the same layout; every answer carries the page's strict
 * Content-Security-Policy and is never cached. Views count against the
 * client address's public_invoice limit, shared with the JSON view.
 */
#include "cc.h"

#include "address.h"
#include "audit.h"
#include "config.h"
#include "db.h"
#include "jsonx.h"
#include "money.h"
#include "fcgi_main.h"
#include "ids.h"
#include "invoice.h"
#include "log.h"
#include "page.h"
#include "refund.h"

/* Replaces whatever was rendered with an error page. */
static void
answer_error(struct fcgi_ctx *c, int status, const char *message)
{
	buf_reset(&c->resp.body);
	c->resp.status = status;
	if (page_render_error_ex(status, message, status >= 500 ?
	    c->request_id : NULL, &c->resp.body) == -1) {
		log_error("%s %s: error page %d not rendered", c->request_id,
		    c->path, status);
		page_fallback(status, c->request_id, &c->resp.body);
	}
}

static void
internal(struct fcgi_ctx *c, const char *what)
{
	log_error("%s %s: %s failed", c->request_id, c->path, what);
	answer_error(c, 500, NULL);
}

static void
invoice_page(struct fcgi_ctx *c, const char *id)
{
	json_object *inv = NULL;
	enum invoice_result rc;

	/* A HEAD (a link checker) is not the customer opening it. */
	if (strcmp(c->method, "GET") == 0)
		rc = invoice_public_opened(c->db, c->cfg, id, &inv);
	else
		rc = invoice_public(c->db, c->cfg, id, &inv);
	if (rc == INVOICE_NOT_FOUND) {
		answer_error(c, 404, NULL);
		goto out;
	}
	if (rc != INVOICE_OK) {
		char what[96];

		snprintf(what, sizeof(what), "public invoice (%s)",
		    invoice_strerror(rc));
		internal(c, what);
		goto out;
	}
	{
		char amount[MONEY_TEXT_MAX];
		int n;

		if (refund_awaiting(c->db, id, amount, sizeof(amount),
		    &n) == -1) {
			internal(c, "refunds awaiting an address");
			goto out;
		}
		if (n > 0) {
			jsonx_add_str(inv, "refund_awaiting", "1");
			jsonx_add_str(inv, "refund_amount", amount);
		}
	}
	c->resp.status = 200;
	if (page_render_invoice(c->cfg, inv, &c->resp.body) == -1)
		internal(c, "rendering the payment page");
out:
	json_object_put(inv);
}

/*
 * POST /invoice/{id}/refund-address: the customer's address for the
 * invoice's refunds awaiting one, from a plain form (no JavaScript). It
 * only ever sets the destination of such a refund, once (they become
 * pending), so a forged post can do no more than the customer could:
 * whoever holds the invoice's link may name the address, as on the page.
 */
static void
refund_address(struct fcgi_ctx *c, const char *id)
{
	struct http_query q;
	struct audit_actor who = { "customer:payment-page", c->ip,
	    c->user_agent, c->request_id };
	char bad[64], addr[ADDRESS_MAX_LEN + 1], loc[400];
	const char *v;
	size_t a, b;
	int n, rc;

	if (c->body_too_large || c->body_bad_length ||
	    http_query_parse(c->body.data, &q, bad, sizeof(bad)) == -1) {
		answer_error(c, 400, "The form could not be read.");
		return;
	}
	v = http_query_get(&q, "address");
	/* A pasted address often comes with spaces around it. */
	for (a = 0; v != NULL && (v[a] == ' ' || v[a] == '\t'); a++)
		;
	b = v != NULL ? strlen(v) : 0;
	while (b > a && (v[b - 1] == ' ' || v[b - 1] == '\t'))
		b--;
	if (v == NULL || b == a || b - a > ADDRESS_MAX_LEN) {
		http_query_release(&q);
		answer_error(c, 422, "Please enter the address the refund "
		    "should go to.");
		return;
	}
	memcpy(addr, v + a, b - a);
	addr[b - a] = '\0';
	http_query_release(&q);
	rc = refund_set_destination(c->db, c->cfg, &who, id, addr, &n);
	if (rc == -1) {
		internal(c, "setting a refund address");
		return;
	}
	if (rc == 1) {
		answer_error(c, 422, "That is not an address of this "
		    "invoice's network. Please check it and try again.");
		return;
	}
	if (n == 0) {
		answer_error(c, 409, "No refund of this invoice is waiting "
		    "for an address.");
		return;
	}
	log_info("%s: refund address set for invoice %s", c->request_id, id);
	/* Back to the invoice's page. */
	snprintf(loc, sizeof(loc), "%s/invoice/%s", c->cfg->pay_url, id);
	c->resp.status = 303;
	http_header(&c->resp, "Location", loc);
	buf_reset(&c->resp.body);
}

/*
 * GET or HEAD /invoice/{id}: the page; POST /invoice/{id}/refund-address:
 * the refund form. Both count against the address's public-invoice limit.
 */
static void
handle(struct fcgi_ctx *c)
{
	char params[HTTP_MAX_PARAMS][HTTP_MAX_PARAM_LEN];
	struct ratelimit_result rl;
	int form, allowed;

	page_headers(c->cfg, &c->resp);
	c->resp.body.max = PAGE_MAX_BYTES;
	form = http_route_match("/invoice/{}/refund-address", c->path, params,
	    HTTP_MAX_PARAMS) == 1;
	if (!form && http_route_match("/invoice/{}", c->path, params,
	    HTTP_MAX_PARAMS) != 1) {
		answer_error(c, 404, "There is no page at this address.");
		return;
	}
	allowed = form ? strcmp(c->method, "POST") == 0 :
	    strcmp(c->method, "GET") == 0 || strcmp(c->method, "HEAD") == 0;
	if (!allowed) {
		http_header(&c->resp, "Allow", form ? "POST" : "GET, HEAD");
		answer_error(c, 405, NULL);
		return;
	}
	if (fcgi_limit_ip(c, RATELIMIT_PUBLIC_INVOICE, &rl) ==
	    RATELIMIT_LIMITED) {
		answer_error(c, 429, NULL);
		return;
	}
	/* Malformed is not found, as on every API route. */
	if (!ids_valid("inv_", params[0])) {
		answer_error(c, 404, NULL);
		return;
	}
	if (c->db == NULL) {
		http_header(&c->resp, "Retry-After", "5");
		answer_error(c, 503, NULL);
		return;
	}
	if (form)
		refund_address(c, params[0]);
	else
		invoice_page(c, params[0]);
}

/* Under overload (fcgi_main.c): the 503 page, in the page's style. */
static void
shed(struct fcgi_ctx *c)
{
	page_headers(c->cfg, &c->resp);
	answer_error(c, 503, NULL);
}

int
main(int argc, char **argv)
{
	static const struct fcgi_opts opts = { .shed = shed };

	/*
	 * ClearSilver's nerr_init must run before fcgi_main starts the
	 * threads. Missing templates are logged here and answered with the
	 * built-in 500 page, so that the program still starts.
	 */
	log_set_program("cc-pay");
	page_init(NULL);
	return fcgi_main_ex(argc, argv, "cc-pay", handle, &opts);
}
