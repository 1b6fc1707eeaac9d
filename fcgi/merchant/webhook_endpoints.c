/*
 * Webhook endpoint routes (create, list, get, update, delete, rotate the
 * signing secret) and the rotation of the secret that signs deliveries to
 * invoices' own webhook_url. The model is lib/webhook_endpoint.c; this
 * file reads the request and maps each result to HTTP.
 */
#include "cc.h"

#include "invoice.h"
#include "invoice_input.h"
#include "routes.h"
#include "webhook_endpoint.h"

static void
meta(struct mreq *m, struct req_meta *rm)
{
	rm->request_id = m->c->request_id;
	rm->ip = m->c->ip;
	rm->user_agent = m->c->user_agent;
}

/*
 * Answers rc: status and the object on WEP_OK, the input error, 404, the
 * endpoint limit, or 500 naming what failed.
 */
static void
answer(struct mreq *m, enum webhook_endpoint_rc rc, int status,
    json_object *o, struct input_error *e, const char *what)
{
	/* Only the calls that take an input_error say WEP_INVALID. */
	if ((rc == WEP_INVALID && e == NULL) || (rc == WEP_OK && o == NULL))
		rc = WEP_ERROR;
	switch (rc) {
	case WEP_OK:
		http_json(&m->c->resp, status, o);
		break;
	case WEP_INVALID:
		http_error_ex(&m->c->resp, e->status, e->type, e->code,
		    e->message, e->field[0] ? e->field : NULL, e->extra);
		e->extra = NULL;
		break;
	case WEP_NOT_FOUND:
		http_error(&m->c->resp, 404, "not_found_error",
		    "WEBHOOK_ENDPOINT_NOT_FOUND",
		    webhook_endpoint_strerror(rc), "endpoint_id");
		break;
	case WEP_LIMIT: {
		struct input_error lim;

		memset(&lim, 0, sizeof(lim));
		input_constraints(&lim, "max_items", WEBHOOK_MAX_ENDPOINTS,
		    NULL, 0, NULL, "Delete an endpoint you no longer use, or "
		    "subscribe one endpoint to more events");
		http_error_ex(&m->c->resp, 422, "validation_error",
		    "TOO_MANY_ENDPOINTS", webhook_endpoint_strerror(rc), NULL,
		    lim.extra);
		break;
	}
	default:
		merchant_internal_error(m, what != NULL ? what :
		    "webhook endpoint");
		break;
	}
}

/*
 * Reads a create or update body: 0 with in filled (pointing into *body,
 * which the caller puts), or -1 answered.
 */
static int
read_body(struct mreq *m, bool create, json_object **body,
    struct webhook_endpoint_input *in)
{
	struct input_error e;

	memset(&e, 0, sizeof(e));
	if (merchant_json_body(m, false, body) == -1)
		return -1;
	if (webhook_endpoint_parse(*body, create, m->c->cfg, in, &e) == 0 &&
	    input_url_mode(in->url, "url", !m->auth.test, &e) == 0)
		return 0;
	answer(m, WEP_INVALID, 0, NULL, &e, NULL);
	input_error_release(&e);
	return -1;
}

/* A body that must carry no field (rotate-secret): 0 or -1 answered. */
static int
read_empty_body(struct mreq *m)
{
	struct input_error e;
	json_object *body;
	int rc = 0;

	memset(&e, 0, sizeof(e));
	if (merchant_json_body(m, true, &body) == -1)
		return -1;
	if (webhook_endpoint_parse_empty(body, &e) == -1) {
		answer(m, WEP_INVALID, 0, NULL, &e, NULL);
		rc = -1;
	}
	input_error_release(&e);
	json_object_put(body);
	return rc;
}

void
webhook_endpoints_create(struct mreq *m)
{
	struct webhook_endpoint_input in;
	struct input_error e;
	struct req_meta rm;
	json_object *body = NULL, *o = NULL;
	enum webhook_endpoint_rc rc;

	memset(&e, 0, sizeof(e));
	if (read_body(m, true, &body, &in) == -1)
		goto out;
	meta(m, &rm);
	rc = webhook_endpoint_create(m->c->db, m->c->cfg, &m->auth, &rm, &in,
	    &o, &e);
	answer(m, rc, 201, o, &e, "webhook endpoint create");
out:
	json_object_put(o);
	json_object_put(body);
	input_error_release(&e);
}

void
webhook_endpoints_list(struct mreq *m)
{
	json_object *o = NULL;
	enum webhook_endpoint_rc rc;

	rc = webhook_endpoint_list(m->c->db, &m->auth, &o);
	answer(m, rc, 200, o, NULL, "webhook endpoint list");
	json_object_put(o);
}

void
webhook_endpoints_get(struct mreq *m)
{
	json_object *o = NULL;
	enum webhook_endpoint_rc rc;

	rc = webhook_endpoint_get(m->c->db, &m->auth, m->params[0], &o);
	answer(m, rc, 200, o, NULL, "webhook endpoint get");
	json_object_put(o);
}

void
webhook_endpoints_update(struct mreq *m)
{
	struct webhook_endpoint_input in;
	struct input_error e;
	struct req_meta rm;
	json_object *body = NULL, *o = NULL;
	enum webhook_endpoint_rc rc;

	memset(&e, 0, sizeof(e));
	if (read_body(m, false, &body, &in) == -1)
		goto out;
	meta(m, &rm);
	rc = webhook_endpoint_update(m->c->db, m->c->cfg, &m->auth, &rm,
	    m->params[0], &in, &o, &e);
	answer(m, rc, 200, o, &e, "webhook endpoint update");
out:
	json_object_put(o);
	json_object_put(body);
	input_error_release(&e);
}

void
webhook_endpoints_delete(struct mreq *m)
{
	struct req_meta rm;
	json_object *o = NULL;
	enum webhook_endpoint_rc rc;

	meta(m, &rm);
	rc = webhook_endpoint_delete(m->c->db, &m->auth, &rm, m->params[0],
	    &o);
	answer(m, rc, 200, o, NULL, "webhook endpoint delete");
	json_object_put(o);
}

void
webhook_endpoints_rotate(struct mreq *m)
{
	struct req_meta rm;
	json_object *o = NULL;
	enum webhook_endpoint_rc rc;

	if (read_empty_body(m) == -1)
		return;
	meta(m, &rm);
	rc = webhook_endpoint_rotate(m->c->db, &m->auth, &rm, m->params[0],
	    &o);
	answer(m, rc, 200, o, NULL, "webhook endpoint rotate-secret");
	json_object_put(o);
}

void
invoice_webhook_secret_get(struct mreq *m)
{
	json_object *o = NULL;
	enum webhook_endpoint_rc rc;

	rc = webhook_endpoint_get_invoice_secret(m->c->db, &m->auth, &o);
	answer(m, rc, 200, o, NULL, "invoice webhook secret get");
	json_object_put(o);
}

void
invoice_webhook_secret_rotate(struct mreq *m)
{
	struct req_meta rm;
	json_object *o = NULL;
	enum webhook_endpoint_rc rc;

	if (read_empty_body(m) == -1)
		return;
	meta(m, &rm);
	rc = webhook_endpoint_rotate_invoice_secret(m->c->db, &m->auth, &rm,
	    &o);
	answer(m, rc, 200, o, NULL, "invoice webhook secret rotate");
	json_object_put(o);
}
