/* Test-mode simulation of payments, confirmations and expiry. */
#include "cc.h"

#include "address.h"
#include "apikey.h"
#include "audit.h"
#include "config.h"
#include "db.h"
#include "events.h"
#include "evm.h"
#include "input.h"
#include "invoice.h"
#include "jsonx.h"
#include "lifecycle.h"
#include "log.h"
#include "payment.h"
#include "rpc.h"
#include "simulate.h"
#include "util.h"

const char *const simulate_event_names[SIMULATE__MAX + 1] = {
	[SIMULATE_PAYMENT] = "payment",
	[SIMULATE_CONFIRM] = "confirm",
	[SIMULATE_EXPIRE] = "expire",
	[SIMULATE__MAX] = NULL,
};

static const char hexd[] = "0123456789abcdef";

/* --- pure parts ------------------------------------------------------ */

enum { F_EVENT, F_AMOUNT, F__MAX };

static const struct input_field fields[F__MAX] = {
	[F_EVENT] = { "event", INPUT_CHOICE, true, 0, 0,
	    simulate_event_names, NULL, NULL, NULL },
	[F_AMOUNT] = { "amount", INPUT_NUMBER, false, 1, SIMULATE_MAX_AMOUNT,
	    NULL, NULL, NULL, NULL },
};

int
simulate_parse(json_object *body, struct simulate_input *in,
    struct input_error *e)
{
	struct input_value v[F__MAX];

	memset(in, 0, sizeof(*in));
	if (input_json(body, fields, F__MAX, v, e) == -1)
		return -1;
	in->event = (enum simulate_event)v[F_EVENT].choice;
	if (!v[F_AMOUNT].given)
		return 0;
	if (in->event != SIMULATE_PAYMENT)
		return input_seterr(e, 422, "INVALID_VALUE", "amount",
		    "amount is only for the payment event");
	if (strlen(v[F_AMOUNT].str) > SIMULATE_MAX_AMOUNT)
		return input_seterr(e, 422, "INVALID_AMOUNT", "amount",
		    "amount must be at most %d characters",
		    SIMULATE_MAX_AMOUNT);
	cc_strlcpy(in->amount, v[F_AMOUNT].str, sizeof(in->amount));
	in->has_amount = true;
	return 0;
}

int
simulate_amount(const char *text, int decimals, unsigned __int128 *out,
    struct input_error *e)
{
	unsigned __int128 u = 0;
	enum money_err rc;

	rc = money_parse_units(text, decimals, &u);
	if (rc == MONEY_OK && u > 0) {
		*out = u;
		return 0;
	}
	if (rc == MONEY_ESCALE)
		return input_seterr(e, 422, "INVALID_AMOUNT", "amount",
		    "amount has more than the asset's %d decimals",
		    decimals);
	return input_seterr(e, 422, "INVALID_AMOUNT", "amount",
	    "amount must be a positive decimal in whole units of the "
	    "invoice's crypto currency (%s)", rc == MONEY_OK ? "zero" :
	    money_strerror(rc));
}

unsigned __int128
simulate_due(unsigned __int128 total, unsigned __int128 seen)
{
	return seen >= total ? 0 : total - seen;
}

static void
put_word(char *out, const uint8_t *bytes, size_t n)
{
	size_t i, pad = 32 - n;

	for (i = 0; i < pad * 2; i++)
		out[i] = '0';
	for (i = 0; i < n; i++) {
		out[(pad + i) * 2] = hexd[bytes[i] >> 4];
		out[(pad + i) * 2 + 1] = hexd[bytes[i] & 0x0f];
	}
}

int
simulate_transfer_calldata(const uint8_t to[20], unsigned __int128 units,
    char *out, size_t outlen)
{
	uint8_t be[16];
	int i;

	if (outlen < SIMULATE_CALLDATA_LEN) {
		if (outlen > 0)
			out[0] = '\0';
		return -1;
	}
	for (i = 15; i >= 0; i--) {
		be[i] = (uint8_t)(units & 0xff);
		units >>= 8;
	}
	memcpy(out, "0xa9059cbb", 10);
	put_word(out + 10, to, 20);
	put_word(out + 10 + 64, be, 16);
	out[SIMULATE_CALLDATA_LEN - 1] = '\0';
	return 0;
}

int
simulate_quantity(unsigned __int128 v, char *out, size_t outlen)
{
	char tmp[33];
	size_t n = 0, i;

	do {
		tmp[n++] = hexd[(unsigned)(v & 0x0f)];
		v >>= 4;
	} while (v != 0);
	if (outlen < n + 3) {
		if (outlen > 0)
			out[0] = '\0';
		return -1;
	}
	out[0] = '0';
	out[1] = 'x';
	for (i = 0; i < n; i++)
		out[2 + i] = tmp[n - 1 - i];
	out[2 + n] = '\0';
	return 0;
}

void
simulate_tx_hash(char out[SIMULATE_HASH_LEN])
{
	uint8_t r[16];
	size_t i, p = sizeof(SIMULATE_HASH_PREFIX) - 1;

	ids_random(r, sizeof(r));
	memcpy(out, SIMULATE_HASH_PREFIX, p);
	for (i = 0; i < sizeof(r); i++) {
		out[p + 2 * i] = hexd[r[i] >> 4];
		out[p + 2 * i + 1] = hexd[r[i] & 0x0f];
	}
	out[SIMULATE_HASH_LEN - 1] = '\0';
}

bool
simulate_is_tx_hash(const char *h)
{
	return h != NULL && evm_hash_ok(h) && strncmp(h, SIMULATE_HASH_PREFIX,
	    sizeof(SIMULATE_HASH_PREFIX) - 1) == 0;
}

const char *
simulate_strerror(enum simulate_result rc)
{
	static const char *const names[SIMULATE__RESULT_MAX] = {
		[SIMULATE_OK] = "ok",
		[SIMULATE_NOT_FOUND] = "not found",
		[SIMULATE_REFUSED] = "refused",
		[SIMULATE_CHAIN_FAILED] = "node failed",
		[SIMULATE_DB_UNAVAILABLE] = "database unavailable",
		[SIMULATE_BROKEN] = "unusable stored row",
	};

	return (unsigned)rc < SIMULATE__RESULT_MAX ? names[rc] :
	    "unknown error";
}

/* --- the invoice ----------------------------------------------------- */

/* What a simulation reads of its invoice. */
struct sim_invoice {
	enum inv_status			 status;
	const struct cc_network		*net;
	const struct cc_asset		*asset;
	char				 address[ADDRESS_MAX_LEN];
	unsigned __int128		 total;	/* crypto_amount */
	unsigned __int128		 seen;	/* non-reverted, non-late */
};

static enum simulate_result
refuse(struct input_error *e, int status, const char *code,
    const char *field, const char *msg)
{
	e->status = status;
	cc_strlcpy(e->type, status == 409 ? "conflict_error" :
	    status == 502 ? "api_error" : "validation_error",
	    sizeof(e->type));
	cc_strlcpy(e->code, code, sizeof(e->code));
	cc_strlcpy(e->field, field != NULL ? field : "", sizeof(e->field));
	cc_strlcpy(e->message, msg, sizeof(e->message));
	return status == 502 ? SIMULATE_CHAIN_FAILED : SIMULATE_REFUSED;
}

/*
 * Reads (and with lock, locks) the caller's test-mode invoice: OK,
 * NOT_FOUND, REFUSED (not open; its network gone), or a failure.
 */
static enum simulate_result
load_invoice(struct db *db, const struct cc_config *cfg,
    const struct auth *a, const char *id, bool lock, struct sim_invoice *iv,
    struct input_error *e)
{
#define LOAD_SQL \
	    "SELECT i.status, i.network, i.crypto_currency, i.address, " \
	    "i.crypto_amount::text AS total, (SELECT coalesce(sum(amount), 0) " \
	    "FROM payments p WHERE p.invoice_id = i.id AND p.status <> " \
	    "'reverted' AND NOT p.late)::text AS seen FROM invoices i " \
	    "WHERE i.id = $1 AND i.merchant_id = $2 AND i.mode = 'test'"
	static const char sql[] = LOAD_SQL;
	static const char lock_sql[] = LOAD_SQL " FOR UPDATE OF i";
#undef LOAD_SQL
	struct db_params p;
	enum simulate_result rc = SIMULATE_BROKEN;
	PGresult *res;
	char msg[160];

	db_params_init(&p);
	db_param(&p, id);
	db_param(&p, a->merchant_id);
	res = db_run(db, lock ? lock_sql : sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return SIMULATE_DB_UNAVAILABLE;
	if (PQntuples(res) != 1) {
		rc = SIMULATE_NOT_FOUND;
		goto out;
	}
	if (inv_status_from_name(db_val(res, 0, "status"), &iv->status) ==
	    -1 || money_str_to_u128(db_val(res, 0, "total"), &iv->total) !=
	    MONEY_OK || money_str_to_u128(db_val(res, 0, "seen"), &iv->seen)
	    != MONEY_OK) {
		log_error("invoice %s: unreadable status or amounts", id);
		goto out;
	}
	cc_strlcpy(iv->address, db_val(res, 0, "address"),
	    sizeof(iv->address));
	iv->net = config_network(cfg, db_val(res, 0, "network"));
	iv->asset = iv->net != NULL ? config_asset(iv->net, db_val(res, 0,
	    "crypto_currency")) : NULL;
	if (iv->asset == NULL || !iv->net->test) {
		rc = refuse(e, 409, "NETWORK_NOT_CONFIGURED", NULL, "the "
		    "invoice's test network or asset is no longer configured");
		goto out;
	}
	if (iv->status != INV_CREATED && iv->status != INV_PENDING) {
		snprintf(msg, sizeof(msg), "the invoice is %s: only an open "
		    "(created or pending) invoice can be simulated",
		    inv_status_name(iv->status));
		rc = refuse(e, 409, "INVOICE_NOT_OPEN", NULL, msg);
		goto out;
	}
	rc = SIMULATE_OK;
out:
	PQclear(res);
	return rc;
}

static void
outcome_init(struct simulate_outcome *out, const struct sim_invoice *iv)
{
	memset(out, 0, sizeof(*out));
	cc_strlcpy(out->network, iv->net->name, sizeof(out->network));
	cc_strlcpy(out->asset, iv->asset->symbol, sizeof(out->asset));
}

static int
required(const struct cc_network *net)
{
	return net->confirmations > 0 ? net->confirmations : 1;
}

/* --- on the chain ---------------------------------------------------- */

/*
 * One call to the test network's node: OK with *result (caller puts), or
 * CHAIN_FAILED with e set (the node's own message in the log only when
 * it is a transport failure; a node's refusal is shown, bounded and
 * printable, since the node is the operator's test chain).
 */
static enum simulate_result
node_call(struct rpc *r, const char *method, json_object *params,
    json_object **result, struct input_error *e)
{
	enum rpc_err rc;
	char msg[256];
	const char *why;
	size_t i;

	rc = rpc_call(r, method, json_object_to_json_string_ext(params,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), result);
	if (rc == RPC_OK)
		return SIMULATE_OK;
	why = rpc_last_error(r);
	log_warn("simulate: %s", why);
	if (rc != RPC_ERESULT)
		return refuse(e, 502, "CHAIN_UNAVAILABLE", NULL, "the test "
		    "network's node did not answer; retry shortly");
	snprintf(msg, sizeof(msg), "the test network's node refused: %s",
	    why);
	for (i = 0; msg[i] != '\0'; i++)
		if ((unsigned char)msg[i] < 0x20 ||
		    (unsigned char)msg[i] > 0x7e)
			msg[i] = '?';
	return refuse(e, 502, "CHAIN_REFUSED", NULL, msg);
}

/* The node must be the configured chain: never send elsewhere. */
static enum simulate_result
check_chain(struct rpc *r, const struct cc_network *net,
    struct input_error *e)
{
	json_object *params = json_object_new_array(), *res = NULL;
	enum simulate_result rc;
	uint64_t id;

	rc = node_call(r, "eth_chainId", params, &res, e);
	json_object_put(params);
	if (rc != SIMULATE_OK)
		return rc;
	if (!json_object_is_type(res, json_type_string) ||
	    evm_quantity_u64(json_object_get_string(res), &id) == -1 ||
	    id != net->chain_id) {
		log_error("simulate: network %s: the node is not chain %llu",
		    net->name, (unsigned long long)net->chain_id);
		rc = refuse(e, 502, "CHAIN_REFUSED", NULL, "the test "
		    "network's node is not the configured chain");
	}
	json_object_put(res);
	return rc;
}

static enum simulate_result
chain_payment(struct rpc *r, const struct sim_invoice *iv,
    unsigned __int128 units, struct simulate_outcome *out,
    struct input_error *e)
{
	json_object *params, *tx, *res = NULL;
	char data[SIMULATE_CALLDATA_LEN], qty[40];
	enum simulate_result rc;
	uint8_t to[20];

	if (address_parse(ADDRESS_EVM, iv->address, to) == -1) {
		log_error("simulate: unreadable invoice address");
		return SIMULATE_BROKEN;
	}
	tx = json_object_new_object();
	jsonx_add_str(tx, "from", iv->net->simulate_from);
	if (iv->asset->native) {
		simulate_quantity(units, qty, sizeof(qty));
		jsonx_add_str(tx, "to", iv->address);
		jsonx_add_str(tx, "value", qty);
	} else {
		simulate_transfer_calldata(to, units, data, sizeof(data));
		jsonx_add_str(tx, "to", iv->asset->contract);
		jsonx_add_str(tx, "data", data);
	}
	params = json_object_new_array();
	json_object_array_add(params, tx);
	rc = node_call(r, "eth_sendTransaction", params, &res, e);
	json_object_put(params);
	if (rc != SIMULATE_OK)
		return rc;
	if (!json_object_is_type(res, json_type_string) ||
	    !evm_hash_ok(json_object_get_string(res)))
		rc = refuse(e, 502, "CHAIN_REFUSED", NULL, "the test "
		    "network's node answered no transaction hash");
	else
		cc_strlcpy(out->tx_hash, json_object_get_string(res),
		    sizeof(out->tx_hash));
	json_object_put(res);
	return rc;
}

static enum simulate_result
chain_confirm(struct rpc *r, const struct sim_invoice *iv,
    struct simulate_outcome *out, struct input_error *e)
{
	json_object *params, *res = NULL;
	enum simulate_result rc;
	char qty[40];

	simulate_quantity((unsigned __int128)required(iv->net), qty,
	    sizeof(qty));
	params = json_object_new_array();
	json_object_array_add(params, json_object_new_string(qty));
	rc = node_call(r, "anvil_mine", params, &res, e);
	json_object_put(params);
	json_object_put(res);
	if (rc == SIMULATE_OK)
		out->blocks_mined = required(iv->net);
	return rc;
}

static enum simulate_result
on_chain(const struct sim_invoice *iv, const struct simulate_input *in,
    unsigned __int128 units, struct simulate_outcome *out,
    struct input_error *e)
{
	enum simulate_result rc;
	struct rpc *r;

	r = rpc_new(iv->net->rpc_url, SIMULATE_RPC_TIMEOUT_MS);
	if (r == NULL)
		return refuse(e, 502, "CHAIN_UNAVAILABLE", NULL, "the test "
		    "network's node cannot be reached");
	out->on_chain = true;
	rc = check_chain(r, iv->net, e);
	if (rc == SIMULATE_OK)
		rc = in->event == SIMULATE_PAYMENT ? chain_payment(r, iv, units,
		    out, e) : chain_confirm(r, iv, out, e);
	rpc_free(r);
	return rc;
}

/* --- in the database ------------------------------------------------- */

static enum simulate_result
recompute(struct db *db, const char *id)
{
	enum payment_result rc;

	rc = payment_recompute(db, id, false);
	if (rc == PAYMENT_OK)
		return SIMULATE_OK;
	return rc == PAYMENT_DB_ERROR ? SIMULATE_DB_UNAVAILABLE :
	    SIMULATE_BROKEN;
}

static int
payment_event(struct db *db, const char *invoice_id, enum event_type type,
    const struct event_payment *pay)
{
	json_object *data;
	int rc;

	data = json_object_new_object();
	jsonx_add_str(data, "invoice_id", invoice_id);
	jsonx_add(data, "payment", events_payment_json(pay));
	rc = events_add(db, invoice_id, type, data, true);
	json_object_put(data);
	return rc;
}

/* The row record() in lib/scan.c writes, marked simulated. */
static enum simulate_result
db_payment(struct db *db, const char *id, const struct sim_invoice *iv,
    unsigned __int128 units, struct simulate_outcome *out)
{
	static const char sql[] =
	    "INSERT INTO payments (id, invoice_id, merchant_id, network, asset, "
	    "tx_hash, log_index, block_number, block_hash, from_address, "
	    "to_address, amount, status, confirmations, late, simulated) "
	    "SELECT $1, i.id, i.merchant_id, i.network, i.crypto_currency, $3, "
	    "$4::int, 0, $5, NULL, i.address, $6::numeric, $7, 1, false, true "
	    "FROM invoices i WHERE i.id = $2 AND i.mode = 'test' RETURNING id";
	char zero[SIMULATE_HASH_LEN], amt[48];
	struct event_payment pay = { 0 };
	struct db_params p;
	PGresult *res;
	bool ok;

	memset(zero, '0', sizeof(zero) - 1);
	zero[1] = 'x';
	zero[sizeof(zero) - 1] = '\0';
	ids_new("pay_", out->payment_id, sizeof(out->payment_id));
	simulate_tx_hash(out->tx_hash);
	money_u128_to_str(units, amt, sizeof(amt));
	db_params_init(&p);
	db_param(&p, out->payment_id);
	db_param(&p, id);
	db_param(&p, out->tx_hash);
	db_param_int(&p, iv->asset->native ? -1 : 0);
	db_param(&p, zero);
	db_param(&p, amt);
	db_param(&p, pay_status_name(PAY_DETECTED));
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return SIMULATE_DB_UNAVAILABLE;
	ok = PQntuples(res) == 1;
	PQclear(res);
	if (!ok)
		return SIMULATE_BROKEN;
	pay.id = out->payment_id;
	pay.units = units;
	pay.decimals = iv->asset->decimals;
	pay.asset = iv->asset->symbol;
	pay.status = pay_status_name(PAY_DETECTED);
	pay.tx_hash = out->tx_hash;
	pay.block_number = 0;
	pay.confirmations = 1;
	pay.required_confirmations = required(iv->net);
	pay.simulated = true;
	if (payment_event(db, id, EV_PAYMENT_DETECTED, &pay) == -1)
		return SIMULATE_DB_UNAVAILABLE;
	return recompute(db, id);
}

/*
 * Walks each unconfirmed simulated payment up to the required
 * confirmations, as lifecycle_payment() counts them, writing the event of
 * each change of status the scanner would write on the way.
 */
static enum simulate_result
db_confirm(struct db *db, const char *id, const struct sim_invoice *iv,
    struct simulate_outcome *out, struct input_error *e)
{
	static const char sql[] =
	    "SELECT id, amount::text AS units, status, tx_hash, confirmations "
	    "FROM payments WHERE invoice_id = $1 AND simulated AND status IN "
	    "('detected', 'confirming') ORDER BY detected_at, id FOR UPDATE";
	static const char set_sql[] =
	    "UPDATE payments SET status = $2, confirmations = $3::int, "
	    "confirmed_at = CASE WHEN $2 = 'confirmed' THEN now() ELSE "
	    "confirmed_at END WHERE id = $1";
	int need = required(iv->net), i, n;
	enum simulate_result rc = SIMULATE_DB_UNAVAILABLE;
	struct db_params p;
	PGresult *res;

	res = db_run1(db, sql, id);
	if (res == NULL)
		return SIMULATE_DB_UNAVAILABLE;
	n = PQntuples(res);
	if (n == 0) {
		PQclear(res);
		return refuse(e, 409, "NO_PAYMENT_TO_CONFIRM", NULL, "the "
		    "invoice has no simulated payment waiting for "
		    "confirmations: simulate a payment first");
	}
	for (i = 0; i < n; i++) {
		struct event_payment pay = { 0 };
		enum pay_status cur, st;
		int64_t conf;
		int c;

		if (pay_status_from_name(db_val(res, i, "status"), &cur) ==
		    -1 || db_val_int64(res, i, "confirmations", &conf) == -1 ||
		    money_str_to_u128(db_val(res, i, "units"), &pay.units) !=
		    MONEY_OK || conf < 0) {
			log_error("payment %s: unreadable simulated row",
			    db_val(res, i, "id"));
			rc = SIMULATE_BROKEN;
			goto out;
		}
		pay.id = db_val(res, i, "id");
		pay.decimals = iv->asset->decimals;
		pay.asset = iv->asset->symbol;
		pay.tx_hash = db_val(res, i, "tx_hash");
		pay.required_confirmations = need;
		pay.simulated = true;
		/* confirmations may since have been lowered in cc.conf */
		for (c = conf < need ? (int)conf : need; c <= need; c++) {
			st = lifecycle_payment(c, need);
			if (st == cur)
				continue;
			cur = st;
			db_params_init(&p);
			db_param(&p, pay.id);
			db_param(&p, pay_status_name(st));
			db_param_int(&p, c);
			if (db_run_command(db, set_sql, &p) == -1) {
				db_params_release(&p);
				goto out;
			}
			db_params_release(&p);
			pay.status = pay_status_name(st);
			pay.confirmations = c;
			if (payment_event(db, id, st == PAY_CONFIRMED ?
			    EV_PAYMENT_CONFIRMED : EV_PAYMENT_CONFIRMING,
			    &pay) == -1)
				goto out;
		}
		out->payments_confirmed++;
	}
	rc = recompute(db, id);
out:
	PQclear(res);
	return rc;
}

static enum simulate_result
db_expire(struct db *db, const char *id)
{
	static const char sql[] =
	    "UPDATE invoices SET expires_at = now() WHERE id = $1 AND "
	    "mode = 'test' AND expires_at > now()";
	PGresult *res;

	res = db_run1(db, sql, id);
	if (res == NULL)
		return SIMULATE_DB_UNAVAILABLE;
	PQclear(res);
	return recompute(db, id);
}

/* --- the request ----------------------------------------------------- */

/* Who simulated what: in the database path's transaction, else alone. */
static enum simulate_result
audit(struct db *db, const struct auth *a, const struct req_meta *m,
    const char *id, const struct simulate_input *in,
    const struct simulate_outcome *out)
{
	struct audit_actor who = { a->actor, m->ip, m->user_agent,
	    m->request_id };
	json_object *d = json_object_new_object();
	int rc;

	jsonx_add_str(d, "event", simulate_event_names[in->event]);
	jsonx_add_str(d, "via", out->on_chain ? "chain" : "database");
	if (in->event == SIMULATE_PAYMENT) {
		jsonx_add(d, "amount", jsonx_decimal(out->amount));
		jsonx_add_str(d, "tx_hash", out->tx_hash);
	}
	rc = audit_write(db, &who, AUDIT_INVOICE_SIMULATED, a->merchant_id,
	    id, d);
	json_object_put(d);
	return rc == 0 ? SIMULATE_OK : SIMULATE_DB_UNAVAILABLE;
}

enum simulate_result
simulate_run(struct db *db, const struct cc_config *cfg,
    const struct auth *a, const struct req_meta *m, const char *id,
    const struct simulate_input *in, bool in_tx,
    struct simulate_outcome *out, struct input_error *e)
{
	struct sim_invoice iv;
	unsigned __int128 units = 0;
	enum simulate_result rc;
	bool chain;

	memset(out, 0, sizeof(*out));
	memset(&iv, 0, sizeof(iv));
	/* Never a live invoice, whatever the caller checked. */
	if (!a->test || !ids_valid("inv_", id))
		return SIMULATE_NOT_FOUND;
	if (db == NULL)
		return SIMULATE_DB_UNAVAILABLE;
	rc = load_invoice(db, cfg, a, id, false, &iv, e);
	if (rc != SIMULATE_OK)
		return rc;
	outcome_init(out, &iv);
	chain = iv.net->simulate_from[0] != '\0' &&
	    in->event != SIMULATE_EXPIRE;
	if (in->event == SIMULATE_PAYMENT) {
		if (in->has_amount) {
			if (simulate_amount(in->amount, iv.asset->decimals,
			    &units, e) == -1)
				return SIMULATE_REFUSED;
		} else {
			units = simulate_due(iv.total, iv.seen);
			if (units == 0)
				return refuse(e, 409, "NOTHING_DUE", "amount",
				    "the payments seen already cover the "
				    "invoice: give an amount");
		}
		money_format_units(units, iv.asset->decimals, out->amount,
		    sizeof(out->amount));
	}
	if (chain) {
		rc = on_chain(&iv, in, units, out, e);
		/*
		 * What was sent is sent: a failed audit row (logged) does
		 * not turn it into an error the caller would retry.
		 */
		if (rc == SIMULATE_OK)
			(void)audit(db, a, m, id, in, out);
		return rc;
	}

	/* The database path: the decision again, under the row lock. */
	if (!in_tx && db_begin(db) == -1)
		return SIMULATE_DB_UNAVAILABLE;
	rc = load_invoice(db, cfg, a, id, true, &iv, e);
	if (rc == SIMULATE_OK) {
		switch (in->event) {
		case SIMULATE_PAYMENT:
			rc = db_payment(db, id, &iv, units, out);
			break;
		case SIMULATE_CONFIRM:
			rc = db_confirm(db, id, &iv, out, e);
			break;
		default:
			rc = db_expire(db, id);
			break;
		}
	}
	if (rc == SIMULATE_OK)
		rc = audit(db, a, m, id, in, out);
	if (rc != SIMULATE_OK) {
		if (!in_tx)
			db_rollback(db);
		return rc;
	}
	if (!in_tx && db_commit(db) == -1)
		return SIMULATE_DB_UNAVAILABLE;
	log_info("invoice %s: simulated %s", id,
	    simulate_event_names[in->event]);
	return SIMULATE_OK;
}

json_object *
simulate_json(const struct simulate_input *in,
    const struct simulate_outcome *out, const char *invoice_id,
    json_object *inv)
{
	json_object *o = json_object_new_object();

	jsonx_add_str(o, "object", "simulation");
	jsonx_add_str(o, "event", simulate_event_names[in->event]);
	jsonx_add_str(o, "via", out->on_chain ? "chain" : "database");
	jsonx_add_str(o, "invoice_id", invoice_id);
	jsonx_add_str(o, "network", out->network);
	jsonx_add_str(o, "asset", out->asset);
	switch (in->event) {
	case SIMULATE_PAYMENT:
		jsonx_add(o, "amount", jsonx_decimal(out->amount));
		jsonx_add_str(o, "tx_hash", out->tx_hash);
		jsonx_add(o, "payment_id", jsonx_str_or_null(out->on_chain ?
		    NULL : out->payment_id));
		break;
	case SIMULATE_CONFIRM:
		if (out->on_chain)
			jsonx_add(o, "blocks_mined",
			    json_object_new_int(out->blocks_mined));
		else
			jsonx_add(o, "payments_confirmed",
			    json_object_new_int(out->payments_confirmed));
		break;
	default:
		break;
	}
	jsonx_add(o, "invoice", inv);
	return o;
}
