/*
 * Unit tests of lib/delivery.c's pure parts: the verdict on every way a
 * request can end (delivered, retried with its backoff, failed for good,
 * and the error the attempt log shows), the signed request headers, and
 * the endpoint's allow list as the claim reads it.
 */
#include "cc.h"

#include "cu_run.h"
#include "delivery.h"
#include "netcheck.h"
#include "webhook.h"
#include "whsig.h"

#define REFUSED	"refused: 127.0.0.1 is a loopback address and allowed_ips " \
		"does not cover it"

struct judge_row {
	long		 code;
	CURLcode	 result;
	bool		 capped;
	const char	*blocked;
	const char	*curl_error;
	int		 attempt;
	int		 max_retries;
	bool		 ok;
	bool		 last;
	const char	*err;		/* NULL: curl_easy_strerror(result) */
};

static const struct judge_row judge_rows[] = {
	/* Delivered. */
	{ 200, CURLE_OK, false, "", "", 1, 3, true, false, "" },
	{ 204, CURLE_OK, false, "", "", 4, 3, true, false, "" },
	{ 299, CURLE_OK, false, "", "", 1, 0, true, false, "" },
	/* A long 2xx body, read up to the cap. */
	{ 200, CURLE_WRITE_ERROR, true, "", "Failure writing output", 1, 3,
	    true, false, "" },
	/* A write error that is not the cap is the transfer's failure. */
	{ 200, CURLE_WRITE_ERROR, false, "", "Failure writing output", 1, 3,
	    false, false, "Failure writing output" },
	/* Any other status: retried, then failed for good. */
	{ 500, CURLE_OK, false, "", "", 1, 3, false, false, "HTTP 500" },
	{ 500, CURLE_OK, false, "", "", 3, 3, false, false, "HTTP 500" },
	{ 500, CURLE_OK, false, "", "", 4, 3, false, true, "HTTP 500" },
	{ 503, CURLE_OK, false, "", "", 1, 0, false, true, "HTTP 503" },
	{ 199, CURLE_OK, false, "", "", 1, 3, false, false, "HTTP 199" },
	{ 404, CURLE_OK, false, "", "", 2, 1, false, true, "HTTP 404" },
	/* A long error body is still the status. */
	{ 500, CURLE_WRITE_ERROR, true, "", "", 1, 3, false, false,
	    "HTTP 500" },
	{ 302, CURLE_OK, false, "", "", 1, 3, false, false,
	    "HTTP 302 (redirects are not followed)" },
	{ 399, CURLE_OK, false, "", "", 1, 3, false, false,
	    "HTTP 399 (redirects are not followed)" },
	/* No answer: the timeout, curl's own words, or its code's. */
	{ 0, CURLE_OPERATION_TIMEDOUT, false, "", "Operation timed out after "
	    "5001 milliseconds", 1, 3, false, false, "timed out after 5 s" },
	{ 0, CURLE_COULDNT_CONNECT, false, "", "Failed to connect to "
	    "127.0.0.1 port 9: Connection refused", 3, 2, false, true,
	    "Failed to connect to 127.0.0.1 port 9: Connection refused" },
	{ 0, CURLE_COULDNT_CONNECT, false, "", "", 1, 3, false, false, NULL },
	{ 0, CURLE_COULDNT_RESOLVE_HOST, false, "", NULL, 1, 3, false, false,
	    NULL },
	/* The SSRF refusal comes before curl's consequence of it. */
	{ 0, CURLE_COULDNT_CONNECT, false, REFUSED, "Failed to connect", 1, 0,
	    false, true, REFUSED },
	{ 0, CURLE_OPERATION_TIMEDOUT, false, REFUSED, "", 1, 3, false,
	    false, REFUSED },
};

static void
test_judge(void)
{
	const struct judge_row *r;
	struct delivery_try t;
	struct delivery_answer a;
	struct delivery_verdict v;
	const char *want;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(judge_rows); i++) {
		r = &judge_rows[i];
		t.attempt = r->attempt;
		t.max_retries = r->max_retries;
		t.linear = false;
		t.timeout = 5;
		a.code = r->code;
		a.result = r->result;
		a.capped = r->capped;
		a.blocked = r->blocked;
		a.curl_error = r->curl_error;
		memset(&v, 0x55, sizeof(v));
		delivery_judge(&t, &a, 1, 0, &v);
		want = r->err != NULL ? r->err : curl_easy_strerror(r->result);
		EXPECT(v.ok == r->ok && v.last == r->last, "row %zu: ok %d "
		    "last %d, want %d %d", i, v.ok, v.last, r->ok, r->last);
		EXPECT(strcmp(v.err, want) == 0, "row %zu: err \"%s\", want "
		    "\"%s\"", i, v.err, want);
	}
}

/* The delay until the retry: the endpoint's backoff, jittered. */
static void
test_judge_backoff(void)
{
	static const struct {
		bool		 linear;
		int		 attempt;
		int		 unit;
		uint32_t	 rnd;
		int64_t		 want;
	} rows[] = {
		{ false, 1, 1, 0, 1000 },	/* never under a second */
		{ false, 1, 1, 200, 1000 },
		{ false, 1, 60, 0, 48000 },	/* 80% of a minute */
		{ false, 1, 60, 399, 71940 },	/* just under 120% */
		{ false, 2, 1, 200, 2000 },
		{ false, 3, 1, 200, 4000 },
		{ false, 3, 60, 200, 240000 },
		{ true, 3, 1, 200, 3000 },
		{ true, 3, 60, 200, 180000 },
		{ false, 30, 60, 200, (int64_t)WEBHOOK_MAX_DELAY * 1000 },
		{ false, 40, 1, 200, (int64_t)WEBHOOK_MAX_DELAY * 1000 },
	};
	struct delivery_try t = { 0, 50, false, 5 };
	struct delivery_answer a = { 500, CURLE_OK, false, "", "" };
	struct delivery_verdict v;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		t.linear = rows[i].linear;
		t.attempt = rows[i].attempt;
		delivery_judge(&t, &a, rows[i].unit, rows[i].rnd, &v);
		EXPECT(v.delay_ms == rows[i].want, "row %zu: %lld ms, want "
		    "%lld", i, (long long)v.delay_ms,
		    (long long)rows[i].want);
	}
}

static void
test_headers(void)
{
	static const char body[] =
	    "{\"id\":\"evt_1\",\"event\":\"invoice.paid\"}";
	static const char *want[] = {
		"Content-Type: application/json",
		"User-Agent: Crypto-Checkout-Webhooks/1",
		"X-Crypto-Checkout-Signature: ",
		"X-Crypto-Checkout-Timestamp: 1700000000",
		"X-Crypto-Checkout-Webhook-Id: whk_abc",
		"X-Crypto-Checkout-Event: invoice.paid",
		"X-Crypto-Checkout-Delivery-Id: whd_xyz",
		"X-Crypto-Checkout-Attempt: 3",
		"Expect: ",
	};
	const char *secret = "whsec_testtesttesttest";
	struct curl_slist *l, *it;
	const char *sig = NULL;
	size_t i = 0;

	l = delivery_headers(secret, 1700000000, body, strlen(body),
	    "whk_abc", "invoice.paid", "whd_xyz", 3);
	EXPECT(l != NULL, "headers");
	for (it = l; it != NULL; it = it->next, i++) {
		if (i >= CC_ARRAY_SIZE(want))
			break;
		if (i == 2) {
			EXPECT(strncmp(it->data, want[i], strlen(want[i])) ==
			    0, "header %zu: %s", i, it->data);
			sig = it->data + strlen(want[i]);
		} else
			EXPECT(strcmp(it->data, want[i]) == 0, "header %zu: "
			    "%s, want %s", i, it->data, want[i]);
	}
	EXPECT(i == CC_ARRAY_SIZE(want) && it == NULL, "%zu headers", i);
	/* The signature is the receiver's check of these very bytes. */
	EXPECT(sig != NULL && whsig_verify(secret, sig, 1700000000,
	    1700000000, 300, body, strlen(body)) == 0, "signature %s",
	    sig ? sig : "-");
	EXPECT(sig != NULL && whsig_verify("whsec_other", sig, 1700000000,
	    1700000000, 300, body, strlen(body)) == -1, "another secret");
	curl_slist_free_all(l);
}

static void
test_parse_allowed(void)
{
	struct net_cidr c[WEBHOOK_MAX_ALLOWED_IPS], want;
	size_t n;

	n = delivery_parse_allowed("10.0.0.0/8 192.168.1.5 fd00::/8", c,
	    CC_ARRAY_SIZE(c));
	EXPECT(n == 3, "%zu entries", n);
	EXPECT(net_parse_cidr("192.168.1.5", &want) == 0 &&
	    memcmp(&c[1], &want, sizeof(want)) == 0 && c[1].prefix == 32,
	    "second entry");
	EXPECT(c[0].prefix == 8 && c[2].prefix == 8, "prefixes %d %d",
	    c[0].prefix, c[2].prefix);
	/* Not a CIDR: skipped; the rest kept. */
	n = delivery_parse_allowed("bogus 10.0.0.1/8  127.0.0.1", c,
	    CC_ARRAY_SIZE(c));
	EXPECT(n == 1 && c[0].prefix == 32, "%zu entries", n);
	EXPECT(delivery_parse_allowed("", c, CC_ARRAY_SIZE(c)) == 0,
	    "empty");
	EXPECT(delivery_parse_allowed("10.0.0.0/8 10.1.0.0/16 10.2.0.0/16",
	    c, 2) == 2, "at most max");
}

static const struct cu_test tests[] = {
	{ "verdicts", test_judge },
	{ "retry delays", test_judge_backoff },
	{ "signed headers", test_headers },
	{ "allowed_ips as claimed", test_parse_allowed },
};

int
main(void)
{
	return cu_run("delivery", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
