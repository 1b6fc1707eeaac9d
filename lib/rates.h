/*
 * Exchange rates: the price of one whole crypto unit in a fiat currency,
 * from the rates table, filled by cc-rates from the feeds (source
 * 'coinbase', 'kraken' or 'coingecko') or by `cc-admin rate set` (source
 * 'manual'). A feed's rate serves new invoices while it is younger than
 * [rates] max_age; a manual one until it is changed or deleted (an
 * admin's deliberate choice, which cc-rates never overwrites). An asset
 * pegged to the currency (USDT to USD) is 1 (source 'peg') unless a
 * usable row says otherwise. rate_history keeps what cc-rates fetched.
 */
#ifndef CC_RATES_H
#define CC_RATES_H

#include "cc.h"
#include "money.h"

struct db;
struct cc_asset;

#define RATES_MAX_SCALE 18
#define RATES_MANUAL	"manual"
#define RATES_PEG	"peg"

/* A stored rate as listed; the strings live as long as the callback. */
struct rates_row {
	const char	*crypto;
	const char	*currency;
	const char	*rate;		/* exact decimal text */
	const char	*source;
	const char	*updated_at;	/* RFC 3339 UTC */
	int64_t		 age;		/* seconds since then */
};

/* A quote cc-rates fetched, as rate_history lists it. */
struct rates_quote {
	const char	*crypto;
	const char	*currency;
	const char	*source;
	const char	*rate;		/* NULL when none was usable */
	const char	*fetched_at;	/* RFC 3339 UTC */
	bool		 accepted;
	const char	*reason;	/* NULL when accepted */
};

enum rates_lookup {
	RATES_OK,		/* rate and source filled */
	RATES_NONE,		/* no rate for the pair */
	RATES_STALE,		/* only a feed's rate older than max_age */
	RATES_BAD,		/* the stored text is not a valid rate */
	RATES__MAX
};

/*
 * Resolves a pair's rate from its row (rate_text, source_text, both NULL
 * when no row exists; age in seconds since its updated_at) for a new
 * invoice: a manual row always, a feed's while age <= max_age, else the
 * peg (asset pegged to currency), else RATES_STALE (a row too old) or
 * RATES_NONE.
 */
enum rates_lookup rates_resolve(const struct cc_asset *, const char *currency,
	    const char *rate_text, const char *source_text, int64_t age,
	    int max_age, struct money_dec *rate, char *source,
	    size_t sourcelen);
/* Stores a manual rate (cc-admin rate set); 0 or -1 (logged). */
int	rates_set(struct db *, const char *crypto, const char *currency,
	    const char *rate);
/* Deletes a pair's rate: 0, 1 if there was none, -1 (logged). */
int	rates_delete(struct db *, const char *crypto, const char *currency);
/* Calls fn for each stored rate by crypto, then currency; 0 or -1. */
int	rates_list(struct db *,
	    void (*fn)(const struct rates_row *, void *), void *arg);
/*
 * Calls fn for the newest `limit` quotes of rate_history, newest first,
 * of one crypto and/or currency when not NULL; 0 or -1.
 */
int	rates_history(struct db *, const char *crypto, const char *currency,
	    int limit, void (*fn)(const struct rates_quote *, void *),
	    void *arg);

/*
 * A pair's stored row for cc-rates: 1 with rate (its exact text), source
 * and age in seconds, 0 if none, -1 (logged).
 */
int	rates_current(struct db *, const char *crypto, const char *currency,
	    char *rate, size_t ratelen, char *source, size_t sourcelen,
	    int64_t *age);

/* One quote to record: source, rate text or NULL, and its verdict. */
struct rates_fetched {
	const char	*source;
	const char	*rate;
	int64_t		 fetched_us;	/* its answer's time, epoch us */
	bool		 accepted;
	const char	*reason;
};

/*
 * Records a pair's quotes in rate_history and, when store >= 0, makes
 * q[store] the pair's rate (with its fetch time as updated_at) and marks
 * it stored there, all in one transaction. A manual rate set meanwhile
 * is left alone (and the quote not marked). 0 or -1.
 */
int	rates_record(struct db *, const char *crypto, const char *currency,
	    const struct rates_fetched *q, size_t n, int store);
/* Deletes history older than `days` days; the count, or -1. */
long	rates_prune(struct db *, int days);

#endif
