/*
 * cc-webhooks: delivers due webhooks, run from cron with --for. It LISTENs
 * on cc_webhooks (the delivery trigger notifies at commit), wakes when a
 * retry it scheduled comes due, and polls every second for other workers'
 * retries; it claims due deliveries with FOR UPDATE SKIP LOCKED, at most
 * [webhooks] per_endpoint in flight per destination, and sends them
 * concurrently with the libcurl multi interface.
 *
 * A claim moves the delivery's next_attempt_at past the request's timeout:
 * a lease. A worker that dies mid-request leaves the delivery to whichever
 * run comes next once the lease ends; a live worker is never raced, so two
 * workers never send one attempt twice. Results are recorded as requests
 * finish (all that finished together in one statement), so a slow endpoint
 * delays no other.
 *
 * Safety: every address curl is about to connect to passes through
 * open_socket(), which applies the endpoint's allow rule to the address
 * itself, so a name that resolved to a public address when the endpoint
 * was saved cannot later lead to a private one (DNS rebinding). Redirects
 * are not followed, proxies from the environment are not used, the response
 * is read up to WEBHOOK_RESPONSE_CAP bytes, and the endpoint's timeout
 * covers the whole request.
 */
#include "cc.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "config.h"
#include "db.h"
#include "ids.h"
#include "log.h"
#include "netcheck.h"
#include "util.h"
#include "webhook.h"
#include "whsig.h"

#define CHANNEL		"cc_webhooks"
#define POLL_MS		1000	/* retries come due without a NOTIFY */
/* A claim leases a delivery for its timeout + 15 s (in claim_sql). */

struct job {
	char		 id[IDS_MAX_LEN];	/* whd_ */
	int		 attempt;		/* 1-based, this one */
	int		 max_retries;
	bool		 linear;
	int		 timeout;
	char		*url;
	char		*body;
	char		 secret[160];
	char		 hook_id[IDS_MAX_LEN];	/* whk_ */
	char		 event[48];
	struct net_cidr	 allowed[WEBHOOK_MAX_ALLOWED_IPS];
	size_t		 nallowed;
	CURL		*h;
	struct curl_slist *hdrs;
	char		 errbuf[CURL_ERROR_SIZE];
	char		 blocked[200];	/* why open_socket refused */
	size_t		 got;		/* response bytes read */
	bool		 capped;
	int64_t		 started_us;	/* wall clock, for the log */
	int64_t		 started_mono;	/* for the latency */
	/* The result, from judge(). */
	long		 code;		/* HTTP status; 0: no response */
	int64_t		 latency_ms;
	bool		 ok;		/* delivered */
	bool		 last;		/* failed for good */
	char		 err[300];
	int64_t		 delay_ms;	/* until the retry, if any */
};

static const struct cc_config *cfg;

static void
usage(FILE *f)
{
	fprintf(f, "usage: cc-webhooks [--config FILE] [--for SECONDS]\n\n"
	    "Sends due webhook deliveries, signed, with retries and backoff "
	    "per endpoint.\n--for keeps listening for new events for that "
	    "many seconds, then finishes\nthe requests in flight (cron: "
	    "* * * * * cc-webhooks --for 55). Any number\nmay run at once.\n");
}

static int64_t
now_us(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
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

/* The last gate before connect(2): see the comment at the top. */
static curl_socket_t
open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *sa)
{
	struct job *j = arg;
	struct net_addr a;
	char txt[NET_ADDR_STRLEN];

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	if (net_addr_from_sockaddr(&sa->addr, &a) == -1) {
		snprintf(j->blocked, sizeof(j->blocked), "refused: address "
		    "family %d", sa->family);
		return CURL_SOCKET_BAD;
	}
	if (!webhook_addr_ok(&a, j->allowed, j->nallowed, cfg)) {
		net_addr_str(&a, txt, sizeof(txt));
		snprintf(j->blocked, sizeof(j->blocked), "refused: %s is a "
		    "%s address and allowed_ips does not cover it", txt,
		    net_class_name(net_classify(&a)));
		return CURL_SOCKET_BAD;
	}
	return socket(sa->family, sa->socktype, sa->protocol);
}

/* Reads up to the cap; more aborts the transfer (see judge()). */
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

static void
add_header(struct job *j, const char *name, const char *value)
{
	char line[512];
	struct curl_slist *l;

	snprintf(line, sizeof(line), "%s: %s", name, value);
	l = curl_slist_append(j->hdrs, line);
	if (l == NULL)
		abort();
	j->hdrs = l;
}

static int
start(CURLM *multi, struct job *j)
{
	char sig[WHSIG_SIG_SIZE], ts[24];
	size_t len = strlen(j->body);
	int64_t t = (int64_t)time(NULL);

	j->h = curl_easy_init();
	if (j->h == NULL)
		return -1;
	snprintf(ts, sizeof(ts), "%lld", (long long)t);
	whsig_sign(j->secret, t, j->body, len, sig, sizeof(sig));
	add_header(j, "Content-Type", "application/json");
	add_header(j, "User-Agent", "Crypto-Checkout-Webhooks/1");
	add_header(j, "X-Crypto-Checkout-Signature", sig);
	add_header(j, "X-Crypto-Checkout-Timestamp", ts);
	add_header(j, "X-Crypto-Checkout-Webhook-Id", j->hook_id);
	add_header(j, "X-Crypto-Checkout-Event", j->event);
	add_header(j, "Expect", "");	/* no 100-continue round trip */
	curl_easy_setopt(j->h, CURLOPT_URL, j->url);
	curl_easy_setopt(j->h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(j->h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(j->h, CURLOPT_PROXY, "");
	curl_easy_setopt(j->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(j->h, CURLOPT_HTTPHEADER, j->hdrs);
	curl_easy_setopt(j->h, CURLOPT_POSTFIELDS, j->body);
	curl_easy_setopt(j->h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(j->h, CURLOPT_TIMEOUT_MS, (long)j->timeout * 1000L);
	curl_easy_setopt(j->h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(j->h, CURLOPT_OPENSOCKETDATA, j);
	curl_easy_setopt(j->h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(j->h, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(j->h, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_easy_setopt(j->h, CURLOPT_PRIVATE, j);
	/*
	 * Connections are reused between deliveries only when every one of
	 * them was opened under the same rule (public addresses and the
	 * operator's list): one opened for an endpoint's own allow list
	 * must not carry another endpoint's request.
	 */
	if (j->nallowed > 0) {
		curl_easy_setopt(j->h, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(j->h, CURLOPT_FORBID_REUSE, 1L);
	}
	j->started_us = now_us(CLOCK_REALTIME);
	j->started_mono = now_us(CLOCK_MONOTONIC);
	if (curl_multi_add_handle(multi, j->h) != CURLM_OK)
		return -1;
	return 0;
}

/* Parses "10.0.0.0/8 192.168.1.5" (stored CIDRs, already checked). */
static void
parse_allowed(struct job *j, const char *list)
{
	char buf[WEBHOOK_MAX_ALLOWED_IPS * 48], *s, *save = NULL;

	cc_strlcpy(buf, list, sizeof(buf));
	for (s = strtok_r(buf, " ", &save); s != NULL &&
	    j->nallowed < WEBHOOK_MAX_ALLOWED_IPS;
	    s = strtok_r(NULL, " ", &save))
		if (net_parse_cidr(s, &j->allowed[j->nallowed]) == 0)
			j->nallowed++;
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
	const char *p[4];
	PGresult *res;

	ids_new("whk_", id, sizeof(id));
	whsig_new_secret(secret, sizeof(secret));
	p[0] = id;
	p[1] = merchant;
	p[2] = mode;
	p[3] = secret;
	res = db_query(db, sql, 4, p);
	explicit_bzero(secret, sizeof(secret));
	if (res == NULL || PQntuples(res) < 1) {
		PQclear(res);
		return -1;
	}
	cc_strlcpy(j->hook_id, PQgetvalue(res, 0, 0), sizeof(j->hook_id));
	cc_strlcpy(j->secret, PQgetvalue(res, 0, 1), sizeof(j->secret));
	PQclear(res);
	return 0;
}

/* Columns of claim_sql. */
enum {
	C_ID, C_ATTEMPT, C_URL, C_SECRET, C_HOOK, C_EVENT, C_BODY, C_RETRIES,
	C_BACKOFF, C_TIMEOUT, C_ALLOWED, C_GONE, C_MERCHANT, C_MODE
};

/*
 * Claims up to max due deliveries and starts them. Returns how many were
 * claimed, or -1.
 */
static int
claim(struct db *db, CURLM *multi, int max, int *inflight)
{
	/*
	 * The oldest due deliveries, at most per_endpoint in flight for one
	 * destination (an endpoint, or an invoice URL) counting what workers
	 * already hold: an endpoint that hangs with a backlog takes a few
	 * slots, never all of them.
	 */
	static const char claim_sql[] =
	    "WITH busy AS (SELECT coalesce(endpoint_id, url) AS dest, "
	    "count(*) AS n FROM webhook_deliveries WHERE status = 'pending' "
	    "AND leased_until > now() GROUP BY 1), "
	    "ranked AS MATERIALIZED (SELECT d.id FROM (SELECT id, "
	    "coalesce(endpoint_id, url) AS dest, row_number() OVER "
	    "(PARTITION BY coalesce(endpoint_id, url) ORDER BY "
	    "next_attempt_at, id) AS rn FROM webhook_deliveries "
	    "WHERE status = 'pending' AND next_attempt_at <= now()) d "
	    "LEFT JOIN busy b ON b.dest = d.dest "
	    "WHERE d.rn + coalesce(b.n, 0) <= $4::int), "
	    /* ANY(ARRAY(...)): look the few up, do not join the due set. */
	    "c AS (SELECT d.id, make_interval(secs => coalesce(e.timeout, "
	    "$2::int) + 15) AS lease FROM webhook_deliveries d "
	    "LEFT JOIN webhook_endpoints e ON e.id = d.endpoint_id "
	    "WHERE d.id = ANY (ARRAY(SELECT id FROM ranked)) "
	    "AND d.status = 'pending' "
	    "AND d.next_attempt_at <= now() ORDER BY d.next_attempt_at "
	    "LIMIT $1 FOR UPDATE OF d SKIP LOCKED), "
	    "u AS (UPDATE webhook_deliveries d SET attempts = d.attempts + 1, "
	    "next_attempt_at = now() + c.lease, leased_until = now() + c.lease "
	    "FROM c WHERE d.id = c.id RETURNING d.id, d.attempts, "
	    "d.event_seq, d.endpoint_id, d.url, d.merchant_id, d.invoice_id) "
	    "SELECT u.id, u.attempts, coalesce(ep.url, u.url), ep.secret, "
	    "ep.id, ev.type, cc_webhook_body(u.event_seq), "
	    "coalesce(ep.max_retries, $3::int), "
	    "coalesce(ep.retry_backoff, 'exponential'), "
	    "coalesce(ep.timeout, $2::int), "
	    "array_to_string(ep.allowed_ips, ' '), "
	    "ep.id IS NOT NULL AND (ep.deleted_at IS NOT NULL OR "
	    "NOT ep.enabled), u.merchant_id, coalesce(ep.mode, i.mode) "
	    "FROM u JOIN events ev ON ev.seq = u.event_seq "
	    "LEFT JOIN webhook_endpoints ep ON ep.id = u.endpoint_id "
	    "LEFT JOIN invoices i ON i.id = u.invoice_id";
	static const char gone_sql[] =
	    "UPDATE webhook_deliveries SET status = 'cancelled', "
	    "leased_until = NULL, last_error = 'endpoint disabled or deleted' "
	    "WHERE id = $1 AND status = 'pending'";
	char lim[16], tmo[16], ret[16], cap[16];
	const char *p[4];
	PGresult *res;
	int i, n;

	snprintf(lim, sizeof(lim), "%d", max);
	snprintf(tmo, sizeof(tmo), "%d", cfg->webhook_timeout);
	snprintf(ret, sizeof(ret), "%d", cfg->webhook_max_retries);
	p[0] = lim;
	p[1] = tmo;
	p[2] = ret;
	snprintf(cap, sizeof(cap), "%d", cfg->webhook_per_endpoint);
	p[3] = cap;
	res = db_query(db, claim_sql, 4, p);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		struct job *j = xcalloc(1, sizeof(*j));

		cc_strlcpy(j->id, PQgetvalue(res, i, C_ID), sizeof(j->id));
		if (PQgetvalue(res, i, C_GONE)[0] == 't') {
			const char *q[1] = { j->id };

			(void)db_command(db, gone_sql, 1, q);
			job_free(j);
			continue;
		}
		j->attempt = (int)strtol(PQgetvalue(res, i, C_ATTEMPT), NULL,
		    10);
		j->max_retries = (int)strtol(PQgetvalue(res, i, C_RETRIES),
		    NULL, 10);
		j->linear = strcmp(PQgetvalue(res, i, C_BACKOFF), "linear") ==
		    0;
		j->timeout = (int)strtol(PQgetvalue(res, i, C_TIMEOUT), NULL,
		    10);
		j->url = xstrdup(PQgetvalue(res, i, C_URL));
		j->body = xstrdup(PQgetvalue(res, i, C_BODY));
		cc_strlcpy(j->event, PQgetvalue(res, i, C_EVENT),
		    sizeof(j->event));
		parse_allowed(j, PQgetvalue(res, i, C_ALLOWED));
		/* An invoice's webhook_url: see webhook_url_allowlist. */
		if (PQgetisnull(res, i, C_HOOK))
			j->nallowed = webhook_url_allowlist(j->url,
			    j->allowed);
		if (!PQgetisnull(res, i, C_HOOK)) {
			cc_strlcpy(j->hook_id, PQgetvalue(res, i, C_HOOK),
			    sizeof(j->hook_id));
			cc_strlcpy(j->secret, PQgetvalue(res, i, C_SECRET),
			    sizeof(j->secret));
		} else if (invoice_secret(db, PQgetvalue(res, i, C_MERCHANT),
		    PQgetvalue(res, i, C_MODE), j) == -1) {
			/* The lease brings it back. */
			job_free(j);
			continue;
		}
		if (start(multi, j) == -1) {
			log_error("delivery %s: cannot start a request", j->id);
			job_free(j);
			continue;
		}
		(*inflight)++;
	}
	PQclear(res);
	return n;
}

/* Judges a finished request: fills the job's result fields. */
static void
judge(struct job *j, CURLcode cc)
{
	uint32_t rnd;

	curl_easy_getinfo(j->h, CURLINFO_RESPONSE_CODE, &j->code);
	j->latency_ms = (now_us(CLOCK_MONOTONIC) - j->started_mono) / 1000;
	/* A 2xx with a long body is a success read up to the cap. */
	j->ok = j->code >= 200 && j->code < 300 && (cc == CURLE_OK ||
	    (cc == CURLE_WRITE_ERROR && j->capped));
	j->last = !j->ok && j->attempt >= 1 + j->max_retries;
	if (j->ok)
		j->err[0] = '\0';
	else if (j->blocked[0] != '\0')
		cc_strlcpy(j->err, j->blocked, sizeof(j->err));
	else if (cc == CURLE_OPERATION_TIMEDOUT)
		snprintf(j->err, sizeof(j->err), "timed out after %d s",
		    j->timeout);
	else if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && j->capped))
		snprintf(j->err, sizeof(j->err), "%s", j->errbuf[0] ?
		    j->errbuf : curl_easy_strerror(cc));
	else if (j->code >= 300 && j->code < 400)
		snprintf(j->err, sizeof(j->err), "HTTP %ld (redirects are not "
		    "followed)", j->code);
	else
		snprintf(j->err, sizeof(j->err), "HTTP %ld", j->code);
	ids_random(&rnd, sizeof(rnd));
	j->delay_ms = webhook_backoff_ms(j->linear, j->attempt,
	    cfg->webhook_retry_unit, rnd);
}

/* One element of a PostgreSQL array literal: quoted, or NULL. */
static void
arr_add(struct buf *b, size_t i, const char *v)
{
	buf_puts(b, i == 0 ? "{" : ",");
	if (v == NULL) {
		buf_puts(b, "NULL");
		return;
	}
	buf_puts(b, "\"");
	for (; *v != '\0'; v++) {
		if (*v == '"' || *v == '\\')
			buf_puts(b, "\\");
		buf_append(b, v, 1);
	}
	buf_puts(b, "\"");
}

enum { RC_ID, RC_ATTEMPT, RC_URL, RC_START, RC_LATENCY, RC_CODE, RC_ERR, RC_OK,
    RC_LAST, RC_DELAY, RC__MAX };

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
	struct buf b[RC__MAX];
	const char *p[RC__MAX];
	size_t i, k;
	int rc;

	for (k = 0; k < RC__MAX; k++)
		buf_init(&b[k], 0);
	for (i = 0; i < n; i++) {
		struct job *j = jobs[i];
		char num[5][24];

		snprintf(num[0], sizeof(num[0]), "%d", j->attempt);
		snprintf(num[1], sizeof(num[1]), "%lld",
		    (long long)j->started_us);
		snprintf(num[2], sizeof(num[2]), "%lld",
		    (long long)j->latency_ms);
		snprintf(num[3], sizeof(num[3]), "%ld", j->code);
		snprintf(num[4], sizeof(num[4]), "%lld",
		    (long long)j->delay_ms);
		arr_add(&b[RC_ID], i, j->id);
		arr_add(&b[RC_ATTEMPT], i, num[0]);
		arr_add(&b[RC_URL], i, j->url);
		arr_add(&b[RC_START], i, num[1]);
		arr_add(&b[RC_LATENCY], i, num[2]);
		arr_add(&b[RC_CODE], i, j->code > 0 ? num[3] : NULL);
		arr_add(&b[RC_ERR], i, j->ok ? NULL : j->err);
		arr_add(&b[RC_OK], i, j->ok ? "t" : "f");
		arr_add(&b[RC_LAST], i, j->last ? "t" : "f");
		arr_add(&b[RC_DELAY], i, num[4]);
	}
	for (k = 0; k < RC__MAX; k++) {
		buf_puts(&b[k], "}");
		p[k] = b[k].data;
	}
	rc = db_command(db, sql, RC__MAX, p);
	for (k = 0; k < RC__MAX; k++)
		buf_release(&b[k]);
	return rc;
}

/*
 * Takes finished requests off the multi handle and records them; returns
 * how many. A retry it scheduled moves *next_retry earlier if it comes due
 * sooner.
 */
static int
reap(struct db *db, CURLM *multi, int *inflight, int64_t *next_retry)
{
	struct job *done[1024];
	CURLMsg *msg;
	size_t n = 0, i;
	int left;
	bool saved;

	while (n < CC_ARRAY_SIZE(done) &&
	    (msg = curl_multi_info_read(multi, &left)) != NULL) {
		struct job *j = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
		    (char **)&j);
		curl_multi_remove_handle(multi, msg->easy_handle);
		judge(j, msg->data.result);
		done[n++] = j;
	}
	if (n == 0)
		return 0;
	saved = record(db, done, n) == 0;
	for (i = 0; i < n; i++) {
		struct job *j = done[i];
		int64_t at = now_us(CLOCK_MONOTONIC) + j->delay_ms * 1000;

		if (!saved)
			log_error("delivery %s: result not recorded; it will "
			    "be sent again when its lease ends", j->id);
		else if (j->last)
			log_warn("delivery %s (%s to %s) failed after %d "
			    "attempts: %s", j->id, j->event, j->url,
			    j->attempt, j->err);
		else if (!j->ok) {
			log_info("delivery %s attempt %d: %s; next in "
			    "%lld.%03lld s", j->id, j->attempt, j->err,
			    (long long)(j->delay_ms / 1000),
			    (long long)(j->delay_ms % 1000));
			if (at < *next_retry)
				*next_retry = at;
		}
		job_free(j);
		(*inflight)--;
	}
	return (int)n;
}

/* LISTEN again after libpq reconnected behind our back. */
static void
listen_on(struct db *db, PGconn **listening)
{
	PGresult *res;

	if (db_conn(db) == *listening)
		return;
	res = PQexec(db_conn(db), "LISTEN " CHANNEL);
	if (PQresultStatus(res) == PGRES_COMMAND_OK)
		*listening = db_conn(db);
	PQclear(res);
}

/* True if a NOTIFY arrived (or the connection needs a look). */
static bool
drain_notifies(struct db *db)
{
	PGconn *conn = db_conn(db);
	PGnotify *n;
	bool any = false;

	if (!PQconsumeInput(conn))
		return true;
	while ((n = PQnotifies(conn)) != NULL) {
		PQfreemem(n);
		any = true;
	}
	return any;
}

int
main(int argc, char **argv)
{
	struct cc_config config;
	struct db *db;
	PGconn *listening = NULL;
	CURLM *multi;
	char err[512];
	long long run_for = 0;
	int64_t end, next_poll = 0, next_retry = INT64_MAX;
	bool want = true, claimed = false;
	int inflight = 0, running, failures = 0;

	log_set_program("cc-webhooks");
	switch (cron_args(argc, argv, "cc-webhooks", usage, &run_for)) {
	case 1:
		return 0;
	case 2:
		return 2;
	}
	if (config_load(config_path(argc, argv), &config, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "cc-webhooks: %s\n", err);
		return 1;
	}
	cfg = &config;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "cc-webhooks: curl_global_init failed\n");
		return 1;
	}
	db = db_connect(cfg->database_url, err, sizeof(err));
	if (db == NULL) {
		fprintf(stderr, "cc-webhooks: %s\n", err);
		return 1;
	}
	multi = curl_multi_init();
	if (multi == NULL)
		abort();
	curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	    (long)cfg->webhook_concurrency);
	end = now_us(CLOCK_MONOTONIC) + run_for * 1000000;
	for (;;) {
		int64_t now = now_us(CLOCK_MONOTONIC);
		/* Every run claims once, even with --for 0. */
		bool stopping = now >= end && claimed;
		struct curl_waitfd wfd;
		int wait_ms, got;

		listen_on(db, &listening);
		if (drain_notifies(db))
			want = true;
		if (!stopping && inflight < cfg->webhook_concurrency &&
		    (want || now >= next_poll || now >= next_retry)) {
			int room = cfg->webhook_concurrency - inflight;

			got = claim(db, multi, room, &inflight);
			claimed = true;
			if (got == -1)
				failures++;
			/* A full claim may leave more due behind it. */
			want = got == room;
			next_poll = now + POLL_MS * 1000;
			if (now >= next_retry)
				next_retry = INT64_MAX;
		}
		if (stopping && inflight == 0)
			break;
		curl_multi_perform(multi, &running);
		/*
		 * A freed slot may let through a delivery the per-endpoint
		 * cap held back: claim again.
		 */
		if (reap(db, multi, &inflight, &next_retry) > 0)
			want = true;
		if (stopping && inflight == 0)
			break;
		now = now_us(CLOCK_MONOTONIC);
		if (stopping)		/* only the requests in flight */
			wait_ms = POLL_MS;
		else if (want && inflight < cfg->webhook_concurrency)
			wait_ms = 0;
		else if (next_poll <= now || next_retry <= now)
			wait_ms = 0;
		else
			wait_ms = (int)(((next_retry < next_poll ? next_retry :
			    next_poll) - now + 999) / 1000);
		if (!stopping && (end - now) / 1000 < wait_ms)
			wait_ms = (int)((end - now) / 1000) + 1;
		memset(&wfd, 0, sizeof(wfd));
		wfd.fd = PQsocket(db_conn(db));
		wfd.events = CURL_WAIT_POLLIN;
		curl_multi_poll(multi, wfd.fd >= 0 ? &wfd : NULL,
		    wfd.fd >= 0 ? 1 : 0, wait_ms, NULL);
	}
	curl_multi_cleanup(multi);
	db_free(db);
	curl_global_cleanup();
	/* Cron mails a failing run's output: say that claims failed. */
	return failures > 0 ? 1 : 0;
}
