/*
 * Table-driven unit tests of lib/valuation.c (which rate values a
 * payment: the lock's boundary, pegs, the quote of the payment's moment
 * from the history, missing and stale quotes, manual rates; its fiat
 * value and difference, rounded down) and lib/netfee.c (the fee from a
 * receipt, the coin it is shown in). Expected figures were computed with
 * python3 integers; the expression is beside them.
 */
#include "cc.h"

#include <inttypes.h>
#include <limits.h>

#include <CUnit/Basic.h>

#include "cu_run.h"

#include "config.h"
#include "jsonx.h"
#include "money.h"
#include "netfee.h"
#include "util.h"
#include "valuation.h"

#define LOCK	INT64_C(1736937000)	/* 2025-01-15T10:30:00Z */

#define S	INT64_C(1000000)	/* microseconds in a second */
#define AT(s)	((LOCK + (s)) * S)	/* a quote's time, LOCK + s seconds */

/* A rate_history row for a table line; { NULL } is no row. */
struct q {
	const char	*rate;
	const char	*source;
	int64_t		 at;	/* microseconds */
};

static const struct drow {
	const char		*name;
	int64_t			 seen_at;
	const char		*locked_source;
	struct q		 mb, fb, nx, ma;
	int			 max_age;
	enum valuation_kind	 want;
	const char		*want_rate;	/* NULL when waiting */
	const char		*want_source;
} drows[] = {
	/* The boundary: at expires_at is still within the lock. */
	{ "one second before", LOCK - 1, "coinbase", { NULL },
	    { "3100.00", "coinbase", AT(-30) }, { NULL }, { NULL }, 600,
	    VALUATION_LOCKED, "3000.50", "coinbase" },
	{ "at the second", LOCK, "coinbase", { NULL },
	    { "3100.00", "coinbase", AT(-30) }, { NULL }, { NULL }, 600,
	    VALUATION_LOCKED, "3000.50", "coinbase" },
	{ "one second after", LOCK + 1, "coinbase", { NULL },
	    { "3100.00", "coinbase", AT(-30) }, { NULL }, { NULL }, 600,
	    VALUATION_IN_FORCE, "3100.00", "coinbase" },
	{ "within the lock, no rate at all", LOCK - 60, "manual", { NULL },
	    { NULL }, { NULL }, { NULL }, 600, VALUATION_LOCKED, "3000.50",
	    "manual" },
	/* The quote of the moment, not a newer one (issue 15). */
	{ "between two quotes: the earlier", LOCK + 100, "coinbase", { NULL },
	    { "3050", "kraken", AT(90) }, { "3400", "coinbase", AT(110) },
	    { NULL }, 600, VALUATION_IN_FORCE, "3050", "kraken" },
	{ "quote at the very microsecond", LOCK + 100, "coinbase", { NULL },
	    { "3050", "kraken", AT(100) }, { "3400", "coinbase", AT(101) },
	    { NULL }, 600, VALUATION_IN_FORCE, "3050", "kraken" },
	{ "a day after, quote of that day", LOCK + 86400, "kraken", { NULL },
	    { "2900.1", "kraken", AT(86400 - 600) }, { NULL }, { NULL }, 600,
	    VALUATION_IN_FORCE, "2900.1", "kraken" },
	/* Freshness at the payment's moment. */
	{ "quote max_age before", LOCK + 1, "coinbase", { NULL },
	    { "3100", "kraken", AT(1 - 600) }, { NULL }, { NULL }, 600,
	    VALUATION_IN_FORCE, "3100", "kraken" },
	{ "quote max_age and 1 us before", LOCK + 1, "coinbase", { NULL },
	    { "3100", "kraken", AT(1 - 600) - 1 }, { NULL }, { NULL }, 600,
	    VALUATION_WAIT, NULL, NULL },
	{ "stale before, next within max_age", LOCK + 1, "coinbase", { NULL },
	    { "3100", "kraken", AT(-3600) }, { "3200", "coinbase", AT(601) },
	    { NULL }, 600, VALUATION_NEXT, "3200", "coinbase" },
	{ "none before, next 1 us later", LOCK + 1, "coinbase", { NULL },
	    { NULL }, { "3200", "coinbase", AT(1) + 1 }, { NULL }, 600,
	    VALUATION_NEXT, "3200", "coinbase" },
	{ "next max_age and 1 us after", LOCK + 1, "coinbase", { NULL },
	    { NULL }, { "3200", "coinbase", AT(601) + 1 }, { NULL }, 600,
	    VALUATION_WAIT, NULL, NULL },
	{ "nothing yet: waits", LOCK + 1, "coinbase", { NULL }, { NULL },
	    { NULL }, { NULL }, 600, VALUATION_WAIT, NULL, NULL },
	{ "feed, max_age unknown", LOCK + 1, "coinbase", { NULL },
	    { "3100", "coinbase", AT(0) }, { "3100", "coinbase", AT(2) },
	    { NULL }, -1, VALUATION_WAIT, NULL, NULL },
	/* Manual rates: in force until deleted, whatever their age. */
	{ "manual, a year old", LOCK + 1, "coinbase",
	    { "3100", "manual", AT(-31536000) }, { NULL }, { NULL }, { NULL },
	    600, VALUATION_IN_FORCE, "3100", "manual" },
	{ "manual beats a newer feed quote", LOCK + 1, "coinbase",
	    { "3100", "manual", AT(-60) }, { "3300", "kraken", AT(-1) },
	    { NULL }, { NULL }, 600, VALUATION_IN_FORCE, "3100", "manual" },
	{ "manual, max_age unknown", LOCK + 1, "coinbase",
	    { "3100", "manual", AT(-10) }, { NULL }, { NULL }, { NULL }, -1,
	    VALUATION_IN_FORCE, "3100", "manual" },
	{ "manual deleted: the feeds after it", LOCK + 1, "coinbase",
	    { NULL, "manual", AT(-60) }, { "3300", "kraken", AT(-30) },
	    { NULL }, { NULL }, 600, VALUATION_IN_FORCE, "3300", "kraken" },
	{ "manual deleted: not a feed from before", LOCK + 1, "coinbase",
	    { NULL, "manual", AT(-60) }, { "3300", "kraken", AT(-90) },
	    { NULL }, { NULL }, 600, VALUATION_WAIT, NULL, NULL },
	{ "manual set later, no quote near", LOCK + 1, "coinbase", { NULL },
	    { "3100", "kraken", AT(-7200) }, { "3150", "kraken", AT(7200) },
	    { "3120", "manual", AT(9000) }, 600, VALUATION_LATER_MANUAL,
	    "3120", "manual" },
	{ "manual set later, max_age unknown", LOCK + 1, "coinbase", { NULL },
	    { NULL }, { "3120", "manual", AT(30) },
	    { "3120", "manual", AT(30) }, -1, VALUATION_LATER_MANUAL, "3120",
	    "manual" },
	{ "next quote first, then manual", LOCK + 1, "coinbase", { NULL },
	    { NULL }, { "3150", "kraken", AT(30) },
	    { "3120", "manual", AT(60) }, 600, VALUATION_NEXT, "3150",
	    "kraken" },
	{ "manual 'after' at the second is not", LOCK + 1, "coinbase",
	    { NULL }, { NULL }, { NULL }, { "3120", "manual", AT(1) }, 600,
	    VALUATION_WAIT, NULL, NULL },
	/* Pegs keep the peg, whatever the history says. */
	{ "peg, after", LOCK + 1, "peg", { NULL },
	    { "0.999", "coinbase", AT(0) }, { NULL }, { NULL }, 600,
	    VALUATION_PEG, "3000.50", "peg" },
	{ "peg, after, no rate", LOCK + 3600, "peg", { NULL }, { NULL },
	    { NULL }, { NULL }, 600, VALUATION_PEG, "3000.50", "peg" },
	{ "peg, within", LOCK, "peg", { NULL }, { NULL }, { NULL }, { NULL },
	    600, VALUATION_LOCKED, "3000.50", "peg" },
	/* Rows that cannot serve are as good as none. */
	{ "zero rate", LOCK + 1, "coinbase", { "0.00", "manual", AT(0) },
	    { NULL }, { NULL }, { NULL }, 600, VALUATION_WAIT, NULL, NULL },
	{ "garbage rate", LOCK + 1, "coinbase", { NULL },
	    { "3e3", "kraken", AT(0) }, { NULL }, { NULL }, 600,
	    VALUATION_WAIT, NULL, NULL },
	{ "garbage before, good next", LOCK + 1, "coinbase", { NULL },
	    { "3e3", "kraken", AT(0) }, { "3001", "kraken", AT(5) },
	    { NULL }, 600, VALUATION_NEXT, "3001", "kraken" },
	{ "a 'before' from the future", LOCK + 1, "coinbase", { NULL },
	    { "3100", "kraken", AT(2) }, { NULL }, { NULL }, 600,
	    VALUATION_WAIT, NULL, NULL },
	{ "a 'next' from the past", LOCK + 1, "coinbase", { NULL },
	    { NULL }, { "3100", "kraken", AT(0) }, { NULL }, 600,
	    VALUATION_WAIT, NULL, NULL },
	{ "extreme times do not overflow", INT64_MAX, "coinbase", { NULL },
	    { "3100", "kraken", INT64_MIN }, { "3100", "kraken", INT64_MAX },
	    { NULL }, INT_MAX, VALUATION_WAIT, NULL, NULL },
};

static void
set_quote(struct valuation_quote *v, const struct q *q)
{
	v->rate = q->rate;
	v->source = q->source;
	v->at_us = q->at;
}

static void
test_decide(void)
{
	struct valuation_in in;
	struct valuation_out out;
	char txt[64];
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(drows); i++) {
		const struct drow *d = &drows[i];

		memset(&in, 0, sizeof(in));
		in.seen_at = d->seen_at;
		in.lock_until = LOCK;
		in.locked_rate = "3000.50";
		in.locked_source = d->locked_source;
		set_quote(&in.manual_before, &d->mb);
		set_quote(&in.feed_before, &d->fb);
		set_quote(&in.next, &d->nx);
		set_quote(&in.manual_after, &d->ma);
		in.max_age = d->max_age;
		memset(&out, 0x5a, sizeof(out));
		rc = valuation_decide(&in, &out);
		EXPECT(rc == 0 && out.kind == d->want, "%s: rc %d kind %s",
		    d->name, rc, valuation_kind_name(out.kind) ?
		    valuation_kind_name(out.kind) : "?");
		if (rc != 0 || out.kind != d->want)
			continue;
		EXPECT(out.locked == (d->want == VALUATION_LOCKED),
		    "%s: locked %d", d->name, out.locked);
		if (d->want_rate == NULL) {
			EXPECT(out.rate.mant == 0 && out.rate_text[0] == '\0',
			    "%s: a rate", d->name);
			continue;
		}
		money_format_dec_trim(&out.rate, txt, sizeof(txt));
		EXPECT(strcmp(out.rate_text, d->want_rate) == 0 &&
		    strncmp(txt, d->want_rate, strlen(txt)) == 0 &&
		    strcmp(out.source, d->want_source) == 0,
		    "%s: %s from %s", d->name, out.rate_text, out.source);
	}
	/* The invoice's own rate must be readable. */
	memset(&in, 0, sizeof(in));
	in.locked_source = "coinbase";
	in.locked_rate = "abc";
	EXPECT(valuation_decide(&in, &out) == -1, "bad locked rate");
	in.locked_rate = "0";
	EXPECT(valuation_decide(&in, &out) == -1, "zero locked rate");
	in.locked_rate = NULL;
	EXPECT(valuation_decide(&in, &out) == -1, "no locked rate");
	EXPECT(valuation_kind_name(VALUATION__MAX) == NULL, "kind name");
	EXPECT(strcmp(valuation_kind_name(VALUATION_LATER_MANUAL),
	    "later_manual") == 0, "kind name");
}

static const struct arow {
	const char	*name;
	const char	*units;
	int		 decimals;
	const char	*rate;
	const char	*locked;
	int		 exponent;
	int64_t		 value;
	int64_t		 diff;
} arows[] = {
	/* 0.01 ETH: 31.00 at 3100, 30.00 at 3000 */
	{ "eth up", "10000000000000000", 18, "3100", "3000", 2, 3100, 100 },
	{ "eth down", "10000000000000000", 18, "2900", "3000", 2, 2900,
	    -100 },
	{ "same rate", "10000000000000000", 18, "3000", "3000.00", 2, 3000,
	    0 },
	/* 1 wei: 0 cents at either rate */
	{ "one wei", "1", 18, "3100", "3000", 2, 0, 0 },
	/* 16.489999 USDT at 1.0001: floor(16489999 * 10001 / 10^8) */
	{ "rounding down", "16489999", 6, "1.0001", "1", 2, 1649, 1 },
	/* floor(333333333333333333 * 3000.50 / 10^16) = 100016 */
	{ "a third of an eth", "333333333333333333", 18, "3000.50", "2999",
	    2, 100016, 50 },
	/* JPY, exponent 0: floor(1.5 * 155.37) = 233, 1.5 * 150 = 225 */
	{ "jpy", "1500000", 6, "155.37", "150", 0, 233, 8 },
};

static void
test_amounts(void)
{
	struct money_dec rate, locked;
	unsigned __int128 units;
	int64_t v, d;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(arows); i++) {
		const struct arow *a = &arows[i];

		units = u128(a->units);
		EXPECT(money_parse_dec(a->rate, 18, &rate) == MONEY_OK &&
		    money_parse_dec(a->locked, 18, &locked) == MONEY_OK,
		    "%s: rates", a->name);
		v = d = -7;
		EXPECT(valuation_amounts(units, a->decimals, &rate, &locked,
		    a->exponent, &v, &d) == 0 && v == a->value &&
		    d == a->diff, "%s: %" PRId64 " %" PRId64, a->name, v, d);
	}
	locked.mant = 0;
	locked.scale = 0;
	EXPECT(valuation_amounts(1, 6, &rate, &locked, 2, &v, &d) == -1,
	    "zero locked rate");
	rate.mant = ~(unsigned __int128)0;
	rate.scale = 0;
	locked.mant = 1;
	EXPECT(valuation_amounts(~(unsigned __int128)0, 0, &rate, &locked,
	    2, &v, &d) == -1, "beyond int64");
}

static void
test_sums(void)
{
	struct valuation_sums s;
	struct money_dec r1 = { 310000, 2 }, r2 = { 290000, 2 };
	char b[48];

	memset(&s, 0, sizeof(s));
	/* 0.0100000000000000009 ETH at 3100: 31.00 (not 31.000...3) */
	EXPECT(valuation_sums_add(&s, u128("10000000000000001"), 18, &r1, 2,
	    true) == 0, "add 1");
	/* seen only, at 2900: 29.00 */
	EXPECT(valuation_sums_add(&s, u128("10000000000000000"), 18, &r2, 2,
	    false) == 0, "add 2");
	EXPECT(s.confirmed_minor == 3100 && s.seen_minor == 6000,
	    "sums %" PRId64 " %" PRId64, s.confirmed_minor, s.seen_minor);
	EXPECT(s.confirmed_units == u128("10000000000000001"), "units %s",
	    u128s(s.confirmed_units, b, sizeof(b)));
	/* The latest confirmed rate prices an overpayment. */
	EXPECT(s.last_rate.mant == 310000 && s.last_rate.scale == 2,
	    "last rate");
	/* Each payment rounds down on its own: 0.005 + 0.005 is 0. */
	memset(&s, 0, sizeof(s));
	r1.mant = 1;
	r1.scale = 0;
	EXPECT(valuation_sums_add(&s, 5000, 6, &r1, 2, true) == 0 &&
	    valuation_sums_add(&s, 5000, 6, &r1, 2, true) == 0 &&
	    s.confirmed_minor == 0 && s.seen_minor == 0 &&
	    s.confirmed_units == 10000, "per-payment floor");
	s.seen_minor = INT64_MAX;
	s.confirmed_minor = 5;
	EXPECT(valuation_sums_add(&s, 1000000, 6, &r1, 2, true) == -1 &&
	    s.confirmed_minor == 5, "overflow leaves the sums");
}

static void
test_annotate(void)
{
	static const char in[] = "[{\"amount\": \"10000000000000000\", "
	    "\"rate\": \"3100.00\", \"network_fee\": \"21000000000000\"}, "
	    "{\"amount\": \"10000000000000000\", \"rate\": null, "
	    "\"network_fee\": null}]";
	static const char want[] = "[{\"amount\":\"10000000000000000\","
	    "\"rate\":3100.00,\"network_fee\":0.000021,"
	    "\"fiat_amount\":31.00,\"rate_difference\":1.00,"
	    "\"network_fee_currency\":\"ETH\"},"
	    "{\"amount\":\"10000000000000000\",\"rate\":null,"
	    "\"network_fee\":null,\"fiat_amount\":null,"
	    "\"rate_difference\":null,\"network_fee_currency\":\"ETH\"}]";
	struct cc_network net;
	char err[64];
	json_object *o;

	memset(&net, 0, sizeof(net));
	net.kind = ADDRESS_EVM;
	o = jsonx_parse(in, strlen(in), err, sizeof(err));
	EXPECT(o != NULL, "parse: %s", err);
	if (o == NULL)
		return;
	valuation_annotate(o, 18, "3000", 2);
	netfee_annotate(o, &net);
	EXPECT(strcmp(jsonx_text(o), want) == 0, "got %s", jsonx_text(o));
	json_object_put(o);
}

static const struct frow {
	const char		*name;
	const char		*receipt;	/* JSON text; NULL: null */
	enum netfee_result	 want;
	const char		*fee;
} frows[] = {
	/* 21000 gas at 1 gwei */
	{ "transfer", "{\"blockHash\": \"0xAB\", \"gasUsed\": \"0x5208\", "
	    "\"effectiveGasPrice\": \"0x3b9aca00\"}", NETFEE_OK,
	    "21000000000000" },
	/* 0xfd2a = 64810 gas at 0x77359400 = 2 gwei */
	{ "token", "{\"blockHash\": \"0xab\", \"gasUsed\": \"0xfd2a\", "
	    "\"effectiveGasPrice\": \"0x77359400\"}", NETFEE_OK,
	    "129620000000000" },
	{ "free", "{\"blockHash\": \"0xab\", \"gasUsed\": \"0x5208\", "
	    "\"effectiveGasPrice\": \"0x0\"}", NETFEE_OK, "0" },
	/* 2^64-1 gas at 2^64 wei: (2^64 - 1) * 2^64 */
	{ "huge but fits", "{\"blockHash\": \"0xab\", \"gasUsed\": "
	    "\"0xffffffffffffffff\", \"effectiveGasPrice\": "
	    "\"0x10000000000000000\"}", NETFEE_OK,
	    "340282366920938463444927863358058659840" },
	{ "overflow", "{\"blockHash\": \"0xab\", \"gasUsed\": "
	    "\"0x20000000000000000\", \"effectiveGasPrice\": "
	    "\"0xffffffffffffffffffffffffffffffff\"}", NETFEE_NONE, NULL },
	{ "legacy: no effectiveGasPrice", "{\"blockHash\": \"0xab\", "
	    "\"gasUsed\": \"0x5208\"}", NETFEE_NONE, NULL },
	{ "no gasUsed", "{\"blockHash\": \"0xab\", "
	    "\"effectiveGasPrice\": \"0x1\"}", NETFEE_NONE, NULL },
	{ "a number, not a quantity", "{\"blockHash\": \"0xab\", "
	    "\"gasUsed\": 21000, \"effectiveGasPrice\": \"0x1\"}",
	    NETFEE_NONE, NULL },
	{ "leading zero", "{\"blockHash\": \"0xab\", \"gasUsed\": "
	    "\"0x05208\", \"effectiveGasPrice\": \"0x1\"}", NETFEE_NONE,
	    NULL },
	{ "another block", "{\"blockHash\": \"0xcd\", \"gasUsed\": "
	    "\"0x5208\", \"effectiveGasPrice\": \"0x1\"}", NETFEE_NOT_YET,
	    NULL },
	{ "no block hash", "{\"gasUsed\": \"0x5208\", "
	    "\"effectiveGasPrice\": \"0x1\"}", NETFEE_NOT_YET, NULL },
	{ "null", NULL, NETFEE_NOT_YET, NULL },
	{ "an array", "[]", NETFEE_NOT_YET, NULL },
};

static void
test_receipt(void)
{
	unsigned __int128 fee;
	enum netfee_result k;
	json_object *o;
	char err[64], b[48];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(frows); i++) {
		const struct frow *f = &frows[i];

		o = f->receipt == NULL ? NULL : jsonx_parse(f->receipt,
		    strlen(f->receipt), err, sizeof(err));
		EXPECT(f->receipt == NULL || o != NULL, "%s: %s", f->name,
		    err);
		fee = 7;
		k = netfee_from_receipt(o, "0xab", &fee);
		EXPECT(k == f->want, "%s: %d", f->name, (int)k);
		if (k == NETFEE_OK && f->fee != NULL)
			EXPECT(fee == u128(f->fee), "%s: fee %s", f->name,
			    u128s(fee, b, sizeof(b)));
		json_object_put(o);
	}
}

static void
test_coin(void)
{
	struct cc_network net;
	const char *sym = NULL;
	int dec = -1;

	memset(&net, 0, sizeof(net));
	net.kind = ADDRESS_TRON;
	netfee_coin(&net, &sym, &dec);
	EXPECT(strcmp(sym, "TRX") == 0 && dec == 6, "tron: %s %d", sym, dec);
	net.kind = ADDRESS_EVM;
	netfee_coin(&net, &sym, &dec);
	EXPECT(strcmp(sym, "ETH") == 0 && dec == 18, "evm: %s %d", sym, dec);
	/* A configured native asset wins (a token does not). */
	net.nassets = 2;
	cc_strlcpy(net.assets[0].symbol, "USDT", sizeof(net.assets[0].symbol));
	net.assets[0].decimals = 6;
	cc_strlcpy(net.assets[1].symbol, "POL", sizeof(net.assets[1].symbol));
	net.assets[1].decimals = 18;
	net.assets[1].native = true;
	netfee_coin(&net, &sym, &dec);
	EXPECT(strcmp(sym, "POL") == 0 && dec == 18, "native: %s %d", sym,
	    dec);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "decide", test_decide },
		{ "amounts", test_amounts },
		{ "sums", test_sums },
		{ "annotate", test_annotate },
		{ "receipt", test_receipt },
		{ "coin", test_coin },
	};

	return cu_run("valuation", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
