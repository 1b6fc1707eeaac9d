/* Sliding-window rate limits counted in Redis by one Lua script. */
#include "cc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <sys/time.h>
#include <time.h>
#include <hiredis/hiredis.h>

#include "http.h"
#include "log.h"
#include "ratelimit.h"
#include "util.h"

static const char *const class_names[RATELIMIT_CLASS__MAX] = {
	[RATELIMIT_INVOICES_CREATE] = "invoices_create",
	[RATELIMIT_INVOICES_READ] = "invoices_read",
	[RATELIMIT_INVOICES_LIST] = "invoices_list",
	[RATELIMIT_INVOICES_CANCEL] = "invoices_cancel",
	[RATELIMIT_ANALYTICS] = "analytics",
	[RATELIMIT_WEBHOOKS] = "webhooks",
	[RATELIMIT_AUTH_TOKEN] = "auth_token",
	[RATELIMIT_PUBLIC_INVOICE] = "public_invoice",
	[RATELIMIT_PUBLIC_QR] = "public_qr",
	[RATELIMIT_AUTH_FAILURES] = "auth_failures",
};

const char *const ratelimit_key_class_names[] = {
	"invoices_create", "invoices_read", "invoices_list",
	"invoices_cancel", "analytics", "webhooks", NULL
};

/* The spec's "Rate Limiting" tables; the rest are ours. */
static const struct ratelimit_rule defaults[RATELIMIT_CLASS__MAX] = {
	[RATELIMIT_INVOICES_CREATE] = { 1000, 3600 },
	[RATELIMIT_INVOICES_READ] = { 5000, 3600 },
	[RATELIMIT_INVOICES_LIST] = { 2000, 3600 },
	[RATELIMIT_INVOICES_CANCEL] = { 1000, 3600 },
	[RATELIMIT_ANALYTICS] = { 500, 3600 },
	[RATELIMIT_WEBHOOKS] = { 100, 3600 },
	[RATELIMIT_AUTH_TOKEN] = { 100, 3600 },
	[RATELIMIT_PUBLIC_INVOICE] = { 60, 60 },
	[RATELIMIT_PUBLIC_QR] = { 100, 60 },
	[RATELIMIT_AUTH_FAILURES] = { 20, 300 },
};

const char *
ratelimit_class_name(enum ratelimit_class c)
{
	if ((unsigned int)c >= RATELIMIT_CLASS__MAX)
		return NULL;
	return class_names[c];
}

int
ratelimit_class_from_name(const char *name, enum ratelimit_class *out)
{
	int i;

	for (i = 1; i < RATELIMIT_CLASS__MAX; i++)
		if (strcmp(class_names[i], name) == 0) {
			*out = (enum ratelimit_class)i;
			return 0;
		}
	return -1;
}

bool
ratelimit_class_per_key(enum ratelimit_class c)
{
	return c >= RATELIMIT_INVOICES_CREATE && c <= RATELIMIT_WEBHOOKS;
}

void
ratelimit_settings_default(struct ratelimit_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->enabled = true;
	memcpy(s->rules, defaults, sizeof(s->rules));
	s->override_ttl = 5;
	s->timeout_ms = 50;
}

static int
parse_part(const char *s, size_t n, long long max, int *out)
{
	long long v = 0;
	size_t i;

	if (n == 0 || n > 7)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v < 1 || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

int
ratelimit_rule_parse(const char *text, struct ratelimit_rule *out)
{
	const char *slash = strchr(text, '/');
	struct ratelimit_rule r;

	if (slash == NULL)
		return -1;
	if (parse_part(text, (size_t)(slash - text), RATELIMIT_MAX_LIMIT,
	    &r.limit) == -1 || parse_part(slash + 1, strlen(slash + 1),
	    RATELIMIT_MAX_WINDOW, &r.window) == -1)
		return -1;
	*out = r;
	return 0;
}

void
ratelimit_result_set(struct ratelimit_result *r,
    const struct ratelimit_rule *rule, bool allowed, int64_t count,
    int64_t now_ms, int64_t oldest_ms)
{
	int64_t win_ms = (int64_t)rule->window * 1000, frees;

	if (oldest_ms > now_ms)
		oldest_ms = now_ms;
	frees = oldest_ms + win_ms;
	r->status = allowed ? RATELIMIT_ALLOWED : RATELIMIT_LIMITED;
	r->limit = rule->limit;
	r->window = rule->window;
	r->remaining = rule->limit - count;
	if (r->remaining < 0)
		r->remaining = 0;
	r->reset = (frees + 999) / 1000;
	r->retry_after = 0;
	if (!allowed) {
		r->retry_after = (frees - now_ms + 999) / 1000;
		if (r->retry_after < 1)
			r->retry_after = 1;
	}
}

void
ratelimit_headers(const struct ratelimit_result *r, struct http_resp *resp)
{
	char v[32];

	if (r->status != RATELIMIT_ALLOWED && r->status != RATELIMIT_LIMITED)
		return;
	snprintf(v, sizeof(v), "%" PRId64, r->limit);
	http_header_set(resp, "X-RateLimit-Limit", v);
	snprintf(v, sizeof(v), "%" PRId64, r->remaining);
	http_header_set(resp, "X-RateLimit-Remaining", v);
	snprintf(v, sizeof(v), "%" PRId64, r->reset);
	http_header_set(resp, "X-RateLimit-Reset", v);
	snprintf(v, sizeof(v), "%" PRId64, r->window);
	http_header_set(resp, "X-RateLimit-Window", v);
	http_header_set(resp, "X-RateLimit-Policy", "sliding-window");
	if (r->status == RATELIMIT_LIMITED) {
		snprintf(v, sizeof(v), "%" PRId64, r->retry_after);
		http_header_set(resp, "Retry-After", v);
	}
}

int
ratelimit_redis_url(const char *url, struct ratelimit_redis_addr *a)
{
	const char *h, *e, *colon, *slash;
	char num[16];
	long long v;
	char *end;

	memset(a, 0, sizeof(*a));
	if (strncmp(url, "unix:", 5) == 0) {
		h = url + 5;
		if (strncmp(h, "//", 2) == 0)
			h += 2;
		if (*h != '/' || cc_strlcpy(a->host, h, sizeof(a->host)) >=
		    sizeof(a->host))
			return -1;
		return 0;
	}
	if (strncmp(url, "redis://", 8) != 0)
		return -1;
	h = url + 8;
	slash = strchr(h, '/');
	e = slash != NULL ? slash : h + strlen(h);
	colon = memchr(h, ':', (size_t)(e - h));
	if (colon == NULL)
		colon = e;
	if (colon == h || (size_t)(colon - h) >= sizeof(a->host) ||
	    memchr(h, '@', (size_t)(e - h)) != NULL)
		return -1;
	memcpy(a->host, h, (size_t)(colon - h));
	a->host[colon - h] = '\0';
	a->port = 6379;
	if (colon < e) {
		if ((size_t)(e - colon - 1) >= sizeof(num) || e == colon + 1)
			return -1;
		memcpy(num, colon + 1, (size_t)(e - colon - 1));
		num[e - colon - 1] = '\0';
		errno = 0;
		v = strtoll(num, &end, 10);
		if (errno != 0 || *end != '\0' || num[0] < '0' ||
		    num[0] > '9' || v < 1 || v > 65535)
			return -1;
		a->port = (int)v;
	}
	if (slash != NULL && slash[1] != '\0') {
		errno = 0;
		v = strtoll(slash + 1, &end, 10);
		if (errno != 0 || *end != '\0' || slash[1] < '0' ||
		    slash[1] > '9' || v < 0 || v > 15)
			return -1;
		a->db = (int)v;
	}
	return 0;
}

/*
 * KEYS[1] the window; ARGV limit, window (ms), member, commit ("1" adds
 * the request when under the limit). Time is the Redis server's, so all
 * web servers share one clock. Returns {allowed, count, now, oldest}.
 */
static const char script[] =
    "local key = KEYS[1]\n"
    "local limit = tonumber(ARGV[1])\n"
    "local win = tonumber(ARGV[2])\n"
    "local t = redis.call('TIME')\n"
    "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
    "redis.call('ZREMRANGEBYSCORE', key, '-inf', now - win)\n"
    "local n = redis.call('ZCARD', key)\n"
    "local ok = 0\n"
    "if n < limit then\n"
    "  ok = 1\n"
    "  if ARGV[4] == '1' then\n"
    "    redis.call('ZADD', key, now, ARGV[3])\n"
    "    redis.call('PEXPIRE', key, win)\n"
    "    n = n + 1\n"
    "  end\n"
    "end\n"
    "local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')\n"
    "local oldest = now\n"
    "if first[2] then oldest = tonumber(first[2]) end\n"
    "return {ok, n, now, oldest}\n";

struct ratelimit {
	const struct ratelimit_settings	*s;
	const char			*url;
	redisContext			*ctx;
	char				 sha[48];
	int64_t				 down_until;	/* monotonic ms */
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The process's last alarm, shared by its threads. */
static _Atomic int64_t last_alarm = INT64_MIN / 2;

static void
alarm_line(const char *what, const char *detail)
{
	int64_t now = mono_ms(), seen = atomic_load(&last_alarm);

	if (now - seen < RATELIMIT_LOG_EVERY * 1000)
		return;
	if (!atomic_compare_exchange_strong(&last_alarm, &seen, now))
		return;
	log_error("RATE LIMITS NOT ENFORCED: Redis %s (%s); requests pass "
	    "uncounted until it answers (next report in %d s)", what,
	    detail, RATELIMIT_LOG_EVERY);
}

struct ratelimit *
ratelimit_new(const struct ratelimit_settings *s, const char *redis_url)
{
	struct ratelimit *rl = xcalloc(1, sizeof(*rl));

	rl->s = s;
	rl->url = redis_url;
	return rl;
}

static void
drop(struct ratelimit *rl, const char *what, const char *detail)
{
	alarm_line(what, detail);
	if (rl->ctx != NULL)
		redisFree(rl->ctx);
	rl->ctx = NULL;
	rl->down_until = mono_ms() + RATELIMIT_BACKOFF_MS;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	if (rl->ctx != NULL)
		redisFree(rl->ctx);
	free(rl);
}

static int
connect_redis(struct ratelimit *rl)
{
	struct ratelimit_redis_addr a;
	struct timeval tv;
	redisReply *rep;

	if (ratelimit_redis_url(rl->url, &a) == -1) {
		drop(rl, "url is malformed", rl->url);
		return -1;
	}
	tv.tv_sec = rl->s->timeout_ms / 1000;
	tv.tv_usec = (rl->s->timeout_ms % 1000) * 1000;
	rl->ctx = a.port == 0 ? redisConnectUnixWithTimeout(a.host, tv) :
	    redisConnectWithTimeout(a.host, a.port, tv);
	if (rl->ctx == NULL || rl->ctx->err != 0) {
		drop(rl, "connection failed", rl->ctx != NULL ?
		    rl->ctx->errstr : "out of memory");
		return -1;
	}
	if (redisSetTimeout(rl->ctx, tv) != REDIS_OK) {
		drop(rl, "timeout not set", rl->ctx->errstr);
		return -1;
	}
	if (a.db != 0) {
		char db[8];

		snprintf(db, sizeof(db), "%d", a.db);
		rep = redisCommand(rl->ctx, "SELECT %s", db);
		if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
			freeReplyObject(rep);
			drop(rl, "SELECT failed", rl->ctx->errstr);
			return -1;
		}
		freeReplyObject(rep);
	}
	rep = redisCommand(rl->ctx, "SCRIPT LOAD %s", script);
	if (rep == NULL || rep->type != REDIS_REPLY_STRING ||
	    rep->len >= sizeof(rl->sha)) {
		freeReplyObject(rep);
		drop(rl, "SCRIPT LOAD failed", rl->ctx->errstr[0] ?
		    rl->ctx->errstr : "unexpected reply");
		return -1;
	}
	memcpy(rl->sha, rep->str, rep->len);
	rl->sha[rep->len] = '\0';
	freeReplyObject(rep);
	return 0;
}

static bool
int_elements(const redisReply *rep, size_t n)
{
	size_t i;

	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != n)
		return false;
	for (i = 0; i < n; i++)
		if (rep->element[i]->type != REDIS_REPLY_INTEGER)
			return false;
	return true;
}

enum ratelimit_status
ratelimit_hit(struct ratelimit *rl, enum ratelimit_class cls,
    const char *id, const struct ratelimit_rule *rule, const char *member,
    bool commit, struct ratelimit_result *r)
{
	char key[128], limit[16], win[16];
	const char *name = ratelimit_class_name(cls);
	redisReply *rep;

	memset(r, 0, sizeof(*r));
	r->status = RATELIMIT_SKIPPED;
	if (rl == NULL || !rl->s->enabled || name == NULL)
		return r->status;
	r->status = RATELIMIT_UNAVAILABLE;
	if (rl->ctx == NULL) {
		if (mono_ms() < rl->down_until) {
			alarm_line("is unreachable", "waiting to retry");
			return r->status;
		}
		if (connect_redis(rl) == -1)
			return r->status;
	}
	snprintf(key, sizeof(key), "cc:rl:%s:%s", name, id);
	snprintf(limit, sizeof(limit), "%d", rule->limit);
	snprintf(win, sizeof(win), "%lld", (long long)rule->window * 1000);
	rep = redisCommand(rl->ctx, "EVALSHA %s 1 %s %s %s %s %s", rl->sha,
	    key, limit, win, member, commit ? "1" : "0");
	if (rep == NULL && (rl->ctx->err == REDIS_ERR_EOF ||
	    (rl->ctx->err == REDIS_ERR_IO && (errno == ECONNRESET ||
	    errno == EPIPE)))) {
		/*
		 * The server closed a connection that worked (Redis was
		 * restarted since this thread last asked): one new one at
		 * once, rather than a request uncounted per thread.
		 */
		redisFree(rl->ctx);
		rl->ctx = NULL;
		if (connect_redis(rl) == -1)
			return r->status;
		rep = redisCommand(rl->ctx, "EVALSHA %s 1 %s %s %s %s %s",
		    rl->sha, key, limit, win, member, commit ? "1" : "0");
	}
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR &&
	    strncmp(rep->str, "NOSCRIPT", 8) == 0) {
		/* Redis restarted, or SCRIPT FLUSH: EVAL loads it again. */
		freeReplyObject(rep);
		rep = redisCommand(rl->ctx, "EVAL %s 1 %s %s %s %s %s",
		    script, key, limit, win, member, commit ? "1" : "0");
	}
	if (rep == NULL) {
		/* hiredis reports a read timeout as EAGAIN. */
		drop(rl, "did not answer", rl->ctx->err == REDIS_ERR_IO &&
		    (errno == EAGAIN || errno == EWOULDBLOCK) ?
		    "timed out" : rl->ctx->errstr);
		return r->status;
	}
	if (!int_elements(rep, 4)) {
		alarm_line("answered the script with an error",
		    rep->type == REDIS_REPLY_ERROR ? rep->str : "bad reply");
		freeReplyObject(rep);
		return r->status;
	}
	ratelimit_result_set(r, rule, rep->element[0]->integer == 1,
	    rep->element[1]->integer, rep->element[2]->integer,
	    rep->element[3]->integer);
	freeReplyObject(rep);
	return r->status;
}
