/*
 * Fuzz target: the payment page (lib/page.c and the ClearSilver
 * templates in templates/) rendered from an invoice whose texts are
 * hostile: titles, descriptions, item names and the merchant's name come
 * from merchants, and so may anything a bug lets through. Input: a JSON
 * view rendered as it is when it is an object; otherwise lines of text
 * put into the fields of a real view, each followed by a marker
 * ("<x-fuzz>; the input's own x-fuzz are respelled). Property: the
 * marker never reaches the page unescaped, in text or in an attribute:
 * no "<x-fuzz", and no '"' unescaped before it.
 */
#include "fuzz.h"

#include <json-c/json.h>

#include "jsonx.h"
#include "page.h"
#include "util.h"

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

#define MARK "\"<x-fuzz>"

static const char base_view[] =
	"{\"id\":\"inv_7Hq2xYtK9mWb\",\"object\":\"invoice\","
	"\"status\":\"pending\",\"livemode\":false,"
	"\"title\":\"VPN Service Order\","
	"\"description\":\"Monthly VPN subscription\","
	"\"merchant\":{\"name\":\"Demo Shop\"},"
	"\"items\":[{\"name\":\"VPN Premium Plan\",\"description\":\"Monthly\","
	"\"quantity\":1,\"unit_price\":9.99,\"amount\":9.99},"
	"{\"name\":\"Additional Static IP\",\"quantity\":2,"
	"\"unit_price\":2.50,\"amount\":5.00}],"
	"\"subtotal\":14.99,\"tax\":1.50,\"total\":16.49,\"currency\":\"USD\","
	"\"crypto_currency\":\"USDT\",\"network\":\"anvil\","
	"\"crypto_amount\":16.49,"
	"\"address\":\"0x9858EfFD232B4033E47d90003D41EC34EcaEda94\","
	"\"qr_code_url\":\"https://pay.example.com/api/v1/public/invoice/"
	"inv_7Hq2xYtK9mWb/qr\","
	"\"expires_at\":\"2025-01-15T10:30:00Z\",\"time_remaining\":900,"
	"\"payments\":[{\"amount\":10.00,\"status\":\"confirming\","
	"\"confirmations\":1,\"required_confirmations\":3}],"
	"\"payment_progress\":{\"received\":10.00,\"required\":16.49,"
	"\"remaining\":6.49,\"pending\":0,\"percent\":60.64},"
	"\"return_url\":\"https://shop.example.com/success\","
	"\"cancel_url\":\"https://shop.example.com/cancel\"}";

/* Where each line goes: "key" of the view, or "object.key". */
static const char *const fields[] = {
	"title", "description", "merchant.name", "items.name",
	"items.description", "address", "network", "crypto_currency",
	"return_url", "cancel_url", "status", "expires_at", "currency",
	"id", "crypto_amount", "qr_code_url",
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (page_init(getenv("CC_TEMPLATES") != NULL ? NULL :
	    FUZZ_SRCDIR "/templates") != 0)
		abort();
	return 0;
}

static void
set_field(json_object *view, const char *field, const char *text)
{
	char key[32];
	const char *dot = strchr(field, '.');
	json_object *o = view, *v;

	if (dot != NULL) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - field), field);
		if (!json_object_object_get_ex(view, key, &o))
			abort();
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, 0);
		field = dot + 1;
	}
	v = json_object_new_string(text);
	if (v == NULL)
		abort();
	json_object_object_add(o, field, v);
}

static void
render(json_object *view, bool marked)
{
	struct buf out;

	buf_init(&out, PAGE_MAX_BYTES);
	if (page_render_invoice(NULL, view, &out) == 0 && marked) {
		FUZZ_ASSERT(memmem(out.data, out.len, "<x-fuzz", 7) == NULL);
		FUZZ_ASSERT(memmem(out.data, out.len, "\"&lt;x-fuzz", 11) ==
		    NULL);
	}
	buf_release(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_object *view;
	char err[160], *text, *line, *next, *val, *hit;
	size_t i = 0, n;

	view = jsonx_parse((const char *)data, size, err, sizeof(err));
	if (view != NULL && json_object_is_type(view, json_type_object)) {
		render(view, false);
		json_object_put(view);
		return 0;
	}
	json_object_put(view);

	/* Lines of text in a real view. */
	view = jsonx_parse(base_view, sizeof(base_view) - 1, err, sizeof(err));
	if (view == NULL)
		abort();
	text = fuzz_str(data, size);
	for (line = text; line != NULL && i < CC_ARRAY_SIZE(fields);
	    line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		/* Only markers spell it: the fuzzer learns it from memmem. */
		for (hit = strstr(line, "x-fuzz"); hit != NULL;
		    hit = strstr(hit, "x-fuzz"))
			hit[1] = '_';
		n = strlen(line) + sizeof(MARK);
		val = malloc(n);
		if (val == NULL)
			abort();
		snprintf(val, n, "%s%s", line, MARK);
		set_field(view, fields[i++], val);
		free(val);
	}
	render(view, true);
	json_object_put(view);
	free(text);
	return 0;
}
