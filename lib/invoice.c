/* Invoice creation, views, listing and cancellation. */
#include "cc.h"

#include <errno.h>

#include "address.h"
#include "apikey.h"
#include "audit.h"
#include "bip32.h"
#include "config.h"
#include "db.h"
#include "events.h"
#include "ids.h"
#include "invoice.h"
#include "invoice_input.h"
#include "jsonx.h"
#include "lifecycle.h"
#include "log.h"
#include "money.h"
#include "payment.h"
#include "payuri.h"
#include "rates.h"
#include "refund.h"
#include "util.h"
#include "valuation.h"
#include "netfee.h"

/*
 * Columns of every invoice read, read back by name. Computed columns are
 * named after the field they fill; a statement that orders by a stored
 * column qualifies it (invoices.created_at), since a bare name in ORDER
 * BY means the output column.
 */
#define INVOICE_COLS \
	"id, status, title, description, items::text AS items, currency, " \
	"currency_exp, subtotal_minor, tax_minor, total_minor, " \
	"crypto_currency, network, crypto_decimals, " \
	"crypto_amount::text AS crypto_amount, rate::text AS rate, " \
	"rate_source, cc_ts(rate_locked_at) AS rate_locked_at, " \
	"cc_ts(rate_expires_at) AS rate_expires_at, address, " \
	"underpay_minor, overpay_minor, overpay_action, webhook_url, " \
	"return_url, cancel_url, metadata::text AS metadata, " \
	"cc_ts(created_at) AS created_at, cc_ts(expires_at) AS expires_at, " \
	"cc_ts(paid_at) AS paid_at, cc_ts(cancelled_at) AS cancelled_at, " \
	"cancel_reason, mode, " \
	"(extract(epoch FROM created_at) * 1000000)::bigint AS created_us, " \
	"refund_partial_payments"

/*
 * What counts toward payment_progress: confirmed, and still confirming;
 * units valued at the locked rate, and apart the payments valued after
 * the lock at their own rates ([units, rate, status] each).
 */
#define PROGRESS_COLS \
	"(SELECT coalesce(sum(amount), 0) FROM payments p WHERE " \
	"p.invoice_id = invoices.id AND p.status = 'confirmed' AND NOT " \
	"p.late AND p.rate_locked)::text AS confirmed_units, " \
	"(SELECT coalesce(sum(amount), 0) FROM payments p WHERE " \
	"p.invoice_id = invoices.id AND p.status IN ('detected', " \
	"'confirming') AND NOT p.late AND p.rate_locked)::text AS " \
	"confirming_units, (SELECT coalesce(json_agg(json_build_array(" \
	"p.amount::text, p.rate::text, p.status)), '[]')::text FROM " \
	"payments p WHERE p.invoice_id = invoices.id AND p.status <> " \
	"'reverted' AND NOT p.late AND NOT p.rate_locked) AS repriced"

/*
 * A payment's confirmations: the stored count, which cc-scan updates
 * until the payment is confirmed; then counted on from the block the
 * scanner has reached, so that it keeps growing (not a simulated one's:
 * its block never existed).
 */
#define PAY_CONFIRMATIONS \
	"CASE WHEN p.status = 'confirmed' AND NOT p.simulated THEN " \
	"greatest(p.confirmations, " \
	"(SELECT c.block_number FROM chain_cursors c WHERE c.network = " \
	"p.network) - p.block_number + 1) ELSE p.confirmations END"

/* A whole-number column; 0 if NULL or unreadable. */
static int64_t
val_int(const PGresult *res, int r, const char *col)
{
	int64_t v;

	return db_val_int64(res, r, col, &v) == 0 ? v : 0;
}

static void
add_minor(json_object *o, const char *key, int64_t minor, int exp)
{
	char txt[48];

	money_format_minor(minor, exp, txt, sizeof(txt));
	jsonx_add(o, key, jsonx_decimal(txt));
}

/* Stored JSON (jsonb text) back into objects that keep number text. */
static json_object *
stored_json(const char *txt, const char *fallback)
{
	char err[64];
	json_object *o;

	o = jsonx_parse(txt, strlen(txt), err, sizeof(err));
	if (o == NULL) {
		log_error("stored JSON does not parse: %s", err);
		o = jsonx_parse(fallback, strlen(fallback), err, sizeof(err));
	}
	return o;
}

/*
 * The lists the views build in SQL (payments, credits, refunds) carry
 * each "amount" as its base units' text; the decimal shown is written
 * here, by money.h, at the invoice's decimals: SQL would round it. An
 * amount that does not format (this code never stores one) is logged
 * and shown as null.
 */
static void
amounts_from_units(json_object *list, int decimals, const char *invoice_id)
{
	char txt[MONEY_TEXT_MAX];
	json_object *o, *v;
	const char *units;
	size_t i, n;

	n = json_object_is_type(list, json_type_array) ?
	    json_object_array_length(list) : 0;
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(list, i);
		units = NULL;
		if (json_object_object_get_ex(o, "amount", &v) &&
		    json_object_is_type(v, json_type_string))
			units = json_object_get_string(v);
		if (money_format_units_text(units, decimals, txt,
		    sizeof(txt)) != 0) {
			log_error("invoice %s: unreadable stored amount",
			    invoice_id);
			jsonx_add(o, "amount", NULL);
			continue;
		}
		jsonx_add(o, "amount", jsonx_decimal(txt));
	}
}

static json_object *
row_to_json(const struct cc_config *cfg, const PGresult *res, int r)
{
	json_object *o, *x, *t;
	char amt[MONEY_TEXT_MAX], url[640];
	int exp = (int)val_int(res, r, "currency_exp");
	int dec = (int)val_int(res, r, "crypto_decimals");
	const char *id = db_val(res, r, "id");
	const char *crypto = db_val(res, r, "crypto_currency");

	o = json_object_new_object();
	jsonx_add_str(o, "id", id);
	jsonx_add_str(o, "object", "invoice");
	jsonx_add(o, "livemode", json_object_new_boolean(
	    strcmp(db_val(res, r, "mode"), "live") == 0));
	jsonx_add_str(o, "status", db_val(res, r, "status"));
	jsonx_add_str(o, "title", db_val(res, r, "title"));
	jsonx_add_str(o, "description", db_val(res, r, "description"));
	jsonx_add(o, "items", stored_json(db_val(res, r, "items"), "[]"));
	add_minor(o, "subtotal", val_int(res, r, "subtotal_minor"), exp);
	add_minor(o, "tax", val_int(res, r, "tax_minor"), exp);
	add_minor(o, "total", val_int(res, r, "total_minor"), exp);
	jsonx_add_str(o, "currency", db_val(res, r, "currency"));
	jsonx_add_str(o, "crypto_currency", crypto);
	jsonx_add_str(o, "network", db_val(res, r, "network"));
	if (money_format_units_text(db_val(res, r, "crypto_amount"), dec,
	    amt, sizeof(amt)) != 0)
		cc_strlcpy(amt, "0", sizeof(amt));
	if (strcmp(crypto, "USDT") == 0)
		jsonx_add(o, "usdt_amount", jsonx_decimal(amt));
	jsonx_add(o, "crypto_amount", jsonx_decimal(amt));
	jsonx_add_str(o, "crypto_amount_units",
	    db_val(res, r, "crypto_amount"));
	jsonx_add_str(o, "address", db_val(res, r, "address"));
	snprintf(url, sizeof(url), "%s/invoice/%s/qr?size=256",
	    cfg->public_url, id);
	jsonx_add_str(o, "qr_code_url", url);
	snprintf(url, sizeof(url), "%s/invoice/%s", cfg->pay_url, id);
	jsonx_add_str(o, "customer_url", url);
	jsonx_add_str(o, "expires_at", db_val(res, r, "expires_at"));
	jsonx_add_str(o, "created_at", db_val(res, r, "created_at"));
	jsonx_add_str(o, "paid_at", db_val(res, r, "paid_at"));
	jsonx_add_str(o, "cancelled_at", db_val(res, r, "cancelled_at"));
	x = json_object_new_object();
	jsonx_add(x, "rate", jsonx_decimal(db_val(res, r, "rate")));
	jsonx_add_str(x, "source", db_val(res, r, "rate_source"));
	jsonx_add_str(x, "locked_at", db_val(res, r, "rate_locked_at"));
	jsonx_add_str(x, "expires_at", db_val(res, r, "rate_expires_at"));
	jsonx_add(o, "exchange_rate", x);
	t = json_object_new_object();
	add_minor(t, "underpayment_threshold",
	    val_int(res, r, "underpay_minor"), exp);
	add_minor(t, "overpayment_threshold",
	    val_int(res, r, "overpay_minor"), exp);
	jsonx_add_str(t, "overpayment_action",
	    db_val(res, r, "overpay_action"));
	jsonx_add(o, "payment_tolerance", t);
	jsonx_add_str(o, "webhook_url", db_val(res, r, "webhook_url"));
	jsonx_add_str(o, "return_url", db_val(res, r, "return_url"));
	jsonx_add_str(o, "cancel_url", db_val(res, r, "cancel_url"));
	jsonx_add(o, "metadata", stored_json(db_val(res, r, "metadata"),
	    "{}"));
	return o;
}

/*
 * Adds the payments valued after the rate lock (PROGRESS_COLS'
 * "repriced") to the confirmed and confirming sums, each at its own rate
 * rounded down, as the lifecycle counts them. 0 or -1.
 */
static int
add_repriced(const char *txt, int dec, int exp, int64_t *got,
    int64_t *wait)
{
	struct valuation_sums conf, seen;
	json_object *list, *e;
	unsigned __int128 units;
	struct money_dec rate;
	size_t i, n;
	int rc = 0;

	if (txt == NULL)
		return 0;
	list = stored_json(txt, "[]");
	memset(&conf, 0, sizeof(conf));
	memset(&seen, 0, sizeof(seen));
	n = json_object_is_type(list, json_type_array) ?
	    json_object_array_length(list) : 0;
	for (i = 0; i < n && rc == 0; i++) {
		const char *st;
		bool confirmed;

		e = json_object_array_get_idx(list, i);
		if (!json_object_is_type(e, json_type_array) ||
		    json_object_array_length(e) != 3 ||
		    money_str_to_u128(json_object_get_string(
		    json_object_array_get_idx(e, 0)), &units) != MONEY_OK ||
		    money_parse_dec(json_object_get_string(
		    json_object_array_get_idx(e, 1)), MONEY_MAX_SCALE,
		    &rate) != MONEY_OK) {
			rc = -1;
			break;
		}
		st = json_object_get_string(json_object_array_get_idx(e, 2));
		confirmed = st != NULL && strcmp(st,
		    pay_status_name(PAY_CONFIRMED)) == 0;
		rc = valuation_sums_add(confirmed ? &conf : &seen, units, dec,
		    &rate, exp, confirmed);
	}
	json_object_put(list);
	if (rc == 0 && (money_add(*got, conf.confirmed_minor, got) !=
	    MONEY_OK || money_add(*wait, seen.seen_minor, wait) != MONEY_OK))
		rc = -1;
	return rc;
}

/*
 * How much of the total has arrived: confirmed payments (and, apart,
 * those still confirming) in the invoice currency at the locked rate
 * (after the lock, at each payment's own rate), rounded down; percent
 * with two decimals, rounded down.
 */
static json_object *
progress_json(const PGresult *res, int r)
{
	json_object *o = json_object_new_object();
	int exp = (int)val_int(res, r, "currency_exp");
	int dec = (int)val_int(res, r, "crypto_decimals");
	int64_t total = val_int(res, r, "total_minor"), got = 0, wait = 0, pct;
	unsigned __int128 cu = 0, pu = 0;
	struct money_dec rate;
	char txt[48];

	if (money_parse_dec(db_val(res, r, "rate"), 38, &rate) != MONEY_OK ||
	    money_str_to_u128(db_val(res, r, "confirmed_units"), &cu) !=
	    MONEY_OK || money_str_to_u128(db_val(res, r, "confirming_units"),
	    &pu) != MONEY_OK ||
	    money_crypto_to_fiat(cu, dec, &rate, exp, &got) != MONEY_OK ||
	    money_crypto_to_fiat(pu, dec, &rate, exp, &wait) != MONEY_OK ||
	    add_repriced(db_val(res, r, "repriced"), dec, exp, &got, &wait) ==
	    -1)
		got = wait = 0;
	add_minor(o, "received", got, exp);
	add_minor(o, "required", total, exp);
	add_minor(o, "remaining", got < total ? total - got : 0, exp);
	add_minor(o, "pending", wait, exp);
	/* got <= 2^63 / 10^4 for any sane invoice; otherwise report 100+. */
	if (total <= 0)
		pct = 10000;
	else if (got > INT64_MAX / 10000)
		pct = 10000;
	else
		pct = got * 10000 / total;
	snprintf(txt, sizeof(txt), "%lld.%02lld", (long long)(pct / 100),
	    (long long)(pct % 100));
	jsonx_add(o, "percent", jsonx_decimal(txt));
	return o;
}

/* Fields only the merchant view has. */
static void
add_merchant_fields(const struct cc_config *cfg, json_object *o,
    const PGresult *res, int r)
{
	const char *refund = db_val(res, r, "refund_partial_payments");
	const char *id = db_val(res, r, "id");
	int dec = (int)val_int(res, r, "crypto_decimals");
	const struct cc_network *net;
	json_object *payments, *list;
	size_t i, n;

	if (db_val(res, r, "cancelled_at") != NULL) {
		jsonx_add_str(o, "cancellation_reason",
		    db_val(res, r, "cancel_reason"));
		jsonx_add(o, "refund_partial_payments",
		    json_object_new_boolean(refund && *refund == 't'));
	}
	jsonx_add_str(o, "expired_at", db_val(res, r, "expired_at"));
	jsonx_add_str(o, "overpaid_at", db_val(res, r, "overpaid_at"));
	payments = stored_json(db_val(res, r, "payments"), "[]");
	net = config_network(cfg, db_val(res, r, "network"));
	/* Before the amounts turn from base units into decimals. */
	valuation_annotate(payments, dec, db_val(res, r, "rate"),
	    (int)val_int(res, r, "currency_exp"));
	netfee_annotate(payments, net);
	amounts_from_units(payments, dec, id);
	n = json_object_array_length(payments);
	for (i = 0; i < n && net != NULL; i++)
		jsonx_add(json_object_array_get_idx(payments, i),
		    "required_confirmations",
		    json_object_new_int(net->confirmations));
	jsonx_add(o, "payments", payments);
	jsonx_add(o, "payment_progress", progress_json(res, r));
	list = stored_json(db_val(res, r, "credits"), "[]");
	amounts_from_units(list, dec, id);
	refund_credits_finish(list, dec);
	jsonx_add(o, "credits", list);
	list = stored_json(db_val(res, r, "refunds"), "[]");
	refund_list_finish(list, (int)val_int(res, r, "currency_exp"), dec);
	jsonx_add(o, "refunds", list);
	jsonx_add(o, "refunded", json_object_new_boolean(
	    db_val(res, r, "refunded") != NULL &&
	    *db_val(res, r, "refunded") == 't'));
	jsonx_add(o, "audit_log", stored_json(db_val(res, r, "audit_log"),
	    "[]"));
	jsonx_add(o, "webhook_deliveries", stored_json(db_val(res, r,
	    "webhook_deliveries"), "[]"));
}

/*
 * Deposit address xpub/0/index. Each thread keeps the last few wallets'
 * parsed keys and their external chain (xpub/0), so an invoice costs one
 * derivation instead of a base58 decode and two derivations.
 */
#define WALLET_CACHE 8

struct wallet_key {
	char			 xpub[128];
	struct bip32_pub	 chain;
};

static __thread struct wallet_key	wallet_cache[WALLET_CACHE];
static __thread unsigned		wallet_next;

static int
derive_address(enum address_kind kind, const char *xpub, uint32_t index,
    char *out, size_t outlen)
{
	struct wallet_key *w = NULL;
	struct bip32_pub account, child;
	uint8_t pub[65];
	size_t i;

	for (i = 0; i < WALLET_CACHE; i++)
		if (strcmp(wallet_cache[i].xpub, xpub) == 0) {
			w = &wallet_cache[i];
			break;
		}
	if (w == NULL) {
		if (strlen(xpub) >= sizeof(w->xpub) ||
		    bip32_parse(xpub, &account) != BIP32_OK)
			return -1;
		w = &wallet_cache[wallet_next++ % WALLET_CACHE];
		w->xpub[0] = '\0';
		if (bip32_derive(&account, 0, &w->chain) != BIP32_OK)
			return -1;
		cc_strlcpy(w->xpub, xpub, sizeof(w->xpub));
	}
	if (bip32_derive(&w->chain, index, &child) != BIP32_OK ||
	    bip32_pubkey_uncompressed(&child, pub) != BIP32_OK)
		return -1;
	return address_from_pubkey(kind, pub, out, outlen);
}

static enum invoice_result
reject(struct input_error *e, const char *code, const char *field,
    const char *msg)
{
	e->status = 422;
	cc_strlcpy(e->type, "validation_error", sizeof(e->type));
	cc_strlcpy(e->code, code, sizeof(e->code));
	cc_strlcpy(e->field, field, sizeof(e->field));
	cc_strlcpy(e->message, msg, sizeof(e->message));
	return INVOICE_INVALID;
}

enum invoice_result
invoice_create(struct db *db, const struct cc_config *cfg,
    const struct auth *a, const struct req_meta *m,
    const struct invoice_input *in, json_object **out,
    struct input_error *e)
{
	static const char wallet_sql[] =
	    "SELECT w.id, w.xpub, nextval(w.seq_name::regclass) AS "
	    "derivation_index, r.rate::text AS rate, r.source, "
	    "floor(extract(epoch FROM now() - r.updated_at))::bigint AS "
	    "rate_age FROM wallets w "
	    "LEFT JOIN rates r ON r.crypto = $3 AND r.currency = $4 "
	    "WHERE w.merchant_id = $1 AND w.network = $2";
	static const char insert_sql[] =
	    "WITH inv AS (INSERT INTO invoices (id, merchant_id, mode, "
	    "status, title, description, items, currency, currency_exp, "
	    "subtotal_minor, tax_minor, total_minor, total, crypto_currency, "
	    "network, crypto_decimals, crypto_amount, rate, rate_source, "
	    "rate_locked_at, rate_expires_at, wallet_id, derivation_index, "
	    "address, underpay_minor, overpay_minor, overpay_action, "
	    "webhook_url, return_url, cancel_url, metadata, created_at, "
	    "expires_at) VALUES ($1, $2, $3, 'created', $4, $5, $6::json, "
	    "$7, $8::smallint, $9::bigint, $10::bigint, $11::bigint, "
	    "$12::numeric, $13, $14, $15::smallint, $16::numeric, "
	    "$17::numeric, $18, now(), now() + make_interval(secs => "
	    "$19::int), $20, $21::bigint, $22, $23::bigint, $24::bigint, $25, "
	    "$26, $27, $28, $29::jsonb, now(), now() + make_interval(secs => "
	    "$30::int)) RETURNING " INVOICE_COLS "), "
	    "ev AS (INSERT INTO events (id, invoice_id, merchant_id, type, "
	    "data) SELECT $31, id, $2, $38, "
	    "jsonb_build_object('invoice_id', id, 'status', 'created', "
	    "'total_amount', $12::numeric, 'currency', currency, "
	    "'crypto_currency', crypto_currency, 'network', network, "
	    "'crypto_amount', $37::numeric, 'address', address) FROM inv), "
	    /*
	     * lib/audit's columns, but not its JSON row: this is the
	     * hottest statement, and bench/create_invoice.sql mirrors it.
	     */
	    "au AS (INSERT INTO audit_log (" AUDIT_COLUMNS ") "
	    "SELECT $32, $2, id, $39, $33, $34, $35, $36, '{}' FROM inv) "
	    "SELECT * FROM inv";
	const struct cc_network *net;
	const struct cc_asset *asset;
	struct money_dec rate;
	unsigned __int128 units;
	PGresult *res = NULL;
	struct db_params p;
	char id[IDS_MAX_LEN], evt[IDS_MAX_LEN], aud[IDS_MAX_LEN];
	char address[ADDRESS_MAX_LEN], source[64], units_txt[48];
	char totdec[40], rate_txt[64], wallet_id[64];
	char crypto_txt[MONEY_TEXT_MAX];
	int64_t idx, age;
	enum invoice_result rc = INVOICE_BROKEN;
	enum rates_lookup k;

	*out = NULL;
	if (in->network[0] != '\0') {
		net = config_network(cfg, in->network);
		if (net->test != a->test)
			return reject(e, "NETWORK_MODE_MISMATCH", "network",
			    a->test ? "test keys can only use test networks" :
			    "live keys can only use live networks");
	} else {
		net = config_default_network(cfg, in->crypto_currency,
		    a->test);
		if (net == NULL)
			return reject(e, "UNSUPPORTED_NETWORK",
			    "crypto_currency", a->test ?
			    "no test network is configured for this "
			    "crypto_currency" : "no live network is "
			    "configured for this crypto_currency");
	}
	asset = config_asset(net, in->crypto_currency);

	db_params_init(&p);
	db_param(&p, a->merchant_id);
	db_param(&p, net->name);
	db_param(&p, asset->symbol);
	db_param(&p, in->currency);
	res = db_run(db, wallet_sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return INVOICE_DB_UNAVAILABLE;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return reject(e, "WALLET_NOT_CONFIGURED", "network",
		    "the merchant has no wallet on this network; add one "
		    "with cc-admin wallet add");
	}
	cc_strlcpy(wallet_id, db_val(res, 0, "id"), sizeof(wallet_id));
	if (db_val(res, 0, "rate") == NULL ||
	    db_val_int64(res, 0, "rate_age", &age) == -1)
		age = -1;
	k = rates_resolve(asset, in->currency, db_val(res, 0, "rate"),
	    db_val(res, 0, "source"), age, cfg->rates_max_age, &rate, source,
	    sizeof(source));
	if (k == RATES_NONE || k == RATES_STALE) {
		char msg[256];

		/* Never a stale price: the feeds or an admin must act. */
		if (k == RATES_STALE)
			snprintf(msg, sizeof(msg), "no current exchange rate "
			    "for %s/%s: the last one, from %s, is %lld s old "
			    "(at most %d s); retry shortly", asset->symbol,
			    in->currency, db_val(res, 0, "source"),
			    (long long)age, cfg->rates_max_age);
		else
			snprintf(msg, sizeof(msg), "no exchange rate is "
			    "known for %s/%s", asset->symbol, in->currency);
		PQclear(res);
		reject(e, "RATE_UNAVAILABLE", "crypto_currency", msg);
		e->status = 503;
		cc_strlcpy(e->type, "api_error", sizeof(e->type));
		return INVOICE_INVALID;
	}
	if (k == RATES_BAD ||
	    db_val_int64(res, 0, "derivation_index", &idx) == -1 ||
	    idx < 0 || idx > 0x7fffffffLL) {
		log_error("wallet %s: bad stored rate or index", wallet_id);
		goto out;
	}
	if (derive_address(net->kind, db_val(res, 0, "xpub"), (uint32_t)idx,
	    address, sizeof(address)) == -1) {
		/* A bad stored key, or an index without a valid key
		 * (p < 2^-127): the next request takes the next index. */
		log_error("wallet %s: cannot derive index %lld", wallet_id,
		    (long long)idx);
		goto out;
	}
	PQclear(res);
	res = NULL;
	if (money_fiat_to_crypto(in->total_minor, in->exponent, &rate,
	    asset->decimals, &units) != MONEY_OK) {
		rc = reject(e, "INVALID_AMOUNT", "items",
		    "the crypto amount of this invoice is out of range");
		goto out;
	}

	ids_new("inv_", id, sizeof(id));
	ids_new("evt_", evt, sizeof(evt));
	ids_new("audit_", aud, sizeof(aud));
	money_u128_to_str(units, units_txt, sizeof(units_txt));
	money_format_units(units, asset->decimals, crypto_txt,
	    sizeof(crypto_txt));
	money_format_dec(&rate, rate_txt, sizeof(rate_txt));
	money_format_minor(in->total_minor, in->exponent, totdec,
	    sizeof(totdec));

	db_params_init(&p);
	db_param(&p, id);				/* $1 */
	db_param(&p, a->merchant_id);
	db_param(&p, apikey_mode(a));
	db_param(&p, in->title);
	db_param(&p, in->description);			/* $5 */
	db_param(&p, jsonx_text(in->items));
	db_param(&p, in->currency);
	db_param_int(&p, in->exponent);
	db_param_int(&p, in->subtotal_minor);
	db_param_int(&p, in->tax_minor);		/* $10 */
	db_param_int(&p, in->total_minor);
	db_param(&p, totdec);
	db_param(&p, asset->symbol);
	db_param(&p, net->name);
	db_param_int(&p, asset->decimals);		/* $15 */
	db_param(&p, units_txt);
	db_param(&p, rate_txt);
	db_param(&p, source);
	db_param_int(&p, in->price_lock);
	db_param(&p, wallet_id);			/* $20 */
	db_param_int(&p, idx);
	db_param(&p, address);
	db_param_int(&p, in->underpay_minor);
	db_param_int(&p, in->overpay_minor);
	db_param(&p, in->overpay_action);		/* $25 */
	db_param(&p, in->webhook_url);
	db_param(&p, in->return_url);
	db_param(&p, in->cancel_url);
	db_param(&p, in->metadata);
	db_param_int(&p, in->expires_in);		/* $30 */
	db_param(&p, evt);
	db_param(&p, aud);
	db_param(&p, a->actor);
	db_param(&p, m->ip);
	db_param(&p, m->user_agent);			/* $35 */
	db_param(&p, m->request_id);
	db_param(&p, crypto_txt);
	db_param(&p, events_name(EV_INVOICE_CREATED));
	db_param(&p, audit_event_name(AUDIT_INVOICE_CREATED));
	res = db_run(db, insert_sql, &p);
	db_params_release(&p);
	if (res == NULL) {
		rc = INVOICE_DB_UNAVAILABLE;
		goto out;
	}
	if (PQntuples(res) != 1)
		goto out;
	*out = row_to_json(cfg, res, 0);
	rc = INVOICE_OK;
out:
	PQclear(res);
	return rc;
}

enum invoice_result
invoice_get(struct db *db, const struct cc_config *cfg, const struct auth *a,
    const char *id, json_object **out)
{
	static const char sql[] =
	    "SELECT " INVOICE_COLS ", (SELECT coalesce(json_agg(json_build_"
	    "object('id', l.id, 'event', l.event, 'timestamp', "
	    "cc_ts(l.created_at), 'actor', l.actor, 'ip_address', "
	    "l.ip_address, 'user_agent', l.user_agent, 'request_id', "
	    "l.request_id) ORDER BY l.seq), '[]')::text FROM audit_log l "
	    "WHERE l.invoice_id = invoices.id) AS audit_log, "
	    "(SELECT coalesce(json_agg(json_build_object('id', p.id, "
	    "'amount', p.amount::text, 'simulated', p.simulated, "
	    "'asset', p.asset, 'tx_hash', p.tx_hash, 'status', p.status, "
	    "'confirmations', " PAY_CONFIRMATIONS ", 'block_number', "
	    "p.block_number, 'from_address', p.from_address, 'detected_at', "
	    "cc_ts(p.detected_at), 'confirmed_at', cc_ts(p.confirmed_at), "
	    "'reverted_at', cc_ts(p.reverted_at), 'late', p.late, "
	    "'network_fee', p.network_fee::text, 'block_time', "
	    "cc_ts(p.block_time), 'rate', p.rate::text, 'rate_source', "
	    "p.rate_source, 'rate_locked', p.rate_locked) "
	    "ORDER BY p.detected_at, p.id), '[]')::text "
	    "FROM payments p WHERE p.invoice_id = invoices.id) AS payments, "
	    "(SELECT coalesce(json_agg(json_build_object('id', c.id, "
	    "'amount', c.amount::text, 'refunded_amount', "
	    "c.refunded::text, 'remaining_amount', "
	    "(c.amount - c.refunded)::text, "
	    "'asset', c.asset, 'reason', c.reason, 'created_at', "
	    "cc_ts(c.created_at)) ORDER BY c.created_at, c.id), '[]')::text "
	    "FROM credits c WHERE c.invoice_id = invoices.id) AS credits, "
	    "(SELECT coalesce(json_agg(" REFUND_JSON_SQL " ORDER BY "
	    "r.created_at, r.id), '[]')::text FROM refunds r JOIN invoices i "
	    "ON i.id = r.invoice_id WHERE r.invoice_id = invoices.id) "
	    "AS refunds, " INVOICE_REFUNDED_SQL " AS refunded, "
	    "cc_ts(overpaid_at) AS overpaid_at, "
	    "cc_ts(expired_at) AS expired_at, "
	    PROGRESS_COLS ", "
	    /* Every delivery of the invoice's events, with its attempts. */
	    "(SELECT coalesce(json_agg(json_build_object('id', d.id, "
	    "'event', ev.type, 'event_id', ev.id, 'endpoint_id', "
	    "d.endpoint_id, 'url', coalesce(ep.url, d.url), 'status', "
	    "d.status, 'attempts', d.attempts, 'response_code', "
	    "d.response_code, 'last_error', d.last_error, 'created_at', "
	    "cc_ts(d.created_at), 'next_attempt_at', CASE WHEN d.status = "
	    "'pending' THEN cc_ts(d.next_attempt_at) END, 'delivered_at', "
	    "cc_ts(d.delivered_at), 'failed_at', cc_ts(d.failed_at), "
	    "'attempt_log', (SELECT coalesce(json_agg(json_build_object("
	    "'attempt', t.attempt, 'attempted_at', to_char(t.started_at AT "
	    "TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), 'url', "
	    "t.url, 'response_code', t.response_code, 'latency_ms', "
	    "t.latency_ms, 'error', t.error) ORDER BY t.attempt), '[]') "
	    "FROM webhook_attempts t WHERE t.delivery_id = d.id)) "
	    "ORDER BY d.created_at, d.id), '[]')::text "
	    "FROM webhook_deliveries d JOIN events ev ON ev.seq = d.event_seq "
	    "LEFT JOIN webhook_endpoints ep ON ep.id = d.endpoint_id "
	    "WHERE d.invoice_id = invoices.id) AS webhook_deliveries "
	    "FROM invoices WHERE id = $1 AND merchant_id = $2 AND mode = $3";
	struct db_params p;
	PGresult *res;
	enum invoice_result rc;

	*out = NULL;
	if (!ids_valid("inv_", id))
		return INVOICE_NOT_FOUND;
	db_params_init(&p);
	db_param(&p, id);
	db_param(&p, a->merchant_id);
	db_param(&p, apikey_mode(a));
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return INVOICE_DB_UNAVAILABLE;
	rc = INVOICE_NOT_FOUND;
	if (PQntuples(res) == 1) {
		*out = row_to_json(cfg, res, 0);
		add_merchant_fields(cfg, *out, res, 0);
		rc = INVOICE_OK;
	}
	PQclear(res);
	return rc;
}

void
invoice_cursor_encode(int64_t us, const char *id, char *out, size_t outlen)
{
	char raw[96];
	int n;

	n = snprintf(raw, sizeof(raw), "%lld.%s", (long long)us, id);
	if (n < 0 || (size_t)n >= sizeof(raw) || outlen < 4 * sizeof(raw) / 3
	    + 4) {
		out[0] = '\0';
		return;
	}
	b64url_encode((const uint8_t *)raw, (size_t)n, out);
}

int
invoice_cursor_decode(const char *s, int64_t *us, char *id, size_t idlen)
{
	uint8_t raw[96];
	char txt[97], *dot, *end;
	long long v;
	int n;

	if (strlen(s) > 128)
		return -1;
	n = b64url_decode(s, raw, sizeof(raw));
	if (n <= 0)
		return -1;
	memcpy(txt, raw, (size_t)n);
	txt[n] = '\0';
	dot = strchr(txt, '.');
	if (dot == NULL)
		return -1;
	*dot = '\0';
	if (txt[0] < '0' || txt[0] > '9')
		return -1;
	errno = 0;
	v = strtoll(txt, &end, 10);
	if (errno != 0 || *end != '\0' || end == txt || v < 0)
		return -1;
	if (!ids_valid("inv_", dot + 1) || cc_strlcpy(id, dot + 1, idlen) >=
	    idlen)
		return -1;
	*us = v;
	return 0;
}

/* Escapes LIKE wildcards so a search is a plain substring match. */
static char *
like_pattern(const char *q)
{
	struct buf b;

	buf_init(&b, 0);
	buf_puts(&b, "%");
	for (; *q != '\0'; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			buf_puts(&b, "\\");
		buf_append(&b, q, 1);
	}
	buf_puts(&b, "%");
	return buf_take(&b);
}

enum invoice_result
invoice_list(struct db *db, const struct cc_config *cfg,
    const struct auth *a, const struct invoice_filter *f, json_object **out)
{
	struct db_params p;
	char *pattern = NULL;
	struct buf sql;
	PGresult *res = NULL;
	json_object *list, *data;
	enum invoice_result rc = INVOICE_DB_UNAVAILABLE;
	int rows, i;

	*out = NULL;
	/*
	 * The statement is assembled from constant fragments only; every
	 * value is a parameter.
	 */
	buf_init(&sql, 0);
	db_params_init(&p);
	buf_puts(&sql, "SELECT " INVOICE_COLS " FROM invoices "
	    "WHERE merchant_id = $1 AND mode = $2");
	db_param(&p, a->merchant_id);
	db_param(&p, apikey_mode(a));
	if (f->status != NULL &&
	    strcmp(f->status, INVOICE_FILTER_REFUNDED) == 0)
		buf_puts(&sql, " AND " INVOICE_REFUNDED_SQL);
	else if (f->status != NULL) {
		db_param(&p, f->status);
		buf_printf(&sql, " AND status = $%d", p.n);
	}
	if (f->currency[0] != '\0') {
		db_param(&p, f->currency);
		buf_printf(&sql, " AND currency = $%d", p.n);
	}
	if (f->has_after) {
		db_param_int(&p, f->after_us);
		buf_printf(&sql, " AND created_at > timestamptz 'epoch' + "
		    "$%d::bigint * interval '1 microsecond'", p.n);
	}
	if (f->has_before) {
		db_param_int(&p, f->before_us);
		buf_printf(&sql, " AND created_at < timestamptz 'epoch' + "
		    "$%d::bigint * interval '1 microsecond'", p.n);
	}
	if (f->amount_gte != NULL) {
		db_param(&p, f->amount_gte);
		buf_printf(&sql, " AND total >= $%d::numeric", p.n);
	}
	if (f->amount_lte != NULL) {
		db_param(&p, f->amount_lte);
		buf_printf(&sql, " AND total <= $%d::numeric", p.n);
	}
	if (f->search != NULL) {
		pattern = like_pattern(f->search);
		db_param(&p, pattern);
		buf_printf(&sql, " AND search_text LIKE lower($%d)", p.n);
	}
	if (f->has_cursor) {
		db_param_int(&p, f->cursor_us);
		db_param(&p, f->cursor_id);
		buf_printf(&sql, " AND (created_at, id) < "
		    "(timestamptz 'epoch' + $%d::bigint * "
		    "interval '1 microsecond', $%d)", p.n - 1, p.n);
	}
	db_param_int(&p, f->limit + 1);
	buf_printf(&sql, " ORDER BY invoices.created_at DESC, "
	    "invoices.id DESC LIMIT $%d::int", p.n);

	/*
	 * Not db_run: the text differs from call to call, and db_run
	 * prepares statements by address. At most 12 parameters here.
	 */
	if (p.overflow) {
		rc = INVOICE_BROKEN;
		goto out;
	}
	res = db_exec(db, sql.data, p.n, p.v);
	if (res == NULL)
		goto out;
	rows = PQntuples(res);
	list = json_object_new_object();
	data = json_object_new_array();
	for (i = 0; i < rows && i < f->limit; i++)
		json_object_array_add(data, row_to_json(cfg, res, i));
	jsonx_add_str(list, "object", "list");
	jsonx_add(list, "data", data);
	jsonx_add(list, "has_more", json_object_new_boolean(rows > f->limit));
	if (rows > f->limit) {
		char cursor[200];

		invoice_cursor_encode(val_int(res, f->limit - 1,
		    "created_us"), db_val(res, f->limit - 1, "id"), cursor,
		    sizeof(cursor));
		jsonx_add_str(list, "next_cursor", cursor);
	} else
		jsonx_add(list, "next_cursor", NULL);
	*out = list;
	rc = INVOICE_OK;
out:
	PQclear(res);
	db_params_release(&p);
	free(pattern);
	buf_release(&sql);
	return rc;
}

static enum invoice_result
conflict(struct input_error *e, const char *code, const char *msg)
{
	e->status = 409;
	cc_strlcpy(e->type, "conflict_error", sizeof(e->type));
	cc_strlcpy(e->code, code, sizeof(e->code));
	e->field[0] = '\0';
	cc_strlcpy(e->message, msg, sizeof(e->message));
	return INVOICE_CONFLICT;
}

/* Why lifecycle_cancel() refused, as the API tells it (409). */
static const struct {
	const char	*code;
	const char	*message;
} cancel_refusals[CANCEL__MAX] = {
	[CANCEL_ALREADY_CANCELLED] = { "INVOICE_ALREADY_CANCELLED",
	    "the invoice is already cancelled" },
	[CANCEL_ALREADY_PAID] = { "INVOICE_ALREADY_PAID",
	    "a paid invoice cannot be cancelled" },
	[CANCEL_EXPIRED] = { "INVOICE_EXPIRED",
	    "an expired invoice cannot be cancelled" },
};

enum invoice_result
invoice_cancel(struct db *db, const struct cc_config *cfg,
    const struct auth *a, const struct req_meta *m, const char *id,
    const char *reason, bool refund_partial, json_object **out,
    struct input_error *e)
{
	/*
	 * The row lock orders concurrent cancels (and the scanner's
	 * recompute, which takes the same lock): the second one reads the
	 * state the first one committed, and is refused.
	 */
	static const char lock_sql[] =
	    "SELECT status, expires_at <= now() AS past_expiry FROM invoices "
	    "WHERE id = $1 AND merchant_id = $2 AND mode = $3 FOR UPDATE";
	static const char cancel_sql[] =
	    "WITH upd AS (UPDATE invoices SET status = $9, "
	    "cancelled_at = now(), cancel_reason = $4, "
	    "refund_partial_payments = $5::boolean "
	    "WHERE id = $1 AND merchant_id = $2 AND mode = $3 "
	    "RETURNING id, crypto_currency, crypto_decimals, network, "
	    "currency), "
	    "ev AS (INSERT INTO events (id, invoice_id, merchant_id, type, "
	    "data) SELECT $6, id, $2, $8, "
	    "jsonb_build_object('invoice_id', id, 'status', $9::text, "
	    "'reason', $4::text, 'refund_partial_payments', $5::boolean) "
	    "FROM upd RETURNING seq), "
	    "au AS (" AUDIT_INSERT_FROM("upd", "$7") "), "
	    /*
	     * What the invoice had received goes back when asked: one
	     * refund per received payment (the customer may have paid
	     * from several wallets, and each refund is one transfer the
	     * scanner verifies). One not yet mined is left out: it may
	     * never arrive (the merchant refunds it once it is mined). The
	     * customer gives the address on the payment page; each
	     * refund's invoice.refunded is written when cc-scan sees it
	     * sent (lib/refundscan.c).
	     */
	    "got AS (SELECT upd.id, upd.crypto_currency, upd.network, "
	    "upd.currency, p.id AS payment_id, p.amount, p.rate "
	    "FROM upd JOIN payments p ON p.invoice_id = upd.id AND "
	    "p.status <> 'reverted' AND NOT p.late AND NOT p.pending "
	    "WHERE $5::boolean), "
	    "ref AS (INSERT INTO refunds (id, merchant_id, invoice_id, "
	    "payment_id, asset, amount, reason, status, network, currency, "
	    "rate, variant) SELECT cc_new_id('ref_'), $2, id, payment_id, "
	    "crypto_currency, amount, 'cancelled', 'awaiting_destination', "
	    "network, currency, rate, 'rate_then' FROM got) "
	    "SELECT (SELECT count(*) FROM upd) AS cancelled, "
	    "(SELECT count(*) FROM (SELECT pg_notify('" EVENTS_CHANNEL "', "
	    "seq::text) FROM ev) n) AS notified";
	struct audit_actor who = { a->actor, m->ip, m->user_agent,
	    m->request_id };
	struct audit_row row;
	char evt[IDS_MAX_LEN];
	struct db_params p;
	PGresult *res = NULL;
	json_object *details;
	const char *past;
	enum inv_status st;
	enum cancel_verdict v;
	enum invoice_result rc = INVOICE_DB_UNAVAILABLE;

	*out = NULL;
	if (!ids_valid("inv_", id))
		return INVOICE_NOT_FOUND;
	/*
	 * The decision, the cancellation, its refund and the refund's
	 * event: under the row lock, all or none.
	 */
	if (db_begin(db) == -1)
		return INVOICE_DB_UNAVAILABLE;
	db_params_init(&p);
	db_param(&p, id);
	db_param(&p, a->merchant_id);
	db_param(&p, apikey_mode(a));
	res = db_run(db, lock_sql, &p);
	db_params_release(&p);
	if (res == NULL)
		goto rollback;
	if (PQntuples(res) != 1) {
		rc = INVOICE_NOT_FOUND;
		goto rollback;
	}
	past = db_val(res, 0, "past_expiry");
	if (inv_status_from_name(db_val(res, 0, "status"), &st) == -1 ||
	    past == NULL) {
		log_error("invoice %s: unreadable stored status", id);
		rc = INVOICE_BROKEN;
		goto rollback;
	}
	v = lifecycle_cancel(st, past[0] == 't');
	if (v != CANCEL_OK) {
		if ((unsigned int)v < CANCEL__MAX &&
		    cancel_refusals[v].code != NULL)
			rc = conflict(e, cancel_refusals[v].code,
			    cancel_refusals[v].message);
		else
			rc = conflict(e, "INVOICE_NOT_CANCELLABLE",
			    "the invoice cannot be cancelled in its "
			    "current state");
		goto rollback;
	}
	PQclear(res);

	ids_new("evt_", evt, sizeof(evt));
	details = json_object_new_object();
	jsonx_add_str(details, "reason", reason);
	audit_row_init(&row, &who, AUDIT_INVOICE_CANCELLED, a->merchant_id,
	    id, details);
	db_params_init(&p);
	db_param(&p, id);
	db_param(&p, a->merchant_id);
	db_param(&p, apikey_mode(a));
	db_param(&p, reason);
	db_param_bool(&p, refund_partial);		/* $5 */
	db_param(&p, evt);
	db_param(&p, audit_row_text(&row));
	db_param(&p, events_name(EV_INVOICE_CANCELLED));
	db_param(&p, inv_status_name(INV_CANCELLED));	/* $9 */
	res = db_run(db, cancel_sql, &p);
	db_params_release(&p);
	audit_row_release(&row);
	json_object_put(details);
	if (res == NULL)
		goto rollback;
	if (strcmp(db_val(res, 0, "cancelled"), "1") != 0) {
		/* The locked row cannot have gone. */
		log_error("invoice %s: locked for cancel, not updated", id);
		rc = INVOICE_BROKEN;
		goto rollback;
	}
	PQclear(res);
	if (db_commit(db) == -1)
		return INVOICE_DB_UNAVAILABLE;
	rc = invoice_get(db, cfg, a, id, out);
	return rc == INVOICE_NOT_FOUND ? INVOICE_BROKEN : rc;
rollback:
	PQclear(res);
	db_rollback(db);
	return rc;
}

enum invoice_result
invoice_public(struct db *db, const struct cc_config *cfg, const char *id,
    json_object **out)
{
	static const char sql[] =
	    "SELECT " INVOICE_COLS ", "
	    "(SELECT coalesce(json_agg(json_build_object("
	    "'amount', p.amount::text, "
	    "'status', p.status, 'confirmations', " PAY_CONFIRMATIONS ", "
	    "'tx_hash', p.tx_hash, 'detected_at', cc_ts(p.detected_at), "
	    "'confirmed_at', cc_ts(p.confirmed_at)) ORDER BY p.detected_at, "
	    "p.id), '[]')::text FROM payments p WHERE p.invoice_id = "
	    "invoices.id AND p.status <> 'reverted' AND NOT p.late) "
	    "AS payments, " PROGRESS_COLS ", "
	    "greatest(0, ceil(extract(epoch FROM expires_at - now())))"
	    "::bigint AS time_remaining, "
	    "(SELECT name FROM merchants m WHERE m.id = merchant_id) "
	    "AS merchant_name FROM invoices WHERE id = $1";
	/* What a customer may see: no metadata, webhook or merchant data. */
	static const char *const public_keys[] = { "id", "object", "livemode",
	    "status", "title", "description", "items", "subtotal", "tax",
	    "total", "currency", "crypto_currency", "network", "usdt_amount",
	    "crypto_amount", "crypto_amount_units", "address", "qr_code_url",
	    "customer_url", "expires_at", "created_at", "paid_at",
	    "cancelled_at", "return_url", "cancel_url", NULL };
	const struct cc_network *net;
	json_object *all, *o, *v, *payments, *m;
	PGresult *res;
	enum inv_status status;
	size_t i, n;
	bool open;

	*out = NULL;
	res = db_run1(db, sql, id);
	if (res == NULL)
		return INVOICE_DB_UNAVAILABLE;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return INVOICE_NOT_FOUND;
	}
	all = row_to_json(cfg, res, 0);
	o = json_object_new_object();
	for (i = 0; public_keys[i] != NULL; i++)
		if (json_object_object_get_ex(all, public_keys[i], &v))
			jsonx_add(o, public_keys[i], json_object_get(v));
	json_object_put(all);
	m = json_object_new_object();
	jsonx_add_str(m, "name", db_val(res, 0, "merchant_name"));
	jsonx_add(o, "merchant", m);
	payments = stored_json(db_val(res, 0, "payments"), "[]");
	amounts_from_units(payments, (int)val_int(res, 0, "crypto_decimals"),
	    db_val(res, 0, "id"));
	net = config_network(cfg, db_val(res, 0, "network"));
	n = json_object_array_length(payments);
	for (i = 0; i < n && net != NULL; i++)
		jsonx_add(json_object_array_get_idx(payments, i),
		    "required_confirmations",
		    json_object_new_int(net->confirmations));
	jsonx_add(o, "payments", payments);
	jsonx_add(o, "payment_progress", progress_json(res, 0));
	open = inv_status_from_name(db_val(res, 0, "status"), &status) == 0 &&
	    (status == INV_CREATED || status == INV_PENDING);
	jsonx_add(o, "time_remaining", json_object_new_int64(open ?
	    val_int(res, 0, "time_remaining") : 0));
	PQclear(res);
	*out = o;
	return INVOICE_OK;
}

int
invoice_payment_uri(const struct cc_config *cfg, const char *network,
    const char *asset, const char *address, const char *units_txt,
    char *out, size_t outlen)
{
	const struct cc_network *net = config_network(cfg, network);
	const struct cc_asset *a;
	unsigned __int128 units;

	if (net == NULL || (a = config_asset(net, asset)) == NULL ||
	    money_str_to_u128(units_txt, &units) != MONEY_OK)
		return -1;
	if (net->kind == ADDRESS_TRON)
		return payuri_tron(address, out, outlen);
	if (a->native)
		return payuri_evm_native(address, net->chain_id, units, out,
		    outlen);
	return payuri_evm_token(a->contract, net->chain_id, address, units,
	    out, outlen);
}

enum invoice_result
invoice_public_opened(struct db *db, const struct cc_config *cfg,
    const char *id, json_object **out)
{
	json_object *st;
	enum invoice_result rc;
	enum inv_status status;

	rc = invoice_public(db, cfg, id, out);
	if (rc != INVOICE_OK || !json_object_object_get_ex(*out, "status",
	    &st) || inv_status_from_name(json_object_get_string(st),
	    &status) == -1 || status != INV_CREATED)
		return rc;
	/* The first view: created -> pending, then show that. */
	json_object_put(*out);
	*out = NULL;
	switch (payment_mark_viewed(db, id)) {
	case PAYMENT_OK:
		break;
	case PAYMENT_NOT_FOUND:
		return INVOICE_NOT_FOUND;
	case PAYMENT_BROKEN:
		return INVOICE_BROKEN;
	default:
		return INVOICE_DB_UNAVAILABLE;
	}
	return invoice_public(db, cfg, id, out);
}

const char *
invoice_strerror(enum invoice_result r)
{
	static const char *const text[INVOICE__MAX] = {
		[INVOICE_OK] = "done",
		[INVOICE_NOT_FOUND] = "no such invoice",
		[INVOICE_INVALID] = "the request cannot be served",
		[INVOICE_CONFLICT] = "not allowed in the invoice's state",
		[INVOICE_DB_UNAVAILABLE] = "the database is unavailable",
		[INVOICE_BROKEN] = "the stored invoice cannot be used",
	};

	if ((unsigned int)r >= INVOICE__MAX)
		return "unknown result";
	return text[r];
}

enum invoice_result
invoice_qr_target(struct db *db, const struct cc_config *cfg,
    const char *id, char *uri, size_t urilen, char *merchant,
    size_t merchantlen)
{
	static const char sql[] =
	    "SELECT address, network, crypto_currency AS asset, "
	    "crypto_amount::text AS units, merchant_id FROM invoices "
	    "WHERE id = $1";
	enum invoice_result rc = INVOICE_DB_UNAVAILABLE;
	PGresult *res;

	if (db == NULL)
		return INVOICE_DB_UNAVAILABLE;
	res = db_run1(db, sql, id);
	if (res == NULL)
		return INVOICE_DB_UNAVAILABLE;
	if (PQntuples(res) != 1) {
		rc = INVOICE_NOT_FOUND;
		goto out;
	}
	if (invoice_payment_uri(cfg, db_val(res, 0, "network"),
	    db_val(res, 0, "asset"), db_val(res, 0, "address"),
	    db_val(res, 0, "units"), uri, urilen) == -1) {
		log_error("invoice %s: no payment URI", id);
		rc = INVOICE_BROKEN;
		goto out;
	}
	cc_strlcpy(merchant, db_val(res, 0, "merchant_id"), merchantlen);
	rc = INVOICE_OK;
out:
	PQclear(res);
	return rc;
}
