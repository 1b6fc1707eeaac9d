/*
 * The public exchange-rate APIs cc-rates reads, each in its real
 * response format: their names, default base URLs, the URL of a request
 * and the quote a response body gives. Pure: the fetching is httpget.c's,
 * the judging ratecheck.c's.
 *
 *   coinbase   GET {url}/v2/exchange-rates?currency=ETH
 *              {"data":{"currency":"ETH","rates":{"USD":"3012.34",...}}}
 *              rates are strings: the fiat price of one ETH.
 *   kraken     GET {url}/0/public/Ticker?pair=ETHUSD
 *              {"error":[],"result":{"XETHZUSD":{"a":[..],"b":[..],
 *              "c":["3012.10000","0.01"],...}}}
 *              c[0] is the last trade's price; a non-empty error array
 *              is a refusal. Kraken names bitcoin XBT.
 *   coingecko  GET {url}/api/v3/simple/price?ids=ethereum
 *                  &vs_currencies=usd,eur
 *              {"ethereum":{"usd":3012.34,"eur":2790.1}}
 *              JSON numbers: their exact text is kept (1.5e-05 too).
 */
#ifndef CC_RATEFEED_H
#define CC_RATEFEED_H

#include "cc.h"

enum ratefeed {
	RATEFEED_COINBASE,
	RATEFEED_KRAKEN,
	RATEFEED_COINGECKO,
	RATEFEED__MAX
};

/* A source's name in cc.conf, logs and rates.source; NULL if unknown. */
const char	*ratefeed_name(enum ratefeed);
/* 0 and *out, or -1 for a name that is not a source. */
int		 ratefeed_from_name(const char *, enum ratefeed *out);
/* The real public base URL ("https://api.coinbase.com"). */
const char	*ratefeed_default_url(enum ratefeed);
/* True if one request answers every currency of a crypto at once. */
bool		 ratefeed_all_currencies(enum ratefeed);

/* Bytes of a source's own name of an asset ("XBT", "ethereum"). */
#define RATEFEED_MAX_ID		48
/* Bytes of a source's reason for refusing a quote. */
#define RATEFEED_WHY		160

/*
 * A "SYMBOL:id SYMBOL:id" map of cc.conf ([rates] coingecko_ids,
 * kraken_assets): 0 if every entry is an upper-case symbol, ':' and an
 * id of letters, digits, '-', '_' or '.' (at most RATEFEED_MAX_ID - 1
 * bytes), else -1 with the bad entry named in err.
 */
int	 ratefeed_map_check(const char *map, char *err, size_t errlen);
/*
 * The source's name of the crypto `symbol`: the map's entry, else the
 * built-in one (coingecko: ETH ethereum, BTC bitcoin, ...; kraken: BTC
 * XBT, DOGE XDG; coinbase and kraken otherwise the symbol itself).
 * 0, or -1 when the source has no name for it (coingecko without an id).
 */
int	 ratefeed_asset_id(enum ratefeed, const char *map,
	    const char *symbol, char *out, size_t outlen);

/*
 * The request URL: base (no trailing slash needed), the source's id of
 * the crypto, and the currencies: one code for kraken, a space-separated
 * list for coingecko, ignored by coinbase. 0 or -1 (too long).
 */
int	 ratefeed_url(enum ratefeed, const char *base, const char *id,
	    const char *currencies, char *out, size_t outlen);

/*
 * The quote for `currency` (upper-case ISO code) in a 2xx response body:
 * 0 with the source's text of the rate in rate (not yet judged: that is
 * ratecheck_quote's), or -1 with the reason in why (not JSON, the field
 * missing or of another type, a Kraken error, a body about another
 * crypto). id is the one the request named.
 */
int	 ratefeed_parse(enum ratefeed, const char *body, size_t len,
	    const char *id, const char *currency, char *rate, size_t ratelen,
	    char *why, size_t whylen);

#endif
