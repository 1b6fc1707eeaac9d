/*
 * Unit tests of lib/webhook_endpoint.c's body parser, with the test
 * stack's operator (127.0.0.1) for allowed_ips entries.
 */
#include "cc.h"

#include "cu_run.h"

#include "config.h"
#include "input.h"
#include "jsonx.h"
#include "util.h"
#include "webhook.h"
#include "webhook_endpoint.h"

/*
 * webhook_endpoint_parse: the body of a create or update, field by field,
 * with the test stack's operator (127.0.0.1) for allowed_ips entries.
 */
struct parse_row {
	const char	*body;
	bool		 create;
	const char	*code;		/* NULL: accepted */
	const char	*field;
};

#define EV	"\"events\": [\"invoice.paid\"]"

static const struct parse_row parse_rows[] = {
	{ "{\"url\": \"https://x.test/\", " EV "}", true, NULL, NULL },
	{ "{" EV "}", true, "MISSING_FIELD", "url" },
	{ "{\"url\": \"https://x.test/\"}", true, "MISSING_FIELD", "events" },
	{ "{\"url\": 5, " EV "}", true, "INVALID_TYPE", "url" },
	{ "{\"url\": null, " EV "}", true, "MISSING_FIELD", "url" },
	{ "{\"nope\": 1}", false, "UNKNOWN_FIELD", "nope" },
	{ "{\"secret\": \"whsec_abcdefghij\"}", false,
	    "SECRET_NOT_UPDATABLE", "secret" },
	{ "{\"events\": [\"invoice.paid\", \"invoice.paid\"]}", false,
	    "INVALID_VALUE", "events" },
	{ "{\"max_retries\": 1.0}", false, "INVALID_TYPE", "max_retries" },
	{ "{\"timeout\": 61}", false, "INVALID_VALUE", "timeout" },
	{ "{\"retry_backoff\": \"linear\", \"enabled\": false}", false, NULL,
	    NULL },
	{ "{\"allowed_ips\": [\"127.0.0.1\", \"93.184.215.0/24\"]}", false,
	    NULL, NULL },
	{ "{\"allowed_ips\": [\"10.0.0.1/8\"]}", false, "INVALID_VALUE",
	    "allowed_ips" },
	{ "{\"allowed_ips\": [\"127.0.0.0/8\"]}", false, "IP_NOT_ALLOWED",
	    "allowed_ips" },
	{ "{\"allowed_ips\": [\"0.0.0.0/0\"]}", false, "IP_NOT_ALLOWED",
	    "allowed_ips" },
	{ "{\"allowed_ips\": [\"169.254.169.254\"]}", false, "IP_NOT_ALLOWED",
	    "allowed_ips" },
};

static void
test_endpoint_parse(void)
{
	static const char full[] = "{\"url\": \"https://x.test/\", "
	    "\"events\": [\"invoice.paid\", \"invoice.created\"], "
	    "\"allowed_ips\": [\"8.8.8.8\", \"127.0.0.1\"]}";
	static const char rotate[] = "{\"secret\": 1}";
	struct webhook_endpoint_input in;
	struct input_error e;
	struct cc_config cfg;
	json_object *body;
	char err[200];
	size_t i;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	CU_ASSERT_EQUAL_FATAL(net_parse_cidr("127.0.0.1",
	    &cfg.webhook_allowed[0]), 0);
	cfg.nwebhook_allowed = 1;
	for (i = 0; i < CC_ARRAY_SIZE(parse_rows); i++) {
		const struct parse_row *r = &parse_rows[i];

		memset(&e, 0, sizeof(e));
		body = jsonx_parse(r->body, strlen(r->body), err, sizeof(err));
		CU_ASSERT_FATAL(body != NULL);
		rc = webhook_endpoint_parse(body, r->create, &cfg, &in, &e);
		EXPECT(r->code == NULL ? rc == 0 : rc == -1 &&
		    e.status == 422 && strcmp(e.code, r->code) == 0 &&
		    strcmp(e.field, r->field) == 0, "parse row %zu (%s): %d "
		    "%s %s \"%s\"", i, r->body, rc, e.code, e.field,
		    e.message);
		input_error_release(&e);
		json_object_put(body);
	}

	/* Defaults of a create, and the lists kept in their order. */
	body = jsonx_parse(full, strlen(full), err, sizeof(err));
	CU_ASSERT_FATAL(body != NULL);
	memset(&e, 0, sizeof(e));
	CU_ASSERT_EQUAL_FATAL(webhook_endpoint_parse(body, true, &cfg, &in,
	    &e), 0);
	EXPECT(in.max_retries == WEBHOOK_DEFAULT_RETRIES &&
	    in.timeout == WEBHOOK_DEFAULT_TIMEOUT && in.enabled &&
	    strcmp(in.retry_backoff, "exponential") == 0 &&
	    in.secret == NULL, "create defaults");
	EXPECT(in.nevents == 2 && strcmp(in.events[1], "invoice.created") ==
	    0 && in.nallowed == 2 && strcmp(in.allowed_ips[1],
	    "127.0.0.1") == 0 && in.has[WEPF_ALLOWED_IPS] &&
	    !in.has[WEPF_TIMEOUT], "lists in order");
	json_object_put(body);

	/* rotate-secret takes nothing. */
	body = jsonx_parse(rotate, strlen(rotate), err, sizeof(err));
	CU_ASSERT_FATAL(body != NULL);
	EXPECT(webhook_endpoint_parse_empty(body, &e) == -1 &&
	    strcmp(e.code, "UNKNOWN_FIELD") == 0 &&
	    strcmp(e.field, "secret") == 0, "rotate body");
	EXPECT(webhook_endpoint_parse_empty(NULL, &e) == 0, "empty body");
	json_object_put(body);
	for (i = 0; i < WEP__MAX; i++)
		EXPECT(strcmp(webhook_endpoint_strerror(i),
		    "unknown result") != 0, "strerror %zu", i);
	EXPECT(strcmp(webhook_endpoint_strerror(WEP_LIMIT), "at most 16 "
	    "webhook endpoints may exist per mode; delete one first") == 0,
	    "limit text");
}

static const struct cu_test tests[] = {
	{ "webhook_endpoint_parse", test_endpoint_parse },
};

int
main(void)
{
	return cu_run("webhook_endpoint", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
