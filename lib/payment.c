/* Recomputing an invoice from its payments and the clock. */
#include "cc.h"

#include <errno.h>

#include "db.h"
#include "events.h"
#include "ids.h"
#include "jsonx.h"
#include "lifecycle.h"
#include "log.h"
#include "money.h"
#include "payment.h"
#include "util.h"

static int
to_i64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s)
		return -1;
	*out = v;
	return 0;
}

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
	    "reason) VALUES ($1, $2, $3, $4, $5::numeric, 'overpayment')";
	char id[IDS_MAX_LEN], amt[48];
	const char *p[5];
	bool refund = strcmp(action, "refund") == 0;

	if (units == 0)
		return 0;
	ids_new(refund ? "ref_" : "cre_", id, sizeof(id));
	money_u128_to_str(units, amt, sizeof(amt));
	p[0] = id;
	p[1] = merchant;
	p[2] = invoice_id;
	p[3] = asset;
	p[4] = amt;
	return db_command(db, refund ? refund_sql : credit_sql, 5, p);
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
	const char *p[1] = { invoice_id };
	PGresult *res;
	bool found;

	res = db_query(db, sql, 1, p);
	if (res == NULL)
		return -1;
	found = PQntuples(res) == 1;
	jsonx_add_str(data, "payment_id", found ? PQgetvalue(res, 0, 0) :
	    NULL);
	jsonx_add_str(data, "tx_hash", found ? PQgetvalue(res, 0, 1) : NULL);
	if (found)
		jsonx_add(data, "confirmations", json_object_new_int(
		    (int)strtol(PQgetvalue(res, 0, 2), NULL, 10)));
	PQclear(res);
	return 0;
}

int
payment_recompute(struct db *db, const char *invoice_id, bool viewed)
{
	static const char load_sql[] =
	    "SELECT i.status, i.total_minor, i.underpay_minor, "
	    "i.overpay_minor, i.currency_exp, i.rate::text, "
	    "i.crypto_decimals, extract(epoch FROM i.expires_at)::bigint, "
	    "i.overpaid_at IS NOT NULL, i.crypto_currency, i.merchant_id, "
	    "i.overpay_action, "
	    "(SELECT coalesce(sum(amount), 0) FROM payments p WHERE "
	    "p.invoice_id = i.id AND p.status = 'confirmed' AND NOT p.late)"
	    "::text, "
	    "(SELECT coalesce(sum(amount), 0) FROM payments p WHERE "
	    "p.invoice_id = i.id AND p.status <> 'reverted' AND NOT p.late)"
	    "::text, extract(epoch FROM now())::bigint, i.currency "
	    "FROM invoices i WHERE i.id = $1 FOR UPDATE";
	static const char update_sql[] =
	    "UPDATE invoices SET status = $2, "
	    "paid_at = CASE WHEN $2 = 'paid' THEN coalesce(paid_at, now()) "
	    "WHEN $3::boolean THEN NULL ELSE paid_at END, "
	    "expired_at = CASE WHEN $2 = 'expired' THEN coalesce(expired_at, "
	    "now()) ELSE expired_at END, "
	    "viewed_at = CASE WHEN $4::boolean THEN coalesce(viewed_at, now()) "
	    "ELSE viewed_at END, "
	    "overpaid_at = CASE WHEN $5::boolean THEN now() "
	    "ELSE overpaid_at END WHERE id = $1 "
	    "RETURNING cc_ts(paid_at)";
	struct lifecycle_in in;
	struct lifecycle_out out;
	const char *p[5];
	char merchant[64], asset[16], action[24], currency[8];
	PGresult *res, *upd = NULL;
	json_object *data = NULL;
	int64_t v;
	int rc = -1;

	p[0] = invoice_id;
	res = db_query(db, load_sql, 1, p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return 1;
	}
	memset(&in, 0, sizeof(in));
	if (inv_status_from_name(PQgetvalue(res, 0, 0), &in.status) == -1 ||
	    to_i64(PQgetvalue(res, 0, 1), &in.total_minor) == -1 ||
	    to_i64(PQgetvalue(res, 0, 2), &in.underpay_minor) == -1 ||
	    to_i64(PQgetvalue(res, 0, 3), &in.overpay_minor) == -1 ||
	    to_i64(PQgetvalue(res, 0, 4), &v) == -1 ||
	    money_parse_dec(PQgetvalue(res, 0, 5), 38, &in.rate) != MONEY_OK)
		goto bad;
	in.exponent = (int)v;
	if (to_i64(PQgetvalue(res, 0, 6), &v) == -1)
		goto bad;
	in.decimals = (int)v;
	if (to_i64(PQgetvalue(res, 0, 7), &in.expires_at) == -1 ||
	    money_str_to_u128(PQgetvalue(res, 0, 12), &in.confirmed_units) !=
	    MONEY_OK ||
	    money_str_to_u128(PQgetvalue(res, 0, 13), &in.seen_units) !=
	    MONEY_OK || to_i64(PQgetvalue(res, 0, 14), &in.now) == -1)
		goto bad;
	in.overpaid_before = PQgetvalue(res, 0, 8)[0] == 't';
	in.viewed = viewed;
	cc_strlcpy(asset, PQgetvalue(res, 0, 9), sizeof(asset));
	cc_strlcpy(merchant, PQgetvalue(res, 0, 10), sizeof(merchant));
	cc_strlcpy(action, PQgetvalue(res, 0, 11), sizeof(action));
	cc_strlcpy(currency, PQgetvalue(res, 0, 15), sizeof(currency));
	PQclear(res);
	res = NULL;

	lifecycle_next(&in, &out);
	if (out.error != 0) {
		log_error("invoice %s: inconsistent amounts, state kept",
		    invoice_id);
		return 0;
	}
	if (out.status == in.status && !out.overpaid && !out.reopened &&
	    !(viewed && in.status == INV_CREATED))
		return 0;
	p[1] = inv_status_name(out.status);
	p[2] = out.reopened ? "true" : "false";
	p[3] = viewed ? "true" : "false";
	p[4] = out.overpaid ? "true" : "false";
	upd = db_query(db, update_sql, 5, p);
	if (upd == NULL)
		goto out;

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
	add_units(data, "crypto_received", in.confirmed_units, in.decimals);
	if (out.paid) {
		if (add_paying_payment(db, invoice_id, data) == -1)
			goto out;
		jsonx_add_str(data, "paid_at", db_get(upd, 0, 0));
		if (events_add(db, invoice_id, EV_INVOICE_PAID, data,
		    true) == -1)
			goto out;
	}
	if (out.expired && events_add(db, invoice_id, EV_INVOICE_EXPIRED,
	    data, true) == -1)
		goto out;
	if (out.overpaid) {
		json_object *o = json_object_new_object();

		jsonx_add_str(o, "invoice_id", invoice_id);
		add_units(o, "overpaid_amount", out.overpaid_units,
		    in.decimals);
		jsonx_add_str(o, "crypto_currency", asset);
		jsonx_add_str(o, "overpayment_action", action);
		rc = events_add(db, invoice_id, EV_INVOICE_OVERPAID, o, true);
		json_object_put(o);
		if (rc == -1 || record_overpayment(db, invoice_id, merchant,
		    asset, action, out.overpaid_units) == -1) {
			rc = -1;
			goto out;
		}
	}
	rc = 0;
out:
	json_object_put(data);
	PQclear(upd);
	return rc;
bad:
	log_error("invoice %s: unreadable stored values", invoice_id);
	PQclear(res);
	return -1;
}

int
payment_mark_viewed(struct db *db, const char *invoice_id)
{
	int rc;

	if (db_begin(db) == -1)
		return -1;
	rc = payment_recompute(db, invoice_id, true);
	if (rc != 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int
payment_expire_due(struct db *db, int limit)
{
	static const char sql[] =
	    "SELECT id FROM invoices WHERE status IN ('created', 'pending') "
	    "AND expires_at <= now() ORDER BY expires_at "
	    "LIMIT $1::int FOR UPDATE SKIP LOCKED";
	struct db_params p;
	PGresult *res;
	int i, n;

	if (db_begin(db) == -1)
		return -1;
	db_params_init(&p);
	db_param_int(&p, limit);
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		goto fail;
	n = PQntuples(res);
	for (i = 0; i < n; i++)
		if (payment_recompute(db, db_val(res, i, "id"), false) == -1)
			goto fail;
	PQclear(res);
	if (db_commit(db) == -1)
		return -1;
	return n;
fail:
	PQclear(res);
	db_rollback(db);
	return -1;
}
