/* Create Invoice request validation. */
#include "cc.h"

#include <ctype.h>

#include "config.h"
#include "http.h"
#include "invoice.h"
#include "invoice_input.h"
#include "lifecycle.h"
#include "jsonx.h"
#include "money.h"
#include "refund.h"
#include "util.h"

#define E_AMOUNT	"INVALID_AMOUNT"

/* 1 to max letters and digits, the shape of a currency code. */
static bool
code_ok(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]))
			return false;
	return true;
}

static bool
currency_code_ok(const char *s)
{
	return code_ok(s, 3);
}

static bool
crypto_code_ok(const char *s)
{
	return code_ok(s, 10);
}

/*
 * The Create Invoice body, declared once: the top level, each element of
 * items, and payment_tolerance. input_json checks presence, JSON types,
 * lengths and ranges in table order; what a table cannot say (a currency
 * the configuration knows, amounts at the currency's exponent, the price
 * lock within expires_in, a URL's shape) is checked after, in the order
 * of the dependencies: currency before any amount.
 */
enum { IF_CURRENCY, IF_CRYPTO, IF_NETWORK, IF_TITLE, IF_DESCRIPTION,
    IF_ITEMS, IF_TAX, IF_EXPIRES_IN, IF_PRICE_LOCK, IF_TOLERANCE,
    IF_WEBHOOK_URL, IF_RETURN_URL, IF_CANCEL_URL, IF_METADATA, IF__MAX };

static const struct input_field invoice_fields[IF__MAX] = {
	[IF_CURRENCY] = { "currency", INPUT_CHECK, true, 0, 0, NULL,
	    currency_code_ok, "a three-letter currency code such as USD" },
	[IF_CRYPTO] = { "crypto_currency", INPUT_CHECK, true, 0, 0, NULL,
	    crypto_code_ok, "a code of 1 to 10 letters and digits such as "
	    "USDT" },
	/* Any text: the configuration says which networks exist. */
	[IF_NETWORK] = { "network", INPUT_CHECK, false, 0, 0, NULL, NULL,
	    NULL },
	[IF_TITLE] = { "title", INPUT_STRING, false, 0, CC_MAX_TITLE, NULL,
	    NULL, NULL },
	[IF_DESCRIPTION] = { "description", INPUT_TEXT, false, 0,
	    CC_MAX_DESCRIPTION, NULL, NULL, NULL },
	[IF_ITEMS] = { "items", INPUT_ARRAY, true, 1, CC_MAX_ITEMS, NULL,
	    NULL, NULL, "INVALID_LENGTH" },
	[IF_TAX] = { "tax", INPUT_NUMBER, false, 0, 0, NULL, NULL, NULL },
	[IF_EXPIRES_IN] = { "expires_in", INPUT_INT, false,
	    CC_MIN_EXPIRES_IN, CC_MAX_EXPIRES_IN, NULL, NULL, NULL },
	/* At most expires_in, checked once both are known. */
	[IF_PRICE_LOCK] = { "price_lock_duration", INPUT_INT, false,
	    CC_MIN_PRICE_LOCK, CC_MAX_EXPIRES_IN, NULL, NULL, NULL },
	[IF_TOLERANCE] = { "payment_tolerance", INPUT_OBJECT, false, 0, 0,
	    NULL, NULL, NULL },
	/* The length here, the URL's shape after (INVALID_URL). */
	[IF_WEBHOOK_URL] = { "webhook_url", INPUT_STRING, false, 0,
	    CC_MAX_URL, NULL, NULL, NULL },
	[IF_RETURN_URL] = { "return_url", INPUT_STRING, false, 0, CC_MAX_URL,
	    NULL, NULL, NULL },
	[IF_CANCEL_URL] = { "cancel_url", INPUT_STRING, false, 0, CC_MAX_URL,
	    NULL, NULL, NULL },
	/* Free keys: parse_metadata checks them. */
	[IF_METADATA] = { "metadata", INPUT_OBJECT, false, 0, 0, NULL, NULL,
	    NULL },
};

enum { IT_NAME, IT_DESCRIPTION, IT_QUANTITY, IT_PRICE, IT__MAX };

static const struct input_field item_fields[IT__MAX] = {
	[IT_NAME] = { "name", INPUT_STRING, true, 1, CC_MAX_ITEM_NAME, NULL,
	    NULL, NULL },
	[IT_DESCRIPTION] = { "description", INPUT_TEXT, false, 0,
	    CC_MAX_ITEM_DESCRIPTION, NULL, NULL, NULL },
	[IT_QUANTITY] = { "quantity", INPUT_INT, false, 1, CC_MAX_QUANTITY,
	    NULL, NULL, NULL },
	[IT_PRICE] = { "unit_price", INPUT_NUMBER, true, 0, 0, NULL, NULL,
	    NULL },
};

enum { PT_UNDER, PT_OVER, PT_ACTION, PT__MAX };

static const char *const overpay_actions[] = { "credit_account", "refund",
	NULL };

static const struct input_field tolerance_fields[PT__MAX] = {
	[PT_UNDER] = { "underpayment_threshold", INPUT_NUMBER, false, 0, 0,
	    NULL, NULL, NULL },
	[PT_OVER] = { "overpayment_threshold", INPUT_NUMBER, false, 0, 0,
	    NULL, NULL, NULL },
	[PT_ACTION] = { "overpayment_action", INPUT_CHOICE, false, 0, 0,
	    overpay_actions, NULL, NULL },
};

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

/* A code checked by code_ok, upper-cased into out. */
static void
upper(const char *s, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < outlen; i++)
		out[i] = (char)toupper((unsigned char)s[i]);
	out[i] = '\0';
}

/*
 * An amount in the invoice currency from txt, the exact text of a JSON
 * number or string (INPUT_NUMBER): a plain decimal, never through
 * floating point.
 */
static int
amount(const char *txt, const char *field, int exponent,
    const char *currency, int64_t *out, struct input_error *e)
{
	switch (money_parse_minor(txt, exponent, out)) {
	case MONEY_OK:
		return 0;
	case MONEY_ESCALE:
		input_seterr(e, 422, E_AMOUNT, field,
		    "%s has more than %d decimal places, the most %s allows",
		    field, exponent, currency);
		return input_constraints(e, "max_decimals", exponent, NULL, 0,
		    NULL, "Round the amount to the currency's decimal places");
	case MONEY_ENEGATIVE:
		input_seterr(e, 422, E_AMOUNT, field,
		    "%s must not be negative", field);
		return input_constraints(e, "minimum", 0, NULL, 0, NULL,
		    "Send a positive amount or zero");
	case MONEY_ERANGE:
		return input_seterr(e, 422, E_AMOUNT, field, "%s is too large",
		    field);
	default:
		input_seterr(e, 422, E_AMOUNT, field,
		    "%s must be a plain decimal number such as 9.99", field);
		return input_constraints(e, NULL, 0, NULL, 0, "a plain "
		    "decimal number such as 9.99", "Send the amount as a JSON "
		    "number or string of digits with an optional point");
	}
}

static void
add_amount(json_object *o, const char *key, int64_t minor, int exponent)
{
	char txt[48];

	money_format_minor(minor, exponent, txt, sizeof(txt));
	jsonx_add(o, key, jsonx_decimal(txt));
}

/* The elements of items, each checked against item_fields. */
static int
parse_items(json_object *arr, struct invoice_input *in,
    struct input_error *e)
{
	struct input_value v[IT__MAX];
	size_t n = json_object_array_length(arr), i;
	int64_t subtotal = 0, qty, price, line;
	json_object *out;
	char prefix[32], f[64];

	in->items = json_object_new_array();
	for (i = 0; i < n; i++) {
		snprintf(prefix, sizeof(prefix), "items[%zu]", i);
		if (input_json_at(json_object_array_get_idx(arr, i), prefix,
		    item_fields, IT__MAX, v, e) == -1)
			return -1;
		qty = v[IT_QUANTITY].given ? v[IT_QUANTITY].num : 1;
		snprintf(f, sizeof(f), "%s.unit_price", prefix);
		if (amount(v[IT_PRICE].str, f, in->exponent, in->currency,
		    &price, e) == -1)
			return -1;
		if (money_mul(qty, price, &line) != MONEY_OK ||
		    money_add(subtotal, line, &subtotal) != MONEY_OK)
			return input_seterr(e, 422, E_AMOUNT, f,
			    "%s times quantity is too large", f);
		out = json_object_new_object();
		jsonx_add_str(out, "name", v[IT_NAME].str);
		if (v[IT_DESCRIPTION].given)
			jsonx_add_str(out, "description",
			    v[IT_DESCRIPTION].str);
		jsonx_add(out, "quantity", json_object_new_int64(qty));
		add_amount(out, "unit_price", price, in->exponent);
		add_amount(out, "amount", line, in->exponent);
		json_object_array_add(in->items, out);
	}
	in->nitems = n;
	in->subtotal_minor = subtotal;
	return 0;
}

/* metadata: NULL (not given) or an object, flat and bounded. */
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
	json_object_object_foreach(m, k, v) {
		char f[64];
		size_t klen = strlen(k);

		if (++nkeys > CC_MAX_METADATA_KEYS) {
			input_seterr(e, 422, "INVALID_LENGTH", "metadata",
			    "metadata may have at most %d keys",
			    CC_MAX_METADATA_KEYS);
			return input_constraints(e, "max_items",
			    CC_MAX_METADATA_KEYS, NULL, 0, NULL, "Merge or "
			    "drop keys, or keep the data on your side under "
			    "one order id");
		}
		if (klen == 0 || klen > CC_MAX_METADATA_KEY ||
		    !jsonx_utf8_clean(k, klen, false)) {
			input_seterr(e, 422, "INVALID_VALUE", "metadata",
			    "metadata keys must be 1-%d printable characters",
			    CC_MAX_METADATA_KEY);
			return input_constraints(e, "min_length", 1,
			    "max_length", CC_MAX_METADATA_KEY, "printable "
			    "characters", "Use short printable keys such as "
			    "order_id");
		}
		snprintf(f, sizeof(f), "metadata.%s", k);
		switch (json_object_get_type(v)) {
		case json_type_string:
			if ((size_t)json_object_get_string_len(v) >
			    CC_MAX_METADATA_VALUE) {
				input_seterr(e, 422, "INVALID_LENGTH", f,
				    "%s must be at most %d bytes", f,
				    CC_MAX_METADATA_VALUE);
				return input_constraints(e, "max_length",
				    CC_MAX_METADATA_VALUE, NULL, 0, NULL,
				    "Shorten the value, or keep it on your "
				    "side");
			}
			if (!jsonx_utf8_clean(json_object_get_string(v),
			    (size_t)json_object_get_string_len(v), true))
				return input_seterr(e, 422, "INVALID_VALUE", f,
				    "%s contains control characters", f);
			break;
		case json_type_int:
		case json_type_double:
		case json_type_boolean:
		case json_type_null:
			break;
		default:
			return input_seterr(e, 422, "INVALID_TYPE", f,
			    "metadata must be flat: %s must be a string, "
			    "number, boolean or null", f);
		}
	}
	txt = jsonx_text(m);
	if (strlen(txt) > CC_MAX_METADATA_BYTES) {
		input_seterr(e, 422, "INVALID_LENGTH", "metadata",
		    "metadata must be at most %d bytes as JSON",
		    CC_MAX_METADATA_BYTES);
		return input_constraints(e, "max_length",
		    CC_MAX_METADATA_BYTES, NULL, 0, NULL, "Shorten the "
		    "metadata, or keep the data on your side");
	}
	in->metadata = xstrdup(txt);
	return 0;
}

/* payment_tolerance (NULL: not given), once the total is known. */
static int
parse_tolerance(json_object *t, struct invoice_input *in,
    struct input_error *e)
{
	static const char under[] = "payment_tolerance.underpayment_threshold";
	struct input_value v[PT__MAX];

	cc_strlcpy(in->overpay_action, "credit_account",
	    sizeof(in->overpay_action));
	if (t == NULL)
		return 0;
	if (input_json_at(t, "payment_tolerance", tolerance_fields, PT__MAX,
	    v, e) == -1)
		return -1;
	if (v[PT_UNDER].given && amount(v[PT_UNDER].str, under, in->exponent,
	    in->currency, &in->underpay_minor, e) == -1)
		return -1;
	if (in->underpay_minor >= in->total_minor)
		return input_seterr(e, 422, E_AMOUNT, under,
		    "%s must be less than the invoice total", under);
	if (v[PT_OVER].given && amount(v[PT_OVER].str,
	    "payment_tolerance.overpayment_threshold", in->exponent,
	    in->currency, &in->overpay_minor, e) == -1)
		return -1;
	if (v[PT_ACTION].given)
		cc_strlcpy(in->overpay_action, v[PT_ACTION].str,
		    sizeof(in->overpay_action));
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

/* A URL field that passed its length check: its shape, copied. */
static int
url(const struct input_value *v, const char *field, char **out,
    struct input_error *e)
{
	if (!v->given)
		return 0;
	if (!input_url_ok(v->str)) {
		input_seterr(e, 422, "INVALID_URL", field,
		    "%s must be an absolute http or https URL without "
		    "credentials", field);
		return input_url_constraints(e, field, false);
	}
	*out = xstrdup(v->str);
	return 0;
}

int
invoice_input_parse(const char *body, size_t len,
    const struct cc_config *cfg, struct invoice_input *in,
    struct input_error *e)
{
	struct input_value v[IF__MAX];
	const struct cc_currency *cur;
	const struct cc_network *net;
	struct jsonx_error je;
	json_object *root;
	int rc = -1;

	memset(in, 0, sizeof(*in));
	memset(e, 0, sizeof(*e));
	root = jsonx_parse_ex(body, len, &je);
	if (root == NULL)
		return input_seterr(e, 400, je.duplicate ? "DUPLICATE_KEY" :
		    "INVALID_JSON", je.path[0] != '\0' ? je.path : NULL, "%s",
		    je.message);
	if (!json_object_is_type(root, json_type_object)) {
		input_seterr(e, 400, "INVALID_JSON", NULL,
		    "request body must be a JSON object");
		goto out;
	}
	if (input_json(root, invoice_fields, IF__MAX, v, e) == -1)
		goto out;

	/* The currency comes first: amounts are parsed at its exponent. */
	upper(v[IF_CURRENCY].str, in->currency, sizeof(in->currency));
	cur = config_currency(cfg, in->currency);
	if (cur == NULL) {
		input_seterr(e, 422, "UNSUPPORTED_CURRENCY", "currency",
		    "currency %s is not supported", in->currency);
		goto out;
	}
	in->exponent = cur->exponent;
	upper(v[IF_CRYPTO].str, in->crypto_currency,
	    sizeof(in->crypto_currency));
	if (!config_known_crypto(cfg, in->crypto_currency)) {
		input_seterr(e, 422, "UNSUPPORTED_CRYPTO_CURRENCY",
		    "crypto_currency", "crypto_currency %s is not supported",
		    in->crypto_currency);
		goto out;
	}
	if (v[IF_NETWORK].given) {
		net = config_network(cfg, v[IF_NETWORK].str);
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
	if (v[IF_TITLE].given)
		in->title = xstrdup(v[IF_TITLE].str);
	if (v[IF_DESCRIPTION].given)
		in->description = xstrdup(v[IF_DESCRIPTION].str);
	if (parse_items(v[IF_ITEMS].array, in, e) == -1)
		goto out;
	if (v[IF_TAX].given && amount(v[IF_TAX].str, "tax", in->exponent,
	    in->currency, &in->tax_minor, e) == -1)
		goto out;
	if (money_add(in->subtotal_minor, in->tax_minor, &in->total_minor) !=
	    MONEY_OK) {
		input_seterr(e, 422, E_AMOUNT, "tax", "total is too large");
		goto out;
	}
	if (check_limits(cur, in, e) == -1)
		goto out;

	in->expires_in = v[IF_EXPIRES_IN].given ? v[IF_EXPIRES_IN].num :
	    CC_DEFAULT_EXPIRES_IN;
	in->price_lock = v[IF_PRICE_LOCK].given ? v[IF_PRICE_LOCK].num :
	    in->expires_in;
	if (in->price_lock > in->expires_in) {
		input_seterr(e, 422, "INVALID_VALUE", "price_lock_duration",
		    "price_lock_duration must be an integer from %d to "
		    "expires_in (%lld)", CC_MIN_PRICE_LOCK,
		    (long long)in->expires_in);
		goto out;
	}
	if (parse_tolerance(v[IF_TOLERANCE].obj, in, e) == -1)
		goto out;
	if (url(&v[IF_WEBHOOK_URL], "webhook_url", &in->webhook_url,
	    e) == -1 ||
	    url(&v[IF_RETURN_URL], "return_url", &in->return_url, e) == -1 ||
	    url(&v[IF_CANCEL_URL], "cancel_url", &in->cancel_url, e) == -1)
		goto out;
	if (parse_metadata(v[IF_METADATA].obj, in, e) == -1)
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

/* A state, or the refunded flag (lib/refund.h), which lists filter by. */
static bool
status_filter_ok(const char *s)
{
	enum inv_status st;

	return inv_status_from_name(s, &st) == 0 ||
	    strcmp(s, INVOICE_FILTER_REFUNDED) == 0;
}

static const struct input_field filter_fields[LF__MAX] = {
	[LF_STATUS] = { "status", INPUT_CHECK, false, 0, 32, NULL,
	    status_filter_ok, "one of created, pending, paid, expired, "
	    "cancelled, refunded", NULL },
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
			return input_seterr(e, 422, "INVALID_PARAMETER",
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
