/* Checked allocation, bounded buffers, hex/base64url and time helpers. */
#include "cc.h"

#include <errno.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static void
die_oom(void)
{
	fputs("fatal: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p;

	p = malloc(n ? n : 1);
	if (p == NULL)
		die_oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p;

	p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		die_oom();
	return p;
}

void *
xrealloc(void *old, size_t n)
{
	void *p;

	p = realloc(old, n ? n : 1);
	if (p == NULL)
		die_oom();
	return p;
}

char *
xstrdup(const char *s)
{
	char *p;

	p = strdup(s);
	if (p == NULL)
		die_oom();
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p;

	p = strndup(s, n);
	if (p == NULL)
		die_oom();
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		die_oom();
	return p;
}

size_t
cc_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len;

	len = strlen(src);
	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

int
cc_snprintf(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return n;
}

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->overflow = 0;
}

void
buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->overflow = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static int
buf_grow(struct buf *b, size_t add)
{
	size_t need;

	if (add > SIZE_MAX - b->len - 1)
		return -1;
	need = b->len + add + 1;
	if (b->max != 0 && b->len + add > b->max) {
		b->overflow = 1;
		return -1;
	}
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 64;

		while (cap < need)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(b, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *
buf_take(struct buf *b)
{
	char *p;

	if (b->data == NULL)
		return xstrdup("");
	p = b->data;
	buf_init(b, b->max);
	return p;
}

void
hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hex_decode(const char *in, uint8_t *out, size_t outlen)
{
	size_t i;

	if (strlen(in) != 2 * outlen)
		return -1;
	for (i = 0; i < outlen; i++) {
		int hi = hex_value((unsigned char)in[2 * i]);
		int lo = hex_value((unsigned char)in[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void
time_format_utc(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	if (strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0 && outlen)
		out[0] = '\0';
}

static int
digits(const char **p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
time_parse_iso8601(const char *s, int64_t *out_us)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31};
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 0;
	int64_t frac = 0, t;
	const char *p = s;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return -1;
	if (mo == 2 && d == 29 &&
	    !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	if (*p != '\0') {
		if (*p != 'T' && *p != 't' && *p != ' ')
			return -1;
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) ||
		    *p++ != ':' || digits(&p, 2, &se))
			return -1;
		if (h > 23 || mi > 59 || se > 59)
			return -1;
		if (*p == '.') {
			int n = 0;

			p++;
			while (*p >= '0' && *p <= '9') {
				if (n < 6) {
					frac = frac * 10 + (*p - '0');
					n++;
				}
				p++;
			}
			if (n == 0)
				return -1;
			while (n++ < 6)
				frac *= 10;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p == '+' ? 1 : -1;
			p++;
			if (digits(&p, 2, &oh) || *p++ != ':' ||
			    digits(&p, 2, &om) || oh > 23 || om > 59)
				return -1;
		} else
			return -1;
		if (*p != '\0')
			return -1;
	}
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	t -= sign * (oh * 3600 + om * 60);
	*out_us = t * 1000000 + frac;
	return 0;
}

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void
b64url_encode(const uint8_t *in, size_t len, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | in[i + 1] << 8 | in[i + 2];

		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
		out[o++] = b64url[v >> 6 & 63];
		out[o++] = b64url[v & 63];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;

		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | in[i + 1] << 8;

		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
		out[o++] = b64url[v >> 6 & 63];
	}
	out[o] = '\0';
}

int
b64url_decode(const char *in, uint8_t *out, size_t outmax)
{
	uint32_t acc = 0;
	size_t o = 0;
	int bits = 0;

	for (; *in != '\0'; in++) {
		const char *c = strchr(b64url, *in);

		if (c == NULL)
			return -1;
		acc = acc << 6 | (uint32_t)(c - b64url);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outmax)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* Leftover bits must be zero padding of fewer than 6 bits. */
	if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0)
		return -1;
	return (int)o;
}

int
ct_equal(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

int
cron_args(int argc, char **argv, const char *prog, void (*usage)(FILE *),
    long long *run_for)
{
	int a;

	*run_for = 0;
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--help") == 0) {
			usage(stdout);
			return 1;
		}
		if (strcmp(argv[a], "--quiet") == 0) {
			log_set_level(LOG_LVL_WARN);
			continue;
		}
		if (a + 1 >= argc) {
			usage(stderr);
			return 2;
		}
		if (strcmp(argv[a], "--for") == 0) {
			char *e;

			errno = 0;
			*run_for = strtoll(argv[a + 1], &e, 10);
			if (errno != 0 || *e != '\0' || *run_for < 0 ||
			    *run_for > 86400) {
				fprintf(stderr, "%s: --for must be 0..86400 "
				    "seconds\n", prog);
				return 2;
			}
		} else if (strcmp(argv[a], "--config") != 0) {
			usage(stderr);
			return 2;
		}
		a++;
	}
	return 0;
}

int
cc_refuse_root(void)
{
	if (geteuid() != 0 && getegid() != 0)
		return 0;
	log_error("refusing to run as root (uid %d, gid %d): start the "
	    "program as its service user (spawn-fcgi -u, the systemd unit's "
	    "User=, lighttpd's server.username)", (int)geteuid(),
	    (int)getegid());
	return -1;
}
