/*
 * Unit tests of lib/config.c: the configuration loader, its errors,
 * defaults and look-ups.
 */
#include "cc.h"

#include <unistd.h>

#include "cu_run.h"

#include "config.h"
#include "util.h"

/*
 * config_load
 */

static int
write_temp(const char *text, char *path, size_t pathlen)
{
	FILE *f;
	int fd;

	cc_strlcpy(path, "/tmp/cc_test_misc_XXXXXX", pathlen);
	fd = mkstemp(path);
	if (fd == -1)
		return -1;
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		unlink(path);
		return -1;
	}
	fputs(text, f);
	if (fclose(f) == EOF) {
		unlink(path);
		return -1;
	}
	return 0;
}

#define DB		"[database]\nurl = postgresql:///x\n"
#define EVM_C		"0x5FbDB2315678afecb367f032d93F642f64180aa3"
#define TRON_C		"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"

/* line 0: a whole-file check, which names no line. */
static const struct {
	const char	*name;
	const char	*text;
	int		 line;
	const char	*msg;
} config_bad[] = {
	{ "unknown section", DB "[nope]\n", 3, "unknown section [nope]" },
	{ "section with a stray word", DB "[database x]\n", 3,
	    "unknown section [database]" },
	{ "empty section header", DB "[ ]\n", 3, "empty section header" },
	{ "malformed section header", DB "[http\n", 3,
	    "malformed section header" },
	{ "text after a header", DB "[http] x\n", 3,
	    "malformed section header" },
	{ "not key = value", DB "garbage\n", 3, "expected key = value" },
	{ "key outside a section", "url = x\n" DB, 1,
	    "key outside of a section" },
	{ "unknown key in [database]", DB "foo = 1\n", 3,
	    "unknown key 'foo'" },
	{ "unknown key in a network", DB "[network a]\nkind = evm\n"
	    "decimals = 6\n", 5, "unknown key 'decimals'" },
	{ "unknown key in an asset", DB "[network a]\nkind = evm\n"
	    "[asset a ETH]\nnative = true\nkind = evm\n", 7,
	    "unknown key 'kind'" },
	{ "threads 0", DB "[http]\nthreads = 0\n", 4,
	    "threads must be an integer in 1..256" },
	{ "threads not a number", DB "[http]\nthreads = 8x\n", 4,
	    "threads must be an integer" },
	{ "bad kind", DB "[network a]\nkind = btc\n", 4,
	    "kind must be evm or tron" },
	{ "kind in upper case", DB "[network a]\nkind = EVM\n", 4,
	    "kind must be evm or tron" },
	{ "bad mode", DB "[network a]\nkind = evm\nmode = prod\n", 5,
	    "mode must be test or live" },
	{ "negative chain_id", DB "[network a]\nchain_id = -1\n", 4,
	    "chain_id must be an integer" },
	{ "bad network name", DB "[network a.b]\n", 3,
	    "network name must be" },
	{ "duplicate network", DB "[network a]\nkind = evm\n"
	    "[network a]\n", 5, "network a defined twice" },
	{ "asset of an unknown network", DB "[asset zz USDT]\n", 3,
	    "asset of unknown network zz" },
	{ "asset before its network", DB "[asset a USDT]\n"
	    "[network a]\nkind = evm\n", 3, "asset of unknown network a" },
	{ "lower-case asset symbol", DB "[network a]\nkind = evm\n"
	    "[asset a usdt]\n", 5, "asset symbol must be upper-case" },
	{ "duplicate asset", DB "[network a]\nkind = evm\n"
	    "[asset a ETH]\nnative = true\n[asset a ETH]\n", 7,
	    "asset ETH defined twice" },
	{ "EVM contract on tron", DB "[network t]\nkind = tron\n"
	    "[asset t USDT]\ndecimals = 6\ncontract = " EVM_C "\n", 7,
	    "contract is not a valid tron address" },
	{ "TRON contract on evm", DB "[network a]\nkind = evm\n"
	    "[asset a USDT]\ncontract = " TRON_C "\n", 6,
	    "contract is not a valid evm address" },
	{ "bad EIP-55 checksum", DB "[network a]\nkind = evm\n"
	    "[asset a USDT]\n"
	    "contract = 0x5FbDB2315678afecb367f032d93F642f64180aA3\n", 6,
	    "contract is not a valid evm address" },
	{ "decimals 31", DB "[network a]\nkind = evm\n[asset a ETH]\n"
	    "decimals = 31\n", 6, "decimals must be an integer in 0..30" },
	{ "native maybe", DB "[network a]\nkind = evm\n[asset a ETH]\n"
	    "native = maybe\n", 6, "native must be true or false" },
	{ "detect_pending on", DB "[network a]\nkind = evm\n"
	    "detect_pending = on\n", 5, "detect_pending must be true or false" },
	{ "peg in lower case", DB "[network a]\nkind = evm\n"
	    "[asset a USDT]\npeg = usd\n", 6, "peg must be an ISO 4217 code" },
	{ "unknown currency", DB "[currency XYZ]\n", 3,
	    "unknown ISO 4217 currency XYZ" },
	{ "duplicate currency", DB "[currency USD]\n[currency USD]\n", 4,
	    "currency USD defined twice" },
	{ "min too precise", DB "[currency USD]\nmin = 0.505\n", 4,
	    "min: too many decimal places" },
	{ "max negative", DB "[currency USD]\nmax = -1\n", 4,
	    "max: must not be negative" },
	{ "missing database url", "[http]\nthreads = 2\n", 0,
	    "[database] url is required" },
	{ "empty database url", "[database]\nurl =\n", 0,
	    "[database] url is required" },
	{ "min above max", DB "[currency USD]\nmin = 5\nmax = 1\n", 0,
	    "currency USD: min above max" },
	{ "network without kind", DB "[network a]\nmode = test\n", 0,
	    "network a: kind is required" },
	{ "simulate_from on a live network", DB "[network a]\nkind = evm\n"
	    "simulate_from = " EVM_C "\n", 0, "network a: simulate_from is "
	    "for test networks of kind evm only" },
	{ "simulate_from on tron", DB "[network a]\nkind = tron\n"
	    "mode = test\nsimulate_from = " EVM_C "\n", 0, "network a: "
	    "simulate_from is for test networks of kind evm only" },
	{ "simulate_from not an address", DB "[network a]\nkind = evm\n"
	    "mode = test\nsimulate_from = 0x12\n", 6,
	    "simulate_from must be a 0x address" },
	{ "asset without decimals", DB "[network a]\nkind = evm\n"
	    "[asset a USDT]\ncontract = " EVM_C "\n", 0,
	    "asset a USDT: decimals is required" },
	{ "asset without contract", DB "[network a]\nkind = evm\n"
	    "[asset a USDT]\ndecimals = 6\n", 0,
	    "asset a USDT: contract or native = true is required" },
	{ "rates: unknown source", DB "[rates]\nsources = coinbase binance\n",
	    4, "sources: unknown source binance" },
	{ "rates: source twice", DB "[rates]\nsources = kraken kraken\n", 4,
	    "sources: kraken named twice" },
	{ "rates: no source", DB "[rates]\nsources = ,\n", 4,
	    "sources names no source" },
	{ "rates: URL scheme", DB "[rates]\ncoinbase_url = ftp://x\n", 4,
	    "coinbase_url must be an http(s) URL" },
	{ "rates: unknown key", DB "[rates]\nbinance_url = https://x\n", 4,
	    "unknown key 'binance_url'" },
	{ "rates: currency not ISO", DB "[rates]\ncurrencies = USD XYZ\n", 4,
	    "currencies: XYZ is not an ISO 4217 code" },
	{ "rates: currency not configured", DB "[rates]\ncurrencies = EUR\n",
	    0, "[rates] currencies: EUR has no [currency EUR] section" },
	{ "rates: max_age", DB "[rates]\nmax_age = 5\n", 4,
	    "max_age must be an integer in 10..86400" },
	{ "rates: deviation zero", DB "[rates]\nmax_deviation = 0\n", 4,
	    "max_deviation must be a percentage above 0" },
	{ "rates: deviation float", DB "[rates]\nmax_deviation = 0.001\n", 4,
	    "max_deviation must be a percentage above 0" },
	{ "rates: deviation above 100", DB "[rates]\nmax_deviation = 150\n",
	    4, "at most 100" },
	{ "rates: timeout", DB "[rates]\ntimeout = 0\n", 4,
	    "timeout must be an integer in 1..60" },
	{ "rates: max_body", DB "[rates]\nmax_body = 100\n", 4,
	    "max_body must be an integer in 1024..16777216" },
	{ "rates: keep_history", DB "[rates]\nkeep_history = 0\n", 4,
	    "keep_history must be an integer in 1..3650" },
	{ "rates: coingecko_ids", DB "[rates]\ncoingecko_ids = ETH\n", 4,
	    "coingecko_ids: 'ETH' is not SYMBOL:id" },
	{ "rates: kraken_assets", DB "[rates]\nkraken_assets = btc:XBT\n", 4,
	    "kraken_assets: 'btc:XBT' is not SYMBOL:id" },
	{ "ratelimit: unknown class", DB "[ratelimit]\nbulk = 1/1\n", 4,
	    "unknown key 'bulk'" },
	{ "ratelimit: rule without window", DB "[ratelimit]\n"
	    "invoices_create = 1000\n", 4,
	    "invoices_create must be COUNT/SECONDS" },
	{ "ratelimit: zero", DB "[ratelimit]\npublic_qr = 0/60\n", 4,
	    "public_qr must be COUNT/SECONDS" },
	{ "ratelimit: window too long", DB "[ratelimit]\n"
	    "analytics = 5/86401\n", 4, "analytics must be COUNT/SECONDS" },
	{ "ratelimit: enabled", DB "[ratelimit]\nenabled = maybe\n", 4,
	    "enabled must be true or false" },
	{ "ratelimit: bad proxy", DB "[ratelimit]\n"
	    "trusted_proxies = 10.0.0.1 proxy.example\n", 4,
	    "trusted_proxies: proxy.example is not an IP address" },
	{ "ratelimit: bad exempt", DB "[ratelimit]\nexempt = 10.0.0.1/8\n",
	    4, "exempt: 10.0.0.1/8 is not an IP address" },
	{ "ratelimit: override_cache", DB "[ratelimit]\n"
	    "override_cache = 301\n", 4,
	    "override_cache must be an integer in 0..300" },
	{ "redis: timeout_ms", DB "[redis]\ntimeout_ms = 0\n", 4,
	    "timeout_ms must be an integer in 1..10000" },
	{ "redis: url", DB "[redis]\nurl = 127.0.0.1:6379\n", 4,
	    "url must be redis://HOST[:PORT][/DB] or unix:/PATH" },
};

static void
check_config_error(const char *name, const char *text, int line,
    const char *msg)
{
	struct cc_config cfg;
	char path[64], err[512], where[96];

	CU_ASSERT_FATAL(write_temp(text, path, sizeof(path)) == 0);
	err[0] = '\0';
	check_int("config_load", name, config_load(path, &cfg, err,
	    sizeof(err)), -1);
	check_has("message", name, err, msg);
	if (line > 0) {
		/* "path:line: message" */
		snprintf(where, sizeof(where), "%s:%d: ", path, line);
		CU_ASSERT(strncmp(err, where, strlen(where)) == 0);
		if (strncmp(err, where, strlen(where)) != 0)
			fprintf(stderr, "\n  [%s] %s\n    does not start "
			    "with %s\n", name, err, where);
	} else
		check_has("message", name, err, path);
	unlink(path);
}

static void
test_config_errors(void)
{
	struct cc_config cfg;
	struct buf b;
	char err[512];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(config_bad); i++)
		check_config_error(config_bad[i].name, config_bad[i].text,
		    config_bad[i].line, config_bad[i].msg);

	/* A line longer than the reader's buffer is refused, not split. */
	buf_init(&b, 0);
	buf_puts(&b, DB "[http]\npublic_url = https://x/");
	while (b.len < 1100)
		buf_puts(&b, "a");
	buf_puts(&b, "\n");
	check_config_error("line too long", b.data, 4, "line too long");
	buf_release(&b);

	CU_ASSERT(config_load("/nonexistent/cc.conf", &cfg, err,
	    sizeof(err)) == -1);
	check_has("message", "missing file", err, "cannot open config "
	    "/nonexistent/cc.conf");
}

/*
 * Regression (lib/config.c keyval, "contract"): with no kind in the network
 * section, an asset's contract is checked against ADDRESS__MAX and the
 * message passes address_kind_name()'s NULL to "%s" (undefined
 * behaviour; glibc prints "(null)"). The real fault, the missing kind,
 * is never named.
 */
static void
test_config_contract_without_kind(void)
{
	struct cc_config cfg;
	char path[64], err[512];

	CU_ASSERT_FATAL(write_temp(DB "[network a]\nmode = test\n"
	    "[asset a USDT]\ndecimals = 6\ncontract = " EVM_C "\n", path,
	    sizeof(path)) == 0);
	CU_ASSERT(config_load(path, &cfg, err, sizeof(err)) == -1);
	CU_ASSERT(strstr(err, "(null)") == NULL);
	check_has("message", "contract without kind", err, "kind");
	unlink(path);
}

static void
test_config_ok(void)
{
	static const char text[] =
	    "# comment\n"
	    "; comment\n"
	    "  [ database ]  \n"
	    "\turl   =   postgresql://u@h/db?sslmode=require  \n"
	    "[redis]\n"
	    "url = redis://127.0.0.1:6379\n"
	    "[http]\n"
	    "public_url = https://api.example.com/api/v1/public\n"
	    "[network mainnet]\n"
	    "kind = evm\n"
	    "chain_id = 1\n"
	    "mode = live\n"
	    "default_for = USDT, ETH\n"
	    "[asset mainnet USDT]\n"
	    "contract = 0xdac17f958d2ee523a2206206994597c13d831ec7\n"
	    "decimals = 6\n"
	    "[asset mainnet ETH]\n"
	    "native = yes\n"
	    "decimals = 18\n"
	    "[network nile]\n"
	    "kind = tron\n"
	    "mode = test\n"
	    "detect_pending = false\n"
	    "default_for = USDT\n"
	    "[asset nile USDT]\n"
	    "contract = " TRON_C "\n"
	    "decimals = 6\n"
	    "[network local]\n"
	    "kind = evm\n"
	    "mode = test\n"
	    "simulate_from = " EVM_C "\n";
	const struct cc_currency *c;
	const struct cc_network *n;
	struct cc_config cfg;
	char path[64], err[512];

	CU_ASSERT_FATAL(write_temp(text, path, sizeof(path)) == 0);
	if (config_load(path, &cfg, err, sizeof(err)) == -1) {
		CU_FAIL("config_load");
		fprintf(stderr, "\n  %s\n", err);
		unlink(path);
		return;
	}
	unlink(path);
	check_str("database_url", "ok", cfg.database_url,
	    "postgresql://u@h/db?sslmode=require");
	check_str("redis_url", "ok", cfg.redis_url, "redis://127.0.0.1:6379");
	check_int("threads default", "ok", cfg.threads, 8);
	/* Below stock Debian Apache's MaxRequestWorkers (150). */
	check_int("[events] threads default", "ok", cfg.events_threads, 101);
	check_int("[events] heartbeat default", "ok", cfg.events_heartbeat, 5);
	check_int("[events] max_streams default", "ok",
	    cfg.events_max_streams, 10000);
	check_int("[events] per_ip default", "ok", cfg.events_per_ip, 20);
	/* No [currency]: USD with the spec's 0.50 - 10,000.00. */
	CU_ASSERT(cfg.ncurrencies == 1);
	c = config_currency(&cfg, "USD");
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT(c->exponent == 2 && c->min_minor == 50 &&
	    c->max_minor == 1000000);
	CU_ASSERT(config_currency(&cfg, "usd") == NULL);
	n = config_network(&cfg, "mainnet");
	CU_ASSERT_FATAL(n != NULL);
	CU_ASSERT(n->confirmations == 12 && !n->test && n->chain_id == 1);
	CU_ASSERT(n->detect_pending);		/* the default */
	CU_ASSERT(n->simulate_from[0] == '\0');
	n = config_network(&cfg, "local");
	CU_ASSERT_FATAL(n != NULL);
	check_str("simulate_from", "ok", n->simulate_from, EVM_C);
	n = config_network(&cfg, "mainnet");
	CU_ASSERT(config_asset(n, "ETH") != NULL &&
	    config_asset(n, "ETH")->native);
	n = config_network(&cfg, "nile");
	CU_ASSERT_FATAL(n != NULL);
	CU_ASSERT(n->confirmations == 19 && n->test);
	CU_ASSERT(!n->detect_pending);
	CU_ASSERT(config_default_network(&cfg, "USDT", false) ==
	    config_network(&cfg, "mainnet"));
	CU_ASSERT(config_default_network(&cfg, "ETH", false) ==
	    config_network(&cfg, "mainnet"));
	CU_ASSERT(config_default_network(&cfg, "USDT", true) ==
	    config_network(&cfg, "nile"));
	CU_ASSERT(config_default_network(&cfg, "ETH", true) == NULL);
	CU_ASSERT(config_default_network(&cfg, "US", false) == NULL);
	CU_ASSERT(config_known_crypto(&cfg, "ETH"));
	CU_ASSERT(!config_known_crypto(&cfg, "BTC"));
}

static void
test_config_path(void)
{
	char *a1[] = { "prog", "--config", "/a.conf", NULL };
	char *a2[] = { "prog", "-v", "--config=/b.conf", NULL };
	char *a3[] = { "prog", "--config", NULL };
	char *a4[] = { "prog", NULL };

	check_str("config_path", "--config X", config_path(3, a1), "/a.conf");
	check_str("config_path", "--config=X", config_path(3, a2), "/b.conf");
	CU_ASSERT(setenv("CC_CONF", "/env.conf", 1) == 0);
	check_str("config_path", "env", config_path(2, a3), "/env.conf");
	check_str("config_path", "args first", config_path(3, a1),
	    "/a.conf");
	CU_ASSERT(setenv("CC_CONF", "", 1) == 0);
	check_str("config_path", "empty env", config_path(1, a4),
	    CONFIG_DEFAULT_PATH);
	CU_ASSERT(unsetenv("CC_CONF") == 0);
	check_str("config_path", "default", config_path(1, a4),
	    CONFIG_DEFAULT_PATH);
}

/* [webhooks] allowed_ips in the configuration: never-classes refused. */
struct conf_row {
	const char	*value;
	bool		 ok;
	const char	*msg;		/* part of the error when refused */
};

static const struct conf_row conf_rows[] = {
	{ "127.0.0.1", true, NULL },
	{ "127.0.0.1 10.1.2.0/24, fd00:1::/32", true, NULL },
	{ "10.0.0.0/8", true, NULL },
	{ "169.254.169.254", false, "169.254.169.254 holds metadata" },
	{ "10.0.0.0/8 169.254.0.0/16", false, "169.254.0.0/16 holds" },
	{ "0.0.0.0/0", false, "where webhooks never go" },
	{ "::/0", false, "where webhooks never go" },
	{ "224.0.0.0/4", false, "multicast" },
	{ "fd00::/8", false, "fd00::/8 holds" },
	{ "10.0.0.1/8", false, "is not an IP address or CIDR" },
};

static void
test_config_allowed_ips(void)
{
	struct cc_config cfg;
	char path[] = "/tmp/cc_test_netcheck_XXXXXX", err[512];
	size_t i;
	FILE *f;
	int fd, rc;

	for (i = 0; i < CC_ARRAY_SIZE(conf_rows); i++) {
		const struct conf_row *r = &conf_rows[i];

		cc_strlcpy(path, "/tmp/cc_test_netcheck_XXXXXX",
		    sizeof(path));
		fd = mkstemp(path);
		CU_ASSERT_FATAL(fd != -1);
		f = fdopen(fd, "w");
		CU_ASSERT_FATAL(f != NULL);
		fprintf(f, "[database]\nurl = postgresql:///x\n[webhooks]\n"
		    "allowed_ips = %s\n", r->value);
		CU_ASSERT_FATAL(fclose(f) == 0);
		err[0] = '\0';
		rc = config_load(path, &cfg, err, sizeof(err));
		unlink(path);
		EXPECT((rc == 0) == r->ok && (r->ok || strstr(err, r->msg) !=
		    NULL), "config row %zu (%s): %d \"%s\"", i, r->value, rc,
		    err);
	}
}

/* [webhooks] allowed_ports: ports and ranges, or a clear refusal. */
static void
test_config_allowed_ports(void)
{
	static const struct {
		const char	*value;
		bool		 ok;
		size_t		 n;
		const char	*msg;
	} rows[] = {
		{ "8443", true, 1, NULL },
		{ "8443, 9000-9010 32768-60999", true, 3, NULL },
		{ "", true, 0, NULL },
		{ "0", false, 0, "0 is not a port" },
		{ "8443 65536", false, 0, "65536 is not a port" },
		{ "9010-9000", false, 0, "9010-9000 is not a port" },
		{ "http", false, 0, "http is not a port" },
		{ "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", false, 0,
		    "at most 16" },
	};
	struct cc_config cfg;
	char path[] = "/tmp/cc_test_ports_XXXXXX", err[512];
	size_t i;
	FILE *f;
	int fd, rc;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		cc_strlcpy(path, "/tmp/cc_test_ports_XXXXXX", sizeof(path));
		fd = mkstemp(path);
		CU_ASSERT_FATAL(fd != -1);
		f = fdopen(fd, "w");
		CU_ASSERT_FATAL(f != NULL);
		fprintf(f, "[database]\nurl = postgresql:///x\n[webhooks]\n"
		    "allowed_ports = %s\n", rows[i].value);
		CU_ASSERT_FATAL(fclose(f) == 0);
		err[0] = '\0';
		rc = config_load(path, &cfg, err, sizeof(err));
		unlink(path);
		EXPECT((rc == 0) == rows[i].ok && (rows[i].ok ?
		    cfg.nwebhook_ports == rows[i].n :
		    strstr(err, rows[i].msg) != NULL),
		    "ports row %zu (%s): %d \"%s\"", i, rows[i].value, rc,
		    err);
	}
}

/* [rates]: the defaults, and every key read. */
static void
test_config_rates(void)
{
	struct cc_config cfg;
	char path[64], err[512];

	CU_ASSERT_FATAL(write_temp(DB, path, sizeof(path)) == 0);
	EXPECT(config_load(path, &cfg, err, sizeof(err)) == 0, "%s", err);
	unlink(path);
	check_int("sources", "defaults", (long long)cfg.nrates_sources, 2);
	check_int("first", "defaults", cfg.rates_sources[0],
	    RATEFEED_COINBASE);
	check_int("second", "defaults", cfg.rates_sources[1], RATEFEED_KRAKEN);
	check_str("coinbase_url", "defaults", cfg.rates_url[RATEFEED_COINBASE],
	    "https://api.coinbase.com");
	check_str("kraken_url", "defaults", cfg.rates_url[RATEFEED_KRAKEN],
	    "https://api.kraken.com");
	check_str("coingecko_url", "defaults",
	    cfg.rates_url[RATEFEED_COINGECKO], "https://api.coingecko.com");
	check_str("currencies", "defaults", cfg.rates_currencies, "USD");
	check_int("max_age", "defaults", cfg.rates_max_age, 600);
	check_str("max_deviation", "defaults", cfg.rates_max_deviation, "5");
	check_int("timeout", "defaults", cfg.rates_timeout, 10);
	check_int("max_body", "defaults", cfg.rates_max_body, 1048576);
	check_int("keep_history", "defaults", cfg.rates_keep_days, 7);

	CU_ASSERT_FATAL(write_temp(DB "[currency USD]\n[currency EUR]\n"
	    "[rates]\nsources = coingecko, kraken\n"
	    "coingecko_url = http://127.0.0.1:18490/cg\n"
	    "currencies = EUR, USD\nmax_age = 120\nmax_deviation = 2.5\n"
	    "timeout = 3\nmax_body = 4096\nkeep_history = 30\n"
	    "coingecko_ids = ETH:weth\nkraken_assets = BTC:XXBT\n", path,
	    sizeof(path)) == 0);
	EXPECT(config_load(path, &cfg, err, sizeof(err)) == 0, "%s", err);
	unlink(path);
	check_int("sources", "set", (long long)cfg.nrates_sources, 2);
	check_int("first", "set", cfg.rates_sources[0], RATEFEED_COINGECKO);
	check_str("coingecko_url", "set", cfg.rates_url[RATEFEED_COINGECKO],
	    "http://127.0.0.1:18490/cg");
	check_str("coinbase_url", "set", cfg.rates_url[RATEFEED_COINBASE],
	    "https://api.coinbase.com");
	check_str("currencies", "set", cfg.rates_currencies, "EUR USD");
	check_int("max_age", "set", cfg.rates_max_age, 120);
	check_str("max_deviation", "set", cfg.rates_max_deviation, "2.5");
	check_int("timeout", "set", cfg.rates_timeout, 3);
	check_int("max_body", "set", cfg.rates_max_body, 4096);
	check_int("keep_history", "set", cfg.rates_keep_days, 30);
	check_str("coingecko_ids", "set", cfg.rates_coingecko_ids, "ETH:weth");
	check_str("kraken_assets", "set", cfg.rates_kraken_assets, "BTC:XXBT");
}

/* [ratelimit]: the spec's numbers unless set, each key read. */
static void
test_config_ratelimit(void)
{
	struct cc_config cfg;
	char path[64], err[512], ip[NET_ADDR_STRLEN];
	int k;

	CU_ASSERT_FATAL(write_temp(DB, path, sizeof(path)) == 0);
	CU_ASSERT_FATAL(config_load(path, &cfg, err, sizeof(err)) == 0);
	unlink(path);
	EXPECT(cfg.ratelimit.enabled, "enabled by default");
	EXPECT(cfg.ratelimit.timeout_ms == 50, "timeout default");
	EXPECT(cfg.ratelimit.override_ttl == 5, "override_cache default");
	EXPECT(cfg.ratelimit.ntrusted == 0 && cfg.ratelimit.nexempt == 0,
	    "no proxies by default");
	check_str("default", "redis url", cfg.redis_url,
	    "redis://127.0.0.1:6379");
	EXPECT(cfg.ratelimit.rules[RATELIMIT_INVOICES_CREATE].limit == 1000 &&
	    cfg.ratelimit.rules[RATELIMIT_INVOICES_CREATE].window == 3600,
	    "invoices_create default");
	EXPECT(cfg.ratelimit.rules[RATELIMIT_PUBLIC_INVOICE].limit == 60 &&
	    cfg.ratelimit.rules[RATELIMIT_PUBLIC_INVOICE].window == 60,
	    "public_invoice default");

	CU_ASSERT_FATAL(write_temp(DB "[redis]\nurl = redis://10.0.0.9:6390/2\n"
	    "timeout_ms = 120\n[ratelimit]\nenabled = no\n"
	    "invoices_create = 10/60\npublic_qr = 7/30\n"
	    "auth_failures = 3/900\n"
	    "trusted_proxies = 127.0.0.1, 10.0.0.0/8 fd00::/8\n"
	    "exempt = 192.0.2.7\noverride_cache = 0\n", path,
	    sizeof(path)) == 0);
	err[0] = '\0';
	k = config_load(path, &cfg, err, sizeof(err));
	unlink(path);
	CU_ASSERT_FATAL(k == 0);
	EXPECT(!cfg.ratelimit.enabled, "enabled = no");
	EXPECT(cfg.ratelimit.timeout_ms == 120, "timeout_ms");
	EXPECT(cfg.ratelimit.override_ttl == 0, "override_cache");
	check_str("set", "redis url", cfg.redis_url,
	    "redis://10.0.0.9:6390/2");
	EXPECT(cfg.ratelimit.rules[RATELIMIT_INVOICES_CREATE].limit == 10 &&
	    cfg.ratelimit.rules[RATELIMIT_INVOICES_CREATE].window == 60,
	    "invoices_create");
	EXPECT(cfg.ratelimit.rules[RATELIMIT_PUBLIC_QR].limit == 7 &&
	    cfg.ratelimit.rules[RATELIMIT_PUBLIC_QR].window == 30,
	    "public_qr");
	EXPECT(cfg.ratelimit.rules[RATELIMIT_AUTH_FAILURES].limit == 3 &&
	    cfg.ratelimit.rules[RATELIMIT_AUTH_FAILURES].window == 900,
	    "auth_failures");
	/* Untouched classes keep the spec's numbers. */
	EXPECT(cfg.ratelimit.rules[RATELIMIT_INVOICES_READ].limit == 5000,
	    "invoices_read kept");
	EXPECT(cfg.ratelimit.ntrusted == 3, "3 proxies");
	EXPECT(cfg.ratelimit.nexempt == 1, "1 exempt");
	net_addr_str(&cfg.ratelimit.trusted[1].addr, ip, sizeof(ip));
	EXPECT(strcmp(ip, "10.0.0.0") == 0 &&
	    cfg.ratelimit.trusted[1].prefix == 8, "second proxy %s", ip);
	net_addr_str(&cfg.ratelimit.exempt[0].addr, ip, sizeof(ip));
	EXPECT(strcmp(ip, "192.0.2.7") == 0 &&
	    cfg.ratelimit.exempt[0].prefix == 32, "exempt %s", ip);
}

static const struct cu_test tests[] = {
	{ "config [rates]", test_config_rates },
	{ "config_load errors", test_config_errors },
	{ "config [ratelimit]", test_config_ratelimit },
	{ "config_load defaults and lookups", test_config_ok },
	{ "config_path", test_config_path },
	{ "config contract check without kind",
	    test_config_contract_without_kind },
	{ "config [webhooks] allowed_ips", test_config_allowed_ips },
	{ "config [webhooks] allowed_ports", test_config_allowed_ports },
};

int
main(void)
{
	return cu_run("config", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
