/*
 * Unit tests of lib/refund.c's arithmetic: each variant's amounts, the
 * subtracted percentage (rounded down, exact at 128 bits), the caps at
 * what was received less earlier refunds, and the refusals.
 */
#include "cc.h"

#include "cu_run.h"

#include "money.h"
#include "refund.h"

#define USDT	6
#define ETH	18

static const struct {
	enum refund_variant	 variant;
	const char		*fiat;		/* "amount", minor */
	const char		*crypto;	/* "crypto_amount", units */
	int			 subtract;
	const char		*received, *refunded, *invoice;
	int			 decimals;
	const char		*locked, *current;
	enum refund_calc_err	 err;
	const char		*units;
	long long		 fiat_minor;
} rows[] = {
	/* The fiat amount at the invoice's rate, rounded up like it. */
	{ REFUND_LOCKED_RATE, "500", NULL, 0, "20000000", "0", "20000000",
	    USDT, "1", NULL, REFUND_CALC_OK, "5000000", 500 },
	{ REFUND_LOCKED_RATE, "500", NULL, 0, "1000000000000000000", "0",
	    "1000000000000000000", ETH, "3000.50", NULL, REFUND_CALC_OK,
	    "1666388935177471", 500 },
	/* The whole received, earlier refunds left out. */
	{ REFUND_RATE_THEN, NULL, NULL, 0, "20000000", "5000000", "20000000",
	    USDT, "1", NULL, REFUND_CALC_OK, "15000000", 1500 },
	{ REFUND_RATE_THEN, NULL, NULL, 0, "20000000", "20000000", "20000000",
	    USDT, "1", NULL, REFUND_CALC_EXCEEDS, NULL, 0 },
	/* Its fiat value at a fresh rate: more crypto after a fall. */
	{ REFUND_CURRENT_RATE, NULL, NULL, 0, "1000000000000000000", "0",
	    "1000000000000000000", ETH, "3000.50", "2000", REFUND_CALC_OK,
	    "1500250000000000000", 300050 },
	{ REFUND_CURRENT_RATE, NULL, NULL, 3000, "1000000000000000000", "0",
	    "1000000000000000000", ETH, "3000", "3000", REFUND_CALC_OK,
	    "700000000000000000", 210000 },
	/* The excess only. */
	{ REFUND_OVERPAID, NULL, NULL, 0, "12000000", "0", "10000000", USDT,
	    "1", NULL, REFUND_CALC_OK, "2000000", 200 },
	{ REFUND_OVERPAID, NULL, NULL, 0, "10000000", "0", "10000000", USDT,
	    "1", NULL, REFUND_CALC_NOT_OVERPAID, NULL, 0 },
	{ REFUND_OVERPAID, NULL, NULL, 0, "12000000", "11000000", "10000000",
	    USDT, "1", NULL, REFUND_CALC_EXCEEDS, NULL, 0 },
	/* Custom: crypto given, fiat its value rounded down. */
	{ REFUND_CUSTOM, NULL, "1234567", 0, "20000000", "0", "20000000",
	    USDT, "1", NULL, REFUND_CALC_OK, "1234567", 123 },
	{ REFUND_CUSTOM, "1999", NULL, 0, "20000000", "0", "20000000",
	    USDT, "1", NULL, REFUND_CALC_OK, "19990000", 1999 },
	/* Caps and refusals. */
	{ REFUND_LOCKED_RATE, "2001", NULL, 0, "20000000", "0", "20000000",
	    USDT, "1", NULL, REFUND_CALC_EXCEEDS, NULL, 0 },
	{ REFUND_LOCKED_RATE, "1600", NULL, 0, "20000000", "5000000",
	    "20000000", USDT, "1", NULL, REFUND_CALC_EXCEEDS, NULL, 0 },
	{ REFUND_LOCKED_RATE, "1500", NULL, 0, "20000000", "5000000",
	    "20000000", USDT, "1", NULL, REFUND_CALC_OK, "15000000", 1500 },
	{ REFUND_LOCKED_RATE, "500", NULL, 0, "0", "0", "20000000", USDT,
	    "1", NULL, REFUND_CALC_NOTHING_RECEIVED, NULL, 0 },
	{ REFUND_LOCKED_RATE, "0", NULL, 0, "20000000", "0", "20000000", USDT,
	    "1", NULL, REFUND_CALC_ZERO, NULL, 0 },
	/* subtract_percentage, rounded down. */
	{ REFUND_RATE_THEN, NULL, NULL, 1000, "20000000", "0", "20000000",
	    USDT, "1", NULL, REFUND_CALC_OK, "18000000", 1800 },
	{ REFUND_CUSTOM, NULL, "3", 1250, "20000000", "0", "20000000", USDT,
	    "1", NULL, REFUND_CALC_OK, "2", 0 },
	{ REFUND_RATE_THEN, NULL, NULL, 10000, "20000000", "0", "20000000",
	    USDT, "1", NULL, REFUND_CALC_ZERO, NULL, 0 },
	/* After a subtraction, an amount above the cap may fit under it. */
	{ REFUND_LOCKED_RATE, "2100", NULL, 1000, "20000000", "0",
	    "20000000", USDT, "1", NULL, REFUND_CALC_OK, "18900000", 1890 },
};

static void
test_calc(void)
{
	struct refund_calc_in in;
	struct refund_calc_out out;
	enum refund_calc_err err;
	char buf[48];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		memset(&in, 0, sizeof(in));
		in.variant = rows[i].variant;
		if (rows[i].fiat != NULL) {
			in.has_fiat = true;
			in.fiat_minor = (int64_t)u128(rows[i].fiat);
		}
		if (rows[i].crypto != NULL) {
			in.has_crypto = true;
			in.crypto_units = u128(rows[i].crypto);
		}
		in.subtract = rows[i].subtract;
		in.received = u128(rows[i].received);
		in.refunded = u128(rows[i].refunded);
		in.invoice_units = u128(rows[i].invoice);
		in.exponent = 2;
		in.decimals = rows[i].decimals;
		CU_ASSERT_FATAL(money_parse_dec(rows[i].locked, 38,
		    &in.locked_rate) == MONEY_OK);
		if (rows[i].current != NULL)
			CU_ASSERT_FATAL(money_parse_dec(rows[i].current, 38,
			    &in.current_rate) == MONEY_OK);
		err = refund_calc(&in, &out);
		check_int("error", cu_row(i), err, rows[i].err);
		if (err != REFUND_CALC_OK || rows[i].err != REFUND_CALC_OK)
			continue;
		check_str("units", cu_row(i), u128s(out.units, buf,
		    sizeof(buf)), rows[i].units);
		check_int("fiat", cu_row(i), out.fiat_minor,
		    rows[i].fiat_minor);
		check_int("current", cu_row(i), out.current,
		    rows[i].variant == REFUND_CURRENT_RATE);
	}
}

static void
test_subtract(void)
{
	static const struct {
		const char	*units;
		int		 subtract;
		const char	*want;
	} t[] = {
		{ "100", 0, "100" },
		{ "100", 1, "99" },		/* 99.99 down */
		{ "100", 5000, "50" },
		{ "101", 5000, "50" },
		{ "100", 10000, "0" },
		{ "0", 2500, "0" },
		{ "340282366920938463463374607431768211455", 1,
		    "340248338684246369617028269971025034633" },
		{ "340282366920938463463374607431768211455", 0,
		    "340282366920938463463374607431768211455" },
	};
	char buf[48];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++)
		check_str("subtract", cu_row(i), u128s(refund_subtract(
		    u128(t[i].units), t[i].subtract), buf, sizeof(buf)),
		    t[i].want);
}

static void
test_percent(void)
{
	static const struct {
		const char	*text;
		int		 rc;
		int		 want;
	} t[] = {
		{ "0", 0, 0 }, { "100", 0, 10000 }, { "12.5", 0, 1250 },
		{ "0.01", 0, 1 }, { "99.99", 0, 9999 }, { "100.00", 0, 10000 },
		{ "100.01", -1, 0 }, { "-1", -1, 0 }, { "1.234", -1, 0 },
		{ "abc", -1, 0 }, { "", -1, 0 }, { "1e2", -1, 0 },
	};
	size_t i;
	int v, rc;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		v = -7;
		rc = refund_parse_percent(t[i].text, &v);
		check_int("rc", cu_row(i), rc, t[i].rc);
		if (rc == 0)
			check_int("value", cu_row(i), v, t[i].want);
	}
}

/*
 * The credit a refund gives back: 20 received for 16.49, 3.51 credited
 * (units of 6 decimals), then refunds in turn.
 */
static void
test_credit_take(void)
{
	static const struct {
		enum refund_variant	 v;
		unsigned long long	 units, received, refunded, credited;
		unsigned long long	 used, want;
	} t[] = {
		/* overpaid: the credit itself */
		{ REFUND_OVERPAID, 3510000, 20000000, 0, 3510000, 0, 3510000 },
		/* a part of the merchant's own: the credit stands */
		{ REFUND_LOCKED_RATE, 5000000, 20000000, 0, 3510000, 0, 0 },
		/* everything back: the credit too */
		{ REFUND_RATE_THEN, 20000000, 20000000, 0, 3510000, 0,
		    3510000 },
		/* beyond the merchant's part by 1 */
		{ REFUND_CUSTOM, 6000000, 20000000, 10490001, 3510000, 0, 1 },
		/* after an overpaid refund: its part is no longer there */
		{ REFUND_RATE_THEN, 16490000, 20000000, 3510000, 3510000,
		    3510000, 0 },
		{ REFUND_OVERPAID, 3510000, 20000000, 3510000, 3510000,
		    3510000, 0 },
		/* never more than the credit left */
		{ REFUND_OVERPAID, 3510000, 20000000, 0, 3510000, 3000000,
		    510000 },
		/* no credit: nothing */
		{ REFUND_OVERPAID, 3510000, 20000000, 0, 0, 0, 0 },
		{ REFUND_RATE_THEN, 20000000, 20000000, 0, 0, 0, 0 },
	};
	struct refund_credit_in in;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		memset(&in, 0, sizeof(in));
		in.variant = t[i].v;
		in.units = t[i].units;
		in.received = t[i].received;
		in.refunded = t[i].refunded;
		in.credited = t[i].credited;
		in.used = t[i].used;
		check_int("take", cu_row(i), (long long)refund_credit_take(&in),
		    (long long)t[i].want);
	}
}

static void
test_names(void)
{
	int i;

	for (i = 0; i < REFUND_VARIANT__MAX; i++)
		EXPECT(refund_variant_name(i) != NULL, "variant %d", i);
	for (i = 0; i < REFUND_STATUS__MAX; i++)
		EXPECT(refund_status_name(i) != NULL, "status %d", i);
	EXPECT(refund_variant_name(REFUND_VARIANT__MAX) == NULL, "past end");
	check_str("name", "rate_then", refund_variant_name(REFUND_RATE_THEN),
	    "rate_then");
}

static const struct cu_test tests[] = {
	{ "refund_calc", test_calc },
	{ "refund_subtract", test_subtract },
	{ "refund_parse_percent", test_percent },
	{ "refund_credit_take", test_credit_take },
	{ "refund names", test_names },
};

int
main(void)
{
	return cu_run("refund", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
