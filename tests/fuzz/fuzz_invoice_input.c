/*
 * Fuzz target: the Create Invoice request body (lib/invoice_input.c over
 * lib/input.c and lib/jsonx.c), as cc-merchant reads it, and the Cancel
 * Invoice body. Input: the body. Properties: a refusal is a 400 or 422
 * with a code; an accepted invoice's total is its subtotal plus tax and
 * lies within the currency's bounds.
 */
#include "fuzz.h"

#include "invoice_input.h"
#include "jsonx.h"

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
	struct invoice_input in;
	struct invoice_cancel_input cin;
	struct input_error e;
	json_object *body;
	char *copy, err[160];

	/* Exactly the body's bytes: the parser is given a length. */
	copy = malloc(size > 0 ? size : 1);
	if (copy == NULL)
		abort();
	if (size > 0)
		memcpy(copy, data, size);
	memset(&in, 0, sizeof(in));
	memset(&e, 0, sizeof(e));
	if (invoice_input_parse(copy, size, &cfg, &in, &e) == 0) {
		FUZZ_ASSERT(in.subtotal_minor >= 0 && in.tax_minor >= 0);
		FUZZ_ASSERT(in.total_minor == in.subtotal_minor + in.tax_minor);
		FUZZ_ASSERT(in.nitems > 0);
		invoice_input_release(&in);
	} else {
		FUZZ_ASSERT(e.status == 400 || e.status == 422);
		FUZZ_ASSERT(e.code[0] != '\0' && e.message[0] != '\0');
	}
	input_error_release(&e);

	body = jsonx_parse(copy, size, err, sizeof(err));
	if (body != NULL) {
		memset(&e, 0, sizeof(e));
		if (invoice_cancel_parse(body, &cin, &e) != 0)
			FUZZ_ASSERT(e.status == 400 || e.status == 422);
		input_error_release(&e);
		json_object_put(body);
	}
	free(copy);
	return 0;
}
