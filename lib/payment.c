/* Recomputing an invoice from its payments and the clock. */
#include "cc.h"

#include "db.h"
#include "events.h"
#include "failpoint.h"
#include "ids.h"
#include "jsonx.h"
#include "lifecycle.h"
#include "log.h"
#include "money.h"
#include "payment.h"
#include "util.h"
#include "valuation.h"

static void
add_units(json_object *o, const char *key, unsigned __int128 units, int dec)
{
	char txt[64];

	if (money_format_units(units, dec, txt, sizeof(txt)) == 0)
		jsonx_add(o, key, jsonx_decimal(txt));
}

/* What an overpayment owes: a credit or a refund record. */
static int
record_overpayment(struct db *db, const char *invoice_id,
    const char *merchant, const char *asset, const char *action,
    unsigned __int128 units)
{
	static const char credit_sql[] =
	    "INSERT INTO credits (id, merchant_id, invoice_id, asset, amount, "
	    "reason) VALUES ($1, $2, $3, $4, $5::numeric, 'overpayment')";
	static const char refund_sql[] =
	    "INSERT INTO refunds (id, merchant_id, invoice_id, asset, amount, "
	    "reason, status, network, currency, variant) SELECT $1, $2, $3, "
	    "$4, $5::numeric, 'overpayment', 'awaiting_destination', "
	    "network, currency, 'overpaid' FROM invoices WHERE id = $3";
	char id[IDS_MAX_LEN], amt[48];
	struct db_params p;
	bool refund = strcmp(action, "refund") == 0;
	int rc;

	if (units == 0)
		return 0;
	ids_new(refund ? "ref_" : "cre_", id, sizeof(id));
	money_u128_to_str(units, amt, sizeof(amt));
	db_params_init(&p);
	db_param(&p, id);
	db_param(&p, merchant);
	db_param(&p, invoice_id);
	db_param(&p, asset);
	db_param(&p, amt);
	rc = db_run_command(db, refund ? refund_sql : credit_sql, &p);
	db_params_release(&p);
	return rc;
}

/*
 * The confirmed payment that completed the invoice, as the spec's payload
 * names it: payment_id, tx_hash (null if none) and confirmations. 0 or -1.
 */
static int
add_paying_payment(struct db *db, const char *invoice_id, json_object *data)
{
	static const char sql[] =
	    "SELECT id, tx_hash, confirmations FROM payments "
	    "WHERE invoice_id = $1 AND status = 'confirmed' AND NOT late "
	    "ORDER BY confirmed_at DESC, id DESC LIMIT 1";
	PGresult *res;
	int64_t conf;
	bool found;

	res = db_run1(db, sql, invoice_id);
	if (res == NULL)
		return -1;
	found = PQntuples(res) == 1;
	jsonx_add_str(data, "payment_id", found ? db_val(res, 0, "id") :
	    NULL);
	jsonx_add_str(data, "tx_hash", found ? db_val(res, 0, "tx_hash") :
	    NULL);
	if (found && db_val_int64(res, 0, "confirmations", &conf) == 0)
		jsonx_add(data, "confirmations", json_object_new_int64(conf));
	PQclear(res);
	return 0;
}

enum payment_result
payment_recompute(struct db *db, const char *invoice_id, bool viewed)
{
	static const char load_sql[] =
	    "SELECT i.status, i.total_minor, i.underpay_minor, "
	    "i.overpay_minor, i.currency_exp, i.rate::text AS rate, "
	    "i.crypto_decimals, "
	    "extract(epoch FROM i.expires_at)::bigint AS expires_at, "
	    "i.overpaid_at IS NOT NULL AS overpaid_before, i.crypto_currency, "
	    "i.merchant_id, i.overpay_action, "
	    "(SELECT coalesce(sum(amount), 0) FROM payments p WHERE "
	    "p.invoice_id = i.id AND p.status = 'confirmed' AND NOT p.late "
	    "AND p.rate_locked)::text AS confirmed_units, "
	    "(SELECT coalesce(sum(amount), 0) FROM payments p WHERE "
	    "p.invoice_id = i.id AND p.status <> 'reverted' AND NOT p.late "
	    "AND p.rate_locked)"
	    "::text AS seen_units, extract(epoch FROM now())::bigint AS now, "
	    "i.currency FROM invoices i WHERE i.id = $1 FOR UPDATE";
	static const char update_sql[] =
	    "UPDATE invoices SET status = $2, "
	    "paid_at = CASE WHEN $2 = 'paid' THEN coalesce(paid_at, now()) "
	    "WHEN $3::boolean THEN NULL ELSE paid_at END, "
	    "expired_at = CASE WHEN $2 = 'expired' THEN coalesce(expired_at, "
	    "now()) ELSE expired_at END, "
	    "viewed_at = CASE WHEN $4::boolean THEN "
	    "coalesce(viewed_at, now()) ELSE viewed_at END, "
	    "overpaid_at = CASE WHEN $5::boolean THEN now() "
	    "ELSE overpaid_at END WHERE id = $1 "
	    "RETURNING cc_ts(paid_at) AS paid_at";
	struct lifecycle_in in;
	struct lifecycle_out out;
	struct valuation_sums vs;
	struct db_params p;
	char merchant[64], asset[16], action[24], currency[8];
	PGresult *res, *upd = NULL;
	json_object *data = NULL;
	int64_t v;
	enum payment_result rc = PAYMENT_DB_ERROR;

	/* Payments within the lock, and pegs; the scanner did the rest. */
	if (valuation_apply(db, invoice_id, -1) == -1)
		return PAYMENT_DB_ERROR;
	res = db_run1(db, load_sql, invoice_id);
	if (res == NULL)
		return PAYMENT_DB_ERROR;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return PAYMENT_NOT_FOUND;
	}
	memset(&in, 0, sizeof(in));
	if (inv_status_from_name(db_val(res, 0, "status"), &in.status) ==
	    -1 || db_val_int64(res, 0, "total_minor", &in.total_minor) == -1 ||
	    db_val_int64(res, 0, "underpay_minor", &in.underpay_minor) == -1 ||
	    db_val_int64(res, 0, "overpay_minor", &in.overpay_minor) == -1 ||
	    db_val_int64(res, 0, "currency_exp", &v) == -1 ||
	    money_parse_dec(db_val(res, 0, "rate"), 38, &in.rate) != MONEY_OK)
		goto bad;
	in.exponent = (int)v;
	if (db_val_int64(res, 0, "crypto_decimals", &v) == -1)
		goto bad;
	in.decimals = (int)v;
	if (db_val_int64(res, 0, "expires_at", &in.expires_at) == -1 ||
	    money_str_to_u128(db_val(res, 0, "confirmed_units"),
	    &in.confirmed_units) != MONEY_OK ||
	    money_str_to_u128(db_val(res, 0, "seen_units"), &in.seen_units) !=
	    MONEY_OK || db_val_int64(res, 0, "now", &in.now) == -1)
		goto bad;
	in.overpaid_before = db_val(res, 0, "overpaid_before")[0] == 't';
	in.viewed = viewed;
	cc_strlcpy(asset, db_val(res, 0, "crypto_currency"), sizeof(asset));
	cc_strlcpy(merchant, db_val(res, 0, "merchant_id"), sizeof(merchant));
	cc_strlcpy(action, db_val(res, 0, "overpay_action"), sizeof(action));
	cc_strlcpy(currency, db_val(res, 0, "currency"), sizeof(currency));
	PQclear(res);
	res = NULL;
	if (valuation_load_sums(db, invoice_id, in.decimals, in.exponent,
	    &vs) == -1)
		return PAYMENT_BROKEN;
	in.repriced_confirmed_minor = vs.confirmed_minor;
	in.repriced_seen_minor = vs.seen_minor;
	in.repriced_confirmed_units = vs.confirmed_units;
	in.repriced_rate = vs.last_rate;
	in.awaiting_rate = vs.awaiting;

	lifecycle_next(&in, &out);
	if (out.error != 0) {
		log_error("invoice %s: inconsistent amounts, state kept",
		    invoice_id);
		return PAYMENT_OK;
	}
	if (out.status == in.status && !out.overpaid && !out.reopened &&
	    !(viewed && in.status == INV_CREATED))
		return PAYMENT_OK;
	db_params_init(&p);
	db_param(&p, invoice_id);
	db_param(&p, inv_status_name(out.status));
	db_param_bool(&p, out.reopened);
	db_param_bool(&p, viewed);
	db_param_bool(&p, out.overpaid);
	upd = db_run(db, update_sql, &p);
	db_params_release(&p);
	if (upd == NULL)
		goto out;
	/* The invoice's new state is written, its events not yet. */
	failpoint("recompute.after_update");

	data = json_object_new_object();
	jsonx_add_str(data, "invoice_id", invoice_id);
	jsonx_add_str(data, "status", inv_status_name(out.status));
	jsonx_add_str(data, "currency", currency);
	jsonx_add_str(data, "crypto_currency", asset);
	{
		char txt[48];

		money_format_minor(in.total_minor, in.exponent, txt,
		    sizeof(txt));
		jsonx_add(data, "total_amount", jsonx_decimal(txt));
		money_format_minor(out.received_minor, in.exponent, txt,
		    sizeof(txt));
		jsonx_add(data, "total_received", jsonx_decimal(txt));
	}
	add_units(data, "crypto_received", in.confirmed_units +
	    in.repriced_confirmed_units, in.decimals);
	if (out.paid) {
		if (add_paying_payment(db, invoice_id, data) == -1)
			goto out;
		jsonx_add_str(data, "paid_at", db_val(upd, 0, "paid_at"));
		if (events_add(db, invoice_id, EV_INVOICE_PAID, data,
		    true) == -1)
			goto out;
	}
	if (out.expired && events_add(db, invoice_id, EV_INVOICE_EXPIRED,
	    data, true) == -1)
		goto out;
	if (out.overpaid) {
		json_object *o = json_object_new_object();
		int added;

		jsonx_add_str(o, "invoice_id", invoice_id);
		add_units(o, "overpaid_amount", out.overpaid_units,
		    in.decimals);
		jsonx_add_str(o, "crypto_currency", asset);
		jsonx_add_str(o, "overpayment_action", action);
		added = events_add(db, invoice_id, EV_INVOICE_OVERPAID, o,
		    true);
		json_object_put(o);
		if (added == -1 || record_overpayment(db, invoice_id,
		    merchant, asset, action, out.overpaid_units) == -1)
			goto out;
	}
	failpoint("recompute.after_events");
	rc = PAYMENT_OK;
out:
	json_object_put(data);
	PQclear(upd);
	return rc;
bad:
	log_error("invoice %s: unreadable stored values", invoice_id);
	PQclear(res);
	return PAYMENT_BROKEN;
}

enum payment_result
payment_mark_viewed(struct db *db, const char *invoice_id)
{
	enum payment_result rc;

	if (db_begin(db) == -1)
		return PAYMENT_DB_ERROR;
	rc = payment_recompute(db, invoice_id, true);
	if (rc != PAYMENT_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) == 0 ? PAYMENT_OK : PAYMENT_DB_ERROR;
}

enum payment_result
payment_expire_due(struct db *db, int limit, int *due)
{
	static const char sql[] =
	    "SELECT id FROM invoices WHERE status IN ('created', 'pending') "
	    "AND expires_at <= now() ORDER BY expires_at "
	    "LIMIT $1::int FOR UPDATE SKIP LOCKED";
	struct db_params p;
	PGresult *res;
	enum payment_result rc = PAYMENT_DB_ERROR;
	int i, n;

	*due = 0;
	if (db_begin(db) == -1)
		return PAYMENT_DB_ERROR;
	db_params_init(&p);
	db_param_int(&p, limit);
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		goto fail;
	n = PQntuples(res);
	/* Due invoices locked by this transaction. */
	if (n > 0)
		failpoint("expire.after_claim");
	for (i = 0; i < n; i++) {
		rc = payment_recompute(db, db_val(res, i, "id"), false);
		/* Only a failure ends the sweep (claimed rows are there). */
		if (rc != PAYMENT_OK && rc != PAYMENT_NOT_FOUND)
			goto fail;
	}
	PQclear(res);
	if (n > 0)
		failpoint("expire.before_commit");
	if (db_commit(db) == -1)
		return PAYMENT_DB_ERROR;
	if (n > 0)
		failpoint("expire.after_commit");
	*due = n;
	return PAYMENT_OK;
fail:
	PQclear(res);
	db_rollback(db);
	return rc;
}

const char *
payment_strerror(enum payment_result r)
{
	static const char *const text[PAYMENT__MAX] = {
		[PAYMENT_OK] = "done",
		[PAYMENT_NOT_FOUND] = "no such invoice",
		[PAYMENT_DB_ERROR] = "a database statement failed",
		[PAYMENT_BROKEN] = "the stored invoice cannot be used",
	};

	if ((unsigned int)r >= PAYMENT__MAX)
		return "unknown result";
	return text[r];
}
