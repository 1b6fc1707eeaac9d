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

/*
 * Resolves a rate from an optional table value (rate_text, source, both
 * NULL when no row exists). Returns 0 with rate and source filled, 1 if no
 * rate is known, -1 if the stored text is invalid.
 */
int	rates_resolve(const struct cc_asset *, const char *currency,
	    const char *rate_text, const char *source_text,
	    struct money_dec *rate, char *source, size_t sourcelen);
/* Stores a rate; 0 or -1. */
int	rates_set(struct db *, const char *crypto, const char *currency,
	    const char *rate, const char *source);

#endif
