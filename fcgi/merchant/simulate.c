/*
 * POST /api/v1/test/invoices/{id}/simulate: test helpers on test keys
 * (lib/simulate.h). The /api/v1/test/ tree answers a live credential with
 * the 404 of an unknown route (main.c). An Idempotency-Key makes a retry
 * safe: on a chain, a retried payment would otherwise send twice.
 */
#include "cc.h"

#include "idempotency.h"
#include "ids.h"
#include "input.h"
#include "invoice.h"
#include "jsonx.h"
#include "routes.h"
#include "simulate.h"

enum claim { CLAIM_NONE, CLAIM_NEW, CLAIM_ANSWERED };

/* The Idempotency-Key, if any: claimed (its transaction open), or an
 * answer given (a replay, or a refusal). */
static enum claim
claim(struct mreq *m)
{
	struct fcgi_ctx *c = m->c;
	const char *key = c->idempotency_key;
	char *stored = NULL;
	uint8_t hash[32];
	int status;

	if (key == NULL)
		return CLAIM_NONE;
	if (!idem_key_ok(key)) {
		http_error(&c->resp, 400, "invalid_request_error",
		    "INVALID_IDEMPOTENCY_KEY", "Idempotency-Key must be 1-255 "
		    "visible ASCII characters without spaces",
		    "Idempotency-Key");
		return CLAIM_ANSWERED;
	}
	idem_hash(c->method, c->path, c->body.data, c->body.len, hash);
	switch (idem_claim(c->db, m->auth.merchant_id, apikey_mode(&m->auth),
	    key, hash, &status, &stored)) {
	case IDEM_NEW:
		return CLAIM_NEW;
	case IDEM_REPLAY:
		c->resp.status = status;
		buf_puts(&c->resp.body, stored);
		http_header(&c->resp, "Idempotent-Replayed", "true");
		free(stored);
		return CLAIM_ANSWERED;
	case IDEM_MISMATCH:
		http_error(&c->resp, 409, "idempotency_error",
		    "IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was used "
		    "with a different request in the last 24 hours",
		    "Idempotency-Key");
		return CLAIM_ANSWERED;
	default:
		merchant_internal_error(m, "idempotency claim");
		return CLAIM_ANSWERED;
	}
}

void
test_simulate(struct mreq *m)
{
	struct fcgi_ctx *c = m->c;
	struct simulate_input in;
	struct simulate_outcome out;
	struct input_error e;
	json_object *body = NULL, *inv = NULL, *ans;
	enum simulate_result rc;
	enum claim cl = CLAIM_NONE;
	struct req_meta rm = { c->request_id, c->ip, c->user_agent };
	char msg[96];
	int status;

	memset(&e, 0, sizeof(e));
	/* A malformed id is not found, as on every route, whatever the
	 * body says. */
	if (!ids_valid("inv_", m->params[0])) {
		http_error(&c->resp, 404, "not_found_error",
		    "INVOICE_NOT_FOUND", "no such invoice", "invoice_id");
		return;
	}
	if (merchant_json_body(m, false, &body) == -1)
		return;
	if (simulate_parse(body, &in, &e) == -1) {
		http_error(&c->resp, e.status, e.type, e.code, e.message,
		    e.field[0] ? e.field : NULL);
		goto out;
	}
	/* No key claimed for a live caller: the route is not there. */
	if (m->auth.test)
		cl = claim(m);
	if (cl == CLAIM_ANSWERED)
		goto out;
	rc = simulate_run(c->db, c->cfg, &m->auth, &rm, m->params[0], &in,
	    cl == CLAIM_NEW, &out, &e);
	switch (rc) {
	case SIMULATE_OK:
		break;
	case SIMULATE_NOT_FOUND:
		http_error(&c->resp, 404, "not_found_error",
		    "INVOICE_NOT_FOUND", "no such invoice", "invoice_id");
		goto fail;
	case SIMULATE_REFUSED:
	case SIMULATE_CHAIN_FAILED:
		http_error(&c->resp, e.status, e.type, e.code, e.message,
		    e.field[0] ? e.field : NULL);
		goto fail;
	default:
		snprintf(msg, sizeof(msg), "simulate (%s)",
		    simulate_strerror(rc));
		merchant_internal_error(m, msg);
		goto fail;
	}
	if (invoice_get(c->db, c->cfg, &m->auth, m->params[0], &inv) !=
	    INVOICE_OK) {
		merchant_internal_error(m, "simulate: invoice get");
		goto fail;
	}
	ans = simulate_json(&in, &out, m->params[0], inv);
	inv = NULL;
	/* On the chain the scanner records what happened: accepted. */
	status = out.on_chain ? 202 : 200;
	http_json(&c->resp, status, ans);
	json_object_put(ans);
	if (cl == CLAIM_NEW && idem_complete(c->db, m->auth.merchant_id,
	    apikey_mode(&m->auth), c->idempotency_key, status,
	    c->resp.body.data) == -1) {
		buf_reset(&c->resp.body);
		merchant_internal_error(m, "idempotency commit");
	}
	goto out;
fail:
	/* Errors are not stored: the claim goes with the work. */
	if (cl == CLAIM_NEW)
		idem_abort(c->db);
out:
	json_object_put(inv);
	json_object_put(body);
	input_error_release(&e);
}
