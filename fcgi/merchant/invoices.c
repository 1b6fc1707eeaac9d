/* Invoice routes: create, list, get, cancel. */
#include "cc.h"

#include <errno.h>

#include "db.h"
#include "idempotency.h"
#include "ids.h"
#include "invoice.h"
#include "invoice_input.h"
#include "jsonx.h"
#include "log.h"
#include "money.h"
#include "routes.h"
#include "util.h"
#include "webhook.h"

static void
send_input_error(struct mreq *m, struct input_error *e)
{
	http_error_ex(&m->c->resp, e->status, e->type, e->code, e->message,
	    e->field[0] ? e->field : NULL, e->extra);
	e->extra = NULL;
}

/* A 500 for a failed invoice call, with what failed and why in the log. */
static void
invoice_failed(struct mreq *m, const char *what, enum invoice_result rc)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "%s (%s)", what, invoice_strerror(rc));
	merchant_internal_error(m, msg);
}

static void
meta(struct mreq *m, struct req_meta *rm)
{
	rm->request_id = m->c->request_id;
	rm->ip = m->c->ip;
	rm->user_agent = m->c->user_agent;
}

void
invoices_create(struct mreq *m)
{
	struct fcgi_ctx *c = m->c;
	struct invoice_input in;
	struct input_error e;
	struct req_meta rm;
	json_object *inv = NULL;
	const char *key = c->idempotency_key, *mode = m->auth.test ? "test" :
	    "live";
	char *stored = NULL;
	bool idem = false;
	enum invoice_result rc;
	int status;

	memset(&e, 0, sizeof(e));
	if (merchant_check_body(m) == -1)
		return;
	if (invoice_input_parse(c->body.data, c->body.len, c->cfg, &in,
	    &e) == -1) {
		send_input_error(m, &e);
		return;
	}
	/* Live customers and deliveries are sent over https only. */
	if (input_url_mode(in.return_url, "return_url", !m->auth.test,
	    &e) == -1 || input_url_mode(in.cancel_url, "cancel_url",
	    !m->auth.test, &e) == -1 || input_url_mode(in.webhook_url,
	    "webhook_url", !m->auth.test, &e) == -1) {
		send_input_error(m, &e);
		goto out;
	}
	/*
	 * Deliveries go to webhook_url from inside our network: a URL that
	 * leads to loopback, private or metadata addresses is refused here,
	 * before anything is stored (and checked again at every send).
	 */
	if (in.webhook_url != NULL) {
		char why[256];

		if (webhook_check_invoice_url(in.webhook_url, c->cfg, why,
		    sizeof(why)) != 0) {
			char msg[300];

			snprintf(msg, sizeof(msg), "webhook_url: %s", why);
			http_error(&c->resp, 422, "validation_error",
			    "URL_NOT_ALLOWED", msg, "webhook_url");
			goto out;
		}
	}
	if (key != NULL) {
		uint8_t hash[32];

		if (!idem_key_ok(key)) {
			input_seterr(&e, 400, "INVALID_IDEMPOTENCY_KEY",
			    "Idempotency-Key", "Idempotency-Key must be 1-%d "
			    "visible ASCII characters without spaces",
			    CC_MAX_IDEMPOTENCY_KEY);
			input_constraints(&e, "min_length", 1, "max_length",
			    CC_MAX_IDEMPOTENCY_KEY, "visible ASCII without "
			    "spaces", "Use a UUID or your order id as the key");
			send_input_error(m, &e);
			goto out;
		}
		idem_hash(c->method, c->path, c->body.data, c->body.len, hash);
		switch (idem_claim(c->db, m->auth.merchant_id, mode, key, hash,
		    &status, &stored)) {
		case IDEM_NEW:
			idem = true;
			break;
		case IDEM_REPLAY:
			c->resp.status = status;
			buf_puts(&c->resp.body, stored);
			http_header(&c->resp, "Idempotent-Replayed", "true");
			goto out;
		case IDEM_MISMATCH:
			http_error(&c->resp, 409, "idempotency_error",
			    "IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key "
			    "was used with a different request in the last "
			    "24 hours", "Idempotency-Key");
			goto out;
		default:
			merchant_internal_error(m, "idempotency claim");
			goto out;
		}
	}
	meta(m, &rm);
	rc = invoice_create(c->db, c->cfg, &m->auth, &rm, &in, &inv, &e);
	if (rc != INVOICE_OK) {
		if (idem)
			idem_abort(c->db);
		if (rc == INVOICE_INVALID)
			send_input_error(m, &e);
		else
			invoice_failed(m, "invoice create", rc);
		goto out;
	}
	http_json(&c->resp, 201, inv);
	if (idem && idem_complete(c->db, m->auth.merchant_id, mode, key, 201,
	    c->resp.body.data) == -1) {
		buf_reset(&c->resp.body);
		merchant_internal_error(m, "idempotency commit");
	}
out:
	free(stored);
	json_object_put(inv);
	invoice_input_release(&in);
	input_error_release(&e);
}

void
invoices_get(struct mreq *m)
{
	json_object *inv;
	enum invoice_result rc;

	rc = invoice_get(m->c->db, m->c->cfg, &m->auth, m->params[0], &inv);
	switch (rc) {
	case INVOICE_OK:
		http_json(&m->c->resp, 200, inv);
		json_object_put(inv);
		break;
	case INVOICE_NOT_FOUND:
		http_error(&m->c->resp, 404, "not_found_error",
		    "INVOICE_NOT_FOUND", "no such invoice", "invoice_id");
		break;
	default:
		invoice_failed(m, "invoice get", rc);
		break;
	}
}

void
invoices_list(struct mreq *m)
{
	struct http_query q;
	struct invoice_filter f;
	struct input_error e;
	json_object *list;
	enum invoice_result rc;

	memset(&e, 0, sizeof(e));
	if (merchant_query(m, &q) == -1)
		return;
	if (invoice_filter_parse(&q, &f, &e) == -1)
		send_input_error(m, &e);
	else {
		rc = invoice_list(m->c->db, m->c->cfg, &m->auth, &f, &list);
		if (rc != INVOICE_OK)
			invoice_failed(m, "invoice list", rc);
		else {
			http_json(&m->c->resp, 200, list);
			json_object_put(list);
		}
	}
	http_query_release(&q);
}

void
invoices_cancel(struct mreq *m)
{
	struct fcgi_ctx *c = m->c;
	struct invoice_cancel_input in;
	struct input_error e;
	struct req_meta rm;
	json_object *body = NULL, *inv = NULL;
	enum invoice_result rc;

	memset(&e, 0, sizeof(e));
	if (merchant_json_body(m, true, &body) == -1)
		return;
	if (invoice_cancel_parse(body, &in, &e) == -1) {
		send_input_error(m, &e);
		goto out;
	}
	meta(m, &rm);
	rc = invoice_cancel(c->db, c->cfg, &m->auth, &rm, m->params[0],
	    in.reason, in.refund_partial_payments, &inv, &e);
	switch (rc) {
	case INVOICE_OK:
		http_json(&c->resp, 200, inv);
		break;
	case INVOICE_NOT_FOUND:
		http_error(&c->resp, 404, "not_found_error",
		    "INVOICE_NOT_FOUND", "no such invoice", "invoice_id");
		break;
	case INVOICE_CONFLICT:
		send_input_error(m, &e);
		break;
	default:
		invoice_failed(m, "invoice cancel", rc);
		break;
	}
out:
	json_object_put(inv);
	json_object_put(body);
	input_error_release(&e);
}
