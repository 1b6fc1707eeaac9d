/* The OpenAPI document cc-merchant serves: loaded once, checked, tagged. */
#include "cc.h"

#include <errno.h>

#include "apidoc.h"
#include "jsonx.h"
#include "util.h"

#ifndef CC_DATADIR
#define CC_DATADIR	"/usr/local/share/crypto-checkout"
#endif

const char *
apidoc_path(void)
{
	return CC_DATADIR "/openapi.json";
}

void
apidoc_release(struct apidoc *doc)
{
	free(doc->text);
	memset(doc, 0, sizeof(*doc));
}

/*
 * True if text is one JSON object by RFC 8259's grammar (whitespace around
 * it allowed), in valid UTF-8.
 */
static bool
one_object(const char *text, size_t len)
{
	size_t lead = strspn(text, " \t\r\n");

	return lead < len && text[lead] == '{' &&
	    jsonx_utf8_valid(text, len) &&
	    jsonx_syntax_ok_depth(text, len, APIDOC_MAX_DEPTH, NULL, NULL);
}

int
apidoc_load(struct apidoc *doc, const char *path, char *err, size_t errlen)
{
	struct buf b;
	char chunk[8192];
	size_t n;
	FILE *f;
	int rc = -1;

	memset(doc, 0, sizeof(*doc));
	buf_init(&b, CC_MAX_APIDOC);
	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(&b, chunk, n) == -1) {
			snprintf(err, errlen, "%s: larger than %d bytes", path,
			    CC_MAX_APIDOC);
			goto out;
		}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	if (b.len == 0) {
		snprintf(err, errlen, "%s: empty", path);
		goto out;
	}
	if (!one_object(b.data, b.len)) {
		snprintf(err, errlen, "%s: not one JSON object", path);
		goto out;
	}
	http_etag(b.data, b.len, doc->etag);
	doc->len = b.len;
	doc->text = buf_take(&b);
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	buf_release(&b);
	return rc;
}
