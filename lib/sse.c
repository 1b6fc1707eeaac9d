/* The customer's event messages. */
#include "cc.h"

#include "events.h"
#include "jsonx.h"
#include "sse.h"
#include "util.h"

static void
copy(json_object *to, json_object *from, const char *key)
{
	json_object *v;

	if (from != NULL && json_object_object_get_ex(from, key, &v))
		jsonx_add(to, key, json_object_get(v));
}

char *
sse_message(const char *id, const char *type, json_object *data,
    json_object *view)
{
	json_object *m = json_object_new_object(), *p;
	char *out;

	jsonx_add_str(m, "event", type);
	if (data != NULL && json_object_object_get_ex(data, "payment", &p)) {
		json_object *q = json_object_new_object();

		copy(q, p, "amount");
		copy(q, p, "status");
		copy(q, p, "confirmations");
		copy(q, p, "required_confirmations");
		copy(q, p, "tx_hash");
		jsonx_add(m, "payment", q);
	}
	if (view != NULL) {
		copy(m, view, "status");
		copy(m, view, "payment_progress");
		copy(m, view, "paid_at");
	} else
		copy(m, data, "status");
	out = xasprintf("id: %s\ndata: %s\n\n", id, jsonx_text(m));
	json_object_put(m);
	return out;
}

char *
sse_event_message(const struct events_row *e, json_object *view)
{
	json_object *data;
	char err[64], *msg;

	data = jsonx_parse(e->data, strlen(e->data), err, sizeof(err));
	msg = sse_message(e->id, e->type, data, view);
	json_object_put(data);
	return msg;
}
