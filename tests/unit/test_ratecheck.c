/*
 * Unit tests of lib/ratecheck.c: a quote's text (the sources' real
 * spellings, exponent forms, nonsense), the deviation rule in exact
 * arithmetic, and the choice among sources' quotes.
 */
#include "cc.h"

#include "cu_run.h"

#include "money.h"
#include "ratecheck.h"
#include "util.h"

struct quote_row {
	const char		*text;
	enum ratecheck_err	 want;
	const char		*plain;		/* when RATECHECK_OK */
};

static const struct quote_row quote_rows[] = {
	/* Coinbase's strings, Kraken's padded last price, CoinGecko's
	 * numbers as their JSON text. */
	{ "3012.34", RATECHECK_OK, "3012.34" },
	{ "3012.10000", RATECHECK_OK, "3012.1" },
	{ "97234.5", RATECHECK_OK, "97234.5" },
	{ "0.2514", RATECHECK_OK, "0.2514" },
	{ "3012", RATECHECK_OK, "3012" },
	{ "1", RATECHECK_OK, "1" },
	{ "0.000000000000000001", RATECHECK_OK, "0.000000000000000001" },
	/* Exponent forms, exactly. */
	{ "1.5e-05", RATECHECK_OK, "0.000015" },
	{ "1.5E-5", RATECHECK_OK, "0.000015" },
	{ "3.01234e3", RATECHECK_OK, "3012.34" },
	{ "3.01234E+3", RATECHECK_OK, "3012.34" },
	{ "1e3", RATECHECK_OK, "1000" },
	{ "2e0", RATECHECK_OK, "2" },
	{ "30123.4e-1", RATECHECK_OK, "3012.34" },
	{ "0.5e1", RATECHECK_OK, "5" },
	{ "1e-18", RATECHECK_OK, "0.000000000000000001" },
	{ "1e-19", RATECHECK_ESCALE, NULL },
	{ "1.2345e-17", RATECHECK_ESCALE, NULL },
	{ "1e29", RATECHECK_OK, "100000000000000000000000000000" },
	{ "1e30", RATECHECK_ERANGE, NULL },
	{ "1e999", RATECHECK_ERANGE, NULL },
	{ "1e-999", RATECHECK_ERANGE, NULL },
	/* Nonsense. */
	{ "0", RATECHECK_EZERO, NULL },
	{ "0.00000", RATECHECK_EZERO, NULL },
	{ "0e5", RATECHECK_EZERO, NULL },
	{ "-0", RATECHECK_EZERO, NULL },
	{ "-3012.34", RATECHECK_ENEGATIVE, NULL },
	{ "-1e-5", RATECHECK_ENEGATIVE, NULL },
	{ "", RATECHECK_ESYNTAX, NULL },
	{ "abc", RATECHECK_ESYNTAX, NULL },
	{ "NaN", RATECHECK_ESYNTAX, NULL },
	{ "Infinity", RATECHECK_ESYNTAX, NULL },
	{ "3,012.34", RATECHECK_ESYNTAX, NULL },
	{ "3012,34", RATECHECK_ESYNTAX, NULL },
	{ " 3012.34", RATECHECK_ESYNTAX, NULL },
	{ "3012.34 ", RATECHECK_ESYNTAX, NULL },
	{ "+3012.34", RATECHECK_ESYNTAX, NULL },
	{ "03012.34", RATECHECK_ESYNTAX, NULL },
	{ ".5", RATECHECK_ESYNTAX, NULL },
	{ "5.", RATECHECK_ESYNTAX, NULL },
	{ "1e", RATECHECK_ESYNTAX, NULL },
	{ "1e+", RATECHECK_ESYNTAX, NULL },
	{ "0x10", RATECHECK_ESYNTAX, NULL },
	{ "3012.34USD", RATECHECK_ESYNTAX, NULL },
	{ "1.0000000000000000001", RATECHECK_ESCALE, NULL },
	{ "1234567890123456789012345678901", RATECHECK_ERANGE, NULL },
	{ "1234567890123456789012345678901234567890123456789012345678901234"
	    "5", RATECHECK_ERANGE, NULL },
};

static void
test_quote(void)
{
	struct money_dec d;
	char plain[2 * CC_MAX_DECIMAL_DIGITS], got[80];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(quote_rows); i++) {
		const struct quote_row *r = &quote_rows[i];
		enum ratecheck_err e;

		plain[0] = '\0';
		e = ratecheck_quote(r->text, &d, plain, sizeof(plain));
		check_int("ratecheck_quote", r->text, e, r->want);
		if (r->want != RATECHECK_OK || e != RATECHECK_OK)
			continue;
		check_str("plain", r->text, plain, r->plain);
		money_format_dec_trim(&d, got, sizeof(got));
		check_str("value", r->text, got, r->plain);
	}
	EXPECT(ratecheck_quote(NULL, &d, NULL, 0) == RATECHECK_ESYNTAX,
	    "NULL");
	EXPECT(strcmp(ratecheck_strerror(RATECHECK__MAX),
	    "unknown error") == 0, "__MAX");
}

struct dev_row {
	const char	*text;
	bool		 ok;
};

static const struct dev_row dev_rows[] = {
	{ "5", true }, { "2.5", true }, { "0.25", true }, { "100", true },
	{ "100.00", true }, { "0.01", true },
	{ "0", false }, { "0.00", false }, { "100.01", false },
	{ "101", false }, { "-5", false }, { "0.001", false }, { "5%", false },
	{ "", false }, { "1e1", false },
};

static void
test_parse_deviation(void)
{
	struct money_dec d;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(dev_rows); i++)
		check_int("ratecheck_parse_deviation", dev_rows[i].text,
		    ratecheck_parse_deviation(dev_rows[i].text, &d) == 0,
		    dev_rows[i].ok);
}

static struct money_dec
dec(const char *s)
{
	struct money_dec d = { 0, 0 };

	if (money_parse_dec(s, 30, &d) != MONEY_OK)
		CU_FAIL("bad test decimal");
	return d;
}

struct within_row {
	const char	*rate, *ref, *dev;
	bool		 within;
	const char	*pct;
};

static const struct within_row within_rows[] = {
	/* Exactly at the bound is within: 5% of 3000 is 150. */
	{ "3150", "3000", "5", true, "5.00%" },
	{ "2850", "3000", "5", true, "5.00%" },
	{ "3150.000000000000000001", "3000", "5", false, "5.01%" },
	{ "2849.99", "3000", "5", false, "5.01%" },
	{ "3012.34", "3012.1", "0.01", true, "0.01%" },
	{ "3012.34", "3011", "0.01", false, "0.05%" },
	{ "3500", "3012.34", "5", false, "16.19%" },
	{ "3012.34", "3012.34", "0.01", true, "0.00%" },
	/* A different scale on each side, compared exactly. */
	{ "0.000015", "0.0000151", "1", true, "0.67%" },
	{ "0.000015", "0.0000152", "1", false, "1.32%" },
	{ "97234.5", "97000", "0.25", true, "0.25%" },
	{ "6000", "3000", "100", true, "100.00%" },
	{ "6000.01", "3000", "100", false, "100.01%" },
};

static void
test_within(void)
{
	char pct[32];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(within_rows); i++) {
		const struct within_row *r = &within_rows[i];
		struct money_dec a = dec(r->rate), b = dec(r->ref),
		    d = dec(r->dev);

		check_int("ratecheck_within", r->rate,
		    ratecheck_within(&a, &b, &d), r->within);
		ratecheck_percent(&a, &b, pct, sizeof(pct));
		check_str("ratecheck_percent", r->rate, pct, r->pct);
	}
}

/* A decision: up to three sources' quotes ("" = the source failed). */
struct decide_row {
	const char	*name;
	const char	*q[3];
	size_t		 n;
	const char	*last;		/* NULL: none */
	bool		 fresh;
	int		 want;		/* index stored, -1 */
	const char	*accepted;	/* "ynn": each quote's verdict */
	const char	*why;		/* in why when -1 */
};

static const struct decide_row decide_rows[] = {
	{ "agree", { "3012.34", "3012.1" }, 2, NULL, false, 0, "yy", NULL },
	{ "agree, near last", { "3012.34", "3012.1" }, 2, "3000", true, 0,
	    "yy", NULL },
	{ "agree, stale last far", { "3012.34", "3012.1" }, 2, "1000", false,
	    0, "yy", NULL },
	{ "agree, jump from fresh last", { "3300", "3290" }, 2, "3000", true,
	    -1, "nn", "a jump: 3300 is 10.00% from the last rate 3000" },
	{ "disagree", { "3012.34", "3500" }, 2, NULL, false, -1, "nn",
	    "sources disagree: s0 3012.34, s1 3500 (16.19% apart)" },
	{ "disagree, fresh last", { "3012.34", "3500" }, 2, "3010", true, -1,
	    "nn", "sources disagree" },
	{ "first failed, two agree", { "", "3012.34", "3012.1" }, 3, NULL,
	    false, 1, "nyy", NULL },
	{ "preferred is the outlier", { "9000", "3012.34", "3012.1" }, 3,
	    NULL, false, 1, "nyy", NULL },
	{ "third disagrees", { "3012.34", "3012.1", "2000" }, 3, NULL, false,
	    0, "yyn", NULL },
	{ "all three apart", { "1000", "2000", "3000" }, 3, NULL, false, -1,
	    "nnn", "sources disagree: s0 1000, s1 2000" },
	{ "one of two, fresh last near", { "", "3012.1" }, 2, "3000", true, 1,
	    "ny", NULL },
	{ "one of two, fresh last far", { "", "3500" }, 2, "3000", true, -1,
	    "nn", "a jump" },
	{ "one of two, no last", { "3012.34", "" }, 2, NULL, false, -1, "nn",
	    "only s0 answered, and no recent rate confirms it" },
	{ "one of two, stale last", { "3012.34", "" }, 2, "3012", false, -1,
	    "nn", "only s0 answered" },
	{ "none", { "", "" }, 2, "3000", true, -1, "nn",
	    "no source gave a valid rate" },
	{ "single source, no last", { "3012.34" }, 1, NULL, false, 0, "y",
	    NULL },
	{ "single source, fresh last near", { "3012.34" }, 1, "3000", true, 0,
	    "y", NULL },
	{ "single source, fresh last far", { "4000" }, 1, "3000", true, -1,
	    "n", "a jump: 4000 is 33.34% from the last rate 3000" },
	{ "single source, stale last far", { "4000" }, 1, "3000", false, 0,
	    "y", NULL },
	{ "single source failed", { "" }, 1, NULL, false, -1, "n",
	    "no source gave a valid rate" },
};

static void
test_decide(void)
{
	static const char *const names[] = { "s0", "s1", "s2" };
	struct money_dec dev = dec("5");
	char why[RATECHECK_WHY * 2];
	size_t i, j;

	for (i = 0; i < CC_ARRAY_SIZE(decide_rows); i++) {
		const struct decide_row *r = &decide_rows[i];
		struct ratecheck_quote q[3];
		struct ratecheck_last last;
		int got;

		memset(q, 0, sizeof(q));
		memset(&last, 0, sizeof(last));
		for (j = 0; j < r->n; j++) {
			q[j].source = names[j];
			q[j].ok = r->q[j][0] != '\0';
			if (q[j].ok)
				q[j].rate = dec(r->q[j]);
			else
				cc_strlcpy(q[j].why, "HTTP 502",
				    sizeof(q[j].why));
		}
		if (r->last != NULL) {
			last.have = true;
			last.fresh = r->fresh;
			last.rate = dec(r->last);
		}
		got = ratecheck_decide(q, r->n, &last, &dev, why, sizeof(why));
		check_int("ratecheck_decide", r->name, got, r->want);
		for (j = 0; j < r->n; j++) {
			check_int("accepted", r->name, q[j].accepted,
			    r->accepted[j] == 'y');
			/* Every refused quote says why. */
			if (!q[j].accepted)
				EXPECT(q[j].why[0] != '\0', "%s: quote %zu "
				    "has no reason", r->name, j);
		}
		if (r->why != NULL)
			check_has("why", r->name, why, r->why);
		if (got >= 0)
			check_str("why", r->name, why, "");
	}
}

static const struct cu_test tests[] = {
	{ "ratecheck_quote", test_quote },
	{ "ratecheck_parse_deviation", test_parse_deviation },
	{ "ratecheck_within", test_within },
	{ "ratecheck_decide", test_decide },
};

int
main(void)
{
	return cu_run("ratecheck", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
