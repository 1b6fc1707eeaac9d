/*
 * Exchange rates: the price of one whole crypto unit in a fiat currency,
 * from the rates table (filled by cc-rates or `cc-admin rate set`); an
 * asset pegged to the currency (USDT to USD) is 1 unless a row says
 * otherwise.
 */
#ifndef CC_RATES_H
#define CC_RATES_H

#include "cc.h"
#include "money.h"

struct db;
struct cc_asset;

#define RATES_MAX_SCALE 18

/* A stored rate as listed; the strings live as long as the callback. */
struct rates_row {
	const char	*crypto;
	const char	*currency;
	const char	*rate;		/* exact decimal text */
	const char	*source;
	const char	*updated_at;	/* RFC 3339 UTC */
};

/*
 * Resolves a rate from an optional table value (rate_text, source, both
 * NULL when no row exists). Returns 0 with rate and source filled, 1 if no
 * rate is known, -1 if the stored text is invalid.
 */
int	rates_resolve(const struct cc_asset *, const char *currency,
	    const char *rate_text, const char *source_text,
	    struct money_dec *rate, char *source, size_t sourcelen);
/* Stores a rate; 0 or -1 (the database error is logged). */
int	rates_set(struct db *, const char *crypto, const char *currency,
	    const char *rate, const char *source);
/* Calls fn for each stored rate by crypto, then currency; 0 or -1. */
int	rates_list(struct db *,
	    void (*fn)(const struct rates_row *, void *), void *arg);

#endif
