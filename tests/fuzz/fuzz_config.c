/*
 * Fuzz target: the configuration files. cc.conf as every program reads
 * it (lib/config.c's config_read on the input in memory): sections,
 * keys, values, limits, networks, assets, currencies, rate limits and
 * address lists; and the same bytes as the token secrets' file
 * (lib/jwtkeys.c). Properties: a refusal always says why; a keys file
 * that parses is written back (jwtkeys_format) to one that parses to the
 * same secrets.
 */
#include "fuzz.h"

#include "config.h"
#include "jwtkeys.h"

static struct cc_config	cfg;

static void
check_keys(const uint8_t *data, size_t size)
{
	struct jwtkeys a, b;
	char err[256], *text, *again;
	size_t i;

	text = fuzz_str(data, size);
	err[0] = '\0';
	if (jwtkeys_parse(text, &a, err, sizeof(err)) != 0) {
		FUZZ_ASSERT(err[0] != '\0');
	} else {
		again = jwtkeys_format(&a);
		FUZZ_ASSERT(again != NULL);
		FUZZ_ASSERT(jwtkeys_parse(again, &b, err, sizeof(err)) == 0);
		FUZZ_ASSERT(a.n == b.n);
		for (i = 0; i < a.n; i++) {
			FUZZ_ASSERT(strcmp(a.keys[i].kid, b.keys[i].kid) == 0);
			FUZZ_ASSERT(a.keys[i].len == b.keys[i].len);
			FUZZ_ASSERT(memcmp(a.keys[i].secret, b.keys[i].secret,
			    a.keys[i].len) == 0);
			FUZZ_ASSERT(a.created[i] == b.created[i]);
		}
		(void)jwtkeys_signing(&a);
		free(again);
	}
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	FILE *f;
	size_t i;

	if (size == 0)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (f == NULL)
		abort();
	err[0] = '\0';
	if (config_read(f, "fuzz.conf", &cfg, err, sizeof(err)) != 0) {
		FUZZ_ASSERT(err[0] != '\0');
	} else {
		for (i = 0; i < cfg.nnetworks; i++)
			(void)config_asset(&cfg.networks[i], "USDT");
		(void)config_default_network(&cfg, "USDT", true);
		(void)config_currency(&cfg, "USD");
		(void)config_known_crypto(&cfg, "ETH");
	}
	fclose(f);
	check_keys(data, size);
	return 0;
}
