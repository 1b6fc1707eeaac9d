/*
 * Public identifiers: a prefix and 128 random bits in lower-case base32
 * (inv_3k4...). Unguessable, so an id is never a capability leak by
 * enumeration.
 */
#ifndef CC_IDS_H
#define CC_IDS_H

#include "cc.h"

#define IDS_RANDOM_BYTES	16
#define IDS_MAX_LEN		48

/* Fills buf with random bytes from the kernel; aborts if it cannot. */
void	ids_random(void *buf, size_t len);
/* Writes prefix + base32(16 random bytes) into out (>= IDS_MAX_LEN). */
void	ids_new(const char *prefix, char *out, size_t outlen);
/* True if s is prefix followed by exactly 26 base32 characters. */
bool	ids_valid(const char *prefix, const char *s);
/* Base32 (RFC 4648 alphabet, lower case, no padding) of len bytes. */
void	ids_base32(const uint8_t *, size_t len, char *out, size_t outlen);

#endif
