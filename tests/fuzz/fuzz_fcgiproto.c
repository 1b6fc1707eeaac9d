/*
 * Fuzz target for lib/fcgiproto.c: the bytes a web server (or anything
 * that reaches the FastCGI socket) sends, read as cc-events reads them:
 * records one after another, the PARAMS stream's name-value pairs, and
 * each pair written back and read again.
 */
#include "cc.h"

#include "fcgiproto.h"

static int
count(void *arg, const uint8_t *n, size_t nlen, const uint8_t *v, size_t vlen)
{
	(void)n;
	(void)nlen;
	(void)v;
	(void)vlen;
	(*(int *)arg)++;
	return 0;
}

/* A pair read is written again and reads back as one pair. */
static int
pair(void *arg, const uint8_t *n, size_t nlen, const uint8_t *v, size_t vlen)
{
	uint8_t out[512];
	char name[128], value[128];
	size_t used = 0;
	int k = 0;

	(void)arg;
	if (nlen >= sizeof(name) || vlen >= sizeof(value))
		return 0;
	memcpy(name, n, nlen);
	name[nlen] = '\0';
	memcpy(value, v, vlen);
	value[vlen] = '\0';
	if (memchr(n, '\0', nlen) == NULL && memchr(v, '\0', vlen) == NULL &&
	    fcgiproto_put_pair(out, sizeof(out), &used, name, value) == 0 &&
	    (fcgiproto_pairs(out, used, sizeof(out), count, &k) != 0 ||
	    k != 1))
		__builtin_trap();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fcgiproto_record r;
	uint8_t params[32 * 1024];
	size_t plen = 0, at = 0;
	unsigned int role, flags;
	long used;
	int n;

	while (at < size) {
		used = fcgiproto_next(data + at, size - at, &r);
		if (used <= 0)
			break;
		if (r.content + r.content_len > data + size)
			__builtin_trap();	/* content past the input */
		if (r.type == FCGI_BEGIN_REQUEST)
			(void)fcgiproto_begin(&r, &role, &flags);
		if (r.type == FCGI_PARAMS || r.type == FCGI_GET_VALUES) {
			if (r.content_len <= sizeof(params) - plen) {
				memcpy(params + plen, r.content, r.content_len);
				plen += r.content_len;
			}
			n = 0;
			(void)fcgiproto_pairs(r.content, r.content_len,
			    r.content_len, count, &n);
		}
		at += (size_t)used;
	}
	(void)fcgiproto_pairs(params, plen, sizeof(params), pair, NULL);
	return 0;
}
