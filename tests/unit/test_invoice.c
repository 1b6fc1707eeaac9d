/*
 * Unit tests of lib/invoice.c, its pure part: the List Invoices cursors
 * and the text of its results.
 */
#include "cc.h"

#include "cu_run.h"

#include "invoice.h"
#include "util.h"

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
 * Every result has its own text; a value outside the enum has one too,
 * never NULL, since callers put it in log lines.
 */
static void
test_strerror(void)
{
	const char *a, *b;
	int i, j;

	for (i = 0; i < INVOICE__MAX; i++) {
		a = invoice_strerror((enum invoice_result)i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(a);
		CU_ASSERT(strcmp(a, "unknown result") != 0);
		for (j = 0; j < i; j++) {
			b = invoice_strerror((enum invoice_result)j);
			CU_ASSERT(strcmp(a, b) != 0);
		}
	}
	check_str("invoice_strerror", "__MAX", invoice_strerror(INVOICE__MAX),
	    "unknown result");
	check_str("invoice_strerror", "-1",
	    invoice_strerror((enum invoice_result)-1), "unknown result");
}

static const struct cu_test tests[] = {
	{ "invoice cursors", test_cursor },
	{ "invoice results", test_strerror },
};

int
main(void)
{
	return cu_run("invoice", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
