/*
 * Unit tests of lib/ratelimit.c's pure parts: class names, rule parsing,
 * the window arithmetic behind X-RateLimit-Reset and Retry-After, the
 * headers, and the [redis] url. The counting itself runs in Redis and
 * is tested through the web server (tests/integration/test_ratelimit.py).
 */
#include "cc.h"

#include "cu_run.h"

#include "http.h"
#include "ratelimit.h"

static void
test_classes(void)
{
	enum ratelimit_class c;
	size_t i;
	int k;

	for (k = 1; k < RATELIMIT_CLASS__MAX; k++) {
		const char *n = ratelimit_class_name((enum ratelimit_class)k);

		EXPECT(n != NULL, "class %d has no name", k);
		EXPECT(ratelimit_class_from_name(n, &c) == 0 && (int)c == k,
		    "%s round trip", n);
	}
	EXPECT(ratelimit_class_name(RATELIMIT_NONE) == NULL, "none");
	EXPECT(ratelimit_class_name(RATELIMIT_CLASS__MAX) == NULL, "max");
	EXPECT(ratelimit_class_from_name("nope", &c) == -1, "unknown");
	EXPECT(ratelimit_class_from_name("", &c) == -1, "empty");
	/* The per-key list is exactly the per-key classes. */
	for (i = 0; ratelimit_key_class_names[i] != NULL; i++) {
		EXPECT(ratelimit_class_from_name(ratelimit_key_class_names[i],
		    &c) == 0 && ratelimit_class_per_key(c), "%s per key",
		    ratelimit_key_class_names[i]);
	}
	for (k = 1, c = 0; k < RATELIMIT_CLASS__MAX; k++)
		if (ratelimit_class_per_key((enum ratelimit_class)k))
			c++;
	EXPECT((size_t)c == i, "per-key count %d vs %zu", (int)c, i);
	EXPECT(!ratelimit_class_per_key(RATELIMIT_PUBLIC_INVOICE), "public");
	EXPECT(!ratelimit_class_per_key(RATELIMIT_AUTH_FAILURES), "failures");
	EXPECT(!ratelimit_class_per_key(RATELIMIT_AUTH_TOKEN), "token");
}

static void
test_defaults(void)
{
	/* The spec's "Rate Limiting" tables. */
	static const struct {
		enum ratelimit_class	 c;
		int			 limit, window;
	} spec[] = {
		{ RATELIMIT_INVOICES_CREATE, 1000, 3600 },
		{ RATELIMIT_INVOICES_READ, 5000, 3600 },
		{ RATELIMIT_INVOICES_LIST, 2000, 3600 },
		{ RATELIMIT_ANALYTICS, 500, 3600 },
		{ RATELIMIT_WEBHOOKS, 100, 3600 },
		{ RATELIMIT_PUBLIC_INVOICE, 60, 60 },
		{ RATELIMIT_PUBLIC_QR, 100, 60 },
	};
	struct ratelimit_settings s;
	size_t i;
	int k;

	ratelimit_settings_default(&s);
	EXPECT(s.enabled, "enabled");
	EXPECT(s.timeout_ms == 50, "timeout");
	for (i = 0; i < CC_ARRAY_SIZE(spec); i++)
		EXPECT(s.rules[spec[i].c].limit == spec[i].limit &&
		    s.rules[spec[i].c].window == spec[i].window, "%s",
		    ratelimit_class_name(spec[i].c));
	for (k = 1; k < RATELIMIT_CLASS__MAX; k++)
		EXPECT(s.rules[k].limit >= 1 && s.rules[k].window >= 1,
		    "%s has a rule", ratelimit_class_name(k));
}

static void
test_rule_parse(void)
{
	static const struct {
		const char	*text;
		int		 ok, limit, window;
	} t[] = {
		{ "1000/3600", 1, 1000, 3600 },
		{ "1/1", 1, 1, 1 },
		{ "1000000/86400", 1, 1000000, 86400 },
		{ "60/60", 1, 60, 60 },
		{ "0/60", 0, 0, 0 },
		{ "60/0", 0, 0, 0 },
		{ "1000001/60", 0, 0, 0 },
		{ "60/86401", 0, 0, 0 },
		{ "60", 0, 0, 0 },
		{ "/60", 0, 0, 0 },
		{ "60/", 0, 0, 0 },
		{ "-1/60", 0, 0, 0 },
		{ "+5/60", 0, 0, 0 },
		{ "5 /60", 0, 0, 0 },
		{ "5/60/1", 0, 0, 0 },
		{ "5/6x", 0, 0, 0 },
		{ "99999999999999999999/1", 0, 0, 0 },
		{ "", 0, 0, 0 },
	};
	struct ratelimit_rule r;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		int rc = ratelimit_rule_parse(t[i].text, &r);

		EXPECT((rc == 0) == (t[i].ok == 1), "\"%s\": rc %d",
		    t[i].text, rc);
		if (rc == 0 && t[i].ok)
			EXPECT(r.limit == t[i].limit &&
			    r.window == t[i].window, "\"%s\": %d/%d",
			    t[i].text, r.limit, r.window);
	}
}

static void
test_window(void)
{
	/* now 1,000,000.250 s; a 60 s window of 60. */
	static const struct {
		const char	*name;
		bool		 allowed;
		int64_t		 count, now, oldest;
		int64_t		 remaining, reset, retry;
		int		 status;
	} t[] = {
		{ "first request", true, 1, 1000000250, 1000000250, 59,
		    1000061, 0, RATELIMIT_ALLOWED },
		{ "half full", true, 30, 1000000250, 999990000, 30,
		    1000050, 0, RATELIMIT_ALLOWED },
		{ "the 60th", true, 60, 1000000250, 999950000, 0,
		    1000010, 0, RATELIMIT_ALLOWED },
		/* Oldest at 999,950.000: it leaves at 1,000,010.000. */
		{ "the 61st", false, 60, 1000000250, 999950000, 0, 1000010,
		    10, RATELIMIT_LIMITED },
		/* 1 ms before a slot frees: still at least 1 s. */
		{ "1 ms to go", false, 60, 1000009999, 999950000, 0,
		    1000010, 1, RATELIMIT_LIMITED },
		/* 1.001 s to go rounds up to 2. */
		{ "rounds up", false, 60, 1000008999, 999950000, 0, 1000010,
		    2, RATELIMIT_LIMITED },
		{ "a full window to go", false, 60, 1000000000, 1000000000,
		    0, 1000060, 60, RATELIMIT_LIMITED },
		/* A lowered limit: more in the window than allowed. */
		{ "over a lowered limit", false, 75, 1000000250, 999950000,
		    0, 1000010, 10, RATELIMIT_LIMITED },
		/* Clock skew can't put the oldest in the future. */
		{ "oldest after now", true, 1, 1000000250, 1000000999, 59,
		    1000061, 0, RATELIMIT_ALLOWED },
	};
	struct ratelimit_rule rule = { 60, 60 };
	struct ratelimit_result r;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		ratelimit_result_set(&r, &rule, t[i].allowed, t[i].count,
		    t[i].now, t[i].oldest);
		EXPECT((int)r.status == t[i].status, "%s: status",
		    t[i].name);
		EXPECT(r.limit == 60 && r.window == 60, "%s: rule",
		    t[i].name);
		EXPECT(r.remaining == t[i].remaining, "%s: remaining %lld",
		    t[i].name, (long long)r.remaining);
		EXPECT(r.reset == t[i].reset, "%s: reset %lld", t[i].name,
		    (long long)r.reset);
		EXPECT(r.retry_after == t[i].retry, "%s: retry %lld",
		    t[i].name, (long long)r.retry_after);
	}
}

static void
test_headers(void)
{
	struct ratelimit_rule rule = { 1000, 3600 };
	struct ratelimit_result r;
	struct http_resp resp;
	int s;

	ratelimit_result_set(&r, &rule, true, 50, 1700000000000LL,
	    1699999000000LL);
	http_resp_init(&resp, "req_x");
	ratelimit_headers(&r, &resp);
	check_has("allowed", "limit", resp.headers.data,
	    "X-RateLimit-Limit: 1000\r\n");
	check_has("allowed", "remaining", resp.headers.data,
	    "X-RateLimit-Remaining: 950\r\n");
	check_has("allowed", "reset", resp.headers.data,
	    "X-RateLimit-Reset: 1700002600\r\n");
	check_has("allowed", "window", resp.headers.data,
	    "X-RateLimit-Window: 3600\r\n");
	check_has("allowed", "policy", resp.headers.data,
	    "X-RateLimit-Policy: sliding-window\r\n");
	EXPECT(strstr(resp.headers.data, "Retry-After") == NULL, "no retry");
	http_resp_release(&resp);

	ratelimit_result_set(&r, &rule, false, 1000, 1700000000000LL,
	    1699996400500LL);
	http_resp_init(&resp, "req_x");
	ratelimit_headers(&r, &resp);
	check_has("limited", "remaining", resp.headers.data,
	    "X-RateLimit-Remaining: 0\r\n");
	check_has("limited", "retry", resp.headers.data,
	    "Retry-After: 1\r\n");
	http_resp_release(&resp);

	/* Uncounted: no headers at all. */
	for (s = RATELIMIT_SKIPPED; s <= RATELIMIT_UNAVAILABLE; s++) {
		r.status = (enum ratelimit_status)s;
		http_resp_init(&resp, "req_x");
		ratelimit_headers(&r, &resp);
		EXPECT(resp.headers.len == 0, "status %d: no headers", s);
		http_resp_release(&resp);
	}
}

static void
test_redis_url(void)
{
	static const struct {
		const char	*url;
		int		 ok;
		const char	*host;
		int		 port, db;
	} t[] = {
		{ "redis://127.0.0.1:6380", 1, "127.0.0.1", 6380, 0 },
		{ "redis://localhost", 1, "localhost", 6379, 0 },
		{ "redis://localhost/", 1, "localhost", 6379, 0 },
		{ "redis://10.0.0.5:6379/3", 1, "10.0.0.5", 6379, 3 },
		{ "unix:/run/redis/redis.sock", 1, "/run/redis/redis.sock", 0,
		    0 },
		{ "unix:///run/redis.sock", 1, "/run/redis.sock", 0, 0 },
		{ "unix:relative.sock", 0, NULL, 0, 0 },
		{ "redis://", 0, NULL, 0, 0 },
		{ "redis://:6379", 0, NULL, 0, 0 },
		{ "redis://h:0", 0, NULL, 0, 0 },
		{ "redis://h:65536", 0, NULL, 0, 0 },
		{ "redis://h:", 0, NULL, 0, 0 },
		{ "redis://h:-1", 0, NULL, 0, 0 },
		{ "redis://h:63x", 0, NULL, 0, 0 },
		{ "redis://h/16", 0, NULL, 0, 0 },
		{ "redis://h/x", 0, NULL, 0, 0 },
		{ "redis://user:pw@h", 0, NULL, 0, 0 },
		{ "http://h:6379", 0, NULL, 0, 0 },
		{ "", 0, NULL, 0, 0 },
	};
	struct ratelimit_redis_addr a;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		int rc = ratelimit_redis_url(t[i].url, &a);

		EXPECT((rc == 0) == (t[i].ok == 1), "%s: rc %d", t[i].url,
		    rc);
		if (rc != 0 || !t[i].ok)
			continue;
		check_str("host", t[i].url, a.host, t[i].host);
		EXPECT(a.port == t[i].port && a.db == t[i].db,
		    "%s: port %d db %d", t[i].url, a.port, a.db);
	}
}

/* Without Redis the limiter fails open and counts nothing. */
static void
test_fail_open(void)
{
	struct ratelimit_settings s;
	struct ratelimit_result r;
	struct ratelimit *rl;

	ratelimit_settings_default(&s);
	s.timeout_ms = 20;
	/* Port 1 on loopback: refused at once. */
	rl = ratelimit_new(&s, "redis://127.0.0.1:1");
	EXPECT(ratelimit_hit(rl, RATELIMIT_PUBLIC_QR, "192.0.2.1",
	    &s.rules[RATELIMIT_PUBLIC_QR], "req_a", true, &r) ==
	    RATELIMIT_UNAVAILABLE, "refused");
	/* Within the backoff: no connection tried, still open. */
	EXPECT(ratelimit_hit(rl, RATELIMIT_PUBLIC_QR, "192.0.2.1",
	    &s.rules[RATELIMIT_PUBLIC_QR], "req_b", true, &r) ==
	    RATELIMIT_UNAVAILABLE, "backoff");
	ratelimit_free(rl);
	s.enabled = false;
	rl = ratelimit_new(&s, "redis://127.0.0.1:1");
	EXPECT(ratelimit_hit(rl, RATELIMIT_PUBLIC_QR, "192.0.2.1",
	    &s.rules[RATELIMIT_PUBLIC_QR], "req_c", true, &r) ==
	    RATELIMIT_SKIPPED, "disabled");
	ratelimit_free(rl);
}

static const struct cu_test tests[] = {
	{ "class names", test_classes },
	{ "the spec's numbers by default", test_defaults },
	{ "COUNT/SECONDS", test_rule_parse },
	{ "window arithmetic", test_window },
	{ "headers", test_headers },
	{ "redis url", test_redis_url },
	{ "fails open without Redis", test_fail_open },
};

int
main(void)
{
	return cu_run("ratelimit", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
