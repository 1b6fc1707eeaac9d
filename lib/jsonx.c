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
/*
 * Duplicate keys: json-c keeps the last of two equal keys silently, so a
 * body could say one thing to us and another to any parser that keeps
 * the first. Each key is decoded (escapes resolved, as json-c does) into
 * an arena; when an object closes its keys are sorted and compared.
 */
struct syn_key {
	size_t		 off, len;	/* decoded bytes in arena */
	size_t		 pos;		/* where its token starts */
};

/* A container being read, for the path of a duplicate. */
struct syn_frame {
	bool		 object;
	size_t		 first;		/* its first key in keys[] */
	size_t		 arena_at;	/* the arena's length when it opened */
	size_t		 index;		/* arrays: the element being read */
};

struct syn {
	const char	*s;
	size_t		 len;
	size_t		 pos;
	int		 depth;
	int		 max_depth;
	const char	*why;		/* set for the refusals of our own */
	/* Keys of the objects open now (a stack), and their bytes. */
	struct syn_key	*keys;
	size_t		 nkeys, capkeys;
	char		*arena;
	size_t		 narena, caparena;
	struct syn_frame *frames;
	size_t		 nframes, capframes;
	/* The duplicate found: its path ("items[0].name"), "" if unfit. */
	bool		 dup;
	char		 dup_path[JSONX_PATH_MAX];
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

static bool	syn_surrogates_ok(const char *, size_t);

static bool
syn_string(struct syn *y)
{
	size_t start;

	if (y->pos >= y->len || y->s[y->pos] != '"')
		return false;
	y->pos++;
	start = y->pos;
	while (y->pos < y->len) {
		unsigned char c = (unsigned char)y->s[y->pos++];

		if (c == '"') {
			if (!syn_surrogates_ok(y->s + start,
			    y->pos - 1 - start)) {
				y->pos = start - 1;
				y->why = "a \\u escape is a lone surrogate";
				return false;
			}
			return true;
		}
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

static void
syn_put(struct syn *y, const char *b, size_t n)
{
	if (y->narena + n > y->caparena) {
		y->caparena = (y->narena + n) * 2 + 64;
		y->arena = xrealloc(y->arena, y->caparena);
	}
	memcpy(y->arena + y->narena, b, n);
	y->narena += n;
}

/* Appends one code point as UTF-8 to the arena. */
static void
syn_put_cp(struct syn *y, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	syn_put(y, u, n);
}

static uint32_t
syn_hex4(const char *p)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v = v << 4 | (uint32_t)hex_value((unsigned char)p[i]);
	return v;
}

/*
 * The key token at start (already checked by syn_string, ending before
 * end) decoded into the arena as json-c decodes it. A lone surrogate is
 * refused: json-c would turn every one into U+FFFD, so two different
 * keys would become one. -1 with why set.
 */
static int
syn_decode_key(struct syn *y, size_t start, size_t end, size_t *off,
    size_t *len)
{
	size_t i = start + 1;
	uint32_t cp, lo;

	*off = y->narena;
	while (i < end - 1) {
		unsigned char c = (unsigned char)y->s[i];

		if (c != '\\') {
			/* Raw bytes as they are (UTF-8 is checked before). */
			syn_put(y, y->s + i, 1);
			i++;
			continue;
		}
		c = (unsigned char)y->s[i + 1];
		i += 2;
		switch (c) {
		case 'b': syn_put_cp(y, '\b'); continue;
		case 'f': syn_put_cp(y, '\f'); continue;
		case 'n': syn_put_cp(y, '\n'); continue;
		case 'r': syn_put_cp(y, '\r'); continue;
		case 't': syn_put_cp(y, '\t'); continue;
		case 'u': break;
		default: syn_put_cp(y, c); continue;
		}
		cp = syn_hex4(y->s + i);
		i += 4;
		if (cp >= 0xdc00 && cp <= 0xdfff)
			goto lone;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (end - 1 - i < 6 || y->s[i] != '\\' ||
			    y->s[i + 1] != 'u')
				goto lone;
			lo = syn_hex4(y->s + i + 2);
			if (lo < 0xdc00 || lo > 0xdfff)
				goto lone;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 6;
		}
		syn_put_cp(y, cp);
	}
	*len = y->narena - *off;
	return 0;
lone:
	y->why = "a \\u escape is a lone surrogate";
	return -1;
}

/*
 * Strings hold no lone surrogate either (values too: json-c would
 * change them to U+FFFD behind our back). From after the opening quote
 * of a checked string to before its closing one.
 */
static bool
syn_surrogates_ok(const char *p, size_t n)
{
	size_t i;
	uint32_t cp, lo;

	for (i = 0; i + 1 < n; i++) {
		if (p[i] != '\\')
			continue;
		if (p[i + 1] != 'u') {
			i++;
			continue;
		}
		cp = syn_hex4(p + i + 2);
		i += 5;
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return false;
		if (cp < 0xd800 || cp > 0xdbff)
			continue;
		if (n - (i + 1) < 6 || p[i + 1] != '\\' || p[i + 2] != 'u')
			return false;
		lo = syn_hex4(p + i + 3);
		if (lo < 0xdc00 || lo > 0xdfff)
			return false;
		i += 6;
	}
	return true;
}

static int
key_cmp(const void *a, const void *b, void *arena)
{
	const struct syn_key *x = a, *z = b;
	const char *ar = arena;
	size_t n = x->len < z->len ? x->len : z->len;
	int c = memcmp(ar + x->off, ar + z->off, n);

	if (c != 0)
		return c;
	if (x->len != z->len)
		return x->len < z->len ? -1 : 1;
	return x->pos < z->pos ? -1 : x->pos > z->pos;
}

/* Whether a decoded key may be named in a message: short and printable
 * ASCII (anything else would need escaping where it is echoed). */
static bool
key_echoable(const char *k, size_t n)
{
	size_t i;

	if (n == 0 || n > 40)
		return false;
	for (i = 0; i < n; i++)
		if (k[i] < 0x20 || k[i] > 0x7e || k[i] == '"' ||
		    k[i] == '\\')
			return false;
	return true;
}

/*
 * The path of the member being read in frame depth nf (frames 0..nf-1
 * lead to it) plus key k, into y->dup_path: "" when a key on the way is
 * not fit to echo or the path is too long.
 */
static void
syn_dup_path(struct syn *y, const struct syn_key *k)
{
	char *out = y->dup_path;
	size_t o = 0, f, cap = sizeof(y->dup_path);
	int n;

	out[0] = '\0';
	for (f = 0; f < y->nframes; f++) {
		const struct syn_frame *fr = &y->frames[f];
		const struct syn_key *cur;

		if (!fr->object) {
			n = snprintf(out + o, cap - o, "[%zu]", fr->index);
		} else if (f + 1 == y->nframes) {
			cur = k;
			if (!key_echoable(y->arena + cur->off, cur->len))
				goto unfit;
			n = snprintf(out + o, cap - o, "%s%.*s", o ? "." : "",
			    (int)cur->len, y->arena + cur->off);
		} else {
			/* The member being read is the frame's last key. */
			cur = &y->keys[y->frames[f + 1].first - 1];
			if (!key_echoable(y->arena + cur->off, cur->len))
				goto unfit;
			n = snprintf(out + o, cap - o, "%s%.*s", o ? "." : "",
			    (int)cur->len, y->arena + cur->off);
		}
		if (n < 0 || (size_t)n >= cap - o)
			goto unfit;
		o += (size_t)n;
	}
	return;
unfit:
	out[0] = '\0';
}

/* The keys of the object closing now: false (why, pos set) on a
 * duplicate. */
static bool
syn_keys_unique(struct syn *y)
{
	struct syn_frame *fr = &y->frames[y->nframes - 1];
	struct syn_key *k = y->keys + fr->first, *dup = NULL;
	size_t n = y->nkeys - fr->first, i;

	if (n < 2)
		return true;
	qsort_r(k, n, sizeof(*k), key_cmp, y->arena);
	for (i = 1; i < n; i++) {
		if (k[i].len != k[i - 1].len || memcmp(y->arena + k[i].off,
		    y->arena + k[i - 1].off, k[i].len) != 0)
			continue;
		/* The first repetition in the input. */
		if (dup == NULL || k[i].pos < dup->pos)
			dup = &k[i];
	}
	if (dup == NULL)
		return true;
	y->dup = true;
	y->why = "duplicate key";
	y->pos = dup->pos;
	syn_dup_path(y, dup);
	return false;
}

static void
syn_push(struct syn *y, bool object)
{
	if (y->nframes == y->capframes) {
		y->capframes = y->capframes * 2 + 8;
		y->frames = xrealloc(y->frames, y->capframes *
		    sizeof(*y->frames));
	}
	y->frames[y->nframes].object = object;
	y->frames[y->nframes].first = y->nkeys;
	y->frames[y->nframes].arena_at = y->narena;
	y->frames[y->nframes].index = 0;
	y->nframes++;
}

/* Closes the innermost container: its keys leave the stack. */
static void
syn_pop(struct syn *y)
{
	struct syn_frame *fr = &y->frames[--y->nframes];

	y->narena = fr->arena_at;
	y->nkeys = fr->first;
}

/* Records the key token start..y->pos of the innermost object. */
static bool
syn_add_key(struct syn *y, size_t start)
{
	struct syn_key *k;

	if (y->nkeys == y->capkeys) {
		y->capkeys = y->capkeys * 2 + 16;
		y->keys = xrealloc(y->keys, y->capkeys * sizeof(*y->keys));
	}
	k = &y->keys[y->nkeys];
	k->pos = start;
	if (syn_decode_key(y, start, y->pos, &k->off, &k->len) == -1) {
		y->pos = start;
		return false;
	}
	y->nkeys++;
	return true;
}

static bool syn_value(struct syn *);

static bool
syn_container(struct syn *y, char close, bool object)
{
	size_t start;

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
	syn_push(y, object);
	for (;;) {
		syn_ws(y);
		if (object) {
			start = y->pos;
			if (!syn_string(y) || !syn_add_key(y, start))
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
			y->frames[y->nframes - 1].index++;
			continue;
		}
		if (y->s[y->pos] != close)
			return false;
		if (object && !syn_keys_unique(y))
			return false;
		y->pos++;
		y->depth--;
		syn_pop(y);
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

/* The grammar check of s; dup_path (may be NULL) gets a duplicate's
 * path. */
static bool
syn_check(const char *s, size_t len, int max_depth, size_t *errpos,
    const char **why, bool *dup, char *dup_path, size_t dup_pathlen)
{
	struct syn y;
	bool ok;

	memset(&y, 0, sizeof(y));
	/* Never NULL: keys are read at arena + offset even when every key
	 * is empty (found by fuzz_rpc: pointer arithmetic on NULL). */
	y.caparena = 64;
	y.arena = xmalloc(y.caparena);
	y.s = s;
	y.len = len;
	y.max_depth = max_depth;
	ok = syn_value(&y);
	if (ok) {
		syn_ws(&y);
		ok = y.pos == len;
	}
	if (errpos != NULL)
		*errpos = y.pos;
	if (why != NULL)
		*why = y.why;
	if (dup != NULL)
		*dup = y.dup;
	if (dup_path != NULL)
		cc_strlcpy(dup_path, y.dup ? y.dup_path : "", dup_pathlen);
	free(y.keys);
	free(y.arena);
	free(y.frames);
	return ok;
}

bool
jsonx_syntax_ok_depth(const char *s, size_t len, int max_depth,
    size_t *errpos, const char **why)
{
	return syn_check(s, len, max_depth, errpos, why, NULL, NULL, 0);
}

json_object *
jsonx_parse(const char *s, size_t len, char *err, size_t errlen)
{
	struct jsonx_error e;
	json_object *o;

	o = jsonx_parse_ex(s, len, &e);
	if (o == NULL)
		cc_strlcpy(err, e.message, errlen);
	return o;
}

json_object *
jsonx_parse_ex(const char *s, size_t len, struct jsonx_error *je)
{
	struct json_tokener *tok;
	json_object *obj;
	enum json_tokener_error e;
	const char *why;
	size_t used, errlen = sizeof(je->message);
	char *err = je->message;
	bool dup;

	memset(je, 0, sizeof(*je));
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
	if (!syn_check(s, len, CC_MAX_JSON_DEPTH, &used, &why, &dup,
	    je->path, sizeof(je->path))) {
		je->duplicate = dup;
		if (dup && je->path[0] != '\0')
			snprintf(err, errlen, "duplicate key at byte %zu: "
			    "%s is given twice (each key may appear once in "
			    "an object)", used, je->path);
		else if (dup)
			snprintf(err, errlen, "duplicate key at byte %zu "
			    "(each key may appear once in an object)", used);
		else if (why != NULL)
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
