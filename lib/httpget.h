/*
 * One bounded HTTP GET with libcurl, for the public APIs cc-rates reads:
 * http or https only, TLS certificates verified (libcurl's default), no
 * redirect followed, the whole request within a timeout, and the body
 * refused as soon as it grows past a maximum, so a broken or hostile
 * server can neither hang a run nor fill its memory.
 */
#ifndef CC_HTTPGET_H
#define CC_HTTPGET_H

#include "cc.h"
#include "util.h"

/* Bytes of an error message, and of a quoted bit of a response. */
#define HTTPGET_ERR	256

enum httpget_result {
	HTTPGET_OK,		/* a response: see status */
	HTTPGET_TRANSPORT,	/* no response: DNS, connect, TLS, timeout */
	HTTPGET_TOO_LARGE,	/* the body passed max_body */
	HTTPGET__MAX
};

/*
 * GETs url into body (reset first; its cap is set to max_body) with
 * timeout_s seconds for the whole request. HTTPGET_OK with *status the
 * HTTP status (any, 2xx or not), or another result with err saying why.
 * The process must have called curl_global_init.
 */
enum httpget_result httpget(const char *url, long timeout_s, size_t max_body,
	    struct buf *body, long *status, char *err, size_t errlen);

/*
 * A CURLOPT_WRITEFUNCTION appending to the struct buf of
 * CURLOPT_WRITEDATA; past the buf's max it makes libcurl stop with
 * CURLE_WRITE_ERROR.
 */
size_t	httpget_to_buf(char *ptr, size_t size, size_t nmemb, void *buf);

/*
 * The first bytes of a response body as one printable line for a log
 * ("<html><head><title>502 Bad Gateway..."): control and non-ASCII bytes
 * become '?', at most max bytes, "..." when cut.
 */
void	httpget_quote(const char *body, size_t len, size_t max, char *out,
	    size_t outlen);

#endif
