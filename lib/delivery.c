/* The webhook delivery engine: claim, send, judge, record. */
#include "cc.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

#include "config.h"
#include "db.h"
#include "delivery.h"
#include "failpoint.h"
#include "ids.h"
#include "log.h"
#include "netcheck.h"
#include "util.h"
#include "webhook.h"
#include "whsig.h"

/* A claim leases a delivery for its timeout + 15 s (in claim_sql). */

struct job {
	char			 id[IDS_MAX_LEN];	/* whd_ */
	struct delivery_try	 try;
	char			*url;
	char			*body;
	char			 secret[160];
	char			 hook_id[IDS_MAX_LEN];	/* whk_ */
	char			 event[48];
	struct net_cidr		 allowed[WEBHOOK_MAX_ALLOWED_IPS];
	size_t			 nallowed;
	const struct cc_config	*cfg;
	CURL			*h;
	struct curl_slist	*hdrs;
	char			 errbuf[CURL_ERROR_SIZE];
	char			 blocked[256];	/* why open_socket refused */
	bool			 refuse_all;	/* the URL itself is refused */
	size_t			 got;		/* response bytes read */
	bool			 capped;
	int64_t			 started_us;	/* wall clock, for the log */
	int64_t			 started_mono;	/* for the latency */
	/* The result. */
	long			 code;		/* HTTP status; 0: none */
	int64_t			 latency_ms;
	struct delivery_verdict	 v;
	struct job		*prev, *next;	/* in flight */
};

struct delivery {
	struct db		*db;
	const struct cc_config	*cfg;
	CURLM			*multi;
	struct job		*jobs;		/* in flight */
	int			 inflight;
};

static int64_t
now_us(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
delivery_clock_us(void)
{
	return now_us(CLOCK_MONOTONIC);
}

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	if (j->h != NULL)
		curl_easy_cleanup(j->h);
	curl_slist_free_all(j->hdrs);
	free(j->url);
	free(j->body);
	explicit_bzero(j->secret, sizeof(j->secret));
	free(j);
}

struct delivery *
delivery_new(struct db *db, const struct cc_config *cfg)
{
	struct delivery *d;

	d = xcalloc(1, sizeof(*d));
	d->db = db;
	d->cfg = cfg;
	d->multi = curl_multi_init();
	if (d->multi == NULL) {
		free(d);
		return NULL;
	}
	curl_multi_setopt(d->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	    (long)cfg->webhook_concurrency);
	return d;
}

/* Takes a job off the multi handle and the list of those in flight. */
static void
job_done(struct delivery *d, struct job *j)
{
	curl_multi_remove_handle(d->multi, j->h);
	if (j->prev != NULL)
		j->prev->next = j->next;
	else
		d->jobs = j->next;
	if (j->next != NULL)
		j->next->prev = j->prev;
	d->inflight--;
}

void
delivery_free(struct delivery *d)
{
	struct job *j;

	if (d == NULL)
		return;
	while ((j = d->jobs) != NULL) {
		job_done(d, j);
		job_free(j);
	}
	curl_multi_cleanup(d->multi);
	free(d);
}

int
delivery_inflight(const struct delivery *d)
{
	return d->inflight;
}

/*
 * Why a connect was refused, for the attempt log: the address, its class
 * and which side of the two-party rule said no.
 */
static void
refusal(struct job *j, const struct net_addr *a)
{
	const struct cc_config *cfg = j->cfg;
	const char *why;
	char txt[NET_ADDR_STRLEN];

	switch (net_dest_check(a, cfg->webhook_allowed,
	    cfg->nwebhook_allowed, j->nallowed > 0 ? j->allowed : NULL,
	    j->nallowed)) {
	case NET_UNLISTED:
		why = "allowed_ips does not cover it";
		break;
	case NET_UNNAMED:
		why = "allowed_ips does not list it";
		break;
	case NET_UNPERMITTED:
		why = "the server's configuration does not permit it";
		break;
	default:
		why = "webhooks never go there";
		break;
	}
	net_addr_str(a, txt, sizeof(txt));
	snprintf(j->blocked, sizeof(j->blocked), "refused: %s is a %s "
	    "address and %s", txt, net_class_name(net_classify(a)), why);
}

/* The last gate before connect(2): see lib/delivery.h. */
static curl_socket_t
open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *sa)
{
	struct job *j = arg;
	struct net_addr a;
	long port;

	if (purpose != CURLSOCKTYPE_IPCXN || j->refuse_all)
		return CURL_SOCKET_BAD;
	if (net_addr_from_sockaddr(&sa->addr, &a) == -1) {
		snprintf(j->blocked, sizeof(j->blocked), "refused: address "
		    "family %d", sa->family);
		return CURL_SOCKET_BAD;
	}
	if (!webhook_addr_ok(&a, j->allowed, j->nallowed, j->cfg)) {
		refusal(j, &a);
		return CURL_SOCKET_BAD;
	}
	port = net_port_from_sockaddr(&sa->addr);
	if (!webhook_port_ok(port, j->cfg)) {
		char why[200];

		webhook_port_explain(port, why, sizeof(why));
		snprintf(j->blocked, sizeof(j->blocked), "refused: %s", why);
		return CURL_SOCKET_BAD;
	}
	return socket(sa->family, sa->socktype, sa->protocol);
}

/* Reads up to the cap; more aborts the transfer (see delivery_judge). */
static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct job *j = arg;

	(void)p;
	if (j->got + size * n > WEBHOOK_RESPONSE_CAP) {
		j->capped = true;
		return 0;
	}
	j->got += size * n;
	return size * n;
}

/* Appends "name: value"; false if out of memory (the list is kept). */
static bool
add_header(struct curl_slist **list, const char *name, const char *value)
{
	char line[512];
	struct curl_slist *l;

	snprintf(line, sizeof(line), "%s: %s", name, value);
	l = curl_slist_append(*list, line);
	if (l == NULL)
		return false;
	*list = l;
	return true;
}

struct curl_slist *
delivery_headers(const char *secret, int64_t t, const char *body,
    size_t len, const char *hook_id, const char *event,
    const char *delivery_id, int attempt)
{
	struct curl_slist *l = NULL;
	char sig[WHSIG_SIG_SIZE], ts[24], att[16];

	snprintf(ts, sizeof(ts), "%lld", (long long)t);
	snprintf(att, sizeof(att), "%d", attempt);
	whsig_sign(secret, t, body, len, sig, sizeof(sig));
	if (!add_header(&l, "Content-Type", "application/json") ||
	    !add_header(&l, "User-Agent", "Crypto-Checkout-Webhooks/1") ||
	    !add_header(&l, "X-Crypto-Checkout-Signature", sig) ||
	    !add_header(&l, "X-Crypto-Checkout-Timestamp", ts) ||
	    !add_header(&l, "X-Crypto-Checkout-Webhook-Id", hook_id) ||
	    !add_header(&l, "X-Crypto-Checkout-Event", event) ||
	    !add_header(&l, "X-Crypto-Checkout-Delivery-Id", delivery_id) ||
	    !add_header(&l, "X-Crypto-Checkout-Attempt", att) ||
	    !add_header(&l, "Expect", "")) {	/* no 100-continue */
		curl_slist_free_all(l);
		return NULL;
	}
	return l;
}

static int
start(struct delivery *d, struct job *j)
{
	size_t len = strlen(j->body), n, i;
	struct net_addr lit[2];
	char why[200];
	CURL *h;

	/*
	 * A stored URL that the rules refuse now (a row written before them,
	 * an operator who narrowed allowed_ports or allowed_ips, a literal
	 * host curl may not even resolve, "127.0.0.1.") still goes through
	 * curl, so that its attempt is recorded like any other, but every
	 * socket is refused: nothing is ever connected.
	 */
	if (webhook_check_url_form(j->url, j->cfg, why, sizeof(why)) != 0) {
		snprintf(j->blocked, sizeof(j->blocked), "refused: url %s",
		    why);
		j->refuse_all = true;
	}
	n = webhook_url_addresses(j->url, lit);
	for (i = 0; i < n && !j->refuse_all; i++)
		if (!webhook_addr_ok(&lit[i], j->allowed, j->nallowed,
		    j->cfg)) {
			refusal(j, &lit[i]);
			j->refuse_all = true;
		}
	j->hdrs = delivery_headers(j->secret, (int64_t)time(NULL), j->body,
	    len, j->hook_id, j->event, j->id, j->try.attempt);
	j->h = h = curl_easy_init();
	if (j->hdrs == NULL || h == NULL)
		return -1;
	curl_easy_setopt(h, CURLOPT_URL, j->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, j->hdrs);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, j->body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)j->try.timeout * 1000L);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, j);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_easy_setopt(h, CURLOPT_PRIVATE, j);
	/*
	 * Connections are reused between deliveries only when every one of
	 * them was opened under the same rule (public addresses and the
	 * operator's list): one opened for an endpoint's own allow list
	 * must not carry another endpoint's request.
	 */
	if (j->nallowed > 0) {
		curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
	}
	j->started_us = now_us(CLOCK_REALTIME);
	j->started_mono = now_us(CLOCK_MONOTONIC);
	if (curl_multi_add_handle(d->multi, h) != CURLM_OK)
		return -1;
	j->next = d->jobs;
	if (d->jobs != NULL)
		d->jobs->prev = j;
	d->jobs = j;
	d->inflight++;
	return 0;
}

size_t
delivery_parse_allowed(const char *list, struct net_cidr *out, size_t max)
{
	char buf[WEBHOOK_MAX_ALLOWED_IPS * 48], *s, *save = NULL;
	size_t n = 0;

	cc_strlcpy(buf, list, sizeof(buf));
	for (s = strtok_r(buf, " ", &save); s != NULL && n < max;
	    s = strtok_r(NULL, " ", &save))
		if (net_parse_cidr(s, &out[n]) == 0)
			n++;
	return n;
}

/*
 * The secret for deliveries to invoices' own webhook_url: made on first
 * use (the merchant reads it by rotating it).
 */
static int
invoice_secret(struct db *db, const char *merchant, const char *mode,
    struct job *j)
{
	static const char sql[] =
	    "WITH ins AS (INSERT INTO invoice_webhook_secrets (id, "
	    "merchant_id, mode, secret) VALUES ($1, $2, $3, $4) "
	    "ON CONFLICT (merchant_id, mode) DO NOTHING RETURNING id, secret) "
	    "SELECT id, secret FROM ins UNION ALL SELECT id, secret FROM "
	    "invoice_webhook_secrets WHERE merchant_id = $2 AND mode = $3";
	char id[IDS_MAX_LEN], secret[WHSIG_SECRET_SIZE];
	struct db_params p;
	PGresult *res;
	int rc = -1;

	ids_new("whk_", id, sizeof(id));
	whsig_new_secret(secret, sizeof(secret));
	db_params_init(&p);
	db_param(&p, id);
	db_param(&p, merchant);
	db_param(&p, mode);
	db_param(&p, secret);
	res = db_run(db, sql, &p);
	db_params_release(&p);
	explicit_bzero(secret, sizeof(secret));
	if (res != NULL && PQntuples(res) >= 1 &&
	    db_val(res, 0, "id") != NULL && db_val(res, 0, "secret") != NULL) {
		cc_strlcpy(j->hook_id, db_val(res, 0, "id"),
		    sizeof(j->hook_id));
		cc_strlcpy(j->secret, db_val(res, 0, "secret"),
		    sizeof(j->secret));
		rc = 0;
	}
	PQclear(res);
	return rc;
}

/* An int column of the claim; 0 if NULL (never: coalesce'd). */
static int
val_int(const PGresult *res, int r, const char *col)
{
	int64_t v;

	if (db_val_int64(res, r, col, &v) == -1 || v < INT_MIN ||
	    v > INT_MAX)
		return 0;
	return (int)v;
}

/* A text column of the claim, "" for NULL. */
static const char *
val_text(const PGresult *res, int r, const char *col)
{
	const char *v = db_val(res, r, col);

	return v != NULL ? v : "";
}

int
delivery_claim(struct delivery *d, int room)
{
	/*
	 * The oldest due deliveries, at most per_endpoint in flight for one
	 * destination (an endpoint, or an invoice URL) counting what workers
	 * already hold: an endpoint that hangs with a backlog takes a few
	 * slots, never all of them. dests walks the distinct pending
	 * destinations on webhook_deliveries_dest (a skip scan), and each
	 * gives its few oldest due rows: a backlog of any size at one
	 * destination costs a few index reads, not a read of the backlog
	 * per poll (sql/014_webhook_dest_index.sql).
	 */
	static const char claim_sql[] =
	    "WITH RECURSIVE dests(dest) AS ((SELECT coalesce(endpoint_id, "
	    "url) FROM webhook_deliveries WHERE status = 'pending' "
	    "ORDER BY 1 LIMIT 1) UNION ALL SELECT (SELECT "
	    "coalesce(w.endpoint_id, w.url) FROM webhook_deliveries w "
	    "WHERE w.status = 'pending' AND coalesce(w.endpoint_id, w.url) "
	    "> d.dest ORDER BY 1 LIMIT 1) FROM dests d "
	    "WHERE d.dest IS NOT NULL), "
	    "busy AS (SELECT coalesce(endpoint_id, url) AS dest, "
	    "count(*) AS n FROM webhook_deliveries WHERE status = 'pending' "
	    "AND leased_until > now() GROUP BY 1), "
	    "ranked AS MATERIALIZED (SELECT x.id FROM dests d "
	    "LEFT JOIN busy b ON b.dest = d.dest CROSS JOIN LATERAL "
	    "(SELECT w.id FROM webhook_deliveries w WHERE w.status = "
	    "'pending' AND coalesce(w.endpoint_id, w.url) = d.dest AND "
	    "w.next_attempt_at <= now() ORDER BY w.next_attempt_at, w.id "
	    "LIMIT greatest($4::int - coalesce(b.n, 0), 0)) x "
	    "WHERE d.dest IS NOT NULL), "
	    /* ANY(ARRAY(...)): look the few up, do not join the due set. */
	    "c AS (SELECT d.id, make_interval(secs => coalesce(e.timeout, "
	    "$2::int) + 15) AS lease FROM webhook_deliveries d "
	    "LEFT JOIN webhook_endpoints e ON e.id = d.endpoint_id "
	    "WHERE d.id = ANY (ARRAY(SELECT id FROM ranked)) "
	    "AND d.status = 'pending' "
	    "AND d.next_attempt_at <= now() ORDER BY d.next_attempt_at "
	    "LIMIT $1 FOR UPDATE OF d SKIP LOCKED), "
	    "u AS (UPDATE webhook_deliveries d SET attempts = d.attempts + 1, "
	    "next_attempt_at = now() + c.lease, "
	    "leased_until = now() + c.lease FROM c WHERE d.id = c.id "
	    "RETURNING d.id, d.attempts, d.event_seq, d.endpoint_id, d.url, "
	    "d.merchant_id, d.invoice_id) "
	    "SELECT u.id, u.attempts AS attempt, "
	    "coalesce(ep.url, u.url) AS url, ep.secret, ep.id AS hook_id, "
	    "ev.type AS event, cc_webhook_body(u.event_seq) AS body, "
	    "coalesce(ep.max_retries, $3::int) AS max_retries, "
	    "coalesce(ep.retry_backoff, 'exponential') AS backoff, "
	    "coalesce(ep.timeout, $2::int) AS timeout, "
	    "array_to_string(ep.allowed_ips, ' ') AS allowed_ips, "
	    "ep.id IS NOT NULL AND (ep.deleted_at IS NOT NULL OR "
	    "NOT ep.enabled) AS gone, u.merchant_id, "
	    "coalesce(ep.mode, i.mode) AS mode "
	    "FROM u JOIN events ev ON ev.seq = u.event_seq "
	    "LEFT JOIN webhook_endpoints ep ON ep.id = u.endpoint_id "
	    "LEFT JOIN invoices i ON i.id = u.invoice_id";
	static const char gone_sql[] =
	    "UPDATE webhook_deliveries SET status = 'cancelled', "
	    "leased_until = NULL, last_error = 'endpoint disabled or deleted' "
	    "WHERE id = $1 AND status = 'pending'";
	const struct cc_config *cfg = d->cfg;
	struct db_params p;
	PGresult *res;
	int i, n;

	db_params_init(&p);
	db_param_int(&p, room);
	db_param_int(&p, cfg->webhook_timeout);
	db_param_int(&p, cfg->webhook_max_retries);
	db_param_int(&p, cfg->webhook_per_endpoint);
	res = db_run(d->db, claim_sql, &p);
	db_params_release(&p);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	/* Claimed and counted (committed): these attempts are spent. */
	if (n > 0)
		failpoint("webhooks.after_claim");
	for (i = 0; i < n; i++) {
		struct job *j = xcalloc(1, sizeof(*j));

		j->cfg = cfg;
		cc_strlcpy(j->id, val_text(res, i, "id"), sizeof(j->id));
		if (val_text(res, i, "gone")[0] == 't') {
			db_params_init(&p);
			db_param(&p, j->id);
			(void)db_run_command(d->db, gone_sql, &p);
			db_params_release(&p);
			job_free(j);
			continue;
		}
		j->try.attempt = val_int(res, i, "attempt");
		j->try.max_retries = val_int(res, i, "max_retries");
		j->try.linear = strcmp(val_text(res, i, "backoff"),
		    "linear") == 0;
		j->try.timeout = val_int(res, i, "timeout");
		j->url = xstrdup(val_text(res, i, "url"));
		j->body = xstrdup(val_text(res, i, "body"));
		cc_strlcpy(j->event, val_text(res, i, "event"),
		    sizeof(j->event));
		j->nallowed = delivery_parse_allowed(val_text(res, i,
		    "allowed_ips"), j->allowed, WEBHOOK_MAX_ALLOWED_IPS);
		/* An invoice's webhook_url: see webhook_url_allowlist. */
		if (db_val(res, i, "hook_id") == NULL)
			j->nallowed = webhook_url_allowlist(j->url,
			    j->allowed);
		if (db_val(res, i, "hook_id") != NULL) {
			cc_strlcpy(j->hook_id, val_text(res, i, "hook_id"),
			    sizeof(j->hook_id));
			cc_strlcpy(j->secret, val_text(res, i, "secret"),
			    sizeof(j->secret));
		} else if (invoice_secret(d->db, val_text(res, i,
		    "merchant_id"), val_text(res, i, "mode"), j) == -1) {
			/* The lease brings it back. */
			job_free(j);
			continue;
		} else
			failpoint("webhooks.after_secret");
		if (start(d, j) == -1) {
			log_error("delivery %s: cannot start a request",
			    j->id);
			job_free(j);
			continue;
		}
	}
	PQclear(res);
	return n;
}

void
delivery_judge(const struct delivery_try *t, const struct delivery_answer *a,
    int unit, uint32_t rnd, struct delivery_verdict *v)
{
	/* A 2xx with a long body is a success read up to the cap. */
	bool cut = a->result == CURLE_WRITE_ERROR && a->capped;

	v->ok = a->code >= 200 && a->code < 300 &&
	    (a->result == CURLE_OK || cut);
	v->last = !v->ok && t->attempt >= 1 + t->max_retries;
	if (v->ok)
		v->err[0] = '\0';
	else if (a->blocked != NULL && a->blocked[0] != '\0')
		cc_strlcpy(v->err, a->blocked, sizeof(v->err));
	else if (a->result == CURLE_OPERATION_TIMEDOUT)
		snprintf(v->err, sizeof(v->err), "timed out after %d s",
		    t->timeout);
	else if (a->result != CURLE_OK && !cut)
		snprintf(v->err, sizeof(v->err), "%s",
		    a->curl_error != NULL && a->curl_error[0] != '\0' ?
		    a->curl_error : curl_easy_strerror(a->result));
	else if (a->code >= 300 && a->code < 400)
		snprintf(v->err, sizeof(v->err), "HTTP %ld (redirects are not "
		    "followed)", a->code);
	else
		snprintf(v->err, sizeof(v->err), "HTTP %ld", a->code);
	v->delay_ms = webhook_backoff_ms(t->linear, t->attempt, unit, rnd);
}

/* Judges a finished request: fills the job's result fields. */
static void
finish(struct delivery *d, struct job *j, CURLcode cc)
{
	struct delivery_answer a;
	uint32_t rnd;

	curl_easy_getinfo(j->h, CURLINFO_RESPONSE_CODE, &j->code);
	j->latency_ms = (now_us(CLOCK_MONOTONIC) - j->started_mono) / 1000;
	a.code = j->code;
	a.result = cc;
	a.capped = j->capped;
	a.blocked = j->blocked;
	a.curl_error = j->errbuf;
	ids_random(&rnd, sizeof(rnd));
	delivery_judge(&j->try, &a, d->cfg->webhook_retry_unit, rnd, &j->v);
}

/* The result columns, in the order of record()'s $1..$10. */
enum { RC_ID, RC_ATTEMPT, RC_URL, RC_START, RC_LATENCY, RC_CODE, RC_ERR,
    RC_OK, RC_LAST, RC_DELAY, RC__MAX };

/*
 * Records the results of n finished requests in one statement (one commit
 * for a whole batch, not one per delivery). 0 or -1.
 */
static int
record(struct db *db, struct job **jobs, size_t n)
{
	static const char sql[] =
	    "WITH r AS (SELECT * FROM unnest($1::text[], $2::int[], "
	    "$3::text[], $4::bigint[], $5::int[], $6::int[], $7::text[], "
	    "$8::boolean[], $9::boolean[], $10::bigint[]) AS r(id, attempt, "
	    "url, start_us, latency, code, err, ok, last, delay)), "
	    "a AS (INSERT INTO webhook_attempts (delivery_id, attempt, url, "
	    "started_at, latency_ms, response_code, error) SELECT id, "
	    "attempt, url, timestamptz 'epoch' + start_us * "
	    "interval '1 microsecond', latency, code, err FROM r "
	    "ON CONFLICT DO NOTHING) "
	    "UPDATE webhook_deliveries d SET status = CASE WHEN r.ok "
	    "THEN 'delivered' WHEN r.last THEN 'failed' ELSE d.status END, "
	    "next_attempt_at = CASE WHEN r.ok OR r.last THEN "
	    "d.next_attempt_at ELSE now() + r.delay * "
	    "interval '1 millisecond' END, leased_until = NULL, "
	    "response_code = r.code, last_error = r.err, "
	    "delivered_at = CASE WHEN r.ok THEN now() END, "
	    "failed_at = CASE WHEN r.last THEN now() END "
	    "FROM r WHERE d.id = r.id AND d.status = 'pending' "
	    "AND d.attempts = r.attempt";
	struct db_array a[RC__MAX];
	struct db_params p;
	size_t i, k;
	int rc;

	for (k = 0; k < RC__MAX; k++)
		db_array_init(&a[k]);
	for (i = 0; i < n; i++) {
		struct job *j = jobs[i];

		db_array_add(&a[RC_ID], j->id);
		db_array_add_int(&a[RC_ATTEMPT], j->try.attempt);
		db_array_add(&a[RC_URL], j->url);
		db_array_add_int(&a[RC_START], j->started_us);
		db_array_add_int(&a[RC_LATENCY], j->latency_ms);
		if (j->code > 0)
			db_array_add_int(&a[RC_CODE], j->code);
		else
			db_array_add(&a[RC_CODE], NULL);
		db_array_add(&a[RC_ERR], j->v.ok ? NULL : j->v.err);
		db_array_add(&a[RC_OK], j->v.ok ? "t" : "f");
		db_array_add(&a[RC_LAST], j->v.last ? "t" : "f");
		db_array_add_int(&a[RC_DELAY], j->v.delay_ms);
	}
	db_params_init(&p);
	for (k = 0; k < RC__MAX; k++)
		db_param_array_take(&p, &a[k]);
	rc = db_run_command(db, sql, &p);
	db_params_release(&p);
	return rc;
}

int
delivery_run(struct delivery *d, int64_t *next_retry)
{
	struct job *done[1024];
	CURLMsg *msg;
	size_t n = 0, i;
	int left, running;
	bool saved;

	curl_multi_perform(d->multi, &running);
	while (n < CC_ARRAY_SIZE(done) &&
	    (msg = curl_multi_info_read(d->multi, &left)) != NULL) {
		struct job *j = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
		    (char **)&j);
		job_done(d, j);
		finish(d, j, msg->data.result);
		done[n++] = j;
	}
	if (n == 0)
		return 0;
	/* Answered (the receiver acted on it), not yet recorded. */
	failpoint("webhooks.after_answer");
	saved = record(d->db, done, n) == 0;
	if (saved)
		failpoint("webhooks.after_record");
	for (i = 0; i < n; i++) {
		struct job *j = done[i];
		int64_t at = now_us(CLOCK_MONOTONIC) + j->v.delay_ms * 1000;

		if (!saved)
			log_error("delivery %s: result not recorded; it will "
			    "be sent again when its lease ends", j->id);
		else if (j->v.last)
			log_warn("delivery %s (%s to %s) failed after %d "
			    "attempts: %s", j->id, j->event, j->url,
			    j->try.attempt, j->v.err);
		else if (!j->v.ok) {
			log_info("delivery %s attempt %d: %s; next in "
			    "%lld.%03lld s", j->id, j->try.attempt, j->v.err,
			    (long long)(j->v.delay_ms / 1000),
			    (long long)(j->v.delay_ms % 1000));
			if (at < *next_retry)
				*next_retry = at;
		}
		job_free(j);
	}
	return (int)n;
}

void
delivery_wait(struct delivery *d, int fd, int timeout_ms)
{
	struct curl_waitfd wfd;

	memset(&wfd, 0, sizeof(wfd));
	wfd.fd = fd;
	wfd.events = CURL_WAIT_POLLIN;
	curl_multi_poll(d->multi, fd >= 0 ? &wfd : NULL, fd >= 0 ? 1 : 0,
	    timeout_ms, NULL);
}
