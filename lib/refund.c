/* Refunds: the amounts of each variant, the request, the records. */
#include "cc.h"

#include <errno.h>

#include "address.h"
#include "apikey.h"
#include "audit.h"
#include "config.h"
#include "db.h"
#include "evm.h"
#include "ids.h"
#include "input.h"
#include "jsonx.h"
#include "log.h"
#include "money.h"
#include "rates.h"
#include "refund.h"
#include "rpc.h"
#include "util.h"

static const char *const variant_names[REFUND_VARIANT__MAX + 1] = {
	[REFUND_LOCKED_RATE] = "locked_rate",
	[REFUND_RATE_THEN] = "rate_then",
	[REFUND_CURRENT_RATE] = "current_rate",
	[REFUND_OVERPAID] = "overpaid",
	[REFUND_CUSTOM] = "custom",
	[REFUND_VARIANT__MAX] = NULL,
};

static const char *const status_names[REFUND_STATUS__MAX] = {
	[REFUND_AWAITING_DESTINATION] = "awaiting_destination",
	[REFUND_PENDING] = "pending",
	[REFUND_COMPLETED] = "completed",
};

const char *
refund_variant_name(enum refund_variant v)
{
	return (unsigned)v < REFUND_VARIANT__MAX ? variant_names[v] : NULL;
}

const char *
refund_status_name(enum refund_status s)
{
	return (unsigned)s < REFUND_STATUS__MAX ? status_names[s] : NULL;
}

/* --- the amounts ----------------------------------------------------- */

unsigned __int128
refund_subtract(unsigned __int128 units, int subtract)
{
	unsigned __int128 keep;

	if (subtract <= 0)
		return units;
	if (subtract >= REFUND_PERCENT_MAX)
		return 0;
	keep = (unsigned __int128)(REFUND_PERCENT_MAX - subtract);
	/* floor(u * k / M) = (u / M) * k + floor((u % M) * k / M): exact. */
	return units / REFUND_PERCENT_MAX * keep +
	    units % REFUND_PERCENT_MAX * keep / REFUND_PERCENT_MAX;
}

int
refund_parse_percent(const char *text, int *out)
{
	struct money_dec d;
	unsigned __int128 v;
	int s;

	if (text == NULL || money_parse_dec(text, 2, &d) != MONEY_OK)
		return -1;
	v = d.mant;
	for (s = d.scale; s < 2; s++)
		v *= 10;
	if (v > REFUND_PERCENT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

enum refund_calc_err
refund_calc(const struct refund_calc_in *in, struct refund_calc_out *out)
{
	unsigned __int128 avail, units;
	int64_t fiat, fiat_avail;

	memset(out, 0, sizeof(*out));
	if (in->received == 0)
		return REFUND_CALC_NOTHING_RECEIVED;
	avail = in->received > in->refunded ? in->received - in->refunded : 0;
	switch (in->variant) {
	case REFUND_LOCKED_RATE:
	case REFUND_CUSTOM:
		if (in->has_crypto) {
			units = in->crypto_units;
			if (money_crypto_to_fiat(units, in->decimals,
			    &in->locked_rate, in->exponent, &fiat) != MONEY_OK)
				return REFUND_CALC_RANGE;
		} else if (in->has_fiat) {
			fiat = in->fiat_minor;
			if (money_fiat_to_crypto(fiat, in->exponent,
			    &in->locked_rate, in->decimals, &units) != MONEY_OK)
				return REFUND_CALC_RANGE;
		} else
			return REFUND_CALC_ZERO;
		break;
	case REFUND_RATE_THEN:
		units = avail;
		if (money_crypto_to_fiat(units, in->decimals, &in->locked_rate,
		    in->exponent, &fiat) != MONEY_OK)
			return REFUND_CALC_RANGE;
		break;
	case REFUND_OVERPAID:
		if (in->received <= in->invoice_units)
			return REFUND_CALC_NOT_OVERPAID;
		units = in->received - in->invoice_units;
		if (money_crypto_to_fiat(units, in->decimals, &in->locked_rate,
		    in->exponent, &fiat) != MONEY_OK)
			return REFUND_CALC_RANGE;
		break;
	case REFUND_CURRENT_RATE:
		/* The fiat value received, at the fresh rate. */
		if (money_crypto_to_fiat(avail, in->decimals,
		    &in->locked_rate, in->exponent, &fiat_avail) != MONEY_OK)
			return REFUND_CALC_RANGE;
		fiat = fiat_avail;
		out->current = true;
		break;
	default:
		return REFUND_CALC_RANGE;
	}
	if (in->subtract > 0) {
		units = refund_subtract(units, in->subtract);
		fiat = (int64_t)refund_subtract((unsigned __int128)fiat,
		    in->subtract);
	}
	if (out->current && money_fiat_to_crypto(fiat, in->exponent,
	    &in->current_rate, in->decimals, &units) != MONEY_OK)
		return REFUND_CALC_RANGE;
	if (avail == 0 || (!out->current && units > avail))
		return REFUND_CALC_EXCEEDS;
	if (units == 0)
		return REFUND_CALC_ZERO;
	out->units = units;
	out->fiat_minor = fiat;
	return REFUND_CALC_OK;
}

unsigned __int128
refund_credit_take(const struct refund_credit_in *c)
{
	unsigned __int128 open, own, given, need;

	if (c->credited <= c->used)
		return 0;
	open = c->credited - c->used;
	if (c->variant == REFUND_OVERPAID)
		need = c->units;
	else {
		/* What refunds gave back of the merchant's own part. */
		own = c->received > c->credited ? c->received - c->credited :
		    0;
		given = c->refunded > c->used ? c->refunded - c->used : 0;
		need = given + c->units > own ? given + c->units - own : 0;
	}
	return need < open ? need : open;
}

/* --- the request ----------------------------------------------------- */

enum { RF_AMOUNT, RF_CRYPTO, RF_DEST, RF_REASON, RF_VARIANT, RF_SUBTRACT,
    RF__MAX };

static const struct input_field refund_fields[RF__MAX] = {
	[RF_AMOUNT] = { "amount", INPUT_NUMBER, false, 1, 40, NULL, NULL,
	    NULL, NULL },
	[RF_CRYPTO] = { "crypto_amount", INPUT_NUMBER, false, 1, 100, NULL,
	    NULL, NULL, NULL },
	[RF_DEST] = { "destination", INPUT_STRING, false, 1, ADDRESS_MAX_LEN,
	    NULL, NULL, NULL, NULL },
	[RF_REASON] = { "reason", INPUT_TEXT, false, 0, CC_MAX_REASON, NULL,
	    NULL, NULL, NULL },
	[RF_VARIANT] = { "variant", INPUT_CHOICE, false, 0, 0, variant_names,
	    NULL, NULL, NULL },
	[RF_SUBTRACT] = { "subtract_percentage", INPUT_NUMBER, false, 1, 40,
	    NULL, NULL, NULL, NULL },
};

int
refund_input_parse(json_object *body, struct refund_input *in,
    struct input_error *e)
{
	struct input_value v[RF__MAX];
	bool amount_given;

	memset(in, 0, sizeof(*in));
	if (input_json(body, refund_fields, RF__MAX, v, e) == -1)
		return -1;
	in->variant = v[RF_VARIANT].given ? (enum refund_variant)
	    v[RF_VARIANT].choice : REFUND_LOCKED_RATE;
	in->variant_given = v[RF_VARIANT].given;
	in->amount = v[RF_AMOUNT].given ? v[RF_AMOUNT].str : NULL;
	in->crypto_amount = v[RF_CRYPTO].given ? v[RF_CRYPTO].str : NULL;
	in->destination = v[RF_DEST].given ? v[RF_DEST].str : NULL;
	in->reason = v[RF_REASON].given ? v[RF_REASON].str : NULL;
	amount_given = in->amount != NULL || in->crypto_amount != NULL;
	if (in->amount != NULL && in->crypto_amount != NULL)
		return input_seterr(e, 422, "INVALID_VALUE", "crypto_amount",
		    "give amount or crypto_amount, not both");
	switch (in->variant) {
	case REFUND_LOCKED_RATE:
	case REFUND_CUSTOM:
		if (!amount_given)
			return input_seterr(e, 422, "MISSING_FIELD", "amount",
			    "amount (or crypto_amount) is required%s",
			    in->variant_given ? " with variant custom" : "");
		break;
	default:
		if (amount_given)
			return input_seterr(e, 422, "INVALID_VALUE",
			    in->amount != NULL ? "amount" : "crypto_amount",
			    "variant %s sets the amount itself; give no "
			    "amount", variant_names[in->variant]);
		break;
	}
	if (v[RF_SUBTRACT].given) {
		if (refund_parse_percent(v[RF_SUBTRACT].str,
		    &in->subtract) == -1)
			return input_seterr(e, 422, "INVALID_VALUE",
			    "subtract_percentage", "subtract_percentage must "
			    "be a number from 0 to 100 with at most two "
			    "decimals");
		in->subtract_given = true;
	}
	return 0;
}

/* --- the records ----------------------------------------------------- */

const char *
refund_strerror(enum refund_result r)
{
	static const char *const names[REFUND__MAX] = {
		[REFUND_OK] = "ok",
		[REFUND_NOT_FOUND] = "not found",
		[REFUND_REFUSED] = "refused",
		[REFUND_DB_UNAVAILABLE] = "database unavailable",
		[REFUND_BROKEN] = "inconsistent stored data",
	};

	return (unsigned)r < REFUND__MAX ? names[r] : "?";
}

static void
add_units(json_object *o, const char *key, const char *units, int dec)
{
	char txt[MONEY_TEXT_MAX];

	if (units == NULL || money_format_units_text(units, dec, txt,
	    sizeof(txt)) != 0) {
		jsonx_add(o, key, NULL);
		return;
	}
	jsonx_add(o, key, jsonx_decimal(txt));
}

/* A member that SQL gave as text, as an exact JSON number (or null). */
static void
as_decimal(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return;
	jsonx_add(o, key, jsonx_decimal(json_object_get_string(v)));
}

void
refund_json_finish(json_object *o, int exponent, int decimals)
{
	char txt[48], *units = NULL;
	json_object *v;

	if (json_object_object_get_ex(o, "units", &v) &&
	    json_object_is_type(v, json_type_string))
		units = xstrdup(json_object_get_string(v));
	json_object_object_del(o, "units");
	jsonx_add_str(o, "object", "refund");
	add_units(o, "amount", units, decimals);
	add_units(o, "crypto_amount", units, decimals);
	jsonx_add_str(o, "crypto_amount_units", units);
	if (json_object_object_get_ex(o, "asset", &v))
		jsonx_add_str(o, "crypto_currency", json_object_get_string(v));
	if (json_object_object_get_ex(o, "fiat_minor", &v) &&
	    json_object_is_type(v, json_type_int)) {
		money_format_minor(json_object_get_int64(v), exponent, txt,
		    sizeof(txt));
		jsonx_add(o, "fiat_amount", jsonx_decimal(txt));
	} else
		jsonx_add(o, "fiat_amount", NULL);
	json_object_object_del(o, "fiat_minor");
	as_decimal(o, "rate");
	as_decimal(o, "subtract_percentage");
	free(units);
}

void
refund_list_finish(json_object *list, int exponent, int decimals)
{
	size_t i, n;

	n = json_object_is_type(list, json_type_array) ?
	    json_object_array_length(list) : 0;
	for (i = 0; i < n; i++)
		refund_json_finish(json_object_array_get_idx(list, i),
		    exponent, decimals);
}

static json_object *
stored(const char *txt)
{
	char err[64];

	return txt != NULL ? jsonx_parse(txt, strlen(txt), err, sizeof(err)) :
	    NULL;
}

/*
 * Runs sql ($1 invoice id, $2 merchant, $3 the key's mode) for the
 * merchant's own invoice: REFUND_OK with its one row in *res (the caller
 * clears it), REFUND_NOT_FOUND for a malformed id or another's invoice,
 * REFUND_DB_UNAVAILABLE.
 */
static enum refund_result
owned_invoice(struct db *db, const struct auth *a, const char *invoice_id,
    const char *sql, PGresult **res)
{
	struct db_params p;

	*res = NULL;
	if (!ids_valid("inv_", invoice_id))
		return REFUND_NOT_FOUND;
	db_params_init(&p);
	db_param(&p, invoice_id);
	db_param(&p, a->merchant_id);
	db_param(&p, apikey_mode(a));
	*res = db_run(db, sql, &p);
	db_params_release(&p);
	if (*res == NULL)
		return REFUND_DB_UNAVAILABLE;
	if (PQntuples(*res) != 1) {
		PQclear(*res);
		*res = NULL;
		return REFUND_NOT_FOUND;
	}
	return REFUND_OK;
}

static enum refund_result
refuse(struct input_error *e, int status, const char *code,
    const char *field, const char *msg)
{
	input_seterr(e, status, code, field, "%s", msg);
	if (status == 409)
		cc_strlcpy(e->type, "conflict_error", sizeof(e->type));
	return REFUND_REFUSED;
}

/*
 * A refund is completed only by a transfer made after it was recorded.
 * "After" is judged by block numbers, never by clocks: the transfer must
 * be in a block above the refund's horizon, the newest block the system
 * knows of when the refund is recorded (or its address given): the
 * greatest of cc-scan's cursor, the head cc-scan last saw
 * (chain_cursors.head_seen) and the head the network's node gives now.
 * The node's answer matters when cc-scan lags or is stopped: a transfer
 * mined then, before the refund, is below it. Block times are not used:
 * a node's clock and ours differ, and a refund sent the second after it
 * was recorded must count. HORIZON_SQL is that greatest for network $n
 * and the node's head $m (NULL when it did not answer).
 */
#define HORIZON_SQL(n, m) \
	"greatest((SELECT c.block_number FROM chain_cursors c WHERE " \
	"c.network = " n "), (SELECT c.head_seen FROM chain_cursors c " \
	"WHERE c.network = " n "), " m "::bigint)"

/*
 * The node's head as decimal text in out, or "" when the node does not
 * answer within REFUND_NODE_TIMEOUT_MS (then the scanner's blocks alone
 * set the horizon: the refund is still recorded).
 */
static void
node_head(const struct cc_network *net, char *out, size_t outlen)
{
	json_object *r = NULL;
	struct rpc *c;
	uint64_t head;

	out[0] = '\0';
	c = rpc_new(net->rpc_url, REFUND_NODE_TIMEOUT_MS);
	if (c == NULL)
		return;
	if (rpc_call(c, "eth_blockNumber", "[]", &r) == RPC_OK &&
	    json_object_is_type(r, json_type_string) &&
	    evm_quantity_u64(json_object_get_string(r), &head) == 0 &&
	    head <= INT64_MAX)
		snprintf(out, outlen, "%llu", (unsigned long long)head);
	else
		log_warn("refund: %s: the node's head is unknown (%s); the "
		    "scanner's blocks set the refund's horizon", net->name,
		    rpc_last_error(c));
	json_object_put(r);
	rpc_free(c);
}

/* A fresh rate for current_rate: 0, 1 none usable (e set), -1 error. */
static int
fresh_rate(struct db *db, const struct cc_config *cfg,
    const struct cc_asset *asset, const char *currency,
    struct money_dec *rate, struct input_error *e)
{
	char txt[80], source[64], used[64];
	int64_t age;
	int rc;

	rc = rates_current(db, asset->symbol, currency, txt, sizeof(txt),
	    source, sizeof(source), &age);
	if (rc == -1)
		return -1;
	if (rates_resolve(asset, currency, rc == 1 ? txt : NULL,
	    rc == 1 ? source : NULL, rc == 1 ? age : -1, cfg->rates_max_age,
	    rate, used, sizeof(used)) != RATES_OK) {
		input_seterr(e, 503, "RATE_UNAVAILABLE", "variant",
		    "no current exchange rate for %s/%s", asset->symbol,
		    currency);
		cc_strlcpy(e->type, "api_error", sizeof(e->type));
		return 1;
	}
	return 0;
}

/*
 * The credits of the invoice give back units (refund_credit_take), the
 * oldest first, in the refund's transaction and under its lock on the
 * invoice row. 0/-1.
 */
static int
take_credit(struct db *db, const char *invoice_id, const char *units)
{
	static const char sql[] =
	    "WITH c AS (SELECT id, amount - refunded AS open, "
	    "coalesce(sum(amount - refunded) OVER (ORDER BY created_at, id "
	    "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before "
	    "FROM credits WHERE invoice_id = $1 AND refunded < amount) "
	    "UPDATE credits k SET refunded = k.refunded + least(c.open, "
	    "$2::numeric - c.before) FROM c WHERE k.id = c.id AND "
	    "c.before < $2::numeric";
	struct db_params p;
	int rc;

	db_params_init(&p);
	db_param(&p, invoice_id);
	db_param(&p, units);
	rc = db_run_command(db, sql, &p);
	db_params_release(&p);
	return rc;
}

enum refund_result
refund_create(struct db *db, const struct cc_config *cfg,
    const struct auth *a, const struct audit_actor *who,
    const char *invoice_id,
    const struct refund_input *in, json_object **out, struct input_error *e)
{
	static const char lock_sql[] =
	    "SELECT i.currency, i.currency_exp, i.crypto_currency, i.network, "
	    "i.crypto_decimals, i.crypto_amount::text AS invoice_units, "
	    "i.rate::text AS rate, "
	    "(SELECT coalesce(sum(amount), 0) FROM payments p WHERE "
	    "p.invoice_id = i.id AND p.status <> 'reverted')::text "
	    "AS received, "
	    "(SELECT coalesce(sum(amount), 0) FROM refunds r WHERE "
	    "r.invoice_id = i.id)::text AS refunded, "
	    "(SELECT coalesce(sum(amount), 0) FROM credits c WHERE "
	    "c.invoice_id = i.id)::text AS credited, "
	    "(SELECT coalesce(sum(refunded), 0) FROM credits c WHERE "
	    "c.invoice_id = i.id)::text AS credit_used "
	    "FROM invoices i WHERE i.id = $1 AND i.merchant_id = $2 AND "
	    "i.mode = $3 FOR UPDATE OF i";
	static const char insert_sql[] =
	    "WITH r AS (INSERT INTO refunds (id, merchant_id, invoice_id, "
	    "asset, amount, reason, status, network, currency, fiat_minor, "
	    "rate, variant, subtract_percentage, destination, created_block) "
	    "VALUES ($1, $2, $3, $4, $5::numeric, $6, $7, $8, $9, "
	    "$10::bigint, $11::numeric, $12, $13::numeric, $14, "
	    HORIZON_SQL("$8", "$15") ") "
	    "RETURNING *) "
	    "SELECT " REFUND_JSON_SQL "::text AS refund FROM r "
	    "JOIN invoices i ON i.id = r.invoice_id";
	const struct cc_network *net;
	const struct cc_asset *asset;
	struct refund_calc_in ci = { 0 };
	struct refund_calc_out co;
	struct refund_credit_in cr = { 0 };
	struct db_params p;
	PGresult *res = NULL, *ins;
	uint8_t dest20[20];
	char id[IDS_MAX_LEN], units[48], rate[80], pct[16], fiat[24];
	char head[24], taken[48];
	const char *field;
	int64_t v;
	enum refund_result rc = REFUND_BROKEN;
	enum refund_calc_err ce;

	*out = NULL;
	if ((rc = owned_invoice(db, a, invoice_id, lock_sql, &res)) !=
	    REFUND_OK)
		return rc;
	rc = REFUND_BROKEN;
	net = config_network(cfg, db_val(res, 0, "network"));
	asset = net != NULL ? config_asset(net, db_val(res, 0,
	    "crypto_currency")) : NULL;
	if (asset == NULL) {
		log_error("invoice %s: network or asset no longer configured",
		    invoice_id);
		goto out;
	}
	/* Nothing to give back answers before what is asked is judged. */
	if (money_str_to_u128(db_val(res, 0, "received"), &ci.received) ==
	    MONEY_OK && ci.received == 0) {
		rc = refuse(e, 409, "NOTHING_RECEIVED", NULL,
		    "the invoice has received nothing to refund");
		goto out;
	}
	if (in->destination != NULL &&
	    address_parse(net->kind, in->destination, dest20) != 0) {
		char msg[160];

		snprintf(msg, sizeof(msg), "destination is not a valid %s "
		    "address for network %s",
		    address_kind_name(net->kind), net->name);
		rc = refuse(e, 422, "INVALID_ADDRESS", "destination", msg);
		goto out;
	}
	ci.variant = in->variant;
	ci.subtract = in->subtract;
	if (db_val_int64(res, 0, "currency_exp", &v) == -1)
		goto out;
	ci.exponent = (int)v;
	ci.decimals = asset->decimals;
	if (money_str_to_u128(db_val(res, 0, "received"), &ci.received) !=
	    MONEY_OK || money_str_to_u128(db_val(res, 0, "refunded"),
	    &ci.refunded) != MONEY_OK || money_str_to_u128(db_val(res, 0,
	    "invoice_units"), &ci.invoice_units) != MONEY_OK ||
	    money_parse_dec(db_val(res, 0, "rate"), MONEY_MAX_SCALE,
	    &ci.locked_rate) != MONEY_OK) {
		log_error("invoice %s: unreadable stored amounts", invoice_id);
		goto out;
	}
	if (money_str_to_u128(db_val(res, 0, "credited"), &cr.credited) !=
	    MONEY_OK || money_str_to_u128(db_val(res, 0, "credit_used"),
	    &cr.used) != MONEY_OK) {
		log_error("invoice %s: unreadable credits", invoice_id);
		goto out;
	}
	if (in->amount != NULL) {
		ci.has_fiat = true;
		if (money_parse_minor(in->amount, ci.exponent,
		    &ci.fiat_minor) != MONEY_OK) {
			input_seterr(e, 422, "INVALID_AMOUNT", "amount",
			    "amount must be a positive decimal with at most "
			    "%d decimals in %s", ci.exponent, db_val(res, 0,
			    "currency"));
			rc = REFUND_REFUSED;
			goto out;
		}
	}
	if (in->crypto_amount != NULL) {
		ci.has_crypto = true;
		if (money_parse_units(in->crypto_amount, ci.decimals,
		    &ci.crypto_units) != MONEY_OK) {
			input_seterr(e, 422, "INVALID_AMOUNT", "crypto_amount",
			    "crypto_amount must be a positive decimal with at "
			    "most %d decimals", ci.decimals);
			rc = REFUND_REFUSED;
			goto out;
		}
	}
	if (in->variant == REFUND_CURRENT_RATE) {
		int f = fresh_rate(db, cfg, asset, db_val(res, 0, "currency"),
		    &ci.current_rate, e);

		if (f == -1) {
			rc = REFUND_DB_UNAVAILABLE;
			goto out;
		}
		if (f == 1) {
			rc = REFUND_REFUSED;
			goto out;
		}
	}
	ce = refund_calc(&ci, &co);
	field = in->crypto_amount != NULL ? "crypto_amount" :
	    in->amount != NULL ? "amount" : "variant";
	switch (ce) {
	case REFUND_CALC_OK:
		break;
	case REFUND_CALC_NOTHING_RECEIVED:
		rc = refuse(e, 409, "NOTHING_RECEIVED", NULL,
		    "the invoice has received nothing to refund");
		goto out;
	case REFUND_CALC_NOT_OVERPAID:
		rc = refuse(e, 409, "NOT_OVERPAID", "variant",
		    "the invoice was not overpaid");
		goto out;
	case REFUND_CALC_EXCEEDS:
		rc = refuse(e, 422, "REFUND_EXCEEDS_RECEIVED", field,
		    "the refund is more than the invoice received, less "
		    "earlier refunds");
		goto out;
	case REFUND_CALC_ZERO:
		rc = refuse(e, 422, "INVALID_AMOUNT", field,
		    "the refund amount must be more than zero");
		goto out;
	default:
		rc = refuse(e, 422, "INVALID_AMOUNT", field,
		    "the refund amount is out of range");
		goto out;
	}
	cr.variant = in->variant;
	cr.units = co.units;
	cr.received = ci.received;
	cr.refunded = ci.refunded;
	money_u128_to_str(refund_credit_take(&cr), taken, sizeof(taken));
	ids_new("ref_", id, sizeof(id));
	money_u128_to_str(co.units, units, sizeof(units));
	money_format_dec(co.current ? &ci.current_rate : &ci.locked_rate,
	    rate, sizeof(rate));
	snprintf(pct, sizeof(pct), "%d.%02d", in->subtract / 100,
	    in->subtract % 100);
	snprintf(fiat, sizeof(fiat), "%lld", (long long)co.fiat_minor);
	db_params_init(&p);
	db_param(&p, id);
	db_param(&p, a->merchant_id);
	db_param(&p, invoice_id);
	db_param(&p, asset->symbol);
	db_param(&p, units);				/* $5 */
	db_param(&p, in->reason != NULL ? in->reason : "");
	db_param(&p, refund_status_name(in->destination != NULL ?
	    REFUND_PENDING : REFUND_AWAITING_DESTINATION));
	db_param(&p, net->name);
	db_param(&p, db_val(res, 0, "currency"));
	db_param(&p, fiat);				/* $10 */
	db_param(&p, rate);
	db_param(&p, refund_variant_name(in->variant));
	db_param(&p, in->subtract_given ? pct : NULL);
	db_param(&p, in->destination);
	/*
	 * Asked last, when nothing is refused any more: the invoice's row
	 * waits for the node at most REFUND_NODE_TIMEOUT_MS.
	 */
	node_head(net, head, sizeof(head));
	db_param(&p, head[0] != '\0' ? head : NULL);	/* $15 */
	ins = db_run(db, insert_sql, &p);
	db_params_release(&p);
	PQclear(res);	/* only now: its values were parameters */
	res = ins;
	if (res == NULL) {
		rc = REFUND_DB_UNAVAILABLE;
		goto out;
	}
	if (PQntuples(res) != 1)
		goto out;
	*out = stored(db_val(res, 0, "refund"));
	if (*out == NULL)
		goto out;
	refund_json_finish(*out, ci.exponent, ci.decimals);
	if (strcmp(taken, "0") != 0 && take_credit(db, invoice_id, taken) ==
	    -1) {
		json_object_put(*out);
		*out = NULL;
		rc = REFUND_DB_UNAVAILABLE;
		goto out;
	}
	{
		json_object *d = json_object_new_object();
		int w;

		jsonx_add_str(d, "refund_id", id);
		jsonx_add_str(d, "crypto_amount_units", units);
		jsonx_add_str(d, "variant", refund_variant_name(in->variant));
		jsonx_add_str(d, "destination", in->destination);
		if (strcmp(taken, "0") != 0)
			jsonx_add_str(d, "credit_refunded_units", taken);
		w = audit_write(db, who, AUDIT_REFUND_CREATED, a->merchant_id,
		    invoice_id, d);
		json_object_put(d);
		if (w == -1) {
			json_object_put(*out);
			*out = NULL;
			rc = REFUND_DB_UNAVAILABLE;
			goto out;
		}
	}
	log_info("refund %s of invoice %s: %s units of %s (%s)", id,
	    invoice_id, units, asset->symbol, refund_variant_name(in->variant));
	rc = REFUND_OK;
out:
	PQclear(res);
	return rc;
}

enum refund_result
refund_list(struct db *db, const struct auth *a, const char *invoice_id,
    json_object **out)
{
	static const char sql[] =
	    "SELECT i.currency_exp, i.crypto_decimals, (SELECT "
	    "coalesce(json_agg(" REFUND_JSON_SQL " ORDER BY r.created_at, "
	    "r.id), '[]') FROM refunds r WHERE r.invoice_id = i.id)::text "
	    "AS refunds FROM invoices i WHERE i.id = $1 AND "
	    "i.merchant_id = $2 AND i.mode = $3";
	PGresult *res;
	json_object *list;
	int64_t exp, dec;
	enum refund_result rc;

	*out = NULL;
	if ((rc = owned_invoice(db, a, invoice_id, sql, &res)) != REFUND_OK)
		return rc;
	rc = REFUND_BROKEN;
	list = stored(db_val(res, 0, "refunds"));
	if (list != NULL && db_val_int64(res, 0, "currency_exp", &exp) == 0 &&
	    db_val_int64(res, 0, "crypto_decimals", &dec) == 0) {
		refund_list_finish(list, (int)exp, (int)dec);
		*out = json_object_new_object();
		jsonx_add_str(*out, "object", "list");
		jsonx_add(*out, "data", list);
		rc = REFUND_OK;
	} else
		json_object_put(list);
	PQclear(res);
	return rc;
}

int
refund_set_destination(struct db *db, const struct cc_config *cfg,
    const struct audit_actor *who, const char *invoice_id,
    const char *address, int *n)
{
	static const char net_sql[] =
	    "SELECT network FROM invoices WHERE id = $1";
	/* The change and its audit row, one statement. */
	static const char set_sql[] =
	    "WITH upd AS (UPDATE refunds r SET destination = $2, status = "
	    "'pending', created_block = " HORIZON_SQL("r.network", "$4")
	    " WHERE "
	    "r.invoice_id = $1 AND r.status = 'awaiting_destination' "
	    "RETURNING r.id, r.merchant_id), "
	    "a AS (" AUDIT_INSERT_FROM("(SELECT merchant_id FROM upd LIMIT 1) "
	    "m", "$3::jsonb || jsonb_build_object('merchant_id', "
	    "m.merchant_id)") ") "
	    "SELECT count(*) AS n FROM upd";
	const struct cc_network *net;
	struct audit_row row;
	struct db_params p;
	json_object *details;
	PGresult *res;
	uint8_t a20[20];
	char head[24];
	int64_t k = 0;
	int rc;

	*n = 0;
	res = db_run1(db, net_sql, invoice_id);
	if (res == NULL)
		return -1;
	net = PQntuples(res) == 1 ? config_network(cfg, db_val(res, 0,
	    "network")) : NULL;
	PQclear(res);
	if (net == NULL || address_parse(net->kind, address, a20) != 0)
		return 1;
	node_head(net, head, sizeof(head));
	details = json_object_new_object();
	jsonx_add_str(details, "destination", address);
	audit_row_init(&row, who, AUDIT_REFUND_DESTINATION_SET, NULL,
	    invoice_id, details);
	db_params_init(&p);
	db_param(&p, invoice_id);
	db_param(&p, address);
	db_param(&p, audit_row_text(&row));
	db_param(&p, head[0] != '\0' ? head : NULL);
	res = db_run(db, set_sql, &p);
	db_params_release(&p);
	audit_row_release(&row);
	json_object_put(details);
	if (res == NULL)
		return -1;
	rc = db_val_int64(res, 0, "n", &k);
	if (rc == 0)
		*n = k > 0 && k <= INT32_MAX ? (int)k : 0;
	PQclear(res);
	return rc;
}

int
refund_awaiting(struct db *db, const char *invoice_id, char *amount,
    size_t amountlen, int *n)
{
	static const char sql[] =
	    "SELECT count(*) AS n, coalesce(sum(r.amount), 0)::text AS units, "
	    "max(i.crypto_decimals) AS decimals FROM refunds r JOIN invoices "
	    "i ON i.id = r.invoice_id WHERE r.invoice_id = $1 AND "
	    "r.status = 'awaiting_destination'";
	PGresult *res;
	int64_t k, dec;
	int rc = -1;

	*n = 0;
	amount[0] = '\0';
	res = db_run1(db, sql, invoice_id);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1 && db_val_int64(res, 0, "n", &k) == 0) {
		rc = 0;
		if (k > 0 && k <= INT32_MAX && db_val_int64(res, 0, "decimals",
		    &dec) == 0 && money_format_units_text(db_val(res, 0,
		    "units"), (int)dec, amount, amountlen) == 0)
			*n = (int)k;
	}
	PQclear(res);
	return rc;
}

/* o's key, base units in a string, replaced by its amount. */
static void
units_to_amount(json_object *o, const char *key, int decimals)
{
	json_object *v;
	char *units = NULL;

	if (json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_string))
		units = xstrdup(json_object_get_string(v));
	add_units(o, key, units, decimals);
	free(units);
}

void
refund_credits_finish(json_object *list, int decimals)
{
	json_object *o;
	size_t i, n;

	n = json_object_is_type(list, json_type_array) ?
	    json_object_array_length(list) : 0;
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(list, i);
		units_to_amount(o, "refunded_amount", decimals);
		units_to_amount(o, "remaining_amount", decimals);
	}
}

/* --- cc-admin -------------------------------------------------------- */

#define ADMIN_SQL \
	"SELECT r.merchant_id, i.currency_exp, i.crypto_decimals, " \
	REFUND_JSON_SQL "::text AS refund FROM refunds r " \
	"JOIN invoices i ON i.id = r.invoice_id "

static json_object *
admin_row(const PGresult *res, int r)
{
	json_object *o;
	int64_t exp, dec;

	o = stored(db_val(res, r, "refund"));
	if (o == NULL || db_val_int64(res, r, "currency_exp", &exp) == -1 ||
	    db_val_int64(res, r, "crypto_decimals", &dec) == -1) {
		json_object_put(o);
		return NULL;
	}
	refund_json_finish(o, (int)exp, (int)dec);
	jsonx_add_str(o, "merchant_id", db_val(res, r, "merchant_id"));
	return o;
}

json_object *
refund_admin_list(struct db *db, const char *status, int limit)
{
	static const char sql[] = ADMIN_SQL
	    "WHERE $1::text IS NULL OR r.status = $1 "
	    "ORDER BY r.created_at DESC, r.id LIMIT $2::int";
	struct db_params p;
	PGresult *res;
	json_object *list, *o;
	int i, n;

	db_params_init(&p);
	db_param(&p, status);
	db_param_int(&p, limit);
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return NULL;
	list = json_object_new_array();
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		o = admin_row(res, i);
		if (o != NULL)
			json_object_array_add(list, o);
	}
	PQclear(res);
	return list;
}

json_object *
refund_admin_show(struct db *db, const char *id, int *found)
{
	static const char sql[] = ADMIN_SQL "WHERE r.id = $1";
	PGresult *res;
	json_object *o = NULL;

	*found = 0;
	res = db_run1(db, sql, id);
	if (res == NULL)
		return NULL;
	if (PQntuples(res) == 1) {
		*found = 1;
		o = admin_row(res, 0);
	}
	PQclear(res);
	return o;
}
