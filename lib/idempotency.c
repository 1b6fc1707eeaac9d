/* Stored first responses for Idempotency-Key requests. */
#include "cc.h"

#include <openssl/evp.h>

#include "db.h"
#include "idempotency.h"
#include "util.h"

bool
idem_key_ok(const char *k)
{
	size_t n = strlen(k), i;

	if (n == 0 || n > CC_MAX_IDEMPOTENCY_KEY)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)k[i] < 0x21 || (unsigned char)k[i] > 0x7e)
			return false;
	return true;
}

void
idem_hash(const char *method, const char *path, const char *body,
    size_t len, uint8_t out[32])
{
	EVP_MD_CTX *ctx;
	unsigned int n = 32;

	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		abort();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, method, strlen(method) + 1);
	EVP_DigestUpdate(ctx, path, strlen(path) + 1);
	EVP_DigestUpdate(ctx, body, len);
	EVP_DigestFinal_ex(ctx, out, &n);
	EVP_MD_CTX_free(ctx);
}

enum idem_state
idem_claim(struct db *db, const char *merchant, const char *mode,
    const char *key, const uint8_t hash[32], int *status, char **response)
{
	/* A row older than 24 h is taken over as if it did not exist. */
	static const char claim_sql[] =
	    "INSERT INTO idempotency_keys (merchant_id, mode, key, "
	    "request_hash) VALUES ($1, $2, $3, $4::bytea) "
	    "ON CONFLICT (merchant_id, mode, key) DO UPDATE SET "
	    "request_hash = EXCLUDED.request_hash, status = NULL, "
	    "response = NULL, created_at = now() "
	    "WHERE idempotency_keys.created_at < now() - interval '24 hours' "
	    "RETURNING 1";
	static const char read_sql[] =
	    "SELECT request_hash = $4::bytea AS same, status, response "
	    "FROM idempotency_keys WHERE merchant_id = $1 AND mode = $2 "
	    "AND key = $3";
	enum idem_state st = IDEM_ERROR;
	struct db_params p;
	PGresult *res;
	int64_t v;

	db_params_init(&p);
	db_param(&p, merchant);
	db_param(&p, mode);
	db_param(&p, key);
	db_param_bytea(&p, hash, 32);
	*response = NULL;
	if (db_begin(db) == -1)
		goto out;
	res = db_run(db, claim_sql, &p);
	if (res == NULL)
		goto fail;
	if (PQntuples(res) == 1) {
		PQclear(res);
		st = IDEM_NEW;
		goto out;
	}
	PQclear(res);
	res = db_run(db, read_sql, &p);
	if (res == NULL || PQntuples(res) != 1)
		goto fail;
	if (strcmp(db_val(res, 0, "same"), "t") != 0)
		st = IDEM_MISMATCH;
	else if (db_val(res, 0, "response") != NULL &&
	    db_val_int64(res, 0, "status", &v) == 0 && v >= 100 && v < 600) {
		*status = (int)v;
		*response = xstrdup(db_val(res, 0, "response"));
		st = IDEM_REPLAY;
	}
fail:
	PQclear(res);
	db_rollback(db);
out:
	db_params_release(&p);
	return st;
}

int
idem_complete(struct db *db, const char *merchant, const char *mode,
    const char *key, int status, const char *response)
{
	static const char sql[] =
	    "UPDATE idempotency_keys SET status = $4::int, response = $5 "
	    "WHERE merchant_id = $1 AND mode = $2 AND key = $3";
	struct db_params p;
	int rc;

	db_params_init(&p);
	db_param(&p, merchant);
	db_param(&p, mode);
	db_param(&p, key);
	db_param_int(&p, status);
	db_param(&p, response);
	rc = db_run_command(db, sql, &p);
	db_params_release(&p);
	if (rc == -1) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db);
}

void
idem_abort(struct db *db)
{
	db_rollback(db);
}
