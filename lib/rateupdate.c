/* One cc-rates run: fetch, judge, record. */
#include "cc.h"

#include <time.h>

#include "config.h"
#include "db.h"
#include "httpget.h"
#include "log.h"
#include "ratecheck.h"
#include "ratefeed.h"
#include "rates.h"
#include "rateupdate.h"
#include "util.h"

#define MAX_CRYPTOS	(CONFIG_MAX_NETWORKS * CONFIG_MAX_ASSETS)
#define MAX_PAIR_CURS	32	/* "USD EUR ..." in 128 bytes */
#define QUOTE_BODY	120	/* bytes of a refused body in a log line */
#define RATE_TEXT	(2 * CC_MAX_DECIMAL_DIGITS)	/* a plain rate */

/* One pair of the crypto being fetched. */
struct pair {
	char			 currency[4];
	bool			 skip;		/* a manual rate */
	struct ratecheck_last	 last;
	char			 last_src[32];
	int64_t			 last_age;
	struct ratecheck_quote	 q[RATEFEED__MAX];
	char			 text[RATEFEED__MAX][RATE_TEXT];
	int64_t			 fetched_us[RATEFEED__MAX];
};

struct run {
	struct db		*db;
	const struct cc_config	*cfg;
	bool			 dry_run;
	struct rateupdate_stats	*st;
	bool			 down[RATEFEED__MAX];	/* no answer */
	char			 down_why[RATEFEED__MAX][HTTPGET_ERR];
	struct buf		 body;
};

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Every symbol of an asset that is not pegged, once. */
static size_t
cryptos(const struct cc_config *cfg, const char **out)
{
	size_t i, j, k, n = 0;

	for (i = 0; i < cfg->nnetworks; i++)
		for (j = 0; j < cfg->networks[i].nassets; j++) {
			const struct cc_asset *a = &cfg->networks[i].assets[j];

			if (a->peg[0] != '\0')
				continue;
			for (k = 0; k < n; k++)
				if (strcmp(out[k], a->symbol) == 0)
					break;
			if (k == n && n < MAX_CRYPTOS)
				out[n++] = a->symbol;
		}
	return n;
}

static void
fail_quote(struct pair *p, size_t s, const char *why)
{
	p->q[s].ok = false;
	cc_strlcpy(p->q[s].why, why, sizeof(p->q[s].why));
}

/* Judges one source's text for a pair. */
static void
take_quote(struct pair *p, size_t s, const char *text)
{
	enum ratecheck_err e;
	char why[RATECHECK_WHY];

	e = ratecheck_quote(text, &p->q[s].rate, p->text[s],
	    sizeof(p->text[s]));
	if (e != RATECHECK_OK) {
		char shown[40];

		httpget_quote(text, strlen(text), 24, shown, sizeof(shown));
		snprintf(why, sizeof(why), "rate \"%s\": %s", shown,
		    ratecheck_strerror(e));
		fail_quote(p, s, why);
		return;
	}
	p->q[s].ok = true;
}

/*
 * GETs url for source f: 0 with the body in r->body, or -1 with why
 * (and the source marked down when it did not answer at all).
 */
static int
fetch(struct run *r, enum ratefeed f, const char *url, char *why,
    size_t whylen)
{
	char err[HTTPGET_ERR], shown[QUOTE_BODY + 8];
	enum httpget_result hr;
	long status;

	if (r->down[f]) {
		snprintf(why, whylen, "not asked: no answer earlier in this "
		    "run (%s)", r->down_why[f]);
		return -1;
	}
	hr = httpget(url, r->cfg->rates_timeout,
	    (size_t)r->cfg->rates_max_body, &r->body, &status, err,
	    sizeof(err));
	if (hr == HTTPGET_TRANSPORT) {
		r->down[f] = true;
		cc_strlcpy(r->down_why[f], err, sizeof(r->down_why[f]));
		cc_strlcpy(why, err, whylen);
		return -1;
	}
	if (hr != HTTPGET_OK) {
		cc_strlcpy(why, err, whylen);
		return -1;
	}
	if (status < 200 || status > 299) {
		httpget_quote(r->body.data != NULL ? r->body.data : "",
		    r->body.len, QUOTE_BODY, shown, sizeof(shown));
		snprintf(why, whylen, "HTTP %ld%s%s", status,
		    shown[0] != '\0' ? ": " : "", shown);
		return -1;
	}
	return 0;
}

/* One source's quotes for every pair of a crypto. */
static void
ask(struct run *r, enum ratefeed f, size_t s, const char *crypto,
    struct pair *pairs, size_t np)
{
	const struct cc_config *cfg = r->cfg;
	const char *map = f == RATEFEED_COINGECKO ? cfg->rates_coingecko_ids :
	    f == RATEFEED_KRAKEN ? cfg->rates_kraken_assets : NULL;
	char id[RATEFEED_MAX_ID], url[512], why[RATECHECK_WHY];
	char text[RATECHECK_MAX_TEXT + 1], curs[128];
	size_t i;
	int64_t t;

	for (i = 0; i < np; i++) {
		pairs[i].q[s].source = ratefeed_name(f);
		pairs[i].q[s].ok = false;
		pairs[i].fetched_us[s] = now_us();
	}
	if (ratefeed_asset_id(f, map, crypto, id, sizeof(id)) == -1) {
		snprintf(why, sizeof(why), "no %s id for %s (set [rates] "
		    "coingecko_ids)", ratefeed_name(f), crypto);
		for (i = 0; i < np; i++)
			fail_quote(&pairs[i], s, why);
		return;
	}
	if (ratefeed_all_currencies(f)) {
		size_t n = 0;

		for (i = 0; i < np; i++)
			if (!pairs[i].skip && n + 5 < sizeof(curs)) {
				if (n > 0)
					curs[n++] = ' ';
				memcpy(curs + n, pairs[i].currency, 3);
				n += 3;
			}
		curs[n] = '\0';
		if (ratefeed_url(f, cfg->rates_url[f], id, curs, url,
		    sizeof(url)) == -1) {
			for (i = 0; i < np; i++)
				fail_quote(&pairs[i], s, "URL too long");
			return;
		}
		if (fetch(r, f, url, why, sizeof(why)) == -1) {
			for (i = 0; i < np; i++)
				fail_quote(&pairs[i], s, why);
			return;
		}
		t = now_us();
		for (i = 0; i < np; i++) {
			if (pairs[i].skip)
				continue;
			pairs[i].fetched_us[s] = t;
			if (ratefeed_parse(f, r->body.data, r->body.len, id,
			    pairs[i].currency, text, sizeof(text), why,
			    sizeof(why)) == -1)
				fail_quote(&pairs[i], s, why);
			else
				take_quote(&pairs[i], s, text);
		}
		return;
	}
	for (i = 0; i < np; i++) {
		if (pairs[i].skip)
			continue;
		if (ratefeed_url(f, cfg->rates_url[f], id, pairs[i].currency,
		    url, sizeof(url)) == -1) {
			fail_quote(&pairs[i], s, "URL too long");
			continue;
		}
		if (fetch(r, f, url, why, sizeof(why)) == -1) {
			fail_quote(&pairs[i], s, why);
			continue;
		}
		pairs[i].fetched_us[s] = now_us();
		if (ratefeed_parse(f, r->body.data, r->body.len, id,
		    pairs[i].currency, text, sizeof(text), why,
		    sizeof(why)) == -1)
			fail_quote(&pairs[i], s, why);
		else
			take_quote(&pairs[i], s, text);
	}
}

/* The pair's stored row: 0, or -1 when the database failed. */
static int
load_last(struct run *r, const char *crypto, struct pair *p)
{
	char rate[64];
	int k;

	memset(&p->last, 0, sizeof(p->last));
	p->skip = false;
	p->last_src[0] = '\0';
	p->last_age = 0;
	k = rates_current(r->db, crypto, p->currency, rate, sizeof(rate),
	    p->last_src, sizeof(p->last_src), &p->last_age);
	if (k == -1)
		return -1;
	if (k == 0)
		return 0;
	if (strcmp(p->last_src, RATES_MANUAL) == 0) {
		p->skip = true;
		return 0;
	}
	if (money_parse_dec(rate, RATES_MAX_SCALE, &p->last.rate) !=
	    MONEY_OK || p->last.rate.mant == 0)
		return 0;	/* nothing to compare with */
	p->last.have = true;
	p->last.fresh = p->last_age <= r->cfg->rates_max_age;
	p->last.source = p->last_src;
	return 0;
}

/* Judges, logs and records one pair: 0, or -1 for a database failure. */
static int
settle(struct run *r, const char *crypto, struct pair *p, size_t n,
    const struct money_dec *dev)
{
	struct rates_fetched rows[RATEFEED__MAX];
	char why[2 * RATECHECK_WHY];
	size_t i;
	int pick;

	r->st->pairs++;
	pick = ratecheck_decide(p->q, n, &p->last, dev, why, sizeof(why));
	for (i = 0; i < n; i++) {
		rows[i].source = p->q[i].source;
		rows[i].rate = p->q[i].ok ? p->text[i] : NULL;
		rows[i].fetched_us = p->fetched_us[i];
		rows[i].accepted = p->q[i].accepted;
		rows[i].reason = p->q[i].why;
		if (!p->q[i].accepted) {
			r->st->refused++;
			log_warn("%s/%s %s: refused: %s", crypto, p->currency,
			    p->q[i].source, p->q[i].why);
		}
	}
	if (pick < 0) {
		r->st->kept++;
		if (p->last.have)
			log_warn("%s/%s: not updated (%s); the last rate, "
			    "from %s, is %lld s old", crypto, p->currency,
			    why, p->last_src, (long long)p->last_age);
		else
			log_warn("%s/%s: no rate (%s)", crypto, p->currency,
			    why);
		if (r->dry_run)
			printf("%s/%s\trefused\t%s\n", crypto, p->currency,
			    why);
	} else {
		r->st->stored++;
		log_info("%s/%s = %s (%s)", crypto, p->currency,
		    p->text[pick], p->q[pick].source);
		if (r->dry_run)
			printf("%s/%s\t%s\t%s\n", crypto, p->currency,
			    p->text[pick], p->q[pick].source);
	}
	if (r->dry_run)
		return 0;
	return rates_record(r->db, crypto, p->currency, rows, n, pick);
}

/* 1 taken (or released), 0 not, -1 the database failed. */
static int
lock(struct db *db, bool take)
{
	static const char lock_sql[] =
	    "SELECT pg_try_advisory_lock(hashtext('cc-rates')) AS ok";
	static const char unlock_sql[] =
	    "SELECT pg_advisory_unlock(hashtext('cc-rates')) AS ok";
	struct db_params p;
	PGresult *res;
	int ok;

	db_params_init(&p);
	res = db_run(db, take ? lock_sql : unlock_sql, &p);
	if (res == NULL)
		return -1;
	ok = PQntuples(res) == 1 && db_val(res, 0, "ok") != NULL &&
	    db_val(res, 0, "ok")[0] == 't';
	PQclear(res);
	return ok;
}

enum rateupdate_result
rateupdate_run(struct db *db, const struct cc_config *cfg, bool dry_run,
    struct rateupdate_stats *st)
{
	const char *list[MAX_CRYPTOS];
	struct pair pairs[MAX_PAIR_CURS];
	struct money_dec dev;
	struct run r;
	char curs[sizeof(cfg->rates_currencies)], *c, *save = NULL;
	size_t ncrypto, np = 0, i, j, s;
	enum rateupdate_result rc = RATEUPDATE_OK;

	memset(st, 0, sizeof(*st));
	memset(&r, 0, sizeof(r));
	r.db = db;
	r.cfg = cfg;
	r.dry_run = dry_run;
	r.st = st;
	if (ratecheck_parse_deviation(cfg->rates_max_deviation, &dev) == -1)
		return RATEUPDATE_DB;	/* config_load checked it */
	cc_strlcpy(curs, cfg->rates_currencies, sizeof(curs));
	for (c = strtok_r(curs, " ", &save); c != NULL && np < MAX_PAIR_CURS;
	    c = strtok_r(NULL, " ", &save)) {
		memset(&pairs[np], 0, sizeof(pairs[np]));
		cc_strlcpy(pairs[np].currency, c, sizeof(pairs[np].currency));
		np++;
	}
	ncrypto = cryptos(cfg, list);
	if (ncrypto == 0)
		return RATEUPDATE_OK;
	switch (lock(db, true)) {
	case -1:
		return RATEUPDATE_DB;
	case 0:
		log_info("another cc-rates is running: nothing to do");
		return RATEUPDATE_BUSY;
	}
	buf_init(&r.body, (size_t)cfg->rates_max_body);
	for (i = 0; i < ncrypto && rc != RATEUPDATE_DB; i++) {
		size_t todo = 0;

		for (j = 0; j < np; j++) {
			if (load_last(&r, list[i], &pairs[j]) == -1) {
				rc = RATEUPDATE_DB;
				break;
			}
			if (pairs[j].skip) {
				st->manual++;
				log_info("%s/%s: a manual rate is set; "
				    "cc-admin rate delete hands it to the "
				    "feeds", list[i], pairs[j].currency);
			} else
				todo++;
		}
		if (rc == RATEUPDATE_DB || todo == 0)
			continue;
		for (s = 0; s < cfg->nrates_sources; s++)
			ask(&r, cfg->rates_sources[s], s, list[i], pairs, np);
		for (j = 0; j < np; j++) {
			if (pairs[j].skip)
				continue;
			if (settle(&r, list[i], &pairs[j],
			    cfg->nrates_sources, &dev) == -1) {
				rc = RATEUPDATE_DB;
				break;
			}
		}
	}
	buf_release(&r.body);
	if (rc != RATEUPDATE_DB && !dry_run) {
		st->pruned = rates_prune(db, cfg->rates_keep_days);
		if (st->pruned == -1)
			rc = RATEUPDATE_DB;
	}
	if (rc != RATEUPDATE_DB && (st->refused > 0 || st->kept > 0))
		rc = RATEUPDATE_REFUSED;
	(void)lock(db, false);
	return rc;
}
