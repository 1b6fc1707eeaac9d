/*
 * Table-driven unit tests of lib/payuri.c: EIP-681 native and ERC-20
 * transfer URIs (EIP-681's own examples, USDT on Ethereum), TRON
 * addresses and BIP21 URIs (BIP21's example amount, BIP173's bech32
 * address), amounts up to 2^128 - 1, and the inputs each refuses. Every
 * URI must also fit a buffer of exactly its length + 1 and fail in one
 * byte less.
 */
#include "cc.h"

#include <CUnit/Basic.h>

#include "cu_run.h"
#include "cu_pay.h"

#include "payuri.h"

#define U64_OVER_STR	"18446744073709551616"
#define U128_MAX_STR	"340282366920938463463374607431768211455"

/*
 * The URI must fit a buffer of exactly strlen + 1 bytes and fail, leaving
 * "", in one byte less; outlen 0 must fail without writing. The call
 * writes to the caller's out, with the outlen declared here.
 */
#define CHECK_TIGHT(call_, want_, row_) do {				\
	size_t need_ = strlen(want_) + 1;				\
	size_t outlen;							\
	int rc_;							\
									\
	outlen = need_;							\
	rc_ = (call_);							\
	EXPECT(rc_ == 0 && strcmp(out, want_) == 0,			\
	    "row %zu: outlen %zu: rc %d \"%s\"", row_, outlen, rc_,	\
	    out);							\
	outlen = need_ - 1;						\
	rc_ = (call_);							\
	EXPECT(rc_ == -1 && out[0] == '\0',				\
	    "row %zu: outlen %zu: rc %d \"%s\"", row_, outlen, rc_,	\
	    out);							\
	out[0] = 'x';							\
	outlen = 0;							\
	rc_ = (call_);							\
	EXPECT(rc_ == -1 && out[0] == 'x',				\
	    "row %zu: outlen 0: rc %d", row_, rc_);			\
} while (0)

static void
test_evm_native(void)
{
	static const struct {
		const char	*addr;
		uint64_t	 chain;
		const char	*wei;
		int		 rc;
		const char	*want;
	} t[] = {
		/* EIP-681's example, value=2.014e18 written out in full. */
		{ EIP681_NATIVE_TO, 1, "2014000000000000000", 0,
		    "ethereum:" EIP681_NATIVE_TO "@1"
		    "?value=2014000000000000000" },
		{ EIP681_NATIVE_TO, 1, "1", 0,
		    "ethereum:" EIP681_NATIVE_TO "@1?value=1" },
		{ EIP681_NATIVE_TO, 1, "1000000000000000000", 0,
		    "ethereum:" EIP681_NATIVE_TO "@1"
		    "?value=1000000000000000000" },
		{ EIP681_NATIVE_TO, 137, U64_OVER_STR, 0,
		    "ethereum:" EIP681_NATIVE_TO "@137?value=" U64_OVER_STR },
		{ EIP681_NATIVE_TO, 31337, U128_MAX_STR, 0,
		    "ethereum:" EIP681_NATIVE_TO "@31337"
		    "?value=" U128_MAX_STR },
		{ EIP681_NATIVE_TO, UINT64_MAX, "5", 0,
		    "ethereum:" EIP681_NATIVE_TO "@18446744073709551615"
		    "?value=5" },
		{ "0xFB6916095CA1DF60BB79CE92CE3EA74C37C5D359", 56, "7", 0,
		    "ethereum:0xFB6916095CA1DF60BB79CE92CE3EA74C37C5D359@56"
		    "?value=7" },
		/* Bad input. */
		{ NULL, 1, "1", -1, "" },
		{ "", 1, "1", -1, "" },
		{ "0x", 1, "1", -1, "" },
		{ "fb6916095ca1df60bb79Ce92ce3ea74c37c5d35900", 1, "1", -1,
		    "" },
		{ "0Xfb6916095ca1df60bb79Ce92ce3ea74c37c5d359", 1, "1", -1,
		    "" },
		{ "0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d35", 1, "1", -1,
		    "" },					/* 39 digits */
		{ "0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d3590", 1, "1", -1,
		    "" },					/* 41 digits */
		{ "0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d35g", 1, "1", -1,
		    "" },
		{ "0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d35 ", 1, "1", -1,
		    "" },
		{ EIP681_NATIVE_TO, 0, "1", -1, "" },
		{ EIP681_NATIVE_TO, 1, "0", -1, "" },
	};
	char out[PAYURI_MAX_LEN];
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		memset(out, 'x', sizeof(out));
		rc = payuri_evm_native(t[i].addr, t[i].chain, u128(t[i].wei),
		    out, sizeof(out));
		EXPECT(rc == t[i].rc && strcmp(out, t[i].want) == 0,
		    "row %zu (%s): rc %d \"%s\", want %d \"%s\"", i,
		    nul(t[i].addr), rc, out, t[i].rc, t[i].want);
		if (t[i].rc == 0)
			CHECK_TIGHT(payuri_evm_native(t[i].addr, t[i].chain,
			    u128(t[i].wei), out, outlen), t[i].want, i);
	}
	EXPECT(payuri_evm_native(EIP681_NATIVE_TO, 1, 1, NULL, 64) == -1,
	    "NULL out");
}

static void
test_evm_token(void)
{
	static const struct {
		const char	*contract;
		uint64_t	 chain;
		const char	*to;
		const char	*units;
		int		 rc;
		const char	*want;
	} t[] = {
		/* EIP-681's example: one Unicorn. */
		{ EIP681_TOKEN, 1, EIP681_TOKEN_TO, "1", 0,
		    "ethereum:" EIP681_TOKEN "@1/transfer?address="
		    EIP681_TOKEN_TO "&uint256=1" },
		/* 16.49 USDT (6 decimals). */
		{ USDT_ETH, 1, EIP681_TOKEN_TO, "16490000", 0,
		    "ethereum:" USDT_ETH "@1/transfer?address="
		    EIP681_TOKEN_TO "&uint256=16490000" },
		{ USDT_ETH, 11155111, EIP681_TOKEN_TO, "1000000000000000000",
		    0, "ethereum:" USDT_ETH "@11155111/transfer?address="
		    EIP681_TOKEN_TO "&uint256=1000000000000000000" },
		{ USDT_ETH, 1, EIP681_TOKEN_TO, U64_OVER_STR, 0,
		    "ethereum:" USDT_ETH "@1/transfer?address="
		    EIP681_TOKEN_TO "&uint256=" U64_OVER_STR },
		{ USDT_ETH, 1, EIP681_TOKEN_TO, U128_MAX_STR, 0,
		    "ethereum:" USDT_ETH "@1/transfer?address="
		    EIP681_TOKEN_TO "&uint256=" U128_MAX_STR },
		/* Bad input. */
		{ NULL, 1, EIP681_TOKEN_TO, "1", -1, "" },
		{ USDT_ETH, 1, NULL, "1", -1, "" },
		{ USDT_ETH, 1, "0x8e23ee67d1332ad560396262c48ffbb01f93d05",
		    "1", -1, "" },
		{ USDT_ETH, 1, "0x8e23ee67d1332ad560396262c48ffbb01f93d05&",
		    "1", -1, "" },
		{ USDT_TRON, 1, EIP681_TOKEN_TO, "1", -1, "" },
		{ USDT_ETH, 0, EIP681_TOKEN_TO, "1", -1, "" },
		{ USDT_ETH, 1, EIP681_TOKEN_TO, "0", -1, "" },
	};
	char out[PAYURI_MAX_LEN];
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		memset(out, 'x', sizeof(out));
		rc = payuri_evm_token(t[i].contract, t[i].chain, t[i].to,
		    u128(t[i].units), out, sizeof(out));
		EXPECT(rc == t[i].rc && strcmp(out, t[i].want) == 0,
		    "row %zu: rc %d \"%s\", want %d \"%s\"", i, rc, out,
		    t[i].rc, t[i].want);
		if (t[i].rc == 0)
			CHECK_TIGHT(payuri_evm_token(t[i].contract,
			    t[i].chain, t[i].to, u128(t[i].units), out,
			    outlen), t[i].want, i);
	}
}

static void
test_tron(void)
{
	static const struct {
		const char	*addr;
		int		 rc;
	} t[] = {
		{ USDT_TRON, 0 },
		{ "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7", 0 },
		{ NULL, -1 },
		{ "", -1 },
		{ "T", -1 },
		{ "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6", -1 },	/* short */
		{ "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6tt", -1 },	/* long */
		{ "AR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", -1 },
		{ "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj60", -1 },	/* '0' */
		{ "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6O", -1 },	/* 'O' */
		{ "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6l", -1 },	/* 'l' */
		{ "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6I", -1 },	/* 'I' */
		{ "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj?t", -1 },
		{ EIP681_NATIVE_TO, -1 },
	};
	char out[PAYURI_MAX_LEN];
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		const char *want = t[i].rc == 0 ? t[i].addr : "";

		memset(out, 'x', sizeof(out));
		rc = payuri_tron(t[i].addr, out, sizeof(out));
		EXPECT(rc == t[i].rc && strcmp(out, want) == 0,
		    "row %zu (%s): rc %d \"%s\"", i, nul(t[i].addr), rc, out);
		if (t[i].rc == 0)
			CHECK_TIGHT(payuri_tron(t[i].addr, out, outlen),
			    want, i);
	}
}

static void
test_bip21(void)
{
	static const struct {
		const char	*addr;
		const char	*sat;
		int		 rc;
		const char	*want;
	} t[] = {
		{ BIP21_ADDR, "1", 0,
		    "bitcoin:" BIP21_ADDR "?amount=0.00000001" },
		{ BIP21_ADDR, "100000000", 0,
		    "bitcoin:" BIP21_ADDR "?amount=1" },
		/* BIP21's example: amount=20.3. */
		{ BIP21_ADDR, "2030000000", 0,
		    "bitcoin:" BIP21_ADDR "?amount=20.3" },
		{ BIP21_ADDR, "150000000", 0,
		    "bitcoin:" BIP21_ADDR "?amount=1.5" },
		{ BECH32_ADDR, "12345", 0,
		    "bitcoin:" BECH32_ADDR "?amount=0.00012345" },
		{ BECH32_ADDR, "2100000000000000", 0,
		    "bitcoin:" BECH32_ADDR "?amount=21000000" },
		{ BECH32_ADDR, U64_OVER_STR, 0,
		    "bitcoin:" BECH32_ADDR "?amount=184467440737.09551616" },
		{ BECH32_ADDR, U128_MAX_STR, 0, "bitcoin:" BECH32_ADDR
		    "?amount=3402823669209384634633746074317.68211455" },
		/* Bad input. */
		{ NULL, "1", -1, "" },
		{ "", "1", -1, "" },
		{ "1BoatSLRHtKN", "1", -1, "" },		/* too short */
		{ "175tWpb8K1S7NmH4Zx6rewF9WQrcZv245W?x=1", "1", -1, "" },
		{ "175tWpb8K1S7NmH4Zx6rewF9WQrcZv245W ", "1", -1, "" },
		{ "bc1q w508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "1", -1, "" },
		/* 90 characters, bech32's maximum, then 91. */
		{ "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
		    "w508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4w508d6qejx",
		    "1", 0, "bitcoin:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f"
		    "3t4w508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4w508d6qejx"
		    "?amount=0.00000001" },
		{ "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
		    "w508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4w508d6qejxt",
		    "1", -1, "" },
		{ BIP21_ADDR, "0", -1, "" },
	};
	char out[PAYURI_MAX_LEN];
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		memset(out, 'x', sizeof(out));
		rc = payuri_bip21(t[i].addr, u128(t[i].sat), out,
		    sizeof(out));
		EXPECT(rc == t[i].rc && strcmp(out, t[i].want) == 0,
		    "row %zu (%s): rc %d \"%s\", want %d \"%s\"", i,
		    nul(t[i].addr), rc, out, t[i].rc, t[i].want);
		if (t[i].rc == 0)
			CHECK_TIGHT(payuri_bip21(t[i].addr, u128(t[i].sat),
			    out, outlen), t[i].want, i);
	}
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "payuri_evm_native", test_evm_native },
		{ "payuri_evm_token", test_evm_token },
		{ "payuri_tron", test_tron },
		{ "payuri_bip21", test_bip21 },
	};

	return cu_run("payuri", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
