/* Valuing payments at the locked rate or after it (see valuation.h). */
#include "cc.h"

#include "db.h"
#include "jsonx.h"
#include "lifecycle.h"
#include "log.h"
#include "money.h"
#include "rates.h"
#include "util.h"
#include "valuation.h"

static const char *const kind_names[VALUATION__MAX] = {
	[VALUATION_LOCKED] = "locked",
	[VALUATION_PEG] = "peg",
	[VALUATION_IN_FORCE] = "in_force",
	[VALUATION_NEXT] = "next",
	[VALUATION_LATER_MANUAL] = "later_manual",
	[VALUATION_WAIT] = "wait",
};

#define US_PER_S	1000000

const char *
valuation_kind_name(enum valuation_kind k)
{
	if ((unsigned int)k >= VALUATION__MAX)
		return NULL;
	return kind_names[k];
}

/* A quote with a rate that parses, above zero, that fits rate_text. */
static bool
quote_usable(const struct valuation_quote *q, struct money_dec *rate)
{
	return q->rate != NULL && q->source != NULL &&
	    strlen(q->rate) < VALUATION_RATE_MAX &&
	    strlen(q->source) < VALUATION_SOURCE_MAX &&
	    money_parse_dec(q->rate, MONEY_MAX_SCALE, rate) == MONEY_OK &&
	    rate->mant != 0;
}

static bool
quote_manual(const struct valuation_quote *q)
{
	return q->source != NULL && strcmp(q->source, RATES_MANUAL) == 0;
}

/*
 * Whether a feed's quote at at_us is within max_age of the payment's
 * second, on the side given (at or before it, or after it). In 128 bits:
 * no pair of int64_t times overflows.
 */
static bool
quote_near(const struct valuation_in *in, int64_t at_us, bool before)
{
	__int128 seen = (__int128)in->seen_at * US_PER_S, gap;

	if (in->max_age < 0)
		return false;
	gap = before ? seen - at_us : (__int128)at_us - seen;
	return gap >= 0 && gap <= (__int128)in->max_age * US_PER_S &&
	    (before || gap > 0);
}

static void
take(struct valuation_out *out, enum valuation_kind kind,
    const struct valuation_quote *q, const struct money_dec *rate)
{
	out->kind = kind;
	out->rate = *rate;
	cc_strlcpy(out->rate_text, q->rate, sizeof(out->rate_text));
	cc_strlcpy(out->source, q->source, sizeof(out->source));
}

int
valuation_decide(const struct valuation_in *in, struct valuation_out *out)
{
	const struct valuation_quote *mb = &in->manual_before;
	const struct valuation_quote *fb = &in->feed_before;
	struct money_dec r;

	memset(out, 0, sizeof(*out));
	out->kind = VALUATION_WAIT;
	if (in->locked_rate == NULL || in->locked_source == NULL ||
	    money_parse_dec(in->locked_rate, MONEY_MAX_SCALE, &out->rate) !=
	    MONEY_OK || out->rate.mant == 0)
		return -1;
	/* The rate's own text, as the invoice (or the history) shows it. */
	cc_strlcpy(out->rate_text, in->locked_rate, sizeof(out->rate_text));
	if (in->seen_at <= in->lock_until) {
		out->kind = VALUATION_LOCKED;
		out->locked = true;
		cc_strlcpy(out->source, in->locked_source,
		    sizeof(out->source));
		return 0;
	}
	/* A peg does not move: the lock ends, the rate stays. */
	if (strcmp(in->locked_source, RATES_PEG) == 0) {
		out->kind = VALUATION_PEG;
		cc_strlcpy(out->source, RATES_PEG, sizeof(out->source));
		return 0;
	}
	memset(&out->rate, 0, sizeof(out->rate));
	out->rate_text[0] = '\0';
	/* A manual rate rules its pair until deleted, whatever its age. */
	if (quote_manual(mb) && quote_usable(mb, &r)) {
		take(out, VALUATION_IN_FORCE, mb, &r);
		return 0;
	}
	/*
	 * A feed's quote from before a manual rate was set (and deleted)
	 * had been overruled by it: only a later one speaks for the feeds.
	 */
	if (!quote_manual(fb) && quote_usable(fb, &r) &&
	    (!quote_manual(mb) || fb->at_us > mb->at_us) &&
	    quote_near(in, fb->at_us, true)) {
		take(out, VALUATION_IN_FORCE, fb, &r);
		return 0;
	}
	if (!quote_manual(&in->next) && quote_usable(&in->next, &r) &&
	    quote_near(in, in->next.at_us, false)) {
		take(out, VALUATION_NEXT, &in->next, &r);
		return 0;
	}
	/* A manual rate, the next row or later, is the admin's answer. */
	if (quote_manual(&in->manual_after) &&
	    quote_usable(&in->manual_after, &r) &&
	    (__int128)in->manual_after.at_us > (__int128)in->seen_at *
	    US_PER_S) {
		take(out, VALUATION_LATER_MANUAL, &in->manual_after, &r);
		return 0;
	}
	return 0;
}

int
valuation_amounts(unsigned __int128 units, int decimals,
    const struct money_dec *rate, const struct money_dec *locked,
    int exponent, int64_t *value, int64_t *difference)
{
	int64_t v, at_lock;

	if (money_crypto_to_fiat(units, decimals, rate, exponent, &v) !=
	    MONEY_OK || money_crypto_to_fiat(units, decimals, locked,
	    exponent, &at_lock) != MONEY_OK)
		return -1;
	/* Both lie in 0..INT64_MAX: the difference fits. */
	*value = v;
	*difference = v - at_lock;
	return 0;
}

int
valuation_sums_add(struct valuation_sums *s, unsigned __int128 units,
    int decimals, const struct money_dec *rate, int exponent, bool confirmed)
{
	int64_t v, seen, conf = s->confirmed_minor;

	if (money_crypto_to_fiat(units, decimals, rate, exponent, &v) !=
	    MONEY_OK || money_add(s->seen_minor, v, &seen) != MONEY_OK)
		return -1;
	if (confirmed) {
		if (money_add(conf, v, &conf) != MONEY_OK ||
		    units > ~(unsigned __int128)0 - s->confirmed_units)
			return -1;
		s->confirmed_units += units;
		s->confirmed_minor = conf;
		s->last_rate = *rate;
	}
	s->seen_minor = seen;
	return 0;
}

/*
 * One rate_history row beside a payment: LATERAL subquery and its
 * columns, prefixed. t is the payment's second.
 */
#define HIST_COLS(x) #x ".rate::text AS " #x "_rate, " #x ".source AS " \
	#x "_source, (extract(epoch FROM " #x ".fetched_at) * 1000000)" \
	"::bigint AS " #x "_at"
#define HIST_ROW(x, where, order) " LEFT JOIN LATERAL (SELECT h.rate, " \
	"h.source, h.fetched_at FROM rate_history h WHERE h.crypto = " \
	"i.crypto_currency AND h.currency = i.currency AND " where \
	" ORDER BY h.fetched_at " order ", h.seq " order " LIMIT 1) " #x \
	" ON true"

/* A payment's quotes from the history into in; their text lives in res. */
static void
load_quote(PGresult *res, int i, const char *x, struct valuation_quote *q)
{
	char col[32];

	snprintf(col, sizeof(col), "%s_rate", x);
	q->rate = db_val(res, i, col);
	snprintf(col, sizeof(col), "%s_source", x);
	q->source = db_val(res, i, col);
	snprintf(col, sizeof(col), "%s_at", x);
	if (q->source == NULL || db_val_int64(res, i, col, &q->at_us) == -1) {
		q->rate = NULL;
		q->source = NULL;
		q->at_us = 0;
	}
}

int
valuation_apply(struct db *db, const char *invoice_id, int max_age)
{
	/*
	 * The history around each payment's second: the manual row (set or
	 * end) and the feeds' stored quote last before it, the first stored
	 * row and the first manual rate after it.
	 */
	static const char load_sql[] =
	    "SELECT p.id, extract(epoch FROM s.t)::bigint AS seen_at, "
	    "floor(extract(epoch FROM i.rate_expires_at))::bigint AS "
	    "lock_until, i.rate::text AS locked_rate, i.rate_source, "
	    HIST_COLS(mb) ", " HIST_COLS(fb) ", " HIST_COLS(nx) ", "
	    HIST_COLS(ma) " FROM payments p "
	    "JOIN invoices i ON i.id = p.invoice_id "
	    "CROSS JOIN LATERAL (SELECT date_trunc('second', "
	    "coalesce(p.block_time, p.detected_at)) AS t) s"
	    HIST_ROW(mb, "h.source = 'manual' AND h.fetched_at <= s.t",
	    "DESC")
	    HIST_ROW(fb, "h.source <> 'manual' AND h.stored AND "
	    "h.fetched_at <= s.t", "DESC")
	    HIST_ROW(nx, "h.stored AND h.fetched_at > s.t", "ASC")
	    HIST_ROW(ma, "h.source = 'manual' AND h.stored AND "
	    "h.fetched_at > s.t", "ASC")
	    " WHERE p.invoice_id = $1 AND "
	    "p.rate IS NULL AND p.status <> 'reverted' "
	    "ORDER BY p.detected_at, p.id FOR UPDATE OF i, p";
	static const char set_sql[] =
	    "UPDATE payments SET rate = $2::numeric, rate_source = $3, "
	    "rate_locked = $4::boolean, valued_at = now() "
	    "WHERE id = $1 AND rate IS NULL";
	struct valuation_in in;
	struct valuation_out out;
	struct db_params p;
	PGresult *res;
	char rate[64];
	int i, n, waiting = 0, rc;

	res = db_run1(db, load_sql, invoice_id);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		const char *id = db_val(res, i, "id");

		memset(&in, 0, sizeof(in));
		in.locked_rate = db_val(res, i, "locked_rate");
		in.locked_source = db_val(res, i, "rate_source");
		load_quote(res, i, "mb", &in.manual_before);
		load_quote(res, i, "fb", &in.feed_before);
		load_quote(res, i, "nx", &in.next);
		load_quote(res, i, "ma", &in.manual_after);
		in.max_age = max_age;
		if (db_val_int64(res, i, "seen_at", &in.seen_at) == -1 ||
		    db_val_int64(res, i, "lock_until", &in.lock_until) == -1 ||
		    valuation_decide(&in, &out) == -1) {
			log_error("invoice %s: payment %s cannot be valued",
			    invoice_id, id);
			waiting++;
			continue;
		}
		if (out.kind == VALUATION_WAIT) {
			/* Without max_age only cc-scan can tell; it says. */
			if (max_age >= 0)
				log_warn("invoice %s: payment %s came after "
				    "the rate lock and no rate of its moment "
				    "is known yet; it waits", invoice_id, id);
			waiting++;
			continue;
		}
		cc_strlcpy(rate, out.rate_text, sizeof(rate));
		db_params_init(&p);
		db_param(&p, id);
		db_param(&p, rate);
		db_param(&p, out.source);
		db_param_bool(&p, out.locked);
		rc = db_run_command(db, set_sql, &p);
		db_params_release(&p);
		if (rc == -1) {
			PQclear(res);
			return -1;
		}
		if (!out.locked)
			log_info("invoice %s: payment %s came after the rate "
			    "lock; valued at %s (%s, %s)", invoice_id, id,
			    rate, out.source, valuation_kind_name(out.kind));
	}
	PQclear(res);
	return waiting;
}

int
valuation_load_sums(struct db *db, const char *invoice_id, int decimals,
    int exponent, struct valuation_sums *s)
{
	static const char sql[] =
	    "SELECT amount::text AS units, rate::text AS rate, status "
	    "FROM payments WHERE invoice_id = $1 AND NOT late AND "
	    "status <> 'reverted' AND rate_locked IS NOT TRUE "
	    "ORDER BY detected_at, id";
	PGresult *res;
	int i, n, rc = 0;

	memset(s, 0, sizeof(*s));
	res = db_run1(db, sql, invoice_id);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n && rc == 0; i++) {
		unsigned __int128 units;
		struct money_dec rate;

		if (db_val(res, i, "rate") == NULL) {
			s->awaiting = true;
			continue;
		}
		if (money_str_to_u128(db_val(res, i, "units"), &units) !=
		    MONEY_OK || money_parse_dec(db_val(res, i, "rate"),
		    MONEY_MAX_SCALE, &rate) != MONEY_OK ||
		    valuation_sums_add(s, units, decimals, &rate, exponent,
		    strcmp(db_val(res, i, "status"),
		    pay_status_name(PAY_CONFIRMED)) == 0) == -1)
			rc = -1;
	}
	if (rc == -1)
		log_error("invoice %s: unreadable payment valuation",
		    invoice_id);
	PQclear(res);
	return rc;
}

void
valuation_annotate(json_object *payments, int decimals,
    const char *locked_rate, int exponent)
{
	struct money_dec locked, rate;
	unsigned __int128 units;
	json_object *o, *v;
	int64_t value, diff;
	char txt[48];
	size_t i, n;

	n = json_object_is_type(payments, json_type_array) ?
	    json_object_array_length(payments) : 0;
	for (i = 0; i < n; i++) {
		const char *r = NULL, *u = NULL;
		bool ok;

		o = json_object_array_get_idx(payments, i);
		if (json_object_object_get_ex(o, "rate", &v) &&
		    json_object_is_type(v, json_type_string))
			r = json_object_get_string(v);
		if (json_object_object_get_ex(o, "amount", &v) &&
		    json_object_is_type(v, json_type_string))
			u = json_object_get_string(v);
		ok = r != NULL && u != NULL && locked_rate != NULL &&
		    money_parse_dec(r, MONEY_MAX_SCALE, &rate) == MONEY_OK &&
		    money_parse_dec(locked_rate, MONEY_MAX_SCALE, &locked) ==
		    MONEY_OK && money_str_to_u128(u, &units) == MONEY_OK &&
		    valuation_amounts(units, decimals, &rate, &locked,
		    exponent, &value, &diff) == 0;
		if (!ok) {
			jsonx_add(o, "rate", NULL);
			jsonx_add(o, "fiat_amount", NULL);
			jsonx_add(o, "rate_difference", NULL);
			continue;
		}
		jsonx_add(o, "rate", jsonx_decimal(r));
		money_format_minor(value, exponent, txt, sizeof(txt));
		jsonx_add(o, "fiat_amount", jsonx_decimal(txt));
		money_format_minor(diff, exponent, txt, sizeof(txt));
		jsonx_add(o, "rate_difference", jsonx_decimal(txt));
	}
}
