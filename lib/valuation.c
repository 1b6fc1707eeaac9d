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
	[VALUATION_CURRENT] = "current",
	[VALUATION_WAIT] = "wait",
};

const char *
valuation_kind_name(enum valuation_kind k)
{
	if ((unsigned int)k >= VALUATION__MAX)
		return NULL;
	return kind_names[k];
}

int
valuation_decide(const struct valuation_in *in, struct valuation_out *out)
{
	struct money_dec cur;
	const char *src;

	memset(out, 0, sizeof(*out));
	out->kind = VALUATION_WAIT;
	if (in->locked_rate == NULL || in->locked_source == NULL ||
	    money_parse_dec(in->locked_rate, MONEY_MAX_SCALE, &out->rate) !=
	    MONEY_OK || out->rate.mant == 0)
		return -1;
	/* The rate's own text, as the invoice (or the table) shows it. */
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
	src = in->current_source != NULL ? in->current_source : "";
	if (in->current_rate == NULL || money_parse_dec(in->current_rate,
	    MONEY_MAX_SCALE, &cur) != MONEY_OK || cur.mant == 0)
		goto wait;
	if (strcmp(src, RATES_MANUAL) != 0 && (in->max_age < 0 ||
	    in->current_age < 0 || in->current_age > in->max_age))
		goto wait;
	if (strlen(in->current_rate) >= sizeof(out->rate_text))
		goto wait;
	out->kind = VALUATION_CURRENT;
	out->rate = cur;
	cc_strlcpy(out->rate_text, in->current_rate, sizeof(out->rate_text));
	cc_strlcpy(out->source, src, sizeof(out->source));
	return 0;
wait:
	memset(&out->rate, 0, sizeof(out->rate));
	out->rate_text[0] = '\0';
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

int
valuation_apply(struct db *db, const char *invoice_id, int max_age)
{
	static const char load_sql[] =
	    "SELECT p.id, floor(extract(epoch FROM coalesce(p.block_time, "
	    "p.detected_at)))::bigint AS seen_at, "
	    "floor(extract(epoch FROM i.rate_expires_at))::bigint AS "
	    "lock_until, i.rate::text AS locked_rate, i.rate_source, "
	    "r.rate::text AS cur_rate, r.source AS cur_source, "
	    "floor(extract(epoch FROM now() - r.updated_at))::bigint AS "
	    "cur_age FROM payments p JOIN invoices i ON i.id = p.invoice_id "
	    "LEFT JOIN rates r ON r.crypto = i.crypto_currency AND "
	    "r.currency = i.currency WHERE p.invoice_id = $1 AND "
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
		in.current_rate = db_val(res, i, "cur_rate");
		in.current_source = db_val(res, i, "cur_source");
		in.max_age = max_age;
		if (db_val_int64(res, i, "cur_age", &in.current_age) == -1)
			in.current_age = -1;
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
				    "the rate lock and no current rate is "
				    "known; it waits", invoice_id, id);
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
			    "lock; valued at %s (%s)", invoice_id, id, rate,
			    out.source);
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
