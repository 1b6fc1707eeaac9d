/* Merchant rows: creation with its audit row, lookups, the listing. */
#include "cc.h"

#include "audit.h"
#include "db.h"
#include "jsonx.h"
#include "merchant.h"
#include "util.h"

static const char *const merchant_errors[MERCHANT_ERR__MAX] = {
	[MERCHANT_OK] = "success",
	[MERCHANT_ENAME] = "a merchant name is 1-"
	    CC_XSTR(CC_MAX_MERCHANT_NAME) " characters of text",
	[MERCHANT_ENOTFOUND] = "no such merchant",
	[MERCHANT_EDB] = "database error",
};

const char *
merchant_strerror(enum merchant_err e)
{
	if ((unsigned int)e >= MERCHANT_ERR__MAX)
		return "unknown error";
	return merchant_errors[e];
}

bool
merchant_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n >= 1 && n <= CC_MAX_MERCHANT_NAME &&
	    jsonx_utf8_clean(name, n, false);
}

enum merchant_err
merchant_create(struct db *db, const struct audit_actor *who,
    const char *name, struct merchant_new *out)
{
	static const char sql[] =
	    "WITH m AS (INSERT INTO merchants (id, name) VALUES ($1, $2) "
	    "RETURNING created_at), "
	    "a AS (" AUDIT_INSERT_FROM("m", "$3") ") "
	    "SELECT cc_ts(created_at) AS created_at FROM m";
	enum merchant_err rc = MERCHANT_EDB;
	struct audit_row row;
	struct db_params p;
	json_object *d;
	PGresult *res;

	memset(out, 0, sizeof(*out));
	if (!merchant_name_ok(name))
		return MERCHANT_ENAME;
	ids_new("mer_", out->id, sizeof(out->id));
	d = json_object_new_object();
	jsonx_add_str(d, "name", name);
	audit_row_init(&row, who, AUDIT_MERCHANT_CREATED, out->id, NULL, d);
	db_params_init(&p);
	db_param(&p, out->id);
	db_param(&p, name);
	db_param(&p, audit_row_text(&row));
	res = db_run(db, sql, &p);
	if (res == NULL || PQntuples(res) != 1)
		goto out;
	cc_strlcpy(out->created_at, db_val(res, 0, "created_at"),
	    sizeof(out->created_at));
	rc = MERCHANT_OK;
out:
	PQclear(res);
	db_params_release(&p);
	audit_row_release(&row);
	json_object_put(d);
	return rc;
}

enum merchant_err
merchant_exists(struct db *db, const char *id)
{
	static const char sql[] = "SELECT 1 FROM merchants WHERE id = $1";
	PGresult *res;
	int n;

	/* Every id was made by ids_new: anything else names no one. */
	if (!ids_valid("mer_", id))
		return MERCHANT_ENOTFOUND;
	res = db_run1(db, sql, id);
	if (res == NULL)
		return MERCHANT_EDB;
	n = PQntuples(res);
	PQclear(res);
	return n == 1 ? MERCHANT_OK : MERCHANT_ENOTFOUND;
}

enum merchant_err
merchant_list(struct db *db, void (*fn)(const struct merchant *, void *),
    void *arg)
{
	/* m.created_at: a bare name would sort by the output's text. */
	static const char sql[] =
	    "SELECT id, name, cc_ts(created_at) AS created_at "
	    "FROM merchants m ORDER BY m.created_at, m.id";
	struct db_params p;
	PGresult *res;
	int i;

	db_params_init(&p);
	res = db_run(db, sql, &p);
	if (res == NULL)
		return MERCHANT_EDB;
	for (i = 0; i < PQntuples(res); i++) {
		struct merchant m;

		m.id = db_val(res, i, "id");
		m.name = db_val(res, i, "name");
		m.created_at = db_val(res, i, "created_at");
		fn(&m, arg);
	}
	PQclear(res);
	return MERCHANT_OK;
}
