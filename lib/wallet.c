/* Wallet rows: adding one (checked key, conflicts named), the listing. */
#include "cc.h"

#include "audit.h"
#include "config.h"
#include "db.h"
#include "jsonx.h"
#include "util.h"
#include "wallet.h"

static const char *const wallet_errors[WALLET_ERR__MAX] = {
	[WALLET_OK] = "success",
	[WALLET_EKEY] = "not a usable extended public key",
	[WALLET_EDERIVE] = "cannot derive addresses from this key",
	[WALLET_ENOMERCHANT] = "no such merchant",
	[WALLET_EHAS_WALLET] = "the merchant already has a wallet on this "
	    "network",
	[WALLET_EKEY_TAKEN] = "this key already belongs to a wallet on this "
	    "network; each wallet needs its own account key",
	[WALLET_EDB] = "database error",
};

const char *
wallet_strerror(enum wallet_err e)
{
	if ((unsigned int)e >= WALLET_ERR__MAX)
		return "unknown error";
	return wallet_errors[e];
}

void
wallet_fingerprint(const char *xpub, char *out, size_t outlen)
{
	size_t n = strlen(xpub);

	/* Too short to cut: nothing of it is shown. */
	if (n < 16) {
		cc_strlcpy(out, "***", outlen);
		return;
	}
	snprintf(out, outlen, "%.8s...%s", xpub, xpub + n - 4);
}

/*
 * The key in its one stored spelling (a tpub becomes the same key's
 * xpub) and the first address, which proves addresses derive from it.
 */
static enum wallet_err
check_key(const struct cc_network *net, const char *text, char *canon,
    size_t canonlen, struct wallet_new *out, enum bip32_err *why)
{
	struct bip32_pub key;

	*why = bip32_parse(text, &key);
	if (*why != BIP32_OK)
		return WALLET_EKEY;
	if (address_derive(net->kind, &key, 0, out->first_address,
	    sizeof(out->first_address)) == -1)
		return WALLET_EDERIVE;
	key.version = BIP32_VERSION_XPUB;
	*why = bip32_serialize(&key, canon, canonlen);
	if (*why != BIP32_OK)
		return WALLET_EKEY;
	return WALLET_OK;
}

/* Which of the table's unique constraints a failed insert ran into. */
static enum wallet_err
insert_error(struct db *db)
{
	const char *state = db_last_sqlstate(db);

	if (strcmp(state, "23505") == 0)
		return strstr(db_last_error(db), "wallets_network_xpub") !=
		    NULL ? WALLET_EKEY_TAKEN : WALLET_EHAS_WALLET;
	if (strcmp(state, "23503") == 0)
		return WALLET_ENOMERCHANT;
	return WALLET_EDB;
}

/* What the checks found in the way of the insert; WALLET_OK if nothing. */
static enum wallet_err
conflict(const PGresult *res)
{
	if (strcmp(db_val(res, 0, "merchant"), "t") != 0)
		return WALLET_ENOMERCHANT;
	if (strcmp(db_val(res, 0, "has_wallet"), "t") == 0)
		return WALLET_EHAS_WALLET;
	if (strcmp(db_val(res, 0, "key_taken"), "t") == 0)
		return WALLET_EKEY_TAKEN;
	return WALLET_OK;
}

enum wallet_err
wallet_add(struct db *db, const struct audit_actor *who,
    const char *merchant_id, const struct cc_network *net, const char *xpub,
    struct wallet_new *out, enum bip32_err *why)
{
	/*
	 * Adding wallets one at a time (invoices only read the table) lets
	 * the checks below hold until the insert: a conflict is found by a
	 * query, not by a unique violation, whose DETAIL line would carry
	 * the whole key into the server's log.
	 */
	static const char lock_sql[] =
	    "LOCK TABLE wallets IN SHARE ROW EXCLUSIVE MODE";
	static const char check_sql[] =
	    "SELECT EXISTS (SELECT 1 FROM merchants WHERE id = $1) "
	    "AS merchant, "
	    "EXISTS (SELECT 1 FROM wallets WHERE merchant_id = $1 AND "
	    "network = $2) AS has_wallet, "
	    "EXISTS (SELECT 1 FROM wallets WHERE network = $2 AND "
	    "xpub = $3) AS key_taken";
	static const char add_sql[] = "SELECT cc_wallet_add($1, $2, $3, $4)";
	char canon[BIP32_XPUB_STRLEN];
	struct db_params none, check, add;
	enum wallet_err rc;
	PGresult *res = NULL;
	json_object *d = NULL;

	memset(out, 0, sizeof(*out));
	*why = BIP32_OK;
	rc = check_key(net, xpub, canon, sizeof(canon), out, why);
	if (rc == WALLET_OK && !ids_valid("mer_", merchant_id))
		rc = WALLET_ENOMERCHANT;
	if (rc != WALLET_OK) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	wallet_fingerprint(canon, out->fingerprint, sizeof(out->fingerprint));
	ids_new("wal_", out->id, sizeof(out->id));
	db_params_init(&none);
	db_params_init(&check);
	db_param(&check, merchant_id);
	db_param(&check, net->name);
	db_param(&check, canon);
	db_params_init(&add);
	db_param(&add, out->id);
	db_param(&add, merchant_id);
	db_param(&add, net->name);
	db_param(&add, canon);
	rc = WALLET_EDB;
	if (db_begin(db) == -1)
		goto out;
	if (db_run_command(db, lock_sql, &none) == -1)
		goto rollback;
	res = db_run(db, check_sql, &check);
	if (res == NULL || PQntuples(res) != 1)
		goto rollback;
	rc = conflict(res);
	if (rc != WALLET_OK)
		goto rollback;
	/* A writer that skips the lock (psql) still gets a named error. */
	if (db_run_command(db, add_sql, &add) == -1) {
		rc = insert_error(db);
		goto rollback;
	}
	d = json_object_new_object();
	jsonx_add_str(d, "wallet_id", out->id);
	jsonx_add_str(d, "network", net->name);
	jsonx_add_str(d, "xpub", out->fingerprint);
	if (audit_write(db, who, AUDIT_WALLET_ADDED, merchant_id, NULL,
	    d) == -1 || db_commit(db) == -1) {
		rc = WALLET_EDB;
		goto rollback;
	}
	goto out;
rollback:
	db_rollback(db);
out:
	json_object_put(d);
	PQclear(res);
	db_params_release(&add);
	db_params_release(&check);
	if (rc != WALLET_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

enum wallet_err
wallet_list(struct db *db, const char *merchant_id,
    void (*fn)(const struct wallet_row *, void *), void *arg)
{
	static const char sql[] =
	    "SELECT id, merchant_id, network, xpub, "
	    "cc_ts(created_at) AS created_at FROM wallets w "
	    "WHERE $1::text IS NULL OR merchant_id = $1 "
	    "ORDER BY w.created_at, w.id";
	PGresult *res;
	int i;

	res = db_run1(db, sql, merchant_id);
	if (res == NULL)
		return WALLET_EDB;
	for (i = 0; i < PQntuples(res); i++) {
		struct wallet_row w;

		w.id = db_val(res, i, "id");
		w.merchant_id = db_val(res, i, "merchant_id");
		w.network = db_val(res, i, "network");
		wallet_fingerprint(db_val(res, i, "xpub"), w.fingerprint,
		    sizeof(w.fingerprint));
		w.created_at = db_val(res, i, "created_at");
		fn(&w, arg);
	}
	PQclear(res);
	return WALLET_OK;
}
