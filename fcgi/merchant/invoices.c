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
	int rc, status;

	memset(&e, 0, sizeof(e));
	if (merchant_check_body(m) == -1)
		return;
	if (invoice_input_parse(c->body.data, c->body.len, c->cfg, &in,
	    &e) == -1) {
		send_input_error(m, &e);
		return;
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
			http_error(&c->resp, 400, "invalid_request_error",
			    "INVALID_IDEMPOTENCY_KEY", "Idempotency-Key must "
			    "be 1-255 visible ASCII characters without spaces",
			    "Idempotency-Key");
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
	if (rc != 0) {
		if (idem)
			idem_abort(c->db);
		if (rc == 1)
			send_input_error(m, &e);
		else
			merchant_internal_error(m, "invoice create");
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
	int rc;

	rc = invoice_get(m->c->db, m->c->cfg, &m->auth, m->params[0], &inv);
	if (rc == -1) {
		merchant_internal_error(m, "invoice get");
		return;
	}
	if (rc == 1) {
		http_error(&m->c->resp, 404, "not_found_error",
		    "INVOICE_NOT_FOUND", "no such invoice", "invoice_id");
		return;
	}
	http_json(&m->c->resp, 200, inv);
	json_object_put(inv);
}

static int
bad_param(struct mreq *m, const char *name, const char *msg)
{
	http_error(&m->c->resp, 400, "invalid_request_error",
	    "INVALID_PARAMETER", msg, name);
	return -1;
}

static int
parse_filter(struct mreq *m, const struct http_query *q,
    struct invoice_filter *f)
{
	static const char *const known[] = { "status", "limit", "cursor",
	    "created_after", "created_before", "amount_gte", "amount_lte",
	    "currency", "search" };
	const char *v;
	size_t i, j;

	memset(f, 0, sizeof(*f));
	f->limit = CC_DEFAULT_LIST_LIMIT;
	for (i = 0; i < q->n; i++) {
		bool ok = false;

		for (j = 0; j < CC_ARRAY_SIZE(known); j++)
			if (strcmp(q->keys[i], known[j]) == 0)
				ok = true;
		if (!ok)
			return bad_param(m, q->keys[i],
			    "unknown query parameter");
	}
	v = http_query_get(q, "status");
	if (v != NULL) {
		if (strcmp(v, "created") != 0 && strcmp(v, "pending") != 0 &&
		    strcmp(v, "paid") != 0 && strcmp(v, "expired") != 0 &&
		    strcmp(v, "cancelled") != 0)
			return bad_param(m, "status", "status must be one of "
			    "created, pending, paid, expired, cancelled");
		f->status = v;
	}
	v = http_query_get(q, "limit");
	if (v != NULL) {
		char *end;
		long n;

		errno = 0;
		n = strtol(v, &end, 10);
		if (errno != 0 || *end != '\0' || end == v || n < 1 ||
		    n > CC_MAX_LIST_LIMIT)
			return bad_param(m, "limit",
			    "limit must be an integer from 1 to 100");
		f->limit = (int)n;
	}
	v = http_query_get(q, "cursor");
	if (v != NULL) {
		if (invoice_cursor_decode(v, &f->cursor_us, f->cursor_id,
		    sizeof(f->cursor_id)) == -1)
			return bad_param(m, "cursor", "invalid cursor; use "
			    "next_cursor from a previous page");
		f->has_cursor = true;
	}
	v = http_query_get(q, "created_after");
	if (v != NULL) {
		if (time_parse_iso8601(v, &f->after_us) == -1)
			return bad_param(m, "created_after", "created_after "
			    "must be an ISO 8601 date-time such as "
			    "2025-01-01T00:00:00Z");
		f->has_after = true;
	}
	v = http_query_get(q, "created_before");
	if (v != NULL) {
		if (time_parse_iso8601(v, &f->before_us) == -1)
			return bad_param(m, "created_before", "created_before "
			    "must be an ISO 8601 date-time such as "
			    "2025-01-01T00:00:00Z");
		f->has_before = true;
	}
	for (j = 0; j < 2; j++) {
		const char *name = j == 0 ? "amount_gte" : "amount_lte";
		struct money_dec d;

		v = http_query_get(q, name);
		if (v == NULL)
			continue;
		if (money_parse_dec(v, 18, &d) != MONEY_OK)
			return bad_param(m, name, "amount filters must be "
			    "non-negative decimal numbers such as 10.50");
		if (j == 0)
			f->amount_gte = v;
		else
			f->amount_lte = v;
	}
	v = http_query_get(q, "currency");
	if (v != NULL) {
		if (strlen(v) != 3 || money_currency_exponent(v) < 0)
			return bad_param(m, "currency", "currency must be an "
			    "ISO 4217 code such as USD");
		cc_strlcpy(f->currency, v, sizeof(f->currency));
	}
	v = http_query_get(q, "search");
	if (v != NULL) {
		size_t n = strlen(v);

		if (n < CC_MIN_SEARCH || n > CC_MAX_SEARCH)
			return bad_param(m, "search", "search must be 3 to "
			    "200 characters");
		f->search = v;
	}
	return 0;
}

void
invoices_list(struct mreq *m)
{
	struct http_query q;
	struct invoice_filter f;
	json_object *list;
	char bad[64];

	if (http_query_parse(m->c->query, &q, bad, sizeof(bad)) == -1) {
		bad_param(m, bad[0] ? bad : NULL, "malformed or repeated "
		    "query parameter");
		return;
	}
	if (parse_filter(m, &q, &f) == 0) {
		if (invoice_list(m->c->db, m->c->cfg, &m->auth, &f, &list) ==
		    -1)
			merchant_internal_error(m, "invoice list");
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
	struct input_error e;
	struct req_meta rm;
	json_object *body = NULL, *v, *inv = NULL;
	const char *reason = NULL;
	bool refund = false;
	int rc;

	memset(&e, 0, sizeof(e));
	if (merchant_json_body(m, true, &body) == -1)
		return;
	if (body != NULL) {
		json_object_object_foreach(body, k, val) {
			(void)val;
			if (strcmp(k, "reason") != 0 &&
			    strcmp(k, "refund_partial_payments") != 0) {
				http_error(&c->resp, 422, "validation_error",
				    "UNKNOWN_FIELD", "unknown field",
				    strlen(k) <= 40 && jsonx_utf8_clean(k,
				    strlen(k), false) ? k : NULL);
				goto out;
			}
		}
		if (json_object_object_get_ex(body, "reason", &v) &&
		    !json_object_is_type(v, json_type_null)) {
			if (!json_object_is_type(v, json_type_string)) {
				http_error(&c->resp, 422, "validation_error",
				    "INVALID_TYPE", "reason must be a string",
				    "reason");
				goto out;
			}
			reason = json_object_get_string(v);
			if (strlen(reason) > CC_MAX_REASON ||
			    !jsonx_utf8_clean(reason, strlen(reason), true)) {
				http_error(&c->resp, 422, "validation_error",
				    "INVALID_LENGTH", "reason must be at most "
				    "500 bytes of text", "reason");
				goto out;
			}
		}
		if (json_object_object_get_ex(body, "refund_partial_payments",
		    &v) && !json_object_is_type(v, json_type_null)) {
			if (!json_object_is_type(v, json_type_boolean)) {
				http_error(&c->resp, 422, "validation_error",
				    "INVALID_TYPE", "refund_partial_payments "
				    "must be true or false",
				    "refund_partial_payments");
				goto out;
			}
			refund = json_object_get_boolean(v);
		}
	}
	meta(m, &rm);
	rc = invoice_cancel(c->db, c->cfg, &m->auth, &rm, m->params[0],
	    reason, refund, &inv, &e);
	if (rc == -1)
		merchant_internal_error(m, "invoice cancel");
	else if (rc == 1)
		http_error(&c->resp, 404, "not_found_error",
		    "INVOICE_NOT_FOUND", "no such invoice", "invoice_id");
	else if (rc == 2)
		send_input_error(m, &e);
	else
		http_json(&c->resp, 200, inv);
out:
	json_object_put(inv);
	json_object_put(body);
	input_error_release(&e);
}
