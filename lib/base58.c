/*
 * Base58 and base58check with the Bitcoin alphabet. Sizes are bounded by
 * BASE58_MAX_* so every work buffer lives on the stack.
 */
#include "cc.h"

#include <openssl/evp.h>

#include "base58.h"

static const char alphabet[] =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* log(256) / log(58) < 1.38: digits needed per byte, rounded up. */
#define ENC_WORK	(BASE58_MAX_BYTES * 138 / 100 + 1)
/* log(58) / log(256) < 0.733: bytes needed per digit, rounded up. */
#define DEC_WORK	(BASE58_MAX_TEXT * 733 / 1000 + 1)

static int
digit_value(unsigned char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(alphabet, c);
	if (p == NULL)
		return -1;
	return (int)(p - alphabet);
}

int
base58_encode(const uint8_t *in, size_t len, char *out, size_t outlen)
{
	uint8_t b58[ENC_WORK];
	size_t zeros, size, length, i, j, k, n;
	unsigned int carry;

	if (len > BASE58_MAX_BYTES || (in == NULL && len > 0))
		return -1;
	for (zeros = 0; zeros < len && in[zeros] == 0; zeros++)
		continue;

	/* Big-endian base58 digits of the rest, built by repeated carry. */
	size = (len - zeros) * 138 / 100 + 1;
	memset(b58, 0, size);
	length = 0;
	for (i = zeros; i < len; i++) {
		carry = in[i];
		for (j = 0, k = size; (carry != 0 || j < length) && k > 0;
		    j++, k--) {
			carry += 256 * b58[k - 1];
			b58[k - 1] = (uint8_t)(carry % 58);
			carry /= 58;
		}
		length = j;
	}

	n = zeros + length;
	if (outlen < n + 1)
		return -1;
	memset(out, '1', zeros);
	for (i = 0; i < length; i++)
		out[zeros + i] = alphabet[b58[size - length + i]];
	out[n] = '\0';
	return 0;
}

int
base58_decode(const char *in, uint8_t *out, size_t outmax, size_t *outlen)
{
	uint8_t b256[DEC_WORK];
	size_t textlen, zeros, size, length, i, j, k, n;
	unsigned int carry;
	int v;

	if (in == NULL)
		return -1;
	textlen = strnlen(in, BASE58_MAX_TEXT + 1);
	if (textlen > BASE58_MAX_TEXT)
		return -1;
	for (zeros = 0; zeros < textlen && in[zeros] == '1'; zeros++)
		continue;

	size = (textlen - zeros) * 733 / 1000 + 1;
	memset(b256, 0, size);
	length = 0;
	for (i = zeros; i < textlen; i++) {
		v = digit_value((unsigned char)in[i]);
		if (v < 0)
			return -1;
		carry = (unsigned int)v;
		for (j = 0, k = size; (carry != 0 || j < length) && k > 0;
		    j++, k--) {
			carry += 58 * b256[k - 1];
			b256[k - 1] = (uint8_t)(carry % 256);
			carry /= 256;
		}
		length = j;
	}

	n = zeros + length;
	if (n > outmax)
		return -1;
	if (zeros > 0)
		memset(out, 0, zeros);
	if (length > 0)
		memcpy(out + zeros, b256 + size - length, length);
	*outlen = n;
	return 0;
}

/* First four bytes of SHA-256(SHA-256(data)). */
static int
checksum(const uint8_t *data, size_t len, uint8_t sum[BASE58_CHECKSUM_LEN])
{
	uint8_t h1[EVP_MAX_MD_SIZE], h2[EVP_MAX_MD_SIZE];

	if (EVP_Digest(data, len, h1, NULL, EVP_sha256(), NULL) != 1)
		return -1;
	if (EVP_Digest(h1, 32, h2, NULL, EVP_sha256(), NULL) != 1)
		return -1;
	memcpy(sum, h2, BASE58_CHECKSUM_LEN);
	return 0;
}

int
base58check_encode(const uint8_t *payload, size_t len, char *out,
    size_t outlen)
{
	uint8_t buf[BASE58_MAX_BYTES];

	if (len > BASE58_MAX_BYTES - BASE58_CHECKSUM_LEN ||
	    (payload == NULL && len > 0))
		return -1;
	if (len > 0)
		memcpy(buf, payload, len);
	if (checksum(buf, len, buf + len) == -1)
		return -1;
	return base58_encode(buf, len + BASE58_CHECKSUM_LEN, out, outlen);
}

int
base58check_decode(const char *in, uint8_t *out, size_t outmax,
    size_t *outlen)
{
	uint8_t buf[BASE58_MAX_DECODED], sum[BASE58_CHECKSUM_LEN];
	size_t n, plen;

	if (base58_decode(in, buf, sizeof(buf), &n) == -1)
		return -1;
	if (n < BASE58_CHECKSUM_LEN)
		return -1;
	plen = n - BASE58_CHECKSUM_LEN;
	if (checksum(buf, plen, sum) == -1)
		return -1;
	if (memcmp(sum, buf + plen, BASE58_CHECKSUM_LEN) != 0)
		return -1;
	if (plen > outmax)
		return -1;
	if (plen > 0)
		memcpy(out, buf, plen);
	*outlen = plen;
	return 0;
}
