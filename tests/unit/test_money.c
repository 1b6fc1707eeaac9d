/*
 * Table-driven unit tests of lib/money.c. Expected values of nontrivial rows
 * were computed with bc(1); the expression is in the comment beside them
 * (c(a,b) is ceiling division: define c(a,b) { return ((a+b-1)/b); }).
 */
#include "cc.h"

#include <inttypes.h>

#include <CUnit/Basic.h>

#include "cu_run.h"

#include "money.h"

#define U128_MAX_STR	"340282366920938463463374607431768211455"
#define U128_OVER_STR	"340282366920938463463374607431768211456"
#define SENTINEL	0x5a5a5a5a

static void
test_strerror(void)
{
	static const struct {
		enum money_err	 e;
		const char	*want;
	} t[] = {
		{ MONEY_OK, "success" },
		{ MONEY_ESYNTAX, "not a plain decimal number" },
		{ MONEY_ENEGATIVE, "must not be negative" },
		{ MONEY_ESCALE, "too many decimal places" },
		{ MONEY_ERANGE, "number too large" },
		{ MONEY_EZERO, "rate must be greater than zero" },
		{ MONEY_ERR__MAX, "unknown error" },
		{ (enum money_err)1000, "unknown error" },
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++)
		EXPECT(strcmp(money_strerror(t[i].e), t[i].want) == 0,
		    "row %zu: got \"%s\", want \"%s\"", i,
		    money_strerror(t[i].e), t[i].want);
}

static void
test_currency_exponent(void)
{
	static const struct {
		const char	*code;
		int		 want;
	} t[] = {
		{ "USD", 2 }, { "EUR", 2 }, { "GBP", 2 }, { "JPY", 0 },
		{ "CHF", 2 }, { "CAD", 2 }, { "AUD", 2 }, { "NZD", 2 },
		{ "SEK", 2 }, { "NOK", 2 }, { "DKK", 2 }, { "PLN", 2 },
		{ "CZK", 2 }, { "HUF", 2 }, { "RON", 2 }, { "BGN", 2 },
		{ "TRY", 2 }, { "BRL", 2 }, { "MXN", 2 }, { "ARS", 2 },
		{ "CLP", 0 }, { "COP", 2 }, { "INR", 2 }, { "CNY", 2 },
		{ "HKD", 2 }, { "SGD", 2 }, { "KRW", 0 }, { "TWD", 2 },
		{ "THB", 2 }, { "MYR", 2 }, { "IDR", 2 }, { "PHP", 2 },
		{ "VND", 0 }, { "ZAR", 2 }, { "NGN", 2 }, { "KES", 2 },
		{ "EGP", 2 }, { "AED", 2 }, { "SAR", 2 }, { "QAR", 2 },
		{ "KWD", 3 }, { "BHD", 3 }, { "OMR", 3 }, { "JOD", 3 },
		{ "ILS", 2 }, { "UAH", 2 }, { "ISK", 0 },
		/* Not currencies, or not in canonical form. */
		{ "usd", -1 }, { "Usd", -1 }, { "US", -1 }, { "USDD", -1 },
		{ "", -1 }, { " USD", -1 }, { "USD ", -1 }, { "XXX", -1 },
		{ "U1D", -1 }, { NULL, -1 },
	};
	size_t i;
	int got;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		got = money_currency_exponent(t[i].code);
		EXPECT(got == t[i].want, "row %zu (%s): got %d, want %d", i,
		    t[i].code != NULL ? t[i].code : "NULL", got, t[i].want);
	}
}

static void
test_parse_minor(void)
{
	static const struct {
		const char	*text;
		int		 exponent;
		enum money_err	 err;
		int64_t		 want;
	} t[] = {
		{ "9.99", 2, MONEY_OK, 999 },
		{ "10", 2, MONEY_OK, 1000 },
		{ "10.00", 2, MONEY_OK, 1000 },
		{ "9.990", 2, MONEY_OK, 999 },
		{ "9.9900000", 2, MONEY_OK, 999 },
		{ "9.991", 2, MONEY_ESCALE, 0 },
		{ "0.001", 2, MONEY_ESCALE, 0 },
		{ "0.5", 2, MONEY_OK, 50 },
		{ "0.05", 2, MONEY_OK, 5 },
		{ "0", 2, MONEY_OK, 0 },
		{ "0.00", 2, MONEY_OK, 0 },
		{ "-0", 2, MONEY_OK, 0 },
		{ "-0.00", 2, MONEY_OK, 0 },
		{ "-0.000", 0, MONEY_OK, 0 },
		{ "-1", 2, MONEY_ENEGATIVE, 0 },
		{ "-0.01", 2, MONEY_ENEGATIVE, 0 },
		/* The sign is refused before the scale. */
		{ "-0.001", 2, MONEY_ENEGATIVE, 0 },
		{ "-1.234", 2, MONEY_ENEGATIVE, 0 },
		{ "-9223372036854775808", 0, MONEY_ENEGATIVE, 0 },
		/* Exponents 0 and 3. */
		{ "1000", 0, MONEY_OK, 1000 },
		{ "1.0", 0, MONEY_OK, 1 },
		{ "1.5", 0, MONEY_ESCALE, 0 },
		{ "1.234", 3, MONEY_OK, 1234 },
		{ "1.2345", 3, MONEY_ESCALE, 0 },
		{ "0.1", 3, MONEY_OK, 100 },
		/* Exponent bounds. */
		{ "1", -1, MONEY_ESCALE, 0 },
		{ "1", 39, MONEY_ESCALE, 0 },
		{ "1", 18, MONEY_OK, 1000000000000000000LL },
		{ "9.223372036854775807", 18, MONEY_OK, INT64_MAX },
		{ "9.223372036854775808", 18, MONEY_ERANGE, 0 },
		{ "10", 18, MONEY_ERANGE, 0 },
		{ "0", 38, MONEY_OK, 0 },
		{ "1", 38, MONEY_ERANGE, 0 },
		/* INT64_MAX boundary. */
		{ "9223372036854775807", 0, MONEY_OK, INT64_MAX },
		{ "9223372036854775808", 0, MONEY_ERANGE, 0 },
		{ "92233720368547758.07", 2, MONEY_OK, INT64_MAX },
		{ "92233720368547758.08", 2, MONEY_ERANGE, 0 },
		{ "92233720368547758.070", 2, MONEY_OK, INT64_MAX },
		{ "92233720368547759", 2, MONEY_ERANGE, 0 },
		/* 30 digits is the limit on the text, whatever the value. */
		{ "123456789012345678901234567890", 0, MONEY_ERANGE, 0 },
		{ "1.00000000000000000000000000000", 2, MONEY_OK, 100 },
		{ "1.000000000000000000000000000000", 2, MONEY_ERANGE, 0 },
		{ "0.0000000000000000000000000000001", 2, MONEY_ERANGE, 0 },
		{ "1234567890123456789012345678901", 0, MONEY_ERANGE, 0 },
		/* Syntax: syntax errors win over the digit limit. */
		{ "1e2", 2, MONEY_ESYNTAX, 0 },
		{ "1E2", 2, MONEY_ESYNTAX, 0 },
		{ "1E-2", 2, MONEY_ESYNTAX, 0 },
		{ "1.5e1", 2, MONEY_ESYNTAX, 0 },
		{ "", 2, MONEY_ESYNTAX, 0 },
		{ " ", 2, MONEY_ESYNTAX, 0 },
		{ " 1", 2, MONEY_ESYNTAX, 0 },
		{ "1 ", 2, MONEY_ESYNTAX, 0 },
		{ "1\n", 2, MONEY_ESYNTAX, 0 },
		{ ".", 2, MONEY_ESYNTAX, 0 },
		{ ".5", 2, MONEY_ESYNTAX, 0 },
		{ "5.", 2, MONEY_ESYNTAX, 0 },
		{ "-.5", 2, MONEY_ESYNTAX, 0 },
		{ "-", 2, MONEY_ESYNTAX, 0 },
		{ "--1", 2, MONEY_ESYNTAX, 0 },
		{ "+1", 2, MONEY_ESYNTAX, 0 },
		{ "01", 2, MONEY_ESYNTAX, 0 },
		{ "00", 2, MONEY_ESYNTAX, 0 },
		{ "00.5", 2, MONEY_ESYNTAX, 0 },
		{ "-01", 2, MONEY_ESYNTAX, 0 },
		{ "1.2.3", 2, MONEY_ESYNTAX, 0 },
		{ "1,00", 2, MONEY_ESYNTAX, 0 },
		{ "1.-5", 2, MONEY_ESYNTAX, 0 },
		{ "0x10", 2, MONEY_ESYNTAX, 0 },
		{ "NaN", 2, MONEY_ESYNTAX, 0 },
		{ "Infinity", 2, MONEY_ESYNTAX, 0 },
		{ "\"1\"", 2, MONEY_ESYNTAX, 0 },
		{ "1234567890123456789012345678901x", 0, MONEY_ESYNTAX, 0 },
		{ NULL, 2, MONEY_ESYNTAX, 0 },
	};
	enum money_err e;
	size_t i;
	int64_t out;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		out = SENTINEL;
		e = money_parse_minor(t[i].text, t[i].exponent, &out);
		EXPECT(e == t[i].err, "row %zu (\"%s\",%d): err %d, want %d",
		    i, t[i].text != NULL ? t[i].text : "NULL", t[i].exponent,
		    (int)e, (int)t[i].err);
		if (t[i].err == MONEY_OK)
			EXPECT(out == t[i].want, "row %zu: got %" PRId64
			    ", want %" PRId64, i, out, t[i].want);
		else
			EXPECT(out == SENTINEL, "row %zu: out changed", i);
	}
}

static void
test_parse_dec(void)
{
	static const struct {
		const char	*text;
		int		 max_scale;
		enum money_err	 err;
		const char	*mant;
		int		 scale;
	} t[] = {
		{ "1.2500", 18, MONEY_OK, "125", 2 },
		{ "1.25", 2, MONEY_OK, "125", 2 },
		{ "1.2500", 2, MONEY_OK, "125", 2 },
		{ "3000.50", 18, MONEY_OK, "30005", 1 },
		{ "3000.50", 1, MONEY_OK, "30005", 1 },
		{ "1.0001", 18, MONEY_OK, "10001", 4 },
		{ "100", 18, MONEY_OK, "100", 0 },
		{ "100.000", 0, MONEY_OK, "100", 0 },
		{ "0", 18, MONEY_OK, "0", 0 },
		{ "0.0", 18, MONEY_OK, "0", 0 },
		{ "-0.0", 18, MONEY_OK, "0", 0 },
		{ "0.000000000000000001", 18, MONEY_OK, "1", 18 },
		{ "0.000000000000000001000", 18, MONEY_OK, "1", 18 },
		{ "0.0000000000000000001", 18, MONEY_ESCALE, NULL, 0 },
		{ "3456.789012345678901234", 18, MONEY_OK,
		    "3456789012345678901234", 18 },
		{ "123456789012345678901234567890", 0, MONEY_OK,
		    "123456789012345678901234567890", 0 },
		{ "0.00000000000000000000000000001", 29, MONEY_OK, "1", 29 },
		{ "999999999999999.999999999999999", 15, MONEY_OK,
		    "999999999999999999999999999999", 15 },
		{ "1.5", 0, MONEY_ESCALE, NULL, 0 },
		{ "1", -1, MONEY_ESCALE, NULL, 0 },
		{ "1.05", 1, MONEY_ESCALE, NULL, 0 },
		{ "-2.5", 18, MONEY_ENEGATIVE, NULL, 0 },
		{ "1234567890123456789012345678901", 0, MONEY_ERANGE, NULL,
		    0 },
		{ "1e5", 18, MONEY_ESYNTAX, NULL, 0 },
		{ "1.", 18, MONEY_ESYNTAX, NULL, 0 },
		{ "", 18, MONEY_ESYNTAX, NULL, 0 },
		{ NULL, 18, MONEY_ESYNTAX, NULL, 0 },
	};
	struct money_dec out;
	enum money_err e;
	char a[48], b[48];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		out.mant = SENTINEL;
		out.scale = SENTINEL;
		e = money_parse_dec(t[i].text, t[i].max_scale, &out);
		EXPECT(e == t[i].err, "row %zu (\"%s\",%d): err %d, want %d",
		    i, t[i].text != NULL ? t[i].text : "NULL", t[i].max_scale,
		    (int)e, (int)t[i].err);
		if (t[i].err == MONEY_OK)
			EXPECT(out.mant == u128(t[i].mant) &&
			    out.scale == t[i].scale,
			    "row %zu: got %s e-%d, want %s e-%d", i,
			    u128s(out.mant, a, sizeof(a)), out.scale,
			    u128s(u128(t[i].mant), b, sizeof(b)), t[i].scale);
		else
			EXPECT(out.mant == SENTINEL && out.scale == SENTINEL,
			    "row %zu: out changed", i);
	}
}

static void
test_parse_units(void)
{
	static const struct {
		const char	*text;
		int		 decimals;
		enum money_err	 err;
		const char	*want;
	} t[] = {
		{ "16.49", 6, MONEY_OK, "16490000" },
		{ "16.490000000", 6, MONEY_OK, "16490000" },
		{ "16.4900001", 6, MONEY_ESCALE, NULL },
		{ "1", 18, MONEY_OK, "1000000000000000000" },
		{ "0.000000000000000001", 18, MONEY_OK, "1" },
		{ "0.0000000000000000001", 18, MONEY_ESCALE, NULL },
		{ "0.00000001", 8, MONEY_OK, "1" },
		{ "21000000", 8, MONEY_OK, "2100000000000000" },
		{ "0", 18, MONEY_OK, "0" },
		{ "-0", 6, MONEY_OK, "0" },
		{ "-1", 6, MONEY_ENEGATIVE, NULL },
		/* Beyond 64 bits. */
		{ "18446744073709551616", 0, MONEY_OK,
		    "18446744073709551616" },
		{ "1000000000000", 18, MONEY_OK,
		    "1000000000000000000000000000000" },
		{ "999999999999999999999999999999", 0, MONEY_OK,
		    "999999999999999999999999999999" },
		/* Near 2^128 - 1 = 340282366920938463463374607431768211455. */
		{ "1", 38, MONEY_OK,
		    "100000000000000000000000000000000000000" },
		{ "3.4", 38, MONEY_OK,
		    "340000000000000000000000000000000000000" },
		{ "3.40282366920938463463374607431", 38, MONEY_OK,
		    "340282366920938463463374607431000000000" },
		{ "3.40282366920938463463374607432", 38, MONEY_ERANGE, NULL },
		{ "3.41", 38, MONEY_ERANGE, NULL },
		{ "100", 38, MONEY_ERANGE, NULL },
		{ "340282366920938463463374607431", 9, MONEY_OK,
		    "340282366920938463463374607431000000000" },
		{ "340282366920938463463374607432", 9, MONEY_ERANGE, NULL },
		/* 39 digits are refused by the 30-digit rule first. */
		{ U128_MAX_STR, 0, MONEY_ERANGE, NULL },
		{ "1", 39, MONEY_ESCALE, NULL },
		{ "1", -1, MONEY_ESCALE, NULL },
		{ "1e18", 0, MONEY_ESYNTAX, NULL },
		{ "0x1", 0, MONEY_ESYNTAX, NULL },
	};
	unsigned __int128 out;
	enum money_err e;
	char a[48];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		out = SENTINEL;
		e = money_parse_units(t[i].text, t[i].decimals, &out);
		EXPECT(e == t[i].err, "row %zu (\"%s\",%d): err %d, want %d",
		    i, t[i].text, t[i].decimals, (int)e, (int)t[i].err);
		if (t[i].err == MONEY_OK)
			EXPECT(out == u128(t[i].want), "row %zu: got %s, "
			    "want %s", i, u128s(out, a, sizeof(a)), t[i].want);
		else
			EXPECT(out == SENTINEL, "row %zu: out changed", i);
	}
}

static void
test_format_minor(void)
{
	static const struct {
		int64_t		 minor;
		int		 exponent;
		size_t		 outlen;	/* 0: a large buffer */
		int		 ret;
		const char	*want;
	} t[] = {
		{ 999, 2, 0, 0, "9.99" },
		{ 5, 2, 0, 0, "0.05" },
		{ 1000, 0, 0, 0, "1000" },
		{ 1000, 2, 0, 0, "10.00" },
		{ 100, 2, 0, 0, "1.00" },
		{ 0, 2, 0, 0, "0.00" },
		{ 0, 0, 0, 0, "0" },
		{ -5, 2, 0, 0, "-0.05" },
		{ -999, 2, 0, 0, "-9.99" },
		{ -1000, 0, 0, 0, "-1000" },
		{ 1234, 3, 0, 0, "1.234" },
		{ 1, 18, 0, 0, "0.000000000000000001" },
		{ 1, 38, 0, 0, "0.00000000000000000000000000000000000001" },
		{ INT64_MAX, 0, 0, 0, "9223372036854775807" },
		{ INT64_MAX, 2, 0, 0, "92233720368547758.07" },
		{ INT64_MIN, 0, 0, 0, "-9223372036854775808" },
		{ INT64_MIN, 2, 0, 0, "-92233720368547758.08" },
		{ INT64_MIN, 38, 0, 0,
		    "-0.00000000000000000009223372036854775808" },
		{ 1, -1, 0, -1, "" },
		{ 1, 39, 0, -1, "" },
		/* Buffer sizes: "9.99" needs 5 bytes. */
		{ 999, 2, 5, 0, "9.99" },
		{ 999, 2, 4, -1, "" },
		{ 999, 2, 1, -1, "" },
		{ -5, 2, 6, 0, "-0.05" },
		{ -5, 2, 5, -1, "" },
		{ INT64_MIN, 2, 22, 0, "-92233720368547758.08" },
		{ INT64_MIN, 2, 21, -1, "" },
	};
	char out[64];
	size_t i, len;
	int r;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		memset(out, 'x', sizeof(out));
		len = t[i].outlen != 0 ? t[i].outlen : sizeof(out);
		r = money_format_minor(t[i].minor, t[i].exponent, out, len);
		EXPECT(r == t[i].ret && strcmp(out, t[i].want) == 0,
		    "row %zu (%" PRId64 ",%d): got %d \"%.*s\", want %d "
		    "\"%s\"", i, t[i].minor, t[i].exponent, r,
		    (int)sizeof(out), out, t[i].ret, t[i].want);
	}
	/* No room at all: nothing may be written. */
	out[0] = 'x';
	EXPECT(money_format_minor(1, 2, out, 0) == -1 && out[0] == 'x',
	    "outlen 0 must fail without writing");
}

static void
test_format_units(void)
{
	static const struct {
		const char	*units;
		int		 decimals;
		size_t		 outlen;	/* 0: a large buffer */
		int		 ret;
		const char	*want;
	} t[] = {
		{ "16490000", 6, 0, 0, "16.49" },
		{ "1", 18, 0, 0, "0.000000000000000001" },
		{ "5000000", 6, 0, 0, "5" },
		{ "0", 6, 0, 0, "0" },
		{ "0", 0, 0, 0, "0" },
		{ "10", 1, 0, 0, "1" },
		{ "100", 0, 0, 0, "100" },
		{ "1000000000000000000", 18, 0, 0, "1" },
		{ "1500000000000000000", 18, 0, 0, "1.5" },
		{ "1000000000000000001", 18, 0, 0, "1.000000000000000001" },
		{ "3332777870354940844", 18, 0, 0, "3.332777870354940844" },
		/* The ETH amount: 19 significant digits. */
		{ "3333192831571965436", 18, 0, 0, "3.333192831571965436" },
		{ "1", 30, 0, 0, "0.000000000000000000000000000001" },
		{ "1000000000000000000000000000000", 30, 0, 0, "1" },
		{ "1230000000000000000000000000000", 30, 0, 0, "1.23" },
		{ "1000000000000000000000000000001", 30, 0, 0,
		    "1.000000000000000000000000000001" },
		{ "100", 30, 0, 0, "0.0000000000000000000000000001" },
		{ "0", 30, 0, 0, "0" },
		{ "1", 0, 0, 0, "1" },
		{ U128_MAX_STR, 0, 0, 0, U128_MAX_STR },
		{ U128_MAX_STR, 18, 0, 0,
		    "340282366920938463463.374607431768211455" },
		{ U128_MAX_STR, 38, 0, 0,
		    "3.40282366920938463463374607431768211455" },
		{ U128_MAX_STR, 30, 0, 0,
		    "340282366.920938463463374607431768211455" },
		{ "100000000000000000000000000000000000000", 38, 0, 0, "1" },
		{ "1", 38, 0, 0, "0.00000000000000000000000000000000000001" },
		{ "1", 39, 0, -1, "" },
		{ "1", -1, 0, -1, "" },
		/* "16.49" needs 6 bytes. */
		{ "16490000", 6, 6, 0, "16.49" },
		{ "16490000", 6, 5, -1, "" },
		{ U128_MAX_STR, 0, 40, 0, U128_MAX_STR },
		{ U128_MAX_STR, 0, 39, -1, "" },
	};
	char out[64];
	size_t i, len;
	int r;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		memset(out, 'x', sizeof(out));
		len = t[i].outlen != 0 ? t[i].outlen : sizeof(out);
		r = money_format_units(u128(t[i].units), t[i].decimals, out,
		    len);
		EXPECT(r == t[i].ret && strcmp(out, t[i].want) == 0,
		    "row %zu (%s,%d): got %d \"%.*s\", want %d \"%s\"", i,
		    t[i].units, t[i].decimals, r, (int)sizeof(out), out,
		    t[i].ret, t[i].want);
	}
}

static void
test_u128_to_str(void)
{
	static const struct {
		const char	*v;
		size_t		 outlen;	/* 0: a large buffer */
		int		 ret;
		const char	*want;
	} t[] = {
		{ "0", 0, 0, "0" },
		{ "1", 0, 0, "1" },
		{ "10", 0, 0, "10" },
		{ "18446744073709551615", 0, 0, "18446744073709551615" },
		{ "18446744073709551616", 0, 0, "18446744073709551616" },
		{ "100000000000000000000000000000000000000", 0, 0,
		    "100000000000000000000000000000000000000" },
		{ U128_MAX_STR, 0, 0, U128_MAX_STR },
		{ U128_MAX_STR, 40, 0, U128_MAX_STR },
		{ U128_MAX_STR, 39, -1, "" },
		{ "0", 2, 0, "0" },
		{ "0", 1, -1, "" },
	};
	char out[64];
	size_t i, len;
	int r;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		memset(out, 'x', sizeof(out));
		len = t[i].outlen != 0 ? t[i].outlen : sizeof(out);
		r = money_u128_to_str(u128(t[i].v), out, len);
		EXPECT(r == t[i].ret && strcmp(out, t[i].want) == 0,
		    "row %zu (%s): got %d \"%.*s\", want %d \"%s\"", i,
		    t[i].v, r, (int)sizeof(out), out, t[i].ret, t[i].want);
	}
}

static void
test_str_to_u128(void)
{
	static const struct {
		const char	*text;
		enum money_err	 err;
		const char	*want;
	} t[] = {
		{ "0", MONEY_OK, "0" },
		{ "1", MONEY_OK, "1" },
		{ "18446744073709551616", MONEY_OK, "18446744073709551616" },
		{ U128_MAX_STR, MONEY_OK, U128_MAX_STR },
		{ "340282366920938463463374607431768211454", MONEY_OK,
		    "340282366920938463463374607431768211454" },
		{ U128_OVER_STR, MONEY_ERANGE, NULL },
		{ "340282366920938463463374607431768211460", MONEY_ERANGE,
		    NULL },
		{ "999999999999999999999999999999999999999", MONEY_ERANGE,
		    NULL },
		{ "1000000000000000000000000000000000000000", MONEY_ERANGE,
		    NULL },
		{ "00", MONEY_ESYNTAX, NULL },
		{ "01", MONEY_ESYNTAX, NULL },
		{ "", MONEY_ESYNTAX, NULL },
		{ "-1", MONEY_ESYNTAX, NULL },
		{ "-0", MONEY_ESYNTAX, NULL },
		{ "+1", MONEY_ESYNTAX, NULL },
		{ "1.0", MONEY_ESYNTAX, NULL },
		{ "1e3", MONEY_ESYNTAX, NULL },
		{ " 1", MONEY_ESYNTAX, NULL },
		{ "1 ", MONEY_ESYNTAX, NULL },
		{ NULL, MONEY_ESYNTAX, NULL },
	};
	unsigned __int128 out;
	enum money_err e;
	char a[48];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		out = SENTINEL;
		e = money_str_to_u128(t[i].text, &out);
		EXPECT(e == t[i].err, "row %zu (\"%s\"): err %d, want %d", i,
		    t[i].text != NULL ? t[i].text : "NULL", (int)e,
		    (int)t[i].err);
		if (t[i].err == MONEY_OK)
			EXPECT(out == u128(t[i].want), "row %zu: got %s, "
			    "want %s", i, u128s(out, a, sizeof(a)), t[i].want);
		else
			EXPECT(out == SENTINEL, "row %zu: out changed", i);
	}
}

/* A decimal (mantissa text, scale) and what a formatter gives for it. */
struct dec_row {
	const char	*mant;
	int		 scale;
	int		 ret;
	const char	*want;
};

static void
check_dec_rows(int (*fmt)(const struct money_dec *, char *, size_t),
    const struct dec_row *t, size_t n)
{
	struct money_dec d;
	char out[64];
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		memset(out, 'x', sizeof(out));
		d.mant = u128(t[i].mant);
		d.scale = t[i].scale;
		r = fmt(&d, out, sizeof(out));
		EXPECT(r == t[i].ret && strcmp(out, t[i].want) == 0,
		    "row %zu (%s e-%d): got %d \"%.*s\", want %d \"%s\"", i,
		    t[i].mant, t[i].scale, r, (int)sizeof(out), out,
		    t[i].ret, t[i].want);
	}
}

static void
test_format_dec(void)
{
	static const struct dec_row t[] = {
		{ "125", 2, 0, "1.25" },
		{ "7", 0, 0, "7" },
		{ "1250", 3, 0, "1.250" },
		{ "0", 0, 0, "0" },
		{ "0", 2, 0, "0.00" },
		{ "1", 18, 0, "0.000000000000000001" },
		{ "300050", 2, 0, "3000.50" },
		{ "10001", 4, 0, "1.0001" },
		{ "3456789012345678901234", 18, 0, "3456.789012345678901234" },
		{ U128_MAX_STR, 0, 0, U128_MAX_STR },
		{ U128_MAX_STR, 38, 0,
		    "3.40282366920938463463374607431768211455" },
		{ "1", -1, -1, "" },
		{ "1", 39, -1, "" },
	};
	struct money_dec d;
	char out[64];

	check_dec_rows(money_format_dec, t, CC_ARRAY_SIZE(t));
	d.mant = 125;
	d.scale = 2;
	EXPECT(money_format_dec(&d, out, 5) == 0 &&
	    strcmp(out, "1.25") == 0, "exact buffer");
	EXPECT(money_format_dec(&d, out, 4) == -1 && out[0] == '\0',
	    "short buffer");
}

/* 78 nines: the largest NUMERIC(78, 0). */
#define UNITS_MAX_STR	"999999999999999999999999999999999999999" \
			"999999999999999999999999999999999999999"

static void
test_format_units_text(void)
{
	static const struct {
		const char	*units;
		int		 decimals;
		size_t		 outlen;	/* 0: MONEY_TEXT_MAX */
		int		 ret;
		const char	*want;
	} t[] = {
		{ "0", 0, 0, 0, "0" },
		{ "0", 18, 0, 0, "0" },
		{ "0", 30, 0, 0, "0" },
		{ "1", 0, 0, 0, "1" },
		{ "1", 18, 0, 0, "0.000000000000000001" },
		{ "1", 30, 0, 0, "0.000000000000000000000000000001" },
		{ "1", 38, 0, 0, "0.00000000000000000000000000000000000001" },
		{ "16490000", 6, 0, 0, "16.49" },
		{ "5000000", 6, 0, 0, "5" },
		{ "100", 0, 0, 0, "100" },
		{ "3333192831571965436", 18, 0, 0, "3.333192831571965436" },
		{ "1000000000000000000", 18, 0, 0, "1" },
		{ "1000000000000000001", 18, 0, 0, "1.000000000000000001" },
		{ "1230000000000000000000000000000", 30, 0, 0, "1.23" },
		{ "120000000000000000000000000000000", 30, 0, 0, "120" },
		{ U128_MAX_STR, 18, 0, 0,
		    "340282366920938463463.374607431768211455" },
		/* Beyond 2^128: what only a NUMERIC(78, 0) holds. */
		{ U128_OVER_STR, 0, 0, 0, U128_OVER_STR },
		{ U128_OVER_STR, 39, 0, -1, "" },
		{ UNITS_MAX_STR, 0, 0, 0, UNITS_MAX_STR },
		{ UNITS_MAX_STR, 18, 0, 0,
		    "999999999999999999999999999999999999999999999999999999"
		    "999999.999999999999999999" },
		{ UNITS_MAX_STR, 30, 0, 0,
		    "999999999999999999999999999999999999999999999999."
		    "999999999999999999999999999999" },
		{ UNITS_MAX_STR, 38, 0, 0,
		    "9999999999999999999999999999999999999999."
		    "99999999999999999999999999999999999999" },
		/* 10^77 at 30 decimals: 1 and 47 zeros, nothing after. */
		{ "100000000000000000000000000000000000000"
		    "000000000000000000000000000000000000000", 30, 0, 0,
		    "100000000000000000000000000000000000000000000000" },
		/* The longest text: 78 digits and a point, 80 bytes. */
		{ UNITS_MAX_STR, 1, MONEY_TEXT_MAX, 0,
		    "999999999999999999999999999999999999999999999999999999"
		    "99999999999999999999999.9" },
		{ UNITS_MAX_STR, 1, MONEY_TEXT_MAX - 1, -1, "" },
		/* "16.49" needs 6 bytes. */
		{ "16490000", 6, 6, 0, "16.49" },
		{ "16490000", 6, 5, -1, "" },
		{ "1", 30, 33, 0, "0.000000000000000000000000000001" },
		{ "1", 30, 32, -1, "" },
		/* Not base units. */
		{ UNITS_MAX_STR "9", 0, 0, -1, "" },
		{ "", 0, 0, -1, "" },
		{ "01", 0, 0, -1, "" },
		{ "00", 2, 0, -1, "" },
		{ "-1", 0, 0, -1, "" },
		{ "+1", 0, 0, -1, "" },
		{ " 1", 0, 0, -1, "" },
		{ "1 ", 0, 0, -1, "" },
		{ "1.5", 1, 0, -1, "" },
		{ "1e3", 0, 0, -1, "" },
		{ "0x10", 0, 0, -1, "" },
		{ "1", -1, 0, -1, "" },
		{ "1", 39, 0, -1, "" },
	};
	char out[MONEY_TEXT_MAX + 8], out128[64];
	size_t i, len;
	int r;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		memset(out, 'x', sizeof(out));
		len = t[i].outlen != 0 ? t[i].outlen : MONEY_TEXT_MAX;
		r = money_format_units_text(t[i].units, t[i].decimals, out,
		    len);
		EXPECT(r == t[i].ret && strcmp(out, t[i].want) == 0,
		    "row %zu (%s,%d): got %d \"%.*s\", want %d \"%s\"", i,
		    t[i].units, t[i].decimals, r, (int)sizeof(out), out,
		    t[i].ret, t[i].want);
		/* Within 2^128 the u128 formatter writes the same. */
		if (t[i].ret == 0 && t[i].outlen == 0 &&
		    strlen(t[i].units) < sizeof(U128_MAX_STR) &&
		    (strlen(t[i].units) < sizeof(U128_MAX_STR) - 1 ||
		    strcmp(t[i].units, U128_MAX_STR) <= 0)) {
			r = money_format_units(u128(t[i].units),
			    t[i].decimals, out128, sizeof(out128));
			EXPECT(r == 0 && strcmp(out128, t[i].want) == 0,
			    "row %zu: money_format_units \"%s\"", i, out128);
		}
	}
	EXPECT(money_format_units_text(NULL, 0, out, sizeof(out)) == -1 &&
	    out[0] == '\0', "NULL units");
	out[0] = 'x';
	EXPECT(money_format_units_text("1", 0, out, 0) == -1 && out[0] == 'x',
	    "outlen 0 must fail without writing");
}

static void
test_format_dec_trim(void)
{
	static const struct dec_row t[] = {
		{ "125", 2, 0, "1.25" },
		{ "1250", 3, 0, "1.25" },
		{ "600", 2, 0, "6" },
		{ "649", 2, 0, "6.49" },
		{ "6490", 3, 0, "6.49" },
		{ "7", 0, 0, "7" },
		{ "70", 0, 0, "70" },
		{ "0", 0, 0, "0" },
		{ "0", 2, 0, "0" },
		{ "1", 18, 0, "0.000000000000000001" },
		{ "1000000000000000000000000000000", 30, 0, "1" },
		{ U128_MAX_STR, 38, 0,
		    "3.40282366920938463463374607431768211455" },
		{ "1", -1, -1, "" },
		{ "1", 39, -1, "" },
	};

	check_dec_rows(money_format_dec_trim, t, CC_ARRAY_SIZE(t));
}

static void
test_dec_align(void)
{
	static const struct {
		const char	*a;
		int		 as;
		const char	*b;
		int		 bs;
		int		 ret;
		const char	*wa;	/* mantissas after, scale ws */
		const char	*wb;
		int		 ws;
	} t[] = {
		{ "649", 2, "12", 1, 0, "649", "120", 2 },
		{ "12", 1, "649", 2, 0, "120", "649", 2 },
		{ "5", 0, "5", 0, 0, "5", "5", 0 },
		{ "0", 0, "1", 18, 0, "0", "1", 18 },
		{ "1", 0, "1", 38, 0,
		    "100000000000000000000000000000000000000", "1", 38 },
		{ "3", 0, "1", 38, 0,
		    "300000000000000000000000000000000000000", "1", 38 },
		/* 4 * 10^38 > 2^128-1: neither changes. */
		{ "4", 0, "1", 38, -1, "4", "1", -1 },
		{ U128_MAX_STR, 0, "1", 1, -1, U128_MAX_STR, "1", -1 },
		{ U128_MAX_STR, 1, "1", 1, 0, U128_MAX_STR, "1", 1 },
	};
	struct money_dec a, b;
	char x[48], y[48];
	size_t i;
	int r;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		a.mant = u128(t[i].a);
		a.scale = t[i].as;
		b.mant = u128(t[i].b);
		b.scale = t[i].bs;
		r = money_dec_align(&a, &b);
		u128s(a.mant, x, sizeof(x));
		u128s(b.mant, y, sizeof(y));
		if (t[i].ret == 0)
			EXPECT(r == 0 && strcmp(x, t[i].wa) == 0 &&
			    strcmp(y, t[i].wb) == 0 && a.scale == t[i].ws &&
			    b.scale == t[i].ws, "row %zu: got %d %s e-%d, "
			    "%s e-%d", i, r, x, a.scale, y, b.scale);
		else
			EXPECT(r == -1 && strcmp(x, t[i].wa) == 0 &&
			    strcmp(y, t[i].wb) == 0 && a.scale == t[i].as &&
			    b.scale == t[i].bs, "row %zu: got %d %s e-%d, "
			    "%s e-%d, want both untouched", i, r, x, a.scale,
			    y, b.scale);
	}
}

static void
test_dec_positive(void)
{
	static const struct {
		const char	*text;
		bool		 want;
	} t[] = {
		{ "1", true }, { "0.01", true }, { "16.49", true },
		{ "0.00000000000000000000000000001", true },
		{ "0", false }, { "0.00", false }, { "-0", false },
		{ "-1", false }, { "", false }, { "abc", false },
		{ "1e2", false }, { " 1", false }, { NULL, false },
		/* Over CC_MAX_DECIMAL_DIGITS digits: not parsed. */
		{ "0.000000000000000000000000000001", false },
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++)
		EXPECT(money_dec_positive(t[i].text) == t[i].want,
		    "row %zu (%s): want %d", i, t[i].text ? t[i].text :
		    "NULL", t[i].want);
}

static void
test_add_mul(void)
{
	static const struct {
		int		 mul;
		int64_t		 a, b;
		enum money_err	 err;
		int64_t		 want;
	} t[] = {
		{ 0, 1, 2, MONEY_OK, 3 },
		{ 0, -5, 3, MONEY_OK, -2 },
		{ 0, INT64_MAX, 0, MONEY_OK, INT64_MAX },
		{ 0, INT64_MAX - 1, 1, MONEY_OK, INT64_MAX },
		{ 0, INT64_MAX, 1, MONEY_ERANGE, 0 },
		{ 0, 1, INT64_MAX, MONEY_ERANGE, 0 },
		{ 0, INT64_MAX, INT64_MAX, MONEY_ERANGE, 0 },
		{ 0, INT64_MIN, -1, MONEY_ERANGE, 0 },
		{ 0, INT64_MIN, INT64_MAX, MONEY_OK, -1 },
		{ 0, INT64_MIN, 0, MONEY_OK, INT64_MIN },
		{ 1, 999, 3, MONEY_OK, 2997 },
		{ 1, 1649, CC_MAX_QUANTITY, MONEY_OK, 1649000000 },
		{ 1, INT64_MAX, 1, MONEY_OK, INT64_MAX },
		{ 1, INT64_MAX, 2, MONEY_ERANGE, 0 },
		{ 1, INT64_MAX, -1, MONEY_OK, -INT64_MAX },
		{ 1, INT64_MIN, -1, MONEY_ERANGE, 0 },
		{ 1, INT64_MIN, 1, MONEY_OK, INT64_MIN },
		{ 1, 0, INT64_MIN, MONEY_OK, 0 },
		/* 3037000499^2 = 9223372030926249001 (bc) */
		{ 1, 3037000499LL, 3037000499LL, MONEY_OK,
		    9223372030926249001LL },
		/* 3037000500^2 = 9223372037000250000 > 2^63-1 (bc) */
		{ 1, 3037000500LL, 3037000500LL, MONEY_ERANGE, 0 },
		{ 1, -3037000500LL, 3037000500LL, MONEY_ERANGE, 0 },
		/* 4294967296 * 2147483648 = 2^63 */
		{ 1, 4294967296LL, 2147483648LL, MONEY_ERANGE, 0 },
		{ 1, -4294967296LL, 2147483648LL, MONEY_OK, INT64_MIN },
	};
	enum money_err e;
	size_t i;
	int64_t out;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		out = SENTINEL;
		if (t[i].mul)
			e = money_mul(t[i].a, t[i].b, &out);
		else
			e = money_add(t[i].a, t[i].b, &out);
		EXPECT(e == t[i].err && (e != MONEY_OK || out == t[i].want) &&
		    (e == MONEY_OK || out == SENTINEL),
		    "row %zu (%" PRId64 " %c %" PRId64 "): err %d out %"
		    PRId64 ", want %d %" PRId64, i, t[i].a,
		    t[i].mul ? '*' : '+', t[i].b, (int)e, out, (int)t[i].err,
		    t[i].want);
	}
}

static void
test_fiat_to_crypto(void)
{
	static const struct {
		int64_t		 minor;
		int		 exponent;
		const char	*mant;
		int		 scale;
		int		 decimals;
		enum money_err	 err;
		const char	*want;
	} t[] = {
		/* 16.49 USD of USDT at 1 */
		{ 1649, 2, "1", 0, 6, MONEY_OK, "16490000" },
		/* c(1000000 * 10^18 * 10^2, 300050 * 10^2) */
		{ 1000000, 2, "300050", 2, 18, MONEY_OK,
		    "3332777870354940844" },
		/* 1 * 10^18 * 10^6 / 10^2 */
		{ 1, 2, "1", 6, 18, MONEY_OK, "10000000000000000000000" },
		/* c(1649 * 10^6 * 10^4, 10001 * 10^2): USDT at 1.0001 */
		{ 1649, 2, "10001", 4, 6, MONEY_OK, "16488352" },
		/* exact: 3000.50 USD buys exactly 1 ETH, no rounding */
		{ 300050, 2, "300050", 2, 18, MONEY_OK,
		    "1000000000000000000" },
		/* c(300051 * 10^18 * 10^2, 300050 * 10^2) */
		{ 300051, 2, "300050", 2, 18, MONEY_OK,
		    "1000003332777870355" },
		/* JPY (exponent 0): c(1000 * 10^18 * 10^1, 4500005) */
		{ 1000, 0, "4500005", 1, 18, MONEY_OK, "2222219753089164" },
		/* BTC: c(1649 * 10^8 * 10^2, 6543210 * 10^2) */
		{ 1649, 2, "6543210", 2, 8, MONEY_OK, "25202" },
		/* KWD (exponent 3): c(1000 * 10^6, 3 * 10^3) */
		{ 1000, 3, "3", 0, 6, MONEY_OK, "333334" },
		/* 1500 * 10^6 / (3 * 10^3), exact */
		{ 1500, 3, "3", 0, 6, MONEY_OK, "500000" },
		/* scale 18 rate: c(1 * 10^18 * 10^18, 3 * 10^2) */
		{ 1, 2, "3", 18, 18, MONEY_OK,
		    "3333333333333333333333333333333334" },
		/* c(1000000 * 10^18 * 10^18, 3456789012345678901234 * 10^2) */
		{ 1000000, 2, "3456789012345678901234", 18, 18, MONEY_OK,
		    "2892858072704380606" },
		/* c(10^12 * 10^18 * 10^18, 123456789012345678 * 10^2) */
		{ 1000000000000LL, 2, "123456789012345678", 18, 18, MONEY_OK,
		    "81000000729000007225200071005" },
		/* (2^63-1) * 10^16 */
		{ INT64_MAX, 2, "1", 0, 18, MONEY_OK,
		    "92233720368547758070000000000000000" },
		{ 0, 2, "300050", 2, 18, MONEY_OK, "0" },
		{ 0, 0, "1", 38, 38, MONEY_OK, "0" },
		/* c(5 * 10^76, 146936793852785938496092067152780709728) */
		{ 5, 0, "146936793852785938496092067152780709728", 38, 38,
		    MONEY_OK, U128_MAX_STR },
		/*
		 * 2 * 10^76 / 58774717541114375398436826861112283891 is
		 * 2^128-1 with a remainder: rounding up needs 2^128.
		 */
		{ 2, 0, "58774717541114375398436826861112283891", 38, 38,
		    MONEY_ERANGE, NULL },
		/* (2^63-1) * 10^36 and 10^46 exceed 2^128 */
		{ INT64_MAX, 0, "1", 18, 18, MONEY_ERANGE, NULL },
		{ 1000000000000LL, 2, "1", 18, 18, MONEY_ERANGE, NULL },
		{ INT64_MAX, 0, "1", 0, 38, MONEY_ERANGE, NULL },
		{ INT64_MAX, 0, "1", 38, 38, MONEY_ERANGE, NULL },
		/* a huge rate: tiny amounts */
		{ 1, 38, U128_MAX_STR, 0, 0, MONEY_OK, "1" },
		/* c((2^63-1) * 10^38, (2^128-1) * 10^38) */
		{ INT64_MAX, 38, U128_MAX_STR, 0, 38, MONEY_OK, "1" },
		/* c((2^63-1) * 10^76, (2^128-1) * 10^38) */
		{ INT64_MAX, 38, U128_MAX_STR, 38, 38, MONEY_OK,
		    "2710505431213761085" },
		{ -1, 2, "1", 0, 6, MONEY_ENEGATIVE, NULL },
		{ INT64_MIN, 2, "1", 0, 6, MONEY_ENEGATIVE, NULL },
		{ 1649, 2, "0", 0, 6, MONEY_EZERO, NULL },
		{ 0, 2, "0", 5, 6, MONEY_EZERO, NULL },
		{ 1649, -1, "1", 0, 6, MONEY_ESCALE, NULL },
		{ 1649, 39, "1", 0, 6, MONEY_ESCALE, NULL },
		{ 1649, 2, "1", -1, 6, MONEY_ESCALE, NULL },
		{ 1649, 2, "1", 39, 6, MONEY_ESCALE, NULL },
		{ 1649, 2, "1", 0, -1, MONEY_ESCALE, NULL },
		{ 1649, 2, "1", 0, 39, MONEY_ESCALE, NULL },
	};
	struct money_dec rate;
	unsigned __int128 out;
	enum money_err e;
	char a[48];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		rate.mant = u128(t[i].mant);
		rate.scale = t[i].scale;
		out = SENTINEL;
		e = money_fiat_to_crypto(t[i].minor, t[i].exponent, &rate,
		    t[i].decimals, &out);
		EXPECT(e == t[i].err, "row %zu: err %d, want %d", i, (int)e,
		    (int)t[i].err);
		if (t[i].err == MONEY_OK)
			EXPECT(out == u128(t[i].want), "row %zu: got %s, "
			    "want %s", i, u128s(out, a, sizeof(a)), t[i].want);
		else
			EXPECT(out == SENTINEL, "row %zu: out changed", i);
	}
}

static void
test_crypto_to_fiat(void)
{
	static const struct {
		const char	*units;
		int		 decimals;
		const char	*mant;
		int		 scale;
		int		 exponent;
		enum money_err	 err;
		int64_t		 want;
	} t[] = {
		{ "16490000", 6, "1", 0, 2, MONEY_OK, 1649 },
		{ "1000000000000000000", 18, "300050", 2, 2, MONEY_OK,
		    300050 },
		/* 3332777870354940844 * 300050 * 10^2 / (10^18 * 10^2) */
		{ "3332777870354940844", 18, "300050", 2, 2, MONEY_OK,
		    1000000 },
		/* 3332777870354940843 * 300050 * 10^2 / (10^18 * 10^2) */
		{ "3332777870354940843", 18, "300050", 2, 2, MONEY_OK,
		    999999 },
		/* 1000003332777870355 * 300050 * 10^2 / (10^18 * 10^2) */
		{ "1000003332777870355", 18, "300050", 2, 2, MONEY_OK,
		    300051 },
		{ "1", 18, "300050", 2, 2, MONEY_OK, 0 },
		{ "0", 18, "300050", 2, 2, MONEY_OK, 0 },
		/* 16488352 * 10001 * 10^2 / (10^6 * 10^4) */
		{ "16488352", 6, "10001", 4, 2, MONEY_OK, 1649 },
		/* 16488351 * 10001 * 10^2 / (10^6 * 10^4) = 1648.99... */
		{ "16488351", 6, "10001", 4, 2, MONEY_OK, 1648 },
		/* 2222219753089164 * 4500005 / (10^18 * 10^1) */
		{ "2222219753089164", 18, "4500005", 1, 0, MONEY_OK, 1000 },
		/* 25202 * 6543210 * 10^2 / (10^8 * 10^2) */
		{ "25202", 8, "6543210", 2, 2, MONEY_OK, 1649 },
		/* 3333333333333333333333333333333334 * 3 * 10^2 / 10^36 */
		{ "3333333333333333333333333333333334", 18, "3", 18, 2,
		    MONEY_OK, 1 },
		/* 81000000729000007225200071005 * 123456789012345678 * 10^2
		 * / (10^18 * 10^18) */
		{ "81000000729000007225200071005", 18, "123456789012345678",
		    18, 2, MONEY_OK, 1000000000000LL },
		/* INT64_MAX boundary */
		{ "9223372036854775807", 0, "1", 0, 0, MONEY_OK, INT64_MAX },
		{ "9223372036854775808", 0, "1", 0, 0, MONEY_ERANGE, 0 },
		/* (2^63 * 10^18 - 1) / 10^18 rounds down to 2^63-1 */
		{ "9223372036854775807999999999999999999", 18, "1", 0, 0,
		    MONEY_OK, INT64_MAX },
		{ "9223372036854775808000000000000000000", 18, "1", 0, 0,
		    MONEY_ERANGE, 0 },
		/* (2^128-1) * 10^2 / 10^18 = 34028236692093846346337 */
		{ U128_MAX_STR, 18, "1", 0, 2, MONEY_ERANGE, 0 },
		/* (2^128-1)^2 * 10^38 / 10^76: beyond 2^128 itself */
		{ U128_MAX_STR, 38, U128_MAX_STR, 38, 38, MONEY_ERANGE, 0 },
		/* (2^128-1) / 10^76, (2^128-1) * 10^38 / 10^76 */
		{ U128_MAX_STR, 38, "1", 38, 0, MONEY_OK, 0 },
		{ U128_MAX_STR, 38, "1", 38, 38, MONEY_OK, 3 },
		/* (2^128-1)^2 / 10^76 */
		{ U128_MAX_STR, 38, U128_MAX_STR, 38, 0, MONEY_OK, 11 },
		{ "1", 0, "0", 0, 2, MONEY_EZERO, 0 },
		{ "0", 0, "0", 3, 2, MONEY_EZERO, 0 },
		{ "1", -1, "1", 0, 2, MONEY_ESCALE, 0 },
		{ "1", 39, "1", 0, 2, MONEY_ESCALE, 0 },
		{ "1", 18, "1", 39, 2, MONEY_ESCALE, 0 },
		{ "1", 18, "1", -1, 2, MONEY_ESCALE, 0 },
		{ "1", 18, "1", 0, 39, MONEY_ESCALE, 0 },
		{ "1", 18, "1", 0, -1, MONEY_ESCALE, 0 },
	};
	struct money_dec rate;
	enum money_err e;
	size_t i;
	int64_t out;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		rate.mant = u128(t[i].mant);
		rate.scale = t[i].scale;
		out = SENTINEL;
		e = money_crypto_to_fiat(u128(t[i].units), t[i].decimals,
		    &rate, t[i].exponent, &out);
		EXPECT(e == t[i].err, "row %zu: err %d, want %d", i, (int)e,
		    (int)t[i].err);
		if (t[i].err == MONEY_OK)
			EXPECT(out == t[i].want, "row %zu: got %" PRId64
			    ", want %" PRId64, i, out, t[i].want);
		else
			EXPECT(out == SENTINEL, "row %zu: out changed", i);
	}
}

/* Text -> value -> text gives the canonical form. */
static void
test_round_trip_text(void)
{
	static const struct {
		int		 kind;	/* 0 minor, 1 units, 2 dec, 3 u128 */
		const char	*text;
		int		 scale;
		const char	*want;
	} t[] = {
		{ 0, "9.99", 2, "9.99" },
		{ 0, "9.990", 2, "9.99" },
		{ 0, "10", 2, "10.00" },
		{ 0, "0.5", 2, "0.50" },
		{ 0, "-0", 2, "0.00" },
		{ 0, "-0.00", 0, "0" },
		{ 0, "1000", 0, "1000" },
		{ 0, "1.234", 3, "1.234" },
		{ 0, "92233720368547758.07", 2, "92233720368547758.07" },
		{ 0, "9.223372036854775807", 18, "9.223372036854775807" },
		{ 1, "16.49", 6, "16.49" },
		{ 1, "16.490000", 6, "16.49" },
		{ 1, "5.000000", 6, "5" },
		{ 1, "0.000000000000000001", 18, "0.000000000000000001" },
		{ 1, "3000.5", 18, "3000.5" },
		{ 1, "0", 18, "0" },
		{ 1, "-0.0", 18, "0" },
		{ 1, "3.40282366920938463463374607431", 38,
		    "3.40282366920938463463374607431" },
		{ 1, "999999999999999999999999999999", 0,
		    "999999999999999999999999999999" },
		{ 2, "1.2500", 18, "1.25" },
		{ 2, "3000.50", 18, "3000.5" },
		{ 2, "100", 18, "100" },
		{ 2, "0.000", 18, "0" },
		{ 2, "0.000000000000000001", 18, "0.000000000000000001" },
		{ 3, "0", 0, "0" },
		{ 3, U128_MAX_STR, 0, U128_MAX_STR },
		{ 3, "18446744073709551616", 0, "18446744073709551616" },
	};
	struct money_dec d;
	unsigned __int128 u;
	enum money_err e;
	char out[64];
	size_t i;
	int64_t m;
	int r;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		out[0] = '\0';
		r = -1;
		switch (t[i].kind) {
		case 0:
			e = money_parse_minor(t[i].text, t[i].scale, &m);
			if (e == MONEY_OK)
				r = money_format_minor(m, t[i].scale, out,
				    sizeof(out));
			break;
		case 1:
			e = money_parse_units(t[i].text, t[i].scale, &u);
			if (e == MONEY_OK)
				r = money_format_units(u, t[i].scale, out,
				    sizeof(out));
			break;
		case 2:
			e = money_parse_dec(t[i].text, t[i].scale, &d);
			if (e == MONEY_OK)
				r = money_format_dec(&d, out, sizeof(out));
			break;
		default:
			e = money_str_to_u128(t[i].text, &u);
			if (e == MONEY_OK)
				r = money_u128_to_str(u, out, sizeof(out));
			break;
		}
		EXPECT(e == MONEY_OK && r == 0 && strcmp(out, t[i].want) == 0,
		    "row %zu (\"%s\"): err %d ret %d \"%s\", want \"%s\"", i,
		    t[i].text, (int)e, r, out, t[i].want);
	}
}

/*
 * Fiat -> crypto (up) -> fiat (down) gives the amount back whenever one
 * base unit is worth less than one minor unit; crypto -> fiat -> crypto
 * never gives more units than it started with.
 */
static void
test_round_trip_convert(void)
{
	static const struct {
		const char	*mant;
		int		 scale;
		int		 exponent;
		int		 decimals;
	} rates[] = {
		{ "300050", 2, 2, 18 },		/* ETH in USD */
		{ "10001", 4, 2, 6 },		/* USDT at 1.0001 */
		{ "6543210", 2, 2, 8 },		/* BTC in USD */
		{ "4500005", 1, 0, 18 },	/* ETH in JPY */
		{ "3", 0, 3, 6 },		/* token in KWD */
		{ "3456789012345678901234", 18, 2, 18 },
		{ "123456789012345678", 18, 2, 18 },
		{ "1", 0, 2, 2 },		/* 1:1, same exponent */
	};
	static const int64_t amounts[] = {
		0, 1, 2, 3, 7, 50, 99, 100, 999, 1649, 10000, 299999, 300050,
		1000000, 123456789, 999999999999LL, 1000000000000LL,
	};
	struct money_dec rate;
	unsigned __int128 u, u2;
	enum money_err e1, e2, e3;
	size_t i, j;
	int64_t back;

	for (i = 0; i < CC_ARRAY_SIZE(rates); i++) {
		rate.mant = u128(rates[i].mant);
		rate.scale = rates[i].scale;
		for (j = 0; j < CC_ARRAY_SIZE(amounts); j++) {
			u = 0;
			back = -1;
			u2 = 0;
			e1 = money_fiat_to_crypto(amounts[j],
			    rates[i].exponent, &rate, rates[i].decimals, &u);
			e2 = money_crypto_to_fiat(u, rates[i].decimals, &rate,
			    rates[i].exponent, &back);
			e3 = money_fiat_to_crypto(back, rates[i].exponent,
			    &rate, rates[i].decimals, &u2);
			EXPECT(e1 == MONEY_OK && e2 == MONEY_OK &&
			    e3 == MONEY_OK && back == amounts[j] && u2 == u,
			    "rate %zu amount %" PRId64 ": back %" PRId64, i,
			    amounts[j], back);
		}
	}
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "strerror", test_strerror },
		{ "currency_exponent", test_currency_exponent },
		{ "parse_minor", test_parse_minor },
		{ "parse_dec", test_parse_dec },
		{ "parse_units", test_parse_units },
		{ "format_minor", test_format_minor },
		{ "format_units", test_format_units },
		{ "u128_to_str", test_u128_to_str },
		{ "str_to_u128", test_str_to_u128 },
		{ "format_dec", test_format_dec },
		{ "format_units_text", test_format_units_text },
		{ "format_dec_trim", test_format_dec_trim },
		{ "dec_align", test_dec_align },
		{ "dec_positive", test_dec_positive },
		{ "add_mul", test_add_mul },
		{ "fiat_to_crypto", test_fiat_to_crypto },
		{ "crypto_to_fiat", test_crypto_to_fiat },
		{ "round_trip_text", test_round_trip_text },
		{ "round_trip_convert", test_round_trip_convert },
	};

	return cu_run("money", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
