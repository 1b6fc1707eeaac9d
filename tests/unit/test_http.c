/*
 * Unit tests of lib/http.c: URL decoding, query strings, routes and the
 * spec's error format.
 */
#include "cc.h"

#include "cu_run.h"

#include "http.h"
#include "jsonx.h"
#include "util.h"

/*
 * http_url_decode
 */

static const struct {
	const char	*in;
	bool		 form;
	int		 rc;
	const char	*out;
} url_decodes[] = {
	{ "", false, 0, "" },
	{ "abc", false, 0, "abc" },
	{ "a%20b", false, 0, "a b" },
	{ "%41%42%43", false, 0, "ABC" },
	{ "%4a%4A", false, 0, "JJ" },
	{ "%25", false, 0, "%" },
	{ "%2F", false, 0, "/" },
	{ "a+b", false, 0, "a+b" },
	{ "a+b", true, 0, "a b" },
	{ "a%2Bb", true, 0, "a+b" },
	{ "%2b+%2b", true, 0, "+ +" },
	{ "%c3%a9%E2%82%AC", false, 0, "\xc3\xa9\xe2\x82\xac" },
	{ "\xc3\xa9", true, 0, "\xc3\xa9" },
	{ "%00", false, -1, NULL },
	{ "a%00b", true, -1, NULL },
	{ "%zz", false, -1, NULL },
	{ "%4g", false, -1, NULL },
	{ "%g4", false, -1, NULL },
	{ "%4", false, -1, NULL },
	{ "a%", false, -1, NULL },
	{ "%", true, -1, NULL },
	{ "%%41", false, -1, NULL },
	{ "%0a", false, -1, NULL },
	{ "%09", true, -1, NULL },
	{ "%1f", false, -1, NULL },
	{ "%7f", false, -1, NULL },
	{ "a\x01", false, -1, NULL },
	{ "%c3", false, -1, NULL },		/* truncated UTF-8 */
	{ "%c3%28", false, -1, NULL },
	{ "%ff", false, -1, NULL },
	{ "%c0%af", false, -1, NULL },		/* overlong '/' */
	{ "%ed%a0%80", false, -1, NULL },	/* surrogate */
	{ "%c2%85", false, -1, NULL },		/* C1 control */
	{ "%f4%90%80%80", false, -1, NULL },	/* > U+10FFFF */
};

static void
test_url_decode(void)
{
	char out[64];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(url_decodes); i++) {
		int rc;

		rc = http_url_decode(url_decodes[i].in,
		    strlen(url_decodes[i].in), out, sizeof(out),
		    url_decodes[i].form);
		check_int("http_url_decode", url_decodes[i].in, rc,
		    url_decodes[i].rc);
		if (rc == 0 && url_decodes[i].out != NULL)
			check_str("http_url_decode", url_decodes[i].in, out,
			    url_decodes[i].out);
	}
	/* The length argument bounds the input; outlen the output. */
	CU_ASSERT(http_url_decode("abc%41", 3, out, sizeof(out), false) == 0);
	check_str("http_url_decode", "len 3", out, "abc");
	CU_ASSERT(http_url_decode("ab%41", 4, out, sizeof(out), false) == -1);
	CU_ASSERT(http_url_decode("abcd", 4, out, 5, false) == 0);
	CU_ASSERT(http_url_decode("abcd", 4, out, 4, false) == -1);
	CU_ASSERT(http_url_decode("%41%41", 6, out, 3, false) == 0);
	CU_ASSERT(http_url_decode("%41%41", 6, out, 2, false) == -1);
}

/*
 * http_query_parse: the result is compared as "k=v|k=v" text.
 */

static const struct {
	const char	*qs;
	int		 rc;
	const char	*want;	/* pairs, or the bad name when rc is -1 */
} queries[] = {
	{ NULL, 0, "" },
	{ "", 0, "" },
	{ "a=1", 0, "a=1" },
	{ "a=1&b=2", 0, "a=1|b=2" },
	{ "&a=1&&b=2&", 0, "a=1|b=2" },
	{ "&&&", 0, "" },
	{ "a", 0, "a=" },
	{ "a=", 0, "a=" },
	{ "a=b=c", 0, "a=b=c" },
	{ "q=hello+world&x=%2B&y=%26", 0, "q=hello world|x=+|y=&" },
	{ "status=paid&limit=20&search=caf%C3%A9", 0,
	    "status=paid|limit=20|search=caf\xc3\xa9" },
	{ "a%5B0%5D=1", 0, "a[0]=1" },
	{ "a=1&a=2", -1, "a" },
	{ "a=1&b=2&a=1", -1, "a" },
	{ "a%20b=1&a+b=2", -1, "a b" },
	{ "limit=%zz", -1, "limit" },
	{ "limit=%00", -1, "limit" },
	{ "limit=%0a", -1, "limit" },
	{ "%zz=1", -1, "" },
	{ "a=1&%c3=2", -1, "" },
};

static void
query_text(const struct http_query *q, char *out, size_t outlen)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < q->n; i++)
		buf_printf(&b, "%s%s=%s", i ? "|" : "", q->keys[i],
		    q->vals[i]);
	cc_strlcpy(out, b.data ? b.data : "", outlen);
	buf_release(&b);
}

static void
test_query(void)
{
	struct http_query q;
	char bad[64], txt[256];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(queries); i++) {
		const char *name = queries[i].qs ? queries[i].qs : "(null)";
		int rc;

		rc = http_query_parse(queries[i].qs, &q, bad, sizeof(bad));
		check_int("rc", name, rc, queries[i].rc);
		if (rc == 0) {
			query_text(&q, txt, sizeof(txt));
			check_str("pairs", name, txt, queries[i].want);
		} else {
			check_str("bad", name, bad, queries[i].want);
			CU_ASSERT(q.n == 0);
		}
		http_query_release(&q);
	}

	CU_ASSERT_FATAL(http_query_parse("a=1&b=&c", &q, bad,
	    sizeof(bad)) == 0);
	check_str("get", "a", http_query_get(&q, "a"), "1");
	check_str("get", "b", http_query_get(&q, "b"), "");
	check_str("get", "c", http_query_get(&q, "c"), "");
	CU_ASSERT(http_query_get(&q, "d") == NULL);
	CU_ASSERT(http_query_get(&q, "A") == NULL);
	http_query_release(&q);
	CU_ASSERT(q.n == 0);
}

/* HTTP_MAX_QUERY parameters, then one more; CC_MAX_QUERY_STRING bytes. */
static void
test_query_limits(void)
{
	struct http_query q;
	struct buf b;
	char bad[64];
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < HTTP_MAX_QUERY; i++)
		buf_printf(&b, "%sp%zu=%zu", i ? "&" : "", i, i);
	CU_ASSERT(http_query_parse(b.data, &q, bad, sizeof(bad)) == 0);
	CU_ASSERT(q.n == HTTP_MAX_QUERY);
	check_str("get", "p31", http_query_get(&q, "p31"), "31");
	http_query_release(&q);
	buf_printf(&b, "&p%d=x", HTTP_MAX_QUERY);
	CU_ASSERT(http_query_parse(b.data, &q, bad, sizeof(bad)) == -1);
	check_str("bad", "33 params", bad, "p32");
	CU_ASSERT(q.n == 0);
	http_query_release(&q);
	buf_release(&b);

	buf_init(&b, 0);
	buf_puts(&b, "a=");
	while (b.len < CC_MAX_QUERY_STRING)
		buf_puts(&b, "x");
	CU_ASSERT(http_query_parse(b.data, &q, bad, sizeof(bad)) == 0);
	CU_ASSERT(q.n == 1 && strlen(http_query_get(&q, "a")) ==
	    CC_MAX_QUERY_STRING - 2);
	http_query_release(&q);
	buf_puts(&b, "x");
	CU_ASSERT(http_query_parse(b.data, &q, bad, sizeof(bad)) == -1);
	check_str("bad", "too long", bad, "");
	http_query_release(&q);
	buf_release(&b);
}

/*
 * http_route_match
 */

#define INV	"/api/v1/invoices"

static const struct {
	const char	*pattern;
	const char	*path;
	int		 rc;
	const char	*p0;
	const char	*p1;
} routes[] = {
	{ INV, INV, 0, NULL, NULL },
	{ INV, INV "/", 0, NULL, NULL },
	{ INV, INV "//", -1, NULL, NULL },
	{ INV, "/api/v1/invoice", -1, NULL, NULL },
	{ INV, INV "x", -1, NULL, NULL },
	{ INV, "/api/v1", -1, NULL, NULL },
	{ INV, "", -1, NULL, NULL },
	{ INV, "/API/v1/invoices", -1, NULL, NULL },
	{ INV "/{}", INV "/inv_abc", 1, "inv_abc", NULL },
	{ INV "/{}", INV "/inv_abc/", 1, "inv_abc", NULL },
	{ INV "/{}", INV "/", -1, NULL, NULL },
	{ INV "/{}", INV, -1, NULL, NULL },
	{ INV "/{}", INV "/a/b", -1, NULL, NULL },
	{ INV "/{}", INV "/a%2Fb", 1, "a/b", NULL },
	{ INV "/{}/cancel", INV "/inv_1/cancel", 1, "inv_1", NULL },
	{ INV "/{}/cancel", INV "/inv_1/cancel/", 1, "inv_1", NULL },
	{ INV "/{}/cancel", INV "//cancel", -1, NULL, NULL },
	{ INV "/{}/cancel", INV "/inv_1", -1, NULL, NULL },
	{ INV "/{}/cancel", INV "/inv_1/", -1, NULL, NULL },
	{ INV "/{}/cancel", INV "/inv_1/refund", -1, NULL, NULL },
	{ INV "/{}/cancel", INV "/a%2Fb/cancel", 1, "a/b", NULL },
	{ INV "/{}/cancel", INV "/a%2fb%2Fc/cancel", 1, "a/b/c", NULL },
	{ INV "/{}/cancel", INV "/a%20b/cancel", 1, "a b", NULL },
	{ INV "/{}/cancel", INV "/a+b/cancel", 1, "a+b", NULL },
	{ INV "/{}/cancel", INV "/a%00/cancel", -1, NULL, NULL },
	{ INV "/{}/cancel", INV "/a%zz/cancel", -1, NULL, NULL },
	{ INV "/{}/cancel", INV "/a%2/cancel", -1, NULL, NULL },
	{ "/a/{}/b/{}", "/a/1/b/2", 2, "1", "2" },
	{ "/a/{}/b/{}", "/a/1/b/2/", 2, "1", "2" },
	{ "/a/{}/b/{}", "/a/1/b/", -1, NULL, NULL },
	{ "/a/{}/b/{}", "/a/1/c/2", -1, NULL, NULL },
	{ "/a/{}/b/{}", "/a//b/2", -1, NULL, NULL },
};

static void
test_routes(void)
{
	char params[HTTP_MAX_PARAMS][HTTP_MAX_PARAM_LEN];
	char row[128], path[HTTP_MAX_PARAM_LEN + 16];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(routes); i++) {
		int rc;

		snprintf(row, sizeof(row), "%s ~ %s", routes[i].pattern,
		    routes[i].path);
		rc = http_route_match(routes[i].pattern, routes[i].path,
		    params, HTTP_MAX_PARAMS);
		check_int("http_route_match", row, rc, routes[i].rc);
		if (rc >= 1 && routes[i].p0 != NULL)
			check_str("params[0]", row, params[0], routes[i].p0);
		if (rc >= 2 && routes[i].p1 != NULL)
			check_str("params[1]", row, params[1], routes[i].p1);
	}
	/* More captures than room: no match. */
	CU_ASSERT(http_route_match("/a/{}/b/{}", "/a/1/b/2", params, 1) ==
	    -1);
	/* A capture must fit HTTP_MAX_PARAM_LEN with its NUL. */
	memset(path, 'x', sizeof(path));
	memcpy(path, "/i/", 3);
	path[3 + HTTP_MAX_PARAM_LEN - 1] = '\0';
	CU_ASSERT(http_route_match("/i/{}", path, params, 1) == 1);
	CU_ASSERT(strlen(params[0]) == HTTP_MAX_PARAM_LEN - 1);
	path[3 + HTTP_MAX_PARAM_LEN - 1] = 'x';
	path[3 + HTTP_MAX_PARAM_LEN] = '\0';
	CU_ASSERT(http_route_match("/i/{}", path, params, 1) == -1);
}

/*
 * http_etag_match: If-None-Match against a strong tag.
 */

#define TAG	"\"82caf8d8777f8bd8fd0ba60b8c1e4491\""

static const struct {
	const char	*header;
	bool		 match;
} etags[] = {
	{ NULL, false },
	{ "", false },
	{ "   ", false },
	{ TAG, true },
	{ " " TAG " ", true },
	{ "W/" TAG, true },		/* If-None-Match compares weakly */
	{ "\"x\", " TAG, true },
	{ "\"x\"," TAG, true },
	{ ",, \"x\" ,\t" TAG ",", true },
	{ "*", true },
	{ " * ", true },
	{ "\"x\", *", true },
	{ "*x", false },
	{ "\"x\"", false },
	{ "\"\"", false },
	{ "\"82caf8d8777f8bd8fd0ba60b8c1e449\"", false },	/* shorter */
	{ "\"82caf8d8777f8bd8fd0ba60b8c1e44911\"", false },	/* longer */
	{ "82caf8d8777f8bd8fd0ba60b8c1e4491", false },		/* unquoted */
	{ "\"82caf8d8777f8bd8fd0ba60b8c1e4491", false },	/* unclosed */
	{ "w/" TAG, false },		/* W/ is case-sensitive */
	{ "W/W/" TAG, false },
	{ "\"x\"y, " TAG, false },	/* a fault ends the list */
	{ "x, " TAG, false },
	/* Apache's mod_deflate and mod_brotli append to our tags. */
	{ "\"82caf8d8777f8bd8fd0ba60b8c1e4491-gzip\"", true },
	{ "\"82caf8d8777f8bd8fd0ba60b8c1e4491-br\"", true },
	{ "W/\"82caf8d8777f8bd8fd0ba60b8c1e4491-gzip\"", true },
	{ "\"x\", \"82caf8d8777f8bd8fd0ba60b8c1e4491-gzip\"", true },
	{ "\"82caf8d8777f8bd8fd0ba60b8c1e4491-deflate\"", false },
	{ "\"82caf8d8777f8bd8fd0ba60b8c1e4491-gzipx\"", false },
	{ "\"82caf8d8777f8bd8fd0ba60b8c1e449-gzip\"", false },
	{ TAG "-gzip", false },		/* outside the quotes */
	{ "\"a,b\", " TAG, true },	/* a comma inside a tag */
	{ "\"a,\"" TAG, false },	/* one malformed entry */
	{ "**", false },
	{ ",,,", false },
};

static void
test_etag_match(void)
{
	char etag[HTTP_ETAG_SIZE];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(etags); i++)
		check_int("http_etag_match", etags[i].header ?
		    etags[i].header : "(null)",
		    http_etag_match(etags[i].header, TAG), etags[i].match);
	/* http_etag: SHA-256("abc") is FIPS 180-2's first example. */
	http_etag("abc", 3, etag);
	check_str("http_etag", "abc", etag,
	    "\"ba7816bf8f01cfea414140de5dae2223\"");
	CU_ASSERT(http_etag_match(etag, etag));
}

/*
 * The spec's error format.
 */

static void
test_error_json(void)
{
	struct http_resp r;
	json_object *root, *err, *extra, *c, *v;
	char msg[128];
	int64_t us;

	http_resp_init(&r, "req_abc123");
	extra = json_object_new_object();
	c = json_object_new_object();
	jsonx_add(c, "min_amount", jsonx_decimal("0.50"));
	jsonx_add(c, "max_amount", jsonx_decimal("10000.00"));
	jsonx_add_str(c, "currency", "USD");
	jsonx_add(extra, "constraints", c);
	http_error_ex(&r, 422, "validation_error", "INVALID_AMOUNT",
	    "Invoice amount must be between 0.50 USD and 10000.00 USD",
	    "items[0].unit_price", extra);
	check_int("status", "422", r.status, 422);
	CU_ASSERT(r.body.len > 0 && r.body.data[r.body.len - 1] == '\n');
	check_has("body", "422", r.body.data, "\"error\":{\"type\":"
	    "\"validation_error\",\"code\":\"INVALID_AMOUNT\",\"message\":"
	    "\"Invoice amount must be between 0.50 USD and 10000.00 USD\","
	    "\"field\":\"items[0].unit_price\",\"constraints\":{"
	    "\"min_amount\":0.50,\"max_amount\":10000.00,"
	    "\"currency\":\"USD\"},\"documentation_url\":"
	    "\"/docs/errors.html#invalid-amount\"}");
	check_has("body", "422", r.body.data,
	    "\"trace_id\":\"trace_abc123\"");
	check_has("body", "422", r.body.data,
	    "\"request_id\":\"req_abc123\"");
	root = jsonx_parse(r.body.data, r.body.len, msg, sizeof(msg));
	CU_ASSERT_FATAL(root != NULL);
	CU_ASSERT(json_object_object_get_ex(root, "timestamp", &v));
	CU_ASSERT(time_parse_iso8601(json_object_get_string(v), &us) == 0);
	CU_ASSERT(json_object_object_get_ex(root, "error", &err));
	CU_ASSERT(json_object_object_length(root) == 4);
	json_object_put(root);

	/* No field, no extra: neither key appears. */
	http_error(&r, 404, "invalid_request_error", "NOT_FOUND",
	    "no such invoice", NULL);
	check_int("status", "404", r.status, 404);
	root = jsonx_parse(r.body.data, r.body.len, msg, sizeof(msg));
	CU_ASSERT_FATAL(root != NULL);
	CU_ASSERT_FATAL(json_object_object_get_ex(root, "error", &err));
	CU_ASSERT(!json_object_object_get_ex(err, "field", NULL));
	CU_ASSERT(json_object_object_length(err) == 4);
	json_object_put(root);

	http_header(&r, "X-Request-Id", "req_abc123");
	check_str("headers", "1", r.headers.data,
	    "X-Request-Id: req_abc123\r\n");
	http_resp_release(&r);

	check_str("status text", "422", http_status_text(422),
	    "Unprocessable Entity");
	check_str("status text", "413", http_status_text(413),
	    "Payload Too Large");
	check_str("status text", "999", http_status_text(999), "Unknown");
}

/* http_header_set: one header of a name, whatever was set before. */
static void
test_header_set(void)
{
	struct http_resp r;

	http_resp_init(&r, "req_abc123");
	http_header_set(&r, "X-A", "1");
	check_str("set", "new", r.headers.data, "X-A: 1\r\n");
	http_header(&r, "X-AB", "2");
	http_header(&r, "x-a", "3");
	http_header(&r, "X-B", "4");
	http_header_set(&r, "X-A", "5");
	check_str("set", "replaces every X-A, not X-AB", r.headers.data,
	    "X-AB: 2\r\nX-B: 4\r\nX-A: 5\r\n");
	http_header_set(&r, "X-B", "6");
	check_str("set", "last", r.headers.data,
	    "X-AB: 2\r\nX-A: 5\r\nX-B: 6\r\n");
	http_resp_release(&r);
}

/* Content-Type of a JSON body: application/json and nothing else. */
static void
test_json_media_type(void)
{
	static const struct {
		const char	*ct;
		bool		 ok;
	} t[] = {
		{ "application/json", true },
		{ "Application/JSON", true },
		{ "application/json; charset=utf-8", true },
		{ "application/json;charset=UTF-8", true },
		{ "application/json ; charset=\"utf-8\"", true },
		{ "application/json; charset=utf8", true },
		{ " application/json ", true },
		{ "application/json; foo=bar; charset=utf-8", true },
		{ "application/json; charset=latin1", false },
		{ "application/json; charset=", false },
		{ "application/json; charset=\"utf-8", false },
		{ "application/json;", false },
		{ "application/json; =x", false },
		{ "application/jsonx", false },
		{ "application/json x", false },
		{ "application/json-patch+json", false },
		{ "application/merge-patch+json", false },
		{ "application/x-www-form-urlencoded", false },
		{ "multipart/form-data; boundary=x", false },
		{ "text/json", false },
		{ "text/plain", false },
		{ "application", false },
		{ "", false },
		{ NULL, false },
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++)
		EXPECT(http_json_media_type(t[i].ct) == t[i].ok, "%s: %s",
		    cu_row(i), t[i].ct ? t[i].ct : "(null)");
}

/* Where documentation_url points, and the anchors and trace ids. */
static void
test_docs_url(void)
{
	static const struct {
		const char	*docs, *public_url, *want;
	} rows[] = {
		{ "", "https://api.example.com/api/v1/public",
		  "https://api.example.com/docs/errors.html#invalid-amount" },
		{ "", "http://127.0.0.1:8280/api/v1/public",
		  "http://127.0.0.1:8280/docs/errors.html#invalid-amount" },
		{ "", "https://api.example.com",
		  "https://api.example.com/docs/errors.html#invalid-amount" },
		{ "https://docs.example.com/e", "https://api.example.com/x",
		  "https://docs.example.com/e#invalid-amount" },
		{ "", "", "/docs/errors.html#invalid-amount" },
		{ "", "not a url", "/docs/errors.html#invalid-amount" },
		{ "", "https://", "/docs/errors.html#invalid-amount" },
		{ NULL, NULL, "/docs/errors.html#invalid-amount" },
	};
	struct http_resp r;
	json_object *root, *err, *v;
	char msg[128], out[64];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		http_set_docs_url(rows[i].docs, rows[i].public_url);
		http_resp_init(&r, "req_abc");
		http_error(&r, 422, "validation_error", "INVALID_AMOUNT", "m",
		    NULL);
		root = jsonx_parse(r.body.data, r.body.len, msg, sizeof(msg));
		CU_ASSERT_FATAL(root != NULL);
		CU_ASSERT_FATAL(json_object_object_get_ex(root, "error", &err));
		CU_ASSERT_FATAL(json_object_object_get_ex(err,
		    "documentation_url", &v));
		check_str("docs", rows[i].want, json_object_get_string(v),
		    rows[i].want);
		json_object_put(root);
		http_resp_release(&r);
	}
	http_set_docs_url(NULL, NULL);
	http_error_anchor("TOO_MANY_STREAMS", out, sizeof(out));
	check_str("anchor", "1", out, "too-many-streams");
	http_error_anchor("ABCDEFGHIJ", out, 5);
	check_str("anchor", "2", out, "abcd");
	http_trace_id("req_7dqvw2x3l5m4pyh6bqz2n5e3ku", out, sizeof(out));
	check_str("trace", "1", out, "trace_7dqvw2x3l5m4pyh6bqz2n5e3ku");
	http_trace_id(NULL, out, sizeof(out));
	check_str("trace", "2", out, "trace_");
}

static const struct cu_test tests[] = {
	{ "http_json_media_type", test_json_media_type },
	{ "http_header_set", test_header_set },
	{ "http_url_decode", test_url_decode },
	{ "http_query_parse", test_query },
	{ "http_query_parse limits", test_query_limits },
	{ "http_route_match", test_routes },
	{ "http_etag_match", test_etag_match },
	{ "error JSON", test_error_json },
	{ "documentation_url and trace_id", test_docs_url },
};

int
main(void)
{
	return cu_run("http", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
