/* Event types, and event rows optionally announced with NOTIFY. */
#include "cc.h"

#include "db.h"
#include "events.h"
#include "ids.h"
#include "jsonx.h"
#include "lifecycle.h"
#include "log.h"
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
	/* A reorganisation took a completed refund's transfer away. */
	[EV_REFUND_REVERTED] = { "refund.reverted",
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
	/* Pending (0 confirmations): no block yet. */
	jsonx_add(o, "block_number", p->block_number < 0 ? NULL :
	    json_object_new_int64(p->block_number));
	jsonx_add(o, "late", json_object_new_boolean(p->late));
	if (p->previous_status != NULL)
		jsonx_add_str(o, "previous_status", p->previous_status);
	if (p->simulated)
		jsonx_add(o, "simulated", json_object_new_boolean(true));
	return o;
}

void
events_param_types(struct db_params *p, unsigned int flags)
{
	struct db_array a;
	int t;

	db_array_init(&a);
	for (t = 0; t < EV__MAX; t++)
		if ((types[t].flags & flags) == flags)
			db_array_add(&a, types[t].name);
	db_param_array_take(p, &a);
}

/* Hands the rows of an events query to fn; the last seq to *after. */
static int
each_row(PGresult *res, int64_t *after,
    void (*fn)(void *, const struct events_row *), void *arg)
{
	struct events_row e;
	int i, n;

	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		if (db_val_int64(res, i, "seq", &e.seq) == -1) {
			log_error("events: a row without a seq");
			return -1;
		}
		*after = e.seq;
		e.id = db_val(res, i, "id");
		e.invoice_id = db_val(res, i, "invoice_id");
		e.type = db_val(res, i, "type");
		e.data = db_val(res, i, "data");
		if (e.id == NULL || e.invoice_id == NULL || e.type == NULL ||
		    e.data == NULL)
			continue;	/* not an invoice's event */
		fn(arg, &e);
	}
	return n;
}

/*
 * Runs sql, whose parameters are [invoice_id,] after, the type names of
 * flags and max, and hands each row to fn: events_since and
 * events_replay differ only in their WHERE clause.
 */
static int
read_rows(struct db *db, const char *sql, const char *invoice_id,
    int64_t *after, unsigned int flags, int max,
    void (*fn)(void *, const struct events_row *), void *arg)
{
	struct db_params p;
	PGresult *res;
	int n;

	db_params_init(&p);
	if (invoice_id != NULL)
		db_param(&p, invoice_id);
	db_param_int(&p, *after);
	events_param_types(&p, flags);
	db_param_int(&p, max);
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	n = each_row(res, after, fn, arg);
	PQclear(res);
	return n;
}

int
events_since(struct db *db, int64_t *after, unsigned int flags, int max,
    void (*fn)(void *, const struct events_row *), void *arg)
{
	static const char sql[] =
	    "SELECT seq, id, invoice_id, type, data::text AS data FROM events "
	    "WHERE seq > $1::bigint AND type = ANY ($2::text[]) "
	    "ORDER BY seq LIMIT $3::int";

	return read_rows(db, sql, NULL, after, flags, max, fn, arg);
}

int
events_replay(struct db *db, const char *invoice_id, int64_t *after,
    unsigned int flags, int max,
    void (*fn)(void *, const struct events_row *), void *arg)
{
	static const char sql[] =
	    "SELECT seq, id, invoice_id, type, data::text AS data FROM events "
	    "WHERE invoice_id = $1 AND seq > $2::bigint "
	    "AND type = ANY ($3::text[]) ORDER BY seq LIMIT $4::int";

	return read_rows(db, sql, invoice_id, after, flags, max, fn, arg);
}

int
events_seq_of(struct db *db, const char *invoice_id, const char *event_id,
    int64_t *seq)
{
	static const char sql[] =
	    "SELECT seq FROM events WHERE id = $1 AND invoice_id = $2";
	struct db_params p;
	PGresult *res;
	int rc = -1;

	db_params_init(&p);
	db_param(&p, event_id);
	db_param(&p, invoice_id);
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) != 1)
		rc = 1;
	else if (db_val_int64(res, 0, "seq", seq) == 0)
		rc = 0;
	PQclear(res);
	return rc;
}

int
events_last_seq(struct db *db, int64_t *out)
{
	static const char sql[] =
	    "SELECT coalesce(max(seq), 0) AS seq FROM events";
	PGresult *res;
	int rc;

	res = db_query(db, sql, 0, NULL);
	if (res == NULL)
		return -1;
	rc = db_val_int64(res, 0, "seq", out);
	PQclear(res);
	return rc;
}

int
events_stream_state(struct db *db, const char *invoice_id, bool *final,
    int64_t *last_seq)
{
	static const char sql[] =
	    "SELECT status, (SELECT coalesce(max(seq), 0) FROM events) "
	    "AS last_seq FROM invoices WHERE id = $1";
	enum inv_status st;
	PGresult *res;
	int rc = -1;

	res = db_run1(db, sql, invoice_id);
	if (res == NULL)
		return -1;
	if (PQntuples(res) != 1) {
		rc = 1;
		goto out;
	}
	if (inv_status_from_name(db_val(res, 0, "status"), &st) == -1 ||
	    db_val_int64(res, 0, "last_seq", last_seq) == -1)
		goto out;
	*final = st == INV_PAID || st == INV_EXPIRED || st == INV_CANCELLED;
	rc = 0;
out:
	PQclear(res);
	return rc;
}
