/* The scanner's side of refunds: matching, completing, reverting. */
#include "cc.h"

#include "address.h"
#include "config.h"
#include "db.h"
#include "events.h"
#include "jsonx.h"
#include "log.h"
#include "money.h"
#include "refund.h"
#include "refundscan.h"
#include "util.h"

struct watched {
	char			 id[48];
	char			 asset[16];
	uint8_t			 dest[20];
	unsigned __int128	 units;
	uint64_t		 after;		/* created_block */
	bool			 taken;
	char			 tx_hash[67];
	int64_t			 log_index;
	uint64_t		 block;
	char			 block_hash[67];
	char			 from[ADDRESS_MAX_LEN];
};

struct refund_watch {
	struct watched	*w;
	size_t		 n;
};

struct refund_watch *
refund_watch_load(struct db *db, const struct cc_network *net)
{
	static const char sql[] =
	    "SELECT id, asset, destination, amount::text AS units, "
	    "coalesce(created_block, 0) AS created_block FROM refunds "
	    "WHERE network = $1 AND status = 'pending' AND tx_hash IS NULL "
	    "AND destination IS NOT NULL ORDER BY created_at, id LIMIT $2::int";
	struct refund_watch *rw;
	struct db_params p;
	PGresult *res;
	int64_t after;
	int i, n;

	db_params_init(&p);
	db_param(&p, net->name);
	db_param_int(&p, REFUNDSCAN_MAX_WATCH);
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return NULL;
	rw = xcalloc(1, sizeof(*rw));
	n = PQntuples(res);
	if (n > 0)
		rw->w = xcalloc((size_t)n, sizeof(*rw->w));
	for (i = 0; i < n; i++) {
		struct watched *x = &rw->w[rw->n];

		if (address_parse(net->kind, db_val(res, i, "destination"),
		    x->dest) != 0 || money_str_to_u128(db_val(res, i,
		    "units"), &x->units) != MONEY_OK ||
		    db_val_int64(res, i, "created_block", &after) == -1) {
			log_error("%s: refund %s: unreadable destination or "
			    "amount", net->name, db_val(res, i, "id"));
			continue;
		}
		cc_strlcpy(x->id, db_val(res, i, "id"), sizeof(x->id));
		cc_strlcpy(x->asset, db_val(res, i, "asset"), sizeof(x->asset));
		x->after = after > 0 ? (uint64_t)after : 0;
		rw->n++;
	}
	PQclear(res);
	return rw;
}

void
refund_watch_free(struct refund_watch *rw)
{
	if (rw == NULL)
		return;
	free(rw->w);
	free(rw);
}

int
refund_watch_find(const struct refund_watch *rw, const char *asset,
    const uint8_t to[20], unsigned __int128 value, uint64_t block)
{
	size_t i;

	if (rw == NULL || asset == NULL)
		return -1;
	for (i = 0; i < rw->n; i++) {
		const struct watched *x = &rw->w[i];

		if (!x->taken && x->units == value && block > x->after &&
		    memcmp(x->dest, to, 20) == 0 &&
		    strcmp(x->asset, asset) == 0)
			return (int)i;
	}
	return -1;
}

void
refund_watch_take(struct refund_watch *rw, int idx, const char *tx_hash,
    int64_t log_index, uint64_t block, const char *block_hash,
    const char *from)
{
	struct watched *x;

	if (rw == NULL || idx < 0 || (size_t)idx >= rw->n)
		return;
	x = &rw->w[idx];
	x->taken = true;
	cc_strlcpy(x->tx_hash, tx_hash, sizeof(x->tx_hash));
	x->log_index = log_index;
	x->block = block;
	cc_strlcpy(x->block_hash, block_hash, sizeof(x->block_hash));
	cc_strlcpy(x->from, from, sizeof(x->from));
}

int
refund_watch_record(struct refund_watch *rw, struct db *db)
{
	/* A transfer already completing another refund completes no other. */
	static const char sql[] =
	    "UPDATE refunds r SET tx_hash = $2, log_index = $3::int, "
	    "block_number = $4::bigint, block_hash = $5, from_address = $6 "
	    "WHERE r.id = $1 AND r.status = 'pending' AND r.tx_hash IS NULL "
	    "AND NOT EXISTS (SELECT 1 FROM refunds o WHERE o.network = "
	    "r.network AND o.tx_hash = $2 AND o.log_index = $3::int)";
	struct db_params p;
	size_t i;
	int rc;

	for (i = 0; rw != NULL && i < rw->n; i++) {
		const struct watched *x = &rw->w[i];

		if (!x->taken)
			continue;
		db_params_init(&p);
		db_param(&p, x->id);
		db_param(&p, x->tx_hash);
		db_param_int(&p, (long long)x->log_index);
		db_param_int(&p, (long long)x->block);
		db_param(&p, x->block_hash);
		db_param(&p, x->from);
		rc = db_run_command(db, sql, &p);
		db_params_release(&p);
		if (rc == -1)
			return -1;
		log_info("refund %s: transfer seen (tx %s, block %llu)",
		    x->id, x->tx_hash, (unsigned long long)x->block);
	}
	return 0;
}

/* The invoice.refunded event of one completed refund. 0/-1. */
static int
completed_event(struct db *db, const PGresult *res, int r)
{
	char txt[MONEY_TEXT_MAX], fiat[48];
	const char *inv = db_val(res, r, "invoice_id");
	json_object *data;
	int64_t dec, exp, minor;
	int rc;

	if (db_val_int64(res, r, "crypto_decimals", &dec) == -1 ||
	    db_val_int64(res, r, "currency_exp", &exp) == -1)
		return -1;
	data = json_object_new_object();
	jsonx_add_str(data, "invoice_id", inv);
	jsonx_add_str(data, "refund_id", db_val(res, r, "id"));
	/* "status" is the invoice's, as in every event's data. */
	jsonx_add_str(data, "refund_status",
	    refund_status_name(REFUND_COMPLETED));
	if (money_format_units_text(db_val(res, r, "units"), (int)dec, txt,
	    sizeof(txt)) != 0)
		goto bad;
	jsonx_add(data, "amount", jsonx_decimal(txt));
	jsonx_add_str(data, "crypto_currency", db_val(res, r, "asset"));
	if (money_format_units_text(db_val(res, r, "refunded_units"),
	    (int)dec, txt, sizeof(txt)) != 0)
		goto bad;
	jsonx_add(data, "refunded_amount", jsonx_decimal(txt));
	if (db_val_int64(res, r, "refunded_fiat", &minor) == 0) {
		money_format_minor(minor, (int)exp, fiat, sizeof(fiat));
		jsonx_add(data, "refunded_fiat_amount", jsonx_decimal(fiat));
	} else
		jsonx_add(data, "refunded_fiat_amount", NULL);
	jsonx_add_str(data, "currency", db_val(res, r, "currency"));
	jsonx_add_str(data, "destination", db_val(res, r, "destination"));
	jsonx_add_str(data, "tx_hash", db_val(res, r, "tx_hash"));
	jsonx_add_str(data, "reason", db_val(res, r, "reason"));
	rc = events_add(db, inv, EV_INVOICE_REFUNDED, data, true);
	json_object_put(data);
	return rc;
bad:
	log_error("refund %s: unreadable amount", db_val(res, r, "id"));
	json_object_put(data);
	return -1;
}

int
refund_scan_confirm(struct db *db, const struct cc_network *net,
    uint64_t head)
{
	/* One by one, so that each event's totals see the ones before. */
	static const char pick_sql[] =
	    "SELECT id FROM refunds WHERE network = $1 AND status = "
	    "'pending' AND tx_hash IS NOT NULL AND $2::bigint - block_number "
	    "+ 1 >= $3::int ORDER BY invoice_id, block_number, log_index "
	    "FOR UPDATE";
	/*
	 * refunded_units: every completed refund of the invoice, this one
	 * included (the CTE's row is not visible to the subqueries, so it
	 * is added); a fiat sum is null when an old record has none.
	 */
	static const char done_sql[] =
	    "WITH done AS (UPDATE refunds SET status = 'completed', "
	    "completed_at = now() WHERE id = $1 AND status = 'pending' "
	    "RETURNING *) "
	    "SELECT d.id, d.invoice_id, d.asset, d.amount::text AS units, "
	    "d.destination, d.tx_hash, d.reason, i.crypto_decimals, "
	    "i.currency_exp, i.currency, "
	    "(d.amount + (SELECT coalesce(sum(o.amount), 0) FROM refunds o "
	    "WHERE o.invoice_id = d.invoice_id AND o.status = 'completed'))"
	    "::text AS refunded_units, "
	    "CASE WHEN d.fiat_minor IS NULL OR EXISTS (SELECT 1 FROM "
	    "refunds o WHERE o.invoice_id = d.invoice_id AND o.status = "
	    "'completed' AND o.fiat_minor IS NULL) THEN NULL ELSE "
	    "d.fiat_minor + (SELECT coalesce(sum(o.fiat_minor), 0) FROM "
	    "refunds o WHERE o.invoice_id = d.invoice_id AND o.status = "
	    "'completed') END AS refunded_fiat "
	    "FROM done d JOIN invoices i ON i.id = d.invoice_id";
	struct db_params p;
	PGresult *ids = NULL, *res = NULL;
	int i, n;

	if (db_begin(db) == -1)
		return -1;
	db_params_init(&p);
	db_param(&p, net->name);
	db_param_int(&p, (long long)head);
	db_param_int(&p, net->confirmations > 0 ? net->confirmations : 1);
	ids = db_run(db, pick_sql, &p);
	db_params_release(&p);
	if (ids == NULL)
		goto fail;
	n = PQntuples(ids);
	for (i = 0; i < n; i++) {
		res = db_run1(db, done_sql, db_val(ids, i, "id"));
		if (res == NULL)
			goto fail;
		if (PQntuples(res) == 1) {
			log_info("%s: refund %s of invoice %s completed "
			    "(tx %s)", net->name, db_val(res, 0, "id"),
			    db_val(res, 0, "invoice_id"),
			    db_val(res, 0, "tx_hash"));
			if (completed_event(db, res, 0) == -1)
				goto fail;
		}
		PQclear(res);
		res = NULL;
	}
	PQclear(ids);
	return db_commit(db);
fail:
	PQclear(res);
	PQclear(ids);
	db_rollback(db);
	return -1;
}

/*
 * The refund.reverted event of a completed refund whose transfer left the
 * chain (row r of the revert's answer): the invoice's totals as they are
 * now, without it. 0/-1.
 */
static int
reverted_event(struct db *db, const PGresult *rv, int r)
{
	static const char sql[] =
	    "SELECT i.crypto_decimals, i.currency_exp, i.currency, "
	    "(SELECT coalesce(sum(o.amount), 0) FROM refunds o WHERE "
	    "o.invoice_id = i.id AND o.status = 'completed')::text "
	    "AS refunded_units, "
	    "CASE WHEN EXISTS (SELECT 1 FROM refunds o WHERE o.invoice_id = "
	    "i.id AND o.status = 'completed' AND o.fiat_minor IS NULL) "
	    "THEN NULL ELSE (SELECT coalesce(sum(o.fiat_minor), 0) FROM "
	    "refunds o WHERE o.invoice_id = i.id AND o.status = "
	    "'completed') END AS refunded_fiat "
	    "FROM invoices i WHERE i.id = $1";
	char txt[MONEY_TEXT_MAX], fiat[48];
	const char *inv = db_val(rv, r, "invoice_id");
	json_object *data = NULL;
	PGresult *res;
	int64_t dec, exp, minor;
	int rc = -1;

	res = db_run1(db, sql, inv);
	if (res == NULL)
		return -1;
	if (PQntuples(res) != 1 || db_val_int64(res, 0, "crypto_decimals",
	    &dec) == -1 || db_val_int64(res, 0, "currency_exp", &exp) == -1)
		goto out;
	data = json_object_new_object();
	jsonx_add_str(data, "invoice_id", inv);
	jsonx_add_str(data, "refund_id", db_val(rv, r, "id"));
	jsonx_add_str(data, "refund_status",
	    refund_status_name(REFUND_PENDING));
	jsonx_add_str(data, "previous_status",
	    refund_status_name(REFUND_COMPLETED));
	if (money_format_units_text(db_val(rv, r, "units"), (int)dec, txt,
	    sizeof(txt)) != 0)
		goto out;
	jsonx_add(data, "amount", jsonx_decimal(txt));
	jsonx_add_str(data, "crypto_currency", db_val(rv, r, "asset"));
	if (money_format_units_text(db_val(res, 0, "refunded_units"),
	    (int)dec, txt, sizeof(txt)) != 0)
		goto out;
	jsonx_add(data, "refunded_amount", jsonx_decimal(txt));
	if (db_val_int64(res, 0, "refunded_fiat", &minor) == 0) {
		money_format_minor(minor, (int)exp, fiat, sizeof(fiat));
		jsonx_add(data, "refunded_fiat_amount", jsonx_decimal(fiat));
	} else
		jsonx_add(data, "refunded_fiat_amount", NULL);
	jsonx_add_str(data, "currency", db_val(res, 0, "currency"));
	jsonx_add_str(data, "destination", db_val(rv, r, "destination"));
	/* The transfer that is no longer on the chain. */
	jsonx_add_str(data, "tx_hash", db_val(rv, r, "undone_tx"));
	jsonx_add_str(data, "reason", db_val(rv, r, "reason"));
	rc = events_add(db, inv, EV_REFUND_REVERTED, data, true);
out:
	if (rc == -1 && data != NULL)
		log_error("refund %s: unreadable amounts", db_val(rv, r, "id"));
	json_object_put(data);
	PQclear(res);
	return rc;
}

int
refund_scan_revert(struct db *db, const struct cc_network *net,
    uint64_t fork)
{
	/*
	 * A completed refund whose transfer is gone is announced like a
	 * reverted payment; one only seen (not completed) never was.
	 */
	static const char sql[] =
	    "WITH old AS (SELECT id, status, tx_hash FROM refunds WHERE "
	    "network = $1 AND tx_hash IS NOT NULL AND block_number > "
	    "$2::bigint FOR UPDATE) "
	    "UPDATE refunds r SET status = 'pending', completed_at = NULL, "
	    "tx_hash = NULL, log_index = NULL, block_number = NULL, "
	    "block_hash = NULL, from_address = NULL FROM old "
	    "WHERE r.id = old.id RETURNING r.id, r.invoice_id, "
	    "old.status AS previous, old.tx_hash AS undone_tx, "
	    "r.amount::text AS units, r.asset, r.destination, r.reason";
	struct db_params p;
	PGresult *res;
	int i, n, rc = 0;

	db_params_init(&p);
	db_param(&p, net->name);
	db_param_int(&p, (long long)fork);
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n && rc == 0; i++) {
		log_warn("%s: refund %s of invoice %s: its transfer %s left "
		    "the chain; pending again", net->name, db_val(res, i, "id"),
		    db_val(res, i, "invoice_id"), db_val(res, i, "undone_tx"));
		if (strcmp(db_val(res, i, "previous"),
		    refund_status_name(REFUND_COMPLETED)) == 0)
			rc = reverted_event(db, res, i);
	}
	PQclear(res);
	return rc;
}
