/*
 * Webhook endpoints: body validation, SQL, transactions and audit rows
 * (see webhook_endpoint.h). The endpoint object is built by PostgreSQL in
 * the spec's field order (json_build_object keeps it); the secret is
 * added only where it may be shown.
 */
#include "cc.h"


#include "apikey.h"
#include "audit.h"
#include "config.h"
#include "db.h"
#include "events.h"
#include "ids.h"
#include "invoice.h"
#include "invoice_input.h"
#include "jsonx.h"
#include "log.h"
#include "util.h"
#include "webhook_endpoint.h"
#include "whsig.h"

_Static_assert(EV__MAX <= WEBHOOK_ENDPOINT_MAX_EVENTS,
    "WEBHOOK_ENDPOINT_MAX_EVENTS must hold every event name");

#define WHSEC_PREFIX	"whsec_"
/*
 * Bytes, prefix included: "whsec_" and at least 8 more, which the spec's
 * own example ("whsec_abc123...") meets. A generated secret has 52.
 */
#define WHSEC_MIN	14
#define WHSEC_MAX	128

#define STR(x)		#x
#define XSTR(x)		STR(x)

/* The endpoint object, as the column "endpoint". */
#define EP_JSON \
	"json_build_object('id', id, 'object', 'webhook_endpoint', " \
	"'url', url, 'events', events, 'allowed_ips', allowed_ips, " \
	"'max_retries', max_retries, 'retry_backoff', retry_backoff, " \
	"'timeout', timeout, 'enabled', enabled, " \
	"'created_at', cc_ts(created_at), " \
	"'updated_at', cc_ts(updated_at))::text AS endpoint"

/* The endpoint this caller may see: its merchant, its mode, not deleted. */
#define EP_MINE \
	"id = $1 AND merchant_id = $2 AND mode = $3 AND deleted_at IS NULL"

static const char *const backoffs[] = { "exponential", "linear", NULL };

/* Every accepted field, declared once (url and events: required to
 * create). The arrays and the secret are checked further below. */
static const struct input_field ep_fields[WEPF__MAX] = {
	/* Any text: check_url says what is wrong with it, length too. */
	[WEPF_URL] = { "url", INPUT_STRING, false, 0, CC_MAX_BODY, NULL,
	    NULL, NULL },
	[WEPF_EVENTS] = { "events", INPUT_ARRAY, false, 1, EV__MAX, NULL,
	    NULL, NULL },
	[WEPF_SECRET] = { "secret", INPUT_STRING, false, 1, WHSEC_MAX, NULL,
	    NULL, NULL },
	[WEPF_ALLOWED_IPS] = { "allowed_ips", INPUT_ARRAY, false, 0,
	    WEBHOOK_MAX_ALLOWED_IPS, NULL, NULL, NULL },
	[WEPF_MAX_RETRIES] = { "max_retries", INPUT_INT, false, 0,
	    WEBHOOK_MAX_RETRIES, NULL, NULL, NULL },
	[WEPF_RETRY_BACKOFF] = { "retry_backoff", INPUT_CHOICE, false, 0, 0,
	    backoffs, NULL, NULL },
	[WEPF_TIMEOUT] = { "timeout", INPUT_INT, false, 1,
	    WEBHOOK_MAX_TIMEOUT, NULL, NULL, NULL },
	[WEPF_ENABLED] = { "enabled", INPUT_BOOL, false, 0, 0, NULL, NULL,
	    NULL },
};

static const char *const rc_text[WEP__MAX] = {
	[WEP_OK] = "ok",
	[WEP_INVALID] = "invalid request",
	[WEP_NOT_FOUND] = "no such webhook endpoint",
	[WEP_LIMIT] = "at most " XSTR(WEBHOOK_MAX_ENDPOINTS) " webhook "
	    "endpoints may exist per mode; delete one first",
	[WEP_ERROR] = "internal error",
};

const char *
webhook_endpoint_strerror(enum webhook_endpoint_rc rc)
{
	if ((unsigned int)rc >= WEP__MAX)
		return "unknown result";
	return rc_text[rc];
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
	    strncmp(why, "has a malformed", 15) == 0) {
		input_seterr(e, 422, "INVALID_URL", field, "%s %s", field,
		    why);
		return input_url_constraints(e, field, false);
	}
	return input_seterr(e, 422, "URL_NOT_ALLOWED", field, "%s: %s", field,
	    why);
}

/* Checks a URL's form, then where it leads. 0 or -1 with e set. */
static int
check_url(const char *url, const struct net_cidr *cidrs, size_t n,
    const struct cc_config *cfg, struct input_error *e)
{
	char why[256];

	/* webhook_check_url first: it says what is wrong ("not ftp"). */
	if (webhook_check_url(url, cidrs, n, cfg, true, why, sizeof(why)) !=
	    0)
		return url_refused(e, "url", why);
	/* What it lets through but a stored URL must not hold (spaces). */
	if (!input_url_ok(url)) {
		input_seterr(e, 422, "INVALID_URL", "url",
		    "url must be an absolute http or https URL of printable "
		    "ASCII without credentials");
		return input_url_constraints(e, "url", false);
	}
	return 0;
}

static int
parse_events(json_object *v, struct webhook_endpoint_input *in,
    struct input_error *e)
{
	size_t n, i, j;

	/* input_json checked it is an array of 1 to EV__MAX entries. */
	n = json_object_array_length(v);
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
			if (strcmp(s, in->events[j]) == 0)
				return input_seterr(e, 422, "INVALID_VALUE",
				    "events", "events[%zu] repeats "
				    "events[%zu]", i, j);
		in->events[i] = s;
	}
	in->nevents = n;
	return 0;
}

static int
parse_allowed_ips(json_object *v, const struct cc_config *cfg,
    struct webhook_endpoint_input *in, struct input_error *e)
{
	char why[200];
	size_t n, i;

	/* input_json checked it is an array of at most
	 * WEBHOOK_MAX_ALLOWED_IPS entries. */
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		json_object *x = json_object_array_get_idx(v, i);

		if (!json_object_is_type(x, json_type_string))
			return input_seterr(e, 422, "INVALID_TYPE",
			    "allowed_ips",
			    "allowed_ips[%zu] must be a string", i);
		in->allowed_ips[i] = json_object_get_string(x);
		if (net_parse_cidr(in->allowed_ips[i], &in->cidrs[i]) == -1)
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
	in->nallowed = n;
	return 0;
}

static int
parse_secret(const char *s, struct webhook_endpoint_input *in,
    struct input_error *e)
{
	size_t n = strlen(s), i;

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

int
webhook_endpoint_parse(json_object *body, bool create,
    const struct cc_config *cfg, struct webhook_endpoint_input *in,
    struct input_error *e)
{
	struct input_field f[WEPF__MAX];
	struct input_value v[WEPF__MAX];
	int rc, i;

	memset(in, 0, sizeof(*in));
	memcpy(f, ep_fields, sizeof(f));
	f[WEPF_URL].required = create;
	f[WEPF_EVENTS].required = create;
	rc = input_json(body, f, WEPF__MAX, v, e);
	if (rc == -1 && strcmp(e->code, "UNKNOWN_FIELD") == 0)
		return -1;
	/* Said before anything else is wrong with the secret. */
	if (!create && json_object_object_get_ex(body, "secret", NULL)) {
		if (rc == -1)
			input_error_release(e);
		return input_seterr(e, 422, "SECRET_NOT_UPDATABLE", "secret",
		    "secret cannot be changed by PATCH; use POST "
		    "/api/v1/webhook-endpoints/{id}/rotate-secret, which "
		    "returns the new secret");
	}
	if (rc == -1)
		return -1;
	for (i = 0; i < WEPF__MAX; i++)
		in->has[i] = v[i].given;
	in->url = v[WEPF_URL].str;
	if (v[WEPF_EVENTS].given &&
	    parse_events(v[WEPF_EVENTS].array, in, e) == -1)
		return -1;
	if (v[WEPF_SECRET].given && parse_secret(v[WEPF_SECRET].str, in, e) ==
	    -1)
		return -1;
	if (v[WEPF_ALLOWED_IPS].given &&
	    parse_allowed_ips(v[WEPF_ALLOWED_IPS].array, cfg, in, e) == -1)
		return -1;
	in->max_retries = v[WEPF_MAX_RETRIES].given ?
	    (int)v[WEPF_MAX_RETRIES].num : WEBHOOK_DEFAULT_RETRIES;
	in->retry_backoff = v[WEPF_RETRY_BACKOFF].given ?
	    v[WEPF_RETRY_BACKOFF].str : backoffs[0];
	in->timeout = v[WEPF_TIMEOUT].given ? (int)v[WEPF_TIMEOUT].num :
	    WEBHOOK_DEFAULT_TIMEOUT;
	in->enabled = v[WEPF_ENABLED].given ? v[WEPF_ENABLED].yes : true;
	return 0;
}

int
webhook_endpoint_parse_empty(json_object *body, struct input_error *e)
{
	return input_json(body, NULL, 0, NULL, e);
}

/* The endpoint object of row r's "endpoint" column, with the secret. */
static json_object *
ep_object(const PGresult *res, int r, const char *secret)
{
	const char *text;
	json_object *o;
	char err[200];

	text = db_val(res, r, "endpoint");
	if (text == NULL)
		return NULL;
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

/* $1 id, $2 merchant, $3 mode: the start of every EP_MINE statement. */
static void
params_mine(struct db_params *p, const char *id, const struct auth *a)
{
	db_params_init(p);
	db_param(p, id);
	db_param(p, a->merchant_id);
	db_param(p, apikey_mode(a));
}

/* The audit row of a change to endpoint_id, in the caller's transaction. */
static int
audit(struct db *db, const struct auth *a, const struct req_meta *m,
    enum audit_event event, const char *endpoint_id)
{
	struct audit_actor who = { a->actor, m->ip, m->user_agent,
	    m->request_id };
	json_object *d = json_object_new_object();
	int rc;

	jsonx_add_str(d, "endpoint_id", endpoint_id);
	rc = audit_write(db, &who, event, a->merchant_id, NULL, d);
	json_object_put(d);
	return rc;
}

/*
 * The end of a change: the endpoint of res's row 0 (with the secret, when
 * one is shown) into *out, the audit row, the commit. 0, or -1 with *out
 * NULL; the caller rolls back.
 */
static int
finish(struct db *db, const struct auth *a, const struct req_meta *m,
    const PGresult *res, const char *secret, enum audit_event event,
    const char *id, json_object **out)
{
	*out = ep_object(res, 0, secret);
	if (*out != NULL && audit(db, a, m, event, id) == 0 &&
	    db_commit(db) == 0)
		return 0;
	json_object_put(*out);
	*out = NULL;
	return -1;
}

/* Cancels an endpoint's pending deliveries, saying why: 0 or -1. */
static int
cancel_pending(struct db *db, const char *endpoint_id, const char *why)
{
	static const char sql[] =
	    "UPDATE webhook_deliveries SET status = 'cancelled', "
	    "last_error = $2 WHERE endpoint_id = $1 AND status = 'pending'";
	struct db_params p;
	int rc;

	db_params_init(&p);
	db_param(&p, endpoint_id);
	db_param(&p, why);
	rc = db_run_command(db, sql, &p);
	db_params_release(&p);
	return rc;
}

enum webhook_endpoint_rc
webhook_endpoint_create(struct db *db, const struct cc_config *cfg,
    const struct auth *a, const struct req_meta *m,
    const struct webhook_endpoint_input *in, json_object **out,
    struct input_error *e)
{
	static const char lock_sql[] =
	    "SELECT 1 FROM merchants WHERE id = $1 FOR NO KEY UPDATE";
	static const char insert_sql[] =
	    "INSERT INTO webhook_endpoints (id, merchant_id, mode, url, "
	    "events, secret, allowed_ips, max_retries, retry_backoff, "
	    "timeout, enabled) SELECT $1, $2, $3, $4, $5::text[], $6, "
	    "$7::text[], $8::int, $9, $10::int, $11::boolean "
	    "WHERE (SELECT count(*) FROM webhook_endpoints WHERE "
	    "merchant_id = $2 AND mode = $3 AND deleted_at IS NULL) < "
	    "$12::int RETURNING " EP_JSON;
	enum webhook_endpoint_rc rc = WEP_ERROR;
	struct db_params lock, p;
	PGresult *res = NULL;
	char id[IDS_MAX_LEN], made[WHSIG_SECRET_SIZE];
	const char *secret = in->secret;

	*out = NULL;
	db_params_init(&lock);
	db_params_init(&p);
	if (check_url(in->url, in->cidrs, in->nallowed, cfg, e) == -1)
		return WEP_INVALID;
	if (secret == NULL) {
		whsig_new_secret(made, sizeof(made));
		secret = made;
	}
	ids_new("whk_", id, sizeof(id));
	db_param(&lock, a->merchant_id);
	db_param(&p, id);
	db_param(&p, a->merchant_id);
	db_param(&p, apikey_mode(a));
	db_param(&p, in->url);
	db_param_array(&p, in->events, in->nevents);
	db_param(&p, secret);
	db_param_array(&p, in->allowed_ips, in->nallowed);
	db_param_int(&p, in->max_retries);
	db_param(&p, in->retry_backoff);
	db_param_int(&p, in->timeout);
	db_param_bool(&p, in->enabled);
	db_param_int(&p, WEBHOOK_MAX_ENDPOINTS);

	if (db_begin(db) == -1)
		goto out;
	/*
	 * Two creations at once would each count 15 and both insert: the
	 * merchant's row serializes them. NO KEY UPDATE, not UPDATE, so
	 * that invoices (whose foreign key takes KEY SHARE) never wait.
	 */
	res = db_run(db, lock_sql, &lock);
	if (res == NULL || PQntuples(res) != 1)
		goto rollback;
	PQclear(res);
	res = db_run(db, insert_sql, &p);
	if (res == NULL)
		goto rollback;
	if (PQntuples(res) != 1) {
		rc = WEP_LIMIT;
		goto rollback;
	}
	if (finish(db, a, m, res, secret, AUDIT_WEBHOOK_ENDPOINT_CREATED, id,
	    out) == -1)
		goto rollback;
	rc = WEP_OK;
	goto out;
rollback:
	db_rollback(db);
	json_object_put(*out);
	*out = NULL;
out:
	explicit_bzero(made, sizeof(made));
	PQclear(res);
	db_params_release(&lock);
	db_params_release(&p);
	return rc;
}

enum webhook_endpoint_rc
webhook_endpoint_list(struct db *db, const struct auth *a, json_object **out)
{
	static const char sql[] =
	    "SELECT " EP_JSON " FROM webhook_endpoints WHERE "
	    "merchant_id = $1 AND mode = $2 AND deleted_at IS NULL "
	    "ORDER BY created_at DESC, id DESC";
	enum webhook_endpoint_rc rc = WEP_ERROR;
	struct db_params p;
	json_object *list, *data;
	PGresult *res;
	int i;

	*out = NULL;
	db_params_init(&p);
	db_param(&p, a->merchant_id);
	db_param(&p, apikey_mode(a));
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return WEP_ERROR;
	list = json_object_new_object();
	jsonx_add_str(list, "object", "list");
	data = json_object_new_array();
	jsonx_add(list, "data", data);
	for (i = 0; i < PQntuples(res); i++) {
		json_object *o = ep_object(res, i, NULL);

		if (o == NULL)
			goto out;
		json_object_array_add(data, o);
	}
	*out = list;
	list = NULL;
	rc = WEP_OK;
out:
	json_object_put(list);
	PQclear(res);
	return rc;
}

/* The endpoint id's row, whoever asks: WEP_OK, _NOT_FOUND or _ERROR. */
static enum webhook_endpoint_rc
get_one(struct db *db, const struct auth *a, const char *id,
    json_object **out)
{
	static const char sql[] =
	    "SELECT " EP_JSON " FROM webhook_endpoints WHERE " EP_MINE;
	enum webhook_endpoint_rc rc = WEP_ERROR;
	struct db_params p;
	PGresult *res;

	params_mine(&p, id, a);
	res = db_run(db, sql, &p);
	db_params_release(&p);
	if (res != NULL && PQntuples(res) != 1)
		rc = WEP_NOT_FOUND;
	else if (res != NULL) {
		*out = ep_object(res, 0, NULL);
		if (*out != NULL)
			rc = WEP_OK;
	}
	PQclear(res);
	return rc;
}

enum webhook_endpoint_rc
webhook_endpoint_get(struct db *db, const struct auth *a, const char *id,
    json_object **out)
{
	*out = NULL;
	if (!ids_valid("whk_", id))
		return WEP_NOT_FOUND;
	return get_one(db, a, id, out);
}

/* The stored allow list ("10.0.0.0/8 1.2.3.4") as CIDRs: 0 or -1. */
static int
stored_cidrs(const char *text, struct net_cidr *out, size_t *n)
{
	char buf[WEBHOOK_MAX_ALLOWED_IPS * (NET_ADDR_STRLEN + 4)];
	char *s, *save = NULL;

	*n = 0;
	if (text == NULL || strlen(text) >= sizeof(buf))
		return -1;
	cc_strlcpy(buf, text, sizeof(buf));
	for (s = strtok_r(buf, " ", &save); s != NULL;
	    s = strtok_r(NULL, " ", &save)) {
		if (*n == WEBHOOK_MAX_ALLOWED_IPS ||
		    net_parse_cidr(s, &out[*n]) == -1)
			return -1;
		(*n)++;
	}
	return 0;
}

/*
 * With the row locked, checks the URL that will be stored against the
 * allow list that will be stored, each given or kept: WEP_OK,
 * WEP_INVALID (e) or WEP_ERROR.
 */
static enum webhook_endpoint_rc
recheck_url(const PGresult *cur, const char *id, const struct cc_config *cfg,
    const struct webhook_endpoint_input *in, struct input_error *e)
{
	struct net_cidr stored[WEBHOOK_MAX_ALLOWED_IPS];
	const struct net_cidr *cidrs = in->cidrs;
	const char *url = in->url;
	size_t n = in->nallowed;

	if (!in->has[WEPF_ALLOWED_IPS]) {
		if (stored_cidrs(db_val(cur, 0, "allowed_ips"), stored,
		    &n) == -1) {
			log_error("webhook endpoint %s: bad stored "
			    "allowed_ips", id);
			return WEP_ERROR;
		}
		cidrs = stored;
	}
	if (!in->has[WEPF_URL])
		url = db_val(cur, 0, "url");
	if (url == NULL)
		return WEP_ERROR;
	return check_url(url, cidrs, n, cfg, e) == -1 ? WEP_INVALID : WEP_OK;
}

enum webhook_endpoint_rc
webhook_endpoint_update(struct db *db, const struct cc_config *cfg,
    const struct auth *a, const struct req_meta *m, const char *id,
    const struct webhook_endpoint_input *in, json_object **out,
    struct input_error *e)
{
	static const char lock_sql[] =
	    "SELECT url, array_to_string(allowed_ips, ' ') AS allowed_ips "
	    "FROM webhook_endpoints WHERE " EP_MINE " FOR UPDATE";
	static const char update_sql[] =
	    "UPDATE webhook_endpoints SET url = coalesce($4, url), "
	    "events = coalesce($5::text[], events), "
	    "allowed_ips = coalesce($6::text[], allowed_ips), "
	    "max_retries = coalesce($7::int, max_retries), "
	    "retry_backoff = coalesce($8, retry_backoff), "
	    "timeout = coalesce($9::int, timeout), "
	    "enabled = coalesce($10::boolean, enabled), "
	    "updated_at = clock_timestamp() WHERE " EP_MINE
	    " RETURNING " EP_JSON;
	enum webhook_endpoint_rc rc = WEP_ERROR;
	struct db_params p;
	PGresult *res = NULL, *cur = NULL;
	bool any = false;
	size_t i;

	*out = NULL;
	if (!ids_valid("whk_", id))
		return WEP_NOT_FOUND;
	for (i = 0; i < WEPF__MAX; i++)
		any = any || in->has[i];
	/* Nothing to change: no write, no audit row. */
	if (!any)
		return get_one(db, a, id, out);

	params_mine(&p, id, a);
	if (db_begin(db) == -1)
		goto out;
	/*
	 * The row stays locked while the URL is checked (one DNS wait at
	 * most, WEBHOOK_RESOLVE_MS), so that a concurrent PATCH cannot
	 * pair the URL checked here with an allow list checked there.
	 */
	cur = db_run(db, lock_sql, &p);
	if (cur == NULL)
		goto rollback;
	if (PQntuples(cur) != 1) {
		rc = WEP_NOT_FOUND;
		goto rollback;
	}
	if (in->has[WEPF_URL] || in->has[WEPF_ALLOWED_IPS]) {
		rc = recheck_url(cur, id, cfg, in, e);
		if (rc != WEP_OK)
			goto rollback;
		rc = WEP_ERROR;
	}
	db_param(&p, in->has[WEPF_URL] ? in->url : NULL);
	if (in->has[WEPF_EVENTS])
		db_param_array(&p, in->events, in->nevents);
	else
		db_param(&p, NULL);
	if (in->has[WEPF_ALLOWED_IPS])
		db_param_array(&p, in->allowed_ips, in->nallowed);
	else
		db_param(&p, NULL);
	if (in->has[WEPF_MAX_RETRIES])
		db_param_int(&p, in->max_retries);
	else
		db_param(&p, NULL);
	db_param(&p, in->has[WEPF_RETRY_BACKOFF] ? in->retry_backoff : NULL);
	if (in->has[WEPF_TIMEOUT])
		db_param_int(&p, in->timeout);
	else
		db_param(&p, NULL);
	if (in->has[WEPF_ENABLED])
		db_param_bool(&p, in->enabled);
	else
		db_param(&p, NULL);
	res = db_run(db, update_sql, &p);
	if (res == NULL || PQntuples(res) != 1)
		goto rollback;
	/* A disabled endpoint gets nothing more, queued or not. */
	if (in->has[WEPF_ENABLED] && !in->enabled &&
	    cancel_pending(db, id, "endpoint disabled") == -1)
		goto rollback;
	if (finish(db, a, m, res, NULL, AUDIT_WEBHOOK_ENDPOINT_UPDATED, id,
	    out) == -1)
		goto rollback;
	rc = WEP_OK;
	goto out;
rollback:
	db_rollback(db);
	json_object_put(*out);
	*out = NULL;
out:
	PQclear(cur);
	PQclear(res);
	db_params_release(&p);
	return rc;
}

enum webhook_endpoint_rc
webhook_endpoint_delete(struct db *db, const struct auth *a,
    const struct req_meta *m, const char *id, json_object **out)
{
	static const char sql[] =
	    "UPDATE webhook_endpoints SET deleted_at = now(), "
	    "updated_at = clock_timestamp() WHERE " EP_MINE " RETURNING id";
	enum webhook_endpoint_rc rc = WEP_ERROR;
	struct db_params p;
	PGresult *res = NULL;

	*out = NULL;
	if (!ids_valid("whk_", id))
		return WEP_NOT_FOUND;
	params_mine(&p, id, a);
	if (db_begin(db) == -1)
		goto out;
	res = db_run(db, sql, &p);
	if (res == NULL)
		goto rollback;
	if (PQntuples(res) != 1) {
		rc = WEP_NOT_FOUND;
		goto rollback;
	}
	if (cancel_pending(db, id, "endpoint deleted") == -1 ||
	    audit(db, a, m, AUDIT_WEBHOOK_ENDPOINT_DELETED, id) == -1 ||
	    db_commit(db) == -1)
		goto rollback;
	*out = json_object_new_object();
	jsonx_add_str(*out, "id", id);
	jsonx_add_str(*out, "object", "webhook_endpoint");
	jsonx_add(*out, "deleted", json_object_new_boolean(1));
	rc = WEP_OK;
	goto out;
rollback:
	db_rollback(db);
out:
	PQclear(res);
	db_params_release(&p);
	return rc;
}

enum webhook_endpoint_rc
webhook_endpoint_rotate(struct db *db, const struct auth *a,
    const struct req_meta *m, const char *id, json_object **out)
{
	static const char sql[] =
	    "UPDATE webhook_endpoints SET secret = $4, "
	    "updated_at = clock_timestamp() WHERE " EP_MINE
	    " RETURNING " EP_JSON;
	enum webhook_endpoint_rc rc = WEP_ERROR;
	struct db_params p;
	PGresult *res = NULL;
	char secret[WHSIG_SECRET_SIZE];

	*out = NULL;
	if (!ids_valid("whk_", id))
		return WEP_NOT_FOUND;
	whsig_new_secret(secret, sizeof(secret));
	params_mine(&p, id, a);
	db_param(&p, secret);
	if (db_begin(db) == -1)
		goto out;
	res = db_run(db, sql, &p);
	if (res == NULL)
		goto rollback;
	if (PQntuples(res) != 1) {
		rc = WEP_NOT_FOUND;
		goto rollback;
	}
	if (finish(db, a, m, res, secret,
	    AUDIT_WEBHOOK_ENDPOINT_SECRET_ROTATED, id, out) == -1)
		goto rollback;
	rc = WEP_OK;
	goto out;
rollback:
	db_rollback(db);
	json_object_put(*out);
	*out = NULL;
out:
	explicit_bzero(secret, sizeof(secret));
	PQclear(res);
	db_params_release(&p);
	return rc;
}

enum webhook_endpoint_rc
webhook_endpoint_get_invoice_secret(struct db *db, const struct auth *a,
    json_object **out)
{
	/* lib/delivery.c makes it the same way on first use. */
	static const char sql[] =
	    "WITH ins AS (INSERT INTO invoice_webhook_secrets (id, "
	    "merchant_id, mode, secret) VALUES ($1, $2, $3, $4) "
	    "ON CONFLICT (merchant_id, mode) DO NOTHING "
	    "RETURNING id, secret, created_at) "
	    "SELECT id, secret, cc_ts(created_at) AS created_at FROM ins "
	    "UNION ALL SELECT id, secret, cc_ts(created_at) FROM "
	    "invoice_webhook_secrets WHERE merchant_id = $2 AND mode = $3";
	enum webhook_endpoint_rc rc = WEP_ERROR;
	struct db_params p;
	PGresult *res;
	char id[IDS_MAX_LEN], secret[WHSIG_SECRET_SIZE];
	const char *sid, *sec, *created;

	*out = NULL;
	ids_new("whk_", id, sizeof(id));
	whsig_new_secret(secret, sizeof(secret));
	db_params_init(&p);
	db_param(&p, id);
	db_param(&p, a->merchant_id);
	db_param(&p, apikey_mode(a));
	db_param(&p, secret);
	res = db_run(db, sql, &p);
	if (res == NULL || PQntuples(res) != 1)
		goto out;
	sid = db_val(res, 0, "id");
	sec = db_val(res, 0, "secret");
	created = db_val(res, 0, "created_at");
	if (sid == NULL || sec == NULL || created == NULL)
		goto out;
	*out = json_object_new_object();
	jsonx_add_str(*out, "object", "invoice_webhook_secret");
	jsonx_add_str(*out, "id", sid);
	jsonx_add_str(*out, "secret", sec);
	jsonx_add_str(*out, "created_at", created);
	rc = WEP_OK;
out:
	explicit_bzero(secret, sizeof(secret));
	PQclear(res);
	db_params_release(&p);
	return rc;
}

enum webhook_endpoint_rc
webhook_endpoint_rotate_invoice_secret(struct db *db, const struct auth *a,
    const struct req_meta *m, json_object **out)
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
	    "au AS (" AUDIT_INSERT_FROM("s", "$5::jsonb || "
	    "jsonb_build_object('details', jsonb_build_object('secret_id', "
	    "s.id))") ") "
	    "SELECT id, cc_ts(created_at) AS created_at FROM s";
	enum webhook_endpoint_rc rc = WEP_ERROR;
	struct db_params p;
	PGresult *res;
	struct audit_actor who = { a->actor, m->ip, m->user_agent,
	    m->request_id };
	struct audit_row row;
	char id[IDS_MAX_LEN], secret[WHSIG_SECRET_SIZE];
	const char *sid, *created;

	*out = NULL;
	ids_new("whk_", id, sizeof(id));
	whsig_new_secret(secret, sizeof(secret));
	audit_row_init(&row, &who, AUDIT_INVOICE_WEBHOOK_SECRET_ROTATED,
	    a->merchant_id, NULL, NULL);
	db_params_init(&p);
	db_param(&p, id);
	db_param(&p, a->merchant_id);
	db_param(&p, apikey_mode(a));
	db_param(&p, secret);
	db_param(&p, audit_row_text(&row));
	res = db_run(db, sql, &p);
	if (res == NULL || PQntuples(res) != 1)
		goto out;
	sid = db_val(res, 0, "id");
	created = db_val(res, 0, "created_at");
	if (sid == NULL || created == NULL)
		goto out;
	*out = json_object_new_object();
	jsonx_add_str(*out, "object", "invoice_webhook_secret");
	jsonx_add_str(*out, "id", sid);
	jsonx_add_str(*out, "secret", secret);
	jsonx_add_str(*out, "created_at", created);
	rc = WEP_OK;
out:
	explicit_bzero(secret, sizeof(secret));
	PQclear(res);
	db_params_release(&p);
	audit_row_release(&row);
	return rc;
}
