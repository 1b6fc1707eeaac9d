/*
 * Fuzz target: query strings (lib/http.c's http_query_parse and
 * percent-decoding), then the routes' declared parameters read from them
 * (lib/input.c): List Invoices (invoice_filter_parse), Analytics
 * (analytics_params_query) and the QR code (qr_request_parse).
 * Input: the query string, without '?'.
 */
#include "fuzz.h"

#include "analytics.h"
#include "http.h"
#include "input.h"
#include "invoice.h"
#include "invoice_input.h"
#include "qr.h"

#include "cfgtext.h"

static struct cc_config	cfg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_load_config(&cfg);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_query q;
	struct invoice_filter f;
	struct analytics_params ap;
	struct qr_request qr;
	struct input_error e;
	char bad[64], *text, *dec;
	size_t i;

	text = fuzz_str(data, size);
	dec = malloc(size + 1);
	if (dec == NULL)
		abort();
	(void)http_url_decode(text, size, dec, size + 1, true);
	free(dec);

	memset(&q, 0, sizeof(q));
	if (http_query_parse(text, &q, bad, sizeof(bad)) == 0) {
		FUZZ_ASSERT(q.n <= HTTP_MAX_QUERY);
		for (i = 0; i < q.n; i++)
			FUZZ_ASSERT(http_query_get(&q, q.keys[i]) == q.vals[i]);
		memset(&e, 0, sizeof(e));
		/* A parsed query's refusals are 422 (400: unreadable). */
		if (invoice_filter_parse(&q, &f, &e) != 0)
			FUZZ_ASSERT(e.status == 422);
		input_error_release(&e);
		memset(&e, 0, sizeof(e));
		if (analytics_params_query(&q, &cfg, &ap, &e) != 0)
			FUZZ_ASSERT(e.status == 422);
		input_error_release(&e);
		memset(&e, 0, sizeof(e));
		if (qr_request_parse(&q, &qr, &e) != 0)
			FUZZ_ASSERT(e.status == 422);
		input_error_release(&e);
	}
	http_query_release(&q);
	free(text);
	return 0;
}
