/* Random identifiers from getrandom(2). */
#include "cc.h"

#include <errno.h>
#include <sys/random.h>

#include "ids.h"
#include "util.h"

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

void
ids_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fputs("fatal: getrandom failed\n", stderr);
			abort();
		}
		p += n;
		len -= (size_t)n;
	}
}

void
ids_base32(const uint8_t *in, size_t len, char *out, size_t outlen)
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0;

	for (i = 0; i < len; i++) {
		acc = acc << 8 | in[i];
		bits += 8;
		while (bits >= 5 && o + 1 < outlen) {
			bits -= 5;
			out[o++] = alphabet[acc >> bits & 31];
		}
	}
	if (bits > 0 && o + 1 < outlen)
		out[o++] = alphabet[acc << (5 - bits) & 31];
	out[o] = '\0';
}

void
ids_new(const char *prefix, char *out, size_t outlen)
{
	uint8_t rnd[IDS_RANDOM_BYTES];
	size_t n;

	ids_random(rnd, sizeof(rnd));
	n = cc_strlcpy(out, prefix, outlen);
	if (n >= outlen)
		abort();
	ids_base32(rnd, sizeof(rnd), out + n, outlen - n);
}

bool
ids_valid(const char *prefix, const char *s)
{
	size_t n = strlen(prefix), i;

	if (strncmp(s, prefix, n) != 0 || strlen(s + n) != 26)
		return false;
	for (i = n; s[i] != '\0'; i++)
		if (strchr(alphabet, s[i]) == NULL)
			return false;
	return true;
}
