/*
 * Bitcoin's base58 and base58check (a 4-byte double SHA-256 checksum),
 * used for BIP32 extended keys and TRON addresses.
 */
#ifndef CC_BASE58_H
#define CC_BASE58_H

#include "cc.h"

/* Longest text base58_decode and base58check_decode accept. */
#define BASE58_MAX_TEXT		128
/* Most bytes base58_encode takes (base58check: this less 4). */
#define BASE58_MAX_BYTES	256
/* Most bytes a BASE58_MAX_TEXT string decodes to (all '1's: one each). */
#define BASE58_MAX_DECODED	BASE58_MAX_TEXT
#define BASE58_CHECKSUM_LEN	4

/*
 * Each returns 0 on success and -1 on any error: input too long, a
 * character outside the alphabet, output too small, or (check variants)
 * a wrong checksum. Leading zero bytes map to leading '1's both ways.
 */

/* Writes the NUL-terminated text of len bytes into out (outlen bytes). */
int	 base58_encode(const uint8_t *in, size_t len, char *out,
	    size_t outlen);
/* Decodes in into out (outmax bytes) and sets *outlen. */
int	 base58_decode(const char *in, uint8_t *out, size_t outmax,
	    size_t *outlen);
/* Appends the checksum to payload and encodes the result. */
int	 base58check_encode(const uint8_t *payload, size_t len, char *out,
	    size_t outlen);
/* Decodes, verifies and strips the checksum: out holds the payload only. */
int	 base58check_decode(const char *in, uint8_t *out, size_t outmax,
	    size_t *outlen);

#endif
