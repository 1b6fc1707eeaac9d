/*
 * The payment request a wallet reads from a QR code: EIP-681 URIs for EVM
 * chains (native coin and ERC-20 transfer), the bare address for TRON and
 * BIP21 URIs for Bitcoin. Pure functions: no allocation, no global state.
 */
#ifndef CC_PAYURI_H
#define CC_PAYURI_H

#include "cc.h"

enum payuri_kind {
	PAYURI_EIP681,
	PAYURI_TRON,
	PAYURI_BIP21,
	PAYURI__MAX
};

/* A buffer this size holds any URI these functions write, and its NUL. */
#define PAYURI_MAX_LEN		256

/*
 * Each function writes a NUL-terminated string into out and returns 0, or
 * returns -1 if out is too small or an input is bad; on -1 out holds ""
 * when outlen > 0. Amounts are integers in base units and are written
 * exactly (no floating point); an amount of zero is bad input, since a
 * request to pay nothing is always a caller's bug.
 *
 * Addresses are checked for shape only, so that nothing else can reach the
 * URI: EVM "0x" + 40 hex digits (any case; the EIP-55 checksum is
 * address.h's job), TRON 'T' + 33 base58 digits, Bitcoin 14 to 90 letters
 * and digits (base58 or bech32). chain_id must be non-zero.
 */

/*
 * EIP-681 request for the chain's native coin, value in wei as a decimal
 * integer: "ethereum:<address>@<chain_id>?value=<wei>".
 */
int	 payuri_evm_native(const char *address, uint64_t chain_id,
	    unsigned __int128 wei, char *out, size_t outlen);
/*
 * EIP-681 call of an ERC-20 token's transfer(address,uint256), the amount
 * in the token's base units as a decimal integer:
 * "ethereum:<contract>@<chain_id>/transfer?address=<recipient>&uint256=<n>".
 */
int	 payuri_evm_token(const char *contract, uint64_t chain_id,
	    const char *recipient, unsigned __int128 units, char *out,
	    size_t outlen);
/*
 * TRON wallets scan the plain base58 address ("T..."); the amount is
 * shown beside the code, not in it.
 */
int	 payuri_tron(const char *address, char *out, size_t outlen);
/*
 * BIP21: "bitcoin:<address>?amount=<BTC>", BTC being the exact decimal of
 * satoshi / 10^8 without trailing zeros (1 -> "0.00000001", 10^8 -> "1").
 */
int	 payuri_bip21(const char *address, unsigned __int128 satoshi,
	    char *out, size_t outlen);

#endif
