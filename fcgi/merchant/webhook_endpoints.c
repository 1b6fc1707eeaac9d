/*
 * Webhook endpoint routes (create, list, get, update, delete, rotate the
 * signing secret) and the rotation of the secret that signs deliveries to
 * invoices' own webhook_url. Endpoints belong to a merchant and a mode: a
 * test key never sees a live endpoint, so test traffic cannot reach a
 * production receiver.
 */
#include "cc.h"

#include <errno.h>
#include <stdarg.h>

#include "db.h"
#include "events.h"
#include "ids.h"
#include "invoice.h"
#include "invoice_input.h"
#include "jsonx.h"
#include "log.h"
#include "netcheck.h"
#include "routes.h"
#include "util.h"
#include "webhook.h"
#include "whsig.h"

#define WHSEC_PREFIX	"whsec_"
/*
 * Bytes, prefix included: "whsec_" and at least 8 more, which the spec's
 * own example ("whsec_abc123...") meets. A generated secret has 52.
 */
#define WHSEC_MIN	14
#define WHSEC_MAX	128

/*
 * The endpoint object, built by PostgreSQL in the spec's field order
 * (json_build_object keeps it); the secret is added by the handlers that
 * may show it.
 */
#define EP_JSON \
	"json_build_object('id', id, 'object', 'webhook_endpoint', " \
	"'url', url, 'events', events, 'allowed_ips', allowed_ips, " \
	"'max_retries', max_retries, 'retry_backoff', retry_backoff, " \
	"'timeout', timeout, 'enabled', enabled, " \
	"'created_at', cc_ts(created_at), " \
	"'updated_at', cc_ts(updated_at))::text"

/* A JSON array of strings (parameter p) as text[], in its order. */
#define TEXT_ARRAY(p) \
	"ARRAY(SELECT x FROM jsonb_array_elements_text(" p "::jsonb) " \
	"WITH ORDINALITY AS t(x, n) ORDER BY n)"

/* The endpoint this caller may see: its merchant, its mode, not deleted. */
#define EP_MINE \
	"id = $1 AND merchant_id = $2 AND mode = $3 AND deleted_at IS NULL"

/* Every accepted field, declared once. */
enum ep_field {
	EP_URL,
	EP_EVENTS,
	EP_SECRET,
	EP_ALLOWED_IPS,
	EP_MAX_RETRIES,
	EP_RETRY_BACKOFF,
	EP_TIMEOUT,
	EP_ENABLED,
	EP__MAX
};

static const char *const ep_names[EP__MAX + 1] = {
	"url", "events", "secret", "allowed_ips", "max_retries",
	"retry_backoff", "timeout", "enabled", NULL
};

/* A parsed body. Strings point into the request's JSON object. */
struct ep_input {
	bool		 has[EP__MAX];	/* given and not null */
	const char	*url;
	char		*events;	/* JSON array text, owned */
	const char	*secret;
	char		 new_secret[WHSIG_SECRET_SIZE];
	char		*allowed_ips;	/* JSON array text, owned */
	struct net_cidr	 cidrs[WEBHOOK_MAX_ALLOWED_IPS];
	size_t		 ncidrs;
	char		 max_retries[16];
	const char	*retry_backoff;
	char		 timeout[16];
	bool		 enabled;
};

static void
ep_input_release(struct ep_input *in)
{
	free(in->events);
	free(in->allowed_ips);
	explicit_bzero(in->new_secret, sizeof(in->new_secret));
	memset(in, 0, sizeof(*in));
}

static void
send_error(struct mreq *m, struct input_error *e)
{
	http_error_ex(&m->c->resp, e->status, e->type, e->code, e->message,
	    e->field[0] ? e->field : NULL, e->extra);
	e->extra = NULL;
}

static void
not_found(struct mreq *m)
{
	http_error(&m->c->resp, 404, "not_found_error",
	    "WEBHOOK_ENDPOINT_NOT_FOUND", "no such webhook endpoint",
	    "endpoint_id");
}

static const char *
mode_of(const struct mreq *m)
{
	return m->auth.test ? "test" : "live";
}

/*
 * lib/webhook.h words refusals of form as "must ..." or "has a malformed
 * host", and refusals of place by naming the address: the first are
 * INVALID_URL, the second URL_NOT_ALLOWED, so a client can tell a typo
 * from a destination it may not use.
 */
static int
url_refused(struct input_error *e, const char *field, const char *why)
{
	if (strncmp(why, "must ", 5) == 0 ||
	    strncmp(why, "has a malformed", 15) == 0)
		return input_seterr(e, 422, "INVALID_URL", field, "%s %s",
		    field, why);
	return input_seterr(e, 422, "URL_NOT_ALLOWED", field, "%s: %s", field,
	    why);
}

/* Checks a URL's form, then where it leads. 0 or -1 with e set. */
static int
check_url(const char *url, const struct net_cidr *cidrs, size_t n,
    const struct cc_config *cfg, const char *field, struct input_error *e)
{
	char why[256];

	/* webhook_check_url first: it says what is wrong ("not ftp"). */
	if (webhook_check_url(url, cidrs, n, cfg, true, why, sizeof(why)) !=
	    0)
		return url_refused(e, field, why);
	/* What it lets through but a stored URL must not hold (spaces). */
	if (!input_url_ok(url))
		return input_seterr(e, 422, "INVALID_URL", field,
		    "%s must be an absolute http or https URL of printable "
		    "ASCII without credentials", field);
	return 0;
}

/* An integer field in [lo, hi] into out as decimal text. */
static int
int_field(json_object *v, const char *field, long long lo, long long hi,
    char *out, size_t outlen, struct input_error *e)
{
	const char *txt;
	char *end;
	long long n;

	txt = jsonx_number_text(v);
	/* "2.0" and "1e3" are not integers here; the text decides. */
	if (txt == NULL || strpbrk(txt, ".eE") != NULL)
		return input_seterr(e, 422, "INVALID_TYPE", field,
		    "%s must be an integer", field);
	errno = 0;
	n = strtoll(txt, &end, 10);
	if (errno != 0 || *end != '\0' || n < lo || n > hi)
		return input_seterr(e, 422, "INVALID_VALUE", field,
		    "%s must be between %lld and %lld", field, lo, hi);
	snprintf(out, outlen, "%lld", n);
	return 0;
}

static int
parse_events(json_object *v, struct ep_input *in, struct input_error *e)
{
	json_object *arr;
	size_t n, i, j, known = 0;
	int t;

	for (t = 0; t < EV__MAX; t++)
		if (events_flags(events_name(t)) & EVF_WEBHOOK)
			known++;
	if (!json_object_is_type(v, json_type_array))
		return input_seterr(e, 422, "INVALID_TYPE", "events",
		    "events must be an array of event names");
	n = json_object_array_length(v);
	if (n == 0)
		return input_seterr(e, 422, "INVALID_VALUE", "events",
		    "events must name at least one event");
	/* Unique known names: more than there are is a duplicate. */
	if (n > known)
		return input_seterr(e, 422, "INVALID_VALUE", "events",
		    "events must list each event at most once (%zu exist)",
		    known);
	for (i = 0; i < n; i++) {
		json_object *x = json_object_array_get_idx(v, i);
		const char *s;

		if (!json_object_is_type(x, json_type_string))
			return input_seterr(e, 422, "INVALID_TYPE", "events",
			    "events[%zu] must be a string", i);
		s = json_object_get_string(x);
		if (!(events_flags(s) & EVF_WEBHOOK))
			return input_seterr(e, 422, "INVALID_VALUE", "events",
			    "events[%zu] is not a known event; see the "
			    "Webhook Events list", i);
		for (j = 0; j < i; j++)
			if (strcmp(s, json_object_get_string(
			    json_object_array_get_idx(v, j))) == 0)
				return input_seterr(e, 422, "INVALID_VALUE",
				    "events", "events[%zu] repeats "
				    "events[%zu]", i, j);
	}
	/* A copy of known names only, whatever else the body held. */
	arr = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(
		    json_object_get_string(json_object_array_get_idx(v, i))));
	in->events = xstrdup(jsonx_text(arr));
	json_object_put(arr);
	return 0;
}

static int
parse_allowed_ips(json_object *v, const struct cc_config *cfg,
    struct ep_input *in, struct input_error *e)
{
	json_object *arr;
	char why[200];
	size_t n, i;

	if (!json_object_is_type(v, json_type_array))
		return input_seterr(e, 422, "INVALID_TYPE", "allowed_ips",
		    "allowed_ips must be an array of IP addresses or CIDRs");
	n = json_object_array_length(v);
	if (n > WEBHOOK_MAX_ALLOWED_IPS)
		return input_seterr(e, 422, "INVALID_VALUE", "allowed_ips",
		    "allowed_ips must have at most %d entries",
		    WEBHOOK_MAX_ALLOWED_IPS);
	for (i = 0; i < n; i++) {
		json_object *x = json_object_array_get_idx(v, i);

		if (!json_object_is_type(x, json_type_string))
			return input_seterr(e, 422, "INVALID_TYPE",
			    "allowed_ips",
			    "allowed_ips[%zu] must be a string", i);
		if (net_parse_cidr(json_object_get_string(x),
		    &in->cidrs[i]) == -1)
			return input_seterr(e, 422, "INVALID_VALUE",
			    "allowed_ips",
			    "allowed_ips[%zu] must be an IP address or a "
			    "CIDR such as 192.168.1.100 or 10.0.0.0/8 (host "
			    "bits zero)", i);
		/* It narrows; it may not open what the operator did not. */
		if (webhook_check_allowed_ip(&in->cidrs[i], cfg, why,
		    sizeof(why)) != 0)
			return input_seterr(e, 422, "IP_NOT_ALLOWED",
			    "allowed_ips", "allowed_ips[%zu] %s", i, why);
	}
	in->ncidrs = n;
	arr = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(
		    json_object_get_string(json_object_array_get_idx(v, i))));
	in->allowed_ips = xstrdup(jsonx_text(arr));
	json_object_put(arr);
	return 0;
}

static int
parse_secret(json_object *v, struct ep_input *in, struct input_error *e)
{
	const char *s;
	size_t n, i;

	if (!json_object_is_type(v, json_type_string))
		return input_seterr(e, 422, "INVALID_TYPE", "secret",
		    "secret must be a string");
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if (strncmp(s, WHSEC_PREFIX, strlen(WHSEC_PREFIX)) != 0)
		return input_seterr(e, 422, "INVALID_VALUE", "secret",
		    "secret must start with " WHSEC_PREFIX);
	if (n < WHSEC_MIN || n > WHSEC_MAX)
		return input_seterr(e, 422, "INVALID_LENGTH", "secret",
		    "secret must be %d to %d bytes long", WHSEC_MIN,
		    WHSEC_MAX);
	/* It goes into a header-like HMAC key and a receiver's config. */
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] >= 0x7f)
			return input_seterr(e, 422, "INVALID_VALUE", "secret",
			    "secret must be printable ASCII without spaces");
	in->secret = s;
	return 0;
}

/*
 * Reads the fields of a create (url and events required, defaults for the
 * rest) or an update (any subset; secret refused: it changes only through
 * rotate-secret, which shows the new one). JSON null means "not given".
 */
static int
ep_parse(json_object *body, bool create, const struct cc_config *cfg,
    struct ep_input *in, struct input_error *e)
{
	json_object *v[EP__MAX];
	size_t i;

	memset(in, 0, sizeof(*in));
	json_object_object_foreach(body, k, val) {
		bool ok = false;

		(void)val;
		for (i = 0; i < EP__MAX; i++)
			if (strcmp(k, ep_names[i]) == 0)
				ok = true;
		if (!ok)
			return input_seterr(e, 422, "UNKNOWN_FIELD",
			    strlen(k) <= 40 && jsonx_utf8_clean(k, strlen(k),
			    false) ? k : NULL, "unknown field");
	}
	if (!create && json_object_object_get_ex(body, "secret", NULL))
		return input_seterr(e, 422, "SECRET_NOT_UPDATABLE", "secret",
		    "secret cannot be changed by PATCH; use POST "
		    "/api/v1/webhook-endpoints/{id}/rotate-secret, which "
		    "returns the new secret");
	for (i = 0; i < EP__MAX; i++) {
		v[i] = NULL;
		if (json_object_object_get_ex(body, ep_names[i], &v[i]) &&
		    json_object_is_type(v[i], json_type_null))
			v[i] = NULL;
		in->has[i] = v[i] != NULL;
	}
	if (create && v[EP_URL] == NULL)
		return input_seterr(e, 422, "MISSING_FIELD", "url",
		    "url is required");
	if (v[EP_URL] != NULL) {
		if (!json_object_is_type(v[EP_URL], json_type_string))
			return input_seterr(e, 422, "INVALID_TYPE", "url",
			    "url must be a string");
		in->url = json_object_get_string(v[EP_URL]);
	}
	if (create && v[EP_EVENTS] == NULL)
		return input_seterr(e, 422, "MISSING_FIELD", "events",
		    "events is required");
	if (v[EP_EVENTS] != NULL && parse_events(v[EP_EVENTS], in, e) == -1)
		return -1;
	if (v[EP_SECRET] != NULL && parse_secret(v[EP_SECRET], in, e) == -1)
		return -1;
	if (v[EP_ALLOWED_IPS] != NULL &&
	    parse_allowed_ips(v[EP_ALLOWED_IPS], cfg, in, e) == -1)
		return -1;
	snprintf(in->max_retries, sizeof(in->max_retries), "%d",
	    WEBHOOK_DEFAULT_RETRIES);
	if (v[EP_MAX_RETRIES] != NULL && int_field(v[EP_MAX_RETRIES],
	    "max_retries", 0, WEBHOOK_MAX_RETRIES, in->max_retries,
	    sizeof(in->max_retries), e) == -1)
		return -1;
	in->retry_backoff = "exponential";
	if (v[EP_RETRY_BACKOFF] != NULL) {
		const char *s;

		if (!json_object_is_type(v[EP_RETRY_BACKOFF],
		    json_type_string))
			return input_seterr(e, 422, "INVALID_TYPE",
			    "retry_backoff", "retry_backoff must be a string");
		s = json_object_get_string(v[EP_RETRY_BACKOFF]);
		if (strcmp(s, "exponential") != 0 && strcmp(s, "linear") != 0)
			return input_seterr(e, 422, "INVALID_VALUE",
			    "retry_backoff", "retry_backoff must be "
			    "exponential or linear");
		in->retry_backoff = s;
	}
	snprintf(in->timeout, sizeof(in->timeout), "%d",
	    WEBHOOK_DEFAULT_TIMEOUT);
	if (v[EP_TIMEOUT] != NULL && int_field(v[EP_TIMEOUT], "timeout", 1,
	    WEBHOOK_MAX_TIMEOUT, in->timeout, sizeof(in->timeout), e) == -1)
		return -1;
	in->enabled = true;
	if (v[EP_ENABLED] != NULL) {
		if (!json_object_is_type(v[EP_ENABLED], json_type_boolean))
			return input_seterr(e, 422, "INVALID_TYPE", "enabled",
			    "enabled must be true or false");
		in->enabled = json_object_get_boolean(v[EP_ENABLED]);
	}
	return 0;
}

/* A body that must carry no field (rotate-secret): 0 or -1 answered. */
static int
read_empty_body(struct mreq *m)
{
	json_object *body;
	int rc = 0;

	if (merchant_json_body(m, true, &body) == -1)
		return -1;
	if (body != NULL) {
		json_object_object_foreach(body, k, val) {
			bool named = strlen(k) <= 40 &&
			    jsonx_utf8_clean(k, strlen(k), false);

			(void)val;
			http_error(&m->c->resp, 422, "validation_error",
			    "UNKNOWN_FIELD", "unknown field",
			    named ? k : NULL);
			rc = -1;
			break;
		}
	}
	json_object_put(body);
	return rc;
}

/* The endpoint object from its SQL text, with the secret when shown. */
static json_object *
ep_object(const char *text, const char *secret)
{
	json_object *o;
	char err[200];

	o = jsonx_parse(text, strlen(text), err, sizeof(err));
	if (o == NULL) {
		log_error("webhook endpoint: bad JSON from the database: %s",
		    err);
		return NULL;
	}
	if (secret != NULL)
		jsonx_add_str(o, "secret", secret);
	return o;
}

/* Answers status with the endpoint object, or 500. */
static void
send_ep(struct mreq *m, int status, const char *text, const char *secret)
{
	json_object *o;

	o = ep_object(text, secret);
	if (o == NULL) {
		merchant_internal_error(m, "webhook endpoint object");
		return;
	}
	http_json(&m->c->resp, status, o);
	json_object_put(o);
}

/* One audit_log row in the caller's transaction: 0 or -1. */
static int
audit(struct mreq *m, const char *event, const char *endpoint_id)
{
	static const char sql[] =
	    "INSERT INTO audit_log (id, merchant_id, invoice_id, event, "
	    "actor, ip_address, user_agent, request_id, details) VALUES "
	    "($1, $2, NULL, $3, $4, $5, $6, $7, "
	    "jsonb_build_object('endpoint_id', $8::text))";
	char id[IDS_MAX_LEN];
	const char *params[8];

	ids_new("audit_", id, sizeof(id));
	params[0] = id;
	params[1] = m->auth.merchant_id;
	params[2] = event;
	params[3] = m->auth.actor;
	params[4] = m->c->ip;
	params[5] = m->c->user_agent;
	params[6] = m->c->request_id;
	params[7] = endpoint_id;
	return db_command(m->c->db, sql, 8, params);
}

/* Cancels an endpoint's pending deliveries, saying why: 0 or -1. */
static int
cancel_pending(struct mreq *m, const char *endpoint_id, const char *why)
{
	static const char sql[] =
	    "UPDATE webhook_deliveries SET status = 'cancelled', "
	    "last_error = $2 WHERE endpoint_id = $1 AND status = 'pending'";
	const char *params[2];

	params[0] = endpoint_id;
	params[1] = why;
	return db_command(m->c->db, sql, 2, params);
}

void
webhook_endpoints_create(struct mreq *m)
{
	static const char lock_sql[] =
	    "SELECT 1 FROM merchants WHERE id = $1 FOR NO KEY UPDATE";
	static const char insert_sql[] =
	    "INSERT INTO webhook_endpoints (id, merchant_id, mode, url, "
	    "events, secret, allowed_ips, max_retries, retry_backoff, "
	    "timeout, enabled) SELECT $1, $2, $3, $4, " TEXT_ARRAY("$5")
	    ", $6, " TEXT_ARRAY("$7") ", $8::int, $9, $10::int, $11::boolean "
	    "WHERE (SELECT count(*) FROM webhook_endpoints WHERE "
	    "merchant_id = $2 AND mode = $3 AND deleted_at IS NULL) < "
	    "$12::int RETURNING " EP_JSON;
	struct fcgi_ctx *c = m->c;
	struct ep_input in;
	struct input_error e;
	json_object *body = NULL;
	PGresult *res = NULL;
	char id[IDS_MAX_LEN], limit[16];
	const char *params[12];

	memset(&e, 0, sizeof(e));
	memset(&in, 0, sizeof(in));
	if (merchant_json_body(m, false, &body) == -1)
		return;
	if (ep_parse(body, true, c->cfg, &in, &e) == -1 ||
	    check_url(in.url, in.cidrs, in.ncidrs, c->cfg, "url", &e) == -1) {
		send_error(m, &e);
		goto out;
	}
	if (in.secret == NULL) {
		whsig_new_secret(in.new_secret, sizeof(in.new_secret));
		in.secret = in.new_secret;
	}
	ids_new("whk_", id, sizeof(id));
	snprintf(limit, sizeof(limit), "%d", WEBHOOK_MAX_ENDPOINTS);
	params[0] = id;
	params[1] = m->auth.merchant_id;
	params[2] = mode_of(m);
	params[3] = in.url;
	params[4] = in.events;
	params[5] = in.secret;
	params[6] = in.allowed_ips != NULL ? in.allowed_ips : "[]";
	params[7] = in.max_retries;
	params[8] = in.retry_backoff;
	params[9] = in.timeout;
	params[10] = in.enabled ? "true" : "false";
	params[11] = limit;

	if (db_begin(c->db) == -1)
		goto fail;
	/*
	 * Two creations at once would each count 15 and both insert: the
	 * merchant's row serializes them. NO KEY UPDATE, not UPDATE, so
	 * that invoices (whose foreign key takes KEY SHARE) never wait.
	 */
	res = db_query(c->db, lock_sql, 1, params + 1);
	if (res == NULL || PQntuples(res) != 1)
		goto rollback;
	PQclear(res);
	res = db_query(c->db, insert_sql, 12, params);
	if (res == NULL)
		goto rollback;
	if (PQntuples(res) != 1) {
		char msg[128];

		db_rollback(c->db);
		snprintf(msg, sizeof(msg), "at most %d webhook endpoints may "
		    "exist per mode; delete one first", WEBHOOK_MAX_ENDPOINTS);
		http_error(&c->resp, 422, "validation_error",
		    "TOO_MANY_ENDPOINTS", msg, NULL);
		goto out;
	}
	if (audit(m, "webhook_endpoint.created", id) == -1 ||
	    db_commit(c->db) == -1)
		goto rollback;
	send_ep(m, 201, PQgetvalue(res, 0, 0), in.secret);
	goto out;
rollback:
	db_rollback(c->db);
fail:
	merchant_internal_error(m, "webhook endpoint create");
out:
	PQclear(res);
	json_object_put(body);
	ep_input_release(&in);
	input_error_release(&e);
}

void
webhook_endpoints_list(struct mreq *m)
{
	static const char sql[] =
	    "SELECT " EP_JSON " FROM webhook_endpoints WHERE "
	    "merchant_id = $1 AND mode = $2 AND deleted_at IS NULL "
	    "ORDER BY created_at DESC, id DESC";
	json_object *list, *data;
	PGresult *res;
	const char *params[2];
	int i;

	params[0] = m->auth.merchant_id;
	params[1] = mode_of(m);
	res = db_query(m->c->db, sql, 2, params);
	if (res == NULL) {
		merchant_internal_error(m, "webhook endpoint list");
		return;
	}
	list = json_object_new_object();
	jsonx_add_str(list, "object", "list");
	data = json_object_new_array();
	jsonx_add(list, "data", data);
	for (i = 0; i < PQntuples(res); i++) {
		json_object *o = ep_object(PQgetvalue(res, i, 0), NULL);

		if (o == NULL) {
			merchant_internal_error(m, "webhook endpoint list");
			goto out;
		}
		json_object_array_add(data, o);
	}
	http_json(&m->c->resp, 200, list);
out:
	json_object_put(list);
	PQclear(res);
}

void
webhook_endpoints_get(struct mreq *m)
{
	static const char sql[] =
	    "SELECT " EP_JSON " FROM webhook_endpoints WHERE " EP_MINE;
	PGresult *res;
	const char *params[3];

	if (!ids_valid("whk_", m->params[0])) {
		not_found(m);
		return;
	}
	params[0] = m->params[0];
	params[1] = m->auth.merchant_id;
	params[2] = mode_of(m);
	res = db_query(m->c->db, sql, 3, params);
	if (res == NULL)
		merchant_internal_error(m, "webhook endpoint get");
	else if (PQntuples(res) != 1)
		not_found(m);
	else
		send_ep(m, 200, PQgetvalue(res, 0, 0), NULL);
	PQclear(res);
}

/* The stored allow list (JSON array text) as CIDRs: 0 or -1. */
static int
stored_cidrs(const char *text, struct net_cidr *out, size_t *n)
{
	json_object *arr;
	char err[200];
	size_t i, len;
	int rc = -1;

	*n = 0;
	arr = jsonx_parse(text, strlen(text), err, sizeof(err));
	if (arr == NULL || !json_object_is_type(arr, json_type_array))
		goto out;
	len = json_object_array_length(arr);
	if (len > WEBHOOK_MAX_ALLOWED_IPS)
		goto out;
	for (i = 0; i < len; i++) {
		json_object *x = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(x, json_type_string) ||
		    net_parse_cidr(json_object_get_string(x), &out[i]) == -1)
			goto out;
	}
	*n = len;
	rc = 0;
out:
	json_object_put(arr);
	return rc;
}

void
webhook_endpoints_update(struct mreq *m)
{
	static const char lock_sql[] =
	    "SELECT url, array_to_json(allowed_ips)::text FROM "
	    "webhook_endpoints WHERE " EP_MINE " FOR UPDATE";
	static const char update_sql[] =
	    "UPDATE webhook_endpoints SET url = coalesce($4, url), "
	    "events = CASE WHEN $5::jsonb IS NULL THEN events ELSE "
	    TEXT_ARRAY("$5") " END, "
	    "allowed_ips = CASE WHEN $6::jsonb IS NULL THEN allowed_ips "
	    "ELSE " TEXT_ARRAY("$6") " END, "
	    "max_retries = coalesce($7::int, max_retries), "
	    "retry_backoff = coalesce($8, retry_backoff), "
	    "timeout = coalesce($9::int, timeout), "
	    "enabled = coalesce($10::boolean, enabled), "
	    "updated_at = clock_timestamp() WHERE " EP_MINE
	    " RETURNING " EP_JSON;
	static const char get_sql[] =
	    "SELECT " EP_JSON " FROM webhook_endpoints WHERE " EP_MINE;
	struct fcgi_ctx *c = m->c;
	struct ep_input in;
	struct input_error e;
	struct net_cidr stored[WEBHOOK_MAX_ALLOWED_IPS];
	json_object *body = NULL;
	PGresult *res = NULL, *cur = NULL;
	const char *params[10];
	bool any = false;
	size_t i;

	memset(&e, 0, sizeof(e));
	memset(&in, 0, sizeof(in));
	if (merchant_json_body(m, false, &body) == -1)
		return;
	if (ep_parse(body, false, c->cfg, &in, &e) == -1) {
		send_error(m, &e);
		goto out;
	}
	if (!ids_valid("whk_", m->params[0])) {
		not_found(m);
		goto out;
	}
	for (i = 0; i < EP__MAX; i++)
		any = any || in.has[i];
	params[0] = m->params[0];
	params[1] = m->auth.merchant_id;
	params[2] = mode_of(m);
	if (!any) {
		/* Nothing to change: no write, no audit row. */
		res = db_query(c->db, get_sql, 3, params);
		if (res == NULL)
			merchant_internal_error(m, "webhook endpoint get");
		else if (PQntuples(res) != 1)
			not_found(m);
		else
			send_ep(m, 200, PQgetvalue(res, 0, 0), NULL);
		goto out;
	}
	params[3] = in.has[EP_URL] ? in.url : NULL;
	params[4] = in.events;
	params[5] = in.allowed_ips;
	params[6] = in.has[EP_MAX_RETRIES] ? in.max_retries : NULL;
	params[7] = in.has[EP_RETRY_BACKOFF] ? in.retry_backoff : NULL;
	params[8] = in.has[EP_TIMEOUT] ? in.timeout : NULL;
	params[9] = !in.has[EP_ENABLED] ? NULL : in.enabled ? "true" :
	    "false";

	if (db_begin(c->db) == -1)
		goto fail;
	/*
	 * The row stays locked while the URL is checked (one DNS wait at
	 * most, WEBHOOK_RESOLVE_MS), so that a concurrent PATCH cannot
	 * pair the URL checked here with an allow list checked there.
	 */
	cur = db_query(c->db, lock_sql, 3, params);
	if (cur == NULL)
		goto rollback;
	if (PQntuples(cur) != 1) {
		db_rollback(c->db);
		not_found(m);
		goto out;
	}
	if (in.has[EP_URL] || in.has[EP_ALLOWED_IPS]) {
		const struct net_cidr *cidrs = in.cidrs;
		size_t n = in.ncidrs;

		if (!in.has[EP_ALLOWED_IPS]) {
			if (stored_cidrs(PQgetvalue(cur, 0, 1), stored,
			    &n) == -1) {
				log_error("webhook endpoint %s: bad stored "
				    "allowed_ips", m->params[0]);
				goto rollback;
			}
			cidrs = stored;
		}
		if (check_url(in.has[EP_URL] ? in.url : PQgetvalue(cur, 0, 0),
		    cidrs, n, c->cfg, "url", &e) == -1) {
			db_rollback(c->db);
			send_error(m, &e);
			goto out;
		}
	}
	res = db_query(c->db, update_sql, 10, params);
	if (res == NULL || PQntuples(res) != 1)
		goto rollback;
	/* A disabled endpoint gets nothing more, queued or not. */
	if (in.has[EP_ENABLED] && !in.enabled &&
	    cancel_pending(m, m->params[0], "endpoint disabled") == -1)
		goto rollback;
	if (audit(m, "webhook_endpoint.updated", m->params[0]) == -1 ||
	    db_commit(c->db) == -1)
		goto rollback;
	send_ep(m, 200, PQgetvalue(res, 0, 0), NULL);
	goto out;
rollback:
	db_rollback(c->db);
fail:
	merchant_internal_error(m, "webhook endpoint update");
out:
	PQclear(cur);
	PQclear(res);
	json_object_put(body);
	ep_input_release(&in);
	input_error_release(&e);
}

void
webhook_endpoints_delete(struct mreq *m)
{
	static const char sql[] =
	    "UPDATE webhook_endpoints SET deleted_at = now(), "
	    "updated_at = clock_timestamp() WHERE " EP_MINE " RETURNING id";
	struct fcgi_ctx *c = m->c;
	json_object *o;
	PGresult *res = NULL;
	const char *params[3];

	if (!ids_valid("whk_", m->params[0])) {
		not_found(m);
		return;
	}
	params[0] = m->params[0];
	params[1] = m->auth.merchant_id;
	params[2] = mode_of(m);
	if (db_begin(c->db) == -1)
		goto fail;
	res = db_query(c->db, sql, 3, params);
	if (res == NULL)
		goto rollback;
	if (PQntuples(res) != 1) {
		db_rollback(c->db);
		not_found(m);
		goto out;
	}
	if (cancel_pending(m, m->params[0], "endpoint deleted") == -1 ||
	    audit(m, "webhook_endpoint.deleted", m->params[0]) == -1 ||
	    db_commit(c->db) == -1)
		goto rollback;
	o = json_object_new_object();
	jsonx_add_str(o, "id", m->params[0]);
	jsonx_add_str(o, "object", "webhook_endpoint");
	jsonx_add(o, "deleted", json_object_new_boolean(1));
	http_json(&c->resp, 200, o);
	json_object_put(o);
	goto out;
rollback:
	db_rollback(c->db);
fail:
	merchant_internal_error(m, "webhook endpoint delete");
out:
	PQclear(res);
}

void
webhook_endpoints_rotate(struct mreq *m)
{
	static const char sql[] =
	    "UPDATE webhook_endpoints SET secret = $4, "
	    "updated_at = clock_timestamp() WHERE " EP_MINE
	    " RETURNING " EP_JSON;
	struct fcgi_ctx *c = m->c;
	PGresult *res = NULL;
	char secret[WHSIG_SECRET_SIZE];
	const char *params[4];

	if (read_empty_body(m) == -1)
		return;
	if (!ids_valid("whk_", m->params[0])) {
		not_found(m);
		return;
	}
	whsig_new_secret(secret, sizeof(secret));
	params[0] = m->params[0];
	params[1] = m->auth.merchant_id;
	params[2] = mode_of(m);
	params[3] = secret;
	if (db_begin(c->db) == -1)
		goto fail;
	res = db_query(c->db, sql, 4, params);
	if (res == NULL)
		goto rollback;
	if (PQntuples(res) != 1) {
		db_rollback(c->db);
		not_found(m);
		goto out;
	}
	if (audit(m, "webhook_endpoint.secret_rotated", m->params[0]) == -1 ||
	    db_commit(c->db) == -1)
		goto rollback;
	send_ep(m, 200, PQgetvalue(res, 0, 0), secret);
	goto out;
rollback:
	db_rollback(c->db);
fail:
	merchant_internal_error(m, "webhook endpoint rotate-secret");
out:
	explicit_bzero(secret, sizeof(secret));
	PQclear(res);
}

void
invoice_webhook_secret_rotate(struct mreq *m)
{
	/*
	 * One statement, so the audit row and the secret commit together;
	 * an existing row keeps its id, which receivers may have stored
	 * (it is the X-Crypto-Checkout-Webhook-Id).
	 */
	static const char sql[] =
	    "WITH s AS (INSERT INTO invoice_webhook_secrets (id, merchant_id, "
	    "mode, secret) VALUES ($1, $2, $3, $4) ON CONFLICT (merchant_id, "
	    "mode) DO UPDATE SET secret = EXCLUDED.secret, "
	    "created_at = clock_timestamp() RETURNING id, created_at), "
	    "au AS (INSERT INTO audit_log (id, merchant_id, invoice_id, "
	    "event, actor, ip_address, user_agent, request_id, details) "
	    "SELECT $5, $2, NULL, 'invoice_webhook_secret.rotated', $6, $7, "
	    "$8, $9, jsonb_build_object('secret_id', s.id) FROM s) "
	    "SELECT id, cc_ts(created_at) FROM s";
	struct fcgi_ctx *c = m->c;
	json_object *o;
	PGresult *res;
	char id[IDS_MAX_LEN], aud[IDS_MAX_LEN], secret[WHSIG_SECRET_SIZE];
	const char *params[9];

	if (read_empty_body(m) == -1)
		return;
	ids_new("whk_", id, sizeof(id));
	ids_new("audit_", aud, sizeof(aud));
	whsig_new_secret(secret, sizeof(secret));
	params[0] = id;
	params[1] = m->auth.merchant_id;
	params[2] = mode_of(m);
	params[3] = secret;
	params[4] = aud;
	params[5] = m->auth.actor;
	params[6] = c->ip;
	params[7] = c->user_agent;
	params[8] = c->request_id;
	res = db_query(c->db, sql, 9, params);
	if (res == NULL || PQntuples(res) != 1) {
		merchant_internal_error(m, "invoice webhook secret rotate");
		goto out;
	}
	o = json_object_new_object();
	jsonx_add_str(o, "object", "invoice_webhook_secret");
	jsonx_add_str(o, "id", PQgetvalue(res, 0, 0));
	jsonx_add_str(o, "secret", secret);
	jsonx_add_str(o, "created_at", PQgetvalue(res, 0, 1));
	http_json(&c->resp, 200, o);
	json_object_put(o);
out:
	explicit_bzero(secret, sizeof(secret));
	PQclear(res);
}
