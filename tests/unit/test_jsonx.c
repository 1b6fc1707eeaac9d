/*
 * Unit tests of lib/jsonx.c: the strict JSON parser (depth, grammar, UTF-8,
 * big integers) and the builders that keep numbers' exact text.
 */
#include "cc.h"

#include "cu_run.h"

#include "jsonx.h"
#include "util.h"

/*
 * jsonx
 */

/* n nested arrays, innermost holding inner (may be ""). */
static char *
nested(size_t n, const char *inner)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		buf_puts(&b, "[");
	buf_puts(&b, inner);
	for (i = 0; i < n; i++)
		buf_puts(&b, "]");
	return buf_take(&b);
}

static bool
parses(const char *s, size_t len)
{
	json_object *o;
	char err[128];

	err[0] = '\0';
	o = jsonx_parse(s, len, err, sizeof(err));
	if (o == NULL)
		CU_ASSERT(err[0] != '\0');
	json_object_put(o);
	return o != NULL;
}

static void
test_json_depth(void)
{
	char *s;

	s = nested(CC_MAX_JSON_DEPTH, "");
	CU_ASSERT(parses(s, strlen(s)));
	free(s);
	s = nested(CC_MAX_JSON_DEPTH + 1, "");
	CU_ASSERT(!parses(s, strlen(s)));
	free(s);
	s = nested(CC_MAX_JSON_DEPTH + 1, "1");
	CU_ASSERT(!parses(s, strlen(s)));
	free(s);
	s = nested(100000, "");
	CU_ASSERT(!parses(s, strlen(s)));
	free(s);
	s = nested(CC_MAX_JSON_DEPTH - 1, "{}");
	CU_ASSERT(parses(s, strlen(s)));
	free(s);
	s = nested(CC_MAX_JSON_DEPTH - 1, "{\"a\":{}}");
	CU_ASSERT(!parses(s, strlen(s)));
	free(s);
	s = nested(CC_MAX_JSON_DEPTH - 2, "{\"a\":1}");
	CU_ASSERT(parses(s, strlen(s)));
	free(s);
}

/* jsonx_syntax_ok_depth: the same grammar with another nesting bound. */
static void
test_syntax_max_depth(void)
{
	const char *why;
	char *s;

	s = nested(CC_MAX_JSON_DEPTH + 1, "");
	CU_ASSERT(!jsonx_syntax_ok(s, strlen(s), NULL, &why));
	CU_ASSERT(why != NULL && strcmp(why, "nesting too deep") == 0);
	CU_ASSERT(jsonx_syntax_ok_depth(s, strlen(s), CC_MAX_JSON_DEPTH + 1,
	    NULL, NULL));
	free(s);
	s = nested(64, "{\"a\":1}");
	CU_ASSERT(!jsonx_syntax_ok_depth(s, strlen(s), 64, NULL, NULL));
	CU_ASSERT(jsonx_syntax_ok_depth(s, strlen(s), 65, NULL, NULL));
	free(s);
	CU_ASSERT(!jsonx_syntax_ok_depth("{'a':1}", 7, 64, NULL, NULL));
	CU_ASSERT(!jsonx_syntax_ok_depth("{} {}", 5, 64, NULL, NULL));
	CU_ASSERT(jsonx_syntax_ok_depth(" {} ", 4, 64, NULL, NULL));
	CU_ASSERT(!jsonx_syntax_ok_depth("[]", 2, 0, NULL, NULL));
}

/*
 * Regression (lib/jsonx.c jsonx_parse): the grammar pre-check counts container
 * nesting up to CC_MAX_JSON_DEPTH, but json-c, made with the same depth,
 * also counts the scalar inside the innermost container: 16 nested
 * arrays pass when empty and fail when holding a number.
 */
static void
test_json_depth_scalar(void)
{
	char *s;

	s = nested(CC_MAX_JSON_DEPTH, "1");
	CU_ASSERT(parses(s, strlen(s)));
	free(s);
}

/* RFC 8259 documents that must be refused. */
static const struct {
	const char	*text;
	size_t		 len;
} json_bad[] = {
#define J(s)	{ s, sizeof(s) - 1 }
	J(""), J(" "), J("{"), J("}"), J("["), J("[1"), J("{\"a\""),
	J("{\"a\":"), J("[1,]"), J("{\"a\":1,}"), J("[,1]"), J("{'a':1}"),
	J("['a']"), J("[1.]"), J("[.5]"), J("[01]"), J("[-01]"), J("[+1]"),
	J("[-]"), J("[1e]"), J("[1e+]"), J("[0x10]"), J("[NaN]"),
	J("[Infinity]"), J("[-Infinity]"), J("[tru]"), J("[True]"),
	J("[nul]"), J("[null1]"), J("/*c*/[]"), J("[]//c"), J("[] #"),
	J("[\"a\tb\"]"), J("[\"a\nb\"]"), J("[\"\x01\"]"), J("[\"\\x41\"]"),
	J("[\"\\u12\"]"), J("[\"\\u12g4\"]"), J("[\"\\U0041\"]"),
	J("[\"abc]"), J("{\"a\" 1}"), J("{1:2}"), J("{a:1}"), J("[1 2]"),
	J("[] []"), J("[]x"), J("[]\0"), J("[\"a\0\"]"), J("\0[]"),
	J("[\"\xc3\x28\"]"), J("[\"\xff\"]"), J("[\"\x80\"]"),
	J("[\"\xe2\x82\"]"), J("{\"\xc3\":1}"),
#undef J
};

/*
 * Regression (lib/jsonx.c jsonx_parse, "UTF-8 validated"): json-c's UTF-8 check
 * only looks at the shape of sequences, so these invalid UTF-8 strings
 * (RFC 3629) are returned as parsed.
 */
static const struct {
	const char	*text;
	size_t		 len;
} json_bad_utf8[] = {
#define J(s)	{ s, sizeof(s) - 1 }
	J("[\"\xed\xa0\x80\"]"),	/* surrogate U+D800 */
	J("[\"\xc0\xaf\"]"),		/* overlong '/' */
	J("[\"\xe0\x80\xaf\"]"),	/* overlong '/' */
	J("[\"\xf0\x80\x80\xaf\"]"),	/* overlong '/' */
	J("[\"\xf4\x90\x80\x80\"]"),	/* U+110000 */
	J("[\"\xf5\x80\x80\x80\"]"),	/* lead byte F5 */
	J("{\"\xed\xbf\xbf\":1}"),	/* surrogate in a key */
#undef J
};

static const char *const json_good[] = {
	"{}", "[]", " [ ] ", "\t{\r\n}\n",
	"[1,-1,0,-0,1.5,1e5,1E-5,1.5e+3,-0.0,0.10]",
	"[\"\\u00e9\\n\\\"\\\\\\/\\b\\f\\r\\t\"]",
	"{\"a\":{\"b\":[true,false,null]}}",
	"[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]",
	"[\"\\ud83d\\ude00\"]",
	"[\"\xc2\x85\"]",		/* C1 controls are valid UTF-8 */
	"[\"\x7f\"]",
	"[12345678901234567890123.5]",	/* decimals keep their text */
	"[18446744073709551615,-9223372036854775808]",	/* 64-bit limits */
	"\"a string\"",
};

/*
 * Regression (lib/jsonx.c jsonx_parse): a document that is a bare number or
 * literal ends where the input ends, json-c answers "continue", and the
 * document is refused. Feeding json-c a terminating NUL fixes it.
 */
static const char *const json_scalars[] = {
	"10", "-1.5", "0", "true", "false",
};

static void
test_json_strict(void)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(json_bad); i++) {
		bool ok = parses(json_bad[i].text, json_bad[i].len);

		CU_ASSERT(!ok);
		if (ok)
			fprintf(stderr, "\n  jsonx_parse took %s\n",
			    json_bad[i].text);
	}
	for (i = 0; i < CC_ARRAY_SIZE(json_good); i++) {
		bool ok = parses(json_good[i], strlen(json_good[i]));

		CU_ASSERT(ok);
		if (!ok)
			fprintf(stderr, "\n  jsonx_parse refused %s\n",
			    json_good[i]);
	}
}

static void
test_json_bad_utf8(void)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(json_bad_utf8); i++) {
		bool ok = parses(json_bad_utf8[i].text, json_bad_utf8[i].len);

		CU_ASSERT(!ok);
		if (ok)
			fprintf(stderr, "\n  jsonx_parse took bad UTF-8, "
			    "row %zu\n", i);
	}
}

static void
test_json_scalars(void)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(json_scalars); i++) {
		bool ok = parses(json_scalars[i], strlen(json_scalars[i]));

		CU_ASSERT(ok);
		if (!ok)
			fprintf(stderr, "\n  jsonx_parse refused %s\n",
			    json_scalars[i]);
	}
}

static void
test_json_numbers(void)
{
	static const char *const texts[] = {
		"2.50", "1e2", "10", "-3", "1E+2", "0.10", "-0.0", "1.5e-7",
		"9.990", "12345678901234567890", "-9223372036854775808",
		"99999999999999999999999.5", "1e999",
	};
	json_object *arr, *o;
	struct buf b;
	char err[128];
	size_t i;

	buf_init(&b, 0);
	buf_puts(&b, "[");
	for (i = 0; i < CC_ARRAY_SIZE(texts); i++)
		buf_printf(&b, "%s%s", i ? ", " : "", texts[i]);
	buf_puts(&b, ",\"2.50\",true,null,{}]");
	arr = jsonx_parse(b.data, b.len, err, sizeof(err));
	CU_ASSERT_FATAL(arr != NULL);
	for (i = 0; i < CC_ARRAY_SIZE(texts); i++)
		check_str("jsonx_number_text", texts[i],
		    jsonx_number_text(json_object_array_get_idx(arr, i)),
		    texts[i]);
	for (; i < json_object_array_length(arr); i++)
		CU_ASSERT(jsonx_number_text(json_object_array_get_idx(arr,
		    i)) == NULL);
	CU_ASSERT(jsonx_number_text(NULL) == NULL);
	json_object_put(arr);
	buf_release(&b);

	/* Building: decimals keep their text, '/' is not escaped. */
	o = json_object_new_object();
	jsonx_add(o, "amount", jsonx_decimal("5.00"));
	jsonx_add(o, "big", jsonx_decimal("123456789012345678901234.5"));
	jsonx_add_str(o, "url", "https://x/y");
	jsonx_add_str(o, "none", NULL);
	jsonx_add(o, "n", jsonx_str_or_null(NULL));
	check_str("jsonx_text", "builders", jsonx_text(o),
	    "{\"amount\":5.00,\"big\":123456789012345678901234.5,"
	    "\"url\":\"https://x/y\",\"none\":null,\"n\":null}");
	json_object_put(o);
}

/*
 * Regression (lib/jsonx.c jsonx_parse / jsonx_number_text): json-c 0.16 clamps an
 * integer token outside int64/uint64 to the nearest limit, so its "exact
 * source text" comes back as another number (99999999999999999999999 as
 * 18446744073709551615). Either the document is refused or the text is
 * the one written; never a different number.
 */
static void
test_json_big_integers(void)
{
	static const char *const texts[] = {
		"99999999999999999999999", "18446744073709551616",
		"-9223372036854775809", "-99999999999999999999999",
	};
	json_object *arr;
	char doc[64], err[128];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(texts); i++) {
		snprintf(doc, sizeof(doc), "[%s]", texts[i]);
		arr = jsonx_parse(doc, strlen(doc), err, sizeof(err));
		if (arr == NULL)
			continue;
		check_str("jsonx_number_text", texts[i],
		    jsonx_number_text(json_object_array_get_idx(arr, 0)),
		    texts[i]);
		json_object_put(arr);
	}
}

static const struct {
	const char	*name;
	const char	*s;
	size_t		 len;
	bool		 nl;
	bool		 ok;
} utf8s[] = {
#define U(name, s, nl, ok)	{ name, s, sizeof(s) - 1, nl, ok }
	U("empty", "", false, true),
	U("ASCII", "hello, world ~", false, true),
	U("2-byte", "caf\xc3\xa9", false, true),
	U("3-byte", "\xe2\x82\xac", false, true),
	U("4-byte", "\xf0\x9f\x98\x80", false, true),
	U("U+10FFFF", "\xf4\x8f\xbf\xbf", false, true),
	U("U+00A0", "\xc2\xa0", false, true),
	U("U+FFFD", "\xef\xbf\xbd", false, true),
	U("U+E000", "\xee\x80\x80", false, true),
	U("tab", "a\tb", false, false),
	U("tab, multiline", "a\tb", true, true),
	U("LF, multiline", "a\nb", true, true),
	U("CRLF, multiline", "a\r\nb", true, true),
	U("LF", "a\nb", false, false),
	U("CR", "a\rb", false, false),
	U("NUL", "a\0b", false, false),
	U("NUL, multiline", "a\0b", true, false),
	U("0x01, multiline", "\x01", true, false),
	U("0x1f", "\x1f", true, false),
	U("DEL", "\x7f", true, false),
	U("C1 U+0080", "\xc2\x80", true, false),
	U("C1 U+009F", "\xc2\x9f", true, false),
	U("overlong NUL", "\xc0\x80", true, false),
	U("overlong 2-byte", "\xc1\xbf", true, false),
	U("overlong 3-byte", "\xe0\x80\xaf", true, false),
	U("overlong 3-byte max", "\xe0\x9f\xbf", true, false),
	U("overlong 4-byte", "\xf0\x8f\xbf\xbf", true, false),
	U("surrogate D800", "\xed\xa0\x80", true, false),
	U("surrogate DFFF", "\xed\xbf\xbf", true, false),
	U("U+110000", "\xf4\x90\x80\x80", true, false),
	U("lead F5", "\xf5\x80\x80\x80", true, false),
	U("lead FF", "\xff", true, false),
	U("lone continuation", "\x80", true, false),
	U("truncated 2-byte", "\xc3", true, false),
	U("truncated 3-byte", "\xe2\x82", true, false),
	U("truncated 4-byte", "\xf0\x9f\x98", true, false),
	U("bad continuation", "\xe2\x28\xac", true, false),
	U("ASCII after bad", "\xc3(", true, false),
#undef U
};

static void
test_utf8_clean(void)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(utf8s); i++)
		check_int("jsonx_utf8_clean", utf8s[i].name,
		    jsonx_utf8_clean(utf8s[i].s, utf8s[i].len, utf8s[i].nl),
		    utf8s[i].ok);
	/* n bounds the check: a bad byte past n is not looked at. */
	CU_ASSERT(jsonx_utf8_clean("ab\x01", 2, false));
	CU_ASSERT(!jsonx_utf8_clean("\xc3\xa9", 1, false));
}

/*
 * Duplicate keys: refused wherever they are, compared after escapes are
 * resolved, and named by their path; equal keys in different objects are
 * no duplicates.
 */
static const struct {
	const char	*doc;
	bool		 ok;
	const char	*path;		/* the duplicate's, when !ok */
} dups[] = {
	{ "{\"a\":1,\"b\":2}", true, NULL },
	{ "{\"a\":1,\"a\":2}", false, "a" },
	{ "{\"a\":1,\"b\":2,\"a\":3}", false, "a" },
	{ "{\"title\":\"x\",\"title\":\"y\"}", false, "title" },
	/* Escaped spellings of one key. */
	{ "{\"a\":1,\"\\u0061\":2}", false, "a" },
	{ "{\"\\u0041\":1,\"A\":2}", false, "A" },
	{ "{\"a/b\":1,\"a\\/b\":2}", false, "a/b" },
	{ "{\"\\u00e9\":1,\"\xc3\xa9\":2}", false, "" },
	{ "{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}", false, "" },
	{ "{\"a\":1,\"A\":2,\"a \":3}", true, NULL },
	/* Nested objects and arrays of objects. */
	{ "{\"a\":{\"a\":1},\"b\":{\"a\":2}}", true, NULL },
	{ "{\"m\":{\"k\":1,\"k\":2}}", false, "m.k" },
	{ "{\"items\":[{\"name\":\"x\"},{\"name\":\"y\",\"name\":\"z\"}]}",
	    false, "items[1].name" },
	{ "{\"items\":[{\"name\":\"x\"},{\"name\":\"y\"}]}", true, NULL },
	{ "[{\"a\":1},{\"a\":1,\"a\":1}]", false, "[1].a" },
	{ "{\"a\":{\"b\":[1,{\"c\":1,\"c\":2}]}}", false, "a.b[1].c" },
	/* A duplicate in an inner object is found before the outer one. */
	{ "{\"x\":1,\"o\":{\"y\":1,\"y\":2},\"x\":2}", false, "o.y" },
	/* Only empty keys: nothing decoded to compare (found by fuzz_rpc:
	 * memcmp from a null arena, undefined behaviour). */
	{ "{\"\": 1, \"\": \"0x1`4:\"}", false, "" },
	{ "{\"\":1,\"a\":2}", true, NULL },
	/* A key not fit to echo: refused, not named. */
	{ "{\"a\\nb\":1,\"a\\nb\":2}", false, "" },
	{ "{\"o\\tp\":{\"k\":1,\"k\":2}}", false, "" },
	/* Many keys, all different; then one repeated at the end. */
	{ NULL, true, NULL },
};

static void
test_json_duplicate_keys(void)
{
	struct jsonx_error e;
	json_object *o;
	struct buf b;
	size_t i, k;
	const char *why;

	for (i = 0; dups[i].doc != NULL; i++) {
		o = jsonx_parse_ex(dups[i].doc, strlen(dups[i].doc), &e);
		EXPECT((o != NULL) == dups[i].ok, "%s: %s", cu_row(i),
		    e.message);
		EXPECT(e.duplicate == !dups[i].ok, "%s: duplicate", cu_row(i));
		if (!dups[i].ok) {
			check_str("path", cu_row(i), e.path, dups[i].path);
			check_has("message", cu_row(i), e.message,
			    "duplicate key");
			/* The grammar check alone agrees. */
			EXPECT(!jsonx_syntax_ok(dups[i].doc,
			    strlen(dups[i].doc), NULL, &why) &&
			    strcmp(why, "duplicate key") == 0, "%s: syntax",
			    cu_row(i));
		}
		json_object_put(o);
	}
	buf_init(&b, 0);
	buf_puts(&b, "{");
	for (k = 0; k < 5000; k++)
		buf_printf(&b, "%s\"k%zu\":%zu", k ? "," : "", k, k);
	buf_puts(&b, "}");
	o = jsonx_parse_ex(b.data, b.len, &e);
	CU_ASSERT(o != NULL && json_object_object_length(o) == 5000);
	json_object_put(o);
	b.len--;
	buf_puts(&b, ",\"k2500\":0}");
	o = jsonx_parse_ex(b.data, b.len, &e);
	CU_ASSERT(o == NULL && e.duplicate);
	check_str("path", "5000 keys", e.path, "k2500");
	buf_release(&b);
}

/* Lone surrogates: json-c would make every one U+FFFD. */
static void
test_json_lone_surrogates(void)
{
	static const struct {
		const char	*doc;
		bool		 ok;
	} t[] = {
		{ "[\"\\ud83d\\ude00\"]", true },
		{ "[\"\\ud83d\"]", false },
		{ "[\"\\ude00\"]", false },
		{ "[\"\\ud83dx\"]", false },
		{ "[\"\\ud83d\\u0041\"]", false },
		{ "{\"\\ud800\":1}", false },
		{ "[\"\\\\ud800\"]", true },	/* an escaped backslash */
		{ "[\"\\uffff\"]", true },
	};
	struct jsonx_error e;
	json_object *o;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		o = jsonx_parse_ex(t[i].doc, strlen(t[i].doc), &e);
		EXPECT((o != NULL) == t[i].ok, "%s: %s", cu_row(i), e.message);
		if (!t[i].ok)
			check_has("message", cu_row(i), e.message,
			    "lone surrogate");
		json_object_put(o);
	}
}

static const struct cu_test tests[] = {
	{ "jsonx_parse refuses duplicate keys", test_json_duplicate_keys },
	{ "jsonx_parse refuses lone surrogates", test_json_lone_surrogates },
	{ "jsonx_parse depth", test_json_depth },
	{ "jsonx_syntax_ok_depth", test_syntax_max_depth },
	{ "jsonx_parse strict grammar", test_json_strict },
	{ "jsonx_number_text and builders", test_json_numbers },
	{ "jsonx_utf8_clean", test_utf8_clean },
	{ "jsonx_parse takes invalid UTF-8", test_json_bad_utf8 },
	{ "jsonx_parse refuses top-level scalars", test_json_scalars },
	{ "jsonx_parse depth counts a scalar", test_json_depth_scalar },
	{ "huge integers change value", test_json_big_integers },
};

int
main(void)
{
	return cu_run("jsonx", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
