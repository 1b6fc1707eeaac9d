/*
 * Keccak-256 as Ethereum and TRON use it: the original Keccak padding
 * (domain byte 0x01), which gives other digests than FIPS 202 SHA3-256.
 */
#ifndef CC_KECCAK_H
#define CC_KECCAK_H

#include "cc.h"

#define KECCAK256_LEN	32

/* Hashes len bytes of in (in may be NULL when len is 0) into out. */
void	 keccak256(const uint8_t *in, size_t len,
	    uint8_t out[KECCAK256_LEN]);

#endif
