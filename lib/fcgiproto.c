/* FastCGI records: reading them with bounds, writing them. */
#include "cc.h"

#include "fcgiproto.h"

long
fcgiproto_next(const uint8_t *p, size_t len, struct fcgiproto_record *out)
{
	size_t clen, plen;

	if (len < FCGIPROTO_HEADER_LEN)
		return 0;
	if (p[0] != 1)
		return -1;		/* version */
	clen = ((size_t)p[4] << 8) | p[5];
	plen = p[6];
	/* At most 8 + 65535 + 255: no overflow is possible here. */
	if (len - FCGIPROTO_HEADER_LEN < clen + plen)
		return 0;
	out->type = p[1];
	out->request_id = ((unsigned int)p[2] << 8) | p[3];
	out->content = p + FCGIPROTO_HEADER_LEN;
	out->content_len = clen;
	return (long)(FCGIPROTO_HEADER_LEN + clen + plen);
}

int
fcgiproto_begin(const struct fcgiproto_record *r, unsigned int *role,
    unsigned int *flags)
{
	if (r->type != FCGI_BEGIN_REQUEST || r->content_len != 8)
		return -1;
	*role = ((unsigned int)r->content[0] << 8) | r->content[1];
	*flags = r->content[2];
	return 0;
}

/* One length of a pair: 1 byte below 128, else 4 bytes (top bit set). */
static int
pair_len(const uint8_t *p, size_t len, size_t *at, size_t *out)
{
	if (*at >= len)
		return -1;
	if ((p[*at] & 0x80) == 0) {
		*out = p[*at];
		*at += 1;
		return 0;
	}
	if (len - *at < 4)
		return -1;
	*out = ((size_t)(p[*at] & 0x7f) << 24) | ((size_t)p[*at + 1] << 16) |
	    ((size_t)p[*at + 2] << 8) | p[*at + 3];
	*at += 4;
	return 0;
}

int
fcgiproto_pairs(const uint8_t *p, size_t len, size_t max_len,
    int (*fn)(void *, const uint8_t *, size_t, const uint8_t *, size_t),
    void *arg)
{
	size_t at = 0, nlen, vlen;
	int rc;

	while (at < len) {
		if (pair_len(p, len, &at, &nlen) == -1 ||
		    pair_len(p, len, &at, &vlen) == -1)
			return -1;
		/* Each against what is left, never their sum. */
		if (nlen > max_len || vlen > max_len || nlen > len - at ||
		    vlen > len - at - nlen)
			return -1;
		rc = fn(arg, p + at, nlen, p + at + nlen, vlen);
		if (rc != 0)
			return rc;
		at += nlen + vlen;
	}
	return 0;
}

void
fcgiproto_header(uint8_t out[FCGIPROTO_HEADER_LEN], int type,
    unsigned int request_id, size_t content_len, size_t padding_len)
{
	out[0] = 1;
	out[1] = (uint8_t)type;
	out[2] = (uint8_t)((request_id >> 8) & 0xff);
	out[3] = (uint8_t)(request_id & 0xff);
	out[4] = (uint8_t)((content_len >> 8) & 0xff);
	out[5] = (uint8_t)(content_len & 0xff);
	out[6] = (uint8_t)(padding_len & 0xff);
	out[7] = 0;
}

void
fcgiproto_end_request(uint8_t out[16], unsigned int request_id,
    uint32_t app_status, int protocol_status)
{
	fcgiproto_header(out, FCGI_END_REQUEST, request_id, 8, 0);
	out[8] = (uint8_t)(app_status >> 24);
	out[9] = (uint8_t)(app_status >> 16);
	out[10] = (uint8_t)(app_status >> 8);
	out[11] = (uint8_t)app_status;
	out[12] = (uint8_t)protocol_status;
	memset(out + 13, 0, 3);
}

static int
put_len(uint8_t *out, size_t cap, size_t *used, size_t n)
{
	if (n > 0x7fffffffUL)
		return -1;
	if (n < 128) {
		if (cap - *used < 1)
			return -1;
		out[(*used)++] = (uint8_t)n;
		return 0;
	}
	if (cap - *used < 4)
		return -1;
	out[(*used)++] = (uint8_t)(0x80 | (n >> 24));
	out[(*used)++] = (uint8_t)(n >> 16);
	out[(*used)++] = (uint8_t)(n >> 8);
	out[(*used)++] = (uint8_t)n;
	return 0;
}

size_t
fcgiproto_values_result(uint8_t out[128], int max)
{
	size_t used = FCGIPROTO_HEADER_LEN;
	char n[24];

	snprintf(n, sizeof(n), "%d", max);
	(void)fcgiproto_put_pair(out, 128, &used, "FCGI_MAX_CONNS", n);
	(void)fcgiproto_put_pair(out, 128, &used, "FCGI_MAX_REQS", n);
	(void)fcgiproto_put_pair(out, 128, &used, "FCGI_MPXS_CONNS", "0");
	fcgiproto_header(out, FCGI_GET_VALUES_RESULT, 0,
	    used - FCGIPROTO_HEADER_LEN, 0);
	return used;
}

int
fcgiproto_put_pair(uint8_t *out, size_t cap, size_t *used, const char *name,
    const char *value)
{
	size_t nlen = strlen(name), vlen = strlen(value), start = *used;

	if (*used > cap || put_len(out, cap, used, nlen) == -1 ||
	    put_len(out, cap, used, vlen) == -1 ||
	    nlen > cap - *used || vlen > cap - *used - nlen) {
		*used = start;
		return -1;
	}
	memcpy(out + *used, name, nlen);
	memcpy(out + *used + nlen, value, vlen);
	*used += nlen + vlen;
	return 0;
}
