/*
 * Unit tests of lib/ratefeed.c: request URLs, the asset maps, and the
 * three APIs' response bodies in their documented formats (Coinbase
 * v2/exchange-rates, Kraken 0/public/Ticker, CoinGecko api/v3/simple/
 * price), with the ways they go wrong.
 */
#include "cc.h"

#include "cu_run.h"

#include "httpget.h"
#include "ratefeed.h"

/* GET https://api.coinbase.com/v2/exchange-rates?currency=ETH (cut). */
static const char coinbase_eth[] =
    "{\"data\":{\"currency\":\"ETH\",\"rates\":{\"AED\":\"11063.6955\","
    "\"BTC\":\"0.03107426\",\"EUR\":\"2790.115\",\"JPY\":\"451234.5\","
    "\"USD\":\"3012.34\",\"USDC\":\"3012.340000000000000000\","
    "\"XAU\":\"1.14\"}}}";

/* GET https://api.kraken.com/0/public/Ticker?pair=ETHUSD */
static const char kraken_eth[] =
    "{\"error\":[],\"result\":{\"XETHZUSD\":{"
    "\"a\":[\"3012.11000\",\"5\",\"5.000\"],"
    "\"b\":[\"3012.10000\",\"12\",\"12.000\"],"
    "\"c\":[\"3012.10000\",\"0.01000000\"],"
    "\"v\":[\"1234.56789012\",\"23456.78901234\"],"
    "\"p\":[\"3001.23456\",\"2999.87654\"],\"t\":[5432,98765],"
    "\"l\":[\"2950.00000\",\"2940.00000\"],"
    "\"h\":[\"3050.00000\",\"3060.00000\"],\"o\":\"2990.00000\"}}}";

/* GET https://api.kraken.com/0/public/Ticker?pair=XBTEUR */
static const char kraken_xbt[] =
    "{\"error\":[],\"result\":{\"XXBTZEUR\":{\"a\":[\"89500.1\",\"1\","
    "\"1.000\"],\"b\":[\"89500.0\",\"2\",\"2.000\"],\"c\":[\"89500.00000\","
    "\"0.00021000\"],\"o\":\"89000.0\"}}}";

/* GET .../simple/price?ids=ethereum,bitcoin&vs_currencies=usd,eur */
static const char gecko[] =
    "{\"ethereum\":{\"usd\":3012.34,\"eur\":2790.1},"
    "\"bitcoin\":{\"usd\":97234,\"eur\":89500.5},"
    "\"shiba-inu\":{\"usd\":1.234e-05,\"eur\":1.1E-5}}";

struct parse_row {
	enum ratefeed	 f;
	const char	*body;
	const char	*id;
	const char	*cur;
	int		 rc;
	const char	*want;	/* the rate's text, or part of why */
};

static const struct parse_row parse_rows[] = {
	{ RATEFEED_COINBASE, coinbase_eth, "ETH", "USD", 0, "3012.34" },
	{ RATEFEED_COINBASE, coinbase_eth, "ETH", "EUR", 0, "2790.115" },
	{ RATEFEED_COINBASE, coinbase_eth, "ETH", "JPY", 0, "451234.5" },
	{ RATEFEED_COINBASE, coinbase_eth, "ETH", "CHF", -1,
	    "data.rates.CHF is missing" },
	{ RATEFEED_COINBASE, coinbase_eth, "BTC", "USD", -1,
	    "data.currency is not BTC" },
	{ RATEFEED_COINBASE,
	    "{\"data\":{\"currency\":\"ETH\",\"rates\":{\"USD\":3012.34}}}",
	    "ETH", "USD", 0, "3012.34" },
	{ RATEFEED_COINBASE,
	    "{\"data\":{\"currency\":\"ETH\",\"rates\":{\"USD\":\"abc\"}}}",
	    "ETH", "USD", 0, "abc" },		/* ratecheck refuses it */
	{ RATEFEED_COINBASE,
	    "{\"data\":{\"currency\":\"ETH\",\"rates\":{\"USD\":null}}}",
	    "ETH", "USD", -1, "data.rates.USD is missing" },
	{ RATEFEED_COINBASE,
	    "{\"data\":{\"currency\":\"ETH\",\"rates\":{\"USD\":[\"1\"]}}}",
	    "ETH", "USD", -1, "neither a number nor a string" },
	{ RATEFEED_COINBASE, "{\"errors\":[{\"id\":\"not_found\","
	    "\"message\":\"Invalid currency\"}]}", "ETH", "USD", -1,
	    "no data.rates object" },
	{ RATEFEED_COINBASE, "<html><body><h1>502 Bad Gateway</h1></body>"
	    "</html>", "ETH", "USD", -1, "not JSON" },
	{ RATEFEED_COINBASE, "{\"data\":{\"currency\":\"ETH\",\"rates\":{"
	    "\"USD\":\"3012.34\"", "ETH", "USD", -1, "not JSON" },
	{ RATEFEED_COINBASE, "[]", "ETH", "USD", -1, "not a JSON object" },
	{ RATEFEED_COINBASE, "", "ETH", "USD", -1, "not JSON" },
	{ RATEFEED_KRAKEN, kraken_eth, "ETH", "USD", 0, "3012.10000" },
	{ RATEFEED_KRAKEN, kraken_xbt, "XBT", "EUR", 0, "89500.00000" },
	{ RATEFEED_KRAKEN, "{\"error\":[\"EQuery:Unknown asset pair\"]}",
	    "FOO", "USD", -1, "Kraken error: EQuery:Unknown asset pair" },
	{ RATEFEED_KRAKEN, "{\"error\":[\"EService:Unavailable\","
	    "\"EGeneral:Temporary lockout\"],\"result\":{}}", "ETH", "USD", -1,
	    "EService:Unavailable; EGeneral:Temporary lockout" },
	{ RATEFEED_KRAKEN, "{\"error\":[\"EGeneral:\\u0007bell \\u00e9\"]}",
	    "ETH", "USD", -1, "Kraken error: EGeneral:?bell ??" },
	{ RATEFEED_KRAKEN, "{\"result\":{\"XETHZUSD\":{\"c\":[\"1\",\"1\"]}}}",
	    "ETH", "USD", -1, "no error array" },
	{ RATEFEED_KRAKEN, "{\"error\":[],\"result\":{}}", "ETH", "USD", -1,
	    "exactly one pair" },
	{ RATEFEED_KRAKEN, "{\"error\":[],\"result\":{\"A\":{\"c\":[\"1\"]},"
	    "\"B\":{\"c\":[\"2\"]}}}", "ETH", "USD", -1, "exactly one pair" },
	{ RATEFEED_KRAKEN, "{\"error\":[],\"result\":{\"XETHZUSD\":{\"a\":"
	    "[\"1\"]}}}", "ETH", "USD", -1, "no c (last trade)" },
	{ RATEFEED_KRAKEN, "{\"error\":[],\"result\":{\"XETHZUSD\":{\"c\":"
	    "[]}}}", "ETH", "USD", -1, "no c (last trade)" },
	{ RATEFEED_COINGECKO, gecko, "ethereum", "USD", 0, "3012.34" },
	{ RATEFEED_COINGECKO, gecko, "ethereum", "EUR", 0, "2790.1" },
	{ RATEFEED_COINGECKO, gecko, "bitcoin", "USD", 0, "97234" },
	{ RATEFEED_COINGECKO, gecko, "shiba-inu", "USD", 0, "1.234e-05" },
	{ RATEFEED_COINGECKO, gecko, "shiba-inu", "EUR", 0, "1.1E-5" },
	{ RATEFEED_COINGECKO, gecko, "tron", "USD", -1, "no tron object" },
	{ RATEFEED_COINGECKO, gecko, "ethereum", "JPY", -1,
	    "ethereum.jpy is missing" },
	{ RATEFEED_COINGECKO, "{}", "ethereum", "USD", -1,
	    "no ethereum object" },
	/* Its rate-limit answer (HTTP 429, but a body too). */
	{ RATEFEED_COINGECKO, "{\"status\":{\"error_code\":429,"
	    "\"error_message\":\"You've exceeded the Rate Limit.\"}}",
	    "ethereum", "USD", -1, "no ethereum object" },
	{ RATEFEED_COINGECKO, "{\"ethereum\":{\"usd\":\"3012.34\"}}",
	    "ethereum", "USD", 0, "3012.34" },
	{ RATEFEED_COINGECKO, "{\"ethereum\":{\"usd\":true}}", "ethereum",
	    "USD", -1, "neither a number nor a string" },
	{ RATEFEED_COINGECKO, "{\"ethereum\":{\"usd\":-3012.34}}", "ethereum",
	    "USD", 0, "-3012.34" },		/* ratecheck refuses it */
	{ RATEFEED_COINGECKO, "{\"ethereum\":{\"usd\":NaN}}", "ethereum",
	    "USD", -1, "not JSON" },
};

static void
test_parse(void)
{
	char rate[80], why[RATEFEED_WHY];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(parse_rows); i++) {
		const struct parse_row *r = &parse_rows[i];
		int rc;

		why[0] = '\0';
		rc = ratefeed_parse(r->f, r->body, strlen(r->body), r->id,
		    r->cur, rate, sizeof(rate), why, sizeof(why));
		check_int("ratefeed_parse", cu_row(i), rc, r->rc);
		if (r->rc == 0 && rc == 0)
			check_str("rate", cu_row(i), rate, r->want);
		else if (rc == -1)
			check_has("why", cu_row(i), why, r->want);
	}
}

/* A body of a megabyte of padding parses like any other. */
static void
test_parse_large(void)
{
	size_t n = 1024 * 1024, len;
	char *big = malloc(n + 64), rate[80], why[RATEFEED_WHY];

	memcpy(big, "{\"ethereum\":{\"usd\":3012.34},\"pad\":\"", 35);
	memset(big + 35, 'x', n);
	memcpy(big + 35 + n, "\"}", 3);
	len = strlen(big);
	EXPECT(ratefeed_parse(RATEFEED_COINGECKO, big, len, "ethereum", "USD",
	    rate, sizeof(rate), why, sizeof(why)) == 0, "%s", why);
	check_str("rate", "large", rate, "3012.34");
	free(big);
}

struct url_row {
	enum ratefeed	 f;
	const char	*base, *id, *curs, *want;
};

static const struct url_row url_rows[] = {
	{ RATEFEED_COINBASE, "https://api.coinbase.com", "ETH", "USD EUR",
	    "https://api.coinbase.com/v2/exchange-rates?currency=ETH" },
	{ RATEFEED_COINBASE, "http://127.0.0.1:18490/cb/", "BTC", "USD",
	    "http://127.0.0.1:18490/cb/v2/exchange-rates?currency=BTC" },
	{ RATEFEED_KRAKEN, "https://api.kraken.com", "XBT", "EUR",
	    "https://api.kraken.com/0/public/Ticker?pair=XBTEUR" },
	{ RATEFEED_KRAKEN, "https://api.kraken.com//", "ETH", "USD",
	    "https://api.kraken.com/0/public/Ticker?pair=ETHUSD" },
	{ RATEFEED_COINGECKO, "https://api.coingecko.com", "ethereum",
	    "USD EUR", "https://api.coingecko.com/api/v3/simple/price?"
	    "ids=ethereum&vs_currencies=usd,eur" },
	{ RATEFEED_COINGECKO, "https://api.coingecko.com", "usd-coin", "JPY",
	    "https://api.coingecko.com/api/v3/simple/price?"
	    "ids=usd-coin&vs_currencies=jpy" },
};

static void
test_url(void)
{
	char url[256];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(url_rows); i++) {
		const struct url_row *r = &url_rows[i];

		EXPECT(ratefeed_url(r->f, r->base, r->id, r->curs, url,
		    sizeof(url)) == 0, "%s", r->want);
		check_str("ratefeed_url", cu_row(i), url, r->want);
	}
	EXPECT(ratefeed_url(RATEFEED_COINBASE, "https://api.coinbase.com",
	    "ETH", "", url, 20) == -1, "short buffer");
	EXPECT(ratefeed_url(RATEFEED_COINGECKO, "https://x", "a&b", "USD",
	    url, sizeof(url)) == -1, "id with '&'");
}

struct id_row {
	enum ratefeed	 f;
	const char	*map, *sym, *want;	/* want NULL: -1 */
};

static const struct id_row id_rows[] = {
	{ RATEFEED_COINBASE, NULL, "ETH", "ETH" },
	{ RATEFEED_KRAKEN, "", "BTC", "XBT" },
	{ RATEFEED_KRAKEN, "", "ETH", "ETH" },
	{ RATEFEED_KRAKEN, "ETH:XETH", "ETH", "XETH" },
	{ RATEFEED_COINGECKO, "", "ETH", "ethereum" },
	{ RATEFEED_COINGECKO, "", "TRX", "tron" },
	{ RATEFEED_COINGECKO, "", "FOO", NULL },
	{ RATEFEED_COINGECKO, "FOO:foo-coin ETH:weth", "ETH", "weth" },
	{ RATEFEED_COINGECKO, "FOO:foo-coin, BAR:bar", "BAR", "bar" },
};

static void
test_asset_id(void)
{
	char id[RATEFEED_MAX_ID];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(id_rows); i++) {
		const struct id_row *r = &id_rows[i];
		int rc = ratefeed_asset_id(r->f, r->map, r->sym, id,
		    sizeof(id));

		check_int("ratefeed_asset_id", cu_row(i), rc,
		    r->want != NULL ? 0 : -1);
		if (r->want != NULL && rc == 0)
			check_str("id", cu_row(i), id, r->want);
	}
}

static void
test_map_check(void)
{
	static const char *const good[] = { "", "ETH:ethereum",
	    "ETH:ethereum BTC:bitcoin", "USDC:usd-coin,DAI:dai", "X1:a.b_c" };
	static const char *const bad[] = { "ETH", "ETH:", ":ethereum",
	    "eth:ethereum", "ETH:ether&um", "ETH:a:b" };
	char err[192];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(good); i++)
		EXPECT(ratefeed_map_check(good[i], err, sizeof(err)) == 0,
		    "%s: %s", good[i], err);
	for (i = 0; i < CC_ARRAY_SIZE(bad); i++)
		EXPECT(ratefeed_map_check(bad[i], err, sizeof(err)) == -1,
		    "%s accepted", bad[i]);
}

static void
test_names(void)
{
	enum ratefeed f;
	int i;

	for (i = 0; i < RATEFEED__MAX; i++) {
		EXPECT(ratefeed_from_name(ratefeed_name((enum ratefeed)i),
		    &f) == 0 && (int)f == i, "%d", i);
		EXPECT(strncmp(ratefeed_default_url((enum ratefeed)i),
		    "https://", 8) == 0, "%d", i);
	}
	EXPECT(ratefeed_from_name("coinbase_pro", &f) == -1, "unknown");
	EXPECT(ratefeed_name(RATEFEED__MAX) == NULL, "__MAX");
}

static void
test_quote_body(void)
{
	char out[128];
	static const char page[] = "<html>\r\n<head><title>502 Bad "
	    "Gateway</title></head>\n\t<body>\x01\xff</body></html>";

	httpget_quote(page, sizeof(page) - 1, 200, out, sizeof(out));
	check_str("httpget_quote", "page", out, "<html> <head><title>502 Bad "
	    "Gateway</title></head> <body>?" "?</body></html>");
	httpget_quote("abc", 3, 2, out, sizeof(out));
	check_str("httpget_quote", "cut", out, "ab...");
	httpget_quote("", 0, 10, out, sizeof(out));
	check_str("httpget_quote", "empty", out, "");
}

static const struct cu_test tests[] = {
	{ "ratefeed_parse", test_parse },
	{ "ratefeed_parse large", test_parse_large },
	{ "ratefeed_url", test_url },
	{ "ratefeed_asset_id", test_asset_id },
	{ "ratefeed_map_check", test_map_check },
	{ "ratefeed names", test_names },
	{ "httpget_quote", test_quote_body },
};

int
main(void)
{
	return cu_run("ratefeed", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
