/* Event types, and event rows optionally announced with NOTIFY. */
#include "cc.h"

#include "db.h"
#include "events.h"
#include "ids.h"
#include "jsonx.h"
#include "money.h"

static const struct {
	const char	*name;
	unsigned int	 flags;
} types[EV__MAX] = {
	[EV_INVOICE_CREATED] = { "invoice.created", EVF_WEBHOOK },
	[EV_INVOICE_EXPIRED] = { "invoice.expired",
	    EVF_PUBLIC | EVF_FINAL | EVF_WEBHOOK },
	[EV_INVOICE_CANCELLED] = { "invoice.cancelled",
	    EVF_PUBLIC | EVF_FINAL | EVF_WEBHOOK },
	[EV_PAYMENT_DETECTED] = { "payment.detected",
	    EVF_PUBLIC | EVF_WEBHOOK },
	[EV_PAYMENT_CONFIRMING] = { "payment.confirming",
	    EVF_PUBLIC | EVF_WEBHOOK },
	[EV_PAYMENT_CONFIRMED] = { "payment.confirmed",
	    EVF_PUBLIC | EVF_WEBHOOK },
	[EV_PAYMENT_REVERTED] = { "payment.reverted",
	    EVF_PUBLIC | EVF_WEBHOOK },
	[EV_INVOICE_PAID] = { "invoice.paid",
	    EVF_PUBLIC | EVF_FINAL | EVF_WEBHOOK },
	[EV_INVOICE_REFUNDED] = { "invoice.refunded",
	    EVF_PUBLIC | EVF_WEBHOOK },
	[EV_INVOICE_OVERPAID] = { "invoice.overpaid",
	    EVF_PUBLIC | EVF_WEBHOOK },
};

const char *
events_name(enum event_type t)
{
	if ((unsigned int)t >= EV__MAX)
		return NULL;
	return types[t].name;
}

int
events_lookup(const char *name, enum event_type *out)
{
	int t;

	for (t = 0; t < EV__MAX; t++)
		if (strcmp(types[t].name, name) == 0) {
			*out = (enum event_type)t;
			return 0;
		}
	return -1;
}

unsigned int
events_flags(const char *name)
{
	enum event_type t;

	return events_lookup(name, &t) == 0 ? types[t].flags : 0;
}

int
events_add(struct db *db, const char *invoice_id, enum event_type type,
    json_object *data, bool notify)
{
	static const char plain_sql[] =
	    "INSERT INTO events (id, invoice_id, merchant_id, type, data) "
	    "SELECT $1, id, merchant_id, $3, $4::jsonb FROM invoices "
	    "WHERE id = $2";
	static const char notify_sql[] =
	    "WITH e AS (INSERT INTO events (id, invoice_id, merchant_id, "
	    "type, data) SELECT $1, id, merchant_id, $3, $4::jsonb "
	    "FROM invoices WHERE id = $2 RETURNING seq) "
	    "SELECT pg_notify('" EVENTS_CHANNEL "', seq::text) FROM e";
	struct db_params p;
	char id[IDS_MAX_LEN];
	int rc;

	ids_new("evt_", id, sizeof(id));
	db_params_init(&p);
	db_param(&p, id);
	db_param(&p, invoice_id);
	db_param(&p, events_name(type));
	db_param(&p, data ? jsonx_text(data) : "{}");
	rc = db_run_command(db, notify ? notify_sql : plain_sql, &p);
	db_params_release(&p);
	return rc;
}

json_object *
events_payment_json(const struct event_payment *p)
{
	json_object *o = json_object_new_object();
	char txt[96];

	jsonx_add_str(o, "id", p->id);
	if (money_format_units(p->units, p->decimals, txt, sizeof(txt)) == 0)
		jsonx_add(o, "amount", jsonx_decimal(txt));
	jsonx_add_str(o, "asset", p->asset);
	jsonx_add_str(o, "status", p->status);
	jsonx_add(o, "confirmations", json_object_new_int(p->confirmations));
	jsonx_add(o, "required_confirmations",
	    json_object_new_int(p->required_confirmations));
	jsonx_add_str(o, "tx_hash", p->tx_hash);
	jsonx_add(o, "block_number", json_object_new_int64(p->block_number));
	jsonx_add(o, "late", json_object_new_boolean(p->late));
	if (p->previous_status != NULL)
		jsonx_add_str(o, "previous_status", p->previous_status);
	return o;
}
