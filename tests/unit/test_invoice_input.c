/*
 * Unit tests for lib/invoice_input: the Create Invoice validator, one table
 * row per rule of lib/invoice_input.c and of the spec's "Create Invoice" and
 * "Error Handling" sections. The configuration is a private cc.conf written
 * to a temporary file by the suite's setup.
 */
#include "cc.h"

#include <unistd.h>

#include <CUnit/Basic.h>

#include "cu_run.h"

#include "config.h"
#include "invoice_input.h"
#include "jsonx.h"
#include "util.h"

static struct cc_config	cfg;
static char		cfg_path[] = "/tmp/cc_test_invoice_input_XXXXXX";
static bool		cfg_written;

static const char cfg_text[] =
	"# cc.conf for test_invoice_input\n"
	"[database]\n"
	"url = postgresql:///cc_unit_test\n"
	"\n"
	"[currency USD]\n"
	"min = 0.50\n"
	"max = 10000.00\n"
	"\n"
	"[currency EUR]\n"
	"\n"
	"[currency JPY]\n"
	"min = 50\n"
	"max = 1500000\n"
	"\n"
	"[network anvil]\n"
	"kind = evm\n"
	"chain_id = 31337\n"
	"mode = test\n"
	"default_for = USDT ETH\n"
	"\n"
	"[asset anvil USDT]\n"
	"contract = 0x5FbDB2315678afecb367f032d93F642f64180aa3\n"
	"decimals = 6\n"
	"peg = USD\n"
	"\n"
	"[asset anvil ETH]\n"
	"native = true\n"
	"decimals = 18\n"
	"\n"
	"[network tron]\n"
	"kind = tron\n"
	"mode = live\n"
	"\n"
	"[asset tron USDT]\n"
	"contract = TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t\n"
	"decimals = 6\n";

static int
suite_init(void)
{
	char err[512];
	FILE *f;
	int fd;

	fd = mkstemp(cfg_path);
	if (fd == -1)
		return -1;
	cfg_written = true;
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		return -1;
	}
	if (fputs(cfg_text, f) == EOF) {
		fclose(f);
		return -1;
	}
	if (fclose(f) == EOF)
		return -1;
	if (config_load(cfg_path, &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "config_load: %s\n", err);
		return -1;
	}
	return 0;
}

static int
suite_cleanup(void)
{
	if (cfg_written)
		unlink(cfg_path);
	return 0;
}

/*
 * Runs one body and checks the outcome. A failure must leave in empty, and
 * e->extra holds the constraints of a limit (released here).
 */
static void
run_row(const char *name, const char *body, size_t len, int rc, int status,
    const char *code, const char *field)
{
	struct invoice_input in;
	struct input_error e;
	int got;

	got = invoice_input_parse(body, len, &cfg, &in, &e);
	check_int("rc", name, got, rc);
	if (got == -1 && rc == -1) {
		check_int("status", name, e.status, status);
		check_str("code", name, e.code, code);
		check_str("field", name, e.field, field);
		check_str("type", name, e.type, status == 400 ?
		    "invalid_request_error" : "validation_error");
		CU_ASSERT(e.message[0] != '\0');
		CU_ASSERT(in.items == NULL && in.title == NULL &&
		    in.metadata == NULL && in.webhook_url == NULL);
		/* Bounds and formats carry constraints; absence and
		 * types none. */
		if (strcmp(code, "MISSING_FIELD") == 0 ||
		    strcmp(code, "INVALID_TYPE") == 0)
			CU_ASSERT(e.extra == NULL);
		if (strcmp(code, "INVALID_LENGTH") == 0)
			EXPECT(e.extra != NULL &&
			    json_object_object_get_ex(e.extra,
			    "constraints", NULL), "%s: no constraints", name);
	} else if (got == -1)
		fprintf(stderr, "\n  [%s] refused: %d %s %s: %s\n", name,
		    e.status, e.code, e.field, e.message);
	else if (got == 0) {
		CU_ASSERT(e.status == 0 && e.extra == NULL);
		CU_ASSERT(in.items != NULL && in.metadata != NULL);
	}
	invoice_input_release(&in);
	input_error_release(&e);
}

/*
 * Bodies. CUR is the required pair; ONE a valid single item of 9.99; B(x)
 * a valid body plus the members in x (which starts with a comma); BI(x)
 * the required pair with items x.
 */
#define CUR	"\"currency\":\"USD\",\"crypto_currency\":\"USDT\""
#define ONE	"{\"name\":\"A\",\"unit_price\":9.99}"
#define B(x)	"{" CUR ",\"items\":[" ONE "]" x "}"
#define BI(x)	"{" CUR ",\"items\":[" x "]}"
#define BC(c, x) \
	"{\"currency\":\"" c "\",\"crypto_currency\":\"USDT\",\"items\":[" \
	x "]}"
#define P(x)	"{\"name\":\"A\",\"unit_price\":" x "}"
#define QP(q, x) "{\"name\":\"A\",\"quantity\":" q ",\"unit_price\":" x "}"

/* The spec's Create Invoice request, verbatim. */
static const char spec_body[] =
	"{\n"
	"  \"title\": \"VPN Service Order\",\n"
	"  \"description\": \"Monthly VPN subscription with premium "
	"features\",\n"
	"  \"items\": [\n"
	"    {\n"
	"      \"name\": \"VPN Premium Plan\",\n"
	"      \"description\": \"Monthly subscription with unlimited "
	"bandwidth\",\n"
	"      \"quantity\": 1,\n"
	"      \"unit_price\": 9.99\n"
	"    },\n"
	"    {\n"
	"      \"name\": \"Additional Static IP\",\n"
	"      \"quantity\": 2,\n"
	"      \"unit_price\": 2.50\n"
	"    }\n"
	"  ],\n"
	"  \"tax\": 1.50,\n"
	"  \"currency\": \"USD\",\n"
	"  \"crypto_currency\": \"USDT\",\n"
	"  \"price_lock_duration\": 1800,\n"
	"  \"expires_in\": 1800,\n"
	"  \"payment_tolerance\": {\n"
	"    \"underpayment_threshold\": 0.01,\n"
	"    \"overpayment_threshold\": 1.00,\n"
	"    \"overpayment_action\": \"credit_account\"\n"
	"  },\n"
	"  \"webhook_url\": \"https://merchant.com/webhook\",\n"
	"  \"return_url\": \"https://merchant.com/success\",\n"
	"  \"cancel_url\": \"https://merchant.com/cancel\",\n"
	"  \"metadata\": {\n"
	"    \"customer_id\": \"cust_456\",\n"
	"    \"order_id\": \"ord_789\",\n"
	"    \"customer_email\": \"customer@example.com\"\n"
	"  }\n"
	"}\n";

struct row {
	const char	*name;
	const char	*body;
	int		 rc;
	int		 status;
	const char	*code;
	const char	*field;
};

static const struct row rows[] = {
	/* The whole body. */
	{ "spec example", spec_body, 0, 0, "", "" },
	{ "minimal body", B(""), 0, 0, "", "" },
	{ "empty body", "", -1, 400, "INVALID_JSON", "" },
	{ "truncated", "{\"currency\":", -1, 400, "INVALID_JSON", "" },
	{ "not JSON", "currency=USD", -1, 400, "INVALID_JSON", "" },
	{ "array", "[" B("") "]", -1, 400, "INVALID_JSON", "" },
	{ "string", "\"USD\"", -1, 400, "INVALID_JSON", "" },
	{ "number", "42", -1, 400, "INVALID_JSON", "" },
	{ "null", "null", -1, 400, "INVALID_JSON", "" },
	{ "trailing garbage", B("") " x", -1, 400, "INVALID_JSON", "" },
	{ "two objects", B("") B(""), -1, 400, "INVALID_JSON", "" },
	{ "trailing comma", B(","), -1, 400, "INVALID_JSON", "" },
	{ "single quotes", "{'currency':'USD'}", -1, 400, "INVALID_JSON",
	    "" },
	{ "comment", "/* c */" B(""), -1, 400, "INVALID_JSON", "" },
	{ "raw tab in a string", B(",\"description\":\"a\tb\""), -1, 400,
	    "INVALID_JSON", "" },
	{ "raw newline in a string", B(",\"description\":\"a\nb\""), -1, 400,
	    "INVALID_JSON", "" },
	{ "number 9.", BI(P("9.")), -1, 400, "INVALID_JSON", "" },
	{ "number .5", BI(P(".5")), -1, 400, "INVALID_JSON", "" },
	{ "number 01", BI(P("01")), -1, 400, "INVALID_JSON", "" },
	{ "number +1", BI(P("+1")), -1, 400, "INVALID_JSON", "" },
	{ "Infinity", BI(P("Infinity")), -1, 400, "INVALID_JSON", "" },
	{ "NaN in metadata", B(",\"metadata\":{\"k\":NaN}"), -1, 400,
	    "INVALID_JSON", "" },
	{ "bad escape", B(",\"title\":\"\\x41\""), -1, 400, "INVALID_JSON",
	    "" },
	{ "whitespace around", " \r\n\t" B("") " \n", 0, 0, "", "" },
	/* A key given twice: refused, named, wherever it is. */
	{ "duplicate top-level key", B(",\"title\":\"a\",\"title\":\"b\""),
	    -1, 400, "DUPLICATE_KEY", "title" },
	{ "duplicate currency", "{\"currency\":\"EUR\"," CUR ",\"items\":["
	    ONE "]}", -1, 400, "DUPLICATE_KEY", "currency" },
	{ "duplicate escaped key", B(",\"tax\":1,\"\\u0074ax\":2"), -1, 400,
	    "DUPLICATE_KEY", "tax" },
	{ "duplicate item key",
	    BI("{\"name\":\"A\",\"unit_price\":1,\"unit_price\":100}"), -1,
	    400, "DUPLICATE_KEY", "items[0].unit_price" },
	{ "duplicate in the second item",
	    BI(P("1") ",{\"name\":\"A\",\"name\":\"B\",\"unit_price\":1}"),
	    -1, 400, "DUPLICATE_KEY", "items[1].name" },
	{ "duplicate metadata key",
	    B(",\"metadata\":{\"k\":\"a\",\"k\":\"b\"}"), -1, 400,
	    "DUPLICATE_KEY", "metadata.k" },
	{ "equal keys in two objects", BI(P("1") "," P("2")), 0, 0, "", "" },

	/* Unknown fields. */
	{ "unknown top-level field", B(",\"foo\":1"), -1, 422,
	    "UNKNOWN_FIELD", "foo" },
	{ "field names are case-sensitive", B(",\"Title\":\"x\""), -1, 422,
	    "UNKNOWN_FIELD", "Title" },
	{ "unknown null field", B(",\"foo\":null"), -1, 422, "UNKNOWN_FIELD",
	    "foo" },
	{ "unknown item field",
	    BI("{\"name\":\"A\",\"unit_price\":1,\"foo\":1}"), -1, 422,
	    "UNKNOWN_FIELD", "items[0].foo" },
	{ "unknown field in the 2nd item",
	    BI(ONE ",{\"name\":\"B\",\"unit_price\":1,\"bar\":true}"), -1, 422,
	    "UNKNOWN_FIELD", "items[1].bar" },
	{ "unknown tolerance field",
	    B(",\"payment_tolerance\":{\"refund\":1}"), -1, 422,
	    "UNKNOWN_FIELD", "payment_tolerance.refund" },
	/* A name not fit to echo is not put in field. */
	{ "unknown field, long name",
	    B(",\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":1"), -1, 422,
	    "UNKNOWN_FIELD", "" },

	/* Required fields. */
	{ "currency missing",
	    "{\"crypto_currency\":\"USDT\",\"items\":[" ONE "]}", -1, 422,
	    "MISSING_FIELD", "currency" },
	{ "currency null",
	    "{\"currency\":null,\"crypto_currency\":\"USDT\",\"items\":["
	    ONE "]}", -1, 422, "MISSING_FIELD", "currency" },
	{ "crypto_currency missing",
	    "{\"currency\":\"USD\",\"items\":[" ONE "]}", -1, 422,
	    "MISSING_FIELD", "crypto_currency" },
	{ "items missing", "{" CUR "}", -1, 422, "MISSING_FIELD", "items" },
	{ "items null", "{" CUR ",\"items\":null}", -1, 422, "MISSING_FIELD",
	    "items" },
	{ "items empty", BI(""), -1, 422, "INVALID_LENGTH", "items" },
	{ "items an object", "{" CUR ",\"items\":{}}", -1, 422,
	    "INVALID_TYPE", "items" },
	{ "items a string", "{" CUR ",\"items\":\"A\"}", -1, 422,
	    "INVALID_TYPE", "items" },

	/* Currencies and networks. */
	{ "currency lower case", BC("usd", ONE), 0, 0, "", "" },
	{ "currency EUR", BC("EUR", ONE), 0, 0, "", "" },
	{ "currency XYZ", BC("XYZ", ONE), -1, 422, "UNSUPPORTED_CURRENCY",
	    "currency" },
	{ "currency GBP not configured", BC("GBP", ONE), -1, 422,
	    "UNSUPPORTED_CURRENCY", "currency" },
	{ "currency of 4 letters", BC("USDT", ONE), -1, 422, "INVALID_VALUE",
	    "currency" },
	{ "currency empty", BC("", ONE), -1, 422, "INVALID_VALUE",
	    "currency" },
	{ "currency U$D", BC("U$D", ONE), -1, 422, "INVALID_VALUE",
	    "currency" },
	{ "currency a number",
	    "{\"currency\":840,\"crypto_currency\":\"USDT\",\"items\":["
	    ONE "]}", -1, 422, "INVALID_TYPE", "currency" },
	{ "crypto lower case",
	    "{\"currency\":\"USD\",\"crypto_currency\":\"eth\",\"items\":["
	    ONE "]}", 0, 0, "", "" },
	{ "crypto unknown",
	    "{\"currency\":\"USD\",\"crypto_currency\":\"BTC\",\"items\":["
	    ONE "]}", -1, 422, "UNSUPPORTED_CRYPTO_CURRENCY",
	    "crypto_currency" },
	{ "crypto a number",
	    "{\"currency\":\"USD\",\"crypto_currency\":1,\"items\":["
	    ONE "]}", -1, 422, "INVALID_TYPE", "crypto_currency" },
	{ "crypto too long",
	    "{\"currency\":\"USD\",\"crypto_currency\":\"ABCDEFGHIJK\","
	    "\"items\":[" ONE "]}", -1, 422, "INVALID_VALUE",
	    "crypto_currency" },
	{ "network anvil", B(",\"network\":\"anvil\""), 0, 0, "", "" },
	{ "network tron", B(",\"network\":\"tron\""), 0, 0, "", "" },
	{ "network null", B(",\"network\":null"), 0, 0, "", "" },
	{ "network unknown", B(",\"network\":\"bsc\""), -1, 422,
	    "UNSUPPORTED_NETWORK", "network" },
	{ "network names are case-sensitive", B(",\"network\":\"ANVIL\""),
	    -1, 422, "UNSUPPORTED_NETWORK", "network" },
	{ "network without the asset",
	    "{\"currency\":\"USD\",\"crypto_currency\":\"ETH\",\"items\":["
	    ONE "],\"network\":\"tron\"}", -1, 422, "UNSUPPORTED_NETWORK",
	    "network" },
	{ "network a number", B(",\"network\":1"), -1, 422, "INVALID_TYPE",
	    "network" },

	/* Items. */
	{ "item not an object", BI("1"), -1, 422, "INVALID_TYPE",
	    "items[0]" },
	{ "2nd item not an object", BI(ONE ",[]"), -1, 422, "INVALID_TYPE",
	    "items[1]" },
	{ "name missing", BI("{\"unit_price\":1}"), -1, 422,
	    "MISSING_FIELD", "items[0].name" },
	{ "name null", BI("{\"name\":null,\"unit_price\":1}"), -1, 422,
	    "MISSING_FIELD", "items[0].name" },
	{ "name empty", BI("{\"name\":\"\",\"unit_price\":1}"), -1, 422,
	    "INVALID_LENGTH", "items[0].name" },
	{ "name a number", BI("{\"name\":5,\"unit_price\":1}"), -1, 422,
	    "INVALID_TYPE", "items[0].name" },
	{ "name with a newline",
	    BI("{\"name\":\"a\\nb\",\"unit_price\":1}"), -1, 422,
	    "INVALID_VALUE", "items[0].name" },
	{ "name with DEL", BI("{\"name\":\"a\\u007f\",\"unit_price\":1}"),
	    -1, 422, "INVALID_VALUE", "items[0].name" },
	{ "name with U+0085", BI("{\"name\":\"a\\u0085\",\"unit_price\":1}"),
	    -1, 422, "INVALID_VALUE", "items[0].name" },
	{ "name in UTF-8",
	    BI("{\"name\":\"Caf\\u00e9 \xe2\x82\xac\",\"unit_price\":1}"), 0,
	    0, "", "" },
	{ "item description with newlines",
	    BI("{\"name\":\"A\",\"description\":\"l1\\r\\nl2\\tx\","
	    "\"unit_price\":1}"), 0, 0, "", "" },
	{ "item description a number",
	    BI("{\"name\":\"A\",\"description\":1,\"unit_price\":1}"), -1, 422,
	    "INVALID_TYPE", "items[0].description" },
	{ "quantity 1000000 at 0.01", BI(QP("1000000", "0.01")), 0, 0, "",
	    "" },
	{ "quantity null is 1", BI(QP("null", "1")), 0, 0, "", "" },
	{ "quantity 0", BI(QP("0", "1")), -1, 422, "INVALID_VALUE",
	    "items[0].quantity" },
	{ "quantity -1", BI(QP("-1", "1")), -1, 422, "INVALID_VALUE",
	    "items[0].quantity" },
	{ "quantity 1000001", BI(QP("1000001", "0.01")), -1, 422,
	    "INVALID_VALUE", "items[0].quantity" },
	{ "quantity 2^64", BI(QP("18446744073709551616", "1")), -1, 400,
	    "INVALID_JSON", "" },
	{ "quantity 1.5", BI(QP("1.5", "1")), -1, 422, "INVALID_TYPE",
	    "items[0].quantity" },
	{ "quantity 2.0", BI(QP("2.0", "1")), -1, 422, "INVALID_TYPE",
	    "items[0].quantity" },
	{ "quantity \"1\"", BI(QP("\"1\"", "1")), -1, 422, "INVALID_TYPE",
	    "items[0].quantity" },
	{ "quantity 1e2", BI(QP("1e2", "1")), -1, 422, "INVALID_TYPE",
	    "items[0].quantity" },
	{ "quantity true", BI(QP("true", "1")), -1, 422, "INVALID_TYPE",
	    "items[0].quantity" },
	{ "unit_price missing", BI("{\"name\":\"A\"}"), -1, 422,
	    "MISSING_FIELD", "items[0].unit_price" },
	{ "unit_price null", BI(P("null")), -1, 422, "MISSING_FIELD",
	    "items[0].unit_price" },
	{ "unit_price negative", BI(P("-1.00")), -1, 422, "INVALID_AMOUNT",
	    "items[0].unit_price" },
	{ "unit_price 3 decimals in USD", BI(P("9.999")), -1, 422,
	    "INVALID_AMOUNT", "items[0].unit_price" },
	{ "unit_price trailing zeros", BI(P("9.990")), 0, 0, "", "" },
	{ "unit_price \"9.99\"", BI(P("\"9.99\"")), 0, 0, "", "" },
	{ "unit_price \"9.99 \"", BI(P("\"9.99 \"")), -1, 422,
	    "INVALID_AMOUNT", "items[0].unit_price" },
	{ "unit_price \"\"", BI(P("\"\"")), -1, 422, "INVALID_AMOUNT",
	    "items[0].unit_price" },
	{ "unit_price \"1e2\"", BI(P("\"1e2\"")), -1, 422, "INVALID_AMOUNT",
	    "items[0].unit_price" },
	{ "unit_price 1e2", BI(P("1e2")), -1, 422, "INVALID_AMOUNT",
	    "items[0].unit_price" },
	/* A whole number beyond 64 bits is refused by the JSON reader. */
	{ "unit_price 99999999999999999999999",
	    BI(P("99999999999999999999999")), -1, 400, "INVALID_JSON", "" },
	{ "unit_price 99999999999999999999999.5",
	    BI(P("99999999999999999999999.5")), -1, 422, "INVALID_AMOUNT",
	    "items[0].unit_price" },
	{ "unit_price of 31 digits",
	    BI(P("\"1234567890123456789012345678901\"")), -1, 422,
	    "INVALID_AMOUNT", "items[0].unit_price" },
	{ "unit_price true", BI(P("true")), -1, 422, "INVALID_TYPE",
	    "items[0].unit_price" },
	{ "unit_price an object", BI(P("{}")), -1, 422, "INVALID_TYPE",
	    "items[0].unit_price" },
	{ "unit_price 1 decimal in JPY", BC("JPY", P("100.5")), -1, 422,
	    "INVALID_AMOUNT", "items[0].unit_price" },
	{ "unit_price 100.0 in JPY", BC("JPY", P("100.0")), 0, 0, "", "" },
	{ "line overflows int64",
	    BI(QP("1000000", "\"92233720368547758.07\"")), -1, 422,
	    "INVALID_AMOUNT", "items[0].unit_price" },
	{ "subtotal overflows int64",
	    BI(P("\"92233720368547758.07\"") "," P("0.01")), -1, 422,
	    "INVALID_AMOUNT", "items[1].unit_price" },

	/* Tax and the amount limits. */
	{ "tax null", B(",\"tax\":null"), 0, 0, "", "" },
	{ "tax \"1.50\"", B(",\"tax\":\"1.50\""), 0, 0, "", "" },
	{ "tax negative", B(",\"tax\":-0.01"), -1, 422, "INVALID_AMOUNT",
	    "tax" },
	{ "tax 3 decimals", B(",\"tax\":1.505"), -1, 422, "INVALID_AMOUNT",
	    "tax" },
	{ "tax a boolean", B(",\"tax\":true"), -1, 422, "INVALID_TYPE",
	    "tax" },
	{ "total overflows int64",
	    "{" CUR ",\"items\":[" P("\"92233720368547758.07\"")
	    "],\"tax\":0.01}", -1, 422, "INVALID_AMOUNT", "tax" },
	{ "total exactly 0.50", BI(P("0.50")), 0, 0, "", "" },
	{ "total exactly 10000.00", BI(P("10000.00")), 0, 0, "", "" },
	{ "0.40 plus tax 0.10", "{" CUR ",\"items\":[" P("0.40")
	    "],\"tax\":0.10}", 0, 0, "", "" },
	{ "total 0.49", BI(P("0.49")), -1, 422, "INVALID_AMOUNT",
	    "items[0].unit_price" },
	{ "total 0", BI(P("0")), -1, 422, "INVALID_AMOUNT",
	    "items[0].unit_price" },
	{ "total 10000.01", BI(P("10000.01")), -1, 422, "INVALID_AMOUNT",
	    "items[0].unit_price" },
	{ "tax pushes over max", "{" CUR ",\"items\":[" P("9999.00")
	    "],\"tax\":1.01}", -1, 422, "INVALID_AMOUNT",
	    "items[0].unit_price" },
	{ "one item, quantity 2, too small", BI(QP("2", "0.20")), -1, 422,
	    "INVALID_AMOUNT", "items[0].unit_price" },
	{ "two items too small", BI(P("0.20") "," P("0.20")), -1, 422,
	    "INVALID_AMOUNT", "items" },
	{ "two items too large", BI(P("6000") "," P("6000")), -1, 422,
	    "INVALID_AMOUNT", "items" },
	{ "JPY 50", BC("JPY", P("50")), 0, 0, "", "" },
	{ "JPY 49", BC("JPY", P("49")), -1, 422, "INVALID_AMOUNT",
	    "items[0].unit_price" },
	{ "JPY 1500001", BC("JPY", P("1500001")), -1, 422, "INVALID_AMOUNT",
	    "items[0].unit_price" },
	{ "EUR default max", BC("EUR", P("10000.01")), -1, 422,
	    "INVALID_AMOUNT", "items[0].unit_price" },

	/* Durations. */
	{ "expires_in 59", B(",\"expires_in\":59"), -1, 422, "INVALID_VALUE",
	    "expires_in" },
	{ "expires_in 60", B(",\"expires_in\":60"), 0, 0, "", "" },
	{ "expires_in 2592000", B(",\"expires_in\":2592000"), 0, 0, "", "" },
	{ "expires_in 2592001", B(",\"expires_in\":2592001"), -1, 422,
	    "INVALID_VALUE", "expires_in" },
	{ "expires_in -60", B(",\"expires_in\":-60"), -1, 422,
	    "INVALID_VALUE", "expires_in" },
	{ "expires_in 2^64-1", B(",\"expires_in\":18446744073709551615"), -1,
	    422, "INVALID_VALUE", "expires_in" },
	{ "expires_in \"3600\"", B(",\"expires_in\":\"3600\""), -1, 422,
	    "INVALID_TYPE", "expires_in" },
	{ "expires_in 3600.0", B(",\"expires_in\":3600.0"), -1, 422,
	    "INVALID_TYPE", "expires_in" },
	{ "price_lock_duration 59", B(",\"price_lock_duration\":59"), -1, 422,
	    "INVALID_VALUE", "price_lock_duration" },
	{ "price_lock_duration 60", B(",\"price_lock_duration\":60"), 0, 0,
	    "", "" },
	{ "price_lock_duration = expires_in",
	    B(",\"expires_in\":600,\"price_lock_duration\":600"), 0, 0, "",
	    "" },
	{ "price_lock_duration > expires_in",
	    B(",\"expires_in\":600,\"price_lock_duration\":601"), -1, 422,
	    "INVALID_VALUE", "price_lock_duration" },
	{ "price_lock_duration > default expires_in",
	    B(",\"price_lock_duration\":1801"), -1, 422, "INVALID_VALUE",
	    "price_lock_duration" },
	{ "price_lock_duration 1.5", B(",\"price_lock_duration\":1.5"), -1,
	    422, "INVALID_TYPE", "price_lock_duration" },

	/* Payment tolerance. */
	{ "tolerance empty", B(",\"payment_tolerance\":{}"), 0, 0, "", "" },
	{ "tolerance null", B(",\"payment_tolerance\":null"), 0, 0, "", "" },
	{ "tolerance a string", B(",\"payment_tolerance\":\"x\""), -1, 422,
	    "INVALID_TYPE", "payment_tolerance" },
	{ "tolerance an array", B(",\"payment_tolerance\":[]"), -1, 422,
	    "INVALID_TYPE", "payment_tolerance" },
	{ "underpayment negative",
	    B(",\"payment_tolerance\":{\"underpayment_threshold\":-0.01}"),
	    -1, 422, "INVALID_AMOUNT",
	    "payment_tolerance.underpayment_threshold" },
	{ "underpayment too precise",
	    B(",\"payment_tolerance\":{\"underpayment_threshold\":0.001}"),
	    -1, 422, "INVALID_AMOUNT",
	    "payment_tolerance.underpayment_threshold" },
	{ "underpayment = total",
	    B(",\"payment_tolerance\":{\"underpayment_threshold\":9.99}"),
	    -1, 422, "INVALID_AMOUNT",
	    "payment_tolerance.underpayment_threshold" },
	{ "underpayment > total",
	    B(",\"payment_tolerance\":{\"underpayment_threshold\":10}"),
	    -1, 422, "INVALID_AMOUNT",
	    "payment_tolerance.underpayment_threshold" },
	{ "underpayment just below total",
	    B(",\"payment_tolerance\":{\"underpayment_threshold\":9.98}"),
	    0, 0, "", "" },
	{ "underpayment a boolean",
	    B(",\"payment_tolerance\":{\"underpayment_threshold\":false}"),
	    -1, 422, "INVALID_TYPE",
	    "payment_tolerance.underpayment_threshold" },
	{ "overpayment negative",
	    B(",\"payment_tolerance\":{\"overpayment_threshold\":-1}"),
	    -1, 422, "INVALID_AMOUNT",
	    "payment_tolerance.overpayment_threshold" },
	{ "overpayment_action refund",
	    B(",\"payment_tolerance\":{\"overpayment_action\":\"refund\"}"),
	    0, 0, "", "" },
	{ "overpayment_action unknown",
	    B(",\"payment_tolerance\":{\"overpayment_action\":\"keep\"}"),
	    -1, 422, "INVALID_VALUE",
	    "payment_tolerance.overpayment_action" },
	{ "overpayment_action upper case",
	    B(",\"payment_tolerance\":{\"overpayment_action\":\"REFUND\"}"),
	    -1, 422, "INVALID_VALUE",
	    "payment_tolerance.overpayment_action" },
	{ "overpayment_action a number",
	    B(",\"payment_tolerance\":{\"overpayment_action\":1}"),
	    -1, 422, "INVALID_TYPE",
	    "payment_tolerance.overpayment_action" },

	/* URLs. */
	{ "http URL", B(",\"webhook_url\":\"http://example.com\""), 0, 0, "",
	    "" },
	{ "https URL with path, query and fragment",
	    B(",\"return_url\":\"https://example.com:8443/a/b?x=1&y=%20#f\""),
	    0, 0, "", "" },
	{ "'@' after the host", B(",\"cancel_url\":\"https://x.com/a@b\""), 0,
	    0, "", "" },
	{ "url null", B(",\"webhook_url\":null"), 0, 0, "", "" },
	{ "ftp URL", B(",\"webhook_url\":\"ftp://example.com/\""), -1, 422,
	    "INVALID_URL", "webhook_url" },
	{ "javascript URL", B(",\"return_url\":\"javascript:alert(1)\""), -1,
	    422, "INVALID_URL", "return_url" },
	{ "no host", B(",\"cancel_url\":\"http://\""), -1, 422, "INVALID_URL",
	    "cancel_url" },
	{ "no host before the path", B(",\"cancel_url\":\"https:///x\""), -1,
	    422, "INVALID_URL", "cancel_url" },
	{ "no host before the query", B(",\"cancel_url\":\"https://?x\""), -1,
	    422, "INVALID_URL", "cancel_url" },
	{ "credentials", B(",\"webhook_url\":\"https://user:pw@host/\""), -1,
	    422, "INVALID_URL", "webhook_url" },
	{ "user only", B(",\"webhook_url\":\"https://user@host\""), -1,
	    422, "INVALID_URL", "webhook_url" },
	{ "space", B(",\"webhook_url\":\"https://example.com/a b\""), -1, 422,
	    "INVALID_URL", "webhook_url" },
	{ "quote", B(",\"webhook_url\":\"https://example.com/\\\"\""), -1,
	    422, "INVALID_URL", "webhook_url" },
	{ "angle bracket", B(",\"webhook_url\":\"https://example.com/<\""), -1,
	    422, "INVALID_URL", "webhook_url" },
	{ "non-ASCII", B(",\"webhook_url\":\"https://ex\\u00e4mple.com/\""),
	    -1, 422, "INVALID_URL", "webhook_url" },
	{ "relative", B(",\"webhook_url\":\"/webhook\""), -1, 422,
	    "INVALID_URL", "webhook_url" },
	{ "empty", B(",\"webhook_url\":\"\""), -1, 422, "INVALID_URL",
	    "webhook_url" },
	{ "url a number", B(",\"webhook_url\":1"), -1, 422, "INVALID_TYPE",
	    "webhook_url" },

	/* Metadata. */
	{ "metadata empty", B(",\"metadata\":{}"), 0, 0, "", "" },
	{ "metadata null", B(",\"metadata\":null"), 0, 0, "", "" },
	{ "metadata scalars",
	    B(",\"metadata\":{\"n\":null,\"b\":false,\"i\":-3,\"d\":2.50}"),
	    0, 0, "", "" },
	{ "metadata value with newlines",
	    B(",\"metadata\":{\"note\":\"a\\nb\"}"), 0, 0, "", "" },
	{ "metadata a string", B(",\"metadata\":\"x\""), -1, 422,
	    "INVALID_TYPE", "metadata" },
	{ "metadata an array", B(",\"metadata\":[]"), -1, 422,
	    "INVALID_TYPE", "metadata" },
	{ "metadata nested object", B(",\"metadata\":{\"k\":{}}"), -1, 422,
	    "INVALID_TYPE", "metadata.k" },
	{ "metadata nested array", B(",\"metadata\":{\"a\":1,\"k\":[1]}"), -1,
	    422, "INVALID_TYPE", "metadata.k" },
	{ "metadata empty key", B(",\"metadata\":{\"\":1}"), -1, 422,
	    "INVALID_VALUE", "metadata" },
	{ "metadata key with a control",
	    B(",\"metadata\":{\"a\\u0001\":1}"), -1, 422, "INVALID_VALUE",
	    "metadata" },
	{ "metadata value with a control",
	    B(",\"metadata\":{\"k\":\"a\\u0001\"}"), -1, 422, "INVALID_VALUE",
	    "metadata.k" },

	/* Title and description. */
	{ "title empty", B(",\"title\":\"\""), 0, 0, "", "" },
	{ "title null", B(",\"title\":null"), 0, 0, "", "" },
	{ "title with \\u0001", B(",\"title\":\"a\\u0001\""), -1, 422,
	    "INVALID_VALUE", "title" },
	{ "title with \\u0000", B(",\"title\":\"a\\u0000b\""), -1, 400,
	    "INVALID_JSON", "" },
	{ "title with a newline", B(",\"title\":\"a\\nb\""), -1, 422,
	    "INVALID_VALUE", "title" },
	{ "title a number", B(",\"title\":1"), -1, 422, "INVALID_TYPE",
	    "title" },
	{ "title with a bidi override", B(",\"title\":\"Pay \\u202e0001$\""),
	    -1, 422, "INVALID_VALUE", "title" },
	{ "title with a zero-width space", B(",\"title\":\"1\\u200b000\""),
	    -1, 422, "INVALID_VALUE", "title" },
	{ "title with a BOM", B(",\"title\":\"\\ufeffx\""), -1, 422,
	    "INVALID_VALUE", "title" },
	{ "title in Persian with a ZWNJ",
	    B(",\"title\":\"\\u0645\\u06cc\\u200c\\u062e\\u0648\""), 0, 0,
	    "", "" },
	{ "title of an emoji sequence",
	    B(",\"title\":\"\\ud83d\\udc68\\u200d\\ud83d\\udc69\""), 0, 0,
	    "", "" },
	{ "description with an isolate",
	    B(",\"description\":\"a\\u2066b\\u2069\""), -1, 422,
	    "INVALID_VALUE", "description" },
	{ "item name with an RLM",
	    BI("{\"name\":\"A\\u200f\",\"unit_price\":1}"), -1, 422,
	    "INVALID_VALUE", "items[0].name" },
	{ "item description with a word joiner",
	    BI("{\"name\":\"A\",\"description\":\"1\\u20600\","
	    "\"unit_price\":1}"), -1, 422, "INVALID_VALUE",
	    "items[0].description" },
	{ "description with newlines",
	    B(",\"description\":\"line 1\\nline 2\\r\\n\\tend\""), 0, 0, "",
	    "" },
	{ "description with \\u0007", B(",\"description\":\"\\u0007\""), -1,
	    422, "INVALID_VALUE", "description" },
	{ "description an array", B(",\"description\":[]"), -1, 422,
	    "INVALID_TYPE", "description" },

	/* Explicit null for every optional field is "not given". */
	{ "all optional fields null",
	    B(",\"title\":null,\"description\":null,\"tax\":null,"
	    "\"network\":null,\"price_lock_duration\":null,"
	    "\"expires_in\":null,\"payment_tolerance\":null,"
	    "\"webhook_url\":null,\"return_url\":null,\"cancel_url\":null,"
	    "\"metadata\":null"), 0, 0, "", "" },
};

static void
test_rows(void)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++)
		run_row(rows[i].name, rows[i].body, strlen(rows[i].body),
		    rows[i].rc, rows[i].status, rows[i].code, rows[i].field);
}

/*
 * Bodies that are not text: a NUL byte, bytes that are not UTF-8. All are
 * malformed JSON (RFC 8259 section 8.1: JSON text is UTF-8): 400.
 */
struct raw_row {
	const char	*name;
	const char	*body;
	size_t		 len;
};

#define RAW(name, s)	{ name, s, sizeof(s) - 1 }

static const struct raw_row raw_rows[] = {
	RAW("NUL byte inside a string", B(",\"title\":\"a\0b\"")),
	RAW("NUL byte after the object", B("") "\0"),
	RAW("NUL byte alone", "\0"),
	RAW("truncated sequence", B(",\"title\":\"\xc3\x28\"")),
	RAW("0xff byte", B(",\"title\":\"\xff\"")),
	RAW("lone continuation byte", B(",\"title\":\"\x80\"")),
	RAW("invalid UTF-8 in a key", "{\"\xc3\":1}"),
};

/*
 * Regression (lib/jsonx.c jsonx_parse): json-c's UTF-8 check only looks at the
 * shape of a sequence, so these reach the field checks and come back as
 * 422 INVALID_VALUE on "title" instead of 400 INVALID_JSON.
 */
static const struct raw_row raw_bug_rows[] = {
	RAW("UTF-16 surrogate in UTF-8",
	    B(",\"title\":\"\xed\xa0\x80\"")),
	RAW("overlong encoding of '/'", B(",\"title\":\"\xc0\xaf\"")),
	RAW("code point above U+10FFFF",
	    B(",\"title\":\"\xf4\x90\x80\x80\"")),
};

static void
test_raw(void)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(raw_rows); i++)
		run_row(raw_rows[i].name, raw_rows[i].body, raw_rows[i].len,
		    -1, 400, "INVALID_JSON", "");
}

static void
test_raw_bad_utf8(void)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(raw_bug_rows); i++)
		run_row(raw_bug_rows[i].name, raw_bug_rows[i].body,
		    raw_bug_rows[i].len, -1, 400, "INVALID_JSON", "");
}

/*
 * A string holding an escaped NUL ("\u0000") would be cut short by every C
 * string function ("9\u0000junk" read as 9), and json-c cuts object keys
 * at it: the whole document is refused as malformed (400), whatever field
 * holds it.
 */
static const struct row nul_rows[] = {
	{ "NUL in unit_price", BI(P("\"9\\u0000junk\"")), -1, 400,
	    "INVALID_JSON", "" },
	{ "NUL in tax", B(",\"tax\":\"1\\u0000junk\""), -1, 400,
	    "INVALID_JSON", "" },
	{ "NUL in currency", BC("USD\\u0000junk", ONE), -1, 400,
	    "INVALID_JSON", "" },
	{ "NUL in crypto_currency",
	    "{\"currency\":\"USD\",\"crypto_currency\":\"USDT\\u0000x\","
	    "\"items\":[" ONE "]}", -1, 400, "INVALID_JSON", "" },
	{ "NUL in network", B(",\"network\":\"anvil\\u0000junk\""), -1,
	    400, "INVALID_JSON", "" },
	{ "NUL in overpayment_action",
	    B(",\"payment_tolerance\":{\"overpayment_action\":"
	    "\"refund\\u0000junk\"}"), -1, 400, "INVALID_JSON", "" },
	{ "NUL in a metadata key", B(",\"metadata\":{\"a\\u0000b\":1}"),
	    -1, 400, "INVALID_JSON", "" },
};

static void
test_nul_in_strings(void)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(nul_rows); i++)
		run_row(nul_rows[i].name, nul_rows[i].body,
		    strlen(nul_rows[i].body), nul_rows[i].rc,
		    nul_rows[i].status, nul_rows[i].code, nul_rows[i].field);
}

/*
 * Regression (lib/jsonx.c, seen through metadata): an integer beyond
 * int64/uint64 is clamped by json-c, so metadata {"n":99999999999999999999999} is
 * stored as {"n":18446744073709551615}. A merchant's data must come back
 * as sent, or be refused.
 */
static void
test_metadata_big_integer(void)
{
	static const char body[] =
	    B(",\"metadata\":{\"n\":99999999999999999999999,"
	    "\"m\":-99999999999999999999999}");
	struct invoice_input in;
	struct input_error e;

	if (invoice_input_parse(body, strlen(body), &cfg, &in, &e) == 0)
		check_str("metadata", "huge integers", in.metadata,
		    "{\"n\":99999999999999999999999,"
		    "\"m\":-99999999999999999999999}");
	else
		CU_ASSERT(e.status == 400 || e.status == 422);
	invoice_input_release(&in);
	input_error_release(&e);
}

/*
 * Bodies too long to write out: each generator appends a whole body whose
 * interesting part is n bytes (or n members) long.
 */
static void
rep(struct buf *b, const char *unit, size_t n)
{
	size_t u = strlen(unit), i;

	/* Whole units, then 'x' up to exactly n bytes. */
	for (i = 0; i + u <= n; i += u)
		buf_puts(b, unit);
	for (; i < n; i++)
		buf_puts(b, "x");
}

static void
gen_items(struct buf *b, size_t n)
{
	size_t i;

	buf_puts(b, "{" CUR ",\"items\":[");
	for (i = 0; i < n; i++)
		buf_printf(b, "%s{\"name\":\"item %zu\",\"unit_price\":1.00}",
		    i ? "," : "", i);
	buf_puts(b, "]}");
}

static void
gen_name(struct buf *b, size_t n)
{
	buf_puts(b, "{" CUR ",\"items\":[{\"name\":\"");
	rep(b, "n", n);
	buf_puts(b, "\",\"unit_price\":1}]}");
}

static void
gen_item_desc(struct buf *b, size_t n)
{
	buf_puts(b, "{" CUR ",\"items\":[{\"name\":\"A\",\"description\":\"");
	rep(b, "d", n);
	buf_puts(b, "\",\"unit_price\":1}]}");
}

static void
gen_title(struct buf *b, size_t n)
{
	buf_puts(b, "{" CUR ",\"items\":[" ONE "],\"title\":\"");
	rep(b, "t", n);
	buf_puts(b, "\"}");
}

/* Two-byte characters: a limit counts bytes, not characters. */
static void
gen_title_2byte(struct buf *b, size_t n)
{
	buf_puts(b, "{" CUR ",\"items\":[" ONE "],\"title\":\"");
	rep(b, "\xc3\xa9", n);
	buf_puts(b, "\"}");
}

static void
gen_title_3byte(struct buf *b, size_t n)
{
	buf_puts(b, "{" CUR ",\"items\":[" ONE "],\"title\":\"");
	rep(b, "\xe2\x82\xac", n);
	buf_puts(b, "\"}");
}

static void
gen_desc(struct buf *b, size_t n)
{
	buf_puts(b, "{" CUR ",\"items\":[" ONE "],\"description\":\"");
	rep(b, "d", n);
	buf_puts(b, "\"}");
}

static void
gen_url(struct buf *b, size_t n)
{
	buf_puts(b, "{" CUR ",\"items\":[" ONE "],\"webhook_url\":\"");
	buf_puts(b, "https://example.com/");
	rep(b, "u", n - strlen("https://example.com/"));
	buf_puts(b, "\"}");
}

static void
gen_meta_keys(struct buf *b, size_t n)
{
	size_t i;

	buf_puts(b, "{" CUR ",\"items\":[" ONE "],\"metadata\":{");
	for (i = 0; i < n; i++)
		buf_printf(b, "%s\"key_%02zu\":%zu", i ? "," : "", i, i);
	buf_puts(b, "}}");
}

static void
gen_meta_key(struct buf *b, size_t n)
{
	buf_puts(b, "{" CUR ",\"items\":[" ONE "],\"metadata\":{\"");
	rep(b, "k", n);
	buf_puts(b, "\":\"v\"}}");
}

static void
gen_meta_value(struct buf *b, size_t n)
{
	buf_puts(b, "{" CUR ",\"items\":[" ONE "],\"metadata\":{\"k\":\"");
	rep(b, "v", n);
	buf_puts(b, "\"}}");
}

/*
 * Metadata whose compact serialization is exactly n bytes: 16 values of
 * 500 bytes under keys "k00".."k15" and a 17th, "k16", holding the rest.
 * {} is 2 bytes, each "kNN":"..." member 8 bytes plus its value, and 16
 * commas: 154 + 8000 + the last value.
 */
static void
gen_meta_total(struct buf *b, size_t n)
{
	size_t i;

	buf_puts(b, "{" CUR ",\"items\":[" ONE "],\"metadata\":{");
	for (i = 0; i < 16; i++) {
		buf_printf(b, "%s\"k%02zu\":\"", i ? "," : "", i);
		rep(b, "v", 500);
		buf_puts(b, "\"");
	}
	buf_puts(b, ",\"k16\":\"");
	rep(b, "v", n - 154 - 8000);
	buf_puts(b, "\"}}");
}

struct gen_row {
	const char	*name;
	void		(*gen)(struct buf *, size_t);
	size_t		 n;
	int		 rc;
	int		 status;
	const char	*code;
	const char	*field;
};

static const struct gen_row gen_rows[] = {
	{ "100 items", gen_items, 100, 0, 0, "", "" },
	{ "101 items", gen_items, 101, -1, 422, "INVALID_LENGTH", "items" },
	{ "name of 200 bytes", gen_name, 200, 0, 0, "", "" },
	{ "name of 201 bytes", gen_name, 201, -1, 422, "INVALID_LENGTH",
	    "items[0].name" },
	{ "item description of 1000 bytes", gen_item_desc, 1000, 0, 0, "",
	    "" },
	{ "item description of 1001 bytes", gen_item_desc, 1001, -1, 422,
	    "INVALID_LENGTH", "items[0].description" },
	{ "title of 200 bytes", gen_title, 200, 0, 0, "", "" },
	{ "title of 201 bytes", gen_title, 201, -1, 422, "INVALID_LENGTH",
	    "title" },
	{ "title of 200 bytes in 2-byte characters", gen_title_2byte, 200, 0,
	    0, "", "" },
	{ "title of 201 bytes in 3-byte characters", gen_title_3byte, 201,
	    -1, 422, "INVALID_LENGTH", "title" },
	{ "description of 2000 bytes", gen_desc, 2000, 0, 0, "", "" },
	{ "description of 2001 bytes", gen_desc, 2001, -1, 422,
	    "INVALID_LENGTH", "description" },
	{ "URL of 2048 bytes", gen_url, 2048, 0, 0, "", "" },
	/* The string's length check comes before the URL check. */
	{ "URL of 2049 bytes", gen_url, 2049, -1, 422, "INVALID_LENGTH",
	    "webhook_url" },
	{ "metadata of 50 keys", gen_meta_keys, 50, 0, 0, "", "" },
	{ "metadata of 51 keys", gen_meta_keys, 51, -1, 422, "INVALID_LENGTH",
	    "metadata" },
	{ "metadata key of 40 bytes", gen_meta_key, 40, 0, 0, "", "" },
	{ "metadata key of 41 bytes", gen_meta_key, 41, -1, 422,
	    "INVALID_VALUE", "metadata" },
	{ "metadata value of 500 bytes", gen_meta_value, 500, 0, 0, "", "" },
	{ "metadata value of 501 bytes", gen_meta_value, 501, -1, 422,
	    "INVALID_LENGTH", "metadata.k" },
	{ "metadata of 8192 bytes", gen_meta_total, 8192, 0, 0, "", "" },
	{ "metadata of 8193 bytes", gen_meta_total, 8193, -1, 422,
	    "INVALID_LENGTH", "metadata" },
};

static void
test_generated(void)
{
	struct buf b;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(gen_rows); i++) {
		buf_init(&b, 0);
		gen_rows[i].gen(&b, gen_rows[i].n);
		run_row(gen_rows[i].name, b.data, b.len, gen_rows[i].rc,
		    gen_rows[i].status, gen_rows[i].code, gen_rows[i].field);
		buf_release(&b);
	}
}

/* The metadata generator's arithmetic, checked against the serializer. */
static void
test_generated_metadata_size(void)
{
	struct invoice_input in;
	struct input_error e;
	struct buf b;

	buf_init(&b, 0);
	gen_meta_total(&b, 8192);
	CU_ASSERT_FATAL(invoice_input_parse(b.data, b.len, &cfg, &in,
	    &e) == 0);
	check_int("metadata bytes", "8192", (long long)strlen(in.metadata),
	    8192);
	invoice_input_release(&in);
	input_error_release(&e);
	buf_release(&b);
}

/*
 * What a successful parse yields: the normalized values the rest of the
 * program relies on.
 */
struct ok_row {
	const char	*name;
	const char	*body;
	const char	*currency;
	int		 exponent;
	const char	*crypto;
	const char	*network;
	int64_t		 subtotal;
	int64_t		 tax;
	int64_t		 total;
	int64_t		 expires_in;
	int64_t		 price_lock;
	const char	*items;		/* jsonx_text of in.items */
	const char	*metadata;
};

static const struct ok_row ok_rows[] = {
	{ "defaults", B(""), "USD", 2, "USDT", "", 999, 0, 999, 1800, 1800,
	    "[{\"name\":\"A\",\"quantity\":1,\"unit_price\":9.99,"
	    "\"amount\":9.99}]", "{}" },
	{ "lower-case codes normalized",
	    "{\"currency\":\"usd\",\"crypto_currency\":\"usdt\",\"items\":["
	    ONE "]}", "USD", 2, "USDT", "", 999, 0, 999, 1800, 1800,
	    "[{\"name\":\"A\",\"quantity\":1,\"unit_price\":9.99,"
	    "\"amount\":9.99}]", "{}" },
	{ "price lock defaults to expires_in", B(",\"expires_in\":600"),
	    "USD", 2, "USDT", "", 999, 0, 999, 600, 600, NULL, NULL },
	{ "both durations", B(",\"expires_in\":7200,"
	    "\"price_lock_duration\":900"), "USD", 2, "USDT", "", 999, 0, 999,
	    7200, 900, NULL, NULL },
	{ "network kept", B(",\"network\":\"tron\""), "USD", 2, "USDT",
	    "tron", 999, 0, 999, 1800, 1800, NULL, NULL },
	{ "JPY at exponent 0", BC("JPY", QP("3", "\"100.0\"")), "JPY", 0,
	    "USDT", "", 300, 0, 300, 1800, 1800,
	    "[{\"name\":\"A\",\"quantity\":3,\"unit_price\":100,"
	    "\"amount\":300}]", NULL },
	{ "amounts formatted at the exponent",
	    "{" CUR ",\"items\":[" QP("4", "\"2.5\"") "],\"tax\":\"0.1\"}",
	    "USD", 2, "USDT", "", 1000, 10, 1010, 1800, 1800,
	    "[{\"name\":\"A\",\"quantity\":4,\"unit_price\":2.50,"
	    "\"amount\":10.00}]", NULL },
	{ "item description kept",
	    BI("{\"name\":\"A\",\"description\":\"d\\n/\","
	    "\"unit_price\":1}"), "USD", 2, "USDT", "", 100, 0, 100, 1800,
	    1800, "[{\"name\":\"A\",\"description\":\"d\\n/\",\"quantity\":1,"
	    "\"unit_price\":1.00,\"amount\":1.00}]", NULL },
	{ "metadata scalars kept as written",
	    B(",\"metadata\":{\"n\":null,\"b\":true,\"i\":-3,\"d\":2.50,"
	    "\"e\":1E+2,\"s\":\"x/y\"}"), "USD", 2, "USDT", "", 999, 0, 999,
	    1800, 1800, NULL,
	    "{\"n\":null,\"b\":true,\"i\":-3,\"d\":2.50,\"e\":1E+2,"
	    "\"s\":\"x/y\"}" },
};

static void
test_ok_values(void)
{
	struct invoice_input in;
	struct input_error e;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(ok_rows); i++) {
		const struct ok_row *r = &ok_rows[i];

		if (invoice_input_parse(r->body, strlen(r->body), &cfg, &in,
		    &e) == -1) {
			CU_FAIL("refused");
			fprintf(stderr, "\n  [%s] refused: %s %s: %s\n",
			    r->name, e.code, e.field, e.message);
			input_error_release(&e);
			continue;
		}
		check_str("currency", r->name, in.currency, r->currency);
		check_int("exponent", r->name, in.exponent, r->exponent);
		check_str("crypto_currency", r->name, in.crypto_currency,
		    r->crypto);
		check_str("network", r->name, in.network, r->network);
		check_int("subtotal", r->name, in.subtotal_minor, r->subtotal);
		check_int("tax", r->name, in.tax_minor, r->tax);
		check_int("total", r->name, in.total_minor, r->total);
		check_int("expires_in", r->name, in.expires_in, r->expires_in);
		check_int("price_lock", r->name, in.price_lock, r->price_lock);
		if (r->items != NULL)
			check_str("items", r->name, jsonx_text(in.items),
			    r->items);
		if (r->metadata != NULL)
			check_str("metadata", r->name, in.metadata,
			    r->metadata);
		invoice_input_release(&in);
		input_error_release(&e);
	}
}

static void
test_spec_example(void)
{
	struct invoice_input in;
	struct input_error e;

	CU_ASSERT_FATAL(invoice_input_parse(spec_body, strlen(spec_body),
	    &cfg, &in, &e) == 0);
	check_str("title", "spec", in.title, "VPN Service Order");
	check_str("description", "spec", in.description,
	    "Monthly VPN subscription with premium features");
	check_int("nitems", "spec", (long long)in.nitems, 2);
	check_str("items", "spec", jsonx_text(in.items),
	    "[{\"name\":\"VPN Premium Plan\",\"description\":\"Monthly "
	    "subscription with unlimited bandwidth\",\"quantity\":1,"
	    "\"unit_price\":9.99,\"amount\":9.99},"
	    "{\"name\":\"Additional Static IP\",\"quantity\":2,"
	    "\"unit_price\":2.50,\"amount\":5.00}]");
	check_str("currency", "spec", in.currency, "USD");
	check_int("exponent", "spec", in.exponent, 2);
	check_int("subtotal", "spec", in.subtotal_minor, 1499);
	check_int("tax", "spec", in.tax_minor, 150);
	check_int("total", "spec", in.total_minor, 1649);
	check_str("crypto_currency", "spec", in.crypto_currency, "USDT");
	check_str("network", "spec", in.network, "");
	check_int("expires_in", "spec", in.expires_in, 1800);
	check_int("price_lock", "spec", in.price_lock, 1800);
	check_int("underpay", "spec", in.underpay_minor, 1);
	check_int("overpay", "spec", in.overpay_minor, 100);
	check_str("overpay_action", "spec", in.overpay_action,
	    "credit_account");
	check_str("webhook_url", "spec", in.webhook_url,
	    "https://merchant.com/webhook");
	check_str("return_url", "spec", in.return_url,
	    "https://merchant.com/success");
	check_str("cancel_url", "spec", in.cancel_url,
	    "https://merchant.com/cancel");
	check_str("metadata", "spec", in.metadata,
	    "{\"customer_id\":\"cust_456\",\"order_id\":\"ord_789\","
	    "\"customer_email\":\"customer@example.com\"}");
	CU_ASSERT(e.status == 0 && e.extra == NULL);
	invoice_input_release(&in);
	input_error_release(&e);

	/* Released means empty: a second release is harmless. */
	CU_ASSERT(in.items == NULL && in.title == NULL && in.metadata == NULL);
	invoice_input_release(&in);
}

/* Absent optional fields come back as NULL / defaults. */
static void
test_absent_defaults(void)
{
	struct invoice_input in;
	struct input_error e;
	const char *body = B("");

	CU_ASSERT_FATAL(invoice_input_parse(body, strlen(body), &cfg, &in,
	    &e) == 0);
	CU_ASSERT(in.title == NULL);
	CU_ASSERT(in.description == NULL);
	CU_ASSERT(in.webhook_url == NULL);
	CU_ASSERT(in.return_url == NULL);
	CU_ASSERT(in.cancel_url == NULL);
	check_str("metadata", "absent", in.metadata, "{}");
	check_str("overpay_action", "absent", in.overpay_action,
	    "credit_account");
	check_int("underpay", "absent", in.underpay_minor, 0);
	check_int("overpay", "absent", in.overpay_minor, 0);
	check_int("nitems", "absent", (long long)in.nitems, 1);
	invoice_input_release(&in);
	input_error_release(&e);
}

/*
 * The spec's INVALID_AMOUNT answer: field, message and the constraints
 * and suggestions in extra, serialized exactly.
 */
struct limit_row {
	const char	*name;
	const char	*body;
	const char	*field;
	const char	*constraints;	/* serialized */
};

static const struct limit_row limit_rows[] = {
	{ "USD below", BI(P("0.49")), "items[0].unit_price",
	    "\"constraints\":{\"min_amount\":0.50,\"max_amount\":10000.00,"
	    "\"currency\":\"USD\"}" },
	{ "USD above", BI(P("10000.01")), "items[0].unit_price",
	    "\"constraints\":{\"min_amount\":0.50,\"max_amount\":10000.00,"
	    "\"currency\":\"USD\"}" },
	{ "USD, several items", BI(P("0.10") "," P("0.10")), "items",
	    "\"constraints\":{\"min_amount\":0.50,\"max_amount\":10000.00,"
	    "\"currency\":\"USD\"}" },
	{ "EUR defaults", BC("EUR", P("0.01")), "items[0].unit_price",
	    "\"constraints\":{\"min_amount\":0.50,\"max_amount\":10000.00,"
	    "\"currency\":\"EUR\"}" },
	{ "JPY", BC("JPY", P("1")), "items[0].unit_price",
	    "\"constraints\":{\"min_amount\":50,\"max_amount\":1500000,"
	    "\"currency\":\"JPY\"}" },
};

static void
test_limits(void)
{
	struct invoice_input in;
	struct input_error e;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(limit_rows); i++) {
		const struct limit_row *r = &limit_rows[i];
		const char *txt;

		CU_ASSERT(invoice_input_parse(r->body, strlen(r->body), &cfg,
		    &in, &e) == -1);
		check_int("status", r->name, e.status, 422);
		check_str("code", r->name, e.code, "INVALID_AMOUNT");
		check_str("field", r->name, e.field, r->field);
		check_has("message", r->name, e.message,
		    "Invoice amount must be between");
		CU_ASSERT_FATAL(e.extra != NULL);
		txt = jsonx_text(e.extra);
		check_has("extra", r->name, txt, r->constraints);
		check_has("extra", r->name, txt, "\"suggestions\":[\"Adjust "
		    "the unit price to be within the allowed range\",\"Split "
		    "large orders into multiple invoices\"]");
		invoice_input_release(&in);
		input_error_release(&e);
		CU_ASSERT(e.extra == NULL);
	}
}

/* input_url_ok is shared with other parsers: its own bounds. */
static void
test_url_ok(void)
{
	static const struct {
		const char	*url;
		bool		 ok;
	} urls[] = {
		{ "http://a", true },
		{ "https://a", true },
		{ "https://a.example/p?q=1#f", true },
		{ "https://[::1]:8080/", true },
		{ "https://a/b@c", true },
		{ "http://", false },
		{ "https://", false },
		{ "https:///a", false },
		{ "https://#a", false },
		{ "https://u@a", false },
		{ "https://u:p@a/", false },
		{ "http:/a", false },
		{ "HTTP://a", false },
		{ "ftp://a", false },
		{ "javascript:alert(1)", false },
		{ "//a/b", false },
		{ "", false },
		{ "https://a/ b", false },
		{ "https://a/\tb", false },
		{ "https://a/\x7f", false },
		{ "https://a/\xc3\xa9", false },
		{ "https://a/\"", false },
		{ "https://a/<", false },
		{ "https://a/>", false },
		{ "https://a/\\", false },
		{ "https://a/`", false },
	};
	char big[CC_MAX_URL + 2];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(urls); i++)
		check_int("input_url_ok", urls[i].url,
		    input_url_ok(urls[i].url), urls[i].ok);
	memset(big, 'a', sizeof(big));
	memcpy(big, "https://", 8);
	big[CC_MAX_URL] = '\0';
	check_int("input_url_ok", "2048 bytes", input_url_ok(big), true);
	big[CC_MAX_URL] = 'a';
	big[CC_MAX_URL + 1] = '\0';
	check_int("input_url_ok", "2049 bytes", input_url_ok(big), false);
}

/* The same config serves every test: check it loaded as written. */
static void
test_config(void)
{
	const struct cc_currency *c;
	const struct cc_network *n;
	const struct cc_asset *a;

	c = config_currency(&cfg, "USD");
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT(c->exponent == 2 && c->min_minor == 50 &&
	    c->max_minor == 1000000);
	c = config_currency(&cfg, "EUR");
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT(c->exponent == 2 && c->min_minor == 50 &&
	    c->max_minor == 1000000);
	c = config_currency(&cfg, "JPY");
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT(c->exponent == 0 && c->min_minor == 50 &&
	    c->max_minor == 1500000);
	n = config_network(&cfg, "anvil");
	CU_ASSERT_FATAL(n != NULL);
	CU_ASSERT(n->test && n->kind == ADDRESS_EVM && n->chain_id == 31337);
	a = config_asset(n, "ETH");
	CU_ASSERT_FATAL(a != NULL);
	CU_ASSERT(a->native && a->decimals == 18);
	n = config_network(&cfg, "tron");
	CU_ASSERT_FATAL(n != NULL);
	CU_ASSERT(!n->test && n->kind == ADDRESS_TRON);
	CU_ASSERT(config_asset(n, "ETH") == NULL);
	CU_ASSERT(config_default_network(&cfg, "USDT", true) ==
	    config_network(&cfg, "anvil"));
}

static const struct cu_test tests[] = {
	{ "config as written", test_config },
	{ "spec example, normalized", test_spec_example },
	{ "absent fields", test_absent_defaults },
	{ "rule table", test_rows },
	{ "bodies that are not JSON text", test_raw },
	{ "generated bodies at the limits", test_generated },
	{ "metadata size arithmetic", test_generated_metadata_size },
	{ "normalized values", test_ok_values },
	{ "amount limits and constraints", test_limits },
	{ "input_url_ok", test_url_ok },
	{ "invalid UTF-8 taken as JSON", test_raw_bad_utf8 },
	{ "NUL inside string values", test_nul_in_strings },
	{ "huge integers in metadata change value",
	    test_metadata_big_integer },
};

int
main(void)
{
	return cu_run("invoice_input", suite_init, suite_cleanup, tests,
	    CC_ARRAY_SIZE(tests));
}
