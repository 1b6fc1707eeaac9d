/*
 * BIP32 extended public keys: parse and print xpub/tpub strings and derive
 * non-hardened children. The server never holds a private key, so private
 * extended keys are refused rather than supported.
 */
#ifndef CC_BIP32_H
#define CC_BIP32_H

#include "cc.h"

#define BIP32_VERSION_XPUB	0x0488B21E	/* mainnet, "xpub..." */
#define BIP32_VERSION_TPUB	0x043587CF	/* testnet, "tpub..." */
#define BIP32_VERSION_XPRV	0x0488ADE4	/* refused */
#define BIP32_VERSION_TPRV	0x04358394	/* refused */

#define BIP32_HARDENED		0x80000000U
/* Bytes of a serialized extended key, before the base58check checksum. */
#define BIP32_SERIALIZED_LEN	78
/* Room for an xpub string and its NUL (they are 111 characters). */
#define BIP32_XPUB_STRLEN	112

struct bip32_pub {
	uint32_t	version;
	uint8_t		depth;
	uint8_t		parent_fpr[4];
	uint32_t	child_num;
	uint8_t		chain_code[32];
	uint8_t		pubkey[33];	/* compressed SEC1 point */
};

enum bip32_err {
	BIP32_OK = 0,
	BIP32_EENCODING,	/* not base58, wrong length, bad depth fields */
	BIP32_ECHECKSUM,	/* base58check checksum mismatch */
	BIP32_EVERSION,		/* not xpub/tpub (private or unknown) */
	BIP32_EKEY,		/* key bytes are not a point on the curve */
	BIP32_EHARDENED,	/* hardened index asked of a public key */
	BIP32_EINVALID_CHILD,	/* IL >= n, point at infinity, depth 255 */
	BIP32_ESPACE,		/* output buffer too small */
	BIP32_EINTERNAL,	/* the crypto library failed */
	BIP32_ERR__MAX
};

/* A static English message for the error; never NULL. */
const char	*bip32_strerror(enum bip32_err);

/*
 * Parses an xpub or tpub string. Verifies the checksum, the 78-byte
 * length, the version (xprv/tprv and others: BIP32_EVERSION), that a
 * depth-0 key has a zero fingerprint and child number, and that the key
 * is a valid compressed point. *out is only meaningful on BIP32_OK.
 */
enum bip32_err	 bip32_parse(const char *xpub, struct bip32_pub *out);
/* Writes the base58check text of the key into out (BIP32_XPUB_STRLEN). */
enum bip32_err	 bip32_serialize(const struct bip32_pub *, char *out,
		    size_t outlen);
/*
 * CKDpub: derives child number index of parent. Hardened indexes
 * (>= BIP32_HARDENED) give BIP32_EHARDENED. BIP32_EINVALID_CHILD means
 * this index has no key (probability below 2^-127): skip to the next.
 */
enum bip32_err	 bip32_derive(const struct bip32_pub *parent,
		    uint32_t index, struct bip32_pub *child);
/* The key as an uncompressed SEC1 point: 0x04 || X || Y. */
enum bip32_err	 bip32_pubkey_uncompressed(const struct bip32_pub *,
		    uint8_t out[65]);

#endif
