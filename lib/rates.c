/* Rate resolution for invoices, and the rates and rate_history tables. */
#include "cc.h"

#include "config.h"
#include "db.h"
#include "log.h"
#include "rates.h"
#include "util.h"

/* A timestamptz from epoch microseconds, in integer interval arithmetic. */
#define TS_FROM_US(n) "('epoch'::timestamptz + $" #n "::bigint * " \
	"interval '1 microsecond')"

enum rates_lookup
rates_resolve(const struct cc_asset *asset, const char *currency,
    const char *rate_text, const char *source_text, int64_t age, int max_age,
    struct money_dec *rate, char *source, size_t sourcelen)
{
	bool stale = false;

	if (rate_text != NULL) {
		const char *src = source_text != NULL ? source_text :
		    RATES_MANUAL;

		if (money_parse_dec(rate_text, RATES_MAX_SCALE, rate) !=
		    MONEY_OK || rate->mant == 0)
			return RATES_BAD;
		if (strcmp(src, RATES_MANUAL) == 0 || (age >= 0 &&
		    age <= max_age)) {
			cc_strlcpy(source, src, sourcelen);
			return RATES_OK;
		}
		stale = true;
	}
	if (asset->peg[0] != '\0' && strcmp(asset->peg, currency) == 0) {
		rate->mant = 1;
		rate->scale = 0;
		cc_strlcpy(source, RATES_PEG, sourcelen);
		return RATES_OK;
	}
	return stale ? RATES_STALE : RATES_NONE;
}

int
rates_set(struct db *db, const char *crypto, const char *currency,
    const char *rate)
{
	static const char sql[] =
	    "INSERT INTO rates (crypto, currency, rate, source) "
	    "VALUES ($1, $2, $3::numeric, $4) "
	    "ON CONFLICT (crypto, currency) DO UPDATE SET rate = "
	    "EXCLUDED.rate, source = EXCLUDED.source, updated_at = now()";
	struct db_params p;
	int rc;

	db_params_init(&p);
	db_param(&p, crypto);
	db_param(&p, currency);
	db_param(&p, rate);
	db_param(&p, RATES_MANUAL);
	rc = db_run_command(db, sql, &p);
	db_params_release(&p);
	return rc;
}

int
rates_delete(struct db *db, const char *crypto, const char *currency)
{
	static const char sql[] =
	    "DELETE FROM rates WHERE crypto = $1 AND currency = $2 "
	    "RETURNING 1";
	struct db_params p;
	PGresult *res;
	int rc;

	db_params_init(&p);
	db_param(&p, crypto);
	db_param(&p, currency);
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	rc = PQntuples(res) > 0 ? 0 : 1;
	PQclear(res);
	return rc;
}

int
rates_list(struct db *db, void (*fn)(const struct rates_row *, void *),
    void *arg)
{
	static const char sql[] =
	    "SELECT crypto, currency, rate::text AS rate, source, "
	    "cc_ts(updated_at) AS updated_at, floor(extract(epoch FROM "
	    "now() - updated_at))::bigint AS age FROM rates "
	    "ORDER BY crypto, currency";
	struct db_params p;
	PGresult *res;
	int i;

	db_params_init(&p);
	res = db_run(db, sql, &p);
	if (res == NULL)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		struct rates_row r;

		r.crypto = db_val(res, i, "crypto");
		r.currency = db_val(res, i, "currency");
		r.rate = db_val(res, i, "rate");
		r.source = db_val(res, i, "source");
		r.updated_at = db_val(res, i, "updated_at");
		if (db_val_int64(res, i, "age", &r.age) == -1)
			r.age = 0;
		fn(&r, arg);
	}
	PQclear(res);
	return 0;
}

int
rates_history(struct db *db, const char *crypto, const char *currency,
    int limit, void (*fn)(const struct rates_quote *, void *), void *arg)
{
	static const char sql[] =
	    "SELECT crypto, currency, source, rate::text AS rate, "
	    "cc_ts(fetched_at) AS fetched_at, accepted, reason "
	    "FROM rate_history WHERE ($1::text IS NULL OR crypto = $1) "
	    "AND ($2::text IS NULL OR currency = $2) "
	    "ORDER BY seq DESC LIMIT $3::int";
	struct db_params p;
	PGresult *res;
	int i;

	db_params_init(&p);
	db_param(&p, crypto);
	db_param(&p, currency);
	db_param_int(&p, limit);
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		struct rates_quote q;
		const char *acc = db_val(res, i, "accepted");

		q.crypto = db_val(res, i, "crypto");
		q.currency = db_val(res, i, "currency");
		q.source = db_val(res, i, "source");
		q.rate = db_val(res, i, "rate");
		q.fetched_at = db_val(res, i, "fetched_at");
		q.accepted = acc != NULL && acc[0] == 't';
		q.reason = db_val(res, i, "reason");
		fn(&q, arg);
	}
	PQclear(res);
	return 0;
}

int
rates_current(struct db *db, const char *crypto, const char *currency,
    char *rate, size_t ratelen, char *source, size_t sourcelen, int64_t *age)
{
	static const char sql[] =
	    "SELECT rate::text AS rate, source, floor(extract(epoch FROM "
	    "now() - updated_at))::bigint AS age FROM rates "
	    "WHERE crypto = $1 AND currency = $2";
	struct db_params p;
	PGresult *res;
	int rc = 0;

	db_params_init(&p);
	db_param(&p, crypto);
	db_param(&p, currency);
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		cc_strlcpy(rate, db_val(res, 0, "rate"), ratelen);
		cc_strlcpy(source, db_val(res, 0, "source"), sourcelen);
		if (db_val_int64(res, 0, "age", age) == -1)
			*age = INT64_MAX;
		rc = 1;
	}
	PQclear(res);
	return rc;
}

int
rates_record(struct db *db, const char *crypto, const char *currency,
    const struct rates_fetched *q, size_t n, int store)
{
	/* stored: this quote became the pair's rate (lib/valuation.c). */
	static const char hist_sql[] =
	    "INSERT INTO rate_history (crypto, currency, source, rate, "
	    "fetched_at, accepted, reason, stored) VALUES ($1, $2, $3, "
	    "$4::numeric, " TS_FROM_US(5) ", $6::boolean, $7, $8::boolean)";
	/* A manual rate is the admin's: the feeds never replace it. */
	static const char rate_sql[] =
	    "INSERT INTO rates (crypto, currency, rate, source, updated_at) "
	    "VALUES ($1, $2, $3::numeric, $4, " TS_FROM_US(5) ") "
	    "ON CONFLICT (crypto, currency) DO UPDATE SET rate = "
	    "EXCLUDED.rate, source = EXCLUDED.source, updated_at = "
	    "EXCLUDED.updated_at WHERE rates.source <> 'manual' RETURNING 1";
	struct db_params p;
	PGresult *res;
	bool stored = false;
	size_t i;
	int rc;

	if (db_begin(db) == -1)
		return -1;
	if (store >= 0) {
		db_params_init(&p);
		db_param(&p, crypto);
		db_param(&p, currency);
		db_param(&p, q[store].rate);
		db_param(&p, q[store].source);
		db_param_int(&p, q[store].fetched_us);
		res = db_run(db, rate_sql, &p);
		db_params_release(&p);
		if (res == NULL)
			goto fail;
		stored = PQntuples(res) == 1;
		PQclear(res);
	}
	for (i = 0; i < n; i++) {
		db_params_init(&p);
		db_param(&p, crypto);
		db_param(&p, currency);
		db_param(&p, q[i].source);
		db_param(&p, q[i].rate);
		db_param_int(&p, q[i].fetched_us);
		db_param_bool(&p, q[i].accepted);
		db_param(&p, q[i].accepted ? NULL : q[i].reason);
		db_param_bool(&p, stored && (int)i == store);
		rc = db_run_command(db, hist_sql, &p);
		db_params_release(&p);
		if (rc == -1)
			goto fail;
	}
	return db_commit(db);
fail:
	db_rollback(db);
	return -1;
}

long
rates_prune(struct db *db, int days)
{
	/*
	 * A pair's newest manual row stays: it says whether a manual rate
	 * is in force, which values payments after their rate lock.
	 */
	static const char sql[] =
	    "WITH d AS (DELETE FROM rate_history h WHERE fetched_at < now() - "
	    "make_interval(days => $1::int) AND NOT (source = 'manual' AND "
	    "seq = (SELECT max(m.seq) FROM rate_history m WHERE m.crypto = "
	    "h.crypto AND m.currency = h.currency AND m.source = 'manual')) "
	    "RETURNING 1) SELECT count(*) AS n FROM d";
	struct db_params p;
	PGresult *res;
	int64_t n = -1;

	db_params_init(&p);
	db_param_int(&p, days);
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	if (db_val_int64(res, 0, "n", &n) == -1)
		n = -1;
	PQclear(res);
	return (long)n;
}
