/*
 * Exact money arithmetic without floating point: parsing and formatting of
 * decimal amounts, fiat in int64_t minor units at the ISO 4217 exponent,
 * crypto in unsigned __int128 base units (wei, sun, satoshi), and the
 * conversions between them at a decimal exchange rate.
 *
 * Scales (a fiat exponent, a token's decimals, a rate's scale) must lie in
 * 0..MONEY_MAX_SCALE; 10^38 is the largest power of ten that fits in an
 * unsigned __int128.
 */
#ifndef CC_MONEY_H
#define CC_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MONEY_MAX_SCALE		38
/* Digits of the largest stored base-unit amount, a NUMERIC(78, 0). */
#define MONEY_MAX_UNITS_DIGITS	78
/* A buffer this size holds any text the formatters below write. */
#define MONEY_TEXT_MAX		80

enum money_err {
	MONEY_OK = 0,
	MONEY_ESYNTAX,		/* not a plain decimal number */
	MONEY_ENEGATIVE,	/* a negative, non-zero amount */
	MONEY_ESCALE,		/* more decimals than allowed, bad scale */
	MONEY_ERANGE,		/* too many digits or result overflows */
	MONEY_EZERO,		/* exchange rate of zero */
	MONEY_ERR__MAX
};

/*
 * Human text for an error, e.g. "too many decimal places". Never NULL: an
 * out-of-range value gives "unknown error". The string is static.
 */
const char	*money_strerror(enum money_err);

/* A non-negative decimal: mant * 10^-scale. */
struct money_dec {
	unsigned __int128	 mant;
	int			 scale;
};

/*
 * ISO 4217 minor-unit exponent of a fiat currency code (exactly three upper
 * case letters, e.g. "USD" -> 2, "JPY" -> 0, "KWD" -> 3), or -1 if the code
 * is NULL, malformed or not in the table.
 */
int	 money_currency_exponent(const char *code);

/*
 * Parsing. The accepted text is the JSON number grammar without exponent:
 * an optional '-', then "0" or digits without a leading zero, then
 * optionally '.' and at least one digit. Nothing else, not even spaces.
 * Errors, checked in this order:
 *   MONEY_ESYNTAX	NULL, empty, '+', leading zeros ("01"), ".5", "5.",
 *			"1e2", spaces or any other character;
 *   MONEY_ERANGE	more than CC_MAX_DECIMAL_DIGITS digits in total
 *			(integer and fraction, trailing zeros included);
 *   MONEY_ENEGATIVE	a '-' on a non-zero value ("-0" and "-0.00" are 0);
 *   MONEY_ESCALE	more significant decimals than allowed (trailing
 *			zeros of the fraction do not count), or an
 *			exponent/decimals outside 0..MONEY_MAX_SCALE;
 *   MONEY_ERANGE	the result does not fit the output type.
 * On error *out is left untouched.
 */

/*
 * To int64_t minor units at `exponent`: "9.99",2 -> 999; "9.990",2 -> 999;
 * "9.991",2 -> MONEY_ESCALE; over INT64_MAX minor units -> MONEY_ERANGE.
 */
enum money_err	 money_parse_minor(const char *text, int exponent,
		    int64_t *out);
/*
 * To a decimal keeping its own scale, trailing fractional zeros stripped:
 * "1.2500" -> mant 125 scale 2; "100" -> mant 100 scale 0; "0.0" -> mant 0
 * scale 0. A remaining scale above max_scale -> MONEY_ESCALE.
 */
enum money_err	 money_parse_dec(const char *text, int max_scale,
		    struct money_dec *out);
/*
 * To unsigned __int128 base units at `decimals` ("16.49",6 -> 16490000),
 * same rules as money_parse_minor; over 2^128-1 -> MONEY_ERANGE.
 */
enum money_err	 money_parse_units(const char *text, int decimals,
		    unsigned __int128 *out);

/*
 * Formatting. Each writes a NUL-terminated string and returns 0, or returns
 * -1 if out is too small or a scale is outside 0..MONEY_MAX_SCALE; on -1 out
 * holds "" when outlen > 0. 64 bytes is always enough, except for
 * money_format_units_text (MONEY_TEXT_MAX is, for all of them).
 *
 * Every amount the API, events, webhooks and the payment page show is
 * written by these functions, and they all place the decimal point by
 * moving digits (one static function in money.c): no division, no
 * floating point, nothing rounded. Never format an amount in SQL
 * (PostgreSQL's numeric division keeps about 16 significant digits).
 */

/*
 * Minor units with exactly `exponent` decimals: 999,2 -> "9.99"; 5,2 ->
 * "0.05"; 1000,0 -> "1000"; -5,2 -> "-0.05".
 */
int	 money_format_minor(int64_t minor, int exponent, char *out,
	    size_t outlen);
/*
 * Base units at `decimals`, trailing fractional zeros trimmed, and the '.'
 * if nothing remains: 16490000,6 -> "16.49"; 1,18 ->
 * "0.000000000000000001"; 5000000,6 -> "5"; 0,6 -> "0".
 */
int	 money_format_units(unsigned __int128 units, int decimals, char *out,
	    size_t outlen);
/*
 * The same for base units given as integer text, as PostgreSQL writes a
 * NUMERIC(78, 0): "3333192831571965436",18 -> "3.333192831571965436".
 * units must be 1 to MONEY_MAX_UNITS_DIGITS digits without a leading zero
 * ("0" itself is fine), else -1: no sign, space or point.
 */
int	 money_format_units_text(const char *units, int decimals, char *out,
	    size_t outlen);
/*
 * Plain integer text of a u128, e.g. for NUMERIC columns (up to 39 digits,
 * so 40 bytes suffice).
 */
int	 money_u128_to_str(unsigned __int128 v, char *out, size_t outlen);
/*
 * The inverse of money_u128_to_str: digits only, no sign, no leading zeros
 * except "0" itself. MONEY_ESYNTAX for anything else (NULL, empty, "+1",
 * "-1", "01", " 1"); MONEY_ERANGE above 2^128-1 (which is also every text
 * of more than 39 digits). On error *out is left untouched.
 */
enum money_err	 money_str_to_u128(const char *text, unsigned __int128 *out);
/*
 * A decimal at its own scale, trailing zeros kept: mant 125 scale 2 ->
 * "1.25"; mant 1250 scale 3 -> "1.250"; mant 7 scale 0 -> "7".
 */
int	 money_format_dec(const struct money_dec *, char *out, size_t outlen);
/*
 * A decimal without its trailing fractional zeros, as money_format_units
 * writes it: mant 1250 scale 3 -> "1.25"; mant 600 scale 2 -> "6".
 */
int	 money_format_dec_trim(const struct money_dec *, char *out,
	    size_t outlen);

/*
 * Brings the decimal of the smaller scale to the other's scale, so that
 * their mantissas compare, add and subtract: "6.49" and "1.2" -> mant 649
 * and 120, both scale 2. Both scales must lie in 0..MONEY_MAX_SCALE.
 * Returns 0, or -1 if the rescaled mantissa would exceed 2^128-1; a and b
 * are then untouched.
 */
int	 money_dec_align(struct money_dec *a, struct money_dec *b);
/*
 * True if text is a decimal money_parse_dec accepts at any scale up to
 * MONEY_MAX_SCALE and it is above zero; false for "0", "0.00", NULL and
 * anything that does not parse.
 */
bool	 money_dec_positive(const char *text);

/*
 * Checked int64_t arithmetic: *out = a + b, *out = a * b. MONEY_ERANGE on
 * overflow, and *out is then untouched.
 */
enum money_err	 money_add(int64_t a, int64_t b, int64_t *out);
enum money_err	 money_mul(int64_t a, int64_t b, int64_t *out);

/*
 * Crypto base units for a fiat amount, rounded UP so that the customer never
 * pays less than the total. `rate` is the price of one whole crypto unit in
 * the fiat currency (ETH at 3000.50 USD: mant 300050 scale 2):
 *   units = ceil(minor * 10^decimals * 10^rate.scale /
 *       (rate.mant * 10^exponent))
 * computed exactly (512-bit intermediates). Errors: MONEY_ENEGATIVE if
 * minor < 0; MONEY_ESCALE if exponent, decimals or rate->scale is outside
 * 0..MONEY_MAX_SCALE; MONEY_EZERO if rate->mant is 0; MONEY_ERANGE if the
 * result exceeds 2^128-1. On error *out is left untouched.
 */
enum money_err	 money_fiat_to_crypto(int64_t minor, int exponent,
		    const struct money_dec *rate, int decimals,
		    unsigned __int128 *out);
/*
 * The reverse, rounded DOWN: the fiat minor units that `units` are worth
 *   floor(units * rate.mant * 10^exponent / (10^decimals * 10^rate.scale))
 * Errors: MONEY_ESCALE for a scale outside 0..MONEY_MAX_SCALE; MONEY_EZERO
 * if rate->mant is 0 (a zero rate is never valid); MONEY_ERANGE if the
 * result exceeds INT64_MAX. On error *out is left untouched.
 */
enum money_err	 money_crypto_to_fiat(unsigned __int128 units, int decimals,
		    const struct money_dec *rate, int exponent, int64_t *out);

#endif
