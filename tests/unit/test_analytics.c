/*
 * Table-driven unit tests of lib/analytics.c's pure parts: the query's
 * parameter checks, bucket bounds, labels, and the exact percentage and
 * average arithmetic. Expected figures were worked out by hand (or with
 * python3's integers, written beside them).
 */
#include "cc.h"

#include <CUnit/Basic.h>

#include "cu_run.h"

#include "analytics.h"
#include "config.h"
#include "http.h"
#include "input.h"
#include "jsonx.h"

static struct cc_config cfg;

static int
init(void)
{
	static const struct cc_currency cur[] = {
		{ "USD", 2, 50, 1000000 },
		{ "EUR", 2, 50, 1000000 },
		{ "JPY", 0, 50, 1000000 },
	};

	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.currencies, cur, sizeof(cur));
	cfg.ncurrencies = CC_ARRAY_SIZE(cur);
	return 0;
}

static void
test_query(void)
{
	static const struct {
		const char	*query;
		int		 status;	/* 0: accepted */
		const char	*code, *field;
		/* accepted: what it came to */
		enum analytics_period	 period;
		enum analytics_group	 group;
		const char	*tz, *currency;
	} rows[] = {
		{ "", 0, NULL, NULL, AP_30D, AG_DAY, "UTC", "" },
		{ "period=1d&group_by=hour", 0, NULL, NULL, AP_1D, AG_HOUR,
		    "UTC", "" },
		{ "period=7d&group_by=day&timezone=Europe/Berlin", 0, NULL,
		    NULL, AP_7D, AG_DAY, "Europe/Berlin", "" },
		{ "period=90d&group_by=hour", 0, NULL, NULL, AP_90D, AG_HOUR,
		    "UTC", "" },
		{ "period=1y&group_by=week&currency=EUR", 0, NULL, NULL, AP_1Y,
		    AG_WEEK, "UTC", "EUR" },
		{ "period=1y&group_by=month&timezone=America/Argentina/"
		    "Buenos_Aires", 0, NULL, NULL, AP_1Y, AG_MONTH,
		    "America/Argentina/Buenos_Aires", "" },
		{ "timezone=Etc/GMT%2B3", 0, NULL, NULL, AP_30D, AG_DAY,
		    "Etc/GMT+3", "" },
		{ "currency=JPY", 0, NULL, NULL, AP_30D, AG_DAY, "UTC", "JPY" },
		/* Refused: each names its parameter. */
		{ "period=2d", 422, "INVALID_PARAMETER", "period",
		    0, 0, NULL, NULL },
		{ "period=30D", 422, "INVALID_PARAMETER", "period",
		    0, 0, NULL, NULL },
		{ "period=", 422, "INVALID_PARAMETER", "period",
		    0, 0, NULL, NULL },
		{ "group_by=year", 422, "INVALID_PARAMETER", "group_by",
		    0, 0, NULL, NULL },
		{ "group_by=Day", 422, "INVALID_PARAMETER", "group_by",
		    0, 0, NULL, NULL },
		{ "timezone=", 422, "INVALID_PARAMETER", "timezone",
		    0, 0, NULL, NULL },
		{ "timezone=Europe//Berlin", 422, "INVALID_PARAMETER",
		    "timezone",
		    0, 0, NULL, NULL },
		{ "timezone=/Europe", 422, "INVALID_PARAMETER", "timezone",
		    0, 0, NULL, NULL },
		{ "timezone=Europe/", 422, "INVALID_PARAMETER", "timezone",
		    0, 0, NULL, NULL },
		{ "timezone=Europe/Berlin%27;--", 422, "INVALID_PARAMETER",
		    "timezone",
		    0, 0, NULL, NULL },
		{ "timezone=..%2Fetc", 422, "INVALID_PARAMETER", "timezone",
		    0, 0, NULL, NULL },
		{ "timezone=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaa", 422, "INVALID_PARAMETER", "timezone",
		    0, 0, NULL, NULL },
		{ "currency=usd", 422, "INVALID_PARAMETER", "currency",
		    0, 0, NULL, NULL },
		{ "currency=US", 422, "INVALID_PARAMETER", "currency",
		    0, 0, NULL, NULL },
		{ "currency=GBP", 422, "UNSUPPORTED_CURRENCY", "currency",
		    0, 0, NULL, NULL },
		{ "period=1y&group_by=hour", 422, "TOO_MANY_BUCKETS",
		    "group_by",
		    0, 0, NULL, NULL },
		{ "colour=red", 422, "INVALID_PARAMETER", "colour",
		    0, 0, NULL, NULL },
		{ "limit=10", 422, "INVALID_PARAMETER", "limit",
		    0, 0, NULL, NULL },
	};
	struct analytics_params p;
	struct http_query q;
	struct input_error e;
	char bad[64];
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		memset(&e, 0, sizeof(e));
		if (http_query_parse(rows[i].query, &q, bad,
		    sizeof(bad)) == -1) {
			EXPECT(0, "row %zu: does not parse", i);
			continue;
		}
		rc = analytics_params_query(&q, &cfg, &p, &e);
		if (rows[i].status == 0) {
			EXPECT(rc == 0, "row %zu: refused: %s", i, e.message);
			EXPECT(rc != 0 || (p.period == rows[i].period &&
			    p.group == rows[i].group), "row %zu: values", i);
			if (rc == 0) {
				check_str("tz", cu_row(i), p.timezone,
				    rows[i].tz);
				check_str("currency", cu_row(i), p.currency,
				    rows[i].currency);
			}
		} else {
			EXPECT(rc == -1, "row %zu: accepted", i);
			check_int("status", cu_row(i), e.status,
			    rows[i].status);
			check_str("code", cu_row(i), e.code, rows[i].code);
			check_str("field", cu_row(i), e.field, rows[i].field);
		}
		input_error_release(&e);
		http_query_release(&q);
	}
}

/* The refusals that carry constraints say so. */
static void
test_constraints(void)
{
	struct analytics_params p;
	struct input_error e;
	json_object *c, *m;

	memset(&e, 0, sizeof(e));
	CU_ASSERT(analytics_params_set(&p, &cfg, "1y", "hour", NULL, NULL,
	    "--group-by", "--currency", &e) == -1);
	check_str("field", "1y hour", e.field, "--group-by");
	CU_ASSERT(e.extra != NULL &&
	    json_object_object_get_ex(e.extra, "constraints", &c) &&
	    json_object_object_get_ex(c, "max_buckets", &m) &&
	    json_object_get_int(m) == ANALYTICS_MAX_BUCKETS);
	input_error_release(&e);
	/* Field names are the caller's (cc-admin's options). */
	CU_ASSERT(analytics_params_set(&p, &cfg, NULL, NULL, NULL, "CHF",
	    "--group-by", "--currency", &e) == -1);
	check_str("field", "CHF", e.field, "--currency");
	check_str("code", "CHF", e.code, "UNSUPPORTED_CURRENCY");
	input_error_release(&e);
}

static void
test_max_buckets(void)
{
	static const struct {
		enum analytics_period	 p;
		enum analytics_group	 g;
		int			 want;
	} rows[] = {
		{ AP_1D, AG_HOUR, 25 },
		{ AP_7D, AG_HOUR, 169 },
		{ AP_30D, AG_HOUR, 721 },
		{ AP_90D, AG_HOUR, 2161 },
		{ AP_1Y, AG_HOUR, 8785 },
		{ AP_1D, AG_DAY, 1 },
		{ AP_30D, AG_DAY, 30 },
		{ AP_1Y, AG_DAY, 366 },
		{ AP_30D, AG_WEEK, 6 },		/* 30 // 7 + 2 */
		{ AP_1Y, AG_WEEK, 54 },
		{ AP_1D, AG_MONTH, 2 },
		{ AP_1Y, AG_MONTH, 15 },	/* 366 // 28 + 2 */
		{ AP__MAX, AG_DAY, -1 },
		{ AP_1D, AG__MAX, -1 },
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++)
		check_int("buckets", cu_row(i),
		    analytics_max_buckets(rows[i].p, rows[i].g), rows[i].want);
	/* Every pair but 1y by hour fits. */
	CU_ASSERT(analytics_max_buckets(AP_90D, AG_HOUR) <=
	    ANALYTICS_MAX_BUCKETS);
	CU_ASSERT(analytics_max_buckets(AP_1Y, AG_HOUR) >
	    ANALYTICS_MAX_BUCKETS);
}

static void
test_labels(void)
{
	static const struct {
		enum analytics_group	 g;
		int			 y, mo, d, h, mi, off;
		const char		*want;	/* NULL: refused */
	} rows[] = {
		{ AG_DAY, 2025, 1, 1, 0, 0, 0, "2025-01-01" },
		{ AG_DAY, 2025, 3, 30, 0, 0, 3600, "2025-03-30" },
		{ AG_WEEK, 2024, 12, 30, 0, 0, 0, "2024-12-30" },
		{ AG_MONTH, 2025, 2, 1, 0, 0, -18000, "2025-02" },
		{ AG_HOUR, 2025, 3, 30, 1, 0, 3600,
		    "2025-03-30T01:00:00+01:00" },
		{ AG_HOUR, 2025, 3, 30, 3, 0, 7200,
		    "2025-03-30T03:00:00+02:00" },
		/* The two 02:00 of a night turning clocks back. */
		{ AG_HOUR, 2025, 10, 26, 2, 0, 7200,
		    "2025-10-26T02:00:00+02:00" },
		{ AG_HOUR, 2025, 10, 26, 2, 0, 3600,
		    "2025-10-26T02:00:00+01:00" },
		{ AG_HOUR, 2025, 11, 2, 1, 0, -14400,
		    "2025-11-02T01:00:00-04:00" },
		{ AG_HOUR, 2025, 1, 1, 0, 0, 0, "2025-01-01T00:00:00+00:00" },
		/* Lord Howe: a half-hour change moves hours to :30. */
		{ AG_HOUR, 2025, 4, 6, 1, 30, 37800,
		    "2025-04-06T01:30:00+10:30" },
		{ AG_DAY, 2025, 4, 6, 1, 30, 37800, "2025-04-06" },
		{ AG_HOUR, 2025, 1, 1, 0, 60, 0, NULL },
		{ AG_HOUR, 2025, 1, 1, 0, -1, 0, NULL },
		{ AG_HOUR, 2025, 6, 1, 23, 0, 20700,
		    "2025-06-01T23:00:00+05:45" },
		{ AG_HOUR, 2025, 6, 1, 5, 0, -34200,
		    "2025-06-01T05:00:00-09:30" },
		{ AG_HOUR, 2025, 6, 1, 5, 0, 50400,
		    "2025-06-01T05:00:00+14:00" },
		{ AG_DAY, 2025, 13, 1, 0, 0, 0, NULL },
		{ AG_DAY, 2025, 0, 1, 0, 0, 0, NULL },
		{ AG_DAY, 2025, 1, 32, 0, 0, 0, NULL },
		{ AG_HOUR, 2025, 1, 1, 24, 0, 0, NULL },
		{ AG_HOUR, 2025, 1, 1, 0, 0, 19 * 3600, NULL },
		{ AG_DAY, 0, 1, 1, 0, 0, 0, NULL },
		{ AG__MAX, 2025, 1, 1, 0, 0, 0, NULL },
	};
	char out[64];
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		rc = analytics_label(rows[i].g, rows[i].y, rows[i].mo,
		    rows[i].d, rows[i].h, rows[i].mi, rows[i].off, out,
		    sizeof(out));
		if (rows[i].want == NULL) {
			EXPECT(rc == -1, "row %zu: accepted as %s", i, out);
			check_str("refused", cu_row(i), out, "");
		} else {
			EXPECT(rc == 0, "row %zu: refused", i);
			check_str("label", cu_row(i), out, rows[i].want);
		}
	}
	/* Too small a buffer is refused, never cut. */
	CU_ASSERT(analytics_label(AG_HOUR, 2025, 1, 1, 0, 0, 0, out, 25) ==
	    -1);
	CU_ASSERT(analytics_label(AG_HOUR, 2025, 1, 1, 0, 0, 0, out, 26) ==
	    0);
}

static void
test_percent(void)
{
	static const struct {
		int64_t		 part, whole;
		const char	*want;	/* NULL: refused */
	} rows[] = {
		{ 0, 1, "0.00" },
		{ 1, 1, "100.00" },
		{ 1, 3, "33.33" },		/* 33.333... */
		{ 2, 3, "66.67" },		/* 66.666... */
		{ 7, 8, "87.50" },
		{ 1100, 1250, "88.00" },
		{ 1, 8, "12.50" },
		{ 1, 16, "6.25" },
		{ 1, 32, "3.13" },		/* 3.125: half up */
		{ 1, 80000, "0.00" },		/* 0.00125 */
		{ 1, 20000, "0.01" },		/* 0.005: half up */
		{ 1, 20001, "0.00" },		/* 0.0049997... */
		{ 19999, 20000, "100.00" },	/* 99.995: half up */
		{ 39997, 40000, "99.99" },	/* 99.9925 */
		{ 39999, 40000, "100.00" },	/* 99.9975 */
		{ INT64_MAX / 3, INT64_MAX, "33.33" },
		{ INT64_MAX, INT64_MAX, "100.00" },
		{ 0, 0, NULL },
		{ 1, 0, NULL },
		{ 2, 1, NULL },
		{ -1, 5, NULL },
	};
	char out[32];
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		rc = analytics_percent(rows[i].part, rows[i].whole, out,
		    sizeof(out));
		if (rows[i].want == NULL) {
			EXPECT(rc == -1 && out[0] == '\0',
			    "row %zu: accepted as %s", i, out);
			continue;
		}
		EXPECT(rc == 0, "row %zu: refused", i);
		check_str("percent", cu_row(i), out, rows[i].want);
	}
	CU_ASSERT(analytics_percent(1, 3, out, 5) == -1);
}

static void
test_average(void)
{
	static const struct {
		int64_t		 sum, n;
		int		 exp;
		const char	*want;	/* NULL: refused */
	} rows[] = {
		{ 4567890, 1250, 2, "36.54" },	/* 3654.312 minor */
		{ 1001, 2, 2, "5.01" },		/* 500.5 -> 501 */
		{ 1000, 3, 2, "3.33" },
		{ 2000, 3, 2, "6.67" },
		{ 5, 2, 0, "3" },		/* JPY: 2.5 -> 3 */
		{ 1, 3, 3, "0.000" },		/* KWD: 0.333 minor */
		{ 0, 7, 2, "0.00" },
		{ INT64_MAX, 1, 2, "92233720368547758.07" },
		{ INT64_MAX, 2, 0, "4611686018427387904" },	/* .5 up */
		{ 100, 0, 2, NULL },
		{ -100, 3, 2, NULL },
	};
	char out[48];
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		rc = analytics_average(rows[i].sum, rows[i].n, rows[i].exp,
		    out, sizeof(out));
		if (rows[i].want == NULL) {
			EXPECT(rc == -1 && out[0] == '\0',
			    "row %zu: accepted as %s", i, out);
			continue;
		}
		EXPECT(rc == 0, "row %zu: refused", i);
		check_str("average", cu_row(i), out, rows[i].want);
	}
	check_int("seconds", "425.5", analytics_round_div(851, 2), 426);
	check_int("seconds", "425.49", analytics_round_div(42549, 100), 425);
	check_int("seconds", "n 0", analytics_round_div(1, 0), -1);
}

static void
test_syntax(void)
{
	static const struct {
		const char	*s;
		bool		 tz, cur;
	} rows[] = {
		{ "UTC", true, true },
		{ "Europe/Berlin", true, false },
		{ "America/Port-au-Prince", true, false },
		{ "Etc/GMT-14", true, false },
		{ "EUR", true, true },
		{ "eur", true, false },
		{ "EURO", true, false },
		{ "", false, false },
		{ "1UTC", false, false },
		{ "Europe/Berlin ", false, false },
		{ "Europe\\Berlin", false, false },
		{ "Europe/Ber'lin", false, false },
		{ "Europe/Berlin\n", false, false },
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		EXPECT(analytics_timezone_syntax_ok(rows[i].s) == rows[i].tz,
		    "row %zu: tz %s", i, rows[i].s);
		EXPECT(analytics_currency_syntax_ok(rows[i].s) ==
		    rows[i].cur, "row %zu: currency %s", i, rows[i].s);
	}
	CU_ASSERT(!analytics_timezone_syntax_ok(NULL));
	CU_ASSERT(!analytics_currency_syntax_ok(NULL));
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "query", test_query },
		{ "constraints", test_constraints },
		{ "max buckets", test_max_buckets },
		{ "labels", test_labels },
		{ "percent", test_percent },
		{ "average", test_average },
		{ "syntax", test_syntax },
	};

	return cu_run("analytics", init, NULL, tests, CC_ARRAY_SIZE(tests));
}
