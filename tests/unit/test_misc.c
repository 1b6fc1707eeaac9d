/*
 * Unit tests for the small pure modules: time and codecs in lib/util,
 * lib/http's decoding, query strings, routes and error format, lib/jsonx,
 * lib/ids, the pure part of lib/apikey, invoice cursors, idempotency keys
 * and lib/config's loader. Expected times come from date(1) (date -u -d
 * ... +%s), hashes from sha256sum(1), codec vectors from RFC 4648.
 */
#include "cc.h"

#include <unistd.h>

#include <CUnit/Basic.h>

#include "cu_run.h"

#include "apikey.h"
#include "config.h"
#include "http.h"
#include "idempotency.h"
#include "ids.h"
#include "invoice.h"
#include "jsonx.h"
#include "util.h"

static void
check_str(const char *what, const char *row, const char *got,
    const char *want)
{
	int same;

	same = got != NULL && strcmp(got, want) == 0;
	CU_ASSERT(same);
	if (!same)
		fprintf(stderr, "\n  %s [%s]:\n    got  %s\n    want %s\n",
		    what, row, got ? got : "(null)", want);
}

static void
check_int(const char *what, const char *row, long long got, long long want)
{
	CU_ASSERT_EQUAL(got, want);
	if (got != want)
		fprintf(stderr, "\n  %s [%s]: got %lld, want %lld\n", what,
		    row, got, want);
}

static void
check_has(const char *what, const char *row, const char *hay,
    const char *needle)
{
	int found;

	found = hay != NULL && strstr(hay, needle) != NULL;
	CU_ASSERT(found);
	if (!found)
		fprintf(stderr, "\n  %s [%s]:\n    %s\n    lacks %s\n", what,
		    row, hay ? hay : "(null)", needle);
}

/*
 * time_parse_iso8601
 */

#define T_2025_01_15	1736935200LL	/* 2025-01-15T10:00:00Z */
#define US(s)		((s) * 1000000LL)

static const struct {
	const char	*text;
	int		 rc;
	int64_t		 us;
} times[] = {
	{ "2025-01-15T10:00:00Z", 0, US(T_2025_01_15) },
	{ "2025-01-15t10:00:00z", 0, US(T_2025_01_15) },
	{ "2025-01-15 10:00:00Z", 0, US(T_2025_01_15) },
	{ "2025-01-15T10:00:00+00:00", 0, US(T_2025_01_15) },
	{ "2025-01-15T10:00:00-00:00", 0, US(T_2025_01_15) },
	{ "2025-01-15T10:30:00+05:30", 0, US(1736917200LL) },
	{ "2025-01-15T10:00:00-08:00", 0, US(1736964000LL) },
	{ "2024-12-31T23:59:59+14:00", 0, US(1735639199LL) },
	{ "2025-01-15T10:00:00.5Z", 0, US(T_2025_01_15) + 500000 },
	{ "2025-01-15T10:00:00.123456Z", 0, US(T_2025_01_15) + 123456 },
	/* Digits past the microsecond are dropped, not rounded. */
	{ "2025-01-15T10:00:00.1234569Z", 0, US(T_2025_01_15) + 123456 },
	{ "2025-01-15T11:00:00.000001+01:00", 0, US(T_2025_01_15) + 1 },
	{ "2025-01-15", 0, US(1736899200LL) },
	{ "2024-02-29", 0, US(1709164800LL) },
	{ "2024-02-29T00:00:00Z", 0, US(1709164800LL) },
	{ "2000-02-29", 0, US(951782400LL) },
	{ "1970-01-01T00:00:00Z", 0, 0 },
	{ "1969-12-31T23:59:59Z", 0, US(-1LL) },
	{ "1969-12-31T23:59:59.5Z", 0, -500000 },
	{ "2038-01-19T03:14:08Z", 0, US(2147483648LL) },
	{ "2025-12-31T23:59:59Z", 0, US(1767225599LL) },
	{ "9999-12-31T23:59:59Z", 0, US(253402300799LL) },

	{ "2025-02-30", -1, 0 },
	{ "2025-02-29", -1, 0 },
	{ "2023-02-29", -1, 0 },
	{ "1900-02-29", -1, 0 },
	{ "2025-04-31", -1, 0 },
	{ "2025-13-01", -1, 0 },
	{ "2025-00-10", -1, 0 },
	{ "2025-01-00", -1, 0 },
	{ "2025-01-32", -1, 0 },
	{ "2025-01-15T24:00:00Z", -1, 0 },
	{ "2025-01-15T23:60:00Z", -1, 0 },
	{ "2025-01-15T23:59:60Z", -1, 0 },
	{ "2025-01-15T10:00:00", -1, 0 },
	{ "2025-01-15T10:00Z", -1, 0 },
	{ "2025-01-15T10:00:00.Z", -1, 0 },
	{ "2025-01-15T10:00:00+0530", -1, 0 },
	{ "2025-01-15T10:00:00+05", -1, 0 },
	{ "2025-01-15T10:00:00+24:00", -1, 0 },
	{ "2025-01-15T10:00:00+05:60", -1, 0 },
	{ "2025-01-15T10:00:00ZZ", -1, 0 },
	{ "2025-01-15T10:00:00Z ", -1, 0 },
	{ "2025-01-15T10:00:00 Z", -1, 0 },
	{ "2025-01-15T1:00:00Z", -1, 0 },
	{ "2025-01-15T", -1, 0 },
	{ "2025-01-15Z", -1, 0 },
	{ "2025-1-15", -1, 0 },
	{ "25-01-15", -1, 0 },
	{ "2025/01/15", -1, 0 },
	{ " 2025-01-15", -1, 0 },
	{ "+2025-01-15", -1, 0 },
	{ "", -1, 0 },
	{ "garbage", -1, 0 },
	{ "1736935200", -1, 0 },
};

static void
test_time(void)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(times); i++) {
		int64_t us = 0;
		int rc;

		rc = time_parse_iso8601(times[i].text, &us);
		check_int("rc", times[i].text, rc, times[i].rc);
		if (rc == 0 && times[i].rc == 0)
			check_int("us", times[i].text, us, times[i].us);
	}
}

static void
test_time_format(void)
{
	char out[32];
	int64_t us;

	time_format_utc((time_t)T_2025_01_15, out, sizeof(out));
	check_str("time_format_utc", "2025", out, "2025-01-15T10:00:00Z");
	CU_ASSERT(time_parse_iso8601(out, &us) == 0 &&
	    us == US(T_2025_01_15));
	time_format_utc(0, out, sizeof(out));
	check_str("time_format_utc", "epoch", out, "1970-01-01T00:00:00Z");
}

/*
 * Base64url (RFC 4648 section 10 vectors, '+' and '/' as '-' and '_').
 */

static const struct {
	const char	*raw;
	size_t		 len;
	const char	*enc;
} b64_vecs[] = {
	{ "", 0, "" },
	{ "f", 1, "Zg" },
	{ "fo", 2, "Zm8" },
	{ "foo", 3, "Zm9v" },
	{ "foob", 4, "Zm9vYg" },
	{ "fooba", 5, "Zm9vYmE" },
	{ "foobar", 6, "Zm9vYmFy" },
	{ "\xfb\xff", 2, "-_8" },
	{ "\xfb\xef\xbe", 3, "----" },
	{ "\xff\xff\xff", 3, "____" },
	{ "\0\0\0", 3, "AAAA" },
};

static const char *const b64_bad[] = {
	"Zg=",		/* no padding */
	"Zg==",
	"Z",		/* 6 bits: not a byte */
	"Zm9vY",
	"Zh",		/* non-zero padding bits */
	"Zm9",
	"Zm9v+",	/* the standard alphabet */
	"Zm9v/",
	"Zm 9v",
	"Zm9v\n",
	"Zm9v.",
	"\xc3\xa9",
};

static void
test_b64url(void)
{
	uint8_t raw[64], back[64];
	char enc[128];
	size_t i, n;
	int got;

	for (i = 0; i < CC_ARRAY_SIZE(b64_vecs); i++) {
		b64url_encode((const uint8_t *)b64_vecs[i].raw,
		    b64_vecs[i].len, enc);
		check_str("b64url_encode", b64_vecs[i].enc, enc,
		    b64_vecs[i].enc);
		got = b64url_decode(b64_vecs[i].enc, back, sizeof(back));
		check_int("b64url_decode", b64_vecs[i].enc, got,
		    (long long)b64_vecs[i].len);
		CU_ASSERT(got >= 0 && memcmp(back, b64_vecs[i].raw,
		    b64_vecs[i].len) == 0);
	}
	/* Every length and every byte value round-trips. */
	for (n = 0; n <= sizeof(raw); n++) {
		for (i = 0; i < n; i++)
			raw[i] = (uint8_t)(i * 37 + n * 101);
		b64url_encode(raw, n, enc);
		CU_ASSERT(strlen(enc) == (4 * n + 2) / 3);
		got = b64url_decode(enc, back, sizeof(back));
		CU_ASSERT(got == (int)n && memcmp(raw, back, n) == 0);
	}
	for (i = 0; i < CC_ARRAY_SIZE(b64_bad); i++)
		check_int("b64url_decode (bad)", b64_bad[i],
		    b64url_decode(b64_bad[i], back, sizeof(back)), -1);
	/* The output bound is respected. */
	CU_ASSERT(b64url_decode("Zm9v", back, 2) == -1);
	CU_ASSERT(b64url_decode("Zm9v", back, 3) == 3);
}

/*
 * Hex
 */

static void
test_hex(void)
{
	static const uint8_t bytes[] = { 0x00, 0x01, 0xab, 0xff, 0x7f };
	static const struct {
		const char	*in;
		size_t		 outlen;
		int		 rc;
	} dec[] = {
		{ "0001abff7f", 5, 0 },
		{ "0001ABFF7F", 5, 0 },
		{ "0001aBfF7f", 5, 0 },
		{ "0001abff7", 5, -1 },
		{ "0001abff7f0", 5, -1 },
		{ "0001abff7f", 4, -1 },
		{ "0001abff7g", 5, -1 },
		{ "0001ab ff7", 5, -1 },
		{ "0x01abff7f", 5, -1 },
		{ "", 0, 0 },
	};
	uint8_t out[8];
	char txt[16];
	size_t i;

	hex_encode(bytes, sizeof(bytes), txt);
	check_str("hex_encode", "5 bytes", txt, "0001abff7f");
	hex_encode(bytes, 0, txt);
	check_str("hex_encode", "0 bytes", txt, "");
	for (i = 0; i < CC_ARRAY_SIZE(dec); i++) {
		int rc;

		rc = hex_decode(dec[i].in, out, dec[i].outlen);
		check_int("hex_decode", dec[i].in, rc, dec[i].rc);
		if (rc == 0)
			CU_ASSERT(memcmp(out, bytes, dec[i].outlen) == 0);
	}
}

/*
 * struct buf: one buffer capped at 8 bytes, driven by a table of steps.
 */

enum buf_op { B_PUTS, B_PRINTF, B_APPEND0, B_RESET };

static const struct {
	enum buf_op	 op;
	const char	*arg;
	int		 rc;
	const char	*data;	/* contents after the step */
	int		 overflow;
} buf_steps[] = {
	{ B_PUTS, "abcd", 0, "abcd", 0 },
	{ B_APPEND0, NULL, 0, "abcd", 0 },
	{ B_PUTS, "efgh", 0, "abcdefgh", 0 },	/* exactly max */
	{ B_PUTS, "i", -1, "abcdefgh", 1 },
	{ B_PUTS, "", 0, "abcdefgh", 1 },	/* flag stays set */
	{ B_RESET, NULL, 0, "", 0 },
	{ B_PRINTF, "123456789", -1, "", 1 },	/* all or nothing */
	{ B_RESET, NULL, 0, "", 0 },
	{ B_PRINTF, "1234", 0, "<1234>", 0 },
	{ B_PRINTF, "", 0, "<1234><>", 0 },
	{ B_PRINTF, "", -1, "<1234><>", 1 },
};

static void
test_buf(void)
{
	struct buf b;
	char row[16], *p;
	size_t i;

	buf_init(&b, 8);
	for (i = 0; i < CC_ARRAY_SIZE(buf_steps); i++) {
		int rc = 0;

		snprintf(row, sizeof(row), "step %zu", i);
		switch (buf_steps[i].op) {
		case B_PUTS:
			rc = buf_puts(&b, buf_steps[i].arg);
			break;
		case B_PRINTF:
			rc = buf_printf(&b, "<%s>", buf_steps[i].arg);
			break;
		case B_APPEND0:
			rc = buf_append(&b, "", 0);
			break;
		case B_RESET:
			buf_reset(&b);
			break;
		}
		check_int("rc", row, rc, buf_steps[i].rc);
		check_str("data", row, b.data ? b.data : "",
		    buf_steps[i].data);
		check_int("len", row, (long long)b.len,
		    (long long)strlen(buf_steps[i].data));
		check_int("overflow", row, b.overflow, buf_steps[i].overflow);
		CU_ASSERT(b.len <= b.max);
	}
	/* take hands the data over and leaves an empty buffer, same max */
	p = buf_take(&b);
	check_str("buf_take", "full", p, "<1234><>");
	free(p);
	CU_ASSERT(b.data == NULL && b.len == 0 && b.max == 8);
	p = buf_take(&b);
	check_str("buf_take", "empty", p, "");
	free(p);
	buf_release(&b);
	CU_ASSERT(b.max == 8);

	/* Unlimited: grows well past the first allocation. */
	buf_init(&b, 0);
	for (i = 0; i < 10000; i++)
		CU_ASSERT(buf_printf(&b, "%05zu", i) == 0);
	CU_ASSERT(b.len == 50000 && b.data[b.len] == '\0' && !b.overflow);
	CU_ASSERT(memcmp(b.data + 49995, "09999", 5) == 0);
	buf_release(&b);
	CU_ASSERT(b.data == NULL && b.len == 0);
}

static void
test_strings(void)
{
	char out[8];

	CU_ASSERT(cc_strlcpy(out, "abc", sizeof(out)) == 3);
	check_str("cc_strlcpy", "fits", out, "abc");
	CU_ASSERT(cc_strlcpy(out, "abcdefghij", sizeof(out)) == 10);
	check_str("cc_strlcpy", "truncated", out, "abcdefg");
	CU_ASSERT(cc_snprintf(out, sizeof(out), "%d", 1234567) == 7);
	CU_ASSERT(cc_snprintf(out, sizeof(out), "%d", 12345678) == -1);
	CU_ASSERT(ct_equal("abc", "abc", 3));
	CU_ASSERT(!ct_equal("abc", "abd", 3));
	CU_ASSERT(ct_equal("abc", "abd", 0));
}

/*
 * http_url_decode
 */

static const struct {
	const char	*in;
	bool		 form;
	int		 rc;
	const char	*out;
} url_decodes[] = {
	{ "", false, 0, "" },
	{ "abc", false, 0, "abc" },
	{ "a%20b", false, 0, "a b" },
	{ "%41%42%43", false, 0, "ABC" },
	{ "%4a%4A", false, 0, "JJ" },
	{ "%25", false, 0, "%" },
	{ "%2F", false, 0, "/" },
	{ "a+b", false, 0, "a+b" },
	{ "a+b", true, 0, "a b" },
	{ "a%2Bb", true, 0, "a+b" },
	{ "%2b+%2b", true, 0, "+ +" },
	{ "%c3%a9%E2%82%AC", false, 0, "\xc3\xa9\xe2\x82\xac" },
	{ "\xc3\xa9", true, 0, "\xc3\xa9" },
	{ "%00", false, -1, NULL },
	{ "a%00b", true, -1, NULL },
	{ "%zz", false, -1, NULL },
	{ "%4g", false, -1, NULL },
	{ "%g4", false, -1, NULL },
	{ "%4", false, -1, NULL },
	{ "a%", false, -1, NULL },
	{ "%", true, -1, NULL },
	{ "%%41", false, -1, NULL },
	{ "%0a", false, -1, NULL },
	{ "%09", true, -1, NULL },
	{ "%1f", false, -1, NULL },
	{ "%7f", false, -1, NULL },
	{ "a\x01", false, -1, NULL },
	{ "%c3", false, -1, NULL },		/* truncated UTF-8 */
	{ "%c3%28", false, -1, NULL },
	{ "%ff", false, -1, NULL },
	{ "%c0%af", false, -1, NULL },		/* overlong '/' */
	{ "%ed%a0%80", false, -1, NULL },	/* surrogate */
	{ "%c2%85", false, -1, NULL },		/* C1 control */
	{ "%f4%90%80%80", false, -1, NULL },	/* > U+10FFFF */
};

static void
test_url_decode(void)
{
	char out[64];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(url_decodes); i++) {
		int rc;

		rc = http_url_decode(url_decodes[i].in,
		    strlen(url_decodes[i].in), out, sizeof(out),
		    url_decodes[i].form);
		check_int("http_url_decode", url_decodes[i].in, rc,
		    url_decodes[i].rc);
		if (rc == 0 && url_decodes[i].out != NULL)
			check_str("http_url_decode", url_decodes[i].in, out,
			    url_decodes[i].out);
	}
	/* The length argument bounds the input; outlen the output. */
	CU_ASSERT(http_url_decode("abc%41", 3, out, sizeof(out), false) == 0);
	check_str("http_url_decode", "len 3", out, "abc");
	CU_ASSERT(http_url_decode("ab%41", 4, out, sizeof(out), false) == -1);
	CU_ASSERT(http_url_decode("abcd", 4, out, 5, false) == 0);
	CU_ASSERT(http_url_decode("abcd", 4, out, 4, false) == -1);
	CU_ASSERT(http_url_decode("%41%41", 6, out, 3, false) == 0);
	CU_ASSERT(http_url_decode("%41%41", 6, out, 2, false) == -1);
}

/*
 * http_query_parse: the result is compared as "k=v|k=v" text.
 */

static const struct {
	const char	*qs;
	int		 rc;
	const char	*want;	/* pairs, or the bad name when rc is -1 */
} queries[] = {
	{ NULL, 0, "" },
	{ "", 0, "" },
	{ "a=1", 0, "a=1" },
	{ "a=1&b=2", 0, "a=1|b=2" },
	{ "&a=1&&b=2&", 0, "a=1|b=2" },
	{ "&&&", 0, "" },
	{ "a", 0, "a=" },
	{ "a=", 0, "a=" },
	{ "a=b=c", 0, "a=b=c" },
	{ "q=hello+world&x=%2B&y=%26", 0, "q=hello world|x=+|y=&" },
	{ "status=paid&limit=20&search=caf%C3%A9", 0,
	    "status=paid|limit=20|search=caf\xc3\xa9" },
	{ "a%5B0%5D=1", 0, "a[0]=1" },
	{ "a=1&a=2", -1, "a" },
	{ "a=1&b=2&a=1", -1, "a" },
	{ "a%20b=1&a+b=2", -1, "a b" },
	{ "limit=%zz", -1, "limit" },
	{ "limit=%00", -1, "limit" },
	{ "limit=%0a", -1, "limit" },
	{ "%zz=1", -1, "" },
	{ "a=1&%c3=2", -1, "" },
};

static void
query_text(const struct http_query *q, char *out, size_t outlen)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < q->n; i++)
		buf_printf(&b, "%s%s=%s", i ? "|" : "", q->keys[i],
		    q->vals[i]);
	cc_strlcpy(out, b.data ? b.data : "", outlen);
	buf_release(&b);
}

static void
test_query(void)
{
	struct http_query q;
	char bad[64], txt[256];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(queries); i++) {
		const char *name = queries[i].qs ? queries[i].qs : "(null)";
		int rc;

		rc = http_query_parse(queries[i].qs, &q, bad, sizeof(bad));
		check_int("rc", name, rc, queries[i].rc);
		if (rc == 0) {
			query_text(&q, txt, sizeof(txt));
			check_str("pairs", name, txt, queries[i].want);
		} else {
			check_str("bad", name, bad, queries[i].want);
			CU_ASSERT(q.n == 0);
		}
		http_query_release(&q);
	}

	CU_ASSERT_FATAL(http_query_parse("a=1&b=&c", &q, bad,
	    sizeof(bad)) == 0);
	check_str("get", "a", http_query_get(&q, "a"), "1");
	check_str("get", "b", http_query_get(&q, "b"), "");
	check_str("get", "c", http_query_get(&q, "c"), "");
	CU_ASSERT(http_query_get(&q, "d") == NULL);
	CU_ASSERT(http_query_get(&q, "A") == NULL);
	http_query_release(&q);
	CU_ASSERT(q.n == 0);
}

/* HTTP_MAX_QUERY parameters, then one more; CC_MAX_QUERY_STRING bytes. */
static void
test_query_limits(void)
{
	struct http_query q;
	struct buf b;
	char bad[64];
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < HTTP_MAX_QUERY; i++)
		buf_printf(&b, "%sp%zu=%zu", i ? "&" : "", i, i);
	CU_ASSERT(http_query_parse(b.data, &q, bad, sizeof(bad)) == 0);
	CU_ASSERT(q.n == HTTP_MAX_QUERY);
	check_str("get", "p31", http_query_get(&q, "p31"), "31");
	http_query_release(&q);
	buf_printf(&b, "&p%d=x", HTTP_MAX_QUERY);
	CU_ASSERT(http_query_parse(b.data, &q, bad, sizeof(bad)) == -1);
	check_str("bad", "33 params", bad, "p32");
	CU_ASSERT(q.n == 0);
	http_query_release(&q);
	buf_release(&b);

	buf_init(&b, 0);
	buf_puts(&b, "a=");
	while (b.len < CC_MAX_QUERY_STRING)
		buf_puts(&b, "x");
	CU_ASSERT(http_query_parse(b.data, &q, bad, sizeof(bad)) == 0);
	CU_ASSERT(q.n == 1 && strlen(http_query_get(&q, "a")) ==
	    CC_MAX_QUERY_STRING - 2);
	http_query_release(&q);
	buf_puts(&b, "x");
	CU_ASSERT(http_query_parse(b.data, &q, bad, sizeof(bad)) == -1);
	check_str("bad", "too long", bad, "");
	http_query_release(&q);
	buf_release(&b);
}

/*
 * http_route_match
 */

#define INV	"/api/v1/invoices"

static const struct {
	const char	*pattern;
	const char	*path;
	int		 rc;
	const char	*p0;
	const char	*p1;
} routes[] = {
	{ INV, INV, 0, NULL, NULL },
	{ INV, INV "/", 0, NULL, NULL },
	{ INV, INV "//", -1, NULL, NULL },
	{ INV, "/api/v1/invoice", -1, NULL, NULL },
	{ INV, INV "x", -1, NULL, NULL },
	{ INV, "/api/v1", -1, NULL, NULL },
	{ INV, "", -1, NULL, NULL },
	{ INV, "/API/v1/invoices", -1, NULL, NULL },
	{ INV "/{}", INV "/inv_abc", 1, "inv_abc", NULL },
	{ INV "/{}", INV "/inv_abc/", 1, "inv_abc", NULL },
	{ INV "/{}", INV "/", -1, NULL, NULL },
	{ INV "/{}", INV, -1, NULL, NULL },
	{ INV "/{}", INV "/a/b", -1, NULL, NULL },
	{ INV "/{}", INV "/a%2Fb", 1, "a/b", NULL },
	{ INV "/{}/cancel", INV "/inv_1/cancel", 1, "inv_1", NULL },
	{ INV "/{}/cancel", INV "/inv_1/cancel/", 1, "inv_1", NULL },
	{ INV "/{}/cancel", INV "//cancel", -1, NULL, NULL },
	{ INV "/{}/cancel", INV "/inv_1", -1, NULL, NULL },
	{ INV "/{}/cancel", INV "/inv_1/", -1, NULL, NULL },
	{ INV "/{}/cancel", INV "/inv_1/refund", -1, NULL, NULL },
	{ INV "/{}/cancel", INV "/a%2Fb/cancel", 1, "a/b", NULL },
	{ INV "/{}/cancel", INV "/a%2fb%2Fc/cancel", 1, "a/b/c", NULL },
	{ INV "/{}/cancel", INV "/a%20b/cancel", 1, "a b", NULL },
	{ INV "/{}/cancel", INV "/a+b/cancel", 1, "a+b", NULL },
	{ INV "/{}/cancel", INV "/a%00/cancel", -1, NULL, NULL },
	{ INV "/{}/cancel", INV "/a%zz/cancel", -1, NULL, NULL },
	{ INV "/{}/cancel", INV "/a%2/cancel", -1, NULL, NULL },
	{ "/a/{}/b/{}", "/a/1/b/2", 2, "1", "2" },
	{ "/a/{}/b/{}", "/a/1/b/2/", 2, "1", "2" },
	{ "/a/{}/b/{}", "/a/1/b/", -1, NULL, NULL },
	{ "/a/{}/b/{}", "/a/1/c/2", -1, NULL, NULL },
	{ "/a/{}/b/{}", "/a//b/2", -1, NULL, NULL },
};

static void
test_routes(void)
{
	char params[HTTP_MAX_PARAMS][HTTP_MAX_PARAM_LEN];
	char row[128], path[HTTP_MAX_PARAM_LEN + 16];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(routes); i++) {
		int rc;

		snprintf(row, sizeof(row), "%s ~ %s", routes[i].pattern,
		    routes[i].path);
		rc = http_route_match(routes[i].pattern, routes[i].path,
		    params, HTTP_MAX_PARAMS);
		check_int("http_route_match", row, rc, routes[i].rc);
		if (rc >= 1 && routes[i].p0 != NULL)
			check_str("params[0]", row, params[0], routes[i].p0);
		if (rc >= 2 && routes[i].p1 != NULL)
			check_str("params[1]", row, params[1], routes[i].p1);
	}
	/* More captures than room: no match. */
	CU_ASSERT(http_route_match("/a/{}/b/{}", "/a/1/b/2", params, 1) ==
	    -1);
	/* A capture must fit HTTP_MAX_PARAM_LEN with its NUL. */
	memset(path, 'x', sizeof(path));
	memcpy(path, "/i/", 3);
	path[3 + HTTP_MAX_PARAM_LEN - 1] = '\0';
	CU_ASSERT(http_route_match("/i/{}", path, params, 1) == 1);
	CU_ASSERT(strlen(params[0]) == HTTP_MAX_PARAM_LEN - 1);
	path[3 + HTTP_MAX_PARAM_LEN - 1] = 'x';
	path[3 + HTTP_MAX_PARAM_LEN] = '\0';
	CU_ASSERT(http_route_match("/i/{}", path, params, 1) == -1);
}

/*
 * The spec's error format.
 */

static void
test_error_json(void)
{
	struct http_resp r;
	json_object *root, *err, *extra, *c, *v;
	char msg[128];
	int64_t us;

	http_resp_init(&r, "req_abc123");
	extra = json_object_new_object();
	c = json_object_new_object();
	jsonx_add(c, "min_amount", jsonx_decimal("0.50"));
	jsonx_add(c, "max_amount", jsonx_decimal("10000.00"));
	jsonx_add_str(c, "currency", "USD");
	jsonx_add(extra, "constraints", c);
	http_error_ex(&r, 422, "validation_error", "INVALID_AMOUNT",
	    "Invoice amount must be between 0.50 USD and 10000.00 USD",
	    "items[0].unit_price", extra);
	check_int("status", "422", r.status, 422);
	CU_ASSERT(r.body.len > 0 && r.body.data[r.body.len - 1] == '\n');
	check_has("body", "422", r.body.data, "\"error\":{\"type\":"
	    "\"validation_error\",\"code\":\"INVALID_AMOUNT\",\"message\":"
	    "\"Invoice amount must be between 0.50 USD and 10000.00 USD\","
	    "\"field\":\"items[0].unit_price\",\"constraints\":{"
	    "\"min_amount\":0.50,\"max_amount\":10000.00,"
	    "\"currency\":\"USD\"}}");
	check_has("body", "422", r.body.data,
	    "\"request_id\":\"req_abc123\"");
	root = jsonx_parse(r.body.data, r.body.len, msg, sizeof(msg));
	CU_ASSERT_FATAL(root != NULL);
	CU_ASSERT(json_object_object_get_ex(root, "timestamp", &v));
	CU_ASSERT(time_parse_iso8601(json_object_get_string(v), &us) == 0);
	CU_ASSERT(json_object_object_get_ex(root, "error", &err));
	CU_ASSERT(json_object_object_length(root) == 3);
	json_object_put(root);

	/* No field, no extra: neither key appears. */
	http_error(&r, 404, "invalid_request_error", "NOT_FOUND",
	    "no such invoice", NULL);
	check_int("status", "404", r.status, 404);
	root = jsonx_parse(r.body.data, r.body.len, msg, sizeof(msg));
	CU_ASSERT_FATAL(root != NULL);
	CU_ASSERT_FATAL(json_object_object_get_ex(root, "error", &err));
	CU_ASSERT(!json_object_object_get_ex(err, "field", NULL));
	CU_ASSERT(json_object_object_length(err) == 3);
	json_object_put(root);

	http_header(&r, "X-Request-Id", "req_abc123");
	check_str("headers", "1", r.headers.data,
	    "X-Request-Id: req_abc123\r\n");
	http_resp_release(&r);

	check_str("status text", "422", http_status_text(422),
	    "Unprocessable Entity");
	check_str("status text", "413", http_status_text(413),
	    "Payload Too Large");
	check_str("status text", "999", http_status_text(999), "Unknown");
}

/*
 * jsonx
 */

/* n nested arrays, innermost holding inner (may be ""). */
static char *
nested(size_t n, const char *inner)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		buf_puts(&b, "[");
	buf_puts(&b, inner);
	for (i = 0; i < n; i++)
		buf_puts(&b, "]");
	return buf_take(&b);
}

static bool
parses(const char *s, size_t len)
{
	json_object *o;
	char err[128];

	err[0] = '\0';
	o = jsonx_parse(s, len, err, sizeof(err));
	if (o == NULL)
		CU_ASSERT(err[0] != '\0');
	json_object_put(o);
	return o != NULL;
}

static void
test_json_depth(void)
{
	char *s;

	s = nested(CC_MAX_JSON_DEPTH, "");
	CU_ASSERT(parses(s, strlen(s)));
	free(s);
	s = nested(CC_MAX_JSON_DEPTH + 1, "");
	CU_ASSERT(!parses(s, strlen(s)));
	free(s);
	s = nested(CC_MAX_JSON_DEPTH + 1, "1");
	CU_ASSERT(!parses(s, strlen(s)));
	free(s);
	s = nested(100000, "");
	CU_ASSERT(!parses(s, strlen(s)));
	free(s);
	s = nested(CC_MAX_JSON_DEPTH - 1, "{}");
	CU_ASSERT(parses(s, strlen(s)));
	free(s);
	s = nested(CC_MAX_JSON_DEPTH - 1, "{\"a\":{}}");
	CU_ASSERT(!parses(s, strlen(s)));
	free(s);
	s = nested(CC_MAX_JSON_DEPTH - 2, "{\"a\":1}");
	CU_ASSERT(parses(s, strlen(s)));
	free(s);
}

/*
 * Regression (lib/jsonx.c jsonx_parse): the grammar pre-check counts container
 * nesting up to CC_MAX_JSON_DEPTH, but json-c, made with the same depth,
 * also counts the scalar inside the innermost container: 16 nested
 * arrays pass when empty and fail when holding a number.
 */
static void
test_json_depth_scalar(void)
{
	char *s;

	s = nested(CC_MAX_JSON_DEPTH, "1");
	CU_ASSERT(parses(s, strlen(s)));
	free(s);
}

/* RFC 8259 documents that must be refused. */
static const struct {
	const char	*text;
	size_t		 len;
} json_bad[] = {
#define J(s)	{ s, sizeof(s) - 1 }
	J(""), J(" "), J("{"), J("}"), J("["), J("[1"), J("{\"a\""),
	J("{\"a\":"), J("[1,]"), J("{\"a\":1,}"), J("[,1]"), J("{'a':1}"),
	J("['a']"), J("[1.]"), J("[.5]"), J("[01]"), J("[-01]"), J("[+1]"),
	J("[-]"), J("[1e]"), J("[1e+]"), J("[0x10]"), J("[NaN]"),
	J("[Infinity]"), J("[-Infinity]"), J("[tru]"), J("[True]"),
	J("[nul]"), J("[null1]"), J("/*c*/[]"), J("[]//c"), J("[] #"),
	J("[\"a\tb\"]"), J("[\"a\nb\"]"), J("[\"\x01\"]"), J("[\"\\x41\"]"),
	J("[\"\\u12\"]"), J("[\"\\u12g4\"]"), J("[\"\\U0041\"]"),
	J("[\"abc]"), J("{\"a\" 1}"), J("{1:2}"), J("{a:1}"), J("[1 2]"),
	J("[] []"), J("[]x"), J("[]\0"), J("[\"a\0\"]"), J("\0[]"),
	J("[\"\xc3\x28\"]"), J("[\"\xff\"]"), J("[\"\x80\"]"),
	J("[\"\xe2\x82\"]"), J("{\"\xc3\":1}"),
#undef J
};

/*
 * Regression (lib/jsonx.c jsonx_parse, "UTF-8 validated"): json-c's UTF-8 check
 * only looks at the shape of sequences, so these invalid UTF-8 strings
 * (RFC 3629) are returned as parsed.
 */
static const struct {
	const char	*text;
	size_t		 len;
} json_bad_utf8[] = {
#define J(s)	{ s, sizeof(s) - 1 }
	J("[\"\xed\xa0\x80\"]"),	/* surrogate U+D800 */
	J("[\"\xc0\xaf\"]"),		/* overlong '/' */
	J("[\"\xe0\x80\xaf\"]"),	/* overlong '/' */
	J("[\"\xf0\x80\x80\xaf\"]"),	/* overlong '/' */
	J("[\"\xf4\x90\x80\x80\"]"),	/* U+110000 */
	J("[\"\xf5\x80\x80\x80\"]"),	/* lead byte F5 */
	J("{\"\xed\xbf\xbf\":1}"),	/* surrogate in a key */
#undef J
};

static const char *const json_good[] = {
	"{}", "[]", " [ ] ", "\t{\r\n}\n",
	"[1,-1,0,-0,1.5,1e5,1E-5,1.5e+3,-0.0,0.10]",
	"[\"\\u00e9\\n\\\"\\\\\\/\\b\\f\\r\\t\"]",
	"{\"a\":{\"b\":[true,false,null]}}",
	"[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]",
	"[\"\\ud83d\\ude00\"]",
	"[\"\xc2\x85\"]",		/* C1 controls are valid UTF-8 */
	"[\"\x7f\"]",
	"[12345678901234567890123.5]",	/* decimals keep their text */
	"[18446744073709551615,-9223372036854775808]",	/* 64-bit limits */
	"\"a string\"",
};

/*
 * Regression (lib/jsonx.c jsonx_parse): a document that is a bare number or
 * literal ends where the input ends, json-c answers "continue", and the
 * document is refused. Feeding json-c a terminating NUL fixes it.
 */
static const char *const json_scalars[] = {
	"10", "-1.5", "0", "true", "false",
};

static void
test_json_strict(void)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(json_bad); i++) {
		bool ok = parses(json_bad[i].text, json_bad[i].len);

		CU_ASSERT(!ok);
		if (ok)
			fprintf(stderr, "\n  jsonx_parse took %s\n",
			    json_bad[i].text);
	}
	for (i = 0; i < CC_ARRAY_SIZE(json_good); i++) {
		bool ok = parses(json_good[i], strlen(json_good[i]));

		CU_ASSERT(ok);
		if (!ok)
			fprintf(stderr, "\n  jsonx_parse refused %s\n",
			    json_good[i]);
	}
}

static void
test_json_bad_utf8(void)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(json_bad_utf8); i++) {
		bool ok = parses(json_bad_utf8[i].text, json_bad_utf8[i].len);

		CU_ASSERT(!ok);
		if (ok)
			fprintf(stderr, "\n  jsonx_parse took bad UTF-8, "
			    "row %zu\n", i);
	}
}

static void
test_json_scalars(void)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(json_scalars); i++) {
		bool ok = parses(json_scalars[i], strlen(json_scalars[i]));

		CU_ASSERT(ok);
		if (!ok)
			fprintf(stderr, "\n  jsonx_parse refused %s\n",
			    json_scalars[i]);
	}
}

static void
test_json_numbers(void)
{
	static const char *const texts[] = {
		"2.50", "1e2", "10", "-3", "1E+2", "0.10", "-0.0", "1.5e-7",
		"9.990", "12345678901234567890", "-9223372036854775808",
		"99999999999999999999999.5", "1e999",
	};
	json_object *arr, *o;
	struct buf b;
	char err[128];
	size_t i;

	buf_init(&b, 0);
	buf_puts(&b, "[");
	for (i = 0; i < CC_ARRAY_SIZE(texts); i++)
		buf_printf(&b, "%s%s", i ? ", " : "", texts[i]);
	buf_puts(&b, ",\"2.50\",true,null,{}]");
	arr = jsonx_parse(b.data, b.len, err, sizeof(err));
	CU_ASSERT_FATAL(arr != NULL);
	for (i = 0; i < CC_ARRAY_SIZE(texts); i++)
		check_str("jsonx_number_text", texts[i],
		    jsonx_number_text(json_object_array_get_idx(arr, i)),
		    texts[i]);
	for (; i < json_object_array_length(arr); i++)
		CU_ASSERT(jsonx_number_text(json_object_array_get_idx(arr,
		    i)) == NULL);
	CU_ASSERT(jsonx_number_text(NULL) == NULL);
	json_object_put(arr);
	buf_release(&b);

	/* Building: decimals keep their text, '/' is not escaped. */
	o = json_object_new_object();
	jsonx_add(o, "amount", jsonx_decimal("5.00"));
	jsonx_add(o, "big", jsonx_decimal("123456789012345678901234.5"));
	jsonx_add_str(o, "url", "https://x/y");
	jsonx_add_str(o, "none", NULL);
	jsonx_add(o, "n", jsonx_str_or_null(NULL));
	check_str("jsonx_text", "builders", jsonx_text(o),
	    "{\"amount\":5.00,\"big\":123456789012345678901234.5,"
	    "\"url\":\"https://x/y\",\"none\":null,\"n\":null}");
	json_object_put(o);
}

/*
 * Regression (lib/jsonx.c jsonx_parse / jsonx_number_text): json-c 0.16 clamps an
 * integer token outside int64/uint64 to the nearest limit, so its "exact
 * source text" comes back as another number (99999999999999999999999 as
 * 18446744073709551615). Either the document is refused or the text is
 * the one written; never a different number.
 */
static void
test_json_big_integers(void)
{
	static const char *const texts[] = {
		"99999999999999999999999", "18446744073709551616",
		"-9223372036854775809", "-99999999999999999999999",
	};
	json_object *arr;
	char doc[64], err[128];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(texts); i++) {
		snprintf(doc, sizeof(doc), "[%s]", texts[i]);
		arr = jsonx_parse(doc, strlen(doc), err, sizeof(err));
		if (arr == NULL)
			continue;
		check_str("jsonx_number_text", texts[i],
		    jsonx_number_text(json_object_array_get_idx(arr, 0)),
		    texts[i]);
		json_object_put(arr);
	}
}

static const struct {
	const char	*name;
	const char	*s;
	size_t		 len;
	bool		 nl;
	bool		 ok;
} utf8s[] = {
#define U(name, s, nl, ok)	{ name, s, sizeof(s) - 1, nl, ok }
	U("empty", "", false, true),
	U("ASCII", "hello, world ~", false, true),
	U("2-byte", "caf\xc3\xa9", false, true),
	U("3-byte", "\xe2\x82\xac", false, true),
	U("4-byte", "\xf0\x9f\x98\x80", false, true),
	U("U+10FFFF", "\xf4\x8f\xbf\xbf", false, true),
	U("U+00A0", "\xc2\xa0", false, true),
	U("U+FFFD", "\xef\xbf\xbd", false, true),
	U("U+E000", "\xee\x80\x80", false, true),
	U("tab", "a\tb", false, false),
	U("tab, multiline", "a\tb", true, true),
	U("LF, multiline", "a\nb", true, true),
	U("CRLF, multiline", "a\r\nb", true, true),
	U("LF", "a\nb", false, false),
	U("CR", "a\rb", false, false),
	U("NUL", "a\0b", false, false),
	U("NUL, multiline", "a\0b", true, false),
	U("0x01, multiline", "\x01", true, false),
	U("0x1f", "\x1f", true, false),
	U("DEL", "\x7f", true, false),
	U("C1 U+0080", "\xc2\x80", true, false),
	U("C1 U+009F", "\xc2\x9f", true, false),
	U("overlong NUL", "\xc0\x80", true, false),
	U("overlong 2-byte", "\xc1\xbf", true, false),
	U("overlong 3-byte", "\xe0\x80\xaf", true, false),
	U("overlong 3-byte max", "\xe0\x9f\xbf", true, false),
	U("overlong 4-byte", "\xf0\x8f\xbf\xbf", true, false),
	U("surrogate D800", "\xed\xa0\x80", true, false),
	U("surrogate DFFF", "\xed\xbf\xbf", true, false),
	U("U+110000", "\xf4\x90\x80\x80", true, false),
	U("lead F5", "\xf5\x80\x80\x80", true, false),
	U("lead FF", "\xff", true, false),
	U("lone continuation", "\x80", true, false),
	U("truncated 2-byte", "\xc3", true, false),
	U("truncated 3-byte", "\xe2\x82", true, false),
	U("truncated 4-byte", "\xf0\x9f\x98", true, false),
	U("bad continuation", "\xe2\x28\xac", true, false),
	U("ASCII after bad", "\xc3(", true, false),
#undef U
};

static void
test_utf8_clean(void)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(utf8s); i++)
		check_int("jsonx_utf8_clean", utf8s[i].name,
		    jsonx_utf8_clean(utf8s[i].s, utf8s[i].len, utf8s[i].nl),
		    utf8s[i].ok);
	/* n bounds the check: a bad byte past n is not looked at. */
	CU_ASSERT(jsonx_utf8_clean("ab\x01", 2, false));
	CU_ASSERT(!jsonx_utf8_clean("\xc3\xa9", 1, false));
}

/*
 * ids
 */

static void
test_ids(void)
{
	static const struct {
		const char	*raw;
		const char	*b32;
	} vecs[] = {
		/* RFC 4648 section 10, lower case, padding dropped. */
		{ "", "" },
		{ "f", "my" },
		{ "fo", "mzxq" },
		{ "foo", "mzxw6" },
		{ "foob", "mzxw6yq" },
		{ "fooba", "mzxw6ytb" },
		{ "foobar", "mzxw6ytboi" },
	};
	static const struct {
		const char	*prefix;
		const char	*s;
		bool		 ok;
	} valid[] = {
		{ "inv_", "inv_abcdefghijklmnopqrstuvwxyz", true },
		{ "inv_", "inv_234567abcdefghijklmnopqrst", true },
		{ "inv_", "inv_abcdefghijklmnopqrstuvwxy", false },
		{ "inv_", "inv_abcdefghijklmnopqrstuvwxyz2", false },
		{ "inv_", "inv_Abcdefghijklmnopqrstuvwxyz", false },
		{ "inv_", "inv_0bcdefghijklmnopqrstuvwxyz", false },
		{ "inv_", "inv_1bcdefghijklmnopqrstuvwxyz", false },
		{ "inv_", "inv_8bcdefghijklmnopqrstuvwxyz", false },
		{ "inv_", "inv_abcdefghijklmnopqrstuvwxy=", false },
		{ "inv_", "cus_abcdefghijklmnopqrstuvwxyz", false },
		{ "inv_", "abcdefghijklmnopqrstuvwxyz", false },
		{ "inv_", "inv_", false },
		{ "inv_", "", false },
		{ "", "abcdefghijklmnopqrstuvwxyz", true },
	};
	char a[IDS_MAX_LEN], b[IDS_MAX_LEN], out[32];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(vecs); i++) {
		ids_base32((const uint8_t *)vecs[i].raw, strlen(vecs[i].raw),
		    out, sizeof(out));
		check_str("ids_base32", vecs[i].raw, out, vecs[i].b32);
	}
	/* 16 bytes make 26 characters; a short buffer truncates. */
	ids_base32((const uint8_t *)"0123456789abcdef", 16, out, sizeof(out));
	CU_ASSERT(strlen(out) == 26);
	ids_base32((const uint8_t *)"foobar", 6, out, 4);
	check_str("ids_base32", "outlen 4", out, "mzx");
	for (i = 0; i < CC_ARRAY_SIZE(valid); i++)
		check_int("ids_valid", valid[i].s,
		    ids_valid(valid[i].prefix, valid[i].s), valid[i].ok);
	ids_new("inv_", a, sizeof(a));
	ids_new("inv_", b, sizeof(b));
	CU_ASSERT(strlen(a) == 4 + 26);
	CU_ASSERT(ids_valid("inv_", a) && ids_valid("inv_", b));
	CU_ASSERT(strcmp(a, b) != 0);
	CU_ASSERT(!ids_valid("evt_", a));
}

/*
 * API keys (the pure part)
 */

static const struct {
	const char	*s;
	bool		 ok;
} apikey_syntax[] = {
	{ "sk_live_abcdefghijklmnopqrstuvwxyz234567abcdefgh", true },
	{ "sk_test_abcdefghijklmnopqrstuvwxyz234567abcdefgh", true },
	{ "sk_live_invoices_abcdefghijklmnopqrstuvwxyz234567abcdefgh",
	    true },
	{ "sk_live_analytics_abcdefghijklmnopqrstuvwxyz234567abcdefgh",
	    true },
	/* exactly 40 base32 characters after a known prefix */
	{ "sk_live_abcdefghijklmnopqrstuvwxyz234567abcdefg", false },
	{ "sk_live_abcdefghijklmnopqrstuvwxyz234567abcdefghi", false },
	{ "sk_live_abcdefghijklmnopqrstuvwxyz234567abcdef1h", false },
	{ "sk_bogus_abcdefghijklmnopqrstuvwxyz234567abcdefgh", false },
	{ "sk_live_abc12345", false },
	{ "", false },
	{ "sk_", false },
	{ "pk_live_abcdefghijklmnopqrstuvwxyz", false },
	{ "SK_LIVE_abcdefghijklmnopqrstuvwxyz", false },
	{ "sk_live_ABCDEFGHIJKLMNOPQRSTUVWXYZ", false },
	{ "sk_live_abcdefghijklmno-pqrstuvwxyz", false },
	{ "sk_live_abcdefghijklmnopqrstuvwxyz ", false },
	{ "sk_live_abcdefghijklmnopqrstuvwxyz\n", false },
	{ "Bearer sk_live_abcdefghijklmnopqrstu", false },
	{ "sk_live_abcdefghijklmn\xc3\xa9pqrstuvwxyz", false },
};

static void
test_apikey_syntax(void)
{
	char key[APIKEY_MAX_SECRET + 2];
	int t;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(apikey_syntax); i++)
		check_int("apikey_syntax_ok", apikey_syntax[i].s,
		    apikey_syntax_ok(apikey_syntax[i].s), apikey_syntax[i].ok);
	/* Length bounds: the prefix and exactly 40 characters. */
	memset(key, 'a', sizeof(key));
	memcpy(key, "sk_live_", 8);
	key[8 + APIKEY_SECRET_CHARS] = '\0';
	CU_ASSERT(apikey_syntax_ok(key));
	key[8 + APIKEY_SECRET_CHARS] = 'a';
	key[8 + APIKEY_SECRET_CHARS + 1] = '\0';
	CU_ASSERT(!apikey_syntax_ok(key));
	key[8 + APIKEY_SECRET_CHARS - 1] = '\0';
	CU_ASSERT(!apikey_syntax_ok(key));

	/* Every generated key passes: its prefix and 40 base32 characters. */
	for (t = 0; t < APIKEY__MAX; t++) {
		const char *prefix = apikey_prefix((enum apikey_type)t);

		apikey_generate((enum apikey_type)t, key, sizeof(key));
		check_int("generated length", prefix, (long long)strlen(key),
		    (long long)(strlen(prefix) + 40));
		CU_ASSERT(strncmp(key, prefix, strlen(prefix)) == 0);
		CU_ASSERT(apikey_syntax_ok(key));
	}
}

/*
 * Regression (lib/apikey.c apikey_syntax_ok): apikey.h promises a check of the
 * "known prefix", but any "sk_" string of the right charset and length
 * passes, so a made-up key still costs a hash and a database lookup.
 */
static void
test_apikey_unknown_prefix(void)
{
	static const char *const keys[] = {
		"sk_bogus_abcdefghijklmnopqrstuvwxyz234567abcdefgh",
		"sk_abcdefghijklmnopqrstuvwxyz234567abcdefgh",
		"sk_test_analytics_abcdefghijklmnopqrstuvwxyz234567abcdefgh",
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(keys); i++)
		check_int("apikey_syntax_ok", keys[i],
		    apikey_syntax_ok(keys[i]), false);
}

static void
test_apikey_names(void)
{
	static const struct {
		const char	*name;
		int		 rc;
		unsigned	 bit;
	} scopes[] = {
		{ "invoices:create", 0, SCOPE_INVOICES_CREATE },
		{ "invoices:read", 0, SCOPE_INVOICES_READ },
		{ "invoices:cancel", 0, SCOPE_INVOICES_CANCEL },
		{ "invoices:refund", 0, SCOPE_INVOICES_REFUND },
		{ "analytics:read", 0, SCOPE_ANALYTICS_READ },
		{ "webhooks:manage", 0, SCOPE_WEBHOOKS_MANAGE },
		{ "*", 0, SCOPE_ALL },
		{ "invoices:*", -1, 0 },
		{ "Invoices:read", -1, 0 },
		{ "invoices:read ", -1, 0 },
		{ "", -1, 0 },
	};
	static const struct {
		enum apikey_type	 type;
		const char		*name;
		const char		*prefix;
		bool			 test;
		const char		*scopes;	/* scope_names */
	} types[] = {
		{ APIKEY_LIVE, "live", "sk_live_", false, "*" },
		{ APIKEY_TEST, "test", "sk_test_", true, "*" },
		{ APIKEY_INVOICES, "invoices", "sk_live_invoices_", false,
		    "invoices:create invoices:read invoices:cancel "
		    "invoices:refund" },
		{ APIKEY_ANALYTICS, "analytics", "sk_live_analytics_", false,
		    "analytics:read" },
	};
	const char *names[8];
	char mask[APIKEY_MASK_LEN], joined[256];
	enum apikey_type t;
	unsigned bit;
	size_t i;
	int n, k;

	for (i = 0; i < CC_ARRAY_SIZE(scopes); i++) {
		bit = 0;
		check_int("scope_from_name", scopes[i].name,
		    scope_from_name(scopes[i].name, &bit), scopes[i].rc);
		if (scopes[i].rc == 0) {
			check_int("bit", scopes[i].name, bit, scopes[i].bit);
			check_str("scope_name", scopes[i].name,
			    scope_name(bit), scopes[i].name);
		}
	}
	for (i = 0; i < CC_ARRAY_SIZE(types); i++) {
		check_str("apikey_type_name", types[i].name,
		    apikey_type_name(types[i].type), types[i].name);
		check_str("apikey_prefix", types[i].name,
		    apikey_prefix(types[i].type), types[i].prefix);
		check_int("apikey_type_test", types[i].name,
		    apikey_type_test(types[i].type), types[i].test);
		CU_ASSERT(apikey_type_from_name(types[i].name, &t) == 0 &&
		    t == types[i].type);
		n = scope_names(apikey_type_scopes(types[i].type), names,
		    CC_ARRAY_SIZE(names));
		joined[0] = '\0';
		for (k = 0; k < n; k++) {
			size_t len = strlen(joined);

			snprintf(joined + len, sizeof(joined) - len, "%s%s",
			    k ? " " : "", names[k]);
		}
		check_str("apikey_type_scopes", types[i].name, joined,
		    types[i].scopes);
	}
	CU_ASSERT(apikey_type_from_name("LIVE", &t) == -1);
	CU_ASSERT(apikey_type_from_name("", &t) == -1);
	CU_ASSERT(apikey_type_scopes(APIKEY_INVOICES) ==
	    (SCOPE_INVOICES_CREATE | SCOPE_INVOICES_READ |
	    SCOPE_INVOICES_CANCEL | SCOPE_INVOICES_REFUND));
	CU_ASSERT(apikey_type_scopes(APIKEY_ANALYTICS) ==
	    SCOPE_ANALYTICS_READ);
	CU_ASSERT((apikey_type_scopes(APIKEY_INVOICES) &
	    SCOPE_WEBHOOKS_MANAGE) == 0);

	/* scope_names: "*" only for the full set; max is respected. */
	CU_ASSERT(scope_names(0, names, 8) == 0);
	n = scope_names(SCOPE_ALL & ~SCOPE_WEBHOOKS_MANAGE, names, 8);
	CU_ASSERT(n == 5);
	n = scope_names(SCOPE_INVOICES_READ | SCOPE_ANALYTICS_READ, names, 8);
	CU_ASSERT(n == 2 && strcmp(names[0], "invoices:read") == 0 &&
	    strcmp(names[1], "analytics:read") == 0);
	CU_ASSERT(scope_names(SCOPE_ALL & ~SCOPE_WEBHOOKS_MANAGE, names,
	    2) == 2);
	CU_ASSERT(scope_names(SCOPE_ALL, names, 0) == 0);

	apikey_mask("sk_live_", "123", mask, sizeof(mask));
	check_str("apikey_mask", "live", mask, "sk_live_***123");
	apikey_mask("sk_live_invoices_", "x7q", mask, sizeof(mask));
	check_str("apikey_mask", "invoices", mask, "sk_live_invoices_***x7q");
	apikey_mask("sk_live_", "123", mask, 9);
	check_str("apikey_mask", "truncated", mask, "sk_live_");
}

/*
 * Invoice list cursors
 */

#define ID26	"abcdefghijklmnopqrstuvwxyz"

static void
encode_raw(const char *raw, char *out)
{
	b64url_encode((const uint8_t *)raw, strlen(raw), out);
}

static void
test_cursor(void)
{
	static const struct {
		int64_t		 us;
		const char	*id;
	} good[] = {
		{ 0, "inv_" ID26 },
		{ 1736935200123456LL, "inv_" ID26 },
		{ INT64_MAX, "inv_234567abcdefghijklmnopqrst" },
	};
	static const struct {
		const char	*name;
		const char	*raw;	/* base64url-encoded by the test */
	} bad_raw[] = {
		{ "empty", "" },
		{ "no dot", "123inv_" ID26 },
		{ "no number", ".inv_" ID26 },
		{ "negative", "-1.inv_" ID26 },
		{ "not a number", "abc.inv_" ID26 },
		{ "number and junk", "12x.inv_" ID26 },
		{ "overflow", "9223372036854775808.inv_" ID26 },
		{ "short id", "123.inv_abc" },
		{ "long id", "123.inv_" ID26 "a" },
		{ "other prefix", "123.cus_" ID26 },
		{ "upper-case id", "123.inv_ABCDEFGHIJKLMNOPQRSTUVWXYZ" },
		{ "two dots", "1.2.inv_" ID26 },
	};
	static const char *const bad_text[] = {
		"!!!!", "MTIz.", "MTIz=", "a", "MTIzLmludl9hYmM=",
	};
	char enc[200], want[200], id[48];
	uint8_t raw[8];
	int64_t us;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(good); i++) {
		invoice_cursor_encode(good[i].us, good[i].id, enc,
		    sizeof(enc));
		CU_ASSERT(enc[0] != '\0');
		CU_ASSERT(invoice_cursor_decode(enc, &us, id,
		    sizeof(id)) == 0);
		check_int("cursor us", good[i].id, us, good[i].us);
		check_str("cursor id", good[i].id, id, good[i].id);
	}
	/* The format is base64url("<us>.<id>"). */
	invoice_cursor_encode(5, "inv_" ID26, enc, sizeof(enc));
	encode_raw("5.inv_" ID26, want);
	check_str("cursor text", "5", enc, want);

	for (i = 0; i < CC_ARRAY_SIZE(bad_raw); i++) {
		encode_raw(bad_raw[i].raw, enc);
		check_int("invoice_cursor_decode", bad_raw[i].name,
		    invoice_cursor_decode(enc, &us, id, sizeof(id)), -1);
	}
	/* "5\0.inv_...": a NUL hides the rest. */
	memcpy(raw, "5\0.inv_", 7);
	b64url_encode(raw, 7, enc);
	CU_ASSERT(invoice_cursor_decode(enc, &us, id, sizeof(id)) == -1);
	for (i = 0; i < CC_ARRAY_SIZE(bad_text); i++)
		check_int("invoice_cursor_decode", bad_text[i],
		    invoice_cursor_decode(bad_text[i], &us, id, sizeof(id)),
		    -1);
	/* Too long to be one of ours. */
	memset(enc, 'A', 129);
	enc[129] = '\0';
	CU_ASSERT(invoice_cursor_decode(enc, &us, id, sizeof(id)) == -1);
	/* The id must fit the caller's buffer. */
	invoice_cursor_encode(5, "inv_" ID26, enc, sizeof(enc));
	CU_ASSERT(invoice_cursor_decode(enc, &us, id, 30) == -1);
	CU_ASSERT(invoice_cursor_decode(enc, &us, id, 31) == 0);
	/* Too small an output buffer gives "", never a partial cursor. */
	invoice_cursor_encode(5, "inv_" ID26, enc, 16);
	check_str("cursor", "small buffer", enc, "");
}

/*
 * Idempotency keys
 */

static void
test_idem(void)
{
	static const struct {
		const char	*key;
		bool		 ok;
	} keys[] = {
		{ "order_789_attempt_1", true },
		{ "a", true },
		{ "~!@#$%^&*()", true },
		{ "550e8400-e29b-41d4-a716-446655440000", true },
		{ "", false },
		{ "a b", false },
		{ " a", false },
		{ "a\t", false },
		{ "a\n", false },
		{ "\x7f", false },
		{ "caf\xc3\xa9", false },
	};
	static const struct {
		const char	*method;
		const char	*path;
		const char	*body;
		const char	*sha256;
	} hashes[] = {
		/* printf 'POST\0/api/v1/invoices\0{"a":1}' | sha256sum */
		{ "POST", "/api/v1/invoices", "{\"a\":1}",
		    "d5efd3551365cc70398e0b8ffc750cbda2c5b042"
		    "52fd013ce45cd2b065c9b711" },
		/* printf 'GET\0/\0' | sha256sum */
		{ "GET", "/", "",
		    "19fb856f52074c83ad846d55cca99520ef8e16fc"
		    "483079093cc491a6ddc3dae2" },
	};
	char key[CC_MAX_IDEMPOTENCY_KEY + 2], hex[65];
	uint8_t h1[32], h2[32];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(keys); i++)
		check_int("idem_key_ok", keys[i].key, idem_key_ok(keys[i].key),
		    keys[i].ok);
	memset(key, 'k', sizeof(key));
	key[CC_MAX_IDEMPOTENCY_KEY] = '\0';
	CU_ASSERT(idem_key_ok(key));
	key[CC_MAX_IDEMPOTENCY_KEY] = 'k';
	key[CC_MAX_IDEMPOTENCY_KEY + 1] = '\0';
	CU_ASSERT(!idem_key_ok(key));

	for (i = 0; i < CC_ARRAY_SIZE(hashes); i++) {
		idem_hash(hashes[i].method, hashes[i].path, hashes[i].body,
		    strlen(hashes[i].body), h1);
		hex_encode(h1, sizeof(h1), hex);
		check_str("idem_hash", hashes[i].path, hex, hashes[i].sha256);
	}
	/* The separators keep method, path and body apart. */
	idem_hash("POST", "/a", "b", 1, h1);
	idem_hash("POST", "/ab", "", 0, h2);
	CU_ASSERT(memcmp(h1, h2, 32) != 0);
	idem_hash("POST", "/a", "b", 1, h2);
	CU_ASSERT(memcmp(h1, h2, 32) == 0);
	/* len, not strlen, bounds the body. */
	idem_hash("POST", "/a", "bc", 1, h2);
	CU_ASSERT(memcmp(h1, h2, 32) == 0);
}

/*
 * config_load
 */

static int
write_temp(const char *text, char *path, size_t pathlen)
{
	FILE *f;
	int fd;

	cc_strlcpy(path, "/tmp/cc_test_misc_XXXXXX", pathlen);
	fd = mkstemp(path);
	if (fd == -1)
		return -1;
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		unlink(path);
		return -1;
	}
	fputs(text, f);
	if (fclose(f) == EOF) {
		unlink(path);
		return -1;
	}
	return 0;
}

#define DB		"[database]\nurl = postgresql:///x\n"
#define EVM_C		"0x5FbDB2315678afecb367f032d93F642f64180aa3"
#define TRON_C		"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"

/* line 0: a whole-file check, which names no line. */
static const struct {
	const char	*name;
	const char	*text;
	int		 line;
	const char	*msg;
} config_bad[] = {
	{ "unknown section", DB "[nope]\n", 3, "unknown section [nope]" },
	{ "section with a stray word", DB "[database x]\n", 3,
	    "unknown section [database]" },
	{ "empty section header", DB "[ ]\n", 3, "empty section header" },
	{ "malformed section header", DB "[http\n", 3,
	    "malformed section header" },
	{ "text after a header", DB "[http] x\n", 3,
	    "malformed section header" },
	{ "not key = value", DB "garbage\n", 3, "expected key = value" },
	{ "key outside a section", "url = x\n" DB, 1,
	    "key outside of a section" },
	{ "unknown key in [database]", DB "foo = 1\n", 3,
	    "unknown key 'foo'" },
	{ "unknown key in a network", DB "[network a]\nkind = evm\n"
	    "decimals = 6\n", 5, "unknown key 'decimals'" },
	{ "unknown key in an asset", DB "[network a]\nkind = evm\n"
	    "[asset a ETH]\nnative = true\nkind = evm\n", 7,
	    "unknown key 'kind'" },
	{ "threads 0", DB "[http]\nthreads = 0\n", 4,
	    "threads must be an integer in 1..256" },
	{ "threads not a number", DB "[http]\nthreads = 8x\n", 4,
	    "threads must be an integer" },
	{ "bad kind", DB "[network a]\nkind = btc\n", 4,
	    "kind must be evm or tron" },
	{ "kind in upper case", DB "[network a]\nkind = EVM\n", 4,
	    "kind must be evm or tron" },
	{ "bad mode", DB "[network a]\nkind = evm\nmode = prod\n", 5,
	    "mode must be test or live" },
	{ "negative chain_id", DB "[network a]\nchain_id = -1\n", 4,
	    "chain_id must be an integer" },
	{ "bad network name", DB "[network a.b]\n", 3,
	    "network name must be" },
	{ "duplicate network", DB "[network a]\nkind = evm\n"
	    "[network a]\n", 5, "network a defined twice" },
	{ "asset of an unknown network", DB "[asset zz USDT]\n", 3,
	    "asset of unknown network zz" },
	{ "asset before its network", DB "[asset a USDT]\n"
	    "[network a]\nkind = evm\n", 3, "asset of unknown network a" },
	{ "lower-case asset symbol", DB "[network a]\nkind = evm\n"
	    "[asset a usdt]\n", 5, "asset symbol must be upper-case" },
	{ "duplicate asset", DB "[network a]\nkind = evm\n"
	    "[asset a ETH]\nnative = true\n[asset a ETH]\n", 7,
	    "asset ETH defined twice" },
	{ "EVM contract on tron", DB "[network t]\nkind = tron\n"
	    "[asset t USDT]\ndecimals = 6\ncontract = " EVM_C "\n", 7,
	    "contract is not a valid tron address" },
	{ "TRON contract on evm", DB "[network a]\nkind = evm\n"
	    "[asset a USDT]\ncontract = " TRON_C "\n", 6,
	    "contract is not a valid evm address" },
	{ "bad EIP-55 checksum", DB "[network a]\nkind = evm\n"
	    "[asset a USDT]\n"
	    "contract = 0x5FbDB2315678afecb367f032d93F642f64180aA3\n", 6,
	    "contract is not a valid evm address" },
	{ "decimals 31", DB "[network a]\nkind = evm\n[asset a ETH]\n"
	    "decimals = 31\n", 6, "decimals must be an integer in 0..30" },
	{ "native maybe", DB "[network a]\nkind = evm\n[asset a ETH]\n"
	    "native = maybe\n", 6, "native must be true or false" },
	{ "peg in lower case", DB "[network a]\nkind = evm\n"
	    "[asset a USDT]\npeg = usd\n", 6, "peg must be an ISO 4217 code" },
	{ "unknown currency", DB "[currency XYZ]\n", 3,
	    "unknown ISO 4217 currency XYZ" },
	{ "duplicate currency", DB "[currency USD]\n[currency USD]\n", 4,
	    "currency USD defined twice" },
	{ "min too precise", DB "[currency USD]\nmin = 0.505\n", 4,
	    "min: too many decimal places" },
	{ "max negative", DB "[currency USD]\nmax = -1\n", 4,
	    "max: must not be negative" },
	{ "missing database url", "[http]\nthreads = 2\n", 0,
	    "[database] url is required" },
	{ "empty database url", "[database]\nurl =\n", 0,
	    "[database] url is required" },
	{ "min above max", DB "[currency USD]\nmin = 5\nmax = 1\n", 0,
	    "currency USD: min above max" },
	{ "network without kind", DB "[network a]\nmode = test\n", 0,
	    "network a: kind is required" },
	{ "asset without decimals", DB "[network a]\nkind = evm\n"
	    "[asset a USDT]\ncontract = " EVM_C "\n", 0,
	    "asset a USDT: decimals is required" },
	{ "asset without contract", DB "[network a]\nkind = evm\n"
	    "[asset a USDT]\ndecimals = 6\n", 0,
	    "asset a USDT: contract or native = true is required" },
};

static void
check_config_error(const char *name, const char *text, int line,
    const char *msg)
{
	struct cc_config cfg;
	char path[64], err[512], where[96];

	CU_ASSERT_FATAL(write_temp(text, path, sizeof(path)) == 0);
	err[0] = '\0';
	check_int("config_load", name, config_load(path, &cfg, err,
	    sizeof(err)), -1);
	check_has("message", name, err, msg);
	if (line > 0) {
		/* "path:line: message" */
		snprintf(where, sizeof(where), "%s:%d: ", path, line);
		CU_ASSERT(strncmp(err, where, strlen(where)) == 0);
		if (strncmp(err, where, strlen(where)) != 0)
			fprintf(stderr, "\n  [%s] %s\n    does not start "
			    "with %s\n", name, err, where);
	} else
		check_has("message", name, err, path);
	unlink(path);
}

static void
test_config_errors(void)
{
	struct cc_config cfg;
	struct buf b;
	char err[512];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(config_bad); i++)
		check_config_error(config_bad[i].name, config_bad[i].text,
		    config_bad[i].line, config_bad[i].msg);

	/* A line longer than the reader's buffer is refused, not split. */
	buf_init(&b, 0);
	buf_puts(&b, DB "[http]\npublic_url = https://x/");
	while (b.len < 1100)
		buf_puts(&b, "a");
	buf_puts(&b, "\n");
	check_config_error("line too long", b.data, 4, "line too long");
	buf_release(&b);

	CU_ASSERT(config_load("/nonexistent/cc.conf", &cfg, err,
	    sizeof(err)) == -1);
	check_has("message", "missing file", err, "cannot open config "
	    "/nonexistent/cc.conf");
}

/*
 * Regression (lib/config.c keyval, "contract"): with no kind in the network
 * section, an asset's contract is checked against ADDRESS__MAX and the
 * message passes address_kind_name()'s NULL to "%s" (undefined
 * behaviour; glibc prints "(null)"). The real fault, the missing kind,
 * is never named.
 */
static void
test_config_contract_without_kind(void)
{
	struct cc_config cfg;
	char path[64], err[512];

	CU_ASSERT_FATAL(write_temp(DB "[network a]\nmode = test\n"
	    "[asset a USDT]\ndecimals = 6\ncontract = " EVM_C "\n", path,
	    sizeof(path)) == 0);
	CU_ASSERT(config_load(path, &cfg, err, sizeof(err)) == -1);
	CU_ASSERT(strstr(err, "(null)") == NULL);
	check_has("message", "contract without kind", err, "kind");
	unlink(path);
}

static void
test_config_ok(void)
{
	static const char text[] =
	    "# comment\n"
	    "; comment\n"
	    "  [ database ]  \n"
	    "\turl   =   postgresql://u@h/db?sslmode=require  \n"
	    "[redis]\n"
	    "url = redis://127.0.0.1:6379\n"
	    "[http]\n"
	    "public_url = https://api.example.com/api/v1/public\n"
	    "[network mainnet]\n"
	    "kind = evm\n"
	    "chain_id = 1\n"
	    "mode = live\n"
	    "default_for = USDT, ETH\n"
	    "[asset mainnet USDT]\n"
	    "contract = 0xdac17f958d2ee523a2206206994597c13d831ec7\n"
	    "decimals = 6\n"
	    "[asset mainnet ETH]\n"
	    "native = yes\n"
	    "decimals = 18\n"
	    "[network nile]\n"
	    "kind = tron\n"
	    "mode = test\n"
	    "default_for = USDT\n"
	    "[asset nile USDT]\n"
	    "contract = " TRON_C "\n"
	    "decimals = 6\n";
	const struct cc_currency *c;
	const struct cc_network *n;
	struct cc_config cfg;
	char path[64], err[512];

	CU_ASSERT_FATAL(write_temp(text, path, sizeof(path)) == 0);
	if (config_load(path, &cfg, err, sizeof(err)) == -1) {
		CU_FAIL("config_load");
		fprintf(stderr, "\n  %s\n", err);
		unlink(path);
		return;
	}
	unlink(path);
	check_str("database_url", "ok", cfg.database_url,
	    "postgresql://u@h/db?sslmode=require");
	check_str("redis_url", "ok", cfg.redis_url, "redis://127.0.0.1:6379");
	check_int("threads default", "ok", cfg.threads, 8);
	/* No [currency]: USD with the spec's 0.50 - 10,000.00. */
	CU_ASSERT(cfg.ncurrencies == 1);
	c = config_currency(&cfg, "USD");
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT(c->exponent == 2 && c->min_minor == 50 &&
	    c->max_minor == 1000000);
	CU_ASSERT(config_currency(&cfg, "usd") == NULL);
	n = config_network(&cfg, "mainnet");
	CU_ASSERT_FATAL(n != NULL);
	CU_ASSERT(n->confirmations == 12 && !n->test && n->chain_id == 1);
	CU_ASSERT(config_asset(n, "ETH") != NULL &&
	    config_asset(n, "ETH")->native);
	n = config_network(&cfg, "nile");
	CU_ASSERT_FATAL(n != NULL);
	CU_ASSERT(n->confirmations == 19 && n->test);
	CU_ASSERT(config_default_network(&cfg, "USDT", false) ==
	    config_network(&cfg, "mainnet"));
	CU_ASSERT(config_default_network(&cfg, "ETH", false) ==
	    config_network(&cfg, "mainnet"));
	CU_ASSERT(config_default_network(&cfg, "USDT", true) ==
	    config_network(&cfg, "nile"));
	CU_ASSERT(config_default_network(&cfg, "ETH", true) == NULL);
	CU_ASSERT(config_default_network(&cfg, "US", false) == NULL);
	CU_ASSERT(config_known_crypto(&cfg, "ETH"));
	CU_ASSERT(!config_known_crypto(&cfg, "BTC"));
}

static void
test_config_path(void)
{
	char *a1[] = { "prog", "--config", "/a.conf", NULL };
	char *a2[] = { "prog", "-v", "--config=/b.conf", NULL };
	char *a3[] = { "prog", "--config", NULL };
	char *a4[] = { "prog", NULL };

	check_str("config_path", "--config X", config_path(3, a1), "/a.conf");
	check_str("config_path", "--config=X", config_path(3, a2), "/b.conf");
	CU_ASSERT(setenv("CC_CONF", "/env.conf", 1) == 0);
	check_str("config_path", "env", config_path(2, a3), "/env.conf");
	check_str("config_path", "args first", config_path(3, a1),
	    "/a.conf");
	CU_ASSERT(setenv("CC_CONF", "", 1) == 0);
	check_str("config_path", "empty env", config_path(1, a4),
	    CONFIG_DEFAULT_PATH);
	CU_ASSERT(unsetenv("CC_CONF") == 0);
	check_str("config_path", "default", config_path(1, a4),
	    CONFIG_DEFAULT_PATH);
}

static const struct cu_test tests[] = {
	{ "time_parse_iso8601", test_time },
	{ "time_format_utc", test_time_format },
	{ "base64url", test_b64url },
	{ "hex", test_hex },
	{ "buf caps", test_buf },
	{ "bounded strings", test_strings },
	{ "http_url_decode", test_url_decode },
	{ "http_query_parse", test_query },
	{ "http_query_parse limits", test_query_limits },
	{ "http_route_match", test_routes },
	{ "error JSON", test_error_json },
	{ "jsonx_parse depth", test_json_depth },
	{ "jsonx_parse strict grammar", test_json_strict },
	{ "jsonx_number_text and builders", test_json_numbers },
	{ "jsonx_utf8_clean", test_utf8_clean },
	{ "ids", test_ids },
	{ "apikey_syntax_ok", test_apikey_syntax },
	{ "apikey names, scopes, mask", test_apikey_names },
	{ "invoice cursors", test_cursor },
	{ "idempotency keys and hash", test_idem },
	{ "config_load errors", test_config_errors },
	{ "config_load defaults and lookups", test_config_ok },
	{ "config_path", test_config_path },
	{ "jsonx_parse takes invalid UTF-8", test_json_bad_utf8 },
	{ "jsonx_parse refuses top-level scalars", test_json_scalars },
	{ "jsonx_parse depth counts a scalar",
	    test_json_depth_scalar },
	{ "huge integers change value", test_json_big_integers },
	{ "apikey_syntax_ok takes unknown prefixes",
	    test_apikey_unknown_prefix },
	{ "config contract check without kind",
	    test_config_contract_without_kind },
};

int
main(void)
{
	return cu_run("misc", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
