/* Chain scanner core: batches, payments, confirmations, reorganisations. */
#include "cc.h"

#include <errno.h>
#include <time.h>

#include "address.h"
#include "addrset.h"
#include "config.h"
#include "db.h"
#include "events.h"
#include "evm.h"
#include "failpoint.h"
#include "ids.h"
#include "jsonx.h"
#include "lifecycle.h"
#include "log.h"
#include "money.h"
#include "payment.h"
#include "pending.h"
#include "refundscan.h"
#include "rpc.h"
#include "scan.h"
#include "util.h"
#include "valuation.h"
#include "netfee.h"

#define SCAN_RPC_TIMEOUT_MS	15000
/*
 * The end of a --for window starts no new step; the one under way
 * finishes. Each of its node calls (with its retries) may take this long
 * past the end, or past its own start once the end has passed, so that a
 * call that began just before the end is not cut short and taken for a
 * node failure (exit 1, a cron mail). A node that cannot answer within it
 * is failing.
 */
#define SCAN_FINISH_MS		3000
/* Per step: invoices revalued when a rate came, receipts read for fees. */
#define SCAN_VALUE_MAX		20
#define SCAN_FEE_MAX		32
#define SCAN_FEE_FAILURES	3	/* node errors that end a step's fees */

struct inv_ref {
	char	 id[48];
	char	 asset[16];
};

struct block {
	struct evm_block	 hdr;
	json_object		*obj;	/* the whole block, with transactions */
};

struct candidate {
	const struct inv_ref	*inv;
	const struct cc_asset	*asset;
	char			 tx_hash[67];
	int64_t			 log_index;
	uint64_t		 block_number;
	char			 block_hash[67];
	uint64_t		 block_time;	/* the block's timestamp */
	/* NETFEE_OK: fee read from the receipt already (native coin) */
	enum netfee_result	 fee_rc;
	unsigned __int128	 fee;
	uint8_t			 from[20];
	uint8_t			 to[20];
	unsigned __int128	 value;
};

struct scanner {
	struct db		*db;
	const struct cc_network	*net;
	const struct scan_opts	*opts;
	struct rpc		*rpc;
	struct addrset		*set;
	struct inv_ref		*invs;
	size_t			 ninvs;
	size_t			 capinvs;
	int64_t			 loaded_at;	/* database clock, seconds */
	const struct cc_asset	*native;
	uint64_t		 cursor;
	char			 cursor_hash[67];
	uint64_t		 head;		/* the node's, last asked */
	int64_t			 deadline;	/* monotonic ms; 0 = none */
	uint64_t		 start_block;	/* for the progress line */
	bool			 no_pending;	/* the node has no pending block */
};

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int64_t
rpc_deadline(struct scanner *s)
{
	int64_t now = rpc_now_ms(), d = now + 60000, end;

	if (s->deadline != 0) {
		end = (s->deadline > now ? s->deadline : now) + SCAN_FINISH_MS;
		if (end < d)
			d = end;
	}
	return d;
}

static void
addr_text(const struct scanner *s, const uint8_t a[20], char *out,
    size_t outlen)
{
	if (s->net->kind == ADDRESS_TRON)
		address_tron_from_evm20(a, out, outlen);
	else
		address_evm_checksum(a, out, outlen);
}

/* --- the address set ------------------------------------------------- */

/*
 * Loads invoice addresses: on the first call every open invoice and every
 * invoice of the last 30 days (late payments still count as payments),
 * then those created since the previous load, with a minute of overlap
 * for transactions that committed late.
 */
static int
load_addresses(struct scanner *s)
{
	static const char sql[] =
	    "SELECT id, address, crypto_currency, "
	    "extract(epoch FROM now())::bigint AS now FROM invoices "
	    "WHERE network = $1 AND (created_at >= timestamptz 'epoch' + "
	    "$2::bigint * interval '1 second' OR ($3::boolean AND status IN "
	    "('created', 'pending')))";
	struct db_params p;
	PGresult *res;
	int64_t now;
	int i, n;

	db_params_init(&p);
	db_param(&p, s->net->name);
	db_param_int(&p, s->loaded_at == 0 ? (long long)(time(NULL) -
	    30 * 86400) : (long long)(s->loaded_at - 60));
	db_param_bool(&p, s->loaded_at == 0);
	res = db_run(s->db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		uint8_t a[20];
		uint32_t idx;

		if (address_parse(s->net->kind, db_val(res, i, "address"),
		    a) == -1) {
			log_error("invoice %s: unparsable address",
			    db_val(res, i, "id"));
			continue;
		}
		if (addrset_get(s->set, a, &idx))
			continue;
		if (s->ninvs == s->capinvs) {
			s->capinvs = s->capinvs ? s->capinvs * 2 : 1024;
			s->invs = xrealloc(s->invs, s->capinvs *
			    sizeof(*s->invs));
		}
		cc_strlcpy(s->invs[s->ninvs].id, db_val(res, i, "id"),
		    sizeof(s->invs[s->ninvs].id));
		cc_strlcpy(s->invs[s->ninvs].asset, db_val(res, i,
		    "crypto_currency"), sizeof(s->invs[s->ninvs].asset));
		addrset_put(s->set, a, (uint32_t)s->ninvs);
		s->ninvs++;
	}
	if (n > 0 && db_val_int64(res, 0, "now", &now) == 0)
		s->loaded_at = now;
	else if (s->loaded_at == 0)
		s->loaded_at = time(NULL);
	PQclear(res);
	return 0;
}

/* --- node access ----------------------------------------------------- */

static int
get_head(struct scanner *s, uint64_t *head)
{
	json_object *r = NULL;
	enum rpc_err e;
	int rc = -1;

	e = rpc_call_retry(s->rpc, "eth_blockNumber", "[]", &r,
	    rpc_deadline(s));
	if (e != RPC_OK)
		log_error("%s: eth_blockNumber failed: %s", s->net->name,
		    rpc_last_error(s->rpc));
	else if (!json_object_is_type(r, json_type_string) ||
	    evm_quantity_u64(json_object_get_string(r), head) == -1)
		log_error("%s: eth_blockNumber: bad answer", s->net->name);
	else
		rc = 0;
	json_object_put(r);
	return rc;
}

static int
get_block(struct scanner *s, uint64_t n, bool full, struct block *b)
{
	char params[64], q[24];
	enum rpc_err e;

	memset(b, 0, sizeof(*b));
	evm_quantity_str(n, q, sizeof(q));
	snprintf(params, sizeof(params), "[\"%s\", %s]", q,
	    full ? "true" : "false");
	e = rpc_call_retry(s->rpc, "eth_getBlockByNumber", params, &b->obj,
	    rpc_deadline(s));
	if (e != RPC_OK) {
		log_error("%s: block %llu: %s", s->net->name,
		    (unsigned long long)n, rpc_last_error(s->rpc));
		return -1;
	}
	if (evm_decode_block(b->obj, &b->hdr) == -1 || b->hdr.number != n) {
		/* null: the node does not have it (yet, or any more) */
		json_object_put(b->obj);
		b->obj = NULL;
		return -1;
	}
	return 0;
}

/*
 * Transfer logs of [from, to], split in halves while the node says the
 * answer is too large. Appends to arr.
 */
static int
get_logs(struct scanner *s, uint64_t from, uint64_t to, json_object *arr)
{
	char params[256], f[24], t[24];
	json_object *r = NULL;
	enum rpc_err e;
	size_t i, n;

	evm_quantity_str(from, f, sizeof(f));
	evm_quantity_str(to, t, sizeof(t));
	snprintf(params, sizeof(params), "[{\"fromBlock\": \"%s\", "
	    "\"toBlock\": \"%s\", \"topics\": [\"" EVM_TRANSFER_TOPIC
	    "\"]}]", f, t);
	e = rpc_call_retry(s->rpc, "eth_getLogs", params, &r,
	    rpc_deadline(s));
	if (e == RPC_ETOOMANY && to > from) {
		uint64_t mid = from + (to - from) / 2;

		log_info("%s: logs of blocks %llu-%llu too many for the "
		    "node; splitting", s->net->name,
		    (unsigned long long)from, (unsigned long long)to);
		return get_logs(s, from, mid, arr) == -1 ? -1 :
		    get_logs(s, mid + 1, to, arr);
	}
	if (e != RPC_OK || !json_object_is_type(r, json_type_array)) {
		log_error("%s: eth_getLogs %llu-%llu: %s", s->net->name,
		    (unsigned long long)from, (unsigned long long)to,
		    e != RPC_OK ? rpc_last_error(s->rpc) : "not an array");
		json_object_put(r);
		return -1;
	}
	n = json_object_array_length(r);
	for (i = 0; i < n; i++)
		json_object_array_add(arr,
		    json_object_get(json_object_array_get_idx(r, i)));
	json_object_put(r);
	return 0;
}

/*
 * True if the transaction succeeded (a reverted one moved no value); and
 * its fee from the same receipt when it is of block_hash (else fee_rc is
 * not NETFEE_OK, and fetch_fees reads it later).
 */
static int
tx_succeeded(struct scanner *s, const char *hash, bool *ok,
    const char *block_hash, enum netfee_result *fee_rc,
    unsigned __int128 *fee)
{
	char params[96];
	json_object *r = NULL, *st;
	enum rpc_err e;

	snprintf(params, sizeof(params), "[\"%s\"]", hash);
	e = rpc_call_retry(s->rpc, "eth_getTransactionReceipt", params, &r,
	    rpc_deadline(s));
	if (e != RPC_OK || !json_object_is_type(r, json_type_object)) {
		log_error("%s: receipt of %s: %s", s->net->name, hash,
		    e != RPC_OK ? rpc_last_error(s->rpc) : "missing");
		json_object_put(r);
		return -1;
	}
	*ok = json_object_object_get_ex(r, "status", &st) &&
	    strcmp(json_object_get_string(st), "0x1") == 0;
	*fee_rc = netfee_from_receipt(r, block_hash, fee);
	json_object_put(r);
	return 0;
}

/* --- the cursor ------------------------------------------------------ */

static int
save_cursor(struct scanner *s)
{
	/*
	 * head_seen: what a refund recorded now counts as already on the
	 * chain (lib/refund.c), even when this scanner lags behind it.
	 */
	static const char sql[] =
	    "INSERT INTO chain_cursors (network, block_number, block_hash, "
	    "head_seen) VALUES ($1, $2::bigint, $3, $4::bigint) "
	    "ON CONFLICT (network) DO UPDATE SET "
	    "block_number = EXCLUDED.block_number, block_hash = "
	    "EXCLUDED.block_hash, head_seen = EXCLUDED.head_seen, "
	    "updated_at = now()";
	struct db_params p;
	int rc;

	db_params_init(&p);
	db_param(&p, s->net->name);
	db_param_int(&p, (long long)s->cursor);
	db_param(&p, s->cursor_hash);
	db_param_int(&p, (long long)(s->head > s->cursor ? s->head :
	    s->cursor));
	rc = db_run_command(s->db, sql, &p);
	db_params_release(&p);
	return rc;
}

static int
set_cursor_at(struct scanner *s, uint64_t n)
{
	struct block b;
	int rc;

	if (get_block(s, n, false, &b) == -1)
		return -1;
	s->cursor = n;
	cc_strlcpy(s->cursor_hash, b.hdr.hash, sizeof(s->cursor_hash));
	json_object_put(b.obj);
	rc = save_cursor(s);
	return rc;
}

static int
init_cursor(struct scanner *s)
{
	static const char sql[] =
	    "SELECT block_number, block_hash FROM chain_cursors "
	    "WHERE network = $1";
	PGresult *res;
	uint64_t head;
	int64_t stored;

	if (s->opts->from_block >= 0) {
		uint64_t n = (uint64_t)s->opts->from_block;

		log_info("%s: backfilling from block %llu", s->net->name,
		    (unsigned long long)n);
		return set_cursor_at(s, n > 0 ? n - 1 : 0);
	}
	res = db_run1(s->db, sql, s->net->name);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1 &&
	    db_val_int64(res, 0, "block_number", &stored) == 0 &&
	    stored >= 0) {
		s->cursor = (uint64_t)stored;
		cc_strlcpy(s->cursor_hash, db_val(res, 0, "block_hash"),
		    sizeof(s->cursor_hash));
		PQclear(res);
		return 0;
	}
	PQclear(res);
	/* A new network starts at the head: its invoices are new too. */
	if (get_head(s, &head) == -1)
		return -1;
	log_info("%s: first run, starting at block %llu", s->net->name,
	    (unsigned long long)head);
	return set_cursor_at(s, head > 0 ? head - 1 : 0);
}

/* --- recording ------------------------------------------------------- */

/* The network's confirmations, as lifecycle_payment() counts them. */
static int
required_confirmations(const struct scanner *s)
{
	return s->net->confirmations > 0 ? s->net->confirmations : 1;
}

/* Records one payment; an already recorded one is left alone unless it
 * had been reverted (its transaction came back in another block). */
/*
 * Recomputes the invoice of a payment that changed. Only a failure
 * counts: an invoice that is not there has nothing to recompute.
 */
static bool
recompute_failed(struct scanner *s, const char *invoice_id)
{
	enum payment_result rc;

	/* Payments after the rate lock need [rates] max_age. */
	if (valuation_apply(s->db, invoice_id, s->opts->rates_max_age) == -1)
		return true;
	rc = payment_recompute(s->db, invoice_id, false);
	return rc != PAYMENT_OK && rc != PAYMENT_NOT_FOUND;
}

/* --- pending transactions (0 confirmations) -------------------------- */

static const struct cc_asset *token_asset(const struct scanner *,
		    const uint8_t contract[20]);
static json_object *payment_row_json(const struct scanner *,
		    const PGresult *, int, const char *status,
		    const char *previous);
static int	note_block(struct scanner *, const char *payment_id,
		    const struct candidate *);

/*
 * The payment.detected of a payment just recorded (block -1: pending, not
 * mined), and its invoice recomputed.
 */
static int
detected(struct scanner *s, const struct candidate *c, const char *id,
    bool late, int64_t block, int confirmations)
{
	struct event_payment pay = { 0 };
	json_object *data;
	int rc;

	pay.id = id;
	pay.units = c->value;
	pay.decimals = c->asset->decimals;
	pay.asset = c->asset->symbol;
	pay.status = "detected";
	pay.tx_hash = c->tx_hash;
	pay.block_number = block;
	pay.confirmations = confirmations;
	pay.required_confirmations = required_confirmations(s);
	pay.late = late;
	data = json_object_new_object();
	jsonx_add_str(data, "invoice_id", c->inv->id);
	jsonx_add(data, "payment", events_payment_json(&pay));
	rc = events_add(s->db, c->inv->id, EV_PAYMENT_DETECTED, data, true);
	json_object_put(data);
	/* The event row is in, its NOTIFY waits for the commit. */
	failpoint("scan.after_event_insert");
	if (rc == 0 && recompute_failed(s, c->inv->id))
		rc = -1;
	return rc < 0 ? -1 : 0;
}

/*
 * A mined transfer that was recorded while pending (same transaction,
 * recipient and amount) gets its block; its payment.detected went out
 * then, so nothing is announced now: the confirmations that follow are.
 * Returns 1 if it was, 0 if there is none, -1 on a database error.
 */
static int
promote_pending(struct scanner *s, const struct candidate *c)
{
	static const char sql[] =
	    "UPDATE payments SET log_index = $3::int, block_number = "
	    "$4::bigint, block_hash = $5, pending = false WHERE id = (SELECT "
	    "id FROM payments WHERE network = $1 AND tx_hash = $2 AND pending "
	    "AND status = 'detected' AND to_address = $6 AND amount = "
	    "$7::numeric LIMIT 1) RETURNING id, invoice_id";
	char to[ADDRESS_MAX_LEN], amt[48];
	struct db_params p;
	PGresult *res;
	int rc = 0;

	addr_text(s, c->to, to, sizeof(to));
	money_u128_to_str(c->value, amt, sizeof(amt));
	db_params_init(&p);
	db_param(&p, s->net->name);
	db_param(&p, c->tx_hash);
	db_param_int(&p, (long long)c->log_index);
	db_param_int(&p, (long long)c->block_number);
	db_param(&p, c->block_hash);
	db_param(&p, to);
	db_param(&p, amt);
	res = db_run(s->db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		log_info("%s: pending payment %s of invoice %s mined in block "
		    "%llu", s->net->name, db_val(res, 0, "id"),
		    db_val(res, 0, "invoice_id"),
		    (unsigned long long)c->block_number);
		/* Valued again by its block's time; its fee. */
		rc = note_block(s, db_val(res, 0, "id"), c) == -1 ||
		    recompute_failed(s, db_val(res, 0, "invoice_id")) ? -1 : 1;
	}
	PQclear(res);
	return rc;
}

/*
 * Records a transfer seen in the node's pending block: a payment with
 * no block and 0 confirmations, and its payment.detected. Nothing if the
 * transaction is already known mined (the scan records it), or already
 * pending; a pending payment that was dropped comes back if its
 * transaction does.
 */
static int
record_pending(struct scanner *s, const struct candidate *c)
{
	static const char sql[] =
	    "INSERT INTO payments (id, invoice_id, merchant_id, network, asset, "
	    "tx_hash, log_index, block_number, block_hash, from_address, "
	    "to_address, amount, status, confirmations, late, pending) "
	    "SELECT $1, i.id, i.merchant_id, $3, $4, $5, $6::int, NULL, NULL, "
	    "$7, $8, $9::numeric, 'detected', 0, i.status IN ('expired', "
	    "'cancelled'), true FROM invoices i WHERE i.id = $2 AND NOT EXISTS "
	    "(SELECT 1 FROM payments q WHERE q.network = $3 AND q.tx_hash = $5 "
	    "AND NOT q.pending) "
	    "ON CONFLICT (network, tx_hash, log_index) DO UPDATE SET status = "
	    "'detected', reverted_at = NULL, detected_at = now() WHERE "
	    "payments.pending AND payments.status = 'reverted' "
	    "RETURNING id, late";
	char id[IDS_MAX_LEN], amt[48];
	char from[ADDRESS_MAX_LEN], to[ADDRESS_MAX_LEN];
	struct db_params p;
	PGresult *res;
	bool late;

	ids_new("pay_", id, sizeof(id));
	money_u128_to_str(c->value, amt, sizeof(amt));
	addr_text(s, c->from, from, sizeof(from));
	addr_text(s, c->to, to, sizeof(to));
	db_params_init(&p);
	db_param(&p, id);
	db_param(&p, c->inv->id);
	db_param(&p, s->net->name);
	db_param(&p, c->asset->symbol);
	db_param(&p, c->tx_hash);
	db_param_int(&p, (long long)c->log_index);
	db_param(&p, from);
	db_param(&p, to);
	db_param(&p, amt);
	res = db_run(s->db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return 0;
	}
	cc_strlcpy(id, db_val(res, 0, "id"), sizeof(id));
	late = db_val(res, 0, "late")[0] == 't';
	PQclear(res);
	log_info("%s: pending payment %s of %s to invoice %s (tx %s)",
	    s->net->name, id, c->asset->symbol, c->inv->id, c->tx_hash);
	return detected(s, c, id, late, -1, 0);	/* not mined */
}

/*
 * What a pending transaction pays to an invoice of ours, if anything:
 * the native coin in its value, or a token in a transfer() or
 * transferFrom() call to the token's contract. Quiet: the same
 * transaction is looked at every poll until it is mined, and the mined
 * one is logged.
 */
static bool
pending_candidate(struct scanner *s, json_object *txo, struct candidate *c)
{
	const struct cc_asset *asset;
	struct pending_transfer pt;
	struct evm_tx tx;
	uint8_t to[20], from[20];
	unsigned __int128 v;
	uint32_t idx;

	memset(c, 0, sizeof(*c));
	if (evm_decode_tx(txo, &tx) != 0 || !tx.has_to)
		return false;
	memcpy(from, tx.from, 20);
	if (s->native != NULL && tx.value > 0 &&
	    addrset_get(s->set, tx.to, &idx)) {
		asset = s->native;
		memcpy(to, tx.to, 20);
		v = tx.value;
		c->log_index = -1;
	} else if ((asset = token_asset(s, tx.to)) != NULL &&
	    pending_transfer_call(txo, &pt) == PENDING_TRANSFER &&
	    pt.value > 0 && addrset_get(s->set, pt.to, &idx)) {
		/* Its log index is known once mined: promote_pending. */
		c->log_index = -2;
		memcpy(to, pt.to, 20);
		v = pt.value;
		/* The Transfer log will name the owner, not the spender. */
		if (pt.has_from)
			memcpy(from, pt.from, 20);
	} else
		return false;
	c->inv = &s->invs[idx];
	if (strcmp(asset->symbol, c->inv->asset) != 0)
		return false;
	c->asset = asset;
	cc_strlcpy(c->tx_hash, tx.hash, sizeof(c->tx_hash));
	memcpy(c->from, from, 20);
	memcpy(c->to, to, 20);
	c->value = v;
	return true;
}

/* True if hash is among the pending block's transactions. */
static bool
in_pending(json_object *txs, const char *hash)
{
	size_t i, n = txs != NULL ? json_object_array_length(txs) : 0;

	for (i = 0; i < n; i++) {
		json_object *h;

		if (json_object_object_get_ex(json_object_array_get_idx(txs,
		    i), "hash", &h) && json_object_is_type(h,
		    json_type_string) && strcasecmp(json_object_get_string(h),
		    hash) == 0)
			return true;
	}
	return false;
}

/*
 * Whether a pending payment's transaction is gone: dropped or replaced
 * (the node no longer knows it), or mined in a block already scanned
 * without the transfer it announced (it failed, or paid otherwise).
 * 1 gone, 0 not (yet), -1 the node failed.
 */
static int
pending_gone(struct scanner *s, const char *hash)
{
	char params[96];
	json_object *r = NULL, *bn;
	uint64_t n;
	int rc = 0;

	snprintf(params, sizeof(params), "[\"%s\"]", hash);
	if (rpc_call_retry(s->rpc, "eth_getTransactionByHash", params, &r,
	    rpc_deadline(s)) != RPC_OK) {
		log_error("%s: eth_getTransactionByHash %s: %s", s->net->name,
		    hash, rpc_last_error(s->rpc));
		return -1;
	}
	if (r == NULL)
		rc = 1;
	else if (json_object_object_get_ex(r, "blockNumber", &bn) &&
	    json_object_is_type(bn, json_type_string) &&
	    evm_quantity_u64(json_object_get_string(bn), &n) == 0 &&
	    n <= s->cursor)
		rc = 1;
	json_object_put(r);
	return rc;
}

/* Reverts the pending payments whose transactions are gone. */
static int
drop_gone(struct scanner *s, json_object *txs)
{
	static const char sql[] =
	    "SELECT id, invoice_id, tx_hash FROM payments WHERE network = $1 "
	    "AND pending AND status = 'detected' ORDER BY detected_at LIMIT 100";
	static const char revert_sql[] =
	    "UPDATE payments SET status = 'reverted', reverted_at = now() "
	    "WHERE id = $1 AND pending AND status = 'detected' RETURNING id, "
	    "invoice_id, amount::text AS units, asset, tx_hash, block_number, "
	    "confirmations, late";
	struct db_params p;
	PGresult *res, *r2;
	int i, n, gone;

	db_params_init(&p);
	db_param(&p, s->net->name);
	res = db_run(s->db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		const char *hash = db_val(res, i, "tx_hash");
		json_object *data;
		int rc;

		if (in_pending(txs, hash))
			continue;
		gone = pending_gone(s, hash);
		if (gone == -1)
			break;		/* the node: next poll */
		if (gone == 0)
			continue;
		db_params_init(&p);
		db_param(&p, db_val(res, i, "id"));
		r2 = db_run(s->db, revert_sql, &p);
		db_params_release(&p);
		if (r2 == NULL)
			goto fail;
		if (PQntuples(r2) != 1) {
			PQclear(r2);
			continue;
		}
		log_warn("%s: pending payment %s (tx %s) dropped: the "
		    "transaction left the node's pool without paying",
		    s->net->name, db_val(r2, 0, "id"), hash);
		data = json_object_new_object();
		jsonx_add_str(data, "invoice_id", db_val(r2, 0, "invoice_id"));
		jsonx_add(data, "payment", payment_row_json(s, r2, 0,
		    pay_status_name(PAY_REVERTED), "detected"));
		rc = events_add(s->db, db_val(r2, 0, "invoice_id"),
		    EV_PAYMENT_REVERTED, data, true);
		json_object_put(data);
		if (rc == -1 || recompute_failed(s, db_val(r2, 0,
		    "invoice_id"))) {
			PQclear(r2);
			goto fail;
		}
		PQclear(r2);
	}
	PQclear(res);
	return 0;
fail:
	PQclear(res);
	return -1;
}

/*
 * One look at the node's pending block ([network] detect_pending): new
 * transfers to invoices become payments at 0 confirmations, and pending
 * payments whose transactions are gone are reverted, in one transaction.
 * Best effort: a node that fails to answer is asked again next poll; one
 * without a pending block (an error, null, or an answer over the RPC
 * size limit) is asked no more this run, and payments are then found
 * when mined, as before. 0, or -1 on a database error.
 */
static int
scan_pending(struct scanner *s)
{
	json_object *blk = NULL, *txs = NULL;
	struct candidate c;
	enum rpc_err e;
	size_t i, n;

	if (s->no_pending || !s->net->detect_pending)
		return 0;
	/* One try: the next poll is the retry, and mined blocks come
	 * first. */
	e = rpc_call(s->rpc, "eth_getBlockByNumber", "[\"pending\", true]",
	    &blk);
	if (e == RPC_ETRANSPORT) {
		log_warn("%s: pending block: %s", s->net->name,
		    rpc_last_error(s->rpc));
		return 0;
	}
	/* An error, no block, or one too large for us: not this run. */
	if (e != RPC_OK || blk == NULL || !json_object_object_get_ex(blk,
	    "transactions", &txs) || !json_object_is_type(txs,
	    json_type_array)) {
		log_warn("%s: no pending block from the node (%s): payments "
		    "are seen once mined (detect_pending = false in cc.conf "
		    "stops asking)", s->net->name, e != RPC_OK ?
		    rpc_last_error(s->rpc) : "no transactions");
		s->no_pending = true;
		json_object_put(blk);
		return 0;
	}
	if (db_begin(s->db) == -1)
		goto fail;
	n = json_object_array_length(txs);
	for (i = 0; i < n; i++)
		if (pending_candidate(s, json_object_array_get_idx(txs, i),
		    &c) && record_pending(s, &c) == -1)
			goto rollback;
	if (drop_gone(s, txs) == -1)
		goto rollback;
	json_object_put(blk);
	return db_commit(s->db);
rollback:
	db_rollback(s->db);
fail:
	json_object_put(blk);
	return -1;
}

/* --- rate lock and network fee (issue 15) ---------------------------- */

/*
 * A payment recorded anew (or back in another block after a
 * reorganisation): its block's time, by which valuation.h decides
 * whether it came within the rate lock, its valuation to be done (again)
 * for this block, and its fee: known when the scan read the receipt
 * (native transfers), else left to fetch_fees.
 */
static int
note_block(struct scanner *s, const char *payment_id,
    const struct candidate *c)
{
	static const char sql[] =
	    "UPDATE payments SET block_time = timestamptz 'epoch' + "
	    "$2::bigint * interval '1 second', rate = NULL, rate_source = "
	    "NULL, rate_locked = NULL, valued_at = NULL, network_fee = "
	    "$3::numeric, fee_block_hash = $4 WHERE id = $1";
	struct db_params p;
	char fee[48];
	bool known = c->fee_rc == NETFEE_OK;
	int rc;

	money_u128_to_str(c->fee, fee, sizeof(fee));
	db_params_init(&p);
	db_param(&p, payment_id);
	db_param_int(&p, (long long)(c->block_time > INT64_MAX / 2 ?
	    INT64_MAX / 2 : c->block_time));
	db_param(&p, known ? fee : NULL);
	db_param(&p, known ? c->block_hash : NULL);
	rc = db_run_command(s->db, sql, &p);
	db_params_release(&p);
	return rc;
}

/*
 * Payments after the rate lock that found no current rate: valued as
 * soon as one is there (a few invoices a step), each invoice with its
 * recompute in one transaction. 0 or -1 (database).
 */
static int
value_waiting(struct scanner *s)
{
	static const char sql[] =
	    "SELECT DISTINCT invoice_id FROM (SELECT invoice_id FROM "
	    "payments WHERE network = $1 AND rate IS NULL AND status <> "
	    "'reverted' AND NOT late ORDER BY detected_at LIMIT $2::int) w";
	struct db_params p;
	PGresult *res;
	int i, n;

	db_params_init(&p);
	db_param(&p, s->net->name);
	db_param_int(&p, SCAN_VALUE_MAX);
	res = db_run(s->db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		if (db_begin(s->db) == -1)
			goto fail;
		if (recompute_failed(s, db_val(res, i, "invoice_id"))) {
			db_rollback(s->db);
			goto fail;
		}
		if (db_commit(s->db) == -1)
			goto fail;
	}
	PQclear(res);
	return 0;
fail:
	PQclear(res);
	return -1;
}

/*
 * Network fees from the receipts of recorded payments whose fee is not
 * known for their block yet: at most SCAN_FEE_MAX transactions a step,
 * newest first, one attempt each (native transfers got theirs from
 * the receipt the scan read). A node that fails leaves the fee unknown
 * for the next step; a receipt without the fee's fields is recorded as
 * such (fee_block_hash set, network_fee NULL).
 */
static int
fetch_fees(struct scanner *s)
{
	static const char sql[] =
	    "SELECT tx_hash, block_hash FROM payments WHERE network = $1 "
	    "AND fee_block_hash IS NULL AND status <> 'reverted' AND NOT "
	    "pending AND NOT simulated "
	    "GROUP BY tx_hash, block_hash ORDER BY max(detected_at) DESC "
	    "LIMIT $2::int";
	static const char set_sql[] =
	    "UPDATE payments SET network_fee = $4::numeric, fee_block_hash = "
	    "$3 WHERE network = $1 AND tx_hash = $2 AND block_hash = $3 AND "
	    "fee_block_hash IS NULL";
	struct db_params p;
	PGresult *res;
	int i, n, rc = 0, failed = 0;

	db_params_init(&p);
	db_param(&p, s->net->name);
	db_param_int(&p, SCAN_FEE_MAX);
	res = db_run(s->db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n && rc == 0; i++) {
		const char *tx = db_val(res, i, "tx_hash");
		const char *bh = db_val(res, i, "block_hash");
		char params[96], fee[48];
		json_object *r = NULL;
		unsigned __int128 wei;
		enum netfee_result k;

		snprintf(params, sizeof(params), "[\"%s\"]", tx);
		if (rpc_call(s->rpc, "eth_getTransactionReceipt", params,
		    &r) != RPC_OK) {
			log_warn("%s: fee of %s: %s; next time", s->net->name,
			    tx, rpc_last_error(s->rpc));
			/* One bad transaction must not starve the others;
			 * a node that fails them all costs a few calls. */
			if (++failed == SCAN_FEE_FAILURES)
				break;
			continue;
		}
		k = netfee_from_receipt(r, bh, &wei);
		json_object_put(r);
		if (k == NETFEE_NOT_YET)
			continue;
		if (k == NETFEE_NONE)
			log_warn("%s: the receipt of %s has no gasUsed or "
			    "effectiveGasPrice: its fee stays unknown",
			    s->net->name, tx);
		money_u128_to_str(wei, fee, sizeof(fee));
		db_params_init(&p);
		db_param(&p, s->net->name);
		db_param(&p, tx);
		db_param(&p, bh);
		db_param(&p, k == NETFEE_OK ? fee : NULL);
		rc = db_run_command(s->db, set_sql, &p);
		db_params_release(&p);
	}
	PQclear(res);
	return rc;
}

static int
record(struct scanner *s, const struct candidate *c, uint64_t head)
{
	static const char sql[] =
	    "INSERT INTO payments (id, invoice_id, merchant_id, network, asset, "
	    "tx_hash, log_index, block_number, block_hash, from_address, "
	    "to_address, amount, status, confirmations, late) "
	    "SELECT $1, i.id, i.merchant_id, $3, $4, $5, $6::int, "
	    "$7::bigint, $8, $9, $10, $11::numeric, 'detected', $12::int, "
	    "i.status IN ('expired', 'cancelled') FROM invoices i "
	    "WHERE i.id = $2 "
	    "ON CONFLICT (network, tx_hash, log_index) DO UPDATE SET "
	    "block_number = EXCLUDED.block_number, block_hash = "
	    "EXCLUDED.block_hash, status = 'detected', confirmations = "
	    "EXCLUDED.confirmations, reverted_at = NULL, confirmed_at = NULL, "
	    "detected_at = now() WHERE payments.status = 'reverted' "
	    "RETURNING id, late";
	char id[IDS_MAX_LEN], amt[48];
	char from[ADDRESS_MAX_LEN], to[ADDRESS_MAX_LEN];
	struct db_params p;
	PGresult *res;
	bool late;
	int confirmations, rc;

	confirmations = (int)(head - c->block_number + 1);
	rc = promote_pending(s, c);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	ids_new("pay_", id, sizeof(id));
	money_u128_to_str(c->value, amt, sizeof(amt));
	addr_text(s, c->from, from, sizeof(from));
	addr_text(s, c->to, to, sizeof(to));
	db_params_init(&p);
	db_param(&p, id);
	db_param(&p, c->inv->id);
	db_param(&p, s->net->name);
	db_param(&p, c->asset->symbol);
	db_param(&p, c->tx_hash);
	db_param_int(&p, (long long)c->log_index);
	db_param_int(&p, (long long)c->block_number);
	db_param(&p, c->block_hash);
	db_param(&p, from);
	db_param(&p, to);
	db_param(&p, amt);
	db_param_int(&p, confirmations);
	res = db_run(s->db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return 0;	/* already recorded */
	}
	cc_strlcpy(id, db_val(res, 0, "id"), sizeof(id));
	late = db_val(res, 0, "late")[0] == 't';
	PQclear(res);
	if (note_block(s, id, c) == -1)
		return -1;
	failpoint("scan.after_payment_insert");
	log_info("%s: payment %s of %s to invoice %s in block %llu%s",
	    s->net->name, id, c->asset->symbol, c->inv->id,
	    (unsigned long long)c->block_number, late ? " (late)" : "");
	return detected(s, c, id, late, (int64_t)c->block_number,
	    confirmations);
}

static int
save_blocks(struct scanner *s, const struct block *blocks, size_t n)
{
	static const char ins_sql[] =
	    "INSERT INTO chain_blocks (network, number, hash, parent_hash) "
	    "VALUES ($1, $2::bigint, $3, $4) ON CONFLICT (network, number) "
	    "DO UPDATE SET hash = EXCLUDED.hash, parent_hash = "
	    "EXCLUDED.parent_hash";
	static const char prune_sql[] =
	    "DELETE FROM chain_blocks WHERE network = $1 AND number < "
	    "$2::bigint";
	struct db_params p;
	size_t i;
	int rc;

	/* Only the tail of the batch matters for finding a fork. */
	for (i = n > SCAN_KEEP_BLOCKS ? n - SCAN_KEEP_BLOCKS : 0; i < n; i++) {
		db_params_init(&p);
		db_param(&p, s->net->name);
		db_param_int(&p, (long long)blocks[i].hdr.number);
		db_param(&p, blocks[i].hdr.hash);
		db_param(&p, blocks[i].hdr.parent_hash);
		rc = db_run_command(s->db, ins_sql, &p);
		db_params_release(&p);
		if (rc == -1)
			return -1;
	}
	db_params_init(&p);
	db_param(&p, s->net->name);
	db_param_int(&p, (long long)(s->cursor > SCAN_KEEP_BLOCKS ?
	    s->cursor - SCAN_KEEP_BLOCKS : 0));
	rc = db_run_command(s->db, prune_sql, &p);
	db_params_release(&p);
	return rc;
}

/* --- one batch ------------------------------------------------------- */

static const struct cc_asset *
token_asset(const struct scanner *s, const uint8_t contract[20])
{
	size_t i;

	for (i = 0; i < s->net->nassets; i++) {
		const struct cc_asset *a = &s->net->assets[i];
		uint8_t c[20];

		if (!a->native && address_parse(s->net->kind, a->contract,
		    c) == 0 && memcmp(c, contract, 20) == 0)
			return a;
	}
	return NULL;
}

/* Matches a transfer to an invoice; logs what is seen but not counted. */
static bool
match(struct scanner *s, const uint8_t to[20], const struct cc_asset *asset,
    const uint8_t contract[20], const char *tx, struct candidate *c)
{
	uint32_t idx;
	char txt[ADDRESS_MAX_LEN];

	if (!addrset_get(s->set, to, &idx))
		return false;
	c->inv = &s->invs[idx];
	if (asset == NULL) {
		addr_text(s, contract, txt, sizeof(txt));
		log_warn("%s: ignoring a transfer of unsupported token %s to "
		    "invoice %s (tx %s)", s->net->name, txt, c->inv->id, tx);
		return false;
	}
	if (strcmp(asset->symbol, c->inv->asset) != 0) {
		log_warn("%s: ignoring %s sent to %s invoice %s (tx %s): "
		    "another asset than the invoice's", s->net->name,
		    asset->symbol, c->inv->asset, c->inv->id, tx);
		return false;
	}
	c->asset = asset;
	return true;
}

static void
free_blocks(struct block *blocks, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		json_object_put(blocks[i].obj);
	free(blocks);
}

/* --- refunds (lib/refundscan.h) -------------------------------------- */

/* A token transfer that may complete a refund. */
static void
refund_hook_log(struct scanner *s, struct refund_watch *rw,
    const struct evm_transfer *t)
{
	const struct cc_asset *a;
	char from[ADDRESS_MAX_LEN];
	int idx;

	if (t->value_overflow || t->value == 0)
		return;
	a = token_asset(s, t->contract);
	idx = refund_watch_find(rw, a != NULL ? a->symbol : NULL, t->to,
	    t->value, t->block_number);
	if (idx < 0)
		return;
	addr_text(s, t->from, from, sizeof(from));
	refund_watch_take(rw, idx, t->tx_hash, (int64_t)t->log_index,
	    t->block_number, t->block_hash, from);
}

/* A native coin transfer that may complete a refund: 0, or -2 (node). */
static int
refund_hook_tx(struct scanner *s, struct refund_watch *rw,
    const struct evm_tx *tx, const struct block *b)
{
	char from[ADDRESS_MAX_LEN];
	enum netfee_result fee_rc;	/* a refund's fee: not ours to show */
	unsigned __int128 fee;
	bool ok;
	int idx;

	idx = refund_watch_find(rw, s->native->symbol, tx->to, tx->value,
	    b->hdr.number);
	if (idx < 0)
		return 0;
	if (tx_succeeded(s, tx->hash, &ok, b->hdr.hash, &fee_rc, &fee) == -1)
		return -2;
	if (!ok)
		return 0;
	addr_text(s, tx->from, from, sizeof(from));
	refund_watch_take(rw, idx, tx->hash, -1, b->hdr.number, b->hdr.hash,
	    from);
	return 0;
}

/*
 * Scans (cursor, to]. Returns 0 when the batch is recorded, 1 when the
 * chain changed under it (retry), -1 on a database error, -2 when the
 * node failed (retry later).
 */
static int
scan_batch(struct scanner *s, uint64_t to, uint64_t head)
{
	uint64_t from = s->cursor + 1, n = to - s->cursor, i;
	struct block *blocks;
	struct candidate *cands = NULL;
	size_t ncands = 0, capcands = 0, k, nlogs;
	json_object *logs = NULL;
	struct refund_watch *rw;
	int rc = -2;

	rw = refund_watch_load(s->db, s->net);
	if (rw == NULL)
		return -1;
	blocks = xcalloc(n, sizeof(*blocks));
	for (i = 0; i < n; i++) {
		if (get_block(s, from + i, s->native != NULL, &blocks[i]) ==
		    -1)
			goto out;
		if (strcmp(blocks[i].hdr.parent_hash, i == 0 ?
		    s->cursor_hash : blocks[i - 1].hdr.hash) != 0) {
			rc = 1;
			goto out;
		}
	}
	logs = json_object_new_array();
	if (get_logs(s, from, to, logs) == -1)
		goto out;
	nlogs = json_object_array_length(logs);
	for (k = 0; k < nlogs; k++) {
		struct evm_transfer t;
		struct candidate c;
		int d;

		d = evm_decode_transfer_log(json_object_array_get_idx(logs, k),
		    &t);
		if (d == 1)
			continue;	/* not an ERC-20 Transfer */
		if (d == -1) {
			/* The node's answer is broken: never skip, retry. */
			log_error("%s: malformed log from the node in blocks "
			    "%llu-%llu", s->net->name, (unsigned long long)from,
			    (unsigned long long)to);
			goto out;
		}
		if (t.block_number < from || t.block_number > to ||
		    strcmp(t.block_hash, blocks[t.block_number - from].hdr.hash)
		    != 0 || t.removed) {
			rc = 1;		/* logs from another fork */
			goto out;
		}
		refund_hook_log(s, rw, &t);
		memset(&c, 0, sizeof(c));
		c.fee_rc = NETFEE_NOT_YET;
		if (!match(s, t.to, token_asset(s, t.contract), t.contract,
		    t.tx_hash, &c))
			continue;
		if (t.value_overflow || t.value == 0) {
			log_warn("%s: ignoring a transfer of %s to invoice %s "
			    "with value %s (tx %s)", s->net->name,
			    c.asset->symbol, c.inv->id, t.value_overflow ?
			    "beyond 128 bits" : "0", t.tx_hash);
			continue;
		}
		cc_strlcpy(c.tx_hash, t.tx_hash, sizeof(c.tx_hash));
		c.log_index = (int64_t)t.log_index;
		c.block_number = t.block_number;
		cc_strlcpy(c.block_hash, t.block_hash, sizeof(c.block_hash));
		c.block_time = blocks[t.block_number - from].hdr.timestamp;
		memcpy(c.from, t.from, 20);
		memcpy(c.to, t.to, 20);
		c.value = t.value;
		if (ncands == capcands) {
			capcands = capcands ? capcands * 2 : 16;
			cands = xrealloc(cands, capcands * sizeof(*cands));
		}
		cands[ncands++] = c;
	}
	for (i = 0; s->native != NULL && i < n; i++) {
		json_object *txs;
		size_t j, ntx;

		if (!json_object_object_get_ex(blocks[i].obj, "transactions",
		    &txs) || !json_object_is_type(txs, json_type_array))
			continue;
		ntx = json_object_array_length(txs);
		for (j = 0; j < ntx; j++) {
			struct evm_tx tx;
			struct candidate c;
			bool ok;

			if (evm_decode_tx(json_object_array_get_idx(txs, j),
			    &tx) != 0) {
				log_error("%s: malformed transaction in block "
				    "%llu from the node", s->net->name,
				    (unsigned long long)blocks[i].hdr.number);
				goto out;
			}
			if (!tx.has_to || tx.value == 0)
				continue;
			if (refund_hook_tx(s, rw, &tx, &blocks[i]) == -2)
				goto out;
			memset(&c, 0, sizeof(c));
			if (!match(s, tx.to, s->native, tx.to, tx.hash, &c))
				continue;
			if (tx_succeeded(s, tx.hash, &ok, blocks[i].hdr.hash,
			    &c.fee_rc, &c.fee) == -1)
				goto out;
			if (!ok)
				continue;
			cc_strlcpy(c.tx_hash, tx.hash, sizeof(c.tx_hash));
			c.log_index = -1;
			c.block_number = blocks[i].hdr.number;
			cc_strlcpy(c.block_hash, blocks[i].hdr.hash,
			    sizeof(c.block_hash));
			c.block_time = blocks[i].hdr.timestamp;
			memcpy(c.from, tx.from, 20);
			memcpy(c.to, tx.to, 20);
			c.value = tx.value;
			if (ncands == capcands) {
				capcands = capcands ? capcands * 2 : 16;
				cands = xrealloc(cands, capcands *
				    sizeof(*cands));
			}
			cands[ncands++] = c;
		}
	}

	/* One transaction: the payments of these blocks and the cursor. */
	rc = -1;
	if (db_begin(s->db) == -1)
		goto out;
	for (k = 0; k < ncands; k++)
		if (record(s, &cands[k], head) == -1)
			goto rollback;
	if (refund_watch_record(rw, s->db) == -1)
		goto rollback;
	s->cursor = to;
	cc_strlcpy(s->cursor_hash, blocks[n - 1].hdr.hash,
	    sizeof(s->cursor_hash));
	if (save_blocks(s, blocks, (size_t)n) == -1 || save_cursor(s) == -1)
		goto rollback;
	failpoint("scan.before_commit");
	if (db_commit(s->db) == -1) {
		/* The cursor in memory ran ahead of the database. */
		rc = -1;
		goto out;
	}
	/* Payments and cursor committed; confirmations not counted yet. */
	failpoint("scan.after_commit");
	rc = 0;
	goto out;
rollback:
	db_rollback(s->db);
out:
	refund_watch_free(rw);
	json_object_put(logs);
	free(cands);
	free_blocks(blocks, (size_t)n);
	return rc;
}

/*
 * A payment event's payment object from a payments row (columns id,
 * units, asset, status, tx_hash, block_number, confirmations, late).
 */
static json_object *
payment_row_json(const struct scanner *s, const PGresult *res, int i,
    const char *status, const char *previous)
{
	struct event_payment pay = { 0 };
	const struct cc_asset *a;
	int64_t v;

	a = config_asset(s->net, db_val(res, i, "asset"));
	pay.id = db_val(res, i, "id");
	if (a == NULL || money_str_to_u128(db_val(res, i, "units"),
	    &pay.units) != MONEY_OK)
		log_error("%s: payment %s: unknown asset or bad amount",
		    s->net->name, pay.id);
	pay.decimals = a != NULL ? a->decimals : 0;
	pay.asset = db_val(res, i, "asset");
	pay.status = status;
	pay.tx_hash = db_val(res, i, "tx_hash");
	pay.block_number = -1;		/* NULL: pending, not mined */
	if (db_val_int64(res, i, "block_number", &v) == 0)
		pay.block_number = v;
	if (db_val_int64(res, i, "confirmations", &v) == 0)
		pay.confirmations = (int)v;
	pay.required_confirmations = required_confirmations(s);
	pay.late = db_val(res, i, "late")[0] == 't';
	pay.previous_status = previous;
	return events_payment_json(&pay);
}

/* --- confirmations --------------------------------------------------- */

static int
update_confirmations(struct scanner *s, uint64_t head)
{
	static const char sql[] =
	    "UPDATE payments SET confirmations = greatest($2::bigint - "
	    "block_number + 1, 0) WHERE network = $1 AND status IN "
	    /* A simulated payment's block never existed (lib/simulate.c). */
	    "('detected', 'confirming') AND NOT simulated "
	    "RETURNING id, invoice_id, status, "
	    "confirmations, amount::text AS units, asset, tx_hash, "
	    "block_number, late";
	static const char set_sql[] =
	    "UPDATE payments SET status = $2, confirmed_at = CASE WHEN "
	    "$2 = 'confirmed' THEN now() ELSE confirmed_at END WHERE id = $1";
	struct db_params p;
	PGresult *res;
	int i, n;

	if (db_begin(s->db) == -1)
		return -1;
	db_params_init(&p);
	db_param(&p, s->net->name);
	db_param_int(&p, (long long)head);
	res = db_run(s->db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		goto fail;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		const char *inv = db_val(res, i, "invoice_id");
		enum pay_status st, old;
		json_object *data;
		int64_t conf;
		int rc;

		if (db_val_int64(res, i, "confirmations", &conf) == -1 ||
		    pay_status_from_name(db_val(res, i, "status"), &old) == -1)
			goto fail;
		st = lifecycle_payment(conf, s->net->confirmations);
		if (st == old)
			continue;
		db_params_init(&p);
		db_param(&p, db_val(res, i, "id"));
		db_param(&p, pay_status_name(st));
		rc = db_run_command(s->db, set_sql, &p);
		db_params_release(&p);
		if (rc == -1)
			goto fail;
		data = json_object_new_object();
		jsonx_add_str(data, "invoice_id", inv);
		jsonx_add(data, "payment", payment_row_json(s, res, i,
		    pay_status_name(st), NULL));
		rc = events_add(s->db, inv, st == PAY_CONFIRMED ?
		    EV_PAYMENT_CONFIRMED : EV_PAYMENT_CONFIRMING, data, true);
		json_object_put(data);
		if (rc == -1)
			goto fail;
		if (st == PAY_CONFIRMED && recompute_failed(s, inv))
			goto fail;
	}
	PQclear(res);
	failpoint("scan.confirmations_before_commit");
	return db_commit(s->db);
fail:
	PQclear(res);
	db_rollback(s->db);
	return -1;
}

/* --- reorganisations ------------------------------------------------- */

static int
stored_hash(struct scanner *s, uint64_t n, char *out, size_t outlen)
{
	static const char sql[] =
	    "SELECT hash FROM chain_blocks WHERE network = $1 AND "
	    "number = $2::bigint";
	struct db_params p;
	PGresult *res;
	int rc = 1;

	if (n == s->cursor) {
		cc_strlcpy(out, s->cursor_hash, outlen);
		return 0;
	}
	db_params_init(&p);
	db_param(&p, s->net->name);
	db_param_int(&p, (long long)n);
	res = db_run(s->db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		cc_strlcpy(out, db_val(res, 0, "hash"), outlen);
		rc = 0;
	}
	PQclear(res);
	return rc;
}

/*
 * The cursor's block left the canonical chain: find the last block we
 * and the node agree on, un-count every payment above it, and rewind.
 */
static int
handle_reorg(struct scanner *s, uint64_t head)
{
	static const char revert_sql[] =
	    "WITH old AS (SELECT id, status FROM payments WHERE network = $1 "
	    "AND block_number > $2::bigint AND status <> 'reverted' "
	    "FOR UPDATE) UPDATE payments p SET status = 'reverted', "
	    "reverted_at = now(), confirmations = 0 FROM old "
	    "WHERE p.id = old.id RETURNING p.id, p.invoice_id, "
	    "old.status AS previous, p.amount::text AS units, p.asset, "
	    "p.tx_hash, p.block_number, p.confirmations, p.late";
	static const char drop_sql[] =
	    "DELETE FROM chain_blocks WHERE network = $1 AND "
	    "number > $2::bigint";
	uint64_t n = s->cursor, depth = 0;
	char mine[80], fork_hash[67];
	struct block b;
	struct db_params p;
	PGresult *res = NULL;
	int i, rows, rc;

	for (;;) {
		rc = stored_hash(s, n, mine, sizeof(mine));
		if (rc == -1)
			return -1;
		if (rc == 0 && n > head) {
			/* The node's chain is shorter now: not there. */
			n--;
			depth++;
			continue;
		}
		if (rc == 1 || depth > SCAN_KEEP_BLOCKS) {
			log_error("%s: reorganisation deeper than the %d "
			    "blocks kept (at block %llu); rescan with "
			    "--from-block", s->net->name, SCAN_KEEP_BLOCKS,
			    (unsigned long long)n);
			return -1;
		}
		if (get_block(s, n, false, &b) == -1)
			return -2;
		rc = strcmp(b.hdr.hash, mine);
		if (rc == 0)
			cc_strlcpy(fork_hash, b.hdr.hash, sizeof(fork_hash));
		json_object_put(b.obj);
		if (rc == 0)
			break;
		if (n == 0)
			return -1;
		n--;
		depth++;
	}
	log_warn("%s: reorganisation: block %llu left the chain; back to "
	    "the common block %llu", s->net->name,
	    (unsigned long long)s->cursor, (unsigned long long)n);
	db_params_init(&p);
	db_param(&p, s->net->name);
	db_param_int(&p, (long long)n);
	if (db_begin(s->db) == -1) {
		db_params_release(&p);
		return -1;
	}
	res = db_run(s->db, revert_sql, &p);
	if (res == NULL)
		goto fail;
	rows = PQntuples(res);
	for (i = 0; i < rows; i++) {
		const char *inv = db_val(res, i, "invoice_id");
		json_object *data = json_object_new_object();

		jsonx_add_str(data, "invoice_id", inv);
		jsonx_add(data, "payment", payment_row_json(s, res, i,
		    pay_status_name(PAY_REVERTED), db_val(res, i,
		    "previous")));
		log_warn("%s: payment %s (tx %s, block %s) reverted",
		    s->net->name, db_val(res, i, "id"),
		    db_val(res, i, "tx_hash"), db_val(res, i, "block_number"));
		rc = events_add(s->db, inv, EV_PAYMENT_REVERTED, data, true);
		json_object_put(data);
		if (rc == -1 || recompute_failed(s, inv))
			goto fail;
	}
	PQclear(res);
	res = NULL;
	if (refund_scan_revert(s->db, s->net, n) == -1)
		goto fail;
	/* Payments reverted and their events written, cursor not moved. */
	failpoint("scan.reorg_after_revert");
	if (db_run_command(s->db, drop_sql, &p) == -1)
		goto fail;
	s->cursor = n;
	cc_strlcpy(s->cursor_hash, fork_hash, sizeof(s->cursor_hash));
	if (save_cursor(s) == -1)
		goto fail;
	db_params_release(&p);
	if (db_commit(s->db) == -1)
		return -1;
	/* Rewound and committed; the new branch not scanned yet. */
	failpoint("scan.reorg_after_commit");
	return 0;
fail:
	db_params_release(&p);
	PQclear(res);
	db_rollback(s->db);
	return -1;
}

/* --- the run --------------------------------------------------------- */

/*
 * One step: catch up by one batch (or notice a reorganisation), then
 * count confirmations. *idle is set when at the head. Returns 0, -1 on a
 * database error, -2 when the node failed.
 */
static int
step(struct scanner *s, bool *idle)
{
	uint64_t head, to;
	struct block b;
	int rc;

	*idle = false;
	if (get_head(s, &head) == -1)
		return -2;
	s->head = head;
	if (load_addresses(s) == -1)
		return -1;
	/*
	 * The node is behind us (a reorganisation to a shorter chain, or a
	 * node that lost blocks), or the block we stopped at is no longer
	 * canonical: find the fork.
	 */
	if (s->cursor > head)
		return handle_reorg(s, head);
	if (get_block(s, s->cursor, false, &b) == -1)
		return -2;
	rc = strcmp(b.hdr.hash, s->cursor_hash);
	json_object_put(b.obj);
	if (rc != 0)
		return handle_reorg(s, head);
	if (s->cursor < head) {
		to = head - s->cursor > s->opts->batch ?
		    s->cursor + s->opts->batch : head;
		rc = scan_batch(s, to, head);
		if (rc == 1) {
			rc = 0;		/* the chain moved: look again */
		} else if (rc == 0 && s->opts->progress && head - to > 0)
			fprintf(stderr, "cc-scan: %s: block %llu of %llu "
			    "(%llu%%)\n", s->net->name, (unsigned long long)to,
			    (unsigned long long)head, (unsigned long long)
			    ((to - s->start_block) * 100 /
			    (head - s->start_block ? head - s->start_block :
			    1)));
		if (rc != 0)
			return rc;
	}
	if (update_confirmations(s, head) == -1 ||
	    refund_scan_confirm(s->db, s->net, head) == -1)
		return -1;
	if (value_waiting(s) == -1)
		return -1;
	if (fetch_fees(s) == -1)
		return -1;
	*idle = s->cursor >= head;
	/* At the head: what is about to be mined (0 confirmations). */
	if (*idle && (rc = scan_pending(s)) != 0)
		return rc;
	return 0;
}

static int
check_chain(struct scanner *s)
{
	json_object *r = NULL;
	uint64_t id;
	int rc = -1;

	if (rpc_call_retry(s->rpc, "eth_chainId", "[]", &r,
	    rpc_deadline(s)) != RPC_OK) {
		log_error("%s: eth_chainId: %s", s->net->name,
		    rpc_last_error(s->rpc));
		return -2;
	}
	if (!json_object_is_type(r, json_type_string) ||
	    evm_quantity_u64(json_object_get_string(r), &id) == -1)
		log_error("%s: eth_chainId: bad answer", s->net->name);
	else if (id != s->net->chain_id)
		log_error("%s: the node is chain %llu, not %llu as "
		    "configured: refusing to scan", s->net->name,
		    (unsigned long long)id,
		    (unsigned long long)s->net->chain_id);
	else
		rc = 0;
	json_object_put(r);
	return rc;
}

static const char lock_sql[] =
    "SELECT pg_try_advisory_lock(hashtext('cc-scan:' || $1)) AS locked";

/*
 * Takes the network's advisory lock (again: a new database session, after
 * a reconnection, holds none; in the same session it only stacks, and
 * the session's end releases it). 0, SCAN_LOCK_BUSY or -1.
 */
static int
take_lock(struct db *db, const struct cc_network *net,
    const struct db_params *p)
{
	PGresult *res;
	bool locked;

	res = db_run(db, lock_sql, p);
	if (res == NULL)
		return -1;
	locked = db_val(res, 0, "locked")[0] == 't';
	PQclear(res);
	if (!locked) {
		log_info("%s: another cc-scan is scanning this network; "
		    "leaving it to that one", net->name);
		return SCAN_LOCK_BUSY;
	}
	return 0;
}

/*
 * After a database failure (a restart drops the session, its lock and
 * any open transaction): the lock again, and the cursor as committed,
 * since the one in memory may have run ahead of a transaction that was
 * lost. 0, SCAN_LOCK_BUSY or -1 (still down).
 */
static int
resume(struct scanner *s, const struct db_params *p)
{
	static const char sql[] =
	    "SELECT block_number, block_hash FROM chain_cursors "
	    "WHERE network = $1";
	PGresult *res;
	int64_t stored;
	int rc;

	rc = take_lock(s->db, s->net, p);
	if (rc != 0)
		return rc;
	res = db_run1(s->db, sql, s->net->name);
	if (res == NULL)
		return -1;
	rc = -1;
	if (PQntuples(res) == 1 &&
	    db_val_int64(res, 0, "block_number", &stored) == 0 &&
	    stored >= 0) {
		s->cursor = (uint64_t)stored;
		cc_strlcpy(s->cursor_hash, db_val(res, 0, "block_hash"),
		    sizeof(s->cursor_hash));
		rc = 0;
	}
	PQclear(res);
	if (rc == 0)
		log_info("%s: database back; resuming after block %llu",
		    s->net->name, (unsigned long long)s->cursor);
	return rc;
}

int
scan_run(struct db *db, const struct cc_network *net,
    const struct scan_opts *opts)
{
	static const char unlock_sql[] =
	    "SELECT pg_advisory_unlock(hashtext('cc-scan:' || $1))";
	struct scanner s;
	struct db_params p;
	PGresult *res;
	size_t i;
	bool stale = false;
	int rc = -1;

	db_params_init(&p);
	db_param(&p, net->name);
	rc = take_lock(db, net, &p);
	if (rc != 0) {
		db_params_release(&p);
		return rc;
	}

	memset(&s, 0, sizeof(s));
	s.db = db;
	s.net = net;
	s.opts = opts;
	s.rpc = rpc_new(net->rpc_url, SCAN_RPC_TIMEOUT_MS);
	s.set = addrset_new();
	if (opts->run_for > 0)
		s.deadline = rpc_now_ms() + opts->run_for * 1000;
	for (i = 0; i < net->nassets; i++)
		if (net->assets[i].native)
			s.native = &net->assets[i];

	rc = check_chain(&s);
	if (rc != 0 || (rc = init_cursor(&s)) != 0)
		goto out;
	s.start_block = s.cursor;
	for (;;) {
		bool idle;

		if (stale) {
			rc = resume(&s, &p);
			if (rc == SCAN_LOCK_BUSY)
				break;
			if (rc == -1) {
				rc = -1;
				if (s.deadline == 0 || rpc_now_ms() >= s.deadline)
					break;
				sleep_ms(1000);
				continue;
			}
			stale = false;
		}
		rc = step(&s, &idle);
		if (rc == -1) {
			/* The database failed: never exit mid-run for that
			 * while the run lasts (cron starts the next one only
			 * in a minute); take up from what was committed. */
			if (s.deadline == 0 || rpc_now_ms() >= s.deadline)
				break;
			stale = true;
			sleep_ms(1000);
			continue;
		}
		if (rc == -2) {
			/* The node failed past its retries: never skip;
			 * try again while the run lasts. */
			if (s.deadline == 0 || rpc_now_ms() >= s.deadline)
				break;
			sleep_ms(1000);
			continue;
		}
		if (idle && (s.deadline == 0 || rpc_now_ms() >= s.deadline))
			break;
		if (!idle && s.deadline != 0 && rpc_now_ms() >= s.deadline)
			break;
		if (idle)
			sleep_ms(opts->poll_ms);
	}
out:
	res = db_run(db, unlock_sql, &p);
	PQclear(res);
	db_params_release(&p);
	addrset_free(s.set);
	free(s.invs);
	rpc_free(s.rpc);
	if (rc == SCAN_LOCK_BUSY)
		return rc;
	return rc < 0 ? -1 : 0;
}
