/*
 * Fuzz target: the address codecs (lib/address.c, lib/base58.c,
 * lib/bip32.c): EVM hex with its EIP-55 checksum, TRON base58check, and
 * extended public keys as cc-admin wallet add reads them. The first byte
 * picks the form: even, the rest is text; odd, the rest is a payload that
 * is base58check-encoded first, so that the checks after the checksum
 * (length, version, depth, the point on the curve) are reached.
 * Properties: what parses prints back to the same text.
 */
#include "fuzz.h"

#include "address.h"
#include "base58.h"
#include "bip32.h"

static void
check_text(const char *text)
{
	uint8_t a[20], b[20], raw[BASE58_MAX_BYTES];
	char out[BASE58_MAX_TEXT * 2];
	struct bip32_pub pub, child;
	size_t n;

	if (address_evm_parse(text, a) == 0) {
		FUZZ_ASSERT(address_evm_checksum(a, out, sizeof(out)) == 0);
		FUZZ_ASSERT(strcasecmp(out, text) == 0);
		FUZZ_ASSERT(address_parse(ADDRESS_EVM, out, b) == 0);
		FUZZ_ASSERT(memcmp(a, b, 20) == 0);
	}
	if (address_tron_parse(text, a) == 0) {
		FUZZ_ASSERT(address_tron_from_evm20(a, out, sizeof(out)) == 0);
		FUZZ_ASSERT(strcmp(out, text) == 0);
	}
	if (base58_decode(text, raw, sizeof(raw), &n) == 0) {
		FUZZ_ASSERT(n <= sizeof(raw));
		if (base58_encode(raw, n, out, sizeof(out)) == 0)
			FUZZ_ASSERT(strcmp(out, text) == 0);
	}
	(void)base58check_decode(text, raw, sizeof(raw), &n);
	if (bip32_parse(text, &pub) == BIP32_OK) {
		FUZZ_ASSERT(bip32_serialize(&pub, out, sizeof(out)) ==
		    BIP32_OK);
		FUZZ_ASSERT(strcmp(out, text) == 0);
		if (bip32_derive(&pub, 7, &child) == BIP32_OK)
			FUZZ_ASSERT(child.depth == (uint8_t)(pub.depth + 1));
		FUZZ_ASSERT(bip32_derive(&pub, BIP32_HARDENED, &child) !=
		    BIP32_OK);
		(void)address_derive(ADDRESS_EVM, &pub, 3, out, sizeof(out));
		(void)address_derive(ADDRESS_TRON, &pub, 3, out, sizeof(out));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[BASE58_MAX_TEXT + 64], *s;

	if (size < 1)
		return 0;
	if (data[0] % 2 == 0) {
		s = fuzz_str(data + 1, size - 1);
		check_text(s);
		free(s);
	} else if (base58check_encode(data + 1, size - 1, text,
	    sizeof(text)) == 0) {
		check_text(text);
	}
	return 0;
}
