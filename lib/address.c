/*
 * EVM and TRON addresses. Both hash the uncompressed public key with
 * Keccak-256 and keep the last 20 bytes; they differ only in the text.
 */
#include "cc.h"

#include <ctype.h>

#include "address.h"
#include "base58.h"
#include "bip32.h"
#include "keccak.h"
#include "util.h"

static const char *const kind_names[ADDRESS__MAX] = {
	[ADDRESS_EVM] = "evm",
	[ADDRESS_TRON] = "tron",
};

/* Longest TRON text we look at: real ones are 34 characters. */
#define TRON_MAX_TEXT	40

static int
evm20_from_pubkey(const uint8_t pub65[65], uint8_t out20[20])
{
	uint8_t h[KECCAK256_LEN];

	if (pub65 == NULL || pub65[0] != 0x04)
		return -1;
	keccak256(pub65 + 1, 64, h);
	memcpy(out20, h + KECCAK256_LEN - 20, 20);
	return 0;
}

int
address_evm_checksum(const uint8_t addr20[20], char *out, size_t outlen)
{
	char lower[41];
	uint8_t h[KECCAK256_LEN];
	unsigned int nibble;
	size_t i;

	if (outlen < ADDRESS_EVM_STRLEN)
		return -1;
	hex_encode(addr20, 20, lower);
	/* EIP-55 hashes the lower-case hex text, not the bytes. */
	keccak256((const uint8_t *)lower, 40, h);

	out[0] = '0';
	out[1] = 'x';
	for (i = 0; i < 40; i++) {
		nibble = (i % 2 == 0) ? h[i / 2] >> 4 : h[i / 2] & 0x0f;
		if (lower[i] >= 'a' && nibble >= 8)
			out[2 + i] = (char)toupper((unsigned char)lower[i]);
		else
			out[2 + i] = lower[i];
	}
	out[42] = '\0';
	return 0;
}

int
address_evm_from_pubkey(const uint8_t pub65[65], char *out, size_t outlen)
{
	uint8_t a[20];

	if (evm20_from_pubkey(pub65, a) == -1)
		return -1;
	return address_evm_checksum(a, out, outlen);
}

int
address_evm_parse(const char *text, uint8_t out20[20])
{
	char want[ADDRESS_EVM_STRLEN];
	uint8_t a[20];
	int upper = 0, lower = 0;
	size_t i;

	if (text == NULL || strnlen(text, 43) != 42)
		return -1;
	if (text[0] != '0' || text[1] != 'x')
		return -1;
	if (hex_decode(text + 2, a, sizeof(a)) == -1)
		return -1;
	for (i = 2; i < 42; i++) {
		if (text[i] >= 'a' && text[i] <= 'f')
			lower = 1;
		else if (text[i] >= 'A' && text[i] <= 'F')
			upper = 1;
	}
	if (upper && lower) {
		if (address_evm_checksum(a, want, sizeof(want)) == -1)
			return -1;
		if (strcmp(want, text) != 0)
			return -1;
	}
	memcpy(out20, a, sizeof(a));
	return 0;
}

int
address_tron_from_evm20(const uint8_t addr20[20], char *out, size_t outlen)
{
	uint8_t raw[21];

	raw[0] = ADDRESS_TRON_PREFIX;
	memcpy(raw + 1, addr20, 20);
	return base58check_encode(raw, sizeof(raw), out, outlen);
}

int
address_tron_parse(const char *text, uint8_t out20[20])
{
	uint8_t raw[BASE58_MAX_DECODED];
	size_t n;

	if (text == NULL || strnlen(text, TRON_MAX_TEXT + 1) > TRON_MAX_TEXT)
		return -1;
	if (base58check_decode(text, raw, sizeof(raw), &n) == -1)
		return -1;
	if (n != 21 || raw[0] != ADDRESS_TRON_PREFIX)
		return -1;
	memcpy(out20, raw + 1, 20);
	return 0;
}

int
address_from_pubkey(enum address_kind kind, const uint8_t pub65[65],
    char *out, size_t outlen)
{
	uint8_t a[20];

	if (evm20_from_pubkey(pub65, a) == -1)
		return -1;
	switch (kind) {
	case ADDRESS_EVM:
		return address_evm_checksum(a, out, outlen);
	case ADDRESS_TRON:
		return address_tron_from_evm20(a, out, outlen);
	default:
		return -1;
	}
}

int
address_derive(enum address_kind kind, const struct bip32_pub *account,
    uint32_t index, char *out, size_t outlen)
{
	struct bip32_pub chain, leaf;
	uint8_t pub65[65];

	if (account == NULL || (unsigned int)kind >= ADDRESS__MAX)
		return -1;
	if (bip32_derive(account, 0, &chain) != BIP32_OK)
		return -1;
	if (bip32_derive(&chain, index, &leaf) != BIP32_OK)
		return -1;
	if (bip32_pubkey_uncompressed(&leaf, pub65) != BIP32_OK)
		return -1;
	return address_from_pubkey(kind, pub65, out, outlen);
}

int
address_parse(enum address_kind kind, const char *text, uint8_t out20[20])
{
	switch (kind) {
	case ADDRESS_EVM:
		return address_evm_parse(text, out20);
	case ADDRESS_TRON:
		return address_tron_parse(text, out20);
	default:
		return -1;
	}
}

const char *
address_kind_name(enum address_kind kind)
{
	if ((unsigned int)kind >= ADDRESS__MAX)
		return NULL;
	return kind_names[kind];
}

int
address_kind_from_name(const char *name, enum address_kind *kind)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < ADDRESS__MAX; i++) {
		if (strcmp(name, kind_names[i]) == 0) {
			*kind = (enum address_kind)i;
			return 0;
		}
	}
	return -1;
}
