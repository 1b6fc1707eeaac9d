/* Create Invoice request validation. */
#include "cc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>

#include "config.h"
#include "http.h"
#include "invoice.h"
#include "invoice_input.h"
#include "lifecycle.h"
#include "jsonx.h"
#include "money.h"
#include "util.h"

#define E_TYPE		"INVALID_TYPE"
#define E_MISSING	"MISSING_FIELD"
#define E_UNKNOWN	"UNKNOWN_FIELD"
#define E_LENGTH	"INVALID_LENGTH"
#define E_AMOUNT	"INVALID_AMOUNT"
#define E_VALUE		"INVALID_VALUE"

void
invoice_input_release(struct invoice_input *in)
{
	free(in->title);
	free(in->description);
	json_object_put(in->items);
	free(in->webhook_url);
	free(in->return_url);
	free(in->cancel_url);
	free(in->metadata);
	memset(in, 0, sizeof(*in));
}

/* A string field: absent or null leaves *out NULL. */
static int
opt_string(json_object *v, const char *field, size_t max, bool multiline,
    char **out, struct input_error *e)
{
	const char *s;
	size_t n;

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return input_seterr(e, 422, E_TYPE, field,
		    "%s must be a string", field);
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if (n > max)
		return input_seterr(e, 422, E_LENGTH, field,
		    "%s must be at most %zu bytes", field, max);
	if (!jsonx_utf8_clean(s, n, multiline))
		return input_seterr(e, 422, E_VALUE, field,
		    "%s contains control characters", field);
	*out = xstrndup(s, n);
	return 0;
}

static int
req_string(json_object *v, const char *field, size_t max, bool multiline,
    char **out, struct input_error *e)
{
	if (v == NULL)
		return input_seterr(e, 422, E_MISSING, field, "%s is required",
		    field);
	if (opt_string(v, field, max, multiline, out, e) == -1)
		return -1;
	if (**out == '\0') {
		free(*out);
		*out = NULL;
		return input_seterr(e, 422, E_LENGTH, field,
		    "%s must not be empty", field);
	}
	return 0;
}

static int
opt_url(json_object *v, const char *field, char **out,
    struct input_error *e)
{
	if (opt_string(v, field, CC_MAX_URL, false, out, e) == -1)
		return -1;
	if (*out != NULL && !input_url_ok(*out)) {
		free(*out);
		*out = NULL;
		return input_seterr(e, 422, "INVALID_URL", field,
		    "%s must be an absolute http or https URL without "
		    "credentials", field);
	}
	return 0;
}

/* An integer field within [lo, hi]; absent keeps *out. */
static int
opt_int(json_object *v, const char *field, int64_t lo, int64_t hi,
    int64_t *out, struct input_error *e)
{
	const char *txt;
	char *end;
	long long n;

	if (v == NULL)
		return 0;
	txt = jsonx_number_text(v);
	if (txt == NULL)
		return input_seterr(e, 422, E_TYPE, field,
		    "%s must be an integer", field);
	/* "2.0" and "1e3" are not integers here; the text decides. */
	if (strpbrk(txt, ".eE") != NULL)
		return input_seterr(e, 422, E_TYPE, field,
		    "%s must be an integer", field);
	errno = 0;
	n = strtoll(txt, &end, 10);
	if (errno != 0 || *end != '\0' || n < lo || n > hi)
		return input_seterr(e, 422, E_VALUE, field,
		    "%s must be between %lld and %lld", field, (long long)lo,
		    (long long)hi);
	*out = n;
	return 0;
}

/*
 * An amount in the invoice currency: a JSON number or a string holding a
 * plain decimal, never through floating point.
 */
static int
amount(json_object *v, const char *field, int exponent,
    const char *currency, int64_t *out, struct input_error *e)
{
	const char *txt;
	enum money_err me;

	if (json_object_is_type(v, json_type_string))
		txt = json_object_get_string(v);
	else
		txt = jsonx_number_text(v);
	if (txt == NULL)
		return input_seterr(e, 422, E_TYPE, field,
		    "%s must be a number", field);
	me = money_parse_minor(txt, exponent, out);
	switch (me) {
	case MONEY_OK:
		return 0;
	case MONEY_ESCALE:
		return input_seterr(e, 422, E_AMOUNT, field,
		    "%s has more than %d decimal places, the most %s allows",
		    field, exponent, currency);
	case MONEY_ENEGATIVE:
		return input_seterr(e, 422, E_AMOUNT, field,
		    "%s must not be negative", field);
	case MONEY_ERANGE:
		return input_seterr(e, 422, E_AMOUNT, field, "%s is too large",
		    field);
	default:
		return input_seterr(e, 422, E_AMOUNT, field,
		    "%s must be a plain decimal number such as 9.99", field);
	}
}

/* Rejects keys not in the allowed list. */
static int
only_keys(json_object *obj, const char *const *allowed, const char *prefix,
    struct input_error *e)
{
	json_object_object_foreach(obj, k, v) {
		size_t i;
		bool ok = false;
		char field[64];

		(void)v;
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(k, allowed[i]) == 0)
				ok = true;
		if (ok)
			continue;
		if (!jsonx_utf8_clean(k, strlen(k), false) || strlen(k) > 40)
			snprintf(field, sizeof(field), "%s", prefix);
		else
			snprintf(field, sizeof(field), "%s%s%s", prefix,
			    *prefix ? "." : "", k);
		return input_seterr(e, 422, E_UNKNOWN, field,
		    "unknown field '%s'", field);
	}
	return 0;
}

static json_object *
get(json_object *obj, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v))
		return NULL;
	/* An explicit null means "not given". */
	if (json_object_is_type(v, json_type_null))
		return NULL;
	return v;
}

static int
upper_code(json_object *v, const char *field, size_t max, char *out,
    size_t outlen, struct input_error *e)
{
	const char *s;
	size_t n, i;

	if (v == NULL)
		return input_seterr(e, 422, E_MISSING, field, "%s is required",
		    field);
	if (!json_object_is_type(v, json_type_string))
		return input_seterr(e, 422, E_TYPE, field,
		    "%s must be a string", field);
	s = json_object_get_string(v);
	n = strlen(s);
	if (n == 0 || n > max || n >= outlen)
		return input_seterr(e, 422, E_VALUE, field,
		    "%s is not supported", field);
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]))
			return input_seterr(e, 422, E_VALUE, field,
			    "%s is not supported", field);
		out[i] = (char)toupper((unsigned char)s[i]);
	}
	out[n] = '\0';
	return 0;
}

static void
add_amount(json_object *o, const char *key, int64_t minor, int exponent)
{
	char txt[48];

	money_format_minor(minor, exponent, txt, sizeof(txt));
	jsonx_add(o, key, jsonx_decimal(txt));
}

static int
parse_items(json_object *arr, struct invoice_input *in,
    struct input_error *e)
{
	static const char *const item_keys[] = { "name", "description",
	    "quantity", "unit_price", NULL };
	size_t n, i;
	int64_t subtotal = 0;

	if (arr == NULL)
		return input_seterr(e, 422, E_MISSING, "items",
		    "items is required");
	if (!json_object_is_type(arr, json_type_array))
		return input_seterr(e, 422, E_TYPE, "items",
		    "items must be an array");
	n = json_object_array_length(arr);
	if (n == 0)
		return input_seterr(e, 422, E_LENGTH, "items",
		    "items must contain at least one item");
	if (n > CC_MAX_ITEMS)
		return input_seterr(e, 422, E_LENGTH, "items",
		    "items must contain at most %d items", CC_MAX_ITEMS);
	in->items = json_object_new_array();
	for (i = 0; i < n; i++) {
		json_object *it = json_object_array_get_idx(arr, i), *out;
		char f[64], prefix[32];
		char *name = NULL, *desc = NULL;
		int64_t qty = 1, price, line;

		snprintf(prefix, sizeof(prefix), "items[%zu]", i);
		if (!json_object_is_type(it, json_type_object))
			return input_seterr(e, 422, E_TYPE, prefix,
			    "%s must be an object", prefix);
		if (only_keys(it, item_keys, prefix, e) == -1)
			return -1;
		snprintf(f, sizeof(f), "%s.name", prefix);
		if (req_string(get(it, "name"), f, CC_MAX_ITEM_NAME, false,
		    &name, e) == -1)
			return -1;
		snprintf(f, sizeof(f), "%s.description", prefix);
		if (opt_string(get(it, "description"), f,
		    CC_MAX_ITEM_DESCRIPTION, true, &desc, e) == -1) {
			free(name);
			return -1;
		}
		snprintf(f, sizeof(f), "%s.quantity", prefix);
		if (opt_int(get(it, "quantity"), f, 1, CC_MAX_QUANTITY, &qty,
		    e) == -1)
			goto fail;
		snprintf(f, sizeof(f), "%s.unit_price", prefix);
		if (get(it, "unit_price") == NULL) {
			input_seterr(e, 422, E_MISSING, f, "%s is required", f);
			goto fail;
		}
		if (amount(get(it, "unit_price"), f, in->exponent,
		    in->currency, &price, e) == -1)
			goto fail;
		if (money_mul(qty, price, &line) != MONEY_OK ||
		    money_add(subtotal, line, &subtotal) != MONEY_OK) {
			input_seterr(e, 422, E_AMOUNT, f,
			    "%s times quantity is too large", f);
			goto fail;
		}
		out = json_object_new_object();
		jsonx_add_str(out, "name", name);
		if (desc != NULL)
			jsonx_add_str(out, "description", desc);
		jsonx_add(out, "quantity", json_object_new_int64(qty));
		add_amount(out, "unit_price", price, in->exponent);
		add_amount(out, "amount", line, in->exponent);
		json_object_array_add(in->items, out);
		free(name);
		free(desc);
		continue;
fail:
		free(name);
		free(desc);
		return -1;
	}
	in->nitems = n;
	in->subtotal_minor = subtotal;
	return 0;
}

static int
parse_metadata(json_object *m, struct invoice_input *in,
    struct input_error *e)
{
	const char *txt;
	size_t nkeys = 0;

	if (m == NULL) {
		in->metadata = xstrdup("{}");
		return 0;
	}
	if (!json_object_is_type(m, json_type_object))
		return input_seterr(e, 422, E_TYPE, "metadata",
		    "metadata must be an object");
	json_object_object_foreach(m, k, v) {
		char f[64];
		size_t klen = strlen(k);

		if (++nkeys > CC_MAX_METADATA_KEYS)
			return input_seterr(e, 422, E_LENGTH, "metadata",
			    "metadata may have at most %d keys",
			    CC_MAX_METADATA_KEYS);
		if (klen == 0 || klen > CC_MAX_METADATA_KEY ||
		    !jsonx_utf8_clean(k, klen, false))
			return input_seterr(e, 422, E_VALUE, "metadata",
			    "metadata keys must be 1-%d printable characters",
			    CC_MAX_METADATA_KEY);
		snprintf(f, sizeof(f), "metadata.%s", k);
		switch (json_object_get_type(v)) {
		case json_type_string:
			if ((size_t)json_object_get_string_len(v) >
			    CC_MAX_METADATA_VALUE)
				return input_seterr(e, 422, E_LENGTH, f,
				    "%s must be at most %d bytes", f,
				    CC_MAX_METADATA_VALUE);
			if (!jsonx_utf8_clean(json_object_get_string(v),
			    (size_t)json_object_get_string_len(v), true))
				return input_seterr(e, 422, E_VALUE, f,
				    "%s contains control characters", f);
			break;
		case json_type_int:
		case json_type_double:
		case json_type_boolean:
		case json_type_null:
			break;
		default:
			return input_seterr(e, 422, E_TYPE, f,
			    "metadata must be flat: %s must be a string, "
			    "number, boolean or null", f);
		}
	}
	txt = jsonx_text(m);
	if (strlen(txt) > CC_MAX_METADATA_BYTES)
		return input_seterr(e, 422, E_LENGTH, "metadata",
		    "metadata must be at most %d bytes as JSON",
		    CC_MAX_METADATA_BYTES);
	in->metadata = xstrdup(txt);
	return 0;
}

static int
parse_tolerance(json_object *t, struct invoice_input *in,
    struct input_error *e)
{
	static const char *const keys[] = { "underpayment_threshold",
	    "overpayment_threshold", "overpayment_action", NULL };
	json_object *v;

	cc_strlcpy(in->overpay_action, "credit_account",
	    sizeof(in->overpay_action));
	if (t == NULL)
		return 0;
	if (!json_object_is_type(t, json_type_object))
		return input_seterr(e, 422, E_TYPE, "payment_tolerance",
		    "payment_tolerance must be an object");
	if (only_keys(t, keys, "payment_tolerance", e) == -1)
		return -1;
	v = get(t, "underpayment_threshold");
	if (v != NULL && amount(v, "payment_tolerance.underpayment_threshold",
	    in->exponent, in->currency, &in->underpay_minor, e) == -1)
		return -1;
	if (in->underpay_minor >= in->total_minor)
		return input_seterr(e, 422, E_AMOUNT,
		    "payment_tolerance.underpayment_threshold",
		    "payment_tolerance.underpayment_threshold must be less "
		    "than the invoice total");
	v = get(t, "overpayment_threshold");
	if (v != NULL && amount(v, "payment_tolerance.overpayment_threshold",
	    in->exponent, in->currency, &in->overpay_minor, e) == -1)
		return -1;
	v = get(t, "overpayment_action");
	if (v != NULL) {
		const char *s;

		if (!json_object_is_type(v, json_type_string))
			return input_seterr(e, 422, E_TYPE,
			    "payment_tolerance.overpayment_action",
			    "payment_tolerance.overpayment_action must be a "
			    "string");
		s = json_object_get_string(v);
		if (strcmp(s, "credit_account") != 0 &&
		    strcmp(s, "refund") != 0)
			return input_seterr(e, 422, E_VALUE,
			    "payment_tolerance.overpayment_action",
			    "payment_tolerance.overpayment_action must be "
			    "credit_account or refund");
		cc_strlcpy(in->overpay_action, s, sizeof(in->overpay_action));
	}
	return 0;
}

static int
check_limits(const struct cc_currency *cur, struct invoice_input *in,
    struct input_error *e)
{
	char lo[48], hi[48], field[64];
	json_object *extra, *c, *sug;

	if (in->total_minor >= cur->min_minor &&
	    in->total_minor <= cur->max_minor)
		return 0;
	money_format_minor(cur->min_minor, cur->exponent, lo, sizeof(lo));
	money_format_minor(cur->max_minor, cur->exponent, hi, sizeof(hi));
	cc_strlcpy(field, in->nitems == 1 ? "items[0].unit_price" : "items",
	    sizeof(field));
	input_seterr(e, 422, E_AMOUNT, field, "Invoice amount must be between "
	    "%s %s and %s %s", lo, cur->code, hi, cur->code);
	extra = json_object_new_object();
	c = json_object_new_object();
	jsonx_add(c, "min_amount", jsonx_decimal(lo));
	jsonx_add(c, "max_amount", jsonx_decimal(hi));
	jsonx_add_str(c, "currency", cur->code);
	jsonx_add(extra, "constraints", c);
	sug = json_object_new_array();
	json_object_array_add(sug, json_object_new_string(
	    "Adjust the unit price to be within the allowed range"));
	json_object_array_add(sug, json_object_new_string(
	    "Split large orders into multiple invoices"));
	jsonx_add(extra, "suggestions", sug);
	e->extra = extra;
	return -1;
}

int
invoice_input_parse(const char *body, size_t len,
    const struct cc_config *cfg, struct invoice_input *in,
    struct input_error *e)
{
	static const char *const keys[] = { "title", "description", "items",
	    "tax", "currency", "crypto_currency", "network",
	    "price_lock_duration", "expires_in", "payment_tolerance",
	    "webhook_url", "return_url", "cancel_url", "metadata", NULL };
	const struct cc_currency *cur;
	json_object *root, *v;
	char msg[200];
	int rc = -1;

	memset(in, 0, sizeof(*in));
	memset(e, 0, sizeof(*e));
	root = jsonx_parse(body, len, msg, sizeof(msg));
	if (root == NULL)
		return input_seterr(e, 400, "INVALID_JSON", NULL, "%s", msg);
	if (!json_object_is_type(root, json_type_object)) {
		input_seterr(e, 400, "INVALID_JSON", NULL,
		    "request body must be a JSON object");
		goto out;
	}
	if (only_keys(root, keys, "", e) == -1)
		goto out;

	/* The currency comes first: amounts are parsed at its exponent. */
	if (upper_code(get(root, "currency"), "currency", 3, in->currency,
	    sizeof(in->currency), e) == -1)
		goto out;
	cur = config_currency(cfg, in->currency);
	if (cur == NULL) {
		input_seterr(e, 422, "UNSUPPORTED_CURRENCY", "currency",
		    "currency %s is not supported", in->currency);
		goto out;
	}
	in->exponent = cur->exponent;
	if (upper_code(get(root, "crypto_currency"), "crypto_currency", 10,
	    in->crypto_currency, sizeof(in->crypto_currency), e) == -1)
		goto out;
	if (!config_known_crypto(cfg, in->crypto_currency)) {
		input_seterr(e, 422, "UNSUPPORTED_CRYPTO_CURRENCY",
		    "crypto_currency", "crypto_currency %s is not supported",
		    in->crypto_currency);
		goto out;
	}
	v = get(root, "network");
	if (v != NULL) {
		const struct cc_network *net;

		if (!json_object_is_type(v, json_type_string)) {
			input_seterr(e, 422, E_TYPE, "network",
			    "network must be a string");
			goto out;
		}
		net = config_network(cfg, json_object_get_string(v));
		if (net == NULL) {
			input_seterr(e, 422, "UNSUPPORTED_NETWORK", "network",
			    "unknown network");
			goto out;
		}
		if (config_asset(net, in->crypto_currency) == NULL) {
			input_seterr(e, 422, "UNSUPPORTED_NETWORK", "network",
			    "%s is not available on network %s",
			    in->crypto_currency, net->name);
			goto out;
		}
		cc_strlcpy(in->network, net->name, sizeof(in->network));
	}
	if (opt_string(get(root, "title"), "title", CC_MAX_TITLE, false,
	    &in->title, e) == -1)
		goto out;
	if (opt_string(get(root, "description"), "description",
	    CC_MAX_DESCRIPTION, true, &in->description, e) == -1)
		goto out;
	if (parse_items(get(root, "items"), in, e) == -1)
		goto out;
	v = get(root, "tax");
	if (v != NULL && amount(v, "tax", in->exponent, in->currency,
	    &in->tax_minor, e) == -1)
		goto out;
	if (money_add(in->subtotal_minor, in->tax_minor, &in->total_minor) !=
	    MONEY_OK) {
		input_seterr(e, 422, E_AMOUNT, "tax", "total is too large");
		goto out;
	}
	if (check_limits(cur, in, e) == -1)
		goto out;

	in->expires_in = CC_DEFAULT_EXPIRES_IN;
	if (opt_int(get(root, "expires_in"), "expires_in", CC_MIN_EXPIRES_IN,
	    CC_MAX_EXPIRES_IN, &in->expires_in, e) == -1)
		goto out;
	in->price_lock = in->expires_in;
	if (opt_int(get(root, "price_lock_duration"), "price_lock_duration",
	    CC_MIN_PRICE_LOCK, in->expires_in, &in->price_lock, e) == -1)
		goto out;
	if (parse_tolerance(get(root, "payment_tolerance"), in, e) == -1)
		goto out;
	if (opt_url(get(root, "webhook_url"), "webhook_url",
	    &in->webhook_url, e) == -1 ||
	    opt_url(get(root, "return_url"), "return_url", &in->return_url,
	    e) == -1 ||
	    opt_url(get(root, "cancel_url"), "cancel_url", &in->cancel_url,
	    e) == -1)
		goto out;
	if (parse_metadata(get(root, "metadata"), in, e) == -1)
		goto out;
	rc = 0;
out:
	json_object_put(root);
	if (rc == -1)
		invoice_input_release(in);
	return rc;
}

static bool
cursor_ok(const char *s)
{
	int64_t us;
	char id[64];

	return invoice_cursor_decode(s, &us, id, sizeof(id)) == 0;
}

static bool
time_ok(const char *s)
{
	int64_t us;

	return time_parse_iso8601(s, &us) == 0;
}

static bool
amount_ok(const char *s)
{
	struct money_dec d;

	return money_parse_dec(s, 18, &d) == MONEY_OK;
}

static bool
currency_ok(const char *s)
{
	return strlen(s) == 3 && money_currency_exponent(s) >= 0;
}

enum { LF_STATUS, LF_LIMIT, LF_CURSOR, LF_AFTER, LF_BEFORE, LF_GTE, LF_LTE,
    LF_CURRENCY, LF_SEARCH, LF__MAX };

#define ISO_TIME "an ISO 8601 date-time such as 2025-01-01T00:00:00Z"
#define AMOUNT_FILTER "a non-negative decimal number such as 10.50"

static const struct input_field filter_fields[LF__MAX] = {
	[LF_STATUS] = { "status", INPUT_CHOICE, false, 0, 0,
	    inv_status_names, NULL, NULL },
	[LF_LIMIT] = { "limit", INPUT_INT, false, 1, CC_MAX_LIST_LIMIT,
	    NULL, NULL, NULL },
	[LF_CURSOR] = { "cursor", INPUT_CHECK, false, 0, 0, NULL, cursor_ok,
	    "next_cursor from a previous page" },
	[LF_AFTER] = { "created_after", INPUT_CHECK, false, 0, 0, NULL,
	    time_ok, ISO_TIME },
	[LF_BEFORE] = { "created_before", INPUT_CHECK, false, 0, 0, NULL,
	    time_ok, ISO_TIME },
	[LF_GTE] = { "amount_gte", INPUT_CHECK, false, 0, 0, NULL, amount_ok,
	    AMOUNT_FILTER },
	[LF_LTE] = { "amount_lte", INPUT_CHECK, false, 0, 0, NULL, amount_ok,
	    AMOUNT_FILTER },
	[LF_CURRENCY] = { "currency", INPUT_CHECK, false, 0, 0, NULL,
	    currency_ok, "an ISO 4217 code such as USD" },
	[LF_SEARCH] = { "search", INPUT_STRING, false, CC_MIN_SEARCH,
	    CC_MAX_SEARCH, NULL, NULL, NULL },
};

int
invoice_filter_parse(const struct http_query *q, struct invoice_filter *f,
    struct input_error *e)
{
	struct input_value v[LF__MAX];

	memset(f, 0, sizeof(*f));
	f->limit = CC_DEFAULT_LIST_LIMIT;
	if (input_query(q, filter_fields, LF__MAX, v, e) == -1)
		return -1;
	if (v[LF_STATUS].given)
		f->status = v[LF_STATUS].str;
	if (v[LF_LIMIT].given)
		f->limit = (int)v[LF_LIMIT].num;
	if (v[LF_CURSOR].given) {
		f->has_cursor = true;
		if (invoice_cursor_decode(v[LF_CURSOR].str, &f->cursor_us,
		    f->cursor_id, sizeof(f->cursor_id)) == -1)
			return input_seterr(e, 400, "INVALID_PARAMETER",
			    "cursor", "cursor must be next_cursor from a "
			    "previous page");
	}
	f->has_after = v[LF_AFTER].given &&
	    time_parse_iso8601(v[LF_AFTER].str, &f->after_us) == 0;
	f->has_before = v[LF_BEFORE].given &&
	    time_parse_iso8601(v[LF_BEFORE].str, &f->before_us) == 0;
	f->amount_gte = v[LF_GTE].given ? v[LF_GTE].str : NULL;
	f->amount_lte = v[LF_LTE].given ? v[LF_LTE].str : NULL;
	if (v[LF_CURRENCY].given)
		cc_strlcpy(f->currency, v[LF_CURRENCY].str,
		    sizeof(f->currency));
	f->search = v[LF_SEARCH].given ? v[LF_SEARCH].str : NULL;
	return 0;
}

enum { CF_REASON, CF_REFUND, CF__MAX };

static const struct input_field cancel_fields[CF__MAX] = {
	[CF_REASON] = { "reason", INPUT_TEXT, false, 0, CC_MAX_REASON, NULL,
	    NULL, NULL },
	[CF_REFUND] = { "refund_partial_payments", INPUT_BOOL, false, 0, 0,
	    NULL, NULL, NULL },
};

int
invoice_cancel_parse(json_object *body, struct invoice_cancel_input *in,
    struct input_error *e)
{
	struct input_value v[CF__MAX];

	memset(in, 0, sizeof(*in));
	if (input_json(body, cancel_fields, CF__MAX, v, e) == -1)
		return -1;
	in->reason = v[CF_REASON].given ? v[CF_REASON].str : NULL;
	in->refund_partial_payments = v[CF_REFUND].given &&
	    v[CF_REFUND].yes;
	return 0;
}
