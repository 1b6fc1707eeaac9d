/*
 * Table-driven unit tests of the pure parts of lib/simulate.c: the
 * request body, amounts and their default, the ERC-20 transfer calldata
 * (checked against a vector and decoded back with lib/evm.c), QUANTITY
 * text, and simulated transaction hashes.
 */
#include "cc.h"

#include <CUnit/Basic.h>

#include "cu_run.h"

#include "events.h"
#include "evm.h"
#include "input.h"
#include "jsonx.h"
#include "simulate.h"
#include "util.h"

#define U128_MAX_STR	"340282366920938463463374607431768211455"

static json_object *
parse(const char *text)
{
	char err[160];
	json_object *o;

	o = jsonx_parse(text, strlen(text), err, sizeof(err));
	EXPECT(o != NULL, "test JSON does not parse: %s", err);
	return o;
}

static void
test_parse(void)
{
	static const struct {
		const char	*body;
		int		 rc;
		const char	*code;		/* error, or NULL */
		const char	*field;
		int		 event;
		const char	*amount;	/* NULL: none given */
	} rows[] = {
		{ "{\"event\":\"payment\"}", 0, NULL, NULL, SIMULATE_PAYMENT,
		    NULL },
		{ "{\"event\":\"payment\",\"amount\":\"16.49\"}", 0, NULL, NULL,
		    SIMULATE_PAYMENT, "16.49" },
		/* A number keeps its exact text. */
		{ "{\"event\":\"payment\",\"amount\":0.1000000000000000000001}",
		    0, NULL, NULL, SIMULATE_PAYMENT,
		    "0.1000000000000000000001" },
		{ "{\"event\":\"payment\",\"amount\":null}", 0, NULL, NULL,
		    SIMULATE_PAYMENT, NULL },
		{ "{\"event\":\"confirm\"}", 0, NULL, NULL, SIMULATE_CONFIRM,
		    NULL },
		{ "{\"event\":\"expire\"}", 0, NULL, NULL, SIMULATE_EXPIRE,
		    NULL },
		{ "{}", -1, "MISSING_FIELD", "event", 0, NULL },
		{ "{\"event\":\"refund\"}", -1, "INVALID_VALUE", "event", 0,
		    NULL },
		{ "{\"event\":\"Payment\"}", -1, "INVALID_VALUE", "event", 0,
		    NULL },
		{ "{\"event\":1}", -1, "INVALID_TYPE", "event", 0, NULL },
		{ "{\"event\":\"confirm\",\"amount\":\"1\"}", -1,
		    "INVALID_VALUE", "amount", 0, NULL },
		{ "{\"event\":\"payment\",\"amount\":true}", -1,
		    "INVALID_TYPE", "amount", 0, NULL },
		{ "{\"event\":\"payment\",\"blocks\":3}", -1, "UNKNOWN_FIELD",
		    "blocks", 0, NULL },
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		struct simulate_input in;
		struct input_error e;
		json_object *o = parse(rows[i].body);
		int rc;

		memset(&e, 0, sizeof(e));
		rc = simulate_parse(o, &in, &e);
		EXPECT(rc == rows[i].rc, "%s: rc %d", rows[i].body, rc);
		if (rc == 0 && rows[i].rc == 0) {
			EXPECT((int)in.event == rows[i].event, "%s: event",
			    rows[i].body);
			EXPECT(in.has_amount == (rows[i].amount != NULL),
			    "%s: has_amount", rows[i].body);
			if (rows[i].amount != NULL)
				check_str("amount", rows[i].body, in.amount,
				    rows[i].amount);
		} else if (rc == -1 && rows[i].code != NULL) {
			check_str("code", rows[i].body, e.code, rows[i].code);
			check_str("field", rows[i].body, e.field,
			    rows[i].field);
			EXPECT(e.status == 422, "%s: status %d", rows[i].body,
			    e.status);
		}
		input_error_release(&e);
		json_object_put(o);
	}
	{
		/* An empty body has no event. */
		struct simulate_input in;
		struct input_error e;

		memset(&e, 0, sizeof(e));
		EXPECT(simulate_parse(NULL, &in, &e) == -1, "empty body");
		check_str("code", "empty", e.code, "MISSING_FIELD");
	}
}

static void
test_amount(void)
{
	static const struct {
		const char	*text;
		int		 decimals;
		const char	*units;	/* NULL: refused */
	} rows[] = {
		{ "16.49", 6, "16490000" },
		{ "16.490000", 6, "16490000" },
		{ "0.000001", 6, "1" },
		{ "1", 0, "1" },
		{ "0.01", 18, "10000000000000000" },
		/* 30 digits, the most an amount has (cc_limits.h). */
		{ "100000000000.000000000000000001", 18,
		    "100000000000000000000000000001" },
		{ "1000000000000.000000000000000001", 18, NULL },
		{ "0.0000001", 6, NULL },	/* more decimals */
		{ "0", 6, NULL },
		{ "0.000", 6, NULL },
		{ "-1", 6, NULL },
		{ "1e3", 6, NULL },
		{ "01", 6, NULL },
		{ " 1", 6, NULL },
		{ "", 6, NULL },
		{ "abc", 6, NULL },
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		struct input_error e;
		unsigned __int128 u = 7;
		char buf[48];
		int rc;

		memset(&e, 0, sizeof(e));
		rc = simulate_amount(rows[i].text, rows[i].decimals, &u, &e);
		if (rows[i].units != NULL) {
			EXPECT(rc == 0, "%s: refused (%s)", rows[i].text,
			    e.message);
			check_str("units", rows[i].text, u128s(u, buf,
			    sizeof(buf)), rows[i].units);
		} else {
			EXPECT(rc == -1, "%s: accepted", rows[i].text);
			EXPECT(u == 7, "%s: out written", rows[i].text);
			check_str("code", rows[i].text, e.code,
			    "INVALID_AMOUNT");
			check_str("field", rows[i].text, e.field, "amount");
			EXPECT(e.status == 422, "%s: status", rows[i].text);
		}
	}
}

static void
test_due(void)
{
	static const struct {
		const char	*total, *seen, *due;
	} rows[] = {
		{ "16490000", "0", "16490000" },
		{ "16490000", "10000000", "6490000" },
		{ "16490000", "16490000", "0" },
		{ "16490000", "20000000", "0" },
		{ U128_MAX_STR, "0", U128_MAX_STR },
		{ U128_MAX_STR, "1", "340282366920938463463374607431768211454" },
		{ "0", "0", "0" },
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		char buf[48];

		check_str("due", cu_row(i), u128s(simulate_due(
		    u128(rows[i].total), u128(rows[i].seen)), buf,
		    sizeof(buf)), rows[i].due);
	}
}

static void
test_calldata(void)
{
	static const char *const units[] = { "0", "1", "16490000",
	    "18446744073709551616", U128_MAX_STR };
	static const char *const addrs[] = {
	    "a0ee7a142d267c1f36714e4a8f75612f20a79720",
	    "0000000000000000000000000000000000000001",
	    "ffffffffffffffffffffffffffffffffffffffff" };
	char out[SIMULATE_CALLDATA_LEN], small[SIMULATE_CALLDATA_LEN - 1];
	uint8_t to[20];
	size_t i, j;

	/* The vector: transfer(0xa0ee...9720, 16490000). */
	EXPECT(hex_decode(addrs[0], to, sizeof(to)) == 0, "hex");
	EXPECT(simulate_transfer_calldata(to, 16490000, out, sizeof(out)) ==
	    0, "vector");
	check_str("calldata", "vector", out, "0xa9059cbb"
	    "000000000000000000000000a0ee7a142d267c1f36714e4a8f75612f20a79720"
	    "0000000000000000000000000000000000000000000000000000000000fb9e10");
	EXPECT(simulate_transfer_calldata(to, 1, small, sizeof(small)) == -1,
	    "short buffer");
	EXPECT(small[0] == '\0', "short buffer not emptied");
	/* Every row decodes back through lib/evm.c's readers. */
	for (i = 0; i < CC_ARRAY_SIZE(addrs); i++)
		for (j = 0; j < CC_ARRAY_SIZE(units); j++) {
			char word[67], buf[48];
			unsigned __int128 v;
			uint8_t a[20], back[20];

			EXPECT(hex_decode(addrs[i], a, sizeof(a)) == 0, "hex");
			EXPECT(simulate_transfer_calldata(a, u128(units[j]),
			    out, sizeof(out)) == 0, "row %zu/%zu", i, j);
			EXPECT(strlen(out) == SIMULATE_CALLDATA_LEN - 1,
			    "length %zu/%zu", i, j);
			word[0] = '0';
			word[1] = 'x';
			memcpy(word + 2, out + 10, 64);
			word[66] = '\0';
			EXPECT(evm_topic_address(word, back) == 0 &&
			    memcmp(a, back, 20) == 0, "address %zu/%zu", i,
			    j);
			memcpy(word + 2, out + 74, 64);
			EXPECT(evm_word_u128(word, &v) == 0, "word %zu/%zu", i,
			    j);
			check_str("value", units[j], u128s(v, buf,
			    sizeof(buf)), units[j]);
		}
}

static void
test_quantity(void)
{
	static const struct {
		const char	*v, *hex;
	} rows[] = {
		{ "0", "0x0" },
		{ "1", "0x1" },
		{ "26", "0x1a" },
		{ "10000000000000000", "0x2386f26fc10000" },
		{ "18446744073709551616", "0x10000000000000000" },
		{ U128_MAX_STR, "0xffffffffffffffffffffffffffffffff" },
	};
	char out[40], buf[48];
	unsigned __int128 back;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		EXPECT(simulate_quantity(u128(rows[i].v), out, sizeof(out)) ==
		    0, "%s", rows[i].v);
		check_str("hex", rows[i].v, out, rows[i].hex);
		EXPECT(evm_quantity_u128(out, &back) == 0, "%s: decode",
		    rows[i].v);
		check_str("back", rows[i].v, u128s(back, buf, sizeof(buf)),
		    rows[i].v);
	}
	EXPECT(simulate_quantity(26, out, 4) == -1, "0x1a in 4 bytes");
	EXPECT(out[0] == '\0', "short buffer not emptied");
	EXPECT(simulate_quantity(26, out, 5) == 0, "0x1a in 5 bytes");
}

static void
test_tx_hash(void)
{
	char a[SIMULATE_HASH_LEN], b[SIMULATE_HASH_LEN];

	simulate_tx_hash(a);
	simulate_tx_hash(b);
	EXPECT(evm_hash_ok(a), "well-formed: %s", a);
	EXPECT(strncmp(a, "0x" "0000000000000000" "0000000000000000", 34) ==
	    0, "prefix: %s", a);
	EXPECT(strcmp(a, b) != 0, "two alike: %s", a);
	EXPECT(simulate_is_tx_hash(a) && simulate_is_tx_hash(b), "own");
	/* A real one (anvil's first mint). */
	EXPECT(!simulate_is_tx_hash("0xd58e4e505924e7ea986455ed50ef277b"
	    "c8173c80acdc54da8efcc622740c3ba1"), "real hash");
	EXPECT(!simulate_is_tx_hash("0x0000000000000000000000000000000"),
	    "short");
	EXPECT(!simulate_is_tx_hash(NULL), "NULL");
}

/* The payment events carry the mark, and only a simulated payment. */
static void
test_event_mark(void)
{
	struct event_payment p = { 0 };
	json_object *o, *v;
	int i;

	p.id = "pay_x";
	p.units = 16490000;
	p.decimals = 6;
	p.asset = "USDT";
	p.status = "detected";
	p.tx_hash = SIMULATE_HASH_PREFIX "00000000000000000000000000000001";
	for (i = 0; i < 2; i++) {
		p.simulated = i == 1;
		o = events_payment_json(&p);
		EXPECT(json_object_object_get_ex(o, "simulated", &v) == (i == 1),
		    "simulated %d: key", i);
		if (i == 1)
			EXPECT(json_object_get_boolean(v), "simulated: true");
		check_str("amount", "event", jsonx_text(json_object_object_get(o,
		    "amount")), "16.49");
		json_object_put(o);
	}
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "parse", test_parse },
		{ "amount", test_amount },
		{ "due", test_due },
		{ "calldata", test_calldata },
		{ "quantity", test_quantity },
		{ "tx_hash", test_tx_hash },
		{ "event_mark", test_event_mark },
	};

	return cu_run("simulate", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
