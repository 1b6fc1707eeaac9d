/* Strict JSON in, exact JSON out. */
#include "cc.h"

#include <ctype.h>

#include "jsonx.h"
#include "util.h"

/*
 * A strict RFC 8259 grammar check, run before json-c (whose "strict" mode
 * still takes single quotes and other leniencies). Recursive descent with
 * the depth bounded; strings are checked for escapes and raw control
 * bytes (UTF-8 itself is validated by json-c).
 */
struct syn {
	const char	*s;
	size_t		 len;
	size_t		 pos;
	int		 depth;
	int		 max_depth;
	const char	*why;		/* set for the refusals of our own */
};

static void
syn_ws(struct syn *y)
{
	while (y->pos < y->len && (y->s[y->pos] == ' ' ||
	    y->s[y->pos] == '\t' || y->s[y->pos] == '\n' ||
	    y->s[y->pos] == '\r'))
		y->pos++;
}

static bool
syn_lit(struct syn *y, const char *lit)
{
	size_t n = strlen(lit);

	if (y->len - y->pos < n || memcmp(y->s + y->pos, lit, n) != 0)
		return false;
	y->pos += n;
	return true;
}

static bool
syn_digits(struct syn *y)
{
	size_t start = y->pos;

	while (y->pos < y->len && y->s[y->pos] >= '0' && y->s[y->pos] <= '9')
		y->pos++;
	return y->pos > start;
}

/*
 * json-c clamps integers beyond 64 bits to the nearest limit: refuse them
 * rather than let a value change silently. Decimals keep their text.
 */
static bool
syn_int_fits(const char *d, size_t n, bool neg)
{
	const char *lim = neg ? "9223372036854775808" :
	    "18446744073709551615";
	size_t ln = strlen(lim);

	if (n != ln)
		return n < ln;
	return memcmp(d, lim, n) <= 0;
}

static bool
syn_number(struct syn *y)
{
	size_t start;
	bool neg = false, integer = true;

	if (y->pos < y->len && y->s[y->pos] == '-') {
		neg = true;
		y->pos++;
	}
	start = y->pos;
	if (y->pos < y->len && y->s[y->pos] == '0')
		y->pos++;
	else if (!syn_digits(y))
		return false;
	if (y->pos < y->len && (y->s[y->pos] == '.' || y->s[y->pos] == 'e' ||
	    y->s[y->pos] == 'E'))
		integer = false;
	if (integer && !syn_int_fits(y->s + start, y->pos - start, neg)) {
		y->pos = start;
		y->why = "integer out of range (whole numbers must fit in 64 "
		    "bits; send large amounts as decimal strings)";
		return false;
	}
	if (y->pos < y->len && y->s[y->pos] == '.') {
		y->pos++;
		if (!syn_digits(y))
			return false;
	}
	if (y->pos < y->len && (y->s[y->pos] == 'e' || y->s[y->pos] == 'E')) {
		y->pos++;
		if (y->pos < y->len && (y->s[y->pos] == '+' ||
		    y->s[y->pos] == '-'))
			y->pos++;
		if (!syn_digits(y))
			return false;
	}
	return true;
}

static bool
syn_string(struct syn *y)
{
	if (y->pos >= y->len || y->s[y->pos] != '"')
		return false;
	y->pos++;
	while (y->pos < y->len) {
		unsigned char c = (unsigned char)y->s[y->pos++];

		if (c == '"')
			return true;
		if (c < 0x20)
			return false;
		if (c != '\\')
			continue;
		if (y->pos >= y->len)
			return false;
		c = (unsigned char)y->s[y->pos++];
		if (c == 'u') {
			int i;

			/* \u0000 would cut C strings short: never valid here. */
			if (y->len - y->pos >= 4 &&
			    memcmp(y->s + y->pos, "0000", 4) == 0) {
				y->why = "\\u0000 is not allowed in strings";
				return false;
			}
			for (i = 0; i < 4; i++, y->pos++)
				if (y->pos >= y->len ||
				    !isxdigit((unsigned char)y->s[y->pos]))
					return false;
		} else if (strchr("\"\\/bfnrt", c) == NULL || c == '\0')
			return false;
	}
	return false;
}

static bool syn_value(struct syn *);

static bool
syn_container(struct syn *y, char close, bool object)
{
	if (++y->depth > y->max_depth) {
		y->why = "nesting too deep";
		return false;
	}
	y->pos++;
	syn_ws(y);
	if (y->pos < y->len && y->s[y->pos] == close) {
		y->pos++;
		y->depth--;
		return true;
	}
	for (;;) {
		syn_ws(y);
		if (object) {
			if (!syn_string(y))
				return false;
			syn_ws(y);
			if (y->pos >= y->len || y->s[y->pos] != ':')
				return false;
			y->pos++;
		}
		if (!syn_value(y))
			return false;
		syn_ws(y);
		if (y->pos >= y->len)
			return false;
		if (y->s[y->pos] == ',') {
			y->pos++;
			continue;
		}
		if (y->s[y->pos] != close)
			return false;
		y->pos++;
		y->depth--;
		return true;
	}
}

static bool
syn_value(struct syn *y)
{
	syn_ws(y);
	if (y->pos >= y->len)
		return false;
	switch (y->s[y->pos]) {
	case '{':
		return syn_container(y, '}', true);
	case '[':
		return syn_container(y, ']', false);
	case '"':
		return syn_string(y);
	case 't':
		return syn_lit(y, "true");
	case 'f':
		return syn_lit(y, "false");
	case 'n':
		return syn_lit(y, "null");
	default:
		return syn_number(y);
	}
}

bool
jsonx_syntax_ok(const char *s, size_t len, size_t *errpos, const char **why)
{
	return jsonx_syntax_ok_depth(s, len, CC_MAX_JSON_DEPTH, errpos, why);
}

bool
jsonx_syntax_ok_depth(const char *s, size_t len, int max_depth,
    size_t *errpos, const char **why)
{
	struct syn y = { s, len, 0, 0, max_depth, NULL };
	bool ok;

	ok = syn_value(&y);
	if (ok) {
		syn_ws(&y);
		ok = y.pos == len;
	}
	if (errpos != NULL)
		*errpos = y.pos;
	if (why != NULL)
		*why = y.why;
	return ok;
}

json_object *
jsonx_parse(const char *s, size_t len, char *err, size_t errlen)
{
	struct json_tokener *tok;
	json_object *obj;
	enum json_tokener_error e;
	const char *why;
	size_t used;

	if (len > (size_t)INT32_MAX) {
		snprintf(err, errlen, "document too large");
		return NULL;
	}
	if (memchr(s, '\0', len) != NULL) {
		snprintf(err, errlen, "NUL byte in request body");
		return NULL;
	}
	if (!jsonx_utf8_valid(s, len)) {
		snprintf(err, errlen, "request body is not valid UTF-8");
		return NULL;
	}
	if (!jsonx_syntax_ok(s, len, &used, &why)) {
		if (why != NULL)
			snprintf(err, errlen, "malformed JSON at byte %zu: %s",
			    used, why);
		else if (used >= len)
			snprintf(err, errlen, "malformed JSON: unexpected end "
			    "of input");
		else
			snprintf(err, errlen, "malformed JSON at byte %zu",
			    used);
		return NULL;
	}
	/* json-c counts a scalar as a level; the grammar check bounded
	 * containers already. */
	tok = json_tokener_new_ex(CC_MAX_JSON_DEPTH + 1);
	if (tok == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, s, (int)len);
	e = json_tokener_get_error(tok);
	used = json_tokener_get_parse_end(tok);
	if (e == json_tokener_continue) {
		/* A bare number ends only at the end of input: say so. */
		obj = json_tokener_parse_ex(tok, "", 1);
		e = json_tokener_get_error(tok);
		used = len;
	}
	if (e == json_tokener_continue) {
		snprintf(err, errlen, "unexpected end of JSON input");
		goto fail;
	}
	if (e != json_tokener_success) {
		snprintf(err, errlen, "malformed JSON at byte %zu: %s", used,
		    json_tokener_error_desc(e));
		goto fail;
	}
	if (obj == NULL) {
		snprintf(err, errlen, "a JSON null document is not accepted");
		goto fail;
	}
	while (used < len && (s[used] == ' ' || s[used] == '\t' ||
	    s[used] == '\n' || s[used] == '\r'))
		used++;
	if (used != len) {
		snprintf(err, errlen, "unexpected data after JSON value at "
		    "byte %zu", used);
		goto fail;
	}
	json_tokener_free(tok);
	return obj;
fail:
	json_object_put(obj);
	json_tokener_free(tok);
	return NULL;
}

const char *
jsonx_number_text(json_object *o)
{
	if (o == NULL)
		return NULL;
	if (!json_object_is_type(o, json_type_int) &&
	    !json_object_is_type(o, json_type_double))
		return NULL;
	/*
	 * The tokener keeps a double's source text as its serialization;
	 * integers print exactly.
	 */
	return json_object_get_string(o);
}

json_object *
jsonx_decimal(const char *text)
{
	/* The numeric value is never read: only the text is serialized. */
	return json_object_new_double_s(0, text);
}

json_object *
jsonx_str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

void
jsonx_add(json_object *o, const char *key, json_object *val)
{
	json_object_object_add(o, key, val);
}

void
jsonx_add_str(json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, jsonx_str_or_null(s));
}

const char *
jsonx_text(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

/*
 * Walks UTF-8 strictly; with controls false, also refuses C0 (except tab,
 * CR, LF when newlines), DEL and C1 control characters.
 */
static bool
utf8_walk(const char *s, size_t n, bool controls, bool allow_newlines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		uint32_t cp;
		size_t len, k;

		if (c < 0x80) {
			if (!controls && (c == 0x7f || (c < 0x20 &&
			    !(allow_newlines && (c == '\t' || c == '\n' ||
			    c == '\r')))))
				return false;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else
			return false;
		if (i + len > n)
			return false;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF. */
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		if (!controls && cp >= 0x80 && cp <= 0x9f)
			return false;
		i += len;
	}
	return true;
}

bool
jsonx_utf8_clean(const char *s, size_t n, bool allow_newlines)
{
	return utf8_walk(s, n, false, allow_newlines);
}

bool
jsonx_utf8_valid(const char *s, size_t n)
{
	return utf8_walk(s, n, true, true);
}
