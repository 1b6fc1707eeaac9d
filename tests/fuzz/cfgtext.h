/*
 * A configuration for the targets whose parsers consult one (currencies
 * and their bounds, networks and assets), read from memory.
 */
#ifndef CC_FUZZ_CFGTEXT_H
#define CC_FUZZ_CFGTEXT_H

#include "config.h"

static const char fuzz_cfg_text[] =
	"[database]\n"
	"url = postgresql:///cc_fuzz\n"
	"[http]\n"
	"public_url = https://pay.example.com/api/v1/public\n"
	"pay_url = https://pay.example.com\n"
	"[currency USD]\n"
	"min = 0.50\n"
	"max = 10000.00\n"
	"[currency EUR]\n"
	"[currency JPY]\n"
	"min = 50\n"
	"max = 1500000\n"
	"[network anvil]\n"
	"kind = evm\n"
	"chain_id = 31337\n"
	"mode = test\n"
	"default_for = USDT ETH\n"
	"[asset anvil USDT]\n"
	"contract = 0x5FbDB2315678afecb367f032d93F642f64180aa3\n"
	"decimals = 6\n"
	"peg = USD\n"
	"[asset anvil ETH]\n"
	"native = true\n"
	"decimals = 18\n"
	"[network tron]\n"
	"kind = tron\n"
	"mode = live\n"
	"default_for = USDT\n"
	"[asset tron USDT]\n"
	"contract = TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t\n"
	"decimals = 6\n";

/* Fills cfg from fuzz_cfg_text; aborts if it does not load. */
static inline void
fuzz_load_config(struct cc_config *cfg)
{
	char err[256];
	FILE *f;

	f = fmemopen((void *)fuzz_cfg_text, sizeof(fuzz_cfg_text) - 1, "r");
	if (f == NULL || config_read(f, "fuzz.conf", cfg, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "fuzz config: %s\n", f != NULL ? err : "fmemopen");
		abort();
	}
	fclose(f);
}

#endif
