/* The exchange-rate APIs' request URLs and response formats. */
#include "cc.h"

#include <ctype.h>
#include <json-c/json.h>

#include "jsonx.h"
#include "ratecheck.h"
#include "ratefeed.h"
#include "util.h"

static const struct {
	const char	*name;
	const char	*url;
	bool		 all_currencies;
} feeds[RATEFEED__MAX] = {
	[RATEFEED_COINBASE] = { "coinbase", "https://api.coinbase.com", true },
	[RATEFEED_KRAKEN] = { "kraken", "https://api.kraken.com", false },
	[RATEFEED_COINGECKO] = { "coingecko", "https://api.coingecko.com",
	    true },
};

/* The built-in names of common assets where a source differs. */
static const struct {
	enum ratefeed	 feed;
	const char	*symbol;
	const char	*id;
} builtin[] = {
	{ RATEFEED_KRAKEN, "BTC", "XBT" },
	{ RATEFEED_KRAKEN, "DOGE", "XDG" },
	{ RATEFEED_COINGECKO, "BTC", "bitcoin" },
	{ RATEFEED_COINGECKO, "ETH", "ethereum" },
	{ RATEFEED_COINGECKO, "TRX", "tron" },
	{ RATEFEED_COINGECKO, "LTC", "litecoin" },
	{ RATEFEED_COINGECKO, "SOL", "solana" },
	{ RATEFEED_COINGECKO, "BNB", "binancecoin" },
	{ RATEFEED_COINGECKO, "DOGE", "dogecoin" },
	{ RATEFEED_COINGECKO, "USDT", "tether" },
	{ RATEFEED_COINGECKO, "USDC", "usd-coin" },
	{ RATEFEED_COINGECKO, "DAI", "dai" },
};

const char *
ratefeed_name(enum ratefeed f)
{
	return (unsigned)f < RATEFEED__MAX ? feeds[f].name : NULL;
}

int
ratefeed_from_name(const char *name, enum ratefeed *out)
{
	int i;

	for (i = 0; i < RATEFEED__MAX; i++)
		if (strcmp(name, feeds[i].name) == 0) {
			*out = (enum ratefeed)i;
			return 0;
		}
	return -1;
}

const char *
ratefeed_default_url(enum ratefeed f)
{
	return (unsigned)f < RATEFEED__MAX ? feeds[f].url : NULL;
}

bool
ratefeed_all_currencies(enum ratefeed f)
{
	return (unsigned)f < RATEFEED__MAX && feeds[f].all_currencies;
}

static bool
id_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/*
 * The next "SYMBOL:id" entry of a map from *pos: 1 with its parts, 0 at
 * the end, -1 for a malformed entry (its text in sym).
 */
static int
map_next(const char **pos, char *sym, size_t symlen, char *id, size_t idlen)
{
	const char *p = *pos, *start, *colon = NULL;
	size_t n, i;

	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	if (*p == '\0')
		return 0;
	start = p;
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != ',') {
		if (*p == ':' && colon == NULL)
			colon = p;
		p++;
	}
	*pos = p;
	n = (size_t)(p - start);
	if (colon == NULL || colon == start || colon + 1 == p ||
	    (size_t)(colon - start) >= symlen ||
	    (size_t)(p - colon - 1) >= idlen) {
		snprintf(sym, symlen, "%.*s", (int)(n < symlen - 1 ? n :
		    symlen - 1), start);
		return -1;
	}
	memcpy(sym, start, (size_t)(colon - start));
	sym[colon - start] = '\0';
	memcpy(id, colon + 1, (size_t)(p - colon - 1));
	id[p - colon - 1] = '\0';
	for (i = 0; sym[i] != '\0'; i++)
		if (!isupper((unsigned char)sym[i]) &&
		    !isdigit((unsigned char)sym[i]))
			goto bad;
	for (i = 0; id[i] != '\0'; i++)
		if (!id_char(id[i]))
			goto bad;
	return 1;
bad:
	snprintf(sym, symlen, "%.*s", (int)(n < symlen - 1 ? n : symlen - 1),
	    start);
	return -1;
}

int
ratefeed_map_check(const char *map, char *err, size_t errlen)
{
	char sym[RATEFEED_MAX_ID], id[RATEFEED_MAX_ID];
	const char *p = map;
	int k;

	while ((k = map_next(&p, sym, sizeof(sym), id, sizeof(id))) == 1)
		;
	if (k == -1) {
		snprintf(err, errlen, "'%s' is not SYMBOL:id (an upper-case "
		    "symbol, ':', letters, digits, '-', '_' or '.')", sym);
		return -1;
	}
	return 0;
}

int
ratefeed_asset_id(enum ratefeed f, const char *map, const char *symbol,
    char *out, size_t outlen)
{
	char sym[RATEFEED_MAX_ID], id[RATEFEED_MAX_ID];
	const char *p = map != NULL ? map : "";
	size_t i;

	while (map_next(&p, sym, sizeof(sym), id, sizeof(id)) == 1)
		if (strcmp(sym, symbol) == 0)
			return cc_strlcpy(out, id, outlen) < outlen ? 0 : -1;
	for (i = 0; i < CC_ARRAY_SIZE(builtin); i++)
		if (builtin[i].feed == f &&
		    strcmp(builtin[i].symbol, symbol) == 0)
			return cc_strlcpy(out, builtin[i].id, outlen) <
			    outlen ? 0 : -1;
	if (f == RATEFEED_COINGECKO)
		return -1;
	return cc_strlcpy(out, symbol, outlen) < outlen ? 0 : -1;
}

int
ratefeed_url(enum ratefeed f, const char *base, const char *id,
    const char *currencies, char *out, size_t outlen)
{
	char lower[256];
	size_t n = strlen(base), i, o = 0;
	const char *c;

	/* One slash between the base and the path. */
	while (n > 0 && base[n - 1] == '/')
		n--;
	switch (f) {
	case RATEFEED_COINBASE:
		return cc_snprintf(out, outlen, "%.*s/v2/exchange-rates?"
		    "currency=%s", (int)n, base, id) < 0 ? -1 : 0;
	case RATEFEED_KRAKEN:
		return cc_snprintf(out, outlen, "%.*s/0/public/Ticker?pair="
		    "%s%s", (int)n, base, id, currencies) < 0 ? -1 : 0;
	case RATEFEED_COINGECKO:
		/* "USD EUR" -> "usd,eur" */
		for (c = currencies; *c != '\0'; c++) {
			if (o + 2 >= sizeof(lower))
				return -1;
			if (*c == ' ') {
				if (o > 0 && lower[o - 1] != ',')
					lower[o++] = ',';
				continue;
			}
			lower[o++] = (char)tolower((unsigned char)*c);
		}
		while (o > 0 && lower[o - 1] == ',')
			o--;
		lower[o] = '\0';
		for (i = 0; id[i] != '\0'; i++)
			if (!id_char(id[i]))
				return -1;
		return cc_snprintf(out, outlen, "%.*s/api/v3/simple/price?"
		    "ids=%s&vs_currencies=%s", (int)n, base, id, lower) < 0 ?
		    -1 : 0;
	default:
		return -1;
	}
}

/* A number's exact text or a string's, else NULL. */
static const char *
value_text(json_object *v)
{
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return jsonx_number_text(v);
}

static int
take(json_object *v, const char *what, char *rate, size_t ratelen,
    char *why, size_t whylen)
{
	const char *t = v != NULL ? value_text(v) : NULL;

	if (t == NULL) {
		snprintf(why, whylen, "%s is %s", what, v == NULL ?
		    "missing" : "neither a number nor a string");
		return -1;
	}
	if (strlen(t) > RATECHECK_MAX_TEXT ||
	    !jsonx_utf8_clean(t, strlen(t), false)) {
		snprintf(why, whylen, "%s is not a number", what);
		return -1;
	}
	cc_strlcpy(rate, t, ratelen);
	return 0;
}

static json_object *
member(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (o == NULL || !json_object_is_type(o, json_type_object))
		return NULL;
	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static int
coinbase(json_object *root, const char *id, const char *cur, char *rate,
    size_t ratelen, char *why, size_t whylen)
{
	json_object *data = member(root, "data"), *c, *rates;
	char what[64];

	c = member(data, "currency");
	rates = member(data, "rates");
	if (rates == NULL || !json_object_is_type(rates, json_type_object)) {
		snprintf(why, whylen, "no data.rates object");
		return -1;
	}
	if (c == NULL || !json_object_is_type(c, json_type_string) ||
	    strcmp(json_object_get_string(c), id) != 0) {
		snprintf(why, whylen, "data.currency is not %s", id);
		return -1;
	}
	snprintf(what, sizeof(what), "data.rates.%s", cur);
	return take(member(rates, cur), what, rate, ratelen, why, whylen);
}

/*
 * Kraken's error array as one line ("EQuery:Unknown asset pair"), in
 * printable ASCII.
 */
static void
kraken_errors(json_object *err, char *why, size_t whylen)
{
	struct buf b;
	size_t i, n = json_object_array_length(err);

	buf_init(&b, 120);
	for (i = 0; i < n && i < 4; i++) {
		json_object *e = json_object_array_get_idx(err, i);
		const char *s = json_object_is_type(e, json_type_string) ?
		    json_object_get_string(e) : "(not a string)";

		if (buf_printf(&b, "%s%s", i ? "; " : "", s) == -1)
			break;
	}
	snprintf(why, whylen, "Kraken error: %s", b.data != NULL ? b.data :
	    "");
	buf_release(&b);
	/* Printable ASCII only: it is logged and stored as the reason. */
	for (i = 0; why[i] != '\0'; i++)
		if ((unsigned char)why[i] < 0x20 ||
		    (unsigned char)why[i] > 0x7e)
			why[i] = '?';
}

static int
kraken(json_object *root, char *rate, size_t ratelen, char *why,
    size_t whylen)
{
	json_object *err = member(root, "error"), *res = member(root,
	    "result"), *pair = NULL, *c;

	if (err == NULL || !json_object_is_type(err, json_type_array)) {
		snprintf(why, whylen, "no error array");
		return -1;
	}
	if (json_object_array_length(err) > 0) {
		kraken_errors(err, why, whylen);
		return -1;
	}
	if (res == NULL || !json_object_is_type(res, json_type_object) ||
	    json_object_object_length(res) != 1) {
		snprintf(why, whylen, "result does not hold exactly one pair");
		return -1;
	}
	{
		json_object_object_foreach(res, k, v) {
			(void)k;
			pair = v;
		}
	}
	c = member(pair, "c");
	if (c == NULL || !json_object_is_type(c, json_type_array) ||
	    json_object_array_length(c) < 1) {
		snprintf(why, whylen, "the pair has no c (last trade) array");
		return -1;
	}
	return take(json_object_array_get_idx(c, 0), "c[0]", rate, ratelen,
	    why, whylen);
}

static int
coingecko(json_object *root, const char *id, const char *cur, char *rate,
    size_t ratelen, char *why, size_t whylen)
{
	json_object *coin = member(root, id);
	char lower[8], what[RATEFEED_MAX_ID + 16];
	size_t i;

	if (coin == NULL || !json_object_is_type(coin, json_type_object)) {
		snprintf(why, whylen, "no %s object", id);
		return -1;
	}
	for (i = 0; cur[i] != '\0' && i + 1 < sizeof(lower); i++)
		lower[i] = (char)tolower((unsigned char)cur[i]);
	lower[i] = '\0';
	snprintf(what, sizeof(what), "%s.%s", id, lower);
	return take(member(coin, lower), what, rate, ratelen, why, whylen);
}

int
ratefeed_parse(enum ratefeed f, const char *body, size_t len, const char *id,
    const char *currency, char *rate, size_t ratelen, char *why,
    size_t whylen)
{
	json_object *root;
	char err[128];
	int rc = -1;

	rate[0] = '\0';
	root = jsonx_parse(body, len, err, sizeof(err));
	if (root == NULL) {
		snprintf(why, whylen, "not JSON (%s)", err);
		return -1;
	}
	if (!json_object_is_type(root, json_type_object)) {
		snprintf(why, whylen, "not a JSON object");
		goto out;
	}
	switch (f) {
	case RATEFEED_COINBASE:
		rc = coinbase(root, id, currency, rate, ratelen, why, whylen);
		break;
	case RATEFEED_KRAKEN:
		rc = kraken(root, rate, ratelen, why, whylen);
		break;
	case RATEFEED_COINGECKO:
		rc = coingecko(root, id, currency, rate, ratelen, why, whylen);
		break;
	default:
		snprintf(why, whylen, "unknown source");
		break;
	}
out:
	json_object_put(root);
	return rc;
}
