/*
 * POST /api/v1/test/invoices/{id}/simulate: test helpers on test keys
 * (lib/simulate.h). The route table marks it test_only: a live credential
 * gets the 404 of an unknown route.
 */
#include "cc.h"

#include "input.h"
#include "invoice.h"
#include "jsonx.h"
#include "routes.h"
#include "simulate.h"

void
test_simulate(struct mreq *m)
{
	struct fcgi_ctx *c = m->c;
	struct simulate_input in;
	struct simulate_outcome out;
	struct input_error e;
	json_object *body = NULL, *inv = NULL, *ans;
	enum simulate_result rc;
	char msg[96];

	memset(&e, 0, sizeof(e));
	if (merchant_json_body(m, false, &body) == -1)
		return;
	if (simulate_parse(body, &in, &e) == -1) {
		http_error(&c->resp, e.status, e.type, e.code, e.message,
		    e.field[0] ? e.field : NULL);
		goto out;
	}
	rc = simulate_run(c->db, c->cfg, &m->auth, m->params[0], &in, &out,
	    &e);
	switch (rc) {
	case SIMULATE_OK:
		break;
	case SIMULATE_NOT_FOUND:
		http_error(&c->resp, 404, "not_found_error",
		    "INVOICE_NOT_FOUND", "no such invoice", "invoice_id");
		goto out;
	case SIMULATE_REFUSED:
	case SIMULATE_CHAIN_FAILED:
		http_error(&c->resp, e.status, e.type, e.code, e.message,
		    e.field[0] ? e.field : NULL);
		goto out;
	default:
		snprintf(msg, sizeof(msg), "simulate (%s)",
		    simulate_strerror(rc));
		merchant_internal_error(m, msg);
		goto out;
	}
	if (invoice_get(c->db, c->cfg, &m->auth, m->params[0], &inv) !=
	    INVOICE_OK) {
		merchant_internal_error(m, "simulate: invoice get");
		goto out;
	}
	ans = simulate_json(&in, &out, m->params[0], inv);
	inv = NULL;
	/* On the chain the scanner records what happened: accepted. */
	http_json(&c->resp, out.on_chain ? 202 : 200, ans);
	json_object_put(ans);
out:
	json_object_put(inv);
	json_object_put(body);
	input_error_release(&e);
}
