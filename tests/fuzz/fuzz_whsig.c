/*
 * Fuzz target: the webhook signature header (lib/whsig.c), as a
 * receiver checking X-Crypto-Checkout-Signature would read it. Input: the
 * header, a newline, the body. Properties: a malformed header is refused
 * (never a crash), and the header whsig_sign makes for the body verifies.
 */
#include "fuzz.h"

#include "whsig.h"

#define SECRET	"whsec_3rbhkzjxn5nhbh2s3nuzdq5dzqh7gcwuu5ihmyqfhyouhcdvzc2a"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *header, *body, sig[WHSIG_SIG_SIZE];
	size_t blen;
	int rc;

	fuzz_split(data, size, &header, &body);
	blen = strlen(body);
	rc = whsig_verify(SECRET, header, 1700000000, 1700000100, 300, body,
	    blen);
	FUZZ_ASSERT(rc == 0 || rc == -1 || rc == -2);
	if (rc != -1)
		FUZZ_ASSERT(strlen(header) == WHSIG_SIG_SIZE - 1);
	/* The header as a secret, too: any text signs and verifies. */
	whsig_sign(header, 1700000000, body, blen, sig, sizeof(sig));
	FUZZ_ASSERT(whsig_verify(header, sig, 1700000000, 1700000000, 0, body,
	    blen) == 0);
	FUZZ_ASSERT(whsig_verify(header, sig, 1700000000, 1700000301, 300,
	    body, blen) == -2);
	free(header);
	free(body);
	return 0;
}
