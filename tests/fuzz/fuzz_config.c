/*
 * Fuzz target: cc.conf as every program reads it (lib/config.c's
 * config_read on the input in memory): sections, keys, values, limits,
 * networks, assets, currencies, rate limits and address lists.
 * Property: a refusal always says why.
 */
#include "fuzz.h"

#include "config.h"

static struct cc_config	cfg;

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
	return 0;
}
