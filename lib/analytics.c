/* Analytics: parameters, the bucketed statement and the exact figures. */
#include "cc.h"

#include <pthread.h>

#include "analytics.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "jsonx.h"
#include "log.h"
#include "money.h"
#include "util.h"

const char *const analytics_period_names[AP__MAX + 1] = {
	[AP_1D] = "1d", [AP_7D] = "7d", [AP_30D] = "30d", [AP_90D] = "90d",
	[AP_1Y] = "1y", [AP__MAX] = NULL,
};

/* Each period as an SQL interval (a constant, passed as a parameter). */
static const char *const period_intervals[AP__MAX] = {
	[AP_1D] = "1 day", [AP_7D] = "7 days", [AP_30D] = "30 days",
	[AP_90D] = "90 days", [AP_1Y] = "1 year",
};
/* Days a period spans at most (a year may be a leap year). */
static const int period_days[AP__MAX] = {
	[AP_1D] = 1, [AP_7D] = 7, [AP_30D] = 30, [AP_90D] = 90, [AP_1Y] = 366,
};

const char *const analytics_group_names[AG__MAX + 1] = {
	[AG_HOUR] = "hour", [AG_DAY] = "day", [AG_WEEK] = "week",
	[AG_MONTH] = "month", [AG__MAX] = NULL,
};

static const char *const result_names[ANALYTICS__MAX] = {
	[ANALYTICS_OK] = "ok",
	[ANALYTICS_INVALID] = "invalid request",
	[ANALYTICS_DB_UNAVAILABLE] = "database unavailable",
	[ANALYTICS_BROKEN] = "unusable stored data",
};

const char *
analytics_strerror(enum analytics_result r)
{
	if ((unsigned)r >= ANALYTICS__MAX)
		return "unknown error";
	return result_names[r];
}

static bool
tz_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-';
}

bool
analytics_timezone_syntax_ok(const char *s)
{
	size_t i, n;

	if (s == NULL)
		return false;
	n = strlen(s);
	if (n == 0 || n > ANALYTICS_MAX_TIMEZONE)
		return false;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '/') {
			/* No empty segment: "a//b", "a/" */
			if (s[i + 1] == '/' || s[i + 1] == '\0')
				return false;
			continue;
		}
		if (!tz_char(s[i]))
			return false;
	}
	return true;
}

bool
analytics_currency_syntax_ok(const char *s)
{
	int i;

	if (s == NULL)
		return false;
	for (i = 0; i < 3; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return s[3] == '\0';
}

int
analytics_max_buckets(enum analytics_period p, enum analytics_group g)
{
	int days;

	if ((unsigned)p >= AP__MAX)
		return -1;
	days = period_days[p];
	switch (g) {
	case AG_HOUR:
		/* One more on a night that turns the clocks back. */
		return days * 24 + 1;
	case AG_DAY:
		return days;
	case AG_WEEK:
		/* A partial week at each end. */
		return days / 7 + 2;
	case AG_MONTH:
		return days / 28 + 2;
	default:
		return -1;
	}
}

static int
choice_index(const char *const *names, const char *s)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

int
analytics_params_set(struct analytics_params *p, const struct cc_config *cfg,
    const char *period, const char *group, const char *timezone,
    const char *currency, const char *group_field, const char *currency_field,
    struct input_error *e)
{
	json_object *con;
	int i, max;

	memset(p, 0, sizeof(*p));
	p->period = ANALYTICS_DEFAULT_PERIOD;
	p->group = ANALYTICS_DEFAULT_GROUP;
	cc_strlcpy(p->timezone, ANALYTICS_DEFAULT_TIMEZONE,
	    sizeof(p->timezone));
	/* The field tables checked these; a caller that did not is a bug. */
	if (period != NULL) {
		i = choice_index(analytics_period_names, period);
		if (i < 0)
			return input_seterr(e, 422, "INVALID_VALUE", "period",
			    "period must be 1d, 7d, 30d, 90d or 1y");
		p->period = (enum analytics_period)i;
	}
	if (group != NULL) {
		i = choice_index(analytics_group_names, group);
		if (i < 0)
			return input_seterr(e, 422, "INVALID_VALUE",
			    group_field, "%s must be hour, day, week or month",
			    group_field);
		p->group = (enum analytics_group)i;
	}
	if (timezone != NULL) {
		if (!analytics_timezone_syntax_ok(timezone))
			return input_seterr(e, 422, "INVALID_VALUE",
			    "timezone", "timezone must be an IANA time zone "
			    "name such as Europe/Berlin");
		cc_strlcpy(p->timezone, timezone, sizeof(p->timezone));
	}
	if (currency != NULL) {
		if (!analytics_currency_syntax_ok(currency) ||
		    config_currency(cfg, currency) == NULL)
			return input_seterr(e, 422, "UNSUPPORTED_CURRENCY",
			    currency_field, "%s must be a configured currency",
			    currency_field);
		cc_strlcpy(p->currency, currency, sizeof(p->currency));
	}
	max = analytics_max_buckets(p->period, p->group);
	if (max > ANALYTICS_MAX_BUCKETS) {
		input_seterr(e, 422, "TOO_MANY_BUCKETS", group_field,
		    "period %s by %s makes up to %d buckets; at most %d: "
		    "choose a larger %s or a shorter period",
		    analytics_period_names[p->period],
		    analytics_group_names[p->group], max,
		    ANALYTICS_MAX_BUCKETS, group_field);
		con = json_object_new_object();
		jsonx_add(con, "max_buckets",
		    json_object_new_int(ANALYTICS_MAX_BUCKETS));
		e->extra = json_object_new_object();
		jsonx_add(e->extra, "constraints", con);
		return -1;
	}
	return 0;
}

enum { Q_PERIOD, Q_GROUP, Q_TIMEZONE, Q_CURRENCY, Q__MAX };
static const struct input_field query_fields[Q__MAX] = {
	[Q_PERIOD] = { "period", INPUT_CHOICE, false, 0, 0,
	    analytics_period_names, NULL, NULL, NULL },
	[Q_GROUP] = { "group_by", INPUT_CHOICE, false, 0, 0,
	    analytics_group_names, NULL, NULL, NULL },
	[Q_TIMEZONE] = { "timezone", INPUT_CHECK, false, 0, 0, NULL,
	    analytics_timezone_syntax_ok, "an IANA time zone name such as "
	    "Europe/Berlin", NULL },
	[Q_CURRENCY] = { "currency", INPUT_CHECK, false, 0, 0, NULL,
	    analytics_currency_syntax_ok, "an upper-case ISO 4217 code",
	    NULL },
};

static const char *
given(const struct input_value *v)
{
	return v->given ? v->str : NULL;
}

int
analytics_params_query(const struct http_query *q,
    const struct cc_config *cfg, struct analytics_params *p,
    struct input_error *e)
{
	struct input_value v[Q__MAX];

	if (input_query(q, query_fields, Q__MAX, v, e) == -1)
		return -1;
	return analytics_params_set(p, cfg, given(&v[Q_PERIOD]),
	    given(&v[Q_GROUP]), given(&v[Q_TIMEZONE]), given(&v[Q_CURRENCY]),
	    "group_by", "currency", e);
}

int
analytics_label(enum analytics_group g, int year, int month, int day,
    int hour, int minute, int offset_s, char *out, size_t outlen)
{
	int n, off, sign;

	if (outlen > 0)
		out[0] = '\0';
	if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
	    day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
	    offset_s < -18 * 3600 ||
	    offset_s > 18 * 3600)
		return -1;
	switch (g) {
	case AG_HOUR:
		sign = offset_s < 0 ? '-' : '+';
		off = offset_s < 0 ? -offset_s : offset_s;
		/* Zones with seconds in their offset (before 1900) round
		 * down to the minute, as RFC 3339 has no seconds there. */
		n = snprintf(out, outlen,
		    "%04d-%02d-%02dT%02d:%02d:00%c%02d:%02d", year, month,
		    day, hour, minute, sign, off / 3600, off % 3600 / 60);
		break;
	case AG_DAY:
	case AG_WEEK:
		n = snprintf(out, outlen, "%04d-%02d-%02d", year, month, day);
		break;
	case AG_MONTH:
		n = snprintf(out, outlen, "%04d-%02d", year, month);
		break;
	default:
		return -1;
	}
	if (n < 0 || (size_t)n >= outlen) {
		if (outlen > 0)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

int
analytics_percent(int64_t part, int64_t whole, char *out, size_t outlen)
{
	__int128 hundredths;
	int n;

	if (outlen > 0)
		out[0] = '\0';
	if (whole <= 0 || part < 0 || part > whole)
		return -1;
	/* round(part * 10000 / whole), half up */
	hundredths = ((__int128)part * 20000 + whole) / ((__int128)whole * 2);
	n = snprintf(out, outlen, "%d.%02d", (int)(hundredths / 100),
	    (int)(hundredths % 100));
	if (n < 0 || (size_t)n >= outlen) {
		if (outlen > 0)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

int64_t
analytics_round_div(int64_t sum, int64_t n)
{
	if (n <= 0 || sum < 0)
		return -1;
	return (int64_t)(((__int128)sum * 2 + n) / ((__int128)n * 2));
}

int
analytics_average(int64_t sum, int64_t n, int exponent, char *out,
    size_t outlen)
{
	int64_t avg;

	if (outlen > 0)
		out[0] = '\0';
	avg = analytics_round_div(sum, n);
	if (avg < 0)
		return -1;
	return money_format_minor(avg, exponent, out, outlen);
}

/*
 * The time zone names PostgreSQL knows, read once per process (the view
 * reads the zone files: ~35 ms a query), sorted for bsearch. Kept for the
 * life of the process.
 */
static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static char **tz_names;
static size_t tz_count;

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
tz_load(struct db *db)
{
	static const char sql[] = "SELECT name FROM pg_timezone_names";
	PGresult *res;
	char **names;
	int i, n;

	res = db_query(db, sql, 0, NULL);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	names = xcalloc((size_t)n + 1, sizeof(*names));
	for (i = 0; i < n; i++)
		names[i] = xstrdup(PQgetvalue(res, i, 0));
	PQclear(res);
	qsort(names, (size_t)n, sizeof(*names), cmp_str);
	tz_names = names;
	tz_count = (size_t)n;
	return 0;
}

/* 1 if PostgreSQL knows the zone, 0 if not, -1 on a database error. */
static int
tz_known(struct db *db, const char *name)
{
	int rc = 0;

	pthread_mutex_lock(&tz_lock);
	if (tz_names == NULL && tz_load(db) == -1)
		rc = -1;
	else if (bsearch(&name, tz_names, tz_count, sizeof(*tz_names),
	    cmp_str) != NULL)
		rc = 1;
	pthread_mutex_unlock(&tz_lock);
	return rc;
}

/*
 * Every bucket of the period in the zone ($3), with the invoices of the
 * merchant ($1) and mode ($2) created in it, per currency and crypto
 * currency (NULLs for an empty bucket). The period ($4) is the local days
 * ending with today; buckets ($5) of hours are 60-minute steps in
 * absolute time from its start, so that a night turning the clocks back
 * has 25 of them; days, weeks (from Monday) and months follow the local
 * calendar, the first week or month cut at the period's start. The
 * invoices are read from invoices_analytics alone (merchant, mode,
 * created_at, with the other columns included), and grouped by their
 * local bucket start (one zone conversion per row: they are what the
 * statement's time goes to), converted back to an instant per group.
 */
static const char run_sql[] =
	"WITH r AS ("
	" SELECT d - $4::interval AS l0, d AS l1,"
	" (d - $4::interval) AT TIME ZONE $3 AS t0, d AT TIME ZONE $3 AS t1"
	" FROM (SELECT date_trunc('day', now() AT TIME ZONE $3) +"
	" interval '1 day' AS d) x"
	"), s AS ("
	" SELECT g AS start FROM r, generate_series(r.t0,"
	" r.t1 - interval '1 hour', interval '1 hour') g WHERE $5 = 'hour'"
	" UNION ALL"
	" SELECT g AT TIME ZONE $3 FROM r, generate_series("
	"date_trunc($5, r.l0), r.l1 - interval '1 day',"
	" ('1 ' || $5)::interval) g WHERE $5 <> 'hour'"
	"), a0 AS ("
	" SELECT CASE WHEN $5 = 'hour' THEN date_bin(interval '1 hour',"
	" i.created_at, r.t0) END AS k_abs,"
	" CASE WHEN $5 <> 'hour' THEN date_trunc($5, i.created_at AT TIME ZONE"
	" $3) END AS k_local,"
	" i.currency, i.crypto_currency, count(*) AS n,"
	" sum(i.total_minor)::bigint AS amount,"
	" count(*) FILTER (WHERE i.status = 'paid') AS n_paid,"
	" coalesce(sum(i.total_minor) FILTER (WHERE i.status = 'paid'),"
	" 0)::bigint AS amount_paid,"
	" count(i.paid_at) FILTER (WHERE i.status = 'paid') AS n_timed,"
	" coalesce(sum(i.paid_at - i.created_at) FILTER (WHERE i.status ="
	" 'paid'), interval '0') AS paid_time"
	" FROM r JOIN invoices i ON i.created_at >= r.t0"
	" AND i.created_at < r.t1"
	" WHERE i.merchant_id = $1 AND i.mode = $2"
	" GROUP BY 1, 2, 3, 4"
	"), a AS ("
	" SELECT coalesce(k_abs, k_local AT TIME ZONE $3) AS start, *,"
	" (extract(epoch FROM paid_time) * 1000000)::bigint AS paid_us"
	" FROM a0"
	")"
	" SELECT extract(epoch FROM s.start)::bigint AS start_s,"
	" to_char(s.start AT TIME ZONE $3, 'YYYY MM DD HH24 MI') AS lt,"
	" extract(epoch FROM (s.start AT TIME ZONE $3) -"
	" (s.start AT TIME ZONE 'UTC'))::int AS off,"
	" a.currency, a.crypto_currency, a.n, a.amount, a.n_paid,"
	" a.amount_paid, a.n_timed, a.paid_us,"
	" to_char(r.l0, 'YYYY MM DD HH24 MI') AS from_lt,"
	" extract(epoch FROM r.l0 - (r.t0 AT TIME ZONE 'UTC'))::int"
	" AS from_off,"
	" to_char(r.l1, 'YYYY MM DD HH24 MI') AS to_lt,"
	" extract(epoch FROM r.l1 - (r.t1 AT TIME ZONE 'UTC'))::int AS to_off"
	" FROM r CROSS JOIN s LEFT JOIN a ON a.start = s.start"
	" ORDER BY s.start, a.currency, a.crypto_currency";

/*
 * The sums of a bucket, of the period, or of a crypto currency; paid_us:
 * microseconds from creation to paid_at, summed over the n_timed paid
 * invoices (summed as intervals: exact, and cheaper per row than
 * seconds).
 */
struct sums {
	int64_t	 n, amount, n_paid, amount_paid, n_timed, paid_us;
};

/* Row r's figures into s; -1 for an unreadable value. */
static int
sums_read(struct sums *s, const PGresult *res, int r)
{
	return db_val_int64(res, r, "n", &s->n) == -1 ||
	    db_val_int64(res, r, "amount", &s->amount) == -1 ||
	    db_val_int64(res, r, "n_paid", &s->n_paid) == -1 ||
	    db_val_int64(res, r, "amount_paid", &s->amount_paid) == -1 ||
	    db_val_int64(res, r, "n_timed", &s->n_timed) == -1 ||
	    db_val_int64(res, r, "paid_us", &s->paid_us) == -1 ? -1 : 0;
}

/* dst += add; -1 on overflow (dst may then be partly added to). */
static int
sums_merge(struct sums *dst, const struct sums *add)
{
	return money_add(dst->n, add->n, &dst->n) != MONEY_OK ||
	    money_add(dst->amount, add->amount, &dst->amount) != MONEY_OK ||
	    money_add(dst->n_paid, add->n_paid, &dst->n_paid) != MONEY_OK ||
	    money_add(dst->amount_paid, add->amount_paid,
	    &dst->amount_paid) != MONEY_OK ||
	    money_add(dst->n_timed, add->n_timed, &dst->n_timed) !=
	    MONEY_OK ||
	    money_add(dst->paid_us, add->paid_us, &dst->paid_us) !=
	    MONEY_OK ? -1 : 0;
}

static void
add_minor(json_object *o, const char *key, int64_t minor, int exp)
{
	char txt[48];

	money_format_minor(minor, exp, txt, sizeof(txt));
	jsonx_add(o, key, jsonx_decimal(txt));
}

static void
add_percent(json_object *o, const char *key, int64_t part, int64_t whole)
{
	char txt[32];

	if (analytics_percent(part, whole, txt, sizeof(txt)) == 0)
		jsonx_add(o, key, jsonx_decimal(txt));
	else
		jsonx_add(o, key, NULL);
}

/* A label from "YYYY MM DD HH MI" and an offset; -1 if unreadable. */
static int
label_of(enum analytics_group g, const char *lt, const char *off,
    char *out, size_t outlen)
{
	int y, mo, d, h, mi, o;
	char *end;
	long x;

	if (lt == NULL || off == NULL ||
	    sscanf(lt, "%4d %2d %2d %2d %2d", &y, &mo, &d, &h, &mi) != 5)
		return -1;
	x = strtol(off, &end, 10);
	if (*off == '\0' || *end != '\0' || x < -86400 || x > 86400)
		return -1;
	o = (int)x;
	return analytics_label(g, y, mo, d, h, mi, o, out, outlen);
}

/* A crypto currency's paid invoices, for payment_methods. */
struct method {
	char	 symbol[CONFIG_MAX_NAME + 1];
	int64_t	 n, amount;
};

static int
cmp_method(const void *a, const void *b)
{
	const struct method *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->symbol, y->symbol);
}

#define MAX_METHODS	64

/* Adds a row's paid invoices to its crypto currency's; -1 if full. */
static int
method_add(struct method *m, size_t *nm, const char *sym,
    const struct sums *row)
{
	size_t i;

	for (i = 0; i < *nm; i++)
		if (strcmp(m[i].symbol, sym) == 0)
			break;
	if (i == *nm) {
		if (*nm == MAX_METHODS)
			return -1;
		memset(&m[i], 0, sizeof(m[i]));
		cc_strlcpy(m[i].symbol, sym, sizeof(m[i].symbol));
		(*nm)++;
	}
	if (money_add(m[i].n, row->n_paid, &m[i].n) != MONEY_OK ||
	    money_add(m[i].amount, row->amount_paid, &m[i].amount) !=
	    MONEY_OK)
		return -1;
	return 0;
}

#define MAX_CURRENCIES	64

static int
cmp_code(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * The currencies of the period's invoices (the rows that have one),
 * sorted by code. -1 past MAX_CURRENCIES.
 */
static int
currencies_of(const PGresult *res, char cur[][4], size_t *ncur)
{
	const char *c;
	size_t i;
	int r;

	*ncur = 0;
	for (r = 0; r < PQntuples(res); r++) {
		c = db_val(res, r, "currency");
		if (c == NULL)
			continue;
		for (i = 0; i < *ncur; i++)
			if (strcmp(cur[i], c) == 0)
				break;
		if (i < *ncur)
			continue;
		if (*ncur == MAX_CURRENCIES || strlen(c) != 3)
			return -1;
		memcpy(cur[(*ncur)++], c, 4);
	}
	qsort(cur, *ncur, sizeof(cur[0]), cmp_code);
	return 0;
}

static json_object *
metrics_json(const struct sums *t, int exp)
{
	json_object *m = json_object_new_object();
	char txt[48];

	jsonx_add(m, "total_invoices", json_object_new_int64(t->n));
	add_minor(m, "total_amount", t->amount, exp);
	jsonx_add(m, "paid_invoices", json_object_new_int64(t->n_paid));
	add_minor(m, "paid_amount", t->amount_paid, exp);
	add_percent(m, "conversion_rate", t->n_paid, t->n);
	if (analytics_average(t->amount, t->n, exp, txt, sizeof(txt)) == 0)
		jsonx_add(m, "average_amount", jsonx_decimal(txt));
	else
		jsonx_add(m, "average_amount", NULL);
	if (t->n_timed > 0 && t->n_timed <= INT64_MAX / 1000000)
		jsonx_add(m, "average_payment_time", json_object_new_int64(
		    analytics_round_div(t->paid_us < 0 ? 0 : t->paid_us,
		    t->n_timed * 1000000)));
	else
		jsonx_add(m, "average_payment_time", NULL);
	return m;
}

static json_object *
bucket_json(const char *label, const struct sums *b, int exp)
{
	json_object *o = json_object_new_object();

	jsonx_add_str(o, "date", label);
	jsonx_add(o, "invoices_created", json_object_new_int64(b->n));
	jsonx_add(o, "invoices_paid", json_object_new_int64(b->n_paid));
	add_minor(o, "amount_created", b->amount, exp);
	add_minor(o, "amount_paid", b->amount_paid, exp);
	add_percent(o, "conversion_rate", b->n_paid, b->n);
	return o;
}

/* The answer from the statement's rows, in currency cur. */
static enum analytics_result
build(const PGresult *res, const struct analytics_params *p,
    const char *cur, int exp, json_object **out)
{
	struct method methods[MAX_METHODS];
	struct sums total, bucket, row;
	json_object *o, *series, *pm, *x;
	const char *start, *prev = NULL, *c, *sym;
	char label[64], from[64], to[64];
	size_t nm = 0, i;
	int r, rows = PQntuples(res), last = -1;

	memset(&total, 0, sizeof(total));
	memset(&bucket, 0, sizeof(bucket));
	if (rows < 1 || label_of(AG_HOUR, db_val(res, 0, "from_lt"),
	    db_val(res, 0, "from_off"), from, sizeof(from)) == -1 ||
	    label_of(AG_HOUR, db_val(res, 0, "to_lt"), db_val(res, 0,
	    "to_off"), to, sizeof(to)) == -1) {
		log_error("analytics: no period bounds");
		return ANALYTICS_BROKEN;
	}
	series = json_object_new_array();
	for (r = 0; r <= rows; r++) {
		start = r < rows ? db_val(res, r, "start_s") : NULL;
		if (prev != NULL && (start == NULL || strcmp(start,
		    prev) != 0)) {
			/* Bucket `last` is complete. */
			if (label_of(p->group, db_val(res, last, "lt"),
			    db_val(res, last, "off"), label,
			    sizeof(label)) == -1)
				goto broken;
			json_object_array_add(series, bucket_json(label,
			    &bucket, exp));
			memset(&bucket, 0, sizeof(bucket));
		}
		if (r == rows)
			break;
		prev = start;
		last = r;
		c = db_val(res, r, "currency");
		if (c == NULL || strcmp(c, cur) != 0)
			continue;
		sym = db_val(res, r, "crypto_currency");
		if (sym == NULL || sums_read(&row, res, r) == -1 ||
		    sums_merge(&bucket, &row) == -1 ||
		    sums_merge(&total, &row) == -1 ||
		    (row.n_paid > 0 && method_add(methods, &nm, sym,
		    &row) == -1))
			goto broken;
	}
	qsort(methods, nm, sizeof(methods[0]), cmp_method);
	pm = json_object_new_object();
	for (i = 0; i < nm; i++) {
		x = json_object_new_object();
		jsonx_add(x, "count", json_object_new_int64(methods[i].n));
		add_minor(x, "amount", methods[i].amount, exp);
		jsonx_add(pm, methods[i].symbol, x);
	}
	o = json_object_new_object();
	jsonx_add_str(o, "period", analytics_period_names[p->period]);
	jsonx_add_str(o, "group_by", analytics_group_names[p->group]);
	jsonx_add_str(o, "timezone", p->timezone);
	jsonx_add_str(o, "currency", cur);
	jsonx_add_str(o, "from", from);
	jsonx_add_str(o, "to", to);
	jsonx_add(o, "metrics", metrics_json(&total, exp));
	jsonx_add(o, "time_series", series);
	jsonx_add(o, "payment_methods", pm);
	*out = o;
	return ANALYTICS_OK;
broken:
	log_error("analytics: unreadable aggregate row");
	json_object_put(series);
	return ANALYTICS_BROKEN;
}

enum analytics_result
analytics_run(struct db *db, const struct cc_config *cfg,
    const char *merchant_id, const char *mode,
    const struct analytics_params *p, const char *tz_field, int tz_status,
    const char *currency_field, json_object **out, struct input_error *e)
{
	const struct cc_currency *cc;
	char cur[MAX_CURRENCIES][4], chosen[4];
	struct db_params dp;
	PGresult *res;
	enum analytics_result rc;
	json_object *list, *con;
	size_t ncur, i;
	int known, exp;

	*out = NULL;
	known = tz_known(db, p->timezone);
	if (known == -1)
		return ANALYTICS_DB_UNAVAILABLE;
	if (known == 0) {
		input_seterr(e, tz_status, tz_status == 400 ?
		    "INVALID_PARAMETER" : "INVALID_VALUE", tz_field,
		    "%s must be an IANA time zone name such as Europe/Berlin "
		    "(a name PostgreSQL knows, exact case)", tz_field);
		return ANALYTICS_INVALID;
	}
	db_params_init(&dp);
	db_param(&dp, merchant_id);
	db_param(&dp, mode);
	db_param(&dp, p->timezone);
	db_param(&dp, period_intervals[p->period]);
	db_param(&dp, analytics_group_names[p->group]);
	res = db_run(db, run_sql, &dp);
	db_params_release(&dp);
	if (res == NULL)
		return ANALYTICS_DB_UNAVAILABLE;
	if (currencies_of(res, cur, &ncur) == -1) {
		rc = ANALYTICS_BROKEN;
		goto out;
	}
	if (p->currency[0] != '\0')
		cc_strlcpy(chosen, p->currency, sizeof(chosen));
	else if (ncur == 1)
		cc_strlcpy(chosen, cur[0], sizeof(chosen));
	else if (ncur == 0 && cfg->ncurrencies > 0)
		/* Nothing to sum: the configuration's first currency. */
		cc_strlcpy(chosen, cfg->currencies[0].code, sizeof(chosen));
	else if (ncur == 0)
		cc_strlcpy(chosen, "USD", sizeof(chosen));
	else {
		input_seterr(e, 422, "CURRENCY_REQUIRED", currency_field,
		    "the period's invoices are in %zu currencies; name one "
		    "with %s (amounts in different currencies are never "
		    "added up)", ncur, currency_field);
		e->extra = json_object_new_object();
		con = json_object_new_object();
		list = json_object_new_array();
		for (i = 0; i < ncur; i++)
			json_object_array_add(list,
			    json_object_new_string(cur[i]));
		jsonx_add(con, "currencies", list);
		jsonx_add(e->extra, "constraints", con);
		rc = ANALYTICS_INVALID;
		goto out;
	}
	cc = config_currency(cfg, chosen);
	exp = cc != NULL ? cc->exponent : money_currency_exponent(chosen);
	if (exp < 0) {
		log_error("analytics: currency %s has no exponent", chosen);
		rc = ANALYTICS_BROKEN;
		goto out;
	}
	rc = build(res, p, chosen, exp, out);
out:
	PQclear(res);
	return rc;
}
