/* A bounded HTTP GET (libcurl easy interface). */
#include "cc.h"

#include <curl/curl.h>

#include "httpget.h"

size_t
httpget_to_buf(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;
	size_t n = size * nmemb;

	/* A short count makes libcurl stop with CURLE_WRITE_ERROR. */
	if (buf_append(b, ptr, n) == -1)
		return 0;
	return n;
}

enum httpget_result
httpget(const char *url, long timeout_s, size_t max_body, struct buf *body,
    long *status, char *err, size_t errlen)
{
	char cerr[CURL_ERROR_SIZE];
	enum httpget_result r = HTTPGET_TRANSPORT;
	CURLcode rc;
	CURL *h;

	*status = 0;
	err[0] = '\0';
	cerr[0] = '\0';
	buf_reset(body);
	body->max = max_body;
	body->overflow = 0;
	h = curl_easy_init();
	if (h == NULL) {
		snprintf(err, errlen, "cannot start a request");
		return HTTPGET_TRANSPORT;
	}
	rc = curl_easy_setopt(h, CURLOPT_URL, url);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
		    timeout_s * 1000L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_USERAGENT,
		    "crypto-checkout-rates/1");
	/* Compressed answers are welcome; the cap applies after decoding. */
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION,
		    httpget_to_buf);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	/* A declared length above the cap is refused before any byte. */
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
		    (curl_off_t)max_body);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
		goto out;
	}
	rc = curl_easy_perform(h);
	if (rc == CURLE_FILESIZE_EXCEEDED || (rc == CURLE_WRITE_ERROR &&
	    body->overflow)) {
		snprintf(err, errlen, "response larger than %zu bytes",
		    max_body);
		r = HTTPGET_TOO_LARGE;
		goto out;
	}
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s", cerr[0] != '\0' ? cerr :
		    curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	r = HTTPGET_OK;
out:
	curl_easy_cleanup(h);
	return r;
}

void
httpget_quote(const char *body, size_t len, size_t max, char *out,
    size_t outlen)
{
	size_t i, o = 0;
	bool space = false;

	if (outlen == 0)
		return;
	for (i = 0; i < len && o < max && o + 4 < outlen; i++) {
		unsigned char c = (unsigned char)body[i];

		/* Runs of white space (an HTML page's lines) as one. */
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
			if (o > 0 && !space)
				out[o++] = ' ';
			space = true;
			continue;
		}
		space = false;
		out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[o] = '\0';
	if (i < len && o + 3 < outlen) {
		memcpy(out + o, "...", 4);
	}
}
