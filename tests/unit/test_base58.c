/*
 * Unit tests of lib/base58.c: base58 against every entry of Bitcoin
 * Core's src/test/data/base58_encode_decode.json, the characters and
 * lengths it refuses, and base58check against the worked example of the
 * Bitcoin wiki ("Technical background of version 1 Bitcoin addresses").
 * Every expected value comes from a published source named beside its
 * table; nothing here was produced by the code under test.
 */
#include "cc.h"

#include <CUnit/Basic.h>

#include "cu_run.h"
#include "cu_hex.h"

#include "base58.h"

struct b58_vec {
	const char	*hex;
	const char	*text;
};

/* Bitcoin Core src/test/data/base58_encode_decode.json, every entry. */
static const struct b58_vec b58_vecs[] = {
	{ "", "" },
	{ "61", "2g" },
	{ "626262", "a3gV" },
	{ "636363", "aPEr" },
	{ "73696d706c792061206c6f6e6720737472696e67",
	  "2cFupjhnEsSn59qHXstmK2ffpLv2" },
	{ "00eb15231dfceb60925886b67d065299925915aeb172c06647",
	  "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L" },
	{ "516b6fcd0f", "ABnLTmg" },
	{ "bf4f89001e670274dd", "3SEo3LWLoPntC" },
	{ "572e4794", "3EFU7m" },
	{ "ecac89cad93923c02321", "EJDM8drfXA6uyA" },
	{ "10c8511e", "Rt5zm" },
	{ "00000000000000000000", "1111111111" },
	{ "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000",
	  "1111111111111111111111111111111111111111" },
	{ "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000001",
	  "1111111111111111111111111111111111111112" },
	{ "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "00000000000000000000000000000000000000000000ec39d04c37e71e5d5918"
	  "81f6",
	  "1111111111111111111111111111111111111111111111111111111111111111"
	  "11111111111111111111115TYzLYH1udmLdzCLM" },
	{ "000111d38e5fc9071ffcd20b4a763cc9ae4f252bb4e48fd66a835e252ada93ff"
	  "480d6dd43dc62a641155a5",
	  "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz" },
	{ "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	  "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	  "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	  "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	  "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	  "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	  "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	  "1cWB5HCBdLjAuqGGReWE3R3CguuwSjw6RHn39s2yuDRTS5NsBgNiFpWgAnEx6VQi"
	  "8csexkgYw3mdYrMHr8x9i7aEwP8kZ7vccXWqKDvGv3u1GxFKPuAkn8JCPPGDMf3v"
	  "MMnbzm6Nh9zh1gcNsMvH3ZNLmP5fSG6DGbbi2tuwMWPthr4boWwCxf7ewSgNQeac"
	  "yozhKDDQQ1qL5fQFUW52QKUZDZ5fw3KXNQJMcNTcaB723LchjeKun7MuGW5qyCBZ"
	  "YzA1KjofN1gYBV3NqyhQJ3Ns746GNuf9N2pQPmHz4xpnSrrfCvy6TVVz5d4Pdrje"
	  "shsWQwpZsZGzvbdAdN8MKV5QsBDY" },
	{ "271F359E", "zzzzy" },
	{ "271F359F", "zzzzz" },
	{ "271F35A0", "211111" },
	{ "271F35A1", "211112" },
};

static void
test_base58_vectors(void)
{
	uint8_t bin[MAX_BYTES], dec[BASE58_MAX_DECODED];
	char text[MAX_BYTES];
	size_t i, n = 0, m;

	for (i = 0; i < CC_ARRAY_SIZE(b58_vecs); i++) {
		CU_ASSERT_FATAL(unhex(b58_vecs[i].hex, bin, sizeof(bin),
		    &n) == 0);
		check_int("base58_encode", cu_row(i),
		    base58_encode(bin, n, text, sizeof(text)), 0);
		check_str("base58_encode", cu_row(i), text, b58_vecs[i].text);

		if (strlen(b58_vecs[i].text) > BASE58_MAX_TEXT) {
			/* Longer than we accept: refused, by design. */
			check_int("base58_decode (too long)", cu_row(i),
			    base58_decode(b58_vecs[i].text, dec, sizeof(dec),
			    &m), -1);
			continue;
		}
		check_int("base58_decode", cu_row(i),
		    base58_decode(b58_vecs[i].text, dec, sizeof(dec), &m), 0);
		CU_ASSERT(m == n && (n == 0 || memcmp(dec, bin, n) == 0));
	}
}

static void
test_base58_reject(void)
{
	static const char *const bad[] = {
		"0",		/* not in the alphabet */
		"O",
		"I",
		"l",
		"3SEo3LWLoPntC ",	/* trailing space */
		" 3SEo3LWLoPntC",
		"3SEo3LW+LoPntC",
		"3SEo3LW\xc3\xa9LoPntC",	/* UTF-8 e-acute */
	};
	uint8_t out[BASE58_MAX_DECODED], one = 0x61;
	char text[BASE58_MAX_TEXT + 2];
	size_t i, n;

	for (i = 0; i < CC_ARRAY_SIZE(bad); i++)
		check_int("base58_decode (bad char)", cu_row(i),
		    base58_decode(bad[i], out, sizeof(out), &n), -1);

	/* Output too small: "2g" needs 3 bytes with its NUL. */
	CU_ASSERT(base58_encode(&one, 1, text, 2) == -1);
	CU_ASSERT(base58_encode(&one, 1, text, 3) == 0);
	/* Ten leading '1's are ten zero bytes: nine do not fit. */
	CU_ASSERT(base58_decode("1111111111", out, 9, &n) == -1);
	CU_ASSERT(base58_decode("1111111111", out, 10, &n) == 0 && n == 10);

	/* Length cap: 128 characters accepted, 129 refused. */
	memset(text, '1', BASE58_MAX_TEXT);
	text[BASE58_MAX_TEXT] = '\0';
	CU_ASSERT(base58_decode(text, out, sizeof(out), &n) == 0 &&
	    n == BASE58_MAX_TEXT);
	text[BASE58_MAX_TEXT] = '1';
	text[BASE58_MAX_TEXT + 1] = '\0';
	CU_ASSERT(base58_decode(text, out, sizeof(out), &n) == -1);
}

/*
 * base58check: the worked example of the Bitcoin wiki, "Technical
 * background of version 1 Bitcoin addresses": version 0x00 and
 * hash160 010966776006953D5567439E5E39F86A0D273BEE, checksum D61967F6.
 */
static void
test_base58check(void)
{
	static const char payload_hex[] =
	    "00010966776006953D5567439E5E39F86A0D273BEE";
	static const char full_hex[] =
	    "00010966776006953D5567439E5E39F86A0D273BEED61967F6";
	static const char addr[] = "16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM";
	uint8_t payload[32], full[32], out[BASE58_MAX_DECODED];
	char text[64];
	size_t plen, flen, n;

	CU_ASSERT_FATAL(unhex(payload_hex, payload, sizeof(payload),
	    &plen) == 0);
	CU_ASSERT_FATAL(unhex(full_hex, full, sizeof(full), &flen) == 0);

	CU_ASSERT(base58check_encode(payload, plen, text, sizeof(text)) == 0);
	check_str("base58check_encode", cu_row(0), text, addr);
	CU_ASSERT(base58_encode(full, flen, text, sizeof(text)) == 0);
	check_str("base58_encode (with checksum)", cu_row(0), text, addr);

	CU_ASSERT(base58check_decode(addr, out, sizeof(out), &n) == 0);
	CU_ASSERT(n == plen && memcmp(out, payload, plen) == 0);

	/* Output too small for the 21-byte payload. */
	CU_ASSERT(base58check_decode(addr, out, plen - 1, &n) == -1);
	CU_ASSERT(base58check_encode(payload, plen, text,
	    strlen(addr)) == -1);

	/* One character changed: the checksum no longer matches. */
	CU_ASSERT(base58check_decode("16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvN", out,
	    sizeof(out), &n) == -1);
	CU_ASSERT(base58check_decode("17UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM", out,
	    sizeof(out), &n) == -1);
	/* Fewer than four bytes cannot hold a checksum. */
	CU_ASSERT(base58check_decode("2g", out, sizeof(out), &n) == -1);
	CU_ASSERT(base58check_decode("", out, sizeof(out), &n) == -1);
}

static const struct cu_test tests[] = {
	{ "base58 Bitcoin Core vectors", test_base58_vectors },
	{ "base58 rejects", test_base58_reject },
	{ "base58check", test_base58check },
};

int
main(void)
{
	return cu_run("base58", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
