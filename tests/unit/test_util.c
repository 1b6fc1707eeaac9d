/*
 * Unit tests of lib/util.c: ISO 8601 times, base64url (RFC 4648), hex, the
 * capped buffer, bounded strings and the cron tools' command line.
 * Expected times come from date(1) (date -u -d ... +%s).
 */
#include "cc.h"

#include "cu_run.h"

#include "log.h"
#include "util.h"

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

static void
no_usage(FILE *f)
{
	(void)f;
}

/* The cron tools' command line: --config, --for, --quiet, --help. */
static void
test_cron_args(void)
{
	static const struct {
		const char	*args[5];
		int		 rc;
		long long	 run_for;
	} rows[] = {
		{ { NULL }, 0, 0 },
		{ { "--for", "55", NULL }, 0, 55 },
		{ { "--quiet", "--for", "55", NULL }, 0, 55 },
		{ { "--config", "/x.conf", "--for", "55", "--quiet" }, 0, 55 },
		{ { "--config", "/x.conf", "--quiet", NULL }, 0, 0 },
		{ { "--for", "86400", NULL }, 0, 86400 },
		{ { "--help", NULL }, 1, 0 },
		{ { "--quiet", "--help", NULL }, 1, 0 },
		{ { "--quiet", "--for", NULL }, 2, 0 },
		{ { "--for", "86401", NULL }, 2, 0 },
		{ { "--network", "x", NULL }, 2, 0 },
		{ { "-q", NULL }, 2, 0 },
	};
	size_t i, n;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		char *argv[7] = { "cc-test" };
		long long run_for = -1;
		int rc;

		for (n = 0; n < 5 && rows[i].args[n] != NULL; n++)
			argv[n + 1] = (char *)rows[i].args[n];
		rc = cron_args((int)n + 1, argv, "cc-test", no_usage,
		    &run_for);
		EXPECT(rc == rows[i].rc, "row %zu: cron_args returned %d, "
		    "not %d", i, rc, rows[i].rc);
		if (rc == 0)
			EXPECT(run_for == rows[i].run_for, "row %zu: --for %lld, "
			    "not %lld", i, run_for, rows[i].run_for);
	}
	log_set_level(LOG_LVL_INFO);
}

static const struct cu_test tests[] = {
	{ "time_parse_iso8601", test_time },
	{ "time_format_utc", test_time_format },
	{ "base64url", test_b64url },
	{ "hex", test_hex },
	{ "buf caps", test_buf },
	{ "bounded strings", test_strings },
	{ "cron_args", test_cron_args },
};

int
main(void)
{
	return cu_run("util", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
