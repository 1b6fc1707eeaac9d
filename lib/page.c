/*
 * The payment page: invoice_public()'s view turned into an HDF data set of
 * display-ready values (the decisions made here, in C, where tests reach
 * them), rendered by the ClearSilver templates with every var: escaped.
 */
#include "cc.h"

#include <stdarg.h>
#include <time.h>
#include <unistd.h>
#include <ClearSilver.h>

#include "address.h"
#include "config.h"
#include "http.h"
#include "jsonx.h"
#include "log.h"
#include "money.h"
#include "page.h"
#include "textsafe.h"

#ifndef CC_DATADIR
#define CC_DATADIR	"/usr/local/share/crypto-checkout"
#endif

#define PAGE_MAIN_TEMPLATE	"page.cs"

static char	 template_dir[PAGE_MAX_PATH];

/* The HDF being filled; the first error stops every later set. */
struct hset {
	HDF	*hdf;
	NEOERR	*err;
};

/* What the view says about money sent, in the invoice's crypto units. */
struct sums {
	bool	 has_sent;	/* some payment, confirmed or not */
	bool	 full_seen;	/* payments cover crypto_amount */
	bool	 has_pending;	/* fiat pending above zero */
	char	 to_send[64];	/* crypto_amount - payments, >= 0 */
};

static const char *
default_dir(void)
{
	const char *env = getenv("CC_TEMPLATES");

	if (env != NULL && *env != '\0')
		return env;
	return CC_DATADIR "/templates";
}

const char *
page_template_dir(void)
{
	return template_dir[0] != '\0' ? template_dir : default_dir();
}

int
page_init(const char *dir)
{
	char path[PAGE_MAX_PATH + 16];
	NEOERR *err;

	err = nerr_init();
	if (err != STATUS_OK) {
		nerr_ignore(&err);
		log_error("page: ClearSilver nerr_init failed");
		return -1;
	}
	if (dir == NULL)
		dir = default_dir();
	if (cc_strlcpy(template_dir, dir, sizeof(template_dir)) >=
	    sizeof(template_dir)) {
		template_dir[0] = '\0';
		log_error("page: template directory path too long");
		return -1;
	}
	if (cc_snprintf(path, sizeof(path), "%s/%s", template_dir,
	    PAGE_MAIN_TEMPLATE) == -1 || access(path, R_OK) != 0) {
		log_error("page: cannot read %s/%s (set CC_TEMPLATES?)",
		    template_dir, PAGE_MAIN_TEMPLATE);
		return -1;
	}
	return 0;
}

/* ---- URLs and origins ---- */

/* Length of "scheme://host[:port]" of an http(s) URL, or 0. */
static size_t
origin_len(const char *url)
{
	const char *p;

	if (url == NULL)
		return 0;
	if (strncasecmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		p = url + 7;
	else
		return 0;
	if (*p == '\0' || *p == '/')
		return 0;
	p += strcspn(p, "/?#");
	return (size_t)(p - url);
}

static bool
same_origin(const char *a, const char *b)
{
	size_t na = origin_len(a), nb = origin_len(b);

	return na != 0 && na == nb && strncasecmp(a, b, na) == 0;
}

/*
 * A URL of ours as the page should use it: the path alone when it lies on
 * the page's own origin (pay_url), so that 'self' in the CSP covers it
 * whatever host name the customer used; else the URL unchanged.
 */
static const char *
local_url(const struct cc_config *cfg, const char *url)
{
	size_t n;

	if (cfg == NULL || url == NULL || !same_origin(url, cfg->pay_url))
		return url;
	n = origin_len(url);
	return url[n] == '/' ? url + n : url;
}

/*
 * A merchant's link, kept only if it is an absolute http(s) URL of
 * printable ASCII: escaping makes any text safe in an attribute, but a
 * javascript: URL in an href would still run. invoice_input checks this
 * at creation; the page does not rely on it.
 */
static const char *
safe_link(const char *url)
{
	const unsigned char *p;

	if (origin_len(url) == 0 || strlen(url) > CC_MAX_URL)
		return NULL;
	for (p = (const unsigned char *)url; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return NULL;
	return url;
}

int
page_csp(const struct cc_config *cfg, char *out, size_t outlen)
{
	char extra[300] = "";
	size_t n;

	if (cfg != NULL && origin_len(cfg->public_url) != 0 &&
	    !same_origin(cfg->public_url, cfg->pay_url)) {
		n = origin_len(cfg->public_url);
		if (n + 2 > sizeof(extra))
			return -1;
		extra[0] = ' ';
		memcpy(extra + 1, cfg->public_url, n);
		extra[n + 1] = '\0';
	}
	return cc_snprintf(out, outlen, "default-src 'none'; "
	    "script-src 'self'; style-src 'self'; img-src 'self'%s; "
	    "connect-src 'self'%s; base-uri 'none'; form-action 'self'; "
	    "frame-ancestors 'none'", extra, extra) == -1 ? -1 : 0;
}

void
page_headers(const struct cc_config *cfg, struct http_resp *resp)
{
	char csp[900];

	resp->content_type = "text/html; charset=utf-8";
	if (page_csp(cfg, csp, sizeof(csp)) == -1)
		page_csp(NULL, csp, sizeof(csp));
	http_header(resp, "Content-Security-Policy", csp);
	http_header(resp, "Referrer-Policy", "no-referrer");
	http_header(resp, "Cache-Control", "no-store");
}

/* ---- display values ---- */

void
page_format_remaining(int64_t s, char *out, size_t outlen)
{
	int64_t d, h, m;

	if (s <= 0) {
		cc_strlcpy(out, "Time is up", outlen);
		return;
	}
	d = s / 86400;
	h = s / 3600 % 24;
	m = s / 60 % 60;
	s %= 60;
	if (d > 0)
		snprintf(out, outlen, "%lld day%s %02lld:%02lld:%02lld left",
		    (long long)d, d == 1 ? "" : "s", (long long)h,
		    (long long)m, (long long)s);
	else if (h > 0)
		snprintf(out, outlen, "%lld:%02lld:%02lld left",
		    (long long)h, (long long)m, (long long)s);
	else
		snprintf(out, outlen, "%lld:%02lld left", (long long)m,
		    (long long)s);
}

/* A member as text: strings as they are, numbers as their exact text. */
static const char *
jstr(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) || v == NULL)
		return NULL;
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return jsonx_number_text(v);
}

static json_object *
jget(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static int64_t
jint(json_object *o, const char *key)
{
	json_object *v = jget(o, key);
	const char *t;
	char *end;
	long long n;

	if (v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_int))
		return json_object_get_int64(v);
	t = jstr(o, key);
	if (t == NULL)
		return 0;
	n = strtoll(t, &end, 10);
	return *end == '\0' ? n : 0;
}

/* A decimal as the page shows it: no trailing fractional zeros. */
static void
dec_put(const struct money_dec *d, char *out, size_t outlen)
{
	if (money_format_dec_trim(d, out, outlen) == -1)
		cc_strlcpy(out, "0", outlen);
}

/*
 * Sums the payments the view lists (it leaves out reverted and late
 * ones) against crypto_amount: what is still to send, in crypto, is what
 * the customer needs after a partial payment.
 */
static void
sums_compute(json_object *view, struct sums *s)
{
	json_object *pays = jget(view, "payments");
	struct money_dec due, sent = { 0, 0 }, a;
	size_t i, n;

	memset(s, 0, sizeof(*s));
	s->has_pending = money_dec_positive(jstr(jget(view,
	    "payment_progress"), "pending"));
	if (money_parse_dec(jstr(view, "crypto_amount"), MONEY_MAX_SCALE,
	    &due) != MONEY_OK) {
		due.mant = 0;
		due.scale = 0;
	}
	n = json_object_is_type(pays, json_type_array) ?
	    json_object_array_length(pays) : 0;
	for (i = 0; i < n; i++) {
		json_object *p = json_object_array_get_idx(pays, i);
		const char *st = jstr(p, "status");

		if (st != NULL && strcmp(st, "reverted") == 0)
			continue;
		if (money_parse_dec(jstr(p, "amount"), MONEY_MAX_SCALE, &a) !=
		    MONEY_OK || money_dec_align(&sent, &a) == -1 ||
		    a.mant > ((unsigned __int128)-1) - sent.mant)
			continue;
		sent.mant += a.mant;
	}
	s->has_sent = sent.mant > 0;
	if (money_dec_align(&due, &sent) == -1) {
		dec_put(&due, s->to_send, sizeof(s->to_send));
		return;
	}
	s->full_seen = due.mant > 0 && sent.mant >= due.mant;
	due.mant = s->full_seen ? 0 : due.mant - sent.mant;
	dec_put(&due, s->to_send, sizeof(s->to_send));
}

/* "2025-01-15T10:18:00Z" -> "2025-01-15 10:18 UTC"; NULL stays NULL. */
static const char *
when_text(const char *iso, char *out, size_t outlen)
{
	int64_t us;
	time_t t;
	struct tm tm;

	if (iso == NULL || time_parse_iso8601(iso, &us) == -1)
		return NULL;
	t = (time_t)(us / 1000000);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		return NULL;
	return out;
}

/* A network's name as customers know it. */
static const char *
network_label(const char *name, char *out, size_t outlen)
{
	static const struct {
		const char	*name;
		const char	*label;
	} known[] = {
		{ "ethereum", "Ethereum" }, { "tron", "Tron" },
		{ "sepolia", "Sepolia testnet" },
		{ "holesky", "Holesky testnet" },
		{ "nile", "Tron Nile testnet" },
		{ "shasta", "Tron Shasta testnet" },
		{ "anvil", "Anvil local chain" },
		{ "tron-anvil", "Tron on Anvil local chain" },
		{ "polygon", "Polygon" }, { "bsc", "BNB Smart Chain" },
		{ "arbitrum", "Arbitrum One" }, { "optimism", "OP Mainnet" },
		{ "base", "Base" },
	};
	size_t i;

	if (name == NULL || *name == '\0')
		return NULL;
	for (i = 0; i < CC_ARRAY_SIZE(known); i++)
		if (strcmp(name, known[i].name) == 0)
			return known[i].label;
	cc_strlcpy(out, name, outlen);
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
	return out;
}

static const char *
payment_label(const char *status)
{
	if (status == NULL)
		return "Unknown";
	if (strcmp(status, "detected") == 0)
		return "Detected";
	if (strcmp(status, "confirming") == 0)
		return "Confirming";
	if (strcmp(status, "confirmed") == 0)
		return "Confirmed";
	return status;
}

/* ---- the HDF ---- */

static void
put(struct hset *h, const char *name, const char *value)
{
	if (h->err != STATUS_OK || value == NULL)
		return;
	h->err = hdf_set_value(h->hdf, name, value);
}

static void
put_int(struct hset *h, const char *name, long long v)
{
	char t[32];

	snprintf(t, sizeof(t), "%lld", v);
	put(h, name, t);
}

/* Sets name built from "prefix.index.field". */
static void
put_at(struct hset *h, const char *prefix, size_t i, const char *field,
    const char *value)
{
	char name[96];

	if (cc_snprintf(name, sizeof(name), "%s.%zu.%s", prefix, i,
	    field) == -1)
		return;
	put(h, name, value);
}

static void
put_items(struct hset *h, json_object *view)
{
	json_object *items = jget(view, "items");
	size_t i, n;

	n = json_object_is_type(items, json_type_array) ?
	    json_object_array_length(items) : 0;
	for (i = 0; i < n; i++) {
		json_object *it = json_object_array_get_idx(items, i);

		put_at(h, "Invoice.items", i, "name", jstr(it, "name"));
		put_at(h, "Invoice.items", i, "description",
		    jstr(it, "description"));
		put_at(h, "Invoice.items", i, "quantity",
		    jstr(it, "quantity"));
		put_at(h, "Invoice.items", i, "unit_price",
		    jstr(it, "unit_price"));
		put_at(h, "Invoice.items", i, "amount", jstr(it, "amount"));
	}
}

static void
put_payments(struct hset *h, json_object *view)
{
	json_object *pays = jget(view, "payments");
	size_t i, n;

	n = json_object_is_type(pays, json_type_array) ?
	    json_object_array_length(pays) : 0;
	for (i = 0; i < n; i++) {
		json_object *p = json_object_array_get_idx(pays, i);
		const char *st = jstr(p, "status");

		put_at(h, "Payments", i, "amount", jstr(p, "amount"));
		put_at(h, "Payments", i, "status", st);
		put_at(h, "Payments", i, "status_label", payment_label(st));
		if (st != NULL && strcmp(st, "confirmed") != 0) {
			put_at(h, "Payments", i, "confirmations",
			    jstr(p, "confirmations"));
			put_at(h, "Payments", i, "required_confirmations",
			    jstr(p, "required_confirmations"));
		}
	}
}

static void
put_progress(struct hset *h, json_object *view)
{
	json_object *pp = jget(view, "payment_progress");
	const char *pct = jstr(pp, "percent");
	struct money_dec d, c, hundred = { 100, 0 };
	char t[64];

	put(h, "Progress.received", jstr(pp, "received"));
	put(h, "Progress.required", jstr(pp, "required"));
	put(h, "Progress.remaining", jstr(pp, "remaining"));
	put(h, "Progress.pending", jstr(pp, "pending"));
	/* <progress> takes 0..max; an overpayment reports above 100. */
	if (pct == NULL || money_parse_dec(pct, MONEY_MAX_SCALE, &d) !=
	    MONEY_OK) {
		put(h, "Progress.percent", "0");
		put(h, "Progress.value", "0");
		return;
	}
	dec_put(&d, t, sizeof(t));
	put(h, "Progress.percent", t);
	c = d;
	put(h, "Progress.value", money_dec_align(&c, &hundred) == -1 ||
	    c.mant >= hundred.mant ? "100" : t);
}

/*
 * The page's view: "open" (payable, or a full payment confirming),
 * "paid", "expired" (also when the clock ran out and the expiry job has
 * not passed yet: nobody should pay then), "cancelled", or "closed" for a
 * state this page does not know.
 */
static const char *
view_name(const char *status, int64_t remaining, const struct sums *s)
{
	if (status == NULL)
		return "closed";
	if (strcmp(status, "paid") == 0 || strcmp(status, "expired") == 0 ||
	    strcmp(status, "cancelled") == 0)
		return status;
	if (strcmp(status, "created") != 0 && strcmp(status, "pending") != 0)
		return "closed";
	if (remaining <= 0 && !s->full_seen)
		return "expired";
	return "open";
}

/*
 * The line the live region shows, and its kind (a class for its colour):
 * waiting, partial, confirming, paid, expired, cancelled, closed. pay.js
 * words them the same way.
 */
static void
put_status(struct hset *h, const char *view, const struct sums *s,
    const char *crypto)
{
	const char *kind, *text;
	char t[160];

	if (strcmp(view, "open") != 0) {
		kind = view;
		if (strcmp(view, "paid") == 0)
			text = "Paid";
		else if (strcmp(view, "expired") == 0)
			text = "Expired";
		else if (strcmp(view, "cancelled") == 0)
			text = "Cancelled";
		else
			text = "Closed";
	} else if (s->full_seen) {
		kind = "confirming";
		text = "Payment detected, confirming";
	} else if (s->has_sent) {
		kind = "partial";
		snprintf(t, sizeof(t), "Partly paid: %s %s to go", s->to_send,
		    crypto != NULL ? crypto : "");
		text = t;
	} else {
		kind = "waiting";
		text = "Waiting for your payment";
	}
	put(h, "Status.kind", kind);
	put(h, "Status.text", text);
}

/* The first character of a name, for the avatar: ASCII upper-cased. */
static void
initial(const char *name, char *out, size_t outlen)
{
	size_t n = 1;
	unsigned char c;

	out[0] = '\0';
	if (name == NULL || *name == '\0' || outlen < 5)
		return;
	c = (unsigned char)name[0];
	if (c >= 0xf0)
		n = 4;
	else if (c >= 0xe0)
		n = 3;
	else if (c >= 0xc0)
		n = 2;
	if (strnlen(name, n) < n)
		n = 1;
	memcpy(out, name, n);
	out[n] = '\0';
	if (c >= 'a' && c <= 'z')
		out[0] = (char)(c - 'a' + 'A');
}

static void
put_network(struct hset *h, const struct cc_config *cfg, json_object *view)
{
	const char *name = jstr(view, "network");
	const char *sym = jstr(view, "crypto_currency");
	const struct cc_network *net = NULL;
	const struct cc_asset *asset = NULL;
	char label[64];
	bool qr_amount = true;

	put(h, "Invoice.network", name);
	put(h, "Invoice.network_label", network_label(name, label,
	    sizeof(label)));
	if (cfg != NULL && name != NULL)
		net = config_network(cfg, name);
	if (net != NULL && sym != NULL)
		asset = config_asset(net, sym);
	if (net != NULL && asset != NULL && !asset->native)
		put(h, "Invoice.token_standard", net->kind == ADDRESS_TRON ?
		    "TRC-20" : "ERC-20");
	/* TRON codes hold the bare address (payuri.h), others the amount. */
	if (net != NULL && net->kind == ADDRESS_TRON)
		qr_amount = false;
	put(h, "Invoice.qr_has_amount", qr_amount ? "1" : "0");
}

/* key of o, when a string holding a refused character, neutralised. */
static void
neutralise(json_object *o, const char *key)
{
	json_object *v;
	uint32_t cp;
	size_t off;
	char *t;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    !textsafe_find(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v), &cp, &off))
		return;
	t = textsafe_neutralise(json_object_get_string(v));
	json_object_object_add(o, key, json_object_new_string(t));
	free(t);
}

/*
 * Text stored before bidi controls and invisible characters were refused
 * (lib/textsafe.h) is shown with U+FFFD in their place: on this page an
 * override could disguise an amount.
 */
static void
neutralise_view(json_object *view)
{
	json_object *items = jget(view, "items");
	size_t i, n;

	neutralise(view, "title");
	neutralise(view, "description");
	neutralise(jget(view, "merchant"), "name");
	n = json_object_is_type(items, json_type_array) ?
	    json_object_array_length(items) : 0;
	for (i = 0; i < n; i++) {
		neutralise(json_object_array_get_idx(items, i), "name");
		neutralise(json_object_array_get_idx(items, i), "description");
	}
}

static void
put_invoice(struct hset *h, const struct cc_config *cfg, json_object *view)
{
	const char *id, *status, *crypto, *title, *merchant;
	json_object *lm = jget(view, "livemode");
	int64_t remaining = jint(view, "time_remaining");
	const char *view_s, *tax = jstr(view, "tax");
	char t[PAGE_MAX_PATH + 64], when[48];
	struct sums s;

	neutralise_view(view);
	id = jstr(view, "id");
	status = jstr(view, "status");
	crypto = jstr(view, "crypto_currency");
	title = jstr(view, "title");
	merchant = jstr(jget(view, "merchant"), "name");
	sums_compute(view, &s);
	view_s = view_name(status, remaining, &s);
	put(h, "Page.view", view_s);
	put(h, "Page.live", strcmp(view_s, "open") == 0 ? "1" : "0");
	if (title != NULL && *title != '\0')
		snprintf(t, sizeof(t), "%s – Payment", title);
	else
		cc_strlcpy(t, "Payment", sizeof(t));
	put(h, "Page.title", t);

	put(h, "Invoice.id", id);
	put(h, "Invoice.status", status);
	put(h, "Invoice.test", lm != NULL &&
	    json_object_is_type(lm, json_type_boolean) &&
	    !json_object_get_boolean(lm) ? "1" : "0");
	put(h, "Invoice.merchant", merchant);
	initial(merchant, when, sizeof(when));
	put(h, "Invoice.merchant_initial", when);
	put(h, "Invoice.title", title);
	put(h, "Invoice.description", jstr(view, "description"));
	put_items(h, view);
	put(h, "Invoice.subtotal", jstr(view, "subtotal"));
	put(h, "Invoice.tax", tax);
	put(h, "Invoice.has_tax", money_dec_positive(tax) ? "1" : "0");
	put(h, "Invoice.total", jstr(view, "total"));
	put(h, "Invoice.currency", jstr(view, "currency"));
	put(h, "Invoice.crypto_amount", jstr(view, "crypto_amount"));
	put(h, "Invoice.crypto_currency", crypto);
	put_network(h, cfg, view);
	put(h, "Invoice.address", jstr(view, "address"));
	put(h, "Invoice.qr_url", local_url(cfg, jstr(view, "qr_code_url")));
	put(h, "Invoice.expires_at", jstr(view, "expires_at"));
	put(h, "Invoice.expires_text", when_text(jstr(view, "expires_at"),
	    when, sizeof(when)));
	put_int(h, "Invoice.time_remaining", remaining > 0 ? remaining : 0);
	page_format_remaining(remaining, t, sizeof(t));
	put(h, "Invoice.countdown", t);
	put(h, "Invoice.paid_text", when_text(jstr(view, "paid_at"), when,
	    sizeof(when)));
	put(h, "Invoice.return_url", safe_link(jstr(view, "return_url")));
	put(h, "Invoice.cancel_url", safe_link(jstr(view, "cancel_url")));

	if (id != NULL) {
		const char *base = cfg != NULL && cfg->public_url[0] != '\0' ?
		    cfg->public_url : "/api/v1/public";

		if (cc_snprintf(t, sizeof(t), "%s/invoice/%s", base,
		    id) != -1)
			put(h, "Invoice.api_url", local_url(cfg, t));
		if (cc_snprintf(t, sizeof(t), "%s/invoice/%s/events", base,
		    id) != -1)
			put(h, "Invoice.events_url", local_url(cfg, t));
	}

	put_progress(h, view);
	put(h, "Progress.has_sent", s.has_sent ? "1" : "0");
	put(h, "Progress.full_seen", s.full_seen ? "1" : "0");
	put(h, "Progress.has_pending", s.has_pending ? "1" : "0");
	put(h, "Progress.has_received", money_dec_positive(jstr(jget(view,
	    "payment_progress"), "received")) ? "1" : "0");
	put(h, "Progress.to_send", s.to_send);
	put_payments(h, view);
	put_status(h, view_s, &s, crypto);
	/* Refunds awaiting the customer's address (cc-pay adds them). */
	put(h, "Refund.awaiting", jstr(view, "refund_awaiting"));
	put(h, "Refund.amount", jstr(view, "refund_amount"));
}

/* ---- rendering ---- */

static NEOERR *
render_cb(void *ctx, char *s)
{
	struct buf *out = ctx;

	if (buf_puts(out, s) == -1)
		return nerr_raise(NERR_NOMEM, "page larger than its buffer's "
		    "maximum");
	return STATUS_OK;
}

static void
log_nerr(const char *what, NEOERR **err)
{
	STRING s;

	string_init(&s);
	nerr_error_string(*err, &s);
	log_error("page: %s: %s", what, s.buf != NULL ? s.buf : "?");
	string_clear(&s);
	nerr_ignore(err);
}

/*
 * One HDF and one CSPARSE per render (ClearSilver is thread-safe so);
 * fill adds the page's data. VarEscapeMode must be set before cs_init.
 */
static int
render(void (*fill)(struct hset *, const void *), const void *arg,
    struct buf *out)
{
	struct hset h = { NULL, STATUS_OK };
	CSPARSE *cs = NULL;
	NEOERR *err;
	int rc = -1;

	err = hdf_init(&h.hdf);
	if (err != STATUS_OK) {
		log_nerr("hdf_init", &err);
		return -1;
	}
	put(&h, "Config.VarEscapeMode", "html");
	put(&h, "hdf.loadpaths.0", page_template_dir());
	fill(&h, arg);
	if (h.err != STATUS_OK) {
		log_nerr("filling the data set", &h.err);
		goto out;
	}
	err = cs_init(&cs, h.hdf);
	if (err == STATUS_OK)
		err = cgi_register_strfuncs(cs);
	if (err == STATUS_OK)
		err = cs_parse_file(cs, PAGE_MAIN_TEMPLATE);
	if (err == STATUS_OK)
		err = cs_render(cs, out, render_cb);
	if (err != STATUS_OK) {
		log_nerr("rendering", &err);
		goto out;
	}
	rc = 0;
out:
	cs_destroy(&cs);
	hdf_destroy(&h.hdf);
	return rc;
}

struct invoice_arg {
	const struct cc_config	*cfg;
	json_object		*view;
};

static void
fill_invoice(struct hset *h, const void *arg)
{
	const struct invoice_arg *a = arg;

	put_invoice(h, a->cfg, a->view);
}

int
page_render_invoice(const struct cc_config *cfg, json_object *view,
    struct buf *out)
{
	struct invoice_arg a = { cfg, view };

	if (view == NULL || !json_object_is_type(view, json_type_object)) {
		log_error("page: no invoice view to render");
		return -1;
	}
	return render(fill_invoice, &a, out);
}

struct error_arg {
	int		 status;
	const char	*message;
	const char	*request_id;
};

static void
error_text(int status, const char **heading, const char **message)
{
	switch (status) {
	case 400:
		*heading = "This payment link is not valid";
		*message = "Check that you opened the whole link you were "
		    "given, or ask the merchant for a new one.";
		break;
	case 404:
		*heading = "Invoice not found";
		*message = "There is no invoice at this address. Check the "
		    "link, or ask the merchant for a new one.";
		break;
	case 405:
		*heading = "Method not allowed";
		*message = "This page can only be viewed.";
		break;
	case 429:
		*heading = "Too many requests";
		*message = "Too many pages were opened from your address. "
		    "Please wait a minute and reload.";
		break;
	case 503:
		*heading = "Temporarily unavailable";
		*message = "Payments cannot be shown right now. Please try "
		    "again in a minute.";
		break;
	default:
		*heading = "Something went wrong";
		*message = "We could not show this page. Please try again in "
		    "a minute.";
		break;
	}
}

static void
fill_error(struct hset *h, const void *arg)
{
	const struct error_arg *a = arg;
	const char *heading, *message;
	char t[160];

	error_text(a->status, &heading, &message);
	put(h, "Page.view", "error");
	put(h, "Page.live", "0");
	snprintf(t, sizeof(t), "%s – Payment", heading);
	put(h, "Page.title", t);
	put_int(h, "Error.status", a->status);
	put(h, "Error.heading", heading);
	put(h, "Error.message", a->message != NULL ? a->message : message);
	put(h, "Error.request_id", a->request_id);
}

int
page_render_error_ex(int status, const char *message, const char *request_id,
    struct buf *out)
{
	struct error_arg a = { status, message, request_id };

	return render(fill_error, &a, out);
}

int
page_render_error(int status, const char *message, struct buf *out)
{
	return page_render_error_ex(status, message, NULL, out);
}

/* HTML text escaping for the one page built without ClearSilver. */
static void
buf_put_html(struct buf *out, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&': buf_puts(out, "&amp;"); break;
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		case '\'': buf_puts(out, "&#39;"); break;
		default: buf_append(out, s, 1); break;
		}
	}
}

void
page_fallback(int status, const char *request_id, struct buf *out)
{
	const char *heading, *message;

	error_text(status, &heading, &message);
	buf_reset(out);
	buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	buf_put_html(out, heading);
	buf_puts(out, "</title>\n</head>\n<body>\n<main>\n<h1>");
	buf_put_html(out, heading);
	buf_puts(out, "</h1>\n<p>");
	buf_put_html(out, message);
	buf_puts(out, "</p>\n");
	if (request_id != NULL) {
		buf_puts(out, "<p>Reference: ");
		buf_put_html(out, request_id);
		buf_puts(out, "</p>\n");
	}
	buf_puts(out, "</main>\n</body>\n</html>\n");
}
