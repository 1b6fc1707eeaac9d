/*
 * Keccak-256 on nettle's Keccak-f[1600] permutation: nettle only ships the
 * FIPS 202 SHA-3 padding, so the sponge is driven here by hand.
 */
#include "cc.h"

#include <nettle/sha3.h>

#include "keccak.h"

/* 1600-bit state less 2 * 256 bits of capacity, in bytes. */
#define KECCAK256_RATE	136

/*
 * XORs one block into the state. Lanes are little-endian by definition,
 * so the shifts keep this correct whatever the host byte order.
 */
static void
absorb(struct sha3_state *st, const uint8_t *block)
{
	size_t i;

	for (i = 0; i < KECCAK256_RATE; i++)
		st->a[i / 8] ^= (uint64_t)block[i] << (8 * (i % 8));
	sha3_permute(st);
}

void
keccak256(const uint8_t *in, size_t len, uint8_t out[KECCAK256_LEN])
{
	struct sha3_state st;
	uint8_t last[KECCAK256_RATE];
	size_t i;

	memset(&st, 0, sizeof(st));
	while (len >= KECCAK256_RATE) {
		absorb(&st, in);
		in += KECCAK256_RATE;
		len -= KECCAK256_RATE;
	}

	/*
	 * pad10*1 with the original Keccak domain byte; when only one byte
	 * is left both marks land in it (0x81).
	 */
	memset(last, 0, sizeof(last));
	if (len > 0)
		memcpy(last, in, len);
	last[len] ^= 0x01;
	last[KECCAK256_RATE - 1] ^= 0x80;
	absorb(&st, last);

	/* 32 bytes is well under the rate: one squeeze suffices. */
	for (i = 0; i < KECCAK256_LEN; i++)
		out[i] = (uint8_t)(st.a[i / 8] >> (8 * (i % 8)));
}
