/*
 * Table-driven unit tests of lib/evm.c (JSON-RPC hex values, Transfer
 * logs, transactions, block headers). The JSON objects are real anvil
 * output (eth_getLogs and eth_getBlockByNumber after deploying
 * chain/TestUSDT.sol, minting 25 USDT and sending 1 ETH), with single
 * fields altered where a row says so. Boundary values: 2^64 = 0x1
 * followed by 16 zeros, 2^128 = 0x1 followed by 32 zeros.
 */
#include "cc.h"

#include <inttypes.h>

#include <CUnit/Basic.h>

#include "cu_run.h"

#include "evm.h"
#include "ids.h"
#include "jsonx.h"
#include "util.h"

#define U64_MAX_STR	"18446744073709551615"
#define U128_MAX_STR	"340282366920938463463374607431768211455"

/* Hex building blocks: 8, 24 and 32 zeros, 32 f's. */
#define Z8		"00000000"
#define Z24		Z8 Z8 Z8
#define Z32		Z8 Z8 Z8 Z8
#define F32		"ffffffffffffffffffffffffffffffff"

#define T_APPROVAL	"0x8c5be1e5ebec7d5bd14f71427d1e84f3" \
			"dd0314c0f7b2291e5b200ac8c7c3b925"
#define A_TOKEN		"5fbdb2315678afecb367f032d93f642f64180aa3"
#define A_DEPLOYER	"f39fd6e51aad88f6f4ce6ab8827279cfffb92266"
#define A_PAYEE		"a0ee7a142d267c1f36714e4a8f75612f20a79720"
#define A_ETHTO		"70997970c51812dc3a010c7d01b50e0d17dc79c8"
#define BLOCK2_HASH	"0x6f0c5be9ce8629e2f9c86ba7121b9ed7" \
			"053276dd4dd00e9242c2baa0101c52b4"
#define MINT_TX		"0xd58e4e505924e7ea986455ed50ef277b" \
			"c8173c80acdc54da8efcc622740c3ba1"
#define SENTINEL	0x5a5a5a5a

static json_object *
parse(const char *text)
{
	char err[160];
	json_object *o;

	o = jsonx_parse(text, strlen(text), err, sizeof(err));
	EXPECT(o != NULL, "test JSON does not parse: %s", err);
	return o;
}

static bool
addr_is(const uint8_t a[20], const char *hex40)
{
	uint8_t want[20];

	return hex_decode(hex40, want, sizeof(want)) == 0 &&
	    memcmp(a, want, 20) == 0;
}

/*
 * QUANTITY, DATA and word syntax
 */

static void
test_quantity_u64(void)
{
	static const struct {
		const char	*in;
		int		 rc;
		uint64_t	 want;
	} t[] = {
		{ "0x0", 0, 0 },
		{ "0x1", 0, 1 },
		{ "0x1a", 0, 26 },
		{ "0x1A", 0, 26 },
		{ "0xAbCdEf", 0, 0xabcdef },
		{ "0x1c9c380", 0, 30000000 },
		{ "0x8000000000000000", 0, 0x8000000000000000ULL },
		{ "0xffffffffffffffff", 0, UINT64_MAX },
		{ "0xFFFFFFFFFFFFFFFF", 0, UINT64_MAX },
		{ "0x10000000000000000", -1, 0 },	/* 2^64 */
		{ "0x0ffffffffffffffff", -1, 0 },	/* leading zero */
		{ "0x", -1, 0 },
		{ "0x00", -1, 0 },
		{ "0x01", -1, 0 },
		{ "0x0001", -1, 0 },
		{ "0X1a", -1, 0 },
		{ "1a", -1, 0 },
		{ "26", -1, 0 },
		{ "", -1, 0 },
		{ "0", -1, 0 },
		{ "x1", -1, 0 },
		{ "0x1g", -1, 0 },
		{ "0x 1", -1, 0 },
		{ " 0x1", -1, 0 },
		{ "0x1 ", -1, 0 },
		{ "-0x1", -1, 0 },
		{ "+0x1", -1, 0 },
		{ "0x-1", -1, 0 },
		{ NULL, -1, 0 },
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		uint64_t got = SENTINEL;
		int rc = evm_quantity_u64(t[i].in, &got);

		EXPECT(rc == t[i].rc, "quantity_u64(%s): rc %d, want %d",
		    t[i].in ? t[i].in : "NULL", rc, t[i].rc);
		EXPECT(got == (rc == 0 ? t[i].want : SENTINEL),
		    "quantity_u64(%s): got %" PRIu64,
		    t[i].in ? t[i].in : "NULL", got);
	}
}

static void
test_quantity_u128(void)
{
	static const struct {
		const char	*in;
		int		 rc;
		const char	*want;		/* decimal */
	} t[] = {
		{ "0x0", 0, "0" },
		{ "0xde0b6b3a7640000", 0, "1000000000000000000" },
		{ "0xDE0B6B3A7640000", 0, "1000000000000000000" },
		{ "0xffffffffffffffff", 0, U64_MAX_STR },
		{ "0x1" "0000000000000000", 0, "18446744073709551616" },
		{ "0x" F32, 0, U128_MAX_STR },
		{ "0x" "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", 0, U128_MAX_STR },
		/* 2^127 */
		{ "0x8" "0000000000000000000000000000000", 0,
		    "170141183460469231731687303715884105728" },
		{ "0x1" Z32, -1, NULL },		/* 2^128 */
		{ "0xf" F32, -1, NULL },
		{ "0x0" F32, -1, NULL },
		{ "0x0de0b6b3a7640000", -1, NULL },
		{ "0x", -1, NULL },
		{ "0x00", -1, NULL },
		{ "de0b6b3a7640000", -1, NULL },
		{ "0xde0b6b3a764000g", -1, NULL },
		{ NULL, -1, NULL },
	};
	char a[48], b[48];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		unsigned __int128 got = SENTINEL;
		int rc = evm_quantity_u128(t[i].in, &got);

		EXPECT(rc == t[i].rc, "quantity_u128(%s): rc %d, want %d",
		    t[i].in ? t[i].in : "NULL", rc, t[i].rc);
		EXPECT(rc != 0 ? got == SENTINEL :
		    t[i].want != NULL && got == u128(t[i].want),
		    "quantity_u128(%s): got %s, want %s",
		    t[i].in ? t[i].in : "NULL", u128s(got, a, sizeof(a)),
		    rc == 0 && t[i].want != NULL ? t[i].want :
		    u128s(SENTINEL, b, sizeof(b)));
	}
}

static void
test_word_u128(void)
{
	static const struct {
		const char	*in;
		int		 rc;
		const char	*want;
	} t[] = {
		{ "0x" Z32 Z32, 0, "0" },
		/* The data word of the real mint log: 25 USDT. */
		{ "0x" Z32 Z24 "017d7840", 0, "25000000" },
		{ "0x" Z32 Z24 "017D7840", 0, "25000000" },
		{ "0x" Z32 F32, 0, U128_MAX_STR },
		{ "0x" Z32 "80000000000000000000000000000000", 0,
		    "170141183460469231731687303715884105728" },
		/* 2^128, 2^255, 2^256-1: beyond 128 bits. */
		{ "0x" Z24 "00000001" Z32, -1, NULL },
		{ "0x8" "0000000000000000000000000000000" Z32, -1, NULL },
		{ "0x" F32 F32, -1, NULL },
		/* Wrong lengths and syntax. */
		{ "0x" Z32 Z24 "0000001", -1, NULL },		/* 63 */
		{ "0x" Z32 Z32 "0", -1, NULL },			/* 65 */
		{ "0x" Z32 Z32 "00", -1, NULL },		/* 33 bytes */
		{ "0x1", -1, NULL },
		{ "0x", -1, NULL },
		{ Z32 Z32, -1, NULL },
		{ "0X" Z32 Z32, -1, NULL },
		{ "0x" Z32 Z24 "0000000g", -1, NULL },
		{ NULL, -1, NULL },
	};
	char a[48];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		unsigned __int128 got = SENTINEL;
		int rc = evm_word_u128(t[i].in, &got);

		EXPECT(rc == t[i].rc, "word_u128 row %zu: rc %d, want %d",
		    i, rc, t[i].rc);
		EXPECT(rc != 0 ? got == SENTINEL :
		    t[i].want != NULL && got == u128(t[i].want),
		    "word_u128 row %zu: got %s", i, u128s(got, a, sizeof(a)));
	}
}

static void
test_topic_address(void)
{
	static const struct {
		const char	*in;
		int		 rc;
		const char	*want;		/* 40 hex */
	} t[] = {
		{ "0x" Z24 A_PAYEE, 0, A_PAYEE },
		{ "0x" Z24 "A0EE7A142D267C1F36714E4A8F75612F20A79720", 0,
		    A_PAYEE },
		{ "0x" Z32 Z32, 0, Z32 Z8 },		/* the zero address */
		{ "0x" Z24 "ffffffffffffffffffffffffffffffffffffffff", 0,
		    "ffffffffffffffffffffffffffffffffffffffff" },
		/* Non-zero padding: not an address, whichever byte. */
		{ "0x1" "00000000000000000000000" A_PAYEE, -1, NULL },
		{ "0x" "0000000000000000000001" "00" A_PAYEE, -1, NULL },
		{ "0x" "00000000000000000000000f" A_PAYEE, -1, NULL },
		{ "0x" F32 F32, -1, NULL },
		/* Lengths and syntax. */
		{ "0x" A_PAYEE, -1, NULL },
		{ "0x" Z24 A_PAYEE "00", -1, NULL },
		{ "0x" Z24 "a0ee7a142d267c1f36714e4a8f75612f20a7972", -1,
		    NULL },
		{ "0x" Z24 "a0ee7a142d267c1f36714e4a8f75612f20a7972z", -1,
		    NULL },
		{ Z8 Z24 A_PAYEE, -1, NULL },
		{ NULL, -1, NULL },
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		uint8_t got[20];
		int rc;

		memset(got, 0x5a, sizeof(got));
		rc = evm_topic_address(t[i].in, got);
		EXPECT(rc == t[i].rc, "topic_address row %zu: rc %d, want %d",
		    i, rc, t[i].rc);
		if (rc == 0 && t[i].rc == 0)
			EXPECT(addr_is(got, t[i].want),
			    "topic_address row %zu: wrong bytes", i);
	}
}

static void
test_address_hash(void)
{
	static const struct {
		const char	*in;
		int		 rc;
	} addrs[] = {
		{ "0x" A_PAYEE, 0 },
		{ "0xA0EE7A142D267C1F36714E4A8F75612F20A79720", 0 },
		/* EIP-55 mixed case is accepted without a checksum check. */
		{ "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720", 0 },
		{ "0xA0ee7a142d267c1f36714e4a8f75612f20a79720", 0 },
		{ "0x" A_PAYEE "00", -1 },
		{ "0xa0ee7a142d267c1f36714e4a8f75612f20a7972", -1 },
		{ A_PAYEE, -1 },
		{ "0X" A_PAYEE, -1 },
		{ "0xg0ee7a142d267c1f36714e4a8f75612f20a79720", -1 },
		{ "41a0ee7a142d267c1f36714e4a8f75612f20a7972", -1 },
		{ "", -1 },
		{ NULL, -1 },
	};
	static const struct {
		const char	*in;
		int		 ok;
	} hashes[] = {
		{ MINT_TX, 1 },
		{ "0xD58E4E505924E7EA986455ED50EF277B"
		    "C8173C80ACDC54DA8EFCC622740C3BA1", 1 },
		{ "0x" Z32 Z32, 1 },
		{ "0x" Z32 Z24 "0000000", 0 },
		{ "0x" Z32 Z32 "0", 0 },
		{ "0x" Z32 Z24 "0000000x", 0 },
		{ Z32 Z32, 0 },
		{ "0x", 0 },
		{ NULL, 0 },
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(addrs); i++) {
		uint8_t got[20];
		int rc = evm_address_bytes(addrs[i].in, got);

		EXPECT(rc == addrs[i].rc, "address_bytes(%s): rc %d",
		    addrs[i].in ? addrs[i].in : "NULL", rc);
		if (rc == 0)
			EXPECT(addr_is(got, A_PAYEE), "address_bytes(%s)",
			    addrs[i].in);
	}
	for (i = 0; i < CC_ARRAY_SIZE(hashes); i++)
		EXPECT(evm_hash_ok(hashes[i].in) == hashes[i].ok,
		    "hash_ok row %zu", i);
}

static void
test_quantity_str(void)
{
	static const struct {
		uint64_t	 v;
		const char	*want;
	} t[] = {
		{ 0, "0x0" },
		{ 1, "0x1" },
		{ 26, "0x1a" },
		{ 4096, "0x1000" },
		{ 30000000, "0x1c9c380" },
		{ 0x100000000ULL, "0x100000000" },
		{ UINT64_MAX, "0xffffffffffffffff" },
	};
	char out[EVM_QUANTITY_STRLEN], small[5];
	uint64_t back, r;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		evm_quantity_str(t[i].v, out, sizeof(out));
		EXPECT(strcmp(out, t[i].want) == 0, "quantity_str(%" PRIu64
		    "): %s, want %s", t[i].v, out, t[i].want);
		EXPECT(evm_quantity_u64(out, &back) == 0 && back == t[i].v,
		    "quantity_str(%" PRIu64 ") does not parse back", t[i].v);
	}
	/* Too small a buffer gives "", never a cut number. */
	evm_quantity_str(0x1234, small, sizeof(small));
	EXPECT(small[0] == '\0', "quantity_str into 5 bytes: %s", small);
	evm_quantity_str(0x123, small, sizeof(small));
	EXPECT(small[0] == '\0', "quantity_str(0x123) needs 6 bytes: %s",
	    small);
	evm_quantity_str(0x12, small, sizeof(small));
	EXPECT(strcmp(small, "0x12") == 0, "quantity_str(0x12): %s", small);
	/* Round trips of random values. */
	for (i = 0; i < 1000; i++) {
		ids_random(&r, sizeof(r));
		r >>= i % 64;
		evm_quantity_str(r, out, sizeof(out));
		EXPECT(evm_quantity_u64(out, &back) == 0 && back == r,
		    "round trip of %" PRIu64 " via %s", r, out);
	}
}

/*
 * eth_getLogs entries
 */

/* The mint log exactly as anvil returned it. */
static const char real_log[] =
    "{\"address\":\"0x" A_TOKEN "\",\"topics\":[\""
    EVM_TRANSFER_TOPIC "\",\"0x" Z32 Z32 "\",\"0x" Z24 A_PAYEE "\"],"
    "\"data\":\"0x" Z32 Z24 "017d7840\","
    "\"blockHash\":\"" BLOCK2_HASH "\",\"blockNumber\":\"0x2\","
    "\"blockTimestamp\":\"0x6b090291\","
    "\"transactionHash\":\"" MINT_TX "\",\"transactionIndex\":\"0x0\","
    "\"logIndex\":\"0x0\",\"removed\":false}";

static void
test_real_transfer_log(void)
{
	struct evm_transfer tr;
	json_object *o;
	char a[48];

	o = parse(real_log);
	if (o == NULL)
		return;
	EXPECT(evm_decode_transfer_log(o, &tr) == 0, "real log not decoded");
	EXPECT(addr_is(tr.contract, A_TOKEN), "contract");
	EXPECT(addr_is(tr.from, Z32 Z8), "from: the zero address (mint)");
	EXPECT(addr_is(tr.to, A_PAYEE), "to");
	EXPECT(tr.value == 25000000, "value %s", u128s(tr.value, a, 48));
	EXPECT(!tr.value_overflow, "value_overflow");
	EXPECT(tr.block_number == 2, "block_number %" PRIu64,
	    tr.block_number);
	EXPECT(strcmp(tr.block_hash, BLOCK2_HASH) == 0, "block_hash %s",
	    tr.block_hash);
	EXPECT(strcmp(tr.tx_hash, MINT_TX) == 0, "tx_hash %s", tr.tx_hash);
	EXPECT(tr.log_index == 0, "log_index");
	EXPECT(!tr.removed, "removed");
	json_object_put(o);
}

/* Topics arrays of the log rows. */
#define TOPICS3(t0, t1, t2)	"[\"" t0 "\",\"" t1 "\",\"" t2 "\"]"
#define TOPIC_ADDR(a)		"0x" Z24 a
#define STD_TOPICS \
	TOPICS3(EVM_TRANSFER_TOPIC, TOPIC_ADDR(A_DEPLOYER), \
	    TOPIC_ADDR(A_PAYEE))
#define STD_DATA		"\"0x" Z32 Z24 "017d7840\""
#define DOC_TAIL(bn, bh, tx, li, rm) \
	"\"blockHash\":" bh ",\"blockNumber\":" bn "," \
	"\"transactionHash\":" tx ",\"transactionIndex\":\"0x3\"," \
	"\"logIndex\":" li rm
#define STD_TAIL \
	DOC_TAIL("\"0x1b4\"", "\"" BLOCK2_HASH "\"", "\"" MINT_TX "\"", \
	    "\"0x1f\"", ",\"removed\":false")

static void
test_transfer_logs(void)
{
	static const struct {
		const char	*name;
		const char	*address;	/* JSON value */
		const char	*topics;
		const char	*data;
		const char	*tail;
		int		 rc;
		const char	*value;		/* when rc is 0 */
		bool		 overflow;
		bool		 removed;
	} t[] = {
		{ "standard transfer", NULL, STD_TOPICS, STD_DATA, STD_TAIL,
		    0, "25000000", false, false },
		{ "removed by a reorg", NULL, STD_TOPICS, STD_DATA,
		    DOC_TAIL("\"0x1b4\"", "\"" BLOCK2_HASH "\"",
		    "\"" MINT_TX "\"", "\"0x1f\"", ",\"removed\":true"),
		    0, "25000000", false, true },
		{ "no removed member", NULL, STD_TOPICS, STD_DATA,
		    DOC_TAIL("\"0x1b4\"", "\"" BLOCK2_HASH "\"",
		    "\"" MINT_TX "\"", "\"0x1f\"", ""),
		    0, "25000000", false, false },
		{ "upper-case hex everywhere", "\"0x5FBDB2315678AFECB367F032"
		    "D93F642F64180AA3\"",
		    "[\"0xDDF252AD1BE2C89B69C2B068FC378DAA952BA7F163C4A116"
		    "28F55A4DF523B3EF\",\"0x" Z24 "F39FD6E51AAD88F6F4CE6AB8"
		    "827279CFFFB92266\",\"0x" Z24 "A0EE7A142D267C1F36714E4A"
		    "8F75612F20A79720\"]",
		    "\"0x" Z32 Z24 "017D7840\"", STD_TAIL,
		    0, "25000000", false, false },
		{ "zero value", NULL, STD_TOPICS, "\"0x" Z32 Z32 "\"",
		    STD_TAIL, 0, "0", false, false },
		{ "value 2^128-1", NULL, STD_TOPICS, "\"0x" Z32 F32 "\"",
		    STD_TAIL, 0, U128_MAX_STR, false, false },
		{ "value 2^128: overflow", NULL, STD_TOPICS,
		    "\"0x" Z24 "00000001" Z32 "\"", STD_TAIL,
		    0, "0", true, false },
		{ "value 2^256-1: overflow", NULL, STD_TOPICS,
		    "\"0x" F32 F32 "\"", STD_TAIL, 0, "0", true, false },

		/* Well-formed, but not an ERC-20 Transfer: 1. */
		{ "ERC-721 Transfer, 4 topics", NULL,
		    "[\"" EVM_TRANSFER_TOPIC "\",\"" TOPIC_ADDR(A_DEPLOYER)
		    "\",\"" TOPIC_ADDR(A_PAYEE) "\",\"0x" Z32 Z24 "0000002a"
		    "\"]", "\"0x\"", STD_TAIL, 1, NULL, false, false },
		{ "4 topics and one data word", NULL,
		    "[\"" EVM_TRANSFER_TOPIC "\",\"" TOPIC_ADDR(A_DEPLOYER)
		    "\",\"" TOPIC_ADDR(A_PAYEE) "\",\"0x" Z32 Z24 "0000002a"
		    "\"]", STD_DATA, STD_TAIL, 1, NULL, false, false },
		{ "Approval event", NULL,
		    TOPICS3(T_APPROVAL, TOPIC_ADDR(A_DEPLOYER),
		    TOPIC_ADDR(A_PAYEE)), STD_DATA, STD_TAIL,
		    1, NULL, false, false },
		{ "Transfer with nothing indexed", NULL,
		    "[\"" EVM_TRANSFER_TOPIC "\"]",
		    "\"0x" Z24 A_DEPLOYER Z24 A_PAYEE Z32 Z24 "017d7840\"",
		    STD_TAIL, 1, NULL, false, false },
		{ "anonymous event, no topics", NULL, "[]", STD_DATA,
		    STD_TAIL, 1, NULL, false, false },
		{ "two topics", NULL, "[\"" EVM_TRANSFER_TOPIC "\",\""
		    TOPIC_ADDR(A_DEPLOYER) "\"]", STD_DATA, STD_TAIL,
		    1, NULL, false, false },
		{ "from topic with non-zero padding", NULL,
		    TOPICS3(EVM_TRANSFER_TOPIC,
		    "0x" "000000000000000000000001" A_DEPLOYER,
		    TOPIC_ADDR(A_PAYEE)), STD_DATA, STD_TAIL,
		    1, NULL, false, false },
		{ "to topic with non-zero padding", NULL,
		    TOPICS3(EVM_TRANSFER_TOPIC, TOPIC_ADDR(A_DEPLOYER),
		    "0x" "f00000000000000000000000" A_PAYEE), STD_DATA,
		    STD_TAIL, 1, NULL, false, false },
		{ "empty data", NULL, STD_TOPICS, "\"0x\"", STD_TAIL,
		    1, NULL, false, false },
		{ "two data words", NULL, STD_TOPICS,
		    "\"0x" Z32 Z24 "017d7840" Z32 Z32 "\"", STD_TAIL,
		    1, NULL, false, false },
		{ "half a data word", NULL, STD_TOPICS,
		    "\"0x" Z24 "017d7840\"",
		    STD_TAIL, 1, NULL, false, false },

		/* What the node answers for: -1. */
		{ "address too short", "\"0x" Z32 "\"", STD_TOPICS, STD_DATA,
		    STD_TAIL, -1, NULL, false, false },
		{ "address null", "null", STD_TOPICS, STD_DATA, STD_TAIL,
		    -1, NULL, false, false },
		{ "topics not an array", NULL, "\"" EVM_TRANSFER_TOPIC "\"",
		    STD_DATA, STD_TAIL, -1, NULL, false, false },
		{ "topic not a string", NULL,
		    "[\"" EVM_TRANSFER_TOPIC "\",1,2]",
		    STD_DATA, STD_TAIL, -1, NULL, false, false },
		{ "topic of 31 bytes", NULL,
		    TOPICS3(EVM_TRANSFER_TOPIC, TOPIC_ADDR(A_DEPLOYER),
		    "0x" Z8 Z8 A_PAYEE), STD_DATA, STD_TAIL,
		    -1, NULL, false, false },
		{ "five topics", NULL,
		    "[\"" EVM_TRANSFER_TOPIC "\",\"" EVM_TRANSFER_TOPIC "\",\""
		    EVM_TRANSFER_TOPIC "\",\"" EVM_TRANSFER_TOPIC "\",\""
		    EVM_TRANSFER_TOPIC "\"]", STD_DATA, STD_TAIL,
		    -1, NULL, false, false },
		{ "data with odd length", NULL, STD_TOPICS,
		    "\"0x" Z32 Z24 "017d784\"", STD_TAIL, -1, NULL, false,
		    false },
		{ "data not hex", NULL, STD_TOPICS,
		    "\"0x" Z32 Z24 "017d784z\"",
		    STD_TAIL, -1, NULL, false, false },
		{ "data missing 0x", NULL, STD_TOPICS, "\"" Z32 Z32 "\"",
		    STD_TAIL, -1, NULL, false, false },
		{ "pending log: null block fields", NULL, STD_TOPICS,
		    STD_DATA, DOC_TAIL("null", "null", "\"" MINT_TX "\"",
		    "\"0x1f\"", ",\"removed\":false"), -1, NULL, false,
		    false },
		{ "block number with a leading zero", NULL, STD_TOPICS,
		    STD_DATA, DOC_TAIL("\"0x01b4\"", "\"" BLOCK2_HASH "\"",
		    "\"" MINT_TX "\"", "\"0x1f\"", ""), -1, NULL, false,
		    false },
		{ "block number as a JSON number", NULL, STD_TOPICS,
		    STD_DATA, DOC_TAIL("436", "\"" BLOCK2_HASH "\"",
		    "\"" MINT_TX "\"", "\"0x1f\"", ""), -1, NULL, false,
		    false },
		{ "short block hash", NULL, STD_TOPICS, STD_DATA,
		    DOC_TAIL("\"0x1b4\"", "\"0x" Z32 "\"", "\"" MINT_TX "\"",
		    "\"0x1f\"", ""), -1, NULL, false, false },
		{ "tx hash missing 0x", NULL, STD_TOPICS, STD_DATA,
		    DOC_TAIL("\"0x1b4\"", "\"" BLOCK2_HASH "\"",
		    "\"" Z32 Z32 "\"", "\"0x1f\"", ""), -1, NULL, false,
		    false },
		{ "log index \"0x\"", NULL, STD_TOPICS, STD_DATA,
		    DOC_TAIL("\"0x1b4\"", "\"" BLOCK2_HASH "\"",
		    "\"" MINT_TX "\"", "\"0x\"", ""), -1, NULL, false, false },
		{ "removed as a string", NULL, STD_TOPICS, STD_DATA,
		    DOC_TAIL("\"0x1b4\"", "\"" BLOCK2_HASH "\"",
		    "\"" MINT_TX "\"", "\"0x1f\"", ",\"removed\":\"false\""),
		    -1, NULL, false, false },
	};
	char text[4096], a[48];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		struct evm_transfer tr;
		json_object *o;
		int rc;

		if (cc_snprintf(text, sizeof(text), "{\"address\":%s,"
		    "\"topics\":%s,\"data\":%s,%s}", t[i].address != NULL ?
		    t[i].address : "\"0x" A_TOKEN "\"", t[i].topics,
		    t[i].data, t[i].tail) == -1) {
			EXPECT(0, "%s: test text too long", t[i].name);
			continue;
		}
		o = parse(text);
		if (o == NULL)
			continue;
		rc = evm_decode_transfer_log(o, &tr);
		EXPECT(rc == t[i].rc, "%s: rc %d, want %d", t[i].name, rc,
		    t[i].rc);
		if (rc == 0 && t[i].rc == 0) {
			EXPECT(addr_is(tr.contract, A_TOKEN), "%s: contract",
			    t[i].name);
			EXPECT(addr_is(tr.from, A_DEPLOYER), "%s: from",
			    t[i].name);
			EXPECT(addr_is(tr.to, A_PAYEE), "%s: to", t[i].name);
			EXPECT(tr.value == u128(t[i].value),
			    "%s: value %s, want %s", t[i].name,
			    u128s(tr.value, a, sizeof(a)), t[i].value);
			EXPECT(tr.value_overflow == t[i].overflow,
			    "%s: value_overflow", t[i].name);
			EXPECT(tr.removed == t[i].removed, "%s: removed",
			    t[i].name);
			EXPECT(tr.block_number == 0x1b4 &&
			    tr.log_index == 0x1f, "%s: block %" PRIu64
			    " log %" PRIu64, t[i].name, tr.block_number,
			    tr.log_index);
			/* Hashes come out lower-cased. */
			EXPECT(strcmp(tr.block_hash, BLOCK2_HASH) == 0 &&
			    strcmp(tr.tx_hash, MINT_TX) == 0,
			    "%s: hashes %s %s", t[i].name, tr.block_hash,
			    tr.tx_hash);
		}
		json_object_put(o);
	}

	/* Not an object at all. */
	{
		struct evm_transfer tr;
		json_object *o;

		o = parse("[" STD_DATA "]");
		EXPECT(evm_decode_transfer_log(o, &tr) == -1, "array");
		json_object_put(o);
		EXPECT(evm_decode_transfer_log(NULL, &tr) == -1, "NULL");
	}
}

/*
 * Transactions and blocks of eth_getBlockByNumber(n, true)
 */

#define R_S \
	"\"r\":\"0xfe5afd29eab8a27e098307582d2dabd3d764437d9227fbc7ce73f50" \
	"7da02f0d7\",\"s\":\"0x21a449b02d8d925973292608d5631d2a8e705c74cc" \
	"a4cbad0b021fd05167846a\",\"yParity\":\"0x1\",\"v\":\"0x1\","
#define BLOCK1_HASH	"0x2b8aad7431ee60b286806de9a459ef26" \
			"5b53e5baa66c4591870cab6f70284aa5"
#define BLOCK3_HASH	"0x67cf10b785b9d7e386d917ae80114f4f" \
			"4d50f0131017b2dba450e1a10649b1c0"
#define DEPLOY_TX	"0x5a075b1c793e3f4b3be42cfa8f8b01a1" \
			"80cfb22325e840881f2b1b0e8f9c3a87"
#define ETH_TX		"0x1a5b5c75ab7cb6e412e9848dec6461a1" \
			"c02c6c6056be1a59a9470f6f41849860"

/* A transaction of anvil's block 1 or 3, its varying members given. */
#define TX(to, value, hash, from) \
	"{\"type\":\"0x2\",\"chainId\":\"0x7a69\",\"nonce\":\"0x0\"," \
	"\"gas\":\"0x200000\",\"maxFeePerGas\":\"0x77359400\"," \
	"\"maxPriorityFeePerGas\":\"0x3b9aca00\"," to "\"value\":" value \
	",\"accessList\":[],\"input\":\"0x6080604052348015600e575f5ffd5b" \
	"50\"," \
	R_S "\"hash\":" hash ",\"blockHash\":\"" BLOCK1_HASH "\"," \
	"\"blockNumber\":\"0x1\",\"transactionIndex\":\"0x0\"," from \
	"\"gasPrice\":\"0x77359400\",\"blockTimestamp\":\"0x6b09028c\"}"
#define TO(a)		"\"to\":" a ","
#define FROM(a)		"\"from\":" a ","
#define Q(s)		"\"" s "\""

static void
test_txs(void)
{
	static const struct {
		const char	*name;
		const char	*json;
		int		 rc;
		const char	*hash;
		const char	*from;
		const char	*to;		/* NULL: no recipient */
		const char	*value;
	} t[] = {
		{ "contract creation, to null",
		    TX(TO("null"), Q("0x0"), Q(DEPLOY_TX),
		    FROM(Q("0x" A_DEPLOYER))),
		    0, DEPLOY_TX, A_DEPLOYER, NULL, "0" },
		{ "1 ETH transfer",
		    TX(TO(Q("0x" A_ETHTO)), Q("0xde0b6b3a7640000"),
		    Q(ETH_TX), FROM(Q("0x" A_DEPLOYER))),
		    0, ETH_TX, A_DEPLOYER, A_ETHTO, "1000000000000000000" },
		{ "checksummed addresses, upper-case hash",
		    TX(TO(Q("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")),
		    Q("0x" F32), Q("0x1A5B5C75AB7CB6E412E9848DEC6461A1"
		    "C02C6C6056BE1A59A9470F6F41849860"),
		    FROM(Q("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"))),
		    0, ETH_TX, A_DEPLOYER, A_ETHTO, U128_MAX_STR },
		{ "no to member",
		    TX("", Q("0x0"), Q(DEPLOY_TX), FROM(Q("0x" A_DEPLOYER))),
		    -1, NULL, NULL, NULL, NULL },
		{ "to empty string",
		    TX(TO(Q("")), Q("0x0"), Q(DEPLOY_TX),
		    FROM(Q("0x" A_DEPLOYER))), -1, NULL, NULL, NULL, NULL },
		{ "to \"0x\"",
		    TX(TO(Q("0x")), Q("0x0"), Q(DEPLOY_TX),
		    FROM(Q("0x" A_DEPLOYER))), -1, NULL, NULL, NULL, NULL },
		{ "value 2^128",
		    TX(TO(Q("0x" A_ETHTO)), Q("0x1" Z32), Q(ETH_TX),
		    FROM(Q("0x" A_DEPLOYER))), -1, NULL, NULL, NULL, NULL },
		{ "value with a leading zero",
		    TX(TO(Q("0x" A_ETHTO)), Q("0x0de0b6b3a7640000"),
		    Q(ETH_TX), FROM(Q("0x" A_DEPLOYER))),
		    -1, NULL, NULL, NULL, NULL },
		{ "value as a JSON number",
		    TX(TO(Q("0x" A_ETHTO)), "1000", Q(ETH_TX),
		    FROM(Q("0x" A_DEPLOYER))), -1, NULL, NULL, NULL, NULL },
		{ "hash null",
		    TX(TO(Q("0x" A_ETHTO)), Q("0x1"), "null",
		    FROM(Q("0x" A_DEPLOYER))), -1, NULL, NULL, NULL, NULL },
		{ "no from member",
		    TX(TO(Q("0x" A_ETHTO)), Q("0x1"), Q(ETH_TX), ""),
		    -1, NULL, NULL, NULL, NULL },
		{ "TRON-style 41-prefixed from",
		    TX(TO(Q("0x" A_ETHTO)), Q("0x1"), Q(ETH_TX),
		    FROM(Q("0x41" A_DEPLOYER))), -1, NULL, NULL, NULL, NULL },
	};
	char a[48];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		struct evm_tx tx;
		json_object *o;
		int rc;

		o = parse(t[i].json);
		if (o == NULL)
			continue;
		rc = evm_decode_tx(o, &tx);
		EXPECT(rc == t[i].rc, "%s: rc %d, want %d", t[i].name, rc,
		    t[i].rc);
		if (rc == 0 && t[i].rc == 0) {
			EXPECT(strcmp(tx.hash, t[i].hash) == 0, "%s: hash %s",
			    t[i].name, tx.hash);
			EXPECT(addr_is(tx.from, t[i].from), "%s: from",
			    t[i].name);
			EXPECT(tx.has_to == (t[i].to != NULL), "%s: has_to",
			    t[i].name);
			if (t[i].to != NULL)
				EXPECT(addr_is(tx.to, t[i].to), "%s: to",
				    t[i].name);
			else
				EXPECT(addr_is(tx.to, Z32 Z8),
				    "%s: to not zeroed", t[i].name);
			EXPECT(tx.value == u128(t[i].value),
			    "%s: value %s, want %s", t[i].name,
			    u128s(tx.value, a, sizeof(a)), t[i].value);
		}
		json_object_put(o);
	}
	EXPECT(evm_decode_tx(NULL, &(struct evm_tx){ 0 }) == -1, "NULL tx");
}

/* anvil's block 3 (one 1 ETH transfer), its varying members given. */
#define BLOCK(number, hash, parent, ts) \
	"{" hash "" parent "\"sha3Uncles\":\"0x1dcc4de8dec75d7aab85b567b6c" \
	"cd41ad312451b948a7413f0a142fd40d49347\",\"miner\":\"0x" Z32 Z8 \
	"\",\"stateRoot\":\"0x118e056bd62a4a5d01e8d680b7a3d6a7f54de707b68" \
	"5d9faa1214701e300dbf5\",\"transactionsRoot\":\"0x144af9f50541a68" \
	"add88ce59de777bcbf3c2bb69aa380a7c1094bee9f95eb800\",\"receiptsRo" \
	"ot\":\"0xf78dfb743fbd92ade140711c8bbc542b5e307f0ab7984eff35d7519" \
	"69fe57efa\",\"logsBloom\":\"0x" Z32 Z32 Z32 Z32 Z32 Z32 Z32 Z32 \
	Z32 Z32 Z32 Z32 Z32 Z32 Z32 Z32 "\",\"difficulty\":\"0x0\"," \
	number "\"gasLimit\":\"0x1c9c380\",\"gasUsed\":\"0x5208\"," ts \
	"\"extraData\":\"0x\",\"mixHash\":\"0xc50c2e32b7f424553d1f8d76300" \
	"33ace58cd26cdf3d8d11e573435c039417f98\",\"nonce\":\"0x" Z8 Z8 \
	"\",\"baseFeePerGas\":\"0x2dd516ec\",\"withdrawalsRoot\":\"0x56e8" \
	"1f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421\"," \
	"\"blobGasUsed\":\"0x0\",\"excessBlobGas\":\"0x0\",\"parentBeacon" \
	"BlockRoot\":\"0x" Z32 Z32 "\",\"requestsHash\":\"0xe3b0c44298fc1" \
	"c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"totalDif" \
	"ficulty\":\"0x0\",\"size\":\"0x2e3\",\"uncles\":[],\"transaction" \
	"s\":[" TX(TO(Q("0x" A_ETHTO)), Q("0xde0b6b3a7640000"), Q(ETH_TX), \
	FROM(Q("0x" A_DEPLOYER))) "],\"withdrawals\":[]}"
#define B_NUM(v)	"\"number\":" v ","
#define B_HASH(v)	"\"hash\":" v ","
#define B_PARENT(v)	"\"parentHash\":" v ","
#define B_TS(v)		"\"timestamp\":" v ","
#define B_OK(n, h, p, t) \
	BLOCK(B_NUM(n), B_HASH(h), B_PARENT(p), B_TS(t))

static void
test_blocks(void)
{
	static const struct {
		const char	*name;
		const char	*json;
		int		 rc;
	} t[] = {
		{ "anvil block 3", B_OK(Q("0x3"), Q(BLOCK3_HASH),
		    Q(BLOCK2_HASH), Q("0x6b090291")), 0 },
		{ "pending: number and hash null", B_OK("null", "null",
		    Q(BLOCK2_HASH), Q("0x6b090291")), -1 },
		{ "number missing", BLOCK("", B_HASH(Q(BLOCK3_HASH)),
		    B_PARENT(Q(BLOCK2_HASH)), B_TS(Q("0x6b090291"))), -1 },
		{ "hash missing", BLOCK(B_NUM(Q("0x3")), "",
		    B_PARENT(Q(BLOCK2_HASH)), B_TS(Q("0x6b090291"))), -1 },
		{ "parentHash missing", BLOCK(B_NUM(Q("0x3")),
		    B_HASH(Q(BLOCK3_HASH)), "", B_TS(Q("0x6b090291"))), -1 },
		{ "timestamp missing", BLOCK(B_NUM(Q("0x3")),
		    B_HASH(Q(BLOCK3_HASH)), B_PARENT(Q(BLOCK2_HASH)), ""),
		    -1 },
		{ "number with a leading zero", B_OK(Q("0x03"),
		    Q(BLOCK3_HASH), Q(BLOCK2_HASH), Q("0x6b090291")), -1 },
		{ "number beyond 64 bits", B_OK(Q("0x1" Z8 Z8),
		    Q(BLOCK3_HASH), Q(BLOCK2_HASH), Q("0x6b090291")), -1 },
		{ "short parent hash", B_OK(Q("0x3"), Q(BLOCK3_HASH),
		    Q("0x" Z32), Q("0x6b090291")), -1 },
		{ "timestamp \"0x\"", B_OK(Q("0x3"), Q(BLOCK3_HASH),
		    Q(BLOCK2_HASH), Q("0x")), -1 },
	};
	struct evm_block b;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		json_object *o;
		int rc;

		o = parse(t[i].json);
		if (o == NULL)
			continue;
		rc = evm_decode_block(o, &b);
		EXPECT(rc == t[i].rc, "%s: rc %d, want %d", t[i].name, rc,
		    t[i].rc);
		if (i == 0 && rc == 0) {
			EXPECT(b.number == 3, "number %" PRIu64, b.number);
			EXPECT(strcmp(b.hash, BLOCK3_HASH) == 0, "hash %s",
			    b.hash);
			EXPECT(strcmp(b.parent_hash, BLOCK2_HASH) == 0,
			    "parent %s", b.parent_hash);
			EXPECT(b.timestamp == 0x6b090291, "timestamp %"
			    PRIu64, b.timestamp);
		}
		/* The full transactions of a good block decode too. */
		if (i == 0) {
			json_object *txs;
			struct evm_tx tx;

			EXPECT(json_object_object_get_ex(o, "transactions",
			    &txs) && json_object_array_length(txs) == 1 &&
			    evm_decode_tx(json_object_array_get_idx(txs, 0),
			    &tx) == 0 && tx.has_to &&
			    addr_is(tx.to, A_ETHTO), "block 3's transaction");
		}
		json_object_put(o);
	}
	{
		json_object *o = parse("[1]");

		EXPECT(evm_decode_block(o, &b) == -1, "array as a block");
		EXPECT(evm_decode_block(NULL, &b) == -1, "NULL block");
		json_object_put(o);
	}
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "quantity_u64", test_quantity_u64 },
		{ "quantity_u128", test_quantity_u128 },
		{ "word_u128", test_word_u128 },
		{ "topic_address", test_topic_address },
		{ "address_and_hash", test_address_hash },
		{ "quantity_str", test_quantity_str },
		{ "real_transfer_log", test_real_transfer_log },
		{ "transfer_logs", test_transfer_logs },
		{ "txs", test_txs },
		{ "blocks", test_blocks },
	};

	return cu_run("evm", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
