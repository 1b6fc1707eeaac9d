/* Audit log rows: the event names and the one writer. */
#include "cc.h"

#include "audit.h"
#include "db.h"
#include "jsonx.h"

static const char *const names[AUDIT__MAX] = {
	[AUDIT_MERCHANT_CREATED] = "merchant.created",
	[AUDIT_API_KEY_CREATED] = "api_key.created",
	[AUDIT_API_KEY_REVOKED] = "api_key.revoked",
	[AUDIT_WALLET_ADDED] = "wallet.added",
	[AUDIT_INVOICE_CREATED] = "invoice.created",
	[AUDIT_INVOICE_CANCELLED] = "invoice.cancelled",
	[AUDIT_WEBHOOK_ENDPOINT_CREATED] = "webhook_endpoint.created",
	[AUDIT_WEBHOOK_ENDPOINT_UPDATED] = "webhook_endpoint.updated",
	[AUDIT_WEBHOOK_ENDPOINT_DELETED] = "webhook_endpoint.deleted",
	[AUDIT_WEBHOOK_ENDPOINT_SECRET_ROTATED] =
	    "webhook_endpoint.secret_rotated",
	[AUDIT_WEBHOOK_DELIVERY_RETRIED] = "webhook_delivery.retried",
	[AUDIT_INVOICE_WEBHOOK_SECRET_ROTATED] =
	    "invoice_webhook_secret.rotated",
	[AUDIT_API_TOKEN_ISSUED] = "api_token.issued",
	[AUDIT_RATELIMIT_SET] = "ratelimit.set",
	[AUDIT_RATELIMIT_CLEARED] = "ratelimit.cleared",
	[AUDIT_AUTH_FAILED] = "auth.failed",
	[AUDIT_REFUND_CREATED] = "refund.created",
	[AUDIT_REFUND_DESTINATION_SET] = "refund.destination_set",
	[AUDIT_INVOICE_SIMULATED] = "invoice.simulated",
};

const char *
audit_event_name(enum audit_event e)
{
	if ((unsigned int)e >= AUDIT__MAX)
		return NULL;
	return names[e];
}

void
audit_row_init(struct audit_row *row, const struct audit_actor *who,
    enum audit_event event, const char *merchant_id, const char *invoice_id,
    json_object *details)
{
	json_object *o;

	ids_new("audit_", row->id, sizeof(row->id));
	o = json_object_new_object();
	/* Keys are audit_log's column names: see AUDIT_INSERT. */
	jsonx_add_str(o, "id", row->id);
	jsonx_add_str(o, "merchant_id", merchant_id);
	jsonx_add_str(o, "invoice_id", invoice_id);
	jsonx_add_str(o, "event", audit_event_name(event));
	jsonx_add_str(o, "actor", who->name);
	jsonx_add_str(o, "ip_address", who->ip);
	jsonx_add_str(o, "user_agent", who->user_agent);
	jsonx_add_str(o, "request_id", who->request_id);
	jsonx_add(o, "details", details != NULL ? json_object_get(details) :
	    json_object_new_object());
	row->json = o;
}

const char *
audit_row_text(struct audit_row *row)
{
	return jsonx_text(row->json);
}

void
audit_row_release(struct audit_row *row)
{
	json_object_put(row->json);
	row->json = NULL;
}

int
audit_write(struct db *db, const struct audit_actor *who,
    enum audit_event event, const char *merchant_id, const char *invoice_id,
    json_object *details)
{
	static const char sql[] = AUDIT_INSERT("$1");
	struct audit_row row;
	struct db_params p;
	int rc;

	audit_row_init(&row, who, event, merchant_id, invoice_id, details);
	db_params_init(&p);
	db_param(&p, audit_row_text(&row));
	rc = db_run_command(db, sql, &p);
	db_params_release(&p);
	audit_row_release(&row);
	return rc;
}
