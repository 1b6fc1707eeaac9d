/*
 * What the tests of lib/keccak.c, lib/base58.c and lib/address.c share:
 * published vectors written as hex, decoded into byte buffers of up to
 * MAX_BYTES. Include after cu_run.h.
 */
#ifndef CC_CU_HEX_H
#define CC_CU_HEX_H

#include "util.h"

#define MAX_BYTES	512	/* longest decoded vector, and message */

/* Decodes hex of any even length into buf; -1 if invalid or too long. */
static inline int
unhex(const char *hex, uint8_t *buf, size_t max, size_t *len)
{
	size_t n;

	n = strlen(hex);
	if (n % 2 != 0 || n / 2 > max)
		return -1;
	if (hex_decode(hex, buf, n / 2) == -1)
		return -1;
	*len = n / 2;
	return 0;
}

#endif
