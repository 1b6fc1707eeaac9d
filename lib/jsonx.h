/*
 * json-c helpers: strict parsing with bounds, numbers as exact decimal
 * text in both directions (never through a double), small builders.
 */
#ifndef CC_JSONX_H
#define CC_JSONX_H

#include "cc.h"
#include <json-c/json.h>

/*
 * Parses a whole document strictly (RFC 8259, UTF-8 validated, depth
 * bounded by CC_MAX_JSON_DEPTH, nothing after the value). Refused too:
 * \u0000 in strings and integers that do not fit 64 bits, which json-c
 * would otherwise cut or clamp, and a bare null document. Returns a new
 * object the caller puts, or NULL with a message in err.
 */
json_object	*jsonx_parse(const char *, size_t, char *err, size_t errlen);

/* A key path such as items[0].name, with its NUL. */
#define JSONX_PATH_MAX	64

/*
 * Why jsonx_parse_ex refused a document. A key given twice in one object
 * is refused (json-c would keep the last one silently, another parser
 * the first): keys compare after their escapes are resolved, so "a" and
 * "\u0061" are the same key. path then names it ("items[0].name"), or is
 * "" when a key on the way is not short printable ASCII.
 */
struct jsonx_error {
	char	 message[200];
	bool	 duplicate;
	char	 path[JSONX_PATH_MAX];
};

/* jsonx_parse, with the reason in e. A \u escape that is a lone
 * surrogate is refused too (json-c would make it U+FFFD). */
json_object	*jsonx_parse_ex(const char *, size_t, struct jsonx_error *e);

/*
 * True if s is one JSON value by RFC 8259's grammar, nesting at most
 * CC_MAX_JSON_DEPTH, with no \u0000 escape, no lone surrogate, no key
 * twice in one object and no whole number beyond 64 bits. Otherwise
 * *errpos is where it failed and *why, for those last refusals of our
 * own, says why (else NULL); both pointers may be NULL.
 */
bool		 jsonx_syntax_ok(const char *s, size_t len, size_t *errpos,
		    const char **why);
/* The same with containers nested at most max_depth, for documents of our
 * own that are deeper than any request may be. */
bool		 jsonx_syntax_ok_depth(const char *s, size_t len, int max_depth,
		    size_t *errpos, const char **why);

/*
 * The exact source text of a number token ("9.99", "10", "1e2"), or NULL
 * if obj is not a number.
 */
const char	*jsonx_number_text(json_object *);
/* A number that serializes as exactly this decimal text. */
json_object	*jsonx_decimal(const char *text);
/* A string, or JSON null when s is NULL. */
json_object	*jsonx_str_or_null(const char *s);
/* Adds key: value (takes ownership of val). */
void		 jsonx_add(json_object *, const char *key, json_object *val);
void		 jsonx_add_str(json_object *, const char *key, const char *);
/* Serializes compactly without escaping '/'; the string lives in obj. */
const char	*jsonx_text(json_object *);
/* True if s is valid UTF-8 of n bytes with no NUL and no C0 control byte
 * other than tab, CR and LF when allow_newlines (else none). */
bool		 jsonx_utf8_clean(const char *s, size_t n, bool allow_newlines);
/* True if s is n bytes of strictly valid UTF-8 (controls allowed). */
bool		 jsonx_utf8_valid(const char *s, size_t n);

#endif
