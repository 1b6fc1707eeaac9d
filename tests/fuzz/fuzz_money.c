/*
 * Fuzz target: the decimal text of amounts and rates (lib/money.c), as
 * request bodies, query strings, exchange-rate APIs and the database give
 * it. The first byte picks the scale (0..MONEY_MAX_SCALE + 2, so that bad
 * scales are tried too); the rest is the text. Properties: what parses
 * formats back to a text that parses to the same value, and a rate's
 * conversions never fail with anything but their documented errors.
 */
#include "fuzz.h"

#include "money.h"

/* Digits in a text: the parsers refuse more than CC_MAX_DECIMAL_DIGITS. */
static size_t
ndigits(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (*s >= '0' && *s <= '9')
			n++;
	return n;
}

static void
check_minor(const char *text, int exp)
{
	char out[MONEY_TEXT_MAX];
	int64_t v, w;

	if (money_parse_minor(text, exp, &v) != MONEY_OK)
		return;
	FUZZ_ASSERT(v >= 0);
	FUZZ_ASSERT(money_format_minor(v, exp, out, sizeof(out)) == 0);
	if (ndigits(out) > CC_MAX_DECIMAL_DIGITS)
		return;
	FUZZ_ASSERT(money_parse_minor(out, exp, &w) == MONEY_OK);
	FUZZ_ASSERT(v == w);
}

static void
check_units(const char *text, int dec)
{
	char out[MONEY_TEXT_MAX], digits[48], back[MONEY_TEXT_MAX];
	unsigned __int128 v, w;

	if (money_parse_units(text, dec, &v) != MONEY_OK)
		return;
	FUZZ_ASSERT(money_format_units(v, dec, out, sizeof(out)) == 0);
	if (ndigits(out) <= CC_MAX_DECIMAL_DIGITS) {
		FUZZ_ASSERT(money_parse_units(out, dec, &w) == MONEY_OK);
		FUZZ_ASSERT(v == w);
	}
	FUZZ_ASSERT(money_u128_to_str(v, digits, sizeof(digits)) == 0);
	FUZZ_ASSERT(money_str_to_u128(digits, &w) == MONEY_OK && v == w);
	FUZZ_ASSERT(money_format_units_text(digits, dec, back,
	    sizeof(back)) == 0);
	FUZZ_ASSERT(strcmp(out, back) == 0);
}

static void
check_dec(const char *text, int max_scale)
{
	struct money_dec d, e, one = { 1, 0 };
	char out[MONEY_TEXT_MAX];
	unsigned __int128 units;
	int64_t minor;
	enum money_err rc;

	if (money_parse_dec(text, max_scale, &d) != MONEY_OK)
		return;
	FUZZ_ASSERT(d.scale >= 0 && d.scale <= max_scale);
	FUZZ_ASSERT(money_format_dec(&d, out, sizeof(out)) == 0);
	FUZZ_ASSERT(money_parse_dec(out, MONEY_MAX_SCALE, &e) == MONEY_OK);
	FUZZ_ASSERT(d.mant == e.mant && d.scale == e.scale);
	FUZZ_ASSERT(money_format_dec_trim(&d, out, sizeof(out)) == 0);
	FUZZ_ASSERT(money_dec_positive(text) == (d.mant != 0));
	e = one;
	(void)money_dec_align(&d, &e);
	/* The text as an exchange rate, both ways. */
	if (money_parse_dec(text, max_scale, &d) != MONEY_OK)
		abort();
	rc = money_fiat_to_crypto(1649, 2, &d, 18, &units);
	FUZZ_ASSERT(rc == MONEY_OK || rc == MONEY_EZERO || rc == MONEY_ERANGE);
	rc = money_crypto_to_fiat((unsigned __int128)1 << 100, 18, &d, 2,
	    &minor);
	FUZZ_ASSERT(rc == MONEY_OK || rc == MONEY_EZERO || rc == MONEY_ERANGE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	int scale;

	if (size < 1)
		return 0;
	scale = data[0] % (MONEY_MAX_SCALE + 3);
	text = fuzz_str(data + 1, size - 1);
	check_minor(text, scale);
	check_units(text, scale);
	check_dec(text, scale);
	(void)money_currency_exponent(text);
	free(text);
	return 0;
}
