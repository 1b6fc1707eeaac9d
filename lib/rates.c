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
	const char *p[4] = { crypto, currency, rate, source };

	return db_command(db, sql, 4, p);
}
