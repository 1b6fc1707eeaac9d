/*
 * HTTP pieces that do not depend on the FastCGI library: the response being
 * built, the spec's error format, query strings and route patterns.
 */
#ifndef CC_HTTP_H
#define CC_HTTP_H

#include "cc.h"
#include "util.h"
#include <json-c/json.h>

#define HTTP_MAX_PARAMS		4
#define HTTP_MAX_PARAM_LEN	128
#define HTTP_MAX_QUERY		32

struct http_resp {
	int		 status;
	const char	*content_type;	/* NULL: application/json */
	struct buf	 headers;	/* "Name: value\r\n" lines */
	struct buf	 body;
	const char	*request_id;
};

void	http_resp_init(struct http_resp *, const char *request_id);
void	http_resp_release(struct http_resp *);
void	http_header(struct http_resp *, const char *name, const char *value);
/* The same, replacing any header of that name (any case) set before. */
void	http_header_set(struct http_resp *, const char *name,
	    const char *value);
/* Sets status and a JSON body serialized from obj (obj is not put). */
void	http_json(struct http_resp *, int status, json_object *);

/*
 * The spec's error format: {"error": {type, code, message, field?,
 * constraints?, suggestions?, documentation_url}, request_id, trace_id,
 * timestamp}. field may be NULL; extra (may be NULL) is merged into
 * "error" and put by this call. documentation_url is the error reference
 * (http_set_docs_url) with the code's anchor; trace_id is "trace_" and
 * the random part of request_id, so that either finds the request's log
 * lines.
 */
void	http_error_ex(struct http_resp *, int status, const char *type,
	    const char *code, const char *message, const char *field,
	    json_object *extra);
void	http_error(struct http_resp *, int status, const char *type,
	    const char *code, const char *message, const char *field);

/*
 * Where documentation_url points: docs_url when not empty, else the
 * origin of public_url (scheme and host) and HTTP_DOCS_PATH, else
 * HTTP_DOCS_PATH alone. Called once at start, before any thread.
 */
#define HTTP_DOCS_PATH	"/docs/errors.html"
void	http_set_docs_url(const char *docs_url, const char *public_url);

/* The anchor of a code on the error reference: lower case, '_' -> '-'
 * (INVALID_AMOUNT -> invalid-amount); out holds at least 64 bytes. */
void	http_error_anchor(const char *code, char *out, size_t outlen);

/* trace_id of a request id: "trace_" and what follows its first '_'. */
void	http_trace_id(const char *request_id, char *out, size_t outlen);

const char *http_status_text(int);

/*
 * Whether a Content-Type header value says JSON: application/json in any
 * case, with optional parameters, a charset only utf-8 (quoted or not).
 * Anything else is refused, +json types included: they name formats
 * (merge-patch, problem details) whose rules we do not follow. NULL (no
 * header) is not JSON.
 */
bool	http_json_media_type(const char *);

/* Percent-decoding ('+' is a space when form is true); rejects bytes below
 * 0x20, DEL and invalid UTF-8. Returns 0 or -1. */
int	http_url_decode(const char *, size_t, char *out, size_t outlen,
	    bool form);

struct http_query {
	size_t	 n;
	char	*keys[HTTP_MAX_QUERY];
	char	*vals[HTTP_MAX_QUERY];
};
/*
 * Parses a query string. Returns 0, or -1 with the offending parameter
 * name (possibly "") in bad: malformed encoding, a repeated name, or too
 * many parameters.
 */
int	http_query_parse(const char *, struct http_query *, char *bad,
	    size_t badlen);
void	http_query_release(struct http_query *);
const char *http_query_get(const struct http_query *, const char *key);

/*
 * Matches a path against a pattern such as "/api/v1/invoices/{}/cancel":
 * each {} captures one non-empty segment (decoded) into params. Returns the
 * number of captures, or -1 when it does not match.
 */
int	http_route_match(const char *pattern, const char *path,
	    char params[][HTTP_MAX_PARAM_LEN], int maxparams);

/*
 * Whether an If-None-Match header value names etag (our strong tag, with
 * its quotes): the header is a comma-separated list, "*" matches anything,
 * a W/ prefix is ignored (weak comparison, RFC 9110 13.1.2), and so is a
 * "-gzip" or "-br" suffix inside the quotes, which Apache's mod_deflate
 * and mod_brotli add to the tags of the answers they compress. A NULL
 * header matches nothing; a malformed entry ends the list (nothing after
 * it matches).
 */
bool	http_etag_match(const char *if_none_match, const char *etag);

/* "\"" + 32 hex digits + "\"" + NUL. */
#define HTTP_ETAG_SIZE	35

/*
 * Our strong entity tag for some bytes: the first 16 bytes of their
 * SHA-256 in hex, quoted, into etag.
 */
void	http_etag(const void *data, size_t len, char etag[HTTP_ETAG_SIZE]);

#endif
