/* Refund routes: record a refund of an invoice, list its refunds. */
#include "cc.h"

#include "audit.h"
#include "db.h"
#include "idempotency.h"
#include "ids.h"
#include "input.h"
#include "jsonx.h"
#include "refund.h"
#include "routes.h"
#include "util.h"

static void
not_found(struct mreq *m)
{
	http_error(&m->c->resp, 404, "not_found_error", "INVOICE_NOT_FOUND",
	    "no such invoice", "invoice_id");
}

static void
failed(struct mreq *m, const char *what, enum refund_result rc)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "%s (%s)", what, refund_strerror(rc));
	merchant_internal_error(m, msg);
}

/*
 * Idempotency-Key as on invoice create: 1 to go on (*idem set when the
 * claim's transaction is open), 0 answered (a replay or a refusal).
 */
static int
idem_start(struct mreq *m, const char *mode, bool *idem)
{
	struct fcgi_ctx *c = m->c;
	const char *key = c->idempotency_key;
	char *stored = NULL;
	uint8_t hash[32];
	int status, rc = 0;

	*idem = false;
	if (key == NULL)
		return 1;
	if (!idem_key_ok(key)) {
		http_error(&c->resp, 400, "invalid_request_error",
		    "INVALID_IDEMPOTENCY_KEY", "Idempotency-Key must be 1-255 "
		    "visible ASCII characters without spaces",
		    "Idempotency-Key");
		return 0;
	}
	idem_hash(c->method, c->path, c->body.data, c->body.len, hash);
	switch (idem_claim(c->db, m->auth.merchant_id, mode, key, hash,
	    &status, &stored)) {
	case IDEM_NEW:
		*idem = true;
		rc = 1;
		break;
	case IDEM_REPLAY:
		c->resp.status = status;
		buf_puts(&c->resp.body, stored);
		http_header(&c->resp, "Idempotent-Replayed", "true");
		break;
	case IDEM_MISMATCH:
		http_error(&c->resp, 409, "idempotency_error",
		    "IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was used "
		    "with a different request in the last 24 hours",
		    "Idempotency-Key");
		break;
	default:
		merchant_internal_error(m, "idempotency claim");
		break;
	}
	free(stored);
	return rc;
}

void
refunds_create(struct mreq *m)
{
	struct fcgi_ctx *c = m->c;
	struct refund_input in;
	struct input_error e;
	json_object *body = NULL, *ref = NULL;
	const char *mode = m->auth.test ? "test" : "live";
	struct audit_actor who = { m->auth.actor, c->ip, c->user_agent,
	    c->request_id };
	enum refund_result rc;
	bool idem;

	memset(&e, 0, sizeof(e));
	/* A malformed id is not found, as on every route, whatever the
	 * body says. */
	if (!ids_valid("inv_", m->params[0])) {
		not_found(m);
		return;
	}
	if (merchant_json_body(m, false, &body) == -1)
		return;
	if (refund_input_parse(body, &in, &e) == -1) {
		http_error_ex(&c->resp, e.status, e.type, e.code, e.message,
		    e.field[0] ? e.field : NULL, e.extra);
		e.extra = NULL;
		goto out;
	}
	if (idem_start(m, mode, &idem) == 0)
		goto out;
	/* The claim's transaction, or our own: the refund commits with it. */
	if (!idem && db_begin(c->db) == -1) {
		failed(m, "refund create", REFUND_DB_UNAVAILABLE);
		goto out;
	}
	rc = refund_create(c->db, c->cfg, &m->auth, &who, m->params[0], &in,
	    &ref, &e);
	if (rc != REFUND_OK) {
		db_rollback(c->db);
		if (rc == REFUND_NOT_FOUND)
			not_found(m);
		else if (rc == REFUND_REFUSED) {
			http_error_ex(&c->resp, e.status, e.type, e.code,
			    e.message, e.field[0] ? e.field : NULL, e.extra);
			e.extra = NULL;
		} else
			failed(m, "refund create", rc);
		goto out;
	}
	http_json(&c->resp, 201, ref);
	if (idem) {
		if (idem_complete(c->db, m->auth.merchant_id, mode,
		    c->idempotency_key, 201, c->resp.body.data) == -1) {
			buf_reset(&c->resp.body);
			merchant_internal_error(m, "idempotency commit");
		}
	} else if (db_commit(c->db) == -1) {
		buf_reset(&c->resp.body);
		failed(m, "refund commit", REFUND_DB_UNAVAILABLE);
	}
out:
	json_object_put(ref);
	json_object_put(body);
	input_error_release(&e);
}

void
refunds_list(struct mreq *m)
{
	json_object *list;
	enum refund_result rc;

	rc = refund_list(m->c->db, &m->auth, m->params[0], &list);
	if (rc == REFUND_OK) {
		http_json(&m->c->resp, 200, list);
		json_object_put(list);
	} else if (rc == REFUND_NOT_FOUND)
		not_found(m);
	else
		failed(m, "refund list", rc);
}
