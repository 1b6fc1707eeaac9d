/*
 * Unit tests of lib/whsig.c, webhook signatures: HMAC values come from
 * openssl dgst, with the command beside each.
 */
#include "cc.h"

#include "cu_run.h"

#include "util.h"
#include "whsig.h"

/*
 * Webhook signatures. Each want is the output of
 *   printf '%s' '<timestamp>.<body>' | openssl dgst -sha256 -hmac '<secret>'
 * (the NUL row: printf '1700000000.a\000b' | openssl dgst ...).
 */
#define SECRET		"whsec_test"
#define TS		INT64_C(1700000000)
#define BODY		"{\"id\":\"evt_1\",\"type\":\"invoice.paid\"}"
#define BODY2		"{\"event\":\"invoice.confirmed\"," \
			"\"invoice\":\"inv_3k4\"}"
#define BODY_SIG	"sha256=4aa90aa69730f112c87accbf54203d1076675eae" \
			"3b18a5cb82b5ab9e7f5cd5bc"
#define BODY_SIG_UC	"sha256=4AA90AA69730F112C87ACCBF54203D1076675EAE" \
			"3B18A5CB82B5AB9E7F5CD5BC"

struct sign_row {
	const char	*secret;
	int64_t		 ts;
	const char	*body;
	size_t		 len;
	const char	*want;
};

static const struct sign_row sign_rows[] = {
	/* printf '%s' '1700000000.{"id":"evt_1","type":"invoice.paid"}' |
	 *     openssl dgst -sha256 -hmac 'whsec_test' */
	{ SECRET, TS, BODY, sizeof(BODY) - 1, BODY_SIG },
	/* printf '%s' '0.' | openssl dgst -sha256 -hmac 'whsec_test' */
	{ SECRET, 0, "", 0, "sha256=a2fa7a43c6a1cf2e784eaf3327d65c65"
	    "b3d2b790320ebed9aa5661bc42a8cccd" },
	{ SECRET, 0, NULL, 0, "sha256=a2fa7a43c6a1cf2e784eaf3327d65c65"
	    "b3d2b790320ebed9aa5661bc42a8cccd" },
	/* printf '%s' '-1.x' | openssl dgst -sha256 -hmac 'k' */
	{ "k", -1, "x", 1, "sha256=e8bfd4dd04623449cc342ec6c10f97ae"
	    "aff4d0ef2c807ceb423187608cd5256b" },
	/* printf '%s' '1736935200.{"event":"invoice.confirmed",
	 *     "invoice":"inv_3k4"}' (one line) | openssl dgst -sha256 -hmac
	 *     'whsec_abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst' */
	{ "whsec_abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst",
	    INT64_C(1736935200),
	    BODY2, sizeof(BODY2) - 1,
	    "sha256=10d694fe9188fd20169db19bfdd825a09ca3c54db3b81a448c733e91"
	    "1a1bd90f" },
	/* printf '%s' '1700000000.hello' | openssl dgst -sha256 -hmac '' */
	{ "", TS, "hello", 5, "sha256=57867bfbda13e7e14983798749a2a98c"
	    "6326e56b558fd46ffb36f0a854bbc1d7" },
	/* printf '1700000000.a\000b' | openssl dgst -sha256 -hmac
	 *     'whsec_test': the length, not a NUL, ends the body. */
	{ SECRET, TS, "a\0b", 3, "sha256=473ed9fa197a1ed3d5a0ed5c700ee596"
	    "ef1ec944994ae1cb6e8c59bd4990dba3" },
};

static void
test_sign(void)
{
	char out[WHSIG_SIG_SIZE];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(sign_rows); i++) {
		const struct sign_row *r = &sign_rows[i];

		memset(out, 'X', sizeof(out));
		whsig_sign(r->secret, r->ts, r->body, r->len, out,
		    sizeof(out));
		EXPECT(strcmp(out, r->want) == 0, "sign row %zu:\n    got  %s"
		    "\n    want %s", i, out, r->want);
		EXPECT(strlen(out) == WHSIG_SIG_SIZE - 1, "sign row %zu: "
		    "length %zu", i, strlen(out));
	}
}

struct verify_row {
	const char	*what;
	const char	*secret;
	const char	*header;
	int64_t		 ts;
	int64_t		 now;
	int64_t		 tolerance;
	const char	*body;
	int		 want;
};

static const struct verify_row verify_rows[] = {
	{ "ok", SECRET, BODY_SIG, TS, TS, 300, BODY, 0 },
	{ "ok, upper-case hex", SECRET, BODY_SIG_UC, TS, TS, 300, BODY, 0 },
	{ "ok, 300 s old", SECRET, BODY_SIG, TS, TS + 300, 300, BODY, 0 },
	{ "ok, 300 s ahead", SECRET, BODY_SIG, TS, TS - 300, 300, BODY, 0 },
	{ "too old", SECRET, BODY_SIG, TS, TS + 301, 300, BODY, -2 },
	{ "much too old", SECRET, BODY_SIG, TS, TS + 86400, 300, BODY, -2 },
	{ "too new", SECRET, BODY_SIG, TS, TS - 301, 300, BODY, -2 },
	{ "negative tolerance", SECRET, BODY_SIG, TS, TS + 1, -5, BODY, -2 },
	{ "tampered body", SECRET, BODY_SIG, TS, TS, 300,
	    "{\"id\":\"evt_1\",\"type\":\"invoice.paiD\"}", -1 },
	{ "body with a byte more", SECRET, BODY_SIG, TS, TS, 300,
	    BODY " ", -1 },
	{ "wrong secret", "whsec_tesT", BODY_SIG, TS, TS, 300, BODY, -1 },
	{ "other timestamp", SECRET, BODY_SIG, TS + 1, TS + 1, 300, BODY,
	    -1 },
	{ "tampered and too old", SECRET, BODY_SIG, TS, TS + 301, 300,
	    "{}", -1 },
	{ "no sha256= prefix", SECRET, BODY_SIG + 7, TS, TS, 300, BODY, -1 },
	{ "upper-case prefix", SECRET, "SHA256=4aa90aa69730f112c87accbf54203"
	    "d1076675eae3b18a5cb82b5ab9e7f5cd5bc", TS, TS, 300, BODY, -1 },
	{ "sha1 prefix", SECRET, "sha1=4aa90aa69730f112c87accbf54203d1076675"
	    "eae3b18a5cb82b5ab9e7f5cd5bc", TS, TS, 300, BODY, -1 },
	{ "one digit short", SECRET, "sha256=4aa90aa69730f112c87accbf54203d1"
	    "076675eae3b18a5cb82b5ab9e7f5cd5b", TS, TS, 300, BODY, -1 },
	{ "one digit more", SECRET, BODY_SIG "0", TS, TS, 300, BODY, -1 },
	{ "trailing newline", SECRET, BODY_SIG "\n", TS, TS, 300, BODY, -1 },
	{ "leading space", SECRET, " " BODY_SIG, TS, TS, 300, BODY, -1 },
	{ "not hex", SECRET, "sha256=4aa90aa69730f112c87accbf54203d107667"
	    "5eae3b18a5cb82b5ab9e7f5cd5bg", TS, TS, 300, BODY, -1 },
	{ "last digit changed", SECRET, "sha256=4aa90aa69730f112c87accbf5420"
	    "3d1076675eae3b18a5cb82b5ab9e7f5cd5bd", TS, TS, 300, BODY, -1 },
	{ "prefix only", SECRET, "sha256=", TS, TS, 300, BODY, -1 },
	{ "empty", SECRET, "", TS, TS, 300, BODY, -1 },
	{ "NULL header", SECRET, NULL, TS, TS, 300, BODY, -1 },
};

static void
test_verify(void)
{
	char sig[WHSIG_SIG_SIZE];
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(verify_rows); i++) {
		const struct verify_row *r = &verify_rows[i];

		rc = whsig_verify(r->secret, r->header, r->ts, r->now,
		    r->tolerance, r->body, strlen(r->body));
		EXPECT(rc == r->want, "verify row %zu (%s): %d, want %d", i,
		    r->what, rc, r->want);
	}

	/* Timestamps at the ends of int64_t: no overflow in the age. */
	whsig_sign(SECRET, INT64_MIN, BODY, strlen(BODY), sig, sizeof(sig));
	EXPECT(whsig_verify(SECRET, sig, INT64_MIN, INT64_MAX, INT64_MAX,
	    BODY, strlen(BODY)) == -2, "INT64_MIN against INT64_MAX");
	EXPECT(whsig_verify(SECRET, sig, INT64_MIN, INT64_MIN, 0,
	    BODY, strlen(BODY)) == 0, "INT64_MIN now");
	whsig_sign(SECRET, INT64_MAX, BODY, strlen(BODY), sig, sizeof(sig));
	EXPECT(whsig_verify(SECRET, sig, INT64_MAX, INT64_MIN, INT64_MAX,
	    BODY, strlen(BODY)) == -2, "INT64_MAX against INT64_MIN");
	EXPECT(whsig_verify(SECRET, sig, INT64_MAX, 0, INT64_MAX,
	    BODY, strlen(BODY)) == 0, "INT64_MAX against 0");
	EXPECT(whsig_verify(SECRET, sig, INT64_MAX, -1, INT64_MAX,
	    BODY, strlen(BODY)) == -2, "INT64_MAX against -1");
	EXPECT(whsig_verify(NULL, BODY_SIG, TS, TS, 300, BODY,
	    strlen(BODY)) == -1, "NULL secret");
}

static void
test_new_secret(void)
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	char a[WHSIG_SECRET_SIZE], b[WHSIG_SECRET_SIZE];
	size_t i;

	whsig_new_secret(a, sizeof(a));
	whsig_new_secret(b, sizeof(b));
	EXPECT(strlen(a) == WHSIG_SECRET_SIZE - 1, "length %zu", strlen(a));
	EXPECT(strncmp(a, "whsec_", 6) == 0, "prefix: %s", a);
	for (i = 6; a[i] != '\0'; i++)
		EXPECT(strchr(b32, a[i]) != NULL, "byte %zu: %c", i, a[i]);
	EXPECT(strcmp(a, b) != 0, "two secrets alike");
}

static const struct cu_test tests[] = {
	{ "whsig_sign", test_sign },
	{ "whsig_verify", test_verify },
	{ "whsig_new_secret", test_new_secret },
};

int
main(void)
{
	return cu_run("whsig", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
