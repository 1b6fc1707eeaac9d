/*
 * JSON-RPC 2.0 over libcurl for the chain scanner: one easy handle per
 * client so that the connection (and TLS session) is reused, a capped
 * response buffer, strict response checks, and a classification of node
 * errors that tells "split the log query" from "retry later".
 */
#include "cc.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <time.h>

#include <curl/curl.h>

#include "jsonx.h"
#include "log.h"
#include "httpget.h"
#include "ids.h"
#include "rpc.h"
#include "util.h"

/* A response buffer above this is freed after the call, not kept. */
#define RPC_KEEP_BUF		(1024 * 1024)
/* Connecting takes at most this long, whatever the call timeout. */
#define RPC_CONNECT_MS		10000L
/* Bytes of a non-JSON error body quoted in the error message. */
#define RPC_QUOTE_MAX		120
/* Bytes of a node's error message kept. */
#define RPC_NODE_MSG_MAX	300

struct rpc {
	CURL			*curl;
	struct curl_slist	*headers;
	long			 timeout_ms;
	uint64_t		 next_id;
	uint64_t		 rng;		/* backoff jitter */
	long			 http_status;
	struct buf		 req;
	struct buf		 resp;
	char			 curl_err[CURL_ERROR_SIZE];
	char			 node_msg[RPC_NODE_MSG_MAX + 1];
	int64_t			 node_code;
	char			 err[512];
};

static const char *const errstr[RPC_ERR__MAX] = {
	[RPC_OK] = "success",
	[RPC_ETRANSPORT] = "transport error",
	[RPC_EHTTP] = "unexpected HTTP status",
	[RPC_EPROTO] = "invalid JSON-RPC response",
	[RPC_ERESULT] = "node returned an error",
	[RPC_ETOOMANY] = "log query too large for the node",
};

/*
 * Messages by which nodes and providers refuse an eth_getLogs query as
 * too large, matched without regard to case. Specific on purpose: "block
 * range extends beyond current head block" is not one of them.
 */
static const char *const too_many_msgs[] = {
	"query returned more than",		/* geth-like, Infura */
	"too many results",
	"response size exceeded",		/* Alchemy */
	"response size should not",
	"backend response too large",
	"query exceeds max results",
	"logs matched by query exceeds",	/* Arbitrum */
	"maximum block range",			/* BSC, publicnode */
	"max block range",			/* TRON, reth */
	"block range is too",			/* Ankr, Moonbeam, OP */
	"block range too large",
	"block range limit",			/* Chainstack */
	"block range exceeds",
	"block range greater than",
	"block range should work",		/* Alchemy */
	"range threshold exceeded",
	"range is too large",
	"is limited to",			/* QuickNode, BlockPI */
	"requested too many blocks",		/* Avalanche */
	"max range:",				/* Cloudflare */
	"maximum allowed number of requested blocks",
	"please limit the query to",
	"exceeds the range allowed",
	"query must be smaller than size",
	"blocks distance",
};

/* Messages of a provider's rate limiting: retryable, not a result. */
static const char *const rate_limit_msgs[] = {
	"rate limit",
	"rate-limit",
	"request rate",
	"rate exceeded",
	"too many requests",
	"request count exceeded",
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void
curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

const char *
rpc_strerror(enum rpc_err e)
{
	if ((unsigned int)e >= RPC_ERR__MAX)
		return "unknown error";
	return errstr[e];
}

int64_t
rpc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
seterr(struct rpc *r, const char *method, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sets the last error as "method: message". */
static void
seterr(struct rpc *r, const char *method, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(r->err, sizeof(r->err), "%s: ", method);
	if (n < 0 || (size_t)n >= sizeof(r->err))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof(r->err) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Copies at most max bytes of s into out, control bytes replaced. */
static void
quote(const char *s, size_t len, size_t max, char *out, size_t outlen)
{
	size_t i, n;

	n = len < max ? len : max;
	if (n > outlen - 1)
		n = outlen - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	out[n] = '\0';
}

static bool
matches_any(const char *msg, const char *const *pats, size_t npats)
{
	size_t i;

	for (i = 0; i < npats; i++)
		if (strcasestr(msg, pats[i]) != NULL)
			return true;
	return false;
}

/* Which error a JSON-RPC error object is. */
static enum rpc_err
classify_node_error(int64_t code, const char *msg)
{
	if (matches_any(msg, too_many_msgs, CC_ARRAY_SIZE(too_many_msgs)))
		return RPC_ETOOMANY;
	if (code == 429 ||
	    matches_any(msg, rate_limit_msgs, CC_ARRAY_SIZE(rate_limit_msgs)))
		return RPC_ETRANSPORT;
	/* EIP-1474 "limit exceeded". */
	if (code == -32005)
		return RPC_ETOOMANY;
	return RPC_ERESULT;
}

/* True if url parses and its scheme is http or https. */
static bool
url_ok(const char *url)
{
	CURLU *u;
	char *scheme = NULL;
	bool ok = false;

	u = curl_url();
	if (u == NULL)
		return false;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
		goto out;
	ok = strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0;
out:
	curl_free(scheme);
	curl_url_cleanup(u);
	return ok;
}

struct rpc *
rpc_new(const char *url, long timeout_ms)
{
	static const char *const hdrs[] = {
		"Content-Type: application/json",
		"Accept: application/json",
		"Expect:",		/* no 100-continue round trip */
	};
	struct rpc *r;
	struct curl_slist *l;
	CURLcode rc;
	size_t i;

	if (url == NULL || timeout_ms <= 0)
		return NULL;
	if (pthread_once(&curl_once, curl_init_once) != 0 ||
	    curl_init_rc != CURLE_OK)
		return NULL;
	if (!url_ok(url))
		return NULL;

	r = xcalloc(1, sizeof(*r));
	buf_init(&r->req, 0);
	buf_init(&r->resp, RPC_MAX_RESPONSE);
	r->timeout_ms = timeout_ms;
	r->next_id = 1;
	ids_random(&r->rng, sizeof(r->rng));
	r->rng |= 1;
	r->curl = curl_easy_init();
	if (r->curl == NULL)
		goto err;
	for (i = 0; i < CC_ARRAY_SIZE(hdrs); i++) {
		l = curl_slist_append(r->headers, hdrs[i]);
		if (l == NULL)
			goto err;
		r->headers = l;
	}

	rc = curl_easy_setopt(r->curl, CURLOPT_URL, url);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(r->curl, CURLOPT_PROTOCOLS_STR,
		    "http,https");
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(r->curl, CURLOPT_FOLLOWLOCATION, 0L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(r->curl, CURLOPT_NOSIGNAL, 1L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER,
		    r->headers);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(r->curl, CURLOPT_USERAGENT,
		    "crypto-checkout-rpc/1");
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(r->curl, CURLOPT_CONNECTTIMEOUT_MS,
		    timeout_ms < RPC_CONNECT_MS ? timeout_ms :
		    RPC_CONNECT_MS);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(r->curl, CURLOPT_TCP_KEEPALIVE, 1L);
	/* Log queries compress well; the cap applies after decoding. */
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(r->curl, CURLOPT_ACCEPT_ENCODING, "");
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(r->curl, CURLOPT_WRITEFUNCTION,
		    httpget_to_buf);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(r->curl, CURLOPT_WRITEDATA, &r->resp);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(r->curl, CURLOPT_ERRORBUFFER,
		    r->curl_err);
	if (rc != CURLE_OK)
		goto err;
	return r;
err:
	rpc_free(r);
	return NULL;
}

void
rpc_free(struct rpc *r)
{
	if (r == NULL)
		return;
	if (r->curl != NULL)
		curl_easy_cleanup(r->curl);
	curl_slist_free_all(r->headers);
	buf_release(&r->req);
	buf_release(&r->resp);
	free(r);
}

const char *
rpc_last_error(struct rpc *r)
{
	return r->err;
}

long
rpc_last_http_status(struct rpc *r)
{
	return r->http_status;
}

static bool
method_ok(const char *m)
{
	size_t i;

	if (m == NULL || m[0] == '\0')
		return false;
	for (i = 0; m[i] != '\0'; i++) {
		unsigned char c = (unsigned char)m[i];

		if (i >= RPC_MAX_METHOD)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

/* True if p is the text of one JSON array. */
static bool
params_ok(const char *p)
{
	size_t i;

	for (i = 0; p[i] == ' ' || p[i] == '\t' || p[i] == '\n' ||
	    p[i] == '\r'; i++)
		;
	if (p[i] != '[')
		return false;
	return jsonx_syntax_ok(p, strlen(p), NULL, NULL);
}

/*
 * Reads the JSON-RPC response in r->resp. On RPC_OK *result is set (maybe
 * NULL for a null result). A JSON-RPC error object gives its class and
 * sets *is_error_obj; anything that is not a JSON-RPC 2.0 response to our
 * id gives RPC_EPROTO. The last error is set in every failing case.
 */
static enum rpc_err
parse_response(struct rpc *r, const char *method, uint64_t id,
    json_object **result, bool *is_error_obj)
{
	json_object *root, *v, *res, *err, *code, *msg;
	char perr[160];
	const char *m;
	bool has_res, has_err;
	enum rpc_err e;

	*is_error_obj = false;
	root = jsonx_parse(r->resp.data != NULL ? r->resp.data : "",
	    r->resp.len, perr, sizeof(perr));
	if (root == NULL) {
		seterr(r, method, "unparsable response: %s", perr);
		return RPC_EPROTO;
	}
	e = RPC_EPROTO;
	if (!json_object_is_type(root, json_type_object)) {
		seterr(r, method, "response is not a JSON object");
		goto out;
	}
	if (!json_object_object_get_ex(root, "jsonrpc", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), "2.0") != 0) {
		seterr(r, method, "response lacks \"jsonrpc\": \"2.0\"");
		goto out;
	}
	has_res = json_object_object_get_ex(root, "result", &res);
	has_err = json_object_object_get_ex(root, "error", &err);
	if (has_res == has_err) {
		seterr(r, method, "response has %s", has_res ?
		    "both result and error" : "neither result nor error");
		goto out;
	}
	/* An error to a request the node could not read may have id null. */
	if (!json_object_object_get_ex(root, "id", &v) ||
	    (v == NULL && !has_err) ||
	    (v != NULL && (!json_object_is_type(v, json_type_int) ||
	    (uint64_t)json_object_get_int64(v) != id))) {
		seterr(r, method, "response id does not match the request");
		goto out;
	}
	if (has_res) {
		*result = json_object_get(res);
		e = RPC_OK;
		goto out;
	}
	if (err == NULL || !json_object_is_type(err, json_type_object) ||
	    !json_object_object_get_ex(err, "code", &code) ||
	    !json_object_is_type(code, json_type_int)) {
		seterr(r, method, "malformed JSON-RPC error object");
		goto out;
	}
	r->node_code = json_object_get_int64(code);
	m = "";
	if (json_object_object_get_ex(err, "message", &msg) &&
	    json_object_is_type(msg, json_type_string))
		m = json_object_get_string(msg);
	quote(m, strlen(m), RPC_NODE_MSG_MAX, r->node_msg,
	    sizeof(r->node_msg));
	seterr(r, method, "node error %" PRId64 ": %s", r->node_code,
	    r->node_msg);
	*is_error_obj = true;
	e = classify_node_error(r->node_code, m);
out:
	json_object_put(root);
	return e;
}

/* One HTTP exchange with a timeout of timeout_ms. */
static enum rpc_err
call_once(struct rpc *r, const char *method, const char *params,
    json_object **result, long timeout_ms)
{
	char q[RPC_QUOTE_MAX + 1];
	enum rpc_err e;
	CURLcode rc;
	uint64_t id;
	bool is_err_obj;
	long status;

	*result = NULL;
	r->err[0] = '\0';
	r->http_status = 0;
	if (!method_ok(method)) {
		seterr(r, "rpc", "invalid method name");
		return RPC_EPROTO;
	}
	if (params == NULL)
		params = "[]";
	if (!params_ok(params)) {
		seterr(r, method, "params are not a JSON array");
		return RPC_EPROTO;
	}

	id = r->next_id++;
	buf_reset(&r->req);
	if (buf_printf(&r->req, "{\"jsonrpc\":\"2.0\",\"id\":%" PRIu64
	    ",\"method\":\"%s\",\"params\":%s}", id, method, params) == -1) {
		seterr(r, method, "request too large");
		return RPC_EPROTO;
	}
	buf_reset(&r->resp);
	r->curl_err[0] = '\0';

	rc = curl_easy_setopt(r->curl, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)r->req.len);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(r->curl, CURLOPT_POSTFIELDS,
		    r->req.data);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(r->curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	if (rc == CURLE_OK)
		rc = curl_easy_perform(r->curl);
	status = 0;
	curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &status);
	r->http_status = status;
	if (rc != CURLE_OK) {
		if (rc == CURLE_WRITE_ERROR && r->resp.overflow) {
			seterr(r, method, "response larger than %d bytes",
			    RPC_MAX_RESPONSE);
			e = RPC_EPROTO;
		} else {
			seterr(r, method, "%s", r->curl_err[0] != '\0' ?
			    r->curl_err : curl_easy_strerror(rc));
			e = RPC_ETRANSPORT;
		}
		goto out;
	}
	e = parse_response(r, method, id, result, &is_err_obj);
	if (status >= 200 && status <= 299)
		goto out;

	/*
	 * Some providers send a JSON-RPC error with a 4xx or 5xx status: a
	 * too-large log query must still be seen as one, and the node's
	 * message beats the bare status.
	 */
	if (e == RPC_OK) {
		json_object_put(*result);
		*result = NULL;
	}
	if (is_err_obj && e == RPC_ETOOMANY)
		goto out;
	if (is_err_obj) {
		seterr(r, method, "HTTP %ld: node error %" PRId64 ": %s",
		    status, r->node_code, r->node_msg);
	} else {
		quote(r->resp.data != NULL ? r->resp.data : "", r->resp.len,
		    RPC_QUOTE_MAX, q, sizeof(q));
		seterr(r, method, "HTTP %ld%s%s", status,
		    q[0] != '\0' ? ": " : "", q);
	}
	if (status >= 500)
		e = RPC_ETRANSPORT;
	else if (status == 429 || !is_err_obj)
		e = RPC_EHTTP;
	/* Else a 4xx carrying a JSON-RPC error keeps its class. */
out:
	if (r->resp.cap > RPC_KEEP_BUF)
		buf_release(&r->resp);
	if (r->req.cap > RPC_KEEP_BUF)
		buf_release(&r->req);
	return e;
}

enum rpc_err
rpc_call(struct rpc *r, const char *method, const char *params,
    json_object **result)
{
	return call_once(r, method, params, result, r->timeout_ms);
}

/* xorshift64*: jitter needs no cryptographic strength. */
static uint64_t
next_rand(struct rpc *r)
{
	r->rng ^= r->rng >> 12;
	r->rng ^= r->rng << 25;
	r->rng ^= r->rng >> 27;
	return r->rng * 0x2545f4914f6cdd1dULL;
}

static void
sleep_until(int64_t when_ms)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(when_ms / 1000);
	ts.tv_nsec = (long)(when_ms % 1000) * 1000000L;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
}

enum rpc_err
rpc_call_retry(struct rpc *r, const char *method, const char *params,
    json_object **result, int64_t deadline_ms)
{
	enum rpc_err e;
	int64_t now, delay, wait, left;
	long timeout;
	int attempt;

	now = rpc_now_ms();
	if (deadline_ms == 0)
		deadline_ms = now + RPC_RETRY_DEFAULT_MS;
	delay = RPC_RETRY_FIRST_MS;
	for (attempt = 1;; attempt++) {
		/* The first attempt always runs; none runs past the end. */
		left = deadline_ms - now;
		timeout = r->timeout_ms;
		if (left > 0 && left < timeout)
			timeout = (long)left;
		e = call_once(r, method, params, result, timeout);
		if (e == RPC_OK)
			return e;
		if (e != RPC_ETRANSPORT &&
		    !(e == RPC_EHTTP && r->http_status == 429))
			return e;
		wait = delay + (int64_t)(next_rand(r) %
		    (uint64_t)(delay / 4 + 1));
		now = rpc_now_ms();
		if (now + wait >= deadline_ms) {
			log_warn("rpc attempt %d failed, giving up: %s",
			    attempt, r->err);
			return e;
		}
		/* Not a problem yet: giving up is (cc-scan --quiet). */
		log_info("rpc attempt %d failed, retrying in %" PRId64
		    " ms: %s", attempt, wait, r->err);
		sleep_until(now + wait);
		now = rpc_now_ms();
		delay = delay * 2 < RPC_RETRY_MAX_MS ? delay * 2 :
		    RPC_RETRY_MAX_MS;
	}
}
