/*
 * Unit tests of lib/pending.c: the ERC-20 transfer calls a pending
 * transaction may carry, and everything else it may carry instead.
 */
#include "cc.h"

#include "cu_run.h"

#include "keccak.h"
#include "pending.h"
#include "util.h"

#define SEL	"a9059cbb"
#define SELFROM	"23b872dd"
#define ADDR	"0000000000000000000000005fbdb2315678afecb367f032d93f642f64180aa3"
#define OWNER	"00000000000000000000000090f79bf6eb2c4f870365e785982e1f101e93b906"
/* 16.49 USDT (6 decimals): 16490000 = 0xfb9e10. */
#define AMT	"0000000000000000000000000000000000000000000000000000000000fb9e10"
#define MAX128	"00000000000000000000000000000000ffffffffffffffffffffffffffffffff"
#define OVER128	"0000000000000000000000000000000100000000000000000000000000000000"

static const struct {
	const char		*input;		/* NULL: no "input" member */
	enum pending_call	 want;
	const char		*to;		/* hex, when a transfer */
	const char		*value;		/* decimal, when a transfer */
	const char		*from;		/* hex, transferFrom's owner */
} rows[] = {
	{ "0x" SEL ADDR AMT, PENDING_TRANSFER,
	    "5fbdb2315678afecb367f032d93f642f64180aa3", "16490000", NULL },
	{ "0XA9059CBB" "0000000000000000000000005FBDB2315678AFECB367F032D93F642F64180AA3" AMT,
	    PENDING_TRANSFER, "5fbdb2315678afecb367f032d93f642f64180aa3",
	    "16490000", NULL },
	{ "0x" SEL ADDR MAX128, PENDING_TRANSFER,
	    "5fbdb2315678afecb367f032d93f642f64180aa3",
	    "340282366920938463463374607431768211455", NULL },
	{ "0x" SEL ADDR
	    "0000000000000000000000000000000000000000000000000000000000000000",
	    PENDING_TRANSFER, "5fbdb2315678afecb367f032d93f642f64180aa3",
	    "0", NULL },
	{ "0x" SEL ADDR OVER128, PENDING_OVERFLOW, NULL, NULL, NULL },
	/* A dirty address word: the token would refuse the call. */
	{ "0x" SEL "0000000000000000000000015fbdb2315678afecb367f032d93f642f64180aa3" AMT,
	    PENDING_OTHER, NULL, NULL, NULL },
	/* approve(address,uint256): same shape, another function. */
	{ "0x095ea7b3" ADDR AMT, PENDING_OTHER, NULL, NULL, NULL },
	/* transferFrom(owner, to, amount): the owner's tokens move. */
	{ "0x" SELFROM OWNER ADDR AMT, PENDING_TRANSFER,
	    "5fbdb2315678afecb367f032d93f642f64180aa3", "16490000",
	    "90f79bf6eb2c4f870365e785982e1f101e93b906" },
	{ "0x23B872DD" OWNER ADDR MAX128, PENDING_TRANSFER,
	    "5fbdb2315678afecb367f032d93f642f64180aa3",
	    "340282366920938463463374607431768211455",
	    "90f79bf6eb2c4f870365e785982e1f101e93b906" },
	{ "0x" SELFROM OWNER ADDR OVER128, PENDING_OVERFLOW, NULL, NULL, NULL },
	/* A dirty owner or recipient word. */
	{ "0x" SELFROM "0000000000000000000000ff90f79bf6eb2c4f870365e785982e1f101e93b906"
	    ADDR AMT, PENDING_OTHER, NULL, NULL, NULL },
	{ "0x" SELFROM OWNER
	    "0000000000000000000000015fbdb2315678afecb367f032d93f642f64180aa3" AMT,
	    PENDING_OTHER, NULL, NULL, NULL },
	/* Each selector with the other's length. */
	{ "0x" SELFROM ADDR AMT, PENDING_OTHER, NULL, NULL, NULL },
	{ "0x" SEL OWNER ADDR AMT, PENDING_OTHER, NULL, NULL, NULL },
	{ "0x" SELFROM OWNER ADDR AMT "00", PENDING_OTHER, NULL, NULL, NULL },
	{ "0x" SEL ADDR AMT "00", PENDING_OTHER, NULL, NULL, NULL },
	{ "0x" SEL ADDR, PENDING_OTHER, NULL, NULL, NULL },
	{ "0x", PENDING_OTHER, NULL, NULL, NULL },
	{ "0x" SEL ADDR AMT "0", PENDING_OTHER, NULL, NULL, NULL },
	{ "", PENDING_MALFORMED, NULL, NULL, NULL },
	{ "a9059cbb" ADDR AMT, PENDING_MALFORMED, NULL, NULL, NULL },
	{ "0x" SEL ADDR "zz00000000000000000000000000000000000000000000000000000000fb9d10",
	    PENDING_MALFORMED, NULL, NULL, NULL },
	{ NULL, PENDING_MALFORMED, NULL, NULL, NULL },
};

static void
test_rows(void)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		json_object *tx = json_object_new_object();
		struct pending_transfer pt;
		char got[48], hex[41];
		enum pending_call rc;

		memset(&pt, 0xee, sizeof(pt));
		pt.value = 7;
		if (rows[i].input != NULL)
			json_object_object_add(tx, "input",
			    json_object_new_string(rows[i].input));
		rc = pending_transfer_call(tx, &pt);
		check_int("result", cu_row(i), rc, rows[i].want);
		if (rows[i].want == PENDING_TRANSFER &&
		    rc == PENDING_TRANSFER) {
			hex_encode(pt.to, sizeof(pt.to), hex);
			check_str("to", cu_row(i), hex, rows[i].to);
			check_str("value", cu_row(i), u128s(pt.value, got,
			    sizeof(got)), rows[i].value);
			check_int("has_from", cu_row(i), pt.has_from,
			    rows[i].from != NULL);
			if (rows[i].from != NULL) {
				hex_encode(pt.from, sizeof(pt.from), hex);
				check_str("from", cu_row(i), hex,
				    rows[i].from);
			}
		} else {
			/* Nothing written for anything but a transfer. */
			check_int("value untouched", cu_row(i),
			    (long long)pt.value, 7);
			check_int("to untouched", cu_row(i), pt.to[0], 0xee);
		}
		json_object_put(tx);
	}
}

/* Not an object, or an input that is not a string. */
static void
test_shapes(void)
{
	json_object *tx = json_object_new_object();
	struct pending_transfer pt;

	CU_ASSERT_EQUAL(pending_transfer_call(NULL, &pt), PENDING_MALFORMED);
	json_object_object_add(tx, "input", json_object_new_int(5));
	CU_ASSERT_EQUAL(pending_transfer_call(tx, &pt), PENDING_MALFORMED);
	json_object_put(tx);
	tx = json_object_new_array();
	CU_ASSERT_EQUAL(pending_transfer_call(tx, &pt), PENDING_MALFORMED);
	json_object_put(tx);
}

/*
 * The selectors are what the signatures hash to (the published a9059cbb
 * and 23b872dd).
 */
static void
test_selector(void)
{
	static const char sig[] = "transfer(address,uint256)";
	static const char sig_from[] = "transferFrom(address,address,uint256)";
	uint8_t h[32];
	char hex[9];

	keccak256((const uint8_t *)sig, strlen(sig), h);
	hex_encode(h, 4, hex);
	CU_ASSERT_STRING_EQUAL(hex, SEL);
	keccak256((const uint8_t *)sig_from, strlen(sig_from), h);
	hex_encode(h, 4, hex);
	CU_ASSERT_STRING_EQUAL(hex, SELFROM);
}

static const struct cu_test tests[] = {
	{ "transfer calls and others", test_rows },
	{ "not a transaction", test_shapes },
	{ "the selectors", test_selector },
};

int
main(void)
{
	return cu_run("pending", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
