/* Responses, the error format, query strings and route matching. */
#include "cc.h"

#include <ctype.h>
#include <time.h>

#include <openssl/sha.h>

#include "http.h"
#include "jsonx.h"
#include "util.h"

void
http_resp_init(struct http_resp *r, const char *request_id)
{
	r->status = 200;
	r->content_type = NULL;
	buf_init(&r->headers, 0);
	buf_init(&r->body, 0);
	r->request_id = request_id;
}

void
http_resp_release(struct http_resp *r)
{
	buf_release(&r->headers);
	buf_release(&r->body);
}

void
http_header(struct http_resp *r, const char *name, const char *value)
{
	buf_printf(&r->headers, "%s: %s\r\n", name, value);
}

void
http_header_set(struct http_resp *r, const char *name, const char *value)
{
	size_t n = strlen(name), i = 0, end;
	char *d = r->headers.data;

	while (d != NULL && i < r->headers.len) {
		const char *eol = memchr(d + i, '\n', r->headers.len - i);

		end = eol != NULL ? (size_t)(eol - d) + 1 : r->headers.len;
		if (end - i > n && d[i + n] == ':' &&
		    strncasecmp(d + i, name, n) == 0) {
			memmove(d + i, d + end, r->headers.len - end);
			r->headers.len -= end - i;
			d[r->headers.len] = '\0';
			continue;
		}
		i = end;
	}
	http_header(r, name, value);
}

void
http_json(struct http_resp *r, int status, json_object *obj)
{
	r->status = status;
	buf_reset(&r->body);
	buf_puts(&r->body, jsonx_text(obj));
	buf_puts(&r->body, "\n");
}

static char docs_url[256] = HTTP_DOCS_PATH;

void
http_set_docs_url(const char *docs, const char *public_url)
{
	size_t n;
	const char *host;

	if (docs != NULL && docs[0] != '\0') {
		cc_strlcpy(docs_url, docs, sizeof(docs_url));
		return;
	}
	cc_strlcpy(docs_url, HTTP_DOCS_PATH, sizeof(docs_url));
	if (public_url == NULL || (host = strstr(public_url, "://")) == NULL)
		return;
	host += 3;
	n = (size_t)(host - public_url) + strcspn(host, "/?#");
	if (n == (size_t)(host - public_url) ||
	    n + sizeof(HTTP_DOCS_PATH) > sizeof(docs_url))
		return;
	memcpy(docs_url, public_url, n);
	cc_strlcpy(docs_url + n, HTTP_DOCS_PATH, sizeof(docs_url) - n);
}

void
http_error_anchor(const char *code, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; code[i] != '\0' && i + 1 < outlen; i++)
		out[i] = code[i] == '_' ? '-' : (char)tolower(
		    (unsigned char)code[i]);
	out[i] = '\0';
}

void
http_trace_id(const char *request_id, char *out, size_t outlen)
{
	const char *u = request_id != NULL ? strchr(request_id, '_') : NULL;

	snprintf(out, outlen, "trace_%s", u != NULL ? u + 1 :
	    request_id != NULL ? request_id : "");
}

void
http_error_ex(struct http_resp *r, int status, const char *type,
    const char *code, const char *message, const char *field,
    json_object *extra)
{
	json_object *root, *err;
	char ts[32], anchor[64], url[sizeof(docs_url) + sizeof(anchor) + 1];
	char trace[64];

	root = json_object_new_object();
	err = json_object_new_object();
	jsonx_add_str(err, "type", type);
	jsonx_add_str(err, "code", code);
	jsonx_add_str(err, "message", message);
	if (field != NULL)
		jsonx_add_str(err, "field", field);
	if (extra != NULL) {
		json_object_object_foreach(extra, k, v)
			jsonx_add(err, k, json_object_get(v));
		json_object_put(extra);
	}
	http_error_anchor(code, anchor, sizeof(anchor));
	snprintf(url, sizeof(url), "%s#%s", docs_url, anchor);
	jsonx_add_str(err, "documentation_url", url);
	jsonx_add(root, "error", err);
	jsonx_add_str(root, "request_id", r->request_id);
	http_trace_id(r->request_id, trace, sizeof(trace));
	jsonx_add_str(root, "trace_id", trace);
	time_format_utc(time(NULL), ts, sizeof(ts));
	jsonx_add_str(root, "timestamp", ts);
	http_json(r, status, root);
	json_object_put(root);
}

void
http_error(struct http_resp *r, int status, const char *type,
    const char *code, const char *message, const char *field)
{
	http_error_ex(r, status, type, code, message, field, NULL);
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 408: return "Request Timeout";
	case 411: return "Length Required";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Unknown";
	}
}

/* Skips optional white space (RFC 9110 OWS). */
static const char *
ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

bool
http_json_media_type(const char *ct)
{
	static const char json[] = "application/json";
	const char *p, *name, *val;
	size_t nlen, vlen;

	if (ct == NULL)
		return false;
	p = ows(ct);
	if (strncasecmp(p, json, sizeof(json) - 1) != 0)
		return false;
	p = ows(p + sizeof(json) - 1);
	while (*p == ';') {
		p = ows(p + 1);
		name = p;
		while (*p != '\0' && *p != '=' && *p != ';' && *p != ' ' &&
		    *p != '\t')
			p++;
		nlen = (size_t)(p - name);
		if (nlen == 0 || *p != '=')
			return false;
		p++;
		if (*p == '"') {
			val = ++p;
			while (*p != '\0' && *p != '"')
				p++;
			if (*p != '"')
				return false;
			vlen = (size_t)(p - val);
			p++;
		} else {
			val = p;
			while (*p != '\0' && *p != ';' && *p != ' ' &&
			    *p != '\t')
				p++;
			vlen = (size_t)(p - val);
		}
		if (vlen == 0)
			return false;
		if (nlen == 7 && strncasecmp(name, "charset", 7) == 0 &&
		    !((vlen == 5 && strncasecmp(val, "utf-8", 5) == 0) ||
		    (vlen == 4 && strncasecmp(val, "utf8", 4) == 0)))
			return false;
		p = ows(p);
	}
	return *p == '\0';
}

int
http_url_decode(const char *in, size_t len, char *out, size_t outlen,
    bool form)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)in[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return -1;
			hi = hex_value((unsigned char)in[i + 1]);
			lo = hex_value((unsigned char)in[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = hi << 4 | lo;
			i += 2;
		} else if (c == '+' && form)
			c = ' ';
		if (o + 1 >= outlen)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	if (!jsonx_utf8_clean(out, o, false))
		return -1;
	return 0;
}

void
http_query_release(struct http_query *q)
{
	size_t i;

	for (i = 0; i < q->n; i++) {
		free(q->keys[i]);
		free(q->vals[i]);
	}
	q->n = 0;
}

const char *
http_query_get(const struct http_query *q, const char *key)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		if (strcmp(q->keys[i], key) == 0)
			return q->vals[i];
	return NULL;
}

int
http_query_parse(const char *qs, struct http_query *q, char *bad,
    size_t badlen)
{
	const char *p = qs;

	q->n = 0;
	bad[0] = '\0';
	if (qs == NULL)
		return 0;
	if (strlen(qs) > CC_MAX_QUERY_STRING) {
		cc_strlcpy(bad, "", badlen);
		return -1;
	}
	while (*p != '\0') {
		const char *amp = strchr(p, '&'), *eq;
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		char key[256], val[CC_MAX_QUERY_STRING + 1];

		if (len == 0) {
			p += 1;
			continue;
		}
		eq = memchr(p, '=', len);
		if (http_url_decode(p, eq ? (size_t)(eq - p) : len, key,
		    sizeof(key), true) == -1) {
			cc_strlcpy(bad, "", badlen);
			goto fail;
		}
		if (http_url_decode(eq ? eq + 1 : p + len,
		    eq ? len - (size_t)(eq + 1 - p) : 0, val, sizeof(val),
		    true) == -1) {
			cc_strlcpy(bad, key, badlen);
			goto fail;
		}
		if (http_query_get(q, key) != NULL || q->n == HTTP_MAX_QUERY) {
			cc_strlcpy(bad, key, badlen);
			goto fail;
		}
		q->keys[q->n] = xstrdup(key);
		q->vals[q->n] = xstrdup(val);
		q->n++;
		p += len;
		if (*p == '&')
			p++;
	}
	return 0;
fail:
	http_query_release(q);
	return -1;
}

int
http_route_match(const char *pattern, const char *path,
    char params[][HTTP_MAX_PARAM_LEN], int maxparams)
{
	const char *p = pattern, *s = path;
	int n = 0;

	while (*p != '\0') {
		if (p[0] == '{' && p[1] == '}') {
			const char *end = strchr(s, '/');
			size_t len = end ? (size_t)(end - s) : strlen(s);

			if (len == 0 || n == maxparams)
				return -1;
			if (http_url_decode(s, len, params[n],
			    HTTP_MAX_PARAM_LEN, false) == -1)
				return -1;
			n++;
			s += len;
			p += 2;
			continue;
		}
		if (*p != *s)
			return -1;
		p++;
		s++;
	}
	/* A single trailing slash is tolerated. */
	if (*s == '/' && s[1] == '\0')
		s++;
	return *s == '\0' ? n : -1;
}

void
http_etag(const void *data, size_t len, char etag[HTTP_ETAG_SIZE])
{
	uint8_t md[SHA256_DIGEST_LENGTH];

	SHA256(data, len, md);
	etag[0] = '"';
	hex_encode(md, 16, etag + 1);
	cc_strlcpy(etag + 33, "\"", HTTP_ETAG_SIZE - 33);
}

/*
 * One entry of an If-None-Match list (s..e) against etag: 1 a match, 0
 * none, -1 not an entry ("*" or an optionally weak quoted tag).
 */
static int
etag_entry_match(const char *s, const char *e, const char *etag)
{
	static const char *const suffixes[] = { "-gzip", "-br" };
	size_t len, tlen = strlen(etag), i;

	if (e - s == 1 && *s == '*')
		return 1;
	if (e - s >= 2 && s[0] == 'W' && s[1] == '/')
		s += 2;
	len = (size_t)(e - s);
	if (len < 2 || s[0] != '"' || s[len - 1] != '"' ||
	    memchr(s + 1, '"', len - 2) != NULL)
		return -1;
	if (len == tlen && memcmp(s, etag, len) == 0)
		return 1;
	/* "<tag>-gzip" against "<tag>": compare the opaque parts. */
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t sl = strlen(suffixes[i]);

		if (tlen >= 2 && len == tlen + sl &&
		    memcmp(s, etag, tlen - 1) == 0 &&
		    memcmp(s + tlen - 1, suffixes[i], sl) == 0)
			return 1;
	}
	return 0;
}

bool
http_etag_match(const char *header, const char *etag)
{
	const char *p, *s, *e;
	int m;

	if (header == NULL || etag == NULL)
		return false;
	for (p = header; *p != '\0';) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		s = p;
		/* A quoted tag may hold commas: skip to its closing quote. */
		while (*p != '\0' && *p != ',') {
			if (*p == '"') {
				p++;
				while (*p != '\0' && *p != '"')
					p++;
				if (*p == '\0')
					break;
			}
			p++;
		}
		e = p;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e == s)
			continue;
		m = etag_entry_match(s, e, etag);
		if (m != 0)
			return m == 1;
	}
	return false;
}
