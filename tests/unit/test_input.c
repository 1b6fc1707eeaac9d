/*
 * Unit tests of lib/input.c: declared fields checked in JSON bodies,
 * query strings and name=value pairs, one table row per case, each naming
 * the status, code and field the spec's error format must carry.
 */
#include "cc.h"

#include "cu_run.h"
#include "http.h"
#include "input.h"
#include "jsonx.h"

static const char *const colours[] = { "red", "green", "blue", NULL };

static bool
is_even(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && (s[n - 1] - '0') % 2 == 0;
}

enum { F_NAME, F_NOTE, F_COUNT, F_FLAG, F_COLOUR, F_URL, F_EVEN, F__MAX };

static const struct input_field fields[F__MAX] = {
	[F_NAME] = { "name", INPUT_STRING, true, 1, 10, NULL, NULL, NULL },
	[F_NOTE] = { "note", INPUT_TEXT, false, 3, 8, NULL, NULL, NULL },
	[F_COUNT] = { "count", INPUT_INT, false, -5, 100, NULL, NULL, NULL },
	[F_FLAG] = { "flag", INPUT_BOOL, false, 0, 0, NULL, NULL, NULL },
	[F_COLOUR] = { "colour", INPUT_CHOICE, false, 0, 0, colours, NULL,
	    NULL },
	[F_URL] = { "url", INPUT_URL, false, 0, 0, NULL, NULL, NULL },
	[F_EVEN] = { "even", INPUT_CHECK, false, 0, 0, NULL, is_even,
	    "an even number" },
};

struct row {
	const char	*in;
	int		 status;	/* 0: accepted */
	const char	*code, *field, *msg;	/* msg: a part of it */
};

/* Accepted, or refused with the row's status, code, field and words. */
static void
expect_row(const struct row *r, size_t i, int rc, const struct input_error *e)
{
	if (r->status == 0)
		EXPECT(rc == 0, "row %zu (%s) refused: %s", i, r->in,
		    e->message);
	else
		EXPECT(rc == -1 && e->status == r->status &&
		    strcmp(e->code, r->code) == 0 &&
		    strcmp(e->field, r->field) == 0 &&
		    strstr(e->message, r->msg) != NULL,
		    "row %zu (%s): rc %d %d %s %s '%s'", i, r->in, rc,
		    e->status, e->code, e->field, e->message);
}

static void
check_rows(const struct row *rows, size_t n, bool query)
{
	struct input_value v[F__MAX];
	struct input_error e;
	struct http_query q;
	json_object *o;
	char err[128], bad[64];
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		memset(&e, 0, sizeof(e));
		o = NULL;
		if (query) {
			CU_ASSERT_FATAL(http_query_parse(rows[i].in, &q, bad,
			    sizeof(bad)) == 0);
			rc = input_query(&q, fields, F__MAX, v, &e);
		} else {
			o = jsonx_parse(rows[i].in, strlen(rows[i].in), err,
			    sizeof(err));
			CU_ASSERT_FATAL(o != NULL);
			rc = input_json(o, fields, F__MAX, v, &e);
		}
		expect_row(&rows[i], i, rc, &e);
		if (query)
			http_query_release(&q);
		json_object_put(o);
		input_error_release(&e);
	}
}

static void
test_json(void)
{
	static const struct row rows[] = {
		{ "{\"name\": \"x\"}", 0, NULL, NULL, NULL },
		{ "{\"name\": \"0123456789\", \"note\": \"a\\nb\", "
		  "\"count\": -5, \"flag\": false, \"colour\": \"blue\", "
		  "\"url\": \"https://a.example/x\", \"even\": \"12\"}",
		  0, NULL, NULL, NULL },
		{ "{\"name\": \"x\", \"note\": null}", 0, NULL, NULL, NULL },
		{ "{}", 422, "MISSING_FIELD", "name", "name is required" },
		{ "{\"name\": null}", 422, "MISSING_FIELD", "name",
		  "required" },
		{ "{\"name\": \"\"}", 422, "INVALID_LENGTH", "name",
		  "must not be empty" },
		{ "{\"name\": \"01234567890\"}", 422, "INVALID_LENGTH", "name",
		  "at most 10 bytes" },
		{ "{\"name\": 5}", 422, "INVALID_TYPE", "name",
		  "must be a string" },
		{ "{\"name\": \"a\\nb\"}", 422, "INVALID_VALUE", "name",
		  "control characters" },
		{ "{\"name\": \"x\", \"note\": \"ab\"}", 422, "INVALID_LENGTH",
		  "note", "3 to 8 characters" },
		{ "{\"name\": \"x\", \"note\": \"a\\u0001b\"}", 422,
		  "INVALID_VALUE", "note", "control characters" },
		/* Bidi controls and invisible characters, escaped or raw. */
		{ "{\"name\": \"a\\u202eb\"}", 422, "INVALID_VALUE", "name",
		  "U+202E RIGHT-TO-LEFT OVERRIDE at byte 1" },
		{ "{\"name\": \"x\", \"note\": \"1\xe2\x80\x8b" "00\"}",
		  422, "INVALID_VALUE", "note", "U+200B ZERO WIDTH SPACE" },
		{ "{\"name\": \"x\", \"count\": 101}", 422, "INVALID_VALUE",
		  "count", "from -5 to 100" },
		{ "{\"name\": \"x\", \"count\": -6}", 422, "INVALID_VALUE",
		  "count", "from -5 to 100" },
		{ "{\"name\": \"x\", \"count\": 1.5}", 422, "INVALID_TYPE",
		  "count", "integer" },
		{ "{\"name\": \"x\", \"count\": \"1\"}", 422, "INVALID_TYPE",
		  "count", "integer" },
		{ "{\"name\": \"x\", \"flag\": 1}", 422, "INVALID_TYPE",
		  "flag", "true or false" },
		{ "{\"name\": \"x\", \"colour\": \"Red\"}", 422,
		  "INVALID_VALUE", "colour", "red, green or blue" },
		{ "{\"name\": \"x\", \"url\": \"ftp://a.example/\"}", 422,
		  "INVALID_VALUE", "url", "http or https" },
		{ "{\"name\": \"x\", \"url\": \"https://u:p@a.example/\"}",
		  422, "INVALID_VALUE", "url", "http or https" },
		{ "{\"name\": \"x\", \"even\": \"13\"}", 422, "INVALID_VALUE",
		  "even", "even must be an even number" },
		{ "{\"name\": \"x\", \"extra\": 1}", 422, "UNKNOWN_FIELD",
		  "extra", "unknown field" },
		{ "{\"name\": \"x\", \"a\\u0001\": 1}", 422, "UNKNOWN_FIELD",
		  "", "unknown field" },
	};

	check_rows(rows, CC_ARRAY_SIZE(rows), false);
}

/* The kinds a caller reads itself, and objects nested in a body. */
enum { N_OBJ, N_AMOUNT, N_TAGS, N_ANY, N__MAX };

static const struct input_field nested[N__MAX] = {
	[N_OBJ] = { "obj", INPUT_OBJECT, false, 0, 0, NULL, NULL, NULL },
	[N_AMOUNT] = { "amount", INPUT_NUMBER, true, 0, 0, NULL, NULL,
	    NULL },
	[N_TAGS] = { "tags", INPUT_ARRAY, false, 1, 2, NULL, NULL, NULL,
	    "INVALID_LENGTH" },
	[N_ANY] = { "any", INPUT_CHECK, false, 0, 0, NULL, NULL, NULL },
};

struct nested_row {
	const char	*prefix;	/* NULL: the top level */
	const char	*in;
	int		 status;	/* 0: accepted */
	const char	*code, *field, *msg;
	const char	*amount;	/* accepted: the text amount gives */
};

static void
test_json_at(void)
{
	static const struct nested_row rows[] = {
		/* INPUT_NUMBER: the token's own text, never a double's. */
		{ NULL, "{\"amount\": 9.990}", 0, NULL, NULL, NULL,
		  "9.990" },
		{ NULL, "{\"amount\": 0.1}", 0, NULL, NULL, NULL, "0.1" },
		{ NULL, "{\"amount\": 12345678901234567.89}", 0, NULL, NULL,
		  NULL, "12345678901234567.89" },
		{ NULL, "{\"amount\": -3}", 0, NULL, NULL, NULL, "-3" },
		{ NULL, "{\"amount\": \"1.50 \"}", 0, NULL, NULL, NULL,
		  "1.50 " },
		{ NULL, "{\"amount\": true}", 422, "INVALID_TYPE", "amount",
		  "must be a number", NULL },
		{ NULL, "{\"amount\": {}}", 422, "INVALID_TYPE", "amount",
		  "must be a number", NULL },
		{ NULL, "{\"amount\": null}", 422, "MISSING_FIELD", "amount",
		  "amount is required", NULL },
		/* INPUT_OBJECT. */
		{ NULL, "{\"amount\": 1, \"obj\": {\"x\": 1}}", 0, NULL, NULL,
		  NULL, "1" },
		{ NULL, "{\"amount\": 1, \"obj\": []}", 422, "INVALID_TYPE",
		  "obj", "obj must be an object", NULL },
		{ NULL, "{\"amount\": 1, \"obj\": \"x\"}", 422, "INVALID_TYPE",
		  "obj", "must be an object", NULL },
		/* bounds_code, and INPUT_CHECK without a check. */
		{ NULL, "{\"amount\": 1, \"tags\": []}", 422, "INVALID_LENGTH",
		  "tags", "1 to 2 entries", NULL },
		{ NULL, "{\"amount\": 1, \"any\": \"a\\u0001\"}", 0, NULL,
		  NULL, NULL, "1" },
		{ NULL, "{\"amount\": 1, \"any\": 1}", 422, "INVALID_TYPE",
		  "any", "must be a string", NULL },
		/* Nested: every name under the prefix. */
		{ "items[3]", "{\"amount\": 2}", 0, NULL, NULL, NULL, "2" },
		{ "items[3]", "{}", 422, "MISSING_FIELD", "items[3].amount",
		  "items[3].amount is required", NULL },
		{ "items[3]", "{\"amount\": false}", 422, "INVALID_TYPE",
		  "items[3].amount", "items[3].amount must be a number", NULL },
		{ "items[3]", "{\"amount\": 1, \"tags\": [1, 2, 3]}", 422,
		  "INVALID_LENGTH", "items[3].tags", "1 to 2 entries", NULL },
		{ "items[3]", "{\"amount\": 1, \"sku\": 1}", 422,
		  "UNKNOWN_FIELD", "items[3].sku",
		  "unknown field 'items[3].sku'", NULL },
		{ "items[3]", "{\"amount\": 1, \"a\\u0001\": 1}", 422,
		  "UNKNOWN_FIELD", "items[3]", "unknown field", NULL },
		{ "items[3]", "[]", 422, "INVALID_TYPE", "items[3]",
		  "items[3] must be an object", NULL },
		{ "items[3]", "null", 422, "INVALID_TYPE", "items[3]",
		  "must be an object", NULL },
		/* The top level, by contrast, must be an object at all. */
		{ NULL, "[]", 400, "INVALID_JSON", "", "JSON object", NULL },
	};
	struct input_value v[N__MAX];
	struct input_error e;
	json_object *o;
	char err[128];
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		const struct nested_row *r = &rows[i];

		memset(&e, 0, sizeof(e));
		/* "null" parses to NULL: an absent object. */
		o = jsonx_parse(r->in, strlen(r->in), err, sizeof(err));
		CU_ASSERT_FATAL(o != NULL || strcmp(r->in, "null") == 0);
		rc = input_json_at(o, r->prefix, nested, N__MAX, v, &e);
		if (r->status == 0)
			EXPECT(rc == 0 && v[N_AMOUNT].given &&
			    strcmp(v[N_AMOUNT].str, r->amount) == 0 &&
			    (!v[N_OBJ].given || json_object_is_type(
			    v[N_OBJ].obj, json_type_object)),
			    "row %zu (%s): rc %d '%s' amount '%s'", i, r->in,
			    rc, e.message, rc == 0 ? v[N_AMOUNT].str : "");
		else
			EXPECT(rc == -1 && e.status == r->status &&
			    strcmp(e.code, r->code) == 0 &&
			    strcmp(e.field, r->field) == 0 &&
			    strstr(e.message, r->msg) != NULL,
			    "row %zu (%s): rc %d %d %s %s '%s'", i, r->in, rc,
			    e.status, e.code, e.field, e.message);
		json_object_put(o);
		input_error_release(&e);
	}
}

static void
test_query(void)
{
	static const struct row rows[] = {
		{ "name=x", 0, NULL, NULL, NULL },
		{ "name=x&count=100&flag=true&colour=red&even=4&note=abc", 0,
		  NULL, NULL, NULL },
		{ "", 422, "INVALID_PARAMETER", "name", "name is required" },
		{ "name=x&nope=1", 422, "INVALID_PARAMETER", "nope",
		  "unknown query parameter" },
		{ "name=x&count=1x", 422, "INVALID_PARAMETER", "count",
		  "integer from -5 to 100" },
		{ "name=x&count=", 422, "INVALID_PARAMETER", "count",
		  "integer" },
		{ "name=x&count=99999999999999999999", 422,
		  "INVALID_PARAMETER", "count", "integer" },
		{ "name=x&flag=yes", 422, "INVALID_PARAMETER", "flag",
		  "true or false" },
		{ "name=x&colour=pink", 422, "INVALID_PARAMETER", "colour",
		  "red, green or blue" },
		{ "name=x&note=ab", 422, "INVALID_PARAMETER", "note",
		  "3 to 8" },
		{ "name=01234567890", 422, "INVALID_PARAMETER", "name",
		  "at most 10 bytes" },
		{ "name=a%E2%80%AE", 422, "INVALID_PARAMETER", "name",
		  "U+202E" },
	};
	struct input_value v[F__MAX];
	struct input_error e;
	struct http_query q;
	char bad[64];

	check_rows(rows, CC_ARRAY_SIZE(rows), true);
	/* What a good query gives the caller. */
	memset(&e, 0, sizeof(e));
	CU_ASSERT_FATAL(http_query_parse("name=n&count=-5&flag=false&"
	    "colour=blue", &q, bad, sizeof(bad)) == 0);
	CU_ASSERT_FATAL(input_query(&q, fields, F__MAX, v, &e) == 0);
	EXPECT(v[F_NAME].given && strcmp(v[F_NAME].str, "n") == 0, "name");
	EXPECT(v[F_COUNT].given && v[F_COUNT].num == -5, "count");
	EXPECT(v[F_FLAG].given && !v[F_FLAG].yes, "flag");
	EXPECT(v[F_COLOUR].given && v[F_COLOUR].choice == 2, "colour");
	EXPECT(!v[F_NOTE].given && !v[F_URL].given, "absent fields");
	http_query_release(&q);
}

static void
test_url(void)
{
	static const struct {
		const char	*url;
		bool		 ok;
	} rows[] = {
		{ "https://shop.example/return", true },
		{ "http://shop.example", true },
		{ "https://", false },
		{ "https:///path", false },
		{ "javascript:alert(1)", false },
		{ "https://user@shop.example/", false },
		{ "https://shop.example/a b", false },
		{ "https://shop.example/\"x", false },
		{ "HTTPS://shop.example/", false },
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++)
		EXPECT(input_url_ok(rows[i].url) == rows[i].ok, "%s",
		    rows[i].url);
}

/* A command line's options, as cc-admin declares them. */
enum { P_NAME, P_LIMIT, P_STATUS, P_SCOPE, P__MAX };

static const struct input_field pfields[P__MAX] = {
	[P_NAME] = { "--name", INPUT_STRING, true, 1, 10, NULL, NULL, NULL },
	[P_LIMIT] = { "--limit", INPUT_INT, false, 1, 100, NULL, NULL, NULL },
	[P_STATUS] = { "--status", INPUT_CHOICE, false, 0, 0, colours, NULL,
	    NULL },
	[P_SCOPE] = { "--scope", INPUT_ARRAY, false, 0, 2, NULL, is_even,
	    "an even number" },
};

#define MAX_PAIRS 8

/* Splits "a=1&b=2" (no decoding) into names and values within buf. */
static size_t
split_pairs(const char *in, char *buf, size_t buflen, const char **names,
    const char **vals)
{
	char *p, *amp, *eq;
	size_t n = 0;

	cc_strlcpy(buf, in, buflen);
	for (p = buf; *p != '\0' && n < MAX_PAIRS; p = amp + 1) {
		amp = strchr(p, '&');
		if (amp != NULL)
			*amp = '\0';
		eq = strchr(p, '=');
		CU_ASSERT_FATAL(eq != NULL);
		*eq = '\0';
		names[n] = p;
		vals[n++] = eq + 1;
		if (amp == NULL)
			break;
	}
	return n;
}

static void
test_pairs(void)
{
	static const struct row rows[] = {
		{ "--name=x", 0, NULL, NULL, NULL },
		{ "--name=0123456789&--limit=100&--status=blue&--scope=2&"
		  "--scope=4", 0, NULL, NULL, NULL },
		{ "--limit=1&--status=", 422, "MISSING_FIELD", "--name",
		  "--name is required" },
		{ "--name=", 422, "MISSING_FIELD", "--name",
		  "--name is required" },
		{ "--name=01234567890", 422, "INVALID_LENGTH", "--name",
		  "--name must be at most 10 bytes" },
		{ "--name=a\tb", 422, "INVALID_VALUE", "--name",
		  "--name contains control characters" },
		{ "--name=a\xe2\x81\xa6" "b", 422, "INVALID_VALUE", "--name",
		  "--name contains U+2066 LEFT-TO-RIGHT ISOLATE" },
		{ "--name=x&--name=y", 422, "INVALID_VALUE", "--name",
		  "--name is given more than once" },
		{ "--name=x&--limit=0", 422, "INVALID_VALUE", "--limit",
		  "--limit must be an integer from 1 to 100" },
		{ "--name=x&--limit=101", 422, "INVALID_VALUE", "--limit",
		  "--limit must be an integer from 1 to 100" },
		{ "--name=x&--limit=1x", 422, "INVALID_VALUE", "--limit",
		  "integer from 1 to 100" },
		{ "--name=x&--limit=", 422, "INVALID_VALUE", "--limit",
		  "integer" },
		{ "--name=x&--status=", 422, "INVALID_VALUE", "--status",
		  "--status must be red, green or blue" },
		{ "--name=x&--status=pink", 422, "INVALID_VALUE", "--status",
		  "--status must be red, green or blue" },
		{ "--name=x&--scope=2&--scope=3", 422, "INVALID_VALUE",
		  "--scope", "--scope must be an even number" },
		{ "--name=x&--scope=2&--scope=4&--scope=6", 422,
		  "INVALID_VALUE", "--scope", "given at most 2 times" },
		{ "--name=x&--bogus=1", 422, "UNKNOWN_FIELD", "--bogus",
		  "unknown field" },
		{ "--name=x&name=1", 422, "UNKNOWN_FIELD", "name",
		  "unknown field" },
		{ "--name=x&--a\001=1", 422, "UNKNOWN_FIELD", "",
		  "unknown field" },
		{ "--name=x&--0123456789012345678901234567890123456789"
		  "0123456789012345678901234567890=1", 422, "UNKNOWN_FIELD",
		  "", "unknown field" },
	};
	const char *names[MAX_PAIRS], *vals[MAX_PAIRS];
	struct input_value v[P__MAX];
	struct input_error e;
	char buf[256];
	size_t i, n;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		memset(&e, 0, sizeof(e));
		n = split_pairs(rows[i].in, buf, sizeof(buf), names, vals);
		rc = input_pairs(names, vals, n, pfields, P__MAX, v, &e);
		expect_row(&rows[i], i, rc, &e);
		input_error_release(&e);
	}
	/* What good options give the caller. */
	memset(&e, 0, sizeof(e));
	n = split_pairs("--scope=8&--limit=7&--name=n&--status=green&"
	    "--scope=0", buf, sizeof(buf), names, vals);
	CU_ASSERT_FATAL(input_pairs(names, vals, n, pfields, P__MAX, v,
	    &e) == 0);
	EXPECT(v[P_NAME].given && strcmp(v[P_NAME].str, "n") == 0, "name");
	EXPECT(v[P_LIMIT].given && v[P_LIMIT].num == 7, "limit");
	EXPECT(v[P_STATUS].given && v[P_STATUS].choice == 1, "status");
	EXPECT(v[P_SCOPE].given && v[P_SCOPE].count == 2 &&
	    strcmp(v[P_SCOPE].str, "8") == 0, "scope");
	/* Nothing given: only the required field is missed. */
	CU_ASSERT_FATAL(input_pairs(names, vals, 0, pfields + 1, P__MAX - 1,
	    v, &e) == 0);
	EXPECT(!v[0].given && !v[1].given && !v[2].given && v[2].count == 0,
	    "absent options");
}

/*
 * A refused value carries its field's declared bounds as constraints, and
 * one suggestion; errors that are no bound (a missing field, a wrong JSON
 * type) carry none.
 */
static void
test_constraints(void)
{
	static const struct {
		const char	*in;
		bool		 query;
		const char	*constraints;	/* NULL: none */
	} rows[] = {
		{ "{\"name\": \"01234567890\"}", false,
		  "{\"min_length\":1,\"max_length\":10,\"format\":" },
		{ "{\"name\": \"x\", \"count\": 101}", false,
		  "{\"minimum\":-5,\"maximum\":100}" },
		{ "{\"name\": \"x\", \"colour\": \"pink\"}", false,
		  "{\"allowed\":[\"red\",\"green\",\"blue\"]}" },
		{ "{\"name\": \"x\", \"url\": \"ftp://a\"}", false,
		  "{\"schemes\":[\"http\",\"https\"],\"max_length\":2048," },
		{ "{\"name\": \"x\", \"even\": \"3\"}", false,
		  "{\"format\":\"an even number\"}" },
		{ "{\"name\": \"x\", \"nope\": 1}", false,
		  "{\"allowed\":[\"name\",\"note\",\"count\",\"flag\","
		  "\"colour\",\"url\",\"even\"]}" },
		{ "name=x&count=-6", true, "{\"minimum\":-5,\"maximum\":100}" },
		{ "name=x&flag=yes", true,
		  "{\"allowed\":[\"true\",\"false\"]}" },
		{ "name=x&what=1", true, "{\"allowed\":[\"name\"," },
		{ "{}", false, NULL },
		{ "{\"name\": 5}", false, NULL },
	};
	struct input_value v[F__MAX];
	struct input_error e;
	struct http_query q;
	json_object *o, *c, *sug;
	char err[128], bad[64];
	const char *got;
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		memset(&e, 0, sizeof(e));
		o = NULL;
		if (rows[i].query) {
			CU_ASSERT_FATAL(http_query_parse(rows[i].in, &q, bad,
			    sizeof(bad)) == 0);
			rc = input_query(&q, fields, F__MAX, v, &e);
			http_query_release(&q);
		} else {
			o = jsonx_parse(rows[i].in, strlen(rows[i].in), err,
			    sizeof(err));
			CU_ASSERT_FATAL(o != NULL);
			rc = input_json(o, fields, F__MAX, v, &e);
		}
		EXPECT(rc == -1, "row %zu accepted", i);
		if (rows[i].constraints == NULL) {
			EXPECT(e.extra == NULL, "row %zu: constraints", i);
		} else if (e.extra == NULL ||
		    !json_object_object_get_ex(e.extra, "constraints", &c) ||
		    !json_object_object_get_ex(e.extra, "suggestions", &sug)) {
			EXPECT(false, "row %zu: no constraints", i);
		} else {
			got = jsonx_text(c);
			EXPECT(strncmp(got, rows[i].constraints,
			    strlen(rows[i].constraints)) == 0,
			    "row %zu: %s", i, got);
			EXPECT(json_object_array_length(sug) == 1,
			    "row %zu: suggestions", i);
		}
		json_object_put(o);
		input_error_release(&e);
	}
}

/* Live mode takes https only; test mode http too. */
static void
test_url_mode(void)
{
	static const struct {
		const char	*url;
		bool		 live;
		int		 rc;
	} rows[] = {
		{ "https://a.example/x", true, 0 },
		{ "http://a.example/x", true, -1 },
		{ "HTTP://a.example/x", true, -1 },
		{ "http://127.0.0.1:8080/hook", false, 0 },
		{ "https://a.example/x", false, 0 },
		{ NULL, true, 0 },
	};
	struct input_error e;
	json_object *c, *s;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		memset(&e, 0, sizeof(e));
		EXPECT(input_url_mode(rows[i].url, "return_url", rows[i].live,
		    &e) == rows[i].rc, "row %zu", i);
		if (rows[i].rc == -1) {
			EXPECT(e.status == 422 &&
			    strcmp(e.code, "INVALID_URL") == 0 &&
			    strcmp(e.field, "return_url") == 0, "row %zu: %s",
			    i, e.code);
			EXPECT(e.extra != NULL && json_object_object_get_ex(
			    e.extra, "constraints", &c) &&
			    json_object_object_get_ex(c, "schemes", &s) &&
			    strcmp(jsonx_text(s), "[\"https\"]") == 0,
			    "row %zu: schemes", i);
		} else
			EXPECT(e.extra == NULL, "row %zu: extra", i);
		input_error_release(&e);
	}
}

static const struct cu_test tests[] = {
	{ "input_json", test_json },
	{ "input_json_at and the caller-read kinds", test_json_at },
	{ "input_query", test_query },
	{ "input_pairs", test_pairs },
	{ "input_url_ok", test_url },
	{ "constraints of refused values", test_constraints },
	{ "input_url_mode", test_url_mode },
};

int
main(void)
{
	return cu_run("input", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
