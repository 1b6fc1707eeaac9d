/*
 * Analytics of a merchant's invoices (GET /api/v1/analytics and
 * cc-admin analytics): the parameters and their checks, the one
 * statement that counts invoices per time bucket in the caller's time
 * zone (PostgreSQL does the zone arithmetic), and the exact arithmetic
 * of the answer (sums in minor units, percentages and averages rounded
 * half up in integers, never through floating point).
 *
 * Cohorts by creation: an invoice belongs to the period and the bucket in
 * which it was created, and counts as paid when its status is paid now,
 * for its total (an overpaid invoice counts its total, a partly paid,
 * expired or cancelled one counts as created only). So every bucket's
 * figures add up exactly to the metrics.
 */
#ifndef CC_ANALYTICS_H
#define CC_ANALYTICS_H

#include "cc.h"
#include <json-c/json.h>

#include "input.h"

struct db;
struct cc_config;

/* The periods, in order of analytics_period_names. */
enum analytics_period { AP_1D, AP_7D, AP_30D, AP_90D, AP_1Y, AP__MAX };
/* The bucket sizes, in order of analytics_group_names. */
enum analytics_group { AG_HOUR, AG_DAY, AG_WEEK, AG_MONTH, AG__MAX };

/* "1d" "7d" "30d" "90d" "1y", NULL-ended (for choice fields). */
extern const char *const analytics_period_names[AP__MAX + 1];
/* "hour" "day" "week" "month", NULL-ended. */
extern const char *const analytics_group_names[AG__MAX + 1];

#define ANALYTICS_DEFAULT_PERIOD	AP_30D
#define ANALYTICS_DEFAULT_GROUP		AG_DAY
#define ANALYTICS_DEFAULT_TIMEZONE	"UTC"
/* Buckets one answer may hold: 90d by hour (2,161 with a DST change)
 * fits, 1y by hour (8,760) is refused. */
#define ANALYTICS_MAX_BUCKETS		2400
/* Bytes of a time zone name (the longest IANA name has 32). */
#define ANALYTICS_MAX_TIMEZONE		64

struct analytics_params {
	enum analytics_period	 period;
	enum analytics_group	 group;
	char			 timezone[ANALYTICS_MAX_TIMEZONE + 1];
	char			 currency[4];	/* "": the period's */
};

/*
 * Whether s is spelled like an IANA time zone name: 1 to
 * ANALYTICS_MAX_TIMEZONE bytes of letters, digits, '_', '+', '-' in
 * segments separated by single '/', starting with a letter. Whether the
 * zone exists is the database's to say (analytics_run).
 */
bool	analytics_timezone_syntax_ok(const char *s);
/* Three upper-case letters. */
bool	analytics_currency_syntax_ok(const char *s);

/* The most buckets a period can have at a bucket size (a DST change
 * adds an hour). */
int	analytics_max_buckets(enum analytics_period, enum analytics_group);

/*
 * The parameters from already-checked option values (NULL: the default),
 * period and group by name. Checks what the field tables cannot: the
 * bucket count (422 TOO_MANY_BUCKETS naming group_field) and that a
 * currency is configured (422 UNSUPPORTED_CURRENCY naming currency_field).
 * 0 with p filled, or -1 with e set.
 */
int	analytics_params_set(struct analytics_params *p,
	    const struct cc_config *, const char *period, const char *group,
	    const char *timezone, const char *currency,
	    const char *group_field, const char *currency_field,
	    struct input_error *e);

/*
 * The API's query string: period, group_by, timezone, currency, each
 * declared once; anything unknown or malformed is 422 INVALID_PARAMETER
 * naming it, then analytics_params_set. 0 or -1 with e.
 */
int	analytics_params_query(const struct http_query *,
	    const struct cc_config *, struct analytics_params *p,
	    struct input_error *e);

/*
 * A bucket's label from its start in local time and the zone's offset
 * then (seconds east of UTC): "2025-03-30" (day, week: the Monday),
 * "2025-03" (month), "2025-03-30T03:00:00+02:00" (hour: RFC 3339 with
 * the offset, so the two 02:00 hours of a night that turns the clocks
 * back differ; the minute is not always 00: after Lord Howe's half-hour
 * change an hour starts at :30). 0, or -1 if out is too small or a value
 * is out of range.
 */
int	analytics_label(enum analytics_group, int year, int month, int day,
	    int hour, int minute, int offset_s, char *out, size_t outlen);

/*
 * part / whole as a percentage with two decimals, rounded half up, in
 * integers: 1 of 3 -> "33.33", 2 of 3 -> "66.67", 7 of 8 -> "87.50".
 * -1 (out "") when whole is 0 or part is outside 0..whole.
 */
int	analytics_percent(int64_t part, int64_t whole, char *out,
	    size_t outlen);

/*
 * sum / n minor units at exponent, rounded half up to a minor unit, as
 * exact decimal text: 1001 / 2 at 2 -> "5.01"; 1000 / 3 at 2 -> "3.33".
 * -1 (out "") when n <= 0, sum < 0 or out is too small.
 */
int	analytics_average(int64_t sum, int64_t n, int exponent, char *out,
	    size_t outlen);

/* sum / n rounded half up (n > 0, sum >= 0); -1 otherwise. */
int64_t	analytics_round_div(int64_t sum, int64_t n);

enum analytics_result {
	ANALYTICS_OK,
	ANALYTICS_INVALID,	/* a request that cannot be served: e */
	ANALYTICS_DB_UNAVAILABLE,
	ANALYTICS_BROKEN,	/* a stored row we cannot use (logged) */
	ANALYTICS__MAX
};
const char	*analytics_strerror(enum analytics_result);

/*
 * The analytics of a merchant's invoices of one mode ("live", "test"):
 * ANALYTICS_OK with *out the answer (caller puts it); ANALYTICS_INVALID
 * with e for an unknown time zone (400 INVALID_PARAMETER naming
 * tz_field, status tz_status), or invoices in several currencies and no
 * currency asked for (422 CURRENCY_REQUIRED naming currency_field, the
 * currencies in constraints); or a failure.
 */
enum analytics_result analytics_run(struct db *, const struct cc_config *,
	    const char *merchant_id, const char *mode,
	    const struct analytics_params *, const char *tz_field,
	    int tz_status, const char *currency_field, json_object **out,
	    struct input_error *e);

#endif
