/* Stored first responses for Idempotency-Key requests. */
#include "cc.h"

#include <errno.h>
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
	    "SELECT request_hash = $4::bytea, status, response "
	    "FROM idempotency_keys WHERE merchant_id = $1 AND mode = $2 "
	    "AND key = $3";
	char hex[2 + 65];
	const char *params[4];
	PGresult *res;
	enum idem_state st = IDEM_ERROR;

	hex[0] = '\\';
	hex[1] = 'x';
	hex_encode(hash, 32, hex + 2);
	params[0] = merchant;
	params[1] = mode;
	params[2] = key;
	params[3] = hex;
	*response = NULL;
	if (db_begin(db) == -1)
		return IDEM_ERROR;
	res = db_query(db, claim_sql, 4, params);
	if (res == NULL)
		goto fail;
	if (PQntuples(res) == 1) {
		PQclear(res);
		return IDEM_NEW;
	}
	PQclear(res);
	res = db_query(db, read_sql, 4, params);
	if (res == NULL || PQntuples(res) != 1)
		goto fail;
	if (PQgetvalue(res, 0, 0)[0] != 't')
		st = IDEM_MISMATCH;
	else if (db_get(res, 0, 1) != NULL && db_get(res, 0, 2) != NULL) {
		char *end;
		long v;

		errno = 0;
		v = strtol(PQgetvalue(res, 0, 1), &end, 10);
		if (errno == 0 && *end == '\0' && v >= 100 && v < 600) {
			*status = (int)v;
			*response = xstrdup(PQgetvalue(res, 0, 2));
			st = IDEM_REPLAY;
		}
	}
fail:
	PQclear(res);
	db_rollback(db);
	return st;
}

int
idem_complete(struct db *db, const char *merchant, const char *mode,
    const char *key, int status, const char *response)
{
	static const char sql[] =
	    "UPDATE idempotency_keys SET status = $4::int, response = $5 "
	    "WHERE merchant_id = $1 AND mode = $2 AND key = $3";
	char st[8];
	const char *params[5] = { merchant, mode, key, st, response };

	snprintf(st, sizeof(st), "%d", status);
	if (db_command(db, sql, 5, params) == -1) {
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
