/*
 * Fuzz target: an exchange-rate API's answer as cc-rates reads it
 * (lib/ratefeed.c), then the quote's text as cc-rates judges it
 * (lib/ratecheck.c). The first byte picks the source (coinbase, kraken,
 * coingecko) and the currency; the rest is the response body.
 * Properties: a refusal says why; an accepted quote is a positive
 * decimal whose plain text parses back to it.
 */
#include "fuzz.h"

#include "money.h"
#include "ratecheck.h"
#include "ratefeed.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const cur[] = { "USD", "EUR", "JPY", "KWD" };
	char rate[128], why[RATEFEED_WHY], plain[2 * CC_MAX_DECIMAL_DIGITS + 8];
	char idbuf[RATEFEED_MAX_ID], *text;
	struct money_dec d, e;
	enum ratefeed feed;
	const char *id;

	if (size < 1)
		return 0;
	feed = (enum ratefeed)(data[0] % RATEFEED__MAX);
	if (ratefeed_asset_id(feed, NULL, "ETH", idbuf, sizeof(idbuf)) != 0)
		abort();
	id = idbuf;
	why[0] = '\0';
	if (ratefeed_parse(feed, (const char *)data + 1, size - 1, id,
	    cur[(data[0] / RATEFEED__MAX) % 4], rate, sizeof(rate), why,
	    sizeof(why)) != 0) {
		FUZZ_ASSERT(why[0] != '\0');
	} else if (ratecheck_quote(rate, &d, plain, sizeof(plain)) ==
	    RATECHECK_OK) {
		FUZZ_ASSERT(d.mant > 0);
		FUZZ_ASSERT(money_parse_dec(plain, MONEY_MAX_SCALE, &e) ==
		    MONEY_OK);
		FUZZ_ASSERT(money_dec_align(&d, &e) == 0 && d.mant == e.mant);
	}
	/* The body as a quote's text and as a [rates] map. */
	text = fuzz_str(data + 1, size - 1);
	(void)ratecheck_quote(text, &d, plain, sizeof(plain));
	(void)ratecheck_parse_deviation(text, &d);
	if (ratefeed_map_check(text, why, sizeof(why)) == 0)
		(void)ratefeed_asset_id(feed, text, "BTC", idbuf,
		    sizeof(idbuf));
	free(text);
	return 0;
}
