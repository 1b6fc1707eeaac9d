/* Webhook endpoints and deliveries as the operator sees them. */
#include "cc.h"

#include "audit.h"
#include "db.h"
#include "ids.h"
#include "jsonx.h"
#include "util.h"
#include "whadmin.h"

static const char *const whadmin_errors[WHADMIN_ERR__MAX] = {
	[WHADMIN_OK] = "success",
	[WHADMIN_EBADID] = "not a delivery id (whd_...)",
	[WHADMIN_EFILTER] = "the status must be pending, delivered, failed "
	    "or cancelled, the limit 1.." CC_XSTR(CC_MAX_ADMIN_LIST),
	[WHADMIN_ENOTFOUND] = "no such delivery",
	[WHADMIN_ENOTFINAL] = "only failed or cancelled ones are sent again",
	[WHADMIN_EENDPOINT] = "its endpoint is disabled or deleted",
	[WHADMIN_EDB] = "database error",
};

/* Also the column names of the summary query. */
static const char *const stat_names[WHADMIN_STAT__MAX] = {
	[WHADMIN_PENDING] = "pending",
	[WHADMIN_DUE] = "due",
	[WHADMIN_OLDEST_DUE] = "oldest_due_seconds",
	[WHADMIN_FAILED_24H] = "failed_24h",
	[WHADMIN_DELIVERED_24H] = "delivered_24h",
};

/* webhook_deliveries.status's CHECK, in C. */
const char *const whadmin_statuses[] = {
	"pending", "delivered", "failed", "cancelled", NULL
};

const char *
whadmin_strerror(enum whadmin_err e)
{
	if ((unsigned int)e >= WHADMIN_ERR__MAX)
		return "unknown error";
	return whadmin_errors[e];
}

const char *
whadmin_stat_name(enum whadmin_stat s)
{
	if ((unsigned int)s >= WHADMIN_STAT__MAX)
		return NULL;
	return stat_names[s];
}

bool
whadmin_status_ok(const char *s)
{
	size_t i;

	for (i = 0; whadmin_statuses[i] != NULL; i++)
		if (strcmp(s, whadmin_statuses[i]) == 0)
			return true;
	return false;
}

enum whadmin_err
whadmin_endpoints(struct db *db, const char *merchant_id,
    void (*fn)(const struct whadmin_endpoint *, void *), void *arg)
{
	/* Never the secret. */
	static const char sql[] =
	    "SELECT id, merchant_id, mode, url, "
	    "array_to_string(events, ',') AS events, enabled, "
	    "cc_ts(created_at) AS created_at, cc_ts(deleted_at) AS deleted_at "
	    "FROM webhook_endpoints e WHERE ($1::text IS NULL OR "
	    "merchant_id = $1) ORDER BY e.merchant_id, e.created_at";
	PGresult *res;
	int i;

	res = db_run1(db, sql, merchant_id);
	if (res == NULL)
		return WHADMIN_EDB;
	for (i = 0; i < PQntuples(res); i++) {
		struct whadmin_endpoint e;
		char *events, *tok, *save = NULL;

		e.id = db_val(res, i, "id");
		e.merchant_id = db_val(res, i, "merchant_id");
		e.mode = db_val(res, i, "mode");
		e.url = db_val(res, i, "url");
		e.enabled = strcmp(db_val(res, i, "enabled"), "t") == 0;
		e.created_at = db_val(res, i, "created_at");
		e.deleted_at = db_val(res, i, "deleted_at");
		/* Event names have no commas: split the joined text. */
		events = xstrdup(db_val(res, i, "events"));
		e.nevents = 0;
		for (tok = strtok_r(events, ",", &save); tok != NULL &&
		    e.nevents < WHADMIN_MAX_EVENTS;
		    tok = strtok_r(NULL, ",", &save))
			e.events[e.nevents++] = tok;
		fn(&e, arg);
		free(events);
	}
	PQclear(res);
	return WHADMIN_OK;
}

enum whadmin_err
whadmin_deliveries(struct db *db, const struct whadmin_filter *f,
    void (*fn)(const struct whadmin_delivery *, void *), void *arg)
{
	static const char sql[] =
	    "SELECT d.id, d.merchant_id, d.invoice_id, ev.type AS event, "
	    "coalesce(ep.url, d.url) AS url, d.status, d.attempts, "
	    "d.response_code, d.last_error, "
	    "cc_ts(d.created_at) AS created_at, "
	    "cc_ts(d.next_attempt_at) AS next_attempt_at "
	    "FROM webhook_deliveries d JOIN events ev ON ev.seq = d.event_seq "
	    "LEFT JOIN webhook_endpoints ep ON ep.id = d.endpoint_id "
	    "WHERE ($1::text IS NULL OR d.merchant_id = $1) "
	    "AND ($2::text IS NULL OR d.status = $2) "
	    "ORDER BY d.created_at DESC, d.id DESC LIMIT $3::int";
	struct db_params p;
	PGresult *res;
	int64_t v;
	int i;

	if (f->limit < 1 || f->limit > CC_MAX_ADMIN_LIST ||
	    (f->status != NULL && !whadmin_status_ok(f->status)))
		return WHADMIN_EFILTER;
	db_params_init(&p);
	db_param(&p, f->merchant_id);
	db_param(&p, f->status);
	db_param_int(&p, f->limit);
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return WHADMIN_EDB;
	for (i = 0; i < PQntuples(res); i++) {
		struct whadmin_delivery d;

		d.id = db_val(res, i, "id");
		d.merchant_id = db_val(res, i, "merchant_id");
		d.invoice_id = db_val(res, i, "invoice_id");
		d.event = db_val(res, i, "event");
		d.url = db_val(res, i, "url");
		d.status = db_val(res, i, "status");
		d.attempts = db_val_int64(res, i, "attempts", &v) == 0 ?
		    (int)v : 0;
		d.has_response_code = db_val_int64(res, i, "response_code",
		    &v) == 0;
		d.response_code = d.has_response_code ? (int)v : 0;
		d.last_error = db_val(res, i, "last_error");
		d.created_at = db_val(res, i, "created_at");
		d.next_attempt_at = strcmp(d.status, "pending") == 0 ?
		    db_val(res, i, "next_attempt_at") : NULL;
		fn(&d, arg);
	}
	PQclear(res);
	return WHADMIN_OK;
}

enum whadmin_err
whadmin_summary(struct db *db, struct whadmin_summary *out)
{
	static const char sql[] =
	    "SELECT count(*) FILTER (WHERE status = 'pending') AS pending, "
	    "count(*) FILTER (WHERE status = 'pending' AND "
	    "next_attempt_at <= now()) AS due, "
	    "coalesce(extract(epoch FROM now() - min(next_attempt_at) "
	    "FILTER (WHERE status = 'pending' AND next_attempt_at <= now()))"
	    "::bigint, 0) AS oldest_due_seconds, "
	    "count(*) FILTER (WHERE status = 'failed' AND failed_at > "
	    "now() - interval '24 hours') AS failed_24h, "
	    "count(*) FILTER (WHERE status = 'delivered' AND delivered_at > "
	    "now() - interval '24 hours') AS delivered_24h "
	    "FROM webhook_deliveries WHERE status = 'pending' OR "
	    "created_at > now() - interval '7 days'";
	enum whadmin_err rc = WHADMIN_EDB;
	struct db_params p;
	PGresult *res;
	int s;

	memset(out, 0, sizeof(*out));
	db_params_init(&p);
	res = db_run(db, sql, &p);
	if (res == NULL || PQntuples(res) != 1)
		goto out;
	for (s = 0; s < WHADMIN_STAT__MAX; s++)
		if (db_val_int64(res, 0, stat_names[s], &out->v[s]) == -1)
			goto out;
	rc = WHADMIN_OK;
out:
	PQclear(res);
	return rc;
}

enum whadmin_err
whadmin_retry(struct db *db, const struct audit_actor *who, const char *id,
    char *status, size_t statuslen)
{
	/* The audit row takes the delivery's merchant from the update. */
	static const char sql[] =
	    "WITH upd AS (UPDATE webhook_deliveries d SET status = 'pending', "
	    "next_attempt_at = now(), leased_until = NULL, failed_at = NULL "
	    "WHERE d.id = $1 AND d.status IN ('failed', 'cancelled') "
	    "AND NOT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE "
	    "e.id = d.endpoint_id AND (e.deleted_at IS NOT NULL OR "
	    "NOT e.enabled)) RETURNING d.merchant_id), "
	    "a AS (" AUDIT_INSERT_FROM("upd", "$2::jsonb || "
	    "jsonb_build_object('merchant_id', upd.merchant_id)") ") "
	    "SELECT merchant_id FROM upd";
	static const char state_sql[] =
	    "SELECT status FROM webhook_deliveries WHERE id = $1";
	enum whadmin_err rc = WHADMIN_EDB;
	struct audit_row row;
	struct db_params p, q;
	json_object *d;
	PGresult *res;
	const char *st;

	status[0] = '\0';
	if (!ids_valid("whd_", id))
		return WHADMIN_EBADID;
	d = json_object_new_object();
	jsonx_add_str(d, "delivery_id", id);
	audit_row_init(&row, who, AUDIT_WEBHOOK_DELIVERY_RETRIED, NULL, NULL,
	    d);
	db_params_init(&p);
	db_param(&p, id);
	db_param(&p, audit_row_text(&row));
	db_params_init(&q);
	db_param(&q, id);
	res = db_run(db, sql, &p);
	if (res == NULL)
		goto out;
	if (PQntuples(res) == 1) {
		rc = WHADMIN_OK;
		goto out;
	}
	/* Why not: gone, not final, or its endpoint is off. */
	PQclear(res);
	res = db_run(db, state_sql, &q);
	if (res == NULL)
		goto out;
	if (PQntuples(res) != 1) {
		rc = WHADMIN_ENOTFOUND;
		goto out;
	}
	st = db_val(res, 0, "status");
	cc_strlcpy(status, st, statuslen);
	rc = strcmp(st, "failed") == 0 || strcmp(st, "cancelled") == 0 ?
	    WHADMIN_EENDPOINT : WHADMIN_ENOTFINAL;
out:
	PQclear(res);
	db_params_release(&q);
	db_params_release(&p);
	audit_row_release(&row);
	json_object_put(d);
	return rc;
}
