/* Rate resolution and storage. */
#include "cc.h"

#include "config.h"
#include "db.h"
#include "rates.h"
#include "util.h"

int
rates_resolve(const struct cc_asset *asset, const char *currency,
    const char *rate_text, const char *source_text, struct money_dec *rate,
    char *source, size_t sourcelen)
{
	if (rate_text != NULL) {
		if (money_parse_dec(rate_text, RATES_MAX_SCALE, rate) !=
		    MONEY_OK || rate->mant == 0)
			return -1;
		cc_strlcpy(source, source_text ? source_text : "manual",
		    sourcelen);
		return 0;
	}
	if (asset->peg[0] != '\0' && strcmp(asset->peg, currency) == 0) {
		rate->mant = 1;
		rate->scale = 0;
		cc_strlcpy(source, "peg", sourcelen);
		return 0;
	}
	return 1;
}

int
rates_set(struct db *db, const char *crypto, const char *currency,
    const char *rate, const char *source)
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
	db_param(&p, source);
	rc = db_run_command(db, sql, &p);
	db_params_release(&p);
	return rc;
}

int
rates_list(struct db *db, void (*fn)(const struct rates_row *, void *),
    void *arg)
{
	static const char sql[] =
	    "SELECT crypto, currency, rate::text AS rate, source, "
	    "cc_ts(updated_at) AS updated_at FROM rates "
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
		fn(&r, arg);
	}
	PQclear(res);
	return 0;
}
