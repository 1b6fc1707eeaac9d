/* The analytics route: the caller's merchant and mode, as lib/analytics. */
#include "cc.h"

#include "analytics.h"
#include "http.h"
#include "log.h"
#include "routes.h"

void
analytics_get(struct mreq *m)
{
	struct analytics_params p;
	struct http_query q;
	struct input_error e;
	json_object *out = NULL;
	enum analytics_result rc;
	char msg[128];

	memset(&e, 0, sizeof(e));
	if (merchant_query(m, &q) == -1)
		return;
	if (analytics_params_query(&q, m->c->cfg, &p, &e) == -1)
		goto invalid;
	rc = analytics_run(m->c->db, m->c->cfg, m->auth.merchant_id,
	    apikey_mode(&m->auth), &p, "timezone", 422, "currency", &out, &e);
	switch (rc) {
	case ANALYTICS_OK:
		http_json(&m->c->resp, 200, out);
		goto out;
	case ANALYTICS_INVALID:
		goto invalid;
	default:
		snprintf(msg, sizeof(msg), "analytics (%s)",
		    analytics_strerror(rc));
		merchant_internal_error(m, msg);
		goto out;
	}
invalid:
	http_error_ex(&m->c->resp, e.status, e.type, e.code, e.message,
	    e.field[0] ? e.field : NULL, e.extra);
	e.extra = NULL;
out:
	json_object_put(out);
	input_error_release(&e);
	http_query_release(&q);
}
