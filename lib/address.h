/*
 * Receiving addresses from secp256k1 public keys: EVM chains (EIP-55
 * checksummed hex) and TRON (base58check of 0x41 || the same 20 bytes).
 */
#ifndef CC_ADDRESS_H
#define CC_ADDRESS_H

#include "cc.h"

#include "bip32.h"

enum address_kind {
	ADDRESS_EVM,
	ADDRESS_TRON,
	ADDRESS__MAX
};

/* A buffer this size holds any address text and its NUL. */
#define ADDRESS_MAX_LEN		64
#define ADDRESS_EVM_STRLEN	43	/* "0x" + 40 hex + NUL */
#define ADDRESS_TRON_PREFIX	0x41

/*
 * All functions return 0 on success and -1 on any error (bad input, a
 * wrong checksum, output too small). out20 is the 20-byte account id
 * shared by both kinds: the last 20 bytes of keccak256(X || Y).
 */

/* "0x" + EIP-55 text of the key's account id; pub65 is 0x04 || X || Y. */
int	 address_evm_from_pubkey(const uint8_t pub65[65], char *out,
	    size_t outlen);
/* EIP-55 mixed-case text ("0x" + 40 hex digits) of 20 bytes. */
int	 address_evm_checksum(const uint8_t addr20[20], char *out,
	    size_t outlen);
/*
 * Accepts "0x" + 40 hex digits. All-lower and all-upper carry no
 * checksum and are accepted; mixed case must be the exact EIP-55 text.
 */
int	 address_evm_parse(const char *text, uint8_t out20[20]);
/* base58check(0x41 || addr20): the "T..." form. */
int	 address_tron_from_evm20(const uint8_t addr20[20], char *out,
	    size_t outlen);
/* Accepts base58check text of 21 bytes whose first byte is 0x41. */
int	 address_tron_parse(const char *text, uint8_t out20[20]);

int	 address_from_pubkey(enum address_kind, const uint8_t pub65[65],
	    char *out, size_t outlen);
/*
 * The address of account/0/index (external chain, BIP44 layout) where
 * account is the xpub at m/44'/coin'/n'. -1 also for a hardened index
 * and for the ~2^-127 chance that this index has no key: callers that
 * hand out sequential indexes skip to the next one.
 */
int	 address_derive(enum address_kind, const struct bip32_pub *account,
	    uint32_t index, char *out, size_t outlen);
int	 address_parse(enum address_kind, const char *text,
	    uint8_t out20[20]);

/* "evm", "tron"; NULL for a value outside the enum. */
const char	*address_kind_name(enum address_kind);
/* Exact, case-sensitive match of address_kind_name. */
int		 address_kind_from_name(const char *, enum address_kind *);

#endif
