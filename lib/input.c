/* Declared validation of JSON bodies, query strings and name=value pairs. */
#include "cc.h"

#include <errno.h>
#include <stdarg.h>

#include "http.h"
#include "input.h"
#include "jsonx.h"
#include "textsafe.h"
#include "util.h"

int
input_seterr(struct input_error *e, int status, const char *code,
    const char *field, const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	cc_strlcpy(e->type, status == 400 ? "invalid_request_error" :
	    "validation_error", sizeof(e->type));
	cc_strlcpy(e->code, code, sizeof(e->code));
	cc_strlcpy(e->field, field ? field : "", sizeof(e->field));
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return -1;
}

void
input_error_release(struct input_error *e)
{
	json_object_put(e->extra);
	e->extra = NULL;
}

int
input_constraints(struct input_error *e, const char *key, int64_t v,
    const char *key2, int64_t v2, const char *format, const char *hint)
{
	json_object *c = json_object_new_object(), *sug;

	if (key != NULL)
		jsonx_add(c, key, json_object_new_int64(v));
	if (key2 != NULL)
		jsonx_add(c, key2, json_object_new_int64(v2));
	if (format != NULL)
		jsonx_add_str(c, "format", format);
	json_object_put(e->extra);
	e->extra = json_object_new_object();
	jsonx_add(e->extra, "constraints", c);
	sug = json_object_new_array();
	json_object_array_add(sug, json_object_new_string(hint));
	jsonx_add(e->extra, "suggestions", sug);
	return -1;
}

bool
input_url_ok(const char *u)
{
	const char *host, *end;
	size_t n = strlen(u), i;

	if (n > CC_MAX_URL)
		return false;
	if (strncmp(u, "https://", 8) == 0)
		host = u + 8;
	else if (strncmp(u, "http://", 7) == 0)
		host = u + 7;
	else
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)u[i];

		/* Printable ASCII only: a URL is sent percent-encoded. */
		if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' ||
		    c == '>' || c == '\\' || c == '`')
			return false;
	}
	end = host + strcspn(host, "/?#");
	if (end == host || memchr(host, '@', (size_t)(end - host)) != NULL)
		return false;	/* no host, or credentials in the URL */
	return true;
}

int
input_url_constraints(struct input_error *e, const char *name,
    bool https_only)
{
	json_object *c = json_object_new_object(), *a, *sug;
	char hint[160];

	a = json_object_new_array();
	if (!https_only)
		json_object_array_add(a, json_object_new_string("http"));
	json_object_array_add(a, json_object_new_string("https"));
	jsonx_add(c, "schemes", a);
	jsonx_add(c, "max_length", json_object_new_int64(CC_MAX_URL));
	jsonx_add_str(c, "format", "an absolute URL with a host and "
	    "without credentials, printable ASCII");
	snprintf(hint, sizeof(hint), "Send %s as an absolute https:// URL, "
	    "percent-encoded%s", name, https_only ? "" : " (http:// is "
	    "accepted in test mode only)");
	json_object_put(e->extra);
	e->extra = json_object_new_object();
	jsonx_add(e->extra, "constraints", c);
	sug = json_object_new_array();
	json_object_array_add(sug, json_object_new_string(hint));
	jsonx_add(e->extra, "suggestions", sug);
	return -1;
}

int
input_url_mode(const char *url, const char *field, bool live,
    struct input_error *e)
{
	if (url == NULL || !live || strncmp(url, "https://", 8) == 0)
		return 0;
	input_seterr(e, 422, "INVALID_URL", field, "%s must be an https URL "
	    "in live mode (test mode also takes http)", field);
	return input_url_constraints(e, field, true);
}

/* How the two sources spell their errors. */
struct source {
	int		 status;	/* 422: a value refused, both */
	const char	*type_code, *length_code, *value_code;
};

static const struct source body_src = { 422, "INVALID_TYPE",
	"INVALID_LENGTH", "INVALID_VALUE" };
static const struct source query_src = { 422, "INVALID_PARAMETER",
	"INVALID_PARAMETER", "INVALID_PARAMETER" };

/* "a, b or c" of a NULL-ended list, into out. */
static void
choice_list(const char *const *c, char *out, size_t outlen)
{
	size_t i, n, len = 0;

	for (n = 0; c[n] != NULL; n++)
		continue;
	out[0] = '\0';
	for (i = 0; i < n && len < outlen; i++) {
		snprintf(out + len, outlen - len, "%s%s", i == 0 ? "" :
		    i + 1 == n ? " or " : ", ", c[i]);
		len = strlen(out);
	}
}

/* The code for a length or count of f outside its bounds. */
static const char *
bounds_code(const struct source *src, const struct input_field *f,
    const char *dflt)
{
	if (src == &body_src && f->bounds_code != NULL)
		return f->bounds_code;
	return dflt;
}

/*
 * Checks the text of one given field, named name in errors. 0, or -1 with
 * e set.
 */
static int
check_value(const struct source *src, const struct input_field *f,
    const char *name, const char *s, size_t len, struct input_value *v,
    struct input_error *e)
{
	const char *lc = bounds_code(src, f, src->length_code);
	char list[256], *end;
	long long x;
	uint32_t cp;
	size_t off;
	int i;

	v->str = s;
	switch (f->kind) {
	case INPUT_STRING:
	case INPUT_TEXT:
		if ((int64_t)len > f->hi || (int64_t)len < f->lo) {
			if (f->lo == 1 && len == 0)
				return input_seterr(e, src->status, lc, name,
				    "%s must not be empty", name);
			if (f->lo <= 1)
				return input_seterr(e, src->status, lc, name,
				    "%s must be at most %lld bytes", name,
				    (long long)f->hi);
			return input_seterr(e, src->status, lc, name,
			    "%s must be %lld to %lld characters", name,
			    (long long)f->lo, (long long)f->hi);
		}
		if (!jsonx_utf8_clean(s, len, f->kind == INPUT_TEXT))
			return input_seterr(e, src->status, src->value_code,
			    name, "%s contains control characters", name);
		if (textsafe_find(s, len, &cp, &off))
			return input_seterr(e, src->status, src->value_code,
			    name, "%s contains U+%04X %s at byte %zu, an "
			    "invisible or text-direction character that can "
			    "disguise what is shown: remove it", name,
			    (unsigned)cp, textsafe_name(cp), off);
		return 0;
	case INPUT_INT:
		errno = 0;
		x = strtoll(s, &end, 10);
		if (errno != 0 || end == s || *end != '\0' || x < f->lo ||
		    x > f->hi)
			return input_seterr(e, src->status, src->value_code,
			    name, "%s must be an integer from %lld to %lld",
			    name, (long long)f->lo, (long long)f->hi);
		v->num = x;
		return 0;
	case INPUT_BOOL:
		if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0)
			return input_seterr(e, src->status, src->value_code,
			    name, "%s must be true or false", name);
		v->yes = s[0] == 't';
		return 0;
	case INPUT_CHOICE:
		for (i = 0; f->choices[i] != NULL; i++)
			if (strcmp(s, f->choices[i]) == 0) {
				v->choice = i;
				return 0;
			}
		choice_list(f->choices, list, sizeof(list));
		return input_seterr(e, src->status, src->value_code, name,
		    "%s must be %s", name, list);
	case INPUT_URL:
		if (!input_url_ok(s))
			return input_seterr(e, src->status, src->value_code,
			    name, "%s must be an http or https URL of at "
			    "most %d bytes", name, CC_MAX_URL);
		return 0;
	case INPUT_ARRAY:
		return input_seterr(e, src->status, src->type_code, name,
		    "%s must be a list", name);
	case INPUT_OBJECT:
		return input_seterr(e, src->status, src->type_code, name,
		    "%s must be an object", name);
	case INPUT_NUMBER:
		/* The caller parses the text. */
		return 0;
	case INPUT_CHECK:
		if (f->check != NULL && !f->check(s))
			return input_seterr(e, src->status, src->value_code,
			    name, "%s must be %s", name, f->what);
		return 0;
	default:
		return input_seterr(e, 500, "INTERNAL_ERROR", NULL,
		    "undeclared field kind");
	}
}

/* A list of strings, for constraints. */
static json_object *
str_list(const char *const *c)
{
	json_object *a = json_object_new_array();

	for (; c != NULL && *c != NULL; c++)
		json_object_array_add(a, json_object_new_string(*c));
	return a;
}

/*
 * The constraints and suggestions of an error about f's value: its
 * declared bounds, said once here for every table (the message says them
 * for people, these for programs). e->extra must not be set.
 */
static int
constrain(struct input_error *e, const struct input_field *f,
    bool count, const char *name)
{
	static const char *const bools[] = { "true", "false", NULL };
	json_object *c = json_object_new_object(), *sug;
	char hint[192];

	switch (count ? INPUT_ARRAY : f->kind) {
	case INPUT_STRING:
	case INPUT_TEXT:
		jsonx_add(c, "min_length", json_object_new_int64(f->lo));
		jsonx_add(c, "max_length", json_object_new_int64(f->hi));
		jsonx_add_str(c, "format", f->kind == INPUT_TEXT ?
		    "text without control characters other than newline "
		    "and tab, and without invisible or text-direction "
		    "characters" : "one line of text without control, "
		    "invisible or text-direction characters");
		snprintf(hint, sizeof(hint), "Send %s as %lld to %lld bytes of "
		    "plain UTF-8 text", name, (long long)f->lo,
		    (long long)f->hi);
		break;
	case INPUT_INT:
		jsonx_add(c, "minimum", json_object_new_int64(f->lo));
		jsonx_add(c, "maximum", json_object_new_int64(f->hi));
		snprintf(hint, sizeof(hint), "Send %s as a whole number from "
		    "%lld to %lld", name, (long long)f->lo, (long long)f->hi);
		break;
	case INPUT_BOOL:
		jsonx_add(c, "allowed", str_list(bools));
		snprintf(hint, sizeof(hint), "Send %s as true or false", name);
		break;
	case INPUT_CHOICE:
		jsonx_add(c, "allowed", str_list(f->choices));
		snprintf(hint, sizeof(hint), "Send one of the allowed values "
		    "for %s", name);
		break;
	case INPUT_URL:
		json_object_put(c);
		return input_url_constraints(e, name, false);
	case INPUT_ARRAY:
		jsonx_add(c, "min_items", json_object_new_int64(f->lo));
		jsonx_add(c, "max_items", json_object_new_int64(f->hi));
		snprintf(hint, sizeof(hint), "Send %s with %lld to %lld "
		    "entries", name, (long long)f->lo, (long long)f->hi);
		break;
	case INPUT_CHECK:
		if (f->what == NULL) {
			json_object_put(c);
			return -1;
		}
		jsonx_add_str(c, "format", f->what);
		snprintf(hint, sizeof(hint), "Send %s as %s", name, f->what);
		break;
	default:
		json_object_put(c);
		return -1;
	}
	e->extra = json_object_new_object();
	jsonx_add(e->extra, "constraints", c);
	sug = json_object_new_array();
	json_object_array_add(sug, json_object_new_string(hint));
	jsonx_add(e->extra, "suggestions", sug);
	return -1;
}

/* check_value, with the field's constraints on a refused value. */
static int
check_text(const struct source *src, const struct input_field *f,
    const char *name, const char *s, size_t len, struct input_value *v,
    struct input_error *e)
{
	if (check_value(src, f, name, s, len, v, e) == 0)
		return 0;
	if (e->status != 500 && e->extra == NULL)
		constrain(e, f, false, name);
	return -1;
}

/* The fields a table accepts, for an unknown one's constraints. */
static void
known_fields(struct input_error *e, const struct input_field *f, size_t n)
{
	json_object *c, *a, *sug;
	size_t i;

	if (n == 0)
		return;
	c = json_object_new_object();
	a = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(f[i].name));
	jsonx_add(c, "allowed", a);
	e->extra = json_object_new_object();
	jsonx_add(e->extra, "constraints", c);
	sug = json_object_new_array();
	json_object_array_add(sug, json_object_new_string(
	    "Check the spelling against the allowed names, or leave the "
	    "field out"));
	jsonx_add(e->extra, "suggestions", sug);
}

static int
missing(const struct source *src, const char *name, struct input_error *e)
{
	return input_seterr(e, src->status, src == &body_src ?
	    "MISSING_FIELD" : "INVALID_PARAMETER", name, "%s is required",
	    name);
}

/* prefix.name into out, or name alone without a prefix. */
static const char *
field_name(const char *prefix, const char *name, char *out, size_t outlen)
{
	if (prefix == NULL)
		return name;
	snprintf(out, outlen, "%s.%s", prefix, name);
	return out;
}

/* One given member x of a body, checked as f says. 0, or -1 with e set. */
static int
check_member(const struct input_field *f, const char *name, json_object *x,
    struct input_value *v, struct input_error *e)
{
	size_t n_el;

	switch (f->kind) {
	case INPUT_INT:
		if (!json_object_is_type(x, json_type_int))
			return input_seterr(e, 422, "INVALID_TYPE", name,
			    "%s must be an integer", name);
		return check_text(&body_src, f, name, jsonx_number_text(x), 0,
		    v, e);
	case INPUT_ARRAY:
		if (!json_object_is_type(x, json_type_array))
			return input_seterr(e, 422, "INVALID_TYPE", name,
			    "%s must be an array", name);
		v->array = x;
		n_el = json_object_array_length(x);
		if ((int64_t)n_el < f->lo || (int64_t)n_el > f->hi) {
			input_seterr(e, 422, bounds_code(&body_src, f,
			    "INVALID_VALUE"), name, "%s must have %lld to %lld "
			    "entries", name, (long long)f->lo,
			    (long long)f->hi);
			return constrain(e, f, true, name);
		}
		return 0;
	case INPUT_OBJECT:
		if (!json_object_is_type(x, json_type_object))
			return input_seterr(e, 422, "INVALID_TYPE", name,
			    "%s must be an object", name);
		v->obj = x;
		return 0;
	case INPUT_NUMBER:
		/* The token's own text: an amount never becomes a double. */
		if (json_object_is_type(x, json_type_string))
			v->str = json_object_get_string(x);
		else
			v->str = jsonx_number_text(x);
		if (v->str == NULL)
			return input_seterr(e, 422, "INVALID_TYPE", name,
			    "%s must be a number", name);
		return 0;
	case INPUT_BOOL:
		if (!json_object_is_type(x, json_type_boolean))
			return input_seterr(e, 422, "INVALID_TYPE", name,
			    "%s must be true or false", name);
		v->yes = json_object_get_boolean(x);
		v->str = v->yes ? "true" : "false";
		return 0;
	default:
		if (!json_object_is_type(x, json_type_string))
			return input_seterr(e, 422, "INVALID_TYPE", name,
			    "%s must be a string", name);
		return check_text(&body_src, f, name,
		    json_object_get_string(x),
		    (size_t)json_object_get_string_len(x), v, e);
	}
}

int
input_json(json_object *obj, const struct input_field *fields, size_t n,
    struct input_value *v, struct input_error *e)
{
	return input_json_at(obj, NULL, fields, n, v, e);
}

int
input_json_at(json_object *obj, const char *prefix,
    const struct input_field *fields, size_t n, struct input_value *v,
    struct input_error *e)
{
	const struct input_field *f;
	const char *name;
	json_object *x;
	char buf[64];
	size_t i;

	e->extra = NULL;
	if (n > 0)
		memset(v, 0, n * sizeof(*v));
	if (prefix != NULL && (obj == NULL ||
	    !json_object_is_type(obj, json_type_object)))
		return input_seterr(e, 422, "INVALID_TYPE", prefix,
		    "%s must be an object", prefix);
	if (obj != NULL && !json_object_is_type(obj, json_type_object))
		return input_seterr(e, 400, "INVALID_JSON", NULL,
		    "the body must be a JSON object");
	if (obj != NULL) {
		json_object_object_foreach(obj, k, val) {
			size_t klen = strlen(k);

			(void)val;
			for (i = 0; i < n; i++)
				if (strcmp(k, fields[i].name) == 0)
					break;
			if (i < n)
				continue;
			/* Name the key only when it is fit to echo. */
			if (klen > 40 || !jsonx_utf8_clean(k, klen, false))
				return input_seterr(e, 422, "UNKNOWN_FIELD",
				    prefix, "unknown field");
			name = field_name(prefix, k, buf, sizeof(buf));
			input_seterr(e, 422, "UNKNOWN_FIELD", name,
			    "unknown field '%s'", name);
			known_fields(e, fields, n);
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		f = &fields[i];
		name = field_name(prefix, f->name, buf, sizeof(buf));
		x = NULL;
		if (obj == NULL || !json_object_object_get_ex(obj, f->name,
		    &x) || json_object_is_type(x, json_type_null)) {
			if (f->required)
				return missing(&body_src, name, e);
			continue;
		}
		v[i].given = true;
		if (check_member(f, name, x, &v[i], e) == -1)
			return -1;
	}
	return 0;
}

int
input_query(const struct http_query *q, const struct input_field *fields,
    size_t n, struct input_value *v, struct input_error *e)
{
	const char *s;
	size_t i, j;

	e->extra = NULL;
	memset(v, 0, n * sizeof(*v));
	for (i = 0; i < q->n; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(q->keys[i], fields[j].name) == 0)
				break;
		if (j == n) {
			input_seterr(e, 422, "INVALID_PARAMETER",
			    q->keys[i], "unknown query parameter");
			known_fields(e, fields, n);
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		s = http_query_get(q, fields[i].name);
		if (s == NULL) {
			if (fields[i].required)
				return missing(&query_src, fields[i].name,
				    e);
			continue;
		}
		v[i].given = true;
		if (check_text(&query_src, &fields[i], fields[i].name, s,
		    strlen(s), &v[i], e) == -1)
			return -1;
	}
	return 0;
}

/* Checks every value of a repeatable field of pairs. */
static int
check_repeats(const char *const *names, const char *const *vals,
    size_t npairs, const struct input_field *f, struct input_value *v,
    struct input_error *e)
{
	size_t i;

	for (i = 0; i < npairs; i++) {
		if (strcmp(names[i], f->name) != 0)
			continue;
		if (v->count++ == 0)
			v->str = vals[i];
		if (f->check != NULL && !f->check(vals[i]))
			return input_seterr(e, 422, "INVALID_VALUE", f->name,
			    "%s must be %s", f->name, f->what);
	}
	if ((int64_t)v->count > f->hi)
		return input_seterr(e, 422, "INVALID_VALUE", f->name,
		    "%s must be given at most %lld times", f->name,
		    (long long)f->hi);
	if ((int64_t)v->count < f->lo && v->count > 0)
		return input_seterr(e, 422, "INVALID_VALUE", f->name,
		    "%s must be given %lld to %lld times", f->name,
		    (long long)f->lo, (long long)f->hi);
	return 0;
}

int
input_pairs(const char *const *names, const char *const *vals,
    size_t npairs, const struct input_field *fields, size_t n,
    struct input_value *v, struct input_error *e)
{
	const struct input_field *f;
	const char *s;
	size_t i, j, klen;

	e->extra = NULL;
	if (n > 0)
		memset(v, 0, n * sizeof(*v));
	for (i = 0; i < npairs; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(names[i], fields[j].name) == 0)
				break;
		if (j == n) {
			/* Name the key only when it is fit to echo. */
			klen = strlen(names[i]);
			return input_seterr(e, 422, "UNKNOWN_FIELD",
			    klen < sizeof(e->field) &&
			    jsonx_utf8_clean(names[i], klen, false) ?
			    names[i] : NULL, "unknown field");
		}
	}
	for (i = 0; i < n; i++) {
		f = &fields[i];
		if (f->kind == INPUT_ARRAY) {
			if (check_repeats(names, vals, npairs, f, &v[i],
			    e) == -1)
				return -1;
			v[i].given = v[i].count > 0;
			if (!v[i].given && f->required)
				return missing(&body_src, f->name, e);
			continue;
		}
		s = NULL;
		for (j = 0; j < npairs; j++) {
			if (strcmp(names[j], f->name) != 0)
				continue;
			if (s != NULL)
				return input_seterr(e, 422, "INVALID_VALUE",
				    f->name, "%s is given more than once",
				    f->name);
			s = vals[j];
		}
		if (s == NULL || (f->required && *s == '\0')) {
			if (f->required)
				return missing(&body_src, f->name, e);
			continue;
		}
		v[i].given = true;
		if (check_text(&body_src, f, f->name, s, strlen(s), &v[i],
		    e) == -1)
			return -1;
	}
	return 0;
}
