/* Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>". */
#include "cc.h"

#include <inttypes.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "ids.h"
#include "util.h"
#include "whsig.h"

#define MAC_LEN		32
#define SECRET_BYTES	32
#define SECRET_PREFIX	"whsec_"

/*
 * HMAC-SHA256(secret, "<timestamp>.<body>") into mac, streamed so the body
 * is never copied. Returns 0 or -1 if OpenSSL fails.
 */
static int
compute(const char *secret, int64_t timestamp, const char *body,
    size_t len, uint8_t mac[MAC_LEN])
{
	char ts[32];
	char digest[] = "SHA256";
	OSSL_PARAM params[2];
	EVP_MAC *m = NULL;
	EVP_MAC_CTX *ctx = NULL;
	size_t maclen = 0;
	int tslen, rc = -1;

	if (secret == NULL || (body == NULL && len > 0))
		goto out;
	tslen = snprintf(ts, sizeof(ts), "%" PRId64 ".", timestamp);
	if (tslen < 0 || (size_t)tslen >= sizeof(ts))
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (m == NULL)
		goto out;
	ctx = EVP_MAC_CTX_new(m);
	if (ctx == NULL)
		goto out;
	if (EVP_MAC_init(ctx, (const unsigned char *)secret, strlen(secret),
	    params) != 1)
		goto out;
	if (EVP_MAC_update(ctx, (const unsigned char *)ts,
	    (size_t)tslen) != 1)
		goto out;
	if (len > 0 && EVP_MAC_update(ctx, (const unsigned char *)body,
	    len) != 1)
		goto out;
	if (EVP_MAC_final(ctx, mac, &maclen, MAC_LEN) != 1 ||
	    maclen != MAC_LEN)
		goto out;
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
	return rc;
}

void
whsig_sign(const char *secret, int64_t timestamp, const char *body,
    size_t len, char *out, size_t outlen)
{
	uint8_t mac[MAC_LEN];
	size_t n;

	if (outlen < WHSIG_SIG_SIZE)
		abort();
	if (compute(secret, timestamp, body, len, mac) == -1) {
		fputs("fatal: HMAC-SHA256 failed\n", stderr);
		abort();
	}
	n = cc_strlcpy(out, WHSIG_PREFIX, outlen);
	hex_encode(mac, sizeof(mac), out + n);
}

int
whsig_verify(const char *secret, const char *header, int64_t timestamp,
    int64_t now, int64_t tolerance, const char *body, size_t len)
{
	uint8_t want[MAC_LEN], got[MAC_LEN];
	size_t plen = strlen(WHSIG_PREFIX);
	int64_t age;

	if (secret == NULL || header == NULL)
		return -1;
	if (strncmp(header, WHSIG_PREFIX, plen) != 0)
		return -1;
	if (hex_decode(header + plen, got, sizeof(got)) == -1)
		return -1;
	if (compute(secret, timestamp, body, len, want) == -1)
		return -1;
	if (CRYPTO_memcmp(want, got, sizeof(want)) != 0)
		return -1;
	if (tolerance < 0)
		tolerance = 0;
	if (__builtin_sub_overflow(now, timestamp, &age))
		return -2;
	if (age > tolerance || age < -tolerance)
		return -2;
	return 0;
}

void
whsig_new_secret(char *out, size_t outlen)
{
	uint8_t rnd[SECRET_BYTES];
	size_t n;

	if (outlen < WHSIG_SECRET_SIZE)
		abort();
	ids_random(rnd, sizeof(rnd));
	n = cc_strlcpy(out, SECRET_PREFIX, outlen);
	ids_base32(rnd, sizeof(rnd), out + n, outlen - n);
	OPENSSL_cleanse(rnd, sizeof(rnd));
}
