/*
 * BIP32 extended public keys on libsecp256k1 (point arithmetic), OpenSSL
 * (HMAC-SHA512) and nettle (RIPEMD-160 for fingerprints). One secp256k1
 * context is created on first use and then only read, which the library
 * allows from any number of threads at once.
 */
#include "cc.h"

#include <pthread.h>

#include <nettle/ripemd160.h>
#include <nettle/sha2.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <secp256k1.h>

#include "base58.h"
#include "bip32.h"

static const char *const errstr[BIP32_ERR__MAX] = {
	[BIP32_OK] = "success",
	[BIP32_EENCODING] = "malformed extended key: not base58, wrong "
	    "length, or inconsistent depth, fingerprint and child number",
	[BIP32_ECHECKSUM] = "extended key checksum mismatch (mistyped?)",
	[BIP32_EVERSION] = "not an extended public key: only xpub and tpub "
	    "are accepted; never paste a private key (xprv/tprv)",
	[BIP32_EKEY] = "extended key does not hold a valid secp256k1 "
	    "public key",
	[BIP32_EHARDENED] = "hardened child indexes need the private key",
	[BIP32_EINVALID_CHILD] = "no valid key at this child index",
	[BIP32_ESPACE] = "output buffer too small",
	[BIP32_EINTERNAL] = "internal cryptographic library failure",
};

static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
static secp256k1_context *ctx;

static void
ctx_init(void)
{
	/* Verification-only work: no secret ever touches this context. */
	ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
}

static const secp256k1_context *
ctx_get(void)
{
	if (pthread_once(&ctx_once, ctx_init) != 0)
		return NULL;
	return ctx;
}

const char *
bip32_strerror(enum bip32_err err)
{
	if ((int)err < 0 || err >= BIP32_ERR__MAX || errstr[err] == NULL)
		return "unknown BIP32 error";
	return errstr[err];
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int
version_is_public(uint32_t v)
{
	return v == BIP32_VERSION_XPUB || v == BIP32_VERSION_TPUB;
}

/* RIPEMD-160(SHA-256(data)), Bitcoin's key identifier. */
static void
hash160(const uint8_t *data, size_t len, uint8_t out[RIPEMD160_DIGEST_SIZE])
{
	struct sha256_ctx sha;
	struct ripemd160_ctx rmd;
	uint8_t h[SHA256_DIGEST_SIZE];

	sha256_init(&sha);
	sha256_update(&sha, len, data);
	sha256_digest(&sha, sizeof(h), h);
	ripemd160_init(&rmd);
	ripemd160_update(&rmd, sizeof(h), h);
	ripemd160_digest(&rmd, RIPEMD160_DIGEST_SIZE, out);
}

enum bip32_err
bip32_parse(const char *text, struct bip32_pub *out)
{
	const secp256k1_context *c;
	secp256k1_pubkey pk;
	struct bip32_pub k;
	uint8_t raw[BASE58_MAX_DECODED];
	size_t n;

	if (text == NULL || out == NULL)
		return BIP32_EENCODING;
	if (base58check_decode(text, raw, sizeof(raw), &n) == -1) {
		/* Tell a mistyped key from text that is not base58 at all. */
		if (base58_decode(text, raw, sizeof(raw), &n) == 0 &&
		    n >= BASE58_CHECKSUM_LEN)
			return BIP32_ECHECKSUM;
		return BIP32_EENCODING;
	}
	if (n != BIP32_SERIALIZED_LEN)
		return BIP32_EENCODING;

	memset(&k, 0, sizeof(k));
	k.version = get_be32(raw);
	k.depth = raw[4];
	memcpy(k.parent_fpr, raw + 5, sizeof(k.parent_fpr));
	k.child_num = get_be32(raw + 9);
	memcpy(k.chain_code, raw + 13, sizeof(k.chain_code));
	memcpy(k.pubkey, raw + 45, sizeof(k.pubkey));

	if (!version_is_public(k.version))
		return BIP32_EVERSION;
	if (k.depth == 0 && (get_be32(k.parent_fpr) != 0 || k.child_num != 0))
		return BIP32_EENCODING;

	/* Only 0x02/0x03 parse at 33 bytes: a private key's 0x00 fails. */
	c = ctx_get();
	if (c == NULL)
		return BIP32_EINTERNAL;
	if (!secp256k1_ec_pubkey_parse(c, &pk, k.pubkey, sizeof(k.pubkey)))
		return BIP32_EKEY;

	*out = k;
	return BIP32_OK;
}

enum bip32_err
bip32_serialize(const struct bip32_pub *k, char *out, size_t outlen)
{
	const secp256k1_context *c;
	secp256k1_pubkey pk;
	uint8_t raw[BIP32_SERIALIZED_LEN];
	char text[BASE58_MAX_TEXT + 1];
	size_t n;

	if (!version_is_public(k->version))
		return BIP32_EVERSION;
	c = ctx_get();
	if (c == NULL)
		return BIP32_EINTERNAL;
	if (!secp256k1_ec_pubkey_parse(c, &pk, k->pubkey, sizeof(k->pubkey)))
		return BIP32_EKEY;

	put_be32(raw, k->version);
	raw[4] = k->depth;
	memcpy(raw + 5, k->parent_fpr, sizeof(k->parent_fpr));
	put_be32(raw + 9, k->child_num);
	memcpy(raw + 13, k->chain_code, sizeof(k->chain_code));
	memcpy(raw + 45, k->pubkey, sizeof(k->pubkey));

	if (base58check_encode(raw, sizeof(raw), text, sizeof(text)) == -1)
		return BIP32_EINTERNAL;
	n = strlen(text);
	if (n + 1 > outlen)
		return BIP32_ESPACE;
	memcpy(out, text, n + 1);
	return BIP32_OK;
}

enum bip32_err
bip32_derive(const struct bip32_pub *parent, uint32_t index,
    struct bip32_pub *child)
{
	const secp256k1_context *c;
	secp256k1_pubkey pk;
	struct bip32_pub k;
	uint8_t data[33 + 4], I[64], id[RIPEMD160_DIGEST_SIZE];
	unsigned int ilen = 0;
	size_t klen;
	enum bip32_err err;

	if (index >= BIP32_HARDENED)
		return BIP32_EHARDENED;
	if (parent->depth == UINT8_MAX)
		return BIP32_EINVALID_CHILD;
	c = ctx_get();
	if (c == NULL)
		return BIP32_EINTERNAL;
	if (!secp256k1_ec_pubkey_parse(c, &pk, parent->pubkey,
	    sizeof(parent->pubkey)))
		return BIP32_EKEY;

	/* I = HMAC-SHA512(Key = c_par, Data = serP(K_par) || ser32(i)) */
	memcpy(data, parent->pubkey, 33);
	put_be32(data + 33, index);
	if (HMAC(EVP_sha512(), parent->chain_code,
	    (int)sizeof(parent->chain_code), data, sizeof(data), I,
	    &ilen) == NULL || ilen != sizeof(I)) {
		err = BIP32_EINTERNAL;
		goto out;
	}

	/*
	 * K_i = point(I_L) + K_par. tweak_add fails exactly when I_L >= n
	 * or the sum is the point at infinity (and, in this library, for
	 * I_L = 0, which BIP32 would allow: a 2^-256 event).
	 */
	if (!secp256k1_ec_pubkey_tweak_add(c, &pk, I)) {
		err = BIP32_EINVALID_CHILD;
		goto out;
	}

	memset(&k, 0, sizeof(k));
	k.version = parent->version;
	k.depth = (uint8_t)(parent->depth + 1);
	hash160(parent->pubkey, sizeof(parent->pubkey), id);
	memcpy(k.parent_fpr, id, sizeof(k.parent_fpr));
	k.child_num = index;
	memcpy(k.chain_code, I + 32, sizeof(k.chain_code));
	klen = sizeof(k.pubkey);
	if (!secp256k1_ec_pubkey_serialize(c, k.pubkey, &klen, &pk,
	    SECP256K1_EC_COMPRESSED) || klen != sizeof(k.pubkey)) {
		err = BIP32_EINTERNAL;
		goto out;
	}
	*child = k;
	err = BIP32_OK;
out:
	explicit_bzero(I, sizeof(I));
	return err;
}

enum bip32_err
bip32_pubkey_uncompressed(const struct bip32_pub *k, uint8_t out[65])
{
	const secp256k1_context *c;
	secp256k1_pubkey pk;
	size_t len = 65;

	c = ctx_get();
	if (c == NULL)
		return BIP32_EINTERNAL;
	if (!secp256k1_ec_pubkey_parse(c, &pk, k->pubkey, sizeof(k->pubkey)))
		return BIP32_EKEY;
	if (!secp256k1_ec_pubkey_serialize(c, out, &len, &pk,
	    SECP256K1_EC_UNCOMPRESSED) || len != 65)
		return BIP32_EINTERNAL;
	return BIP32_OK;
}
