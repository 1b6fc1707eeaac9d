/* API key secrets, hashes, masks and scopes. */
#include "cc.h"

#include <openssl/sha.h>

#include "apikey.h"
#include "audit.h"
#include "db.h"
#include "ids.h"
#include "jsonx.h"
#include "util.h"

const char *const apikey_type_names[APIKEY__MAX + 1] = {
	"live", "test", "invoices", "analytics", NULL
};
static const char *prefixes[APIKEY__MAX] = {
	"sk_live_", "sk_test_", "sk_live_invoices_", "sk_live_analytics_"
};

static const struct {
	const char	*name;
	unsigned	 bit;
} scopes[] = {
	{ "invoices:create",	SCOPE_INVOICES_CREATE },
	{ "invoices:read",	SCOPE_INVOICES_READ },
	{ "invoices:cancel",	SCOPE_INVOICES_CANCEL },
	{ "invoices:refund",	SCOPE_INVOICES_REFUND },
	{ "analytics:read",	SCOPE_ANALYTICS_READ },
	{ "webhooks:manage",	SCOPE_WEBHOOKS_MANAGE },
};

int
apikey_type_from_name(const char *s, enum apikey_type *out)
{
	int i;

	for (i = 0; i < APIKEY__MAX; i++)
		if (strcmp(s, apikey_type_names[i]) == 0) {
			*out = (enum apikey_type)i;
			return 0;
		}
	return -1;
}

const char *
apikey_type_name(enum apikey_type t)
{
	return apikey_type_names[t];
}

const char *
apikey_prefix(enum apikey_type t)
{
	return prefixes[t];
}

bool
apikey_type_test(enum apikey_type t)
{
	return t == APIKEY_TEST;
}

unsigned
apikey_type_scopes(enum apikey_type t)
{
	switch (t) {
	case APIKEY_INVOICES:
		return SCOPE_INVOICES_CREATE | SCOPE_INVOICES_READ |
		    SCOPE_INVOICES_CANCEL | SCOPE_INVOICES_REFUND;
	case APIKEY_ANALYTICS:
		return SCOPE_ANALYTICS_READ;
	default:
		return SCOPE_ALL;
	}
}

int
scope_from_name(const char *s, unsigned *out)
{
	size_t i;

	if (strcmp(s, "*") == 0) {
		*out = SCOPE_ALL;
		return 0;
	}
	for (i = 0; i < CC_ARRAY_SIZE(scopes); i++)
		if (strcmp(s, scopes[i].name) == 0) {
			*out = scopes[i].bit;
			return 0;
		}
	return -1;
}

const char *
scope_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(scopes); i++)
		if (scopes[i].bit == bit)
			return scopes[i].name;
	return "*";
}

int
scope_names(unsigned set, const char **out, size_t max)
{
	if (set == SCOPE_ALL && max > 0) {
		out[0] = "*";
		return 1;
	}
	return scope_names_each(set, out, max);
}

int
scope_names_each(unsigned set, const char **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < CC_ARRAY_SIZE(scopes) && n < max; i++)
		if (set & scopes[i].bit)
			out[n++] = scopes[i].name;
	return (int)n;
}

void
apikey_generate(enum apikey_type t, char *out, size_t outlen)
{
	uint8_t rnd[APIKEY_SECRET_CHARS * 5 / 8];
	size_t n;

	ids_random(rnd, sizeof(rnd));
	n = cc_strlcpy(out, prefixes[t], outlen);
	ids_base32(rnd, sizeof(rnd), out + n, outlen - n);
}

void
apikey_hash(const char *secret, uint8_t out[32])
{
	SHA256((const unsigned char *)secret, strlen(secret), out);
}

void
apikey_mask(const char *prefix, const char *last, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s***%s", prefix, last);
}

bool
apikey_syntax_ok(const char *s)
{
	size_t i, best = 0, n;
	int t;

	/* The longest matching prefix: sk_live_ is also a prefix of the
	 * restricted types. */
	for (t = 0; t < APIKEY__MAX; t++) {
		size_t len = strlen(prefixes[t]);

		if (strncmp(s, prefixes[t], len) == 0 && len > best)
			best = len;
	}
	if (best == 0)
		return false;
	n = strlen(s + best);
	if (n != APIKEY_SECRET_CHARS)
		return false;
	for (i = best; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '2' &&
		    s[i] <= '7')))
			return false;
	return true;
}

unsigned
apikey_scopes_from_literal(const char *text)
{
	char tmp[512], *tok, *save = NULL;
	unsigned set = 0, bit;

	cc_strlcpy(tmp, text, sizeof(tmp));
	for (tok = strtok_r(tmp, "{},\"", &save); tok != NULL;
	    tok = strtok_r(NULL, "{},\"", &save))
		if (scope_from_name(tok, &bit) == 0)
			set |= bit;
	return set;
}

/*
 * The one row of res (an api_keys row) as the caller of a request, its
 * actor "<kind>:<masked key>"; 1 when res has no row.
 */
static int
auth_from_row(PGresult *res, const char *kind, struct auth *a)
{
	if (PQntuples(res) != 1)
		return 1;
	cc_strlcpy(a->key_id, db_val(res, 0, "id"), sizeof(a->key_id));
	cc_strlcpy(a->merchant_id, db_val(res, 0, "merchant_id"),
	    sizeof(a->merchant_id));
	a->test = strcmp(db_val(res, 0, "mode"), "test") == 0;
	snprintf(a->actor, sizeof(a->actor), "%s:%s***%s", kind,
	    db_val(res, 0, "prefix"), db_val(res, 0, "suffix"));
	a->scopes = apikey_scopes_from_literal(db_val(res, 0, "scopes"));
	return 0;
}

#define AUTH_COLUMNS	"id, merchant_id, mode, prefix, suffix, " \
	"scopes::text[] AS scopes"

int
apikey_authenticate(struct db *db, const char *secret, struct auth *a)
{
	static const char sql[] =
	    "SELECT " AUTH_COLUMNS " FROM api_keys "
	    "WHERE secret_hash = $1::bytea AND revoked_at IS NULL";
	struct db_params p;
	uint8_t hash[32];
	PGresult *res;
	int rc;

	memset(a, 0, sizeof(*a));
	if (!apikey_syntax_ok(secret))
		return 1;
	apikey_hash(secret, hash);
	db_params_init(&p);
	db_param_bytea(&p, hash, sizeof(hash));
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	rc = auth_from_row(res, "api_key", a);
	PQclear(res);
	return rc;
}

int
apikey_lookup(struct db *db, const char *key_id, const char *kind,
    struct auth *a)
{
	static const char sql[] =
	    "SELECT " AUTH_COLUMNS " FROM api_keys "
	    "WHERE id = $1 AND revoked_at IS NULL";
	PGresult *res;
	int rc;

	memset(a, 0, sizeof(*a));
	if (!ids_valid("key_", key_id))
		return 1;
	res = db_run1(db, sql, key_id);
	if (res == NULL)
		return -1;
	rc = auth_from_row(res, kind, a);
	PQclear(res);
	return rc;
}

static const char *const apikey_errors[APIKEY_ERR__MAX] = {
	[APIKEY_OK] = "success",
	[APIKEY_ENOMERCHANT] = "no such merchant",
	[APIKEY_ENOTFOUND] = "no such key",
	[APIKEY_EDB] = "database error",
};

const char *
apikey_mode(const struct auth *a)
{
	return a->test ? "test" : "live";
}

const char *
apikey_strerror(enum apikey_err e)
{
	if ((unsigned int)e >= APIKEY_ERR__MAX)
		return "unknown error";
	return apikey_errors[e];
}

enum apikey_err
apikey_create(struct db *db, const struct audit_actor *who,
    const char *merchant_id, enum apikey_type type, unsigned set,
    struct apikey_new *out)
{
	/* No row from merchants, no key and no audit row. */
	static const char sql[] =
	    "WITH k AS (INSERT INTO api_keys (id, merchant_id, mode, prefix, "
	    "suffix, secret_hash, scopes) SELECT $1, id, $3, $4, $5, "
	    "$6::bytea, $7::text[] FROM merchants WHERE id = $2 "
	    "RETURNING created_at), "
	    "a AS (" AUDIT_INSERT_FROM("k", "$8") ") "
	    "SELECT cc_ts(created_at) AS created_at FROM k";
	enum apikey_err rc = APIKEY_EDB;
	const char *names[16], *last;
	struct audit_row row;
	struct db_params p;
	uint8_t hash[32];
	json_object *d;
	PGresult *res;
	int n;

	memset(out, 0, sizeof(*out));
	if (!ids_valid("mer_", merchant_id))
		return APIKEY_ENOMERCHANT;
	ids_new("key_", out->id, sizeof(out->id));
	apikey_generate(type, out->secret, sizeof(out->secret));
	apikey_hash(out->secret, hash);
	last = out->secret + strlen(out->secret) - 3;
	apikey_mask(apikey_prefix(type), last, out->masked,
	    sizeof(out->masked));
	n = scope_names(set, names, CC_ARRAY_SIZE(names));
	d = json_object_new_object();
	jsonx_add_str(d, "key_id", out->id);
	jsonx_add_str(d, "key", out->masked);
	audit_row_init(&row, who, AUDIT_API_KEY_CREATED, merchant_id, NULL,
	    d);
	db_params_init(&p);
	db_param(&p, out->id);
	db_param(&p, merchant_id);
	db_param(&p, apikey_type_test(type) ? "test" : "live");
	db_param(&p, apikey_prefix(type));
	db_param(&p, last);
	db_param_bytea(&p, hash, sizeof(hash));
	db_param_array(&p, names, (size_t)n);
	db_param(&p, audit_row_text(&row));
	res = db_run(db, sql, &p);
	if (res == NULL)
		goto out;
	if (PQntuples(res) != 1) {
		rc = APIKEY_ENOMERCHANT;
		goto out;
	}
	cc_strlcpy(out->created_at, db_val(res, 0, "created_at"),
	    sizeof(out->created_at));
	rc = APIKEY_OK;
out:
	PQclear(res);
	db_params_release(&p);
	audit_row_release(&row);
	json_object_put(d);
	if (rc != APIKEY_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

enum apikey_err
apikey_list(struct db *db, const char *merchant_id,
    void (*fn)(const struct apikey_row *, void *), void *arg)
{
	static const char sql[] =
	    "SELECT id, merchant_id, mode, prefix, suffix, "
	    "scopes::text[] AS scopes, cc_ts(created_at) AS created_at, "
	    "cc_ts(revoked_at) AS revoked_at FROM api_keys k "
	    "WHERE $1::text IS NULL OR merchant_id = $1 "
	    "ORDER BY k.created_at, k.id";
	PGresult *res;
	int i;

	res = db_run1(db, sql, merchant_id);
	if (res == NULL)
		return APIKEY_EDB;
	for (i = 0; i < PQntuples(res); i++) {
		struct apikey_row k;

		k.id = db_val(res, i, "id");
		k.merchant_id = db_val(res, i, "merchant_id");
		k.mode = db_val(res, i, "mode");
		apikey_mask(db_val(res, i, "prefix"), db_val(res, i,
		    "suffix"), k.masked, sizeof(k.masked));
		k.scopes = apikey_scopes_from_literal(db_val(res, i, "scopes"));
		k.created_at = db_val(res, i, "created_at");
		k.revoked_at = db_val(res, i, "revoked_at");
		fn(&k, arg);
	}
	PQclear(res);
	return APIKEY_OK;
}

enum apikey_err
apikey_revoke(struct db *db, const struct audit_actor *who,
    const char *key_id, struct apikey_revoked *out)
{
	static const char sql[] =
	    "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) "
	    "WHERE id = $1 RETURNING merchant_id, prefix, suffix, "
	    "cc_ts(revoked_at) AS revoked_at";
	enum apikey_err rc = APIKEY_EDB;
	struct db_params p;
	PGresult *res = NULL;
	json_object *d = NULL;

	memset(out, 0, sizeof(*out));
	if (!ids_valid("key_", key_id))
		return APIKEY_ENOTFOUND;
	db_params_init(&p);
	db_param(&p, key_id);
	if (db_begin(db) == -1)
		goto out;
	res = db_run(db, sql, &p);
	if (res == NULL)
		goto rollback;
	if (PQntuples(res) != 1) {
		rc = APIKEY_ENOTFOUND;
		goto rollback;
	}
	cc_strlcpy(out->merchant_id, db_val(res, 0, "merchant_id"),
	    sizeof(out->merchant_id));
	apikey_mask(db_val(res, 0, "prefix"), db_val(res, 0, "suffix"),
	    out->masked, sizeof(out->masked));
	cc_strlcpy(out->revoked_at, db_val(res, 0, "revoked_at"),
	    sizeof(out->revoked_at));
	d = json_object_new_object();
	jsonx_add_str(d, "key_id", key_id);
	jsonx_add_str(d, "key", out->masked);
	if (audit_write(db, who, AUDIT_API_KEY_REVOKED, out->merchant_id,
	    NULL, d) == -1 || db_commit(db) == -1)
		goto rollback;
	rc = APIKEY_OK;
	goto out;
rollback:
	db_rollback(db);
out:
	json_object_put(d);
	PQclear(res);
	db_params_release(&p);
	if (rc != APIKEY_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}
