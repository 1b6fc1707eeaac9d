/*
 * Fuzz target: the client's address from REMOTE_ADDR and
 * X-Forwarded-For (lib/clientip.c), behind trusted proxies. Input:
 * REMOTE_ADDR, a newline, the header. Property: the key of the address
 * found is printable text.
 */
#include "fuzz.h"

#include "clientip.h"
#include "netcheck.h"

static struct net_cidr	trusted[4];
static size_t		ntrusted;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const cidrs[] = {
		"127.0.0.1/32", "::1/128", "10.0.0.0/8", "2001:db8::/32",
	};
	size_t i;

	for (i = 0; i < sizeof(cidrs) / sizeof(cidrs[0]); i++)
		if (net_parse_cidr(cidrs[i], &trusted[ntrusted]) == 0)
			ntrusted++;
	FUZZ_ASSERT(ntrusted == 4);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *remote, *xff, key[CLIENTIP_KEY_LEN];
	struct net_addr a;
	size_t i;

	fuzz_split(data, size, &remote, &xff);
	if (clientip_resolve(remote, xff, trusted, ntrusted, &a) == 0) {
		clientip_key(&a, key, sizeof(key));
		for (i = 0; key[i] != '\0'; i++)
			FUZZ_ASSERT(key[i] > 0x20 && key[i] < 0x7f);
		(void)clientip_listed(&a, trusted, ntrusted);
	}
	if (clientip_parse(xff, strlen(xff), &a) == 0)
		clientip_key(&a, key, sizeof(key));
	/* The bytes as given, NUL included. */
	(void)clientip_parse((const char *)data, size, &a);
	free(remote);
	free(xff);
	return 0;
}
