/*
 * The configuration every program reads: from --config FILE, else $CC_CONF,
 * else CONFIG_DEFAULT_PATH (/etc/crypto-checkout/cc.conf). An INI file:
 *
 *   [database]   url = postgresql://...
 *   [redis]      url = redis://127.0.0.1:6379  timeout_ms = 50
 *   [http]       public_url = https://api.example.com/api/v1/public
 *                pay_url = https://pay.example.com
 *                docs_url = https://api.example.com/docs/errors.html
 *                threads = 8
 *                logos = /var/lib/crypto-checkout/logos  (<merchant id>.png)
 *   [events]     max_streams = 10000  per_ip = 20  max_per_invoice = 10
 *                heartbeat = 15  (threads: accepted, ignored since the
 *                event loop; see man cc.conf)
 *   [jwt]        keys = /etc/crypto-checkout/jwt.keys  (the secrets that
 *                sign and verify tokens; see jwtkeys.h)
 *   [webhooks]   retry_unit = 60  (seconds in one backoff step)
 *                concurrency = 64  per_endpoint = 8
 *                timeout = 10  max_retries = 5
 *                allowed_ips = 10.1.2.3 ...  (non-public addresses an
 *                endpoint may reach when its own allowed_ips lists them
 *                too; never metadata, unspecified or multicast ones)
 *                allowed_ports = 8443 9000-9010  (ports besides 80 and
 *                443 that webhook URLs may name)
 *   [rates]      sources = coinbase kraken  (preference order)
 *                coinbase_url kraken_url coingecko_url  (base URLs)
 *                currencies = USD EUR  max_age = 600  max_deviation = 5
 *                timeout = 10  max_body = 1048576  keep_history = 7
 *                coingecko_ids = ETH:ethereum  kraken_assets = BTC:XBT
 *   [ratelimit]  enabled = yes
 *                invoices_create = 1000/3600  (COUNT/SECONDS, per API key;
 *                also invoices_read, invoices_list, invoices_cancel,
 *                analytics, webhooks; per client address: auth_token,
 *                public_invoice, public_qr, auth_failures)
 *                trusted_proxies = 10.0.0.1 ...  exempt = 192.0.2.7 ...
 *                override_cache = 5  (seconds a merchant's overrides are
 *                kept in memory)
 *   [currency USD]  min = 0.50   max = 10000.00
 *   [network NAME]  kind = evm|tron  chain_id = 1  mode = live|test
 *                   rpc_url = ...  confirmations = 12  default_for = USDT ETH
 *                   simulate_from = 0x...  (test, evm: simulate.h)
 *   [asset NETWORK SYMBOL]  decimals = 6  contract = 0x...  native = false
 *                           peg = USD
 *
 * Networks and assets are configuration, not code: a new chain is a new
 * section.
 */
#ifndef CC_CONFIG_H
#define CC_CONFIG_H

#include "cc.h"
#include "address.h"
#include "netcheck.h"
#include "ratefeed.h"
#include "ratelimit.h"

#define CONFIG_MAX_NETWORKS	16
#define CONFIG_MAX_ASSETS	8
#define CONFIG_MAX_CURRENCIES	48
#define CONFIG_MAX_ALLOWED_IPS	16
#define CONFIG_MAX_ALLOWED_PORTS 16	/* [webhooks] allowed_ports ranges */
#define CONFIG_MAX_NAME		31	/* a network's name, bytes */
/*
 * SYSCONFDIR/crypto-checkout/cc.conf: /etc/crypto-checkout/cc.conf when
 * configured with --sysconfdir=/etc, as the Debian package is.
 */
#ifdef CC_SYSCONFDIR
#define CONFIG_DEFAULT_PATH	CC_SYSCONFDIR "/crypto-checkout/cc.conf"
#else
#define CONFIG_DEFAULT_PATH	"/etc/crypto-checkout/cc.conf"
#endif
/* [jwt] keys when the file does not say: beside the configuration. */
#ifdef CC_SYSCONFDIR
#define CONFIG_DEFAULT_JWT_KEYS	CC_SYSCONFDIR "/crypto-checkout/jwt.keys"
#else
#define CONFIG_DEFAULT_JWT_KEYS	"/etc/crypto-checkout/jwt.keys"
#endif

struct cc_asset {
	char	 symbol[16];
	int	 decimals;
	char	 contract[64];		/* token contract; empty if native */
	bool	 native;
	char	 peg[4];		/* fiat it is pegged 1:1 to, or "" */
};

struct cc_network {
	char			 name[CONFIG_MAX_NAME + 1];
	enum address_kind	 kind;
	uint64_t		 chain_id;
	bool			 test;
	char			 rpc_url[256];
	int			 confirmations;
	bool			 detect_pending;	/* payments at 0 conf. */
	char			 default_for[128]; /* space-separated symbols */
	/*
	 * simulate_from: an account the node holds unlocked (anvil's),
	 * from which POST /api/v1/test/invoices/{id}/simulate sends real
	 * test payments; "" (the default) records simulated rows instead.
	 * Test networks of kind evm only.
	 */
	char			 simulate_from[48];
	struct cc_asset		 assets[CONFIG_MAX_ASSETS];
	size_t			 nassets;
};

struct cc_currency {
	char	 code[4];
	int	 exponent;
	int64_t	 min_minor;
	int64_t	 max_minor;
};

struct cc_config {
	char			 path[512];
	char			 database_url[512];
	char			 redis_url[256];
	char			 public_url[256];
	char			 pay_url[256];
	char			 docs_url[256];	/* [http] docs_url: errors' page */
	char			 logo_dir[256];	/* [http] logos: <merchant>.png */
	char			 jwt_keys[256];	/* [jwt] keys: the secrets' file */
	int			 threads;
	int			 events_threads;	/* deprecated, unused */
	int			 events_max_streams;	/* in one process */
	int			 events_per_ip;		/* per client address */
	int			 events_per_invoice;	/* streams per invoice */
	int			 events_heartbeat;	/* seconds */
	/* [webhooks]; timeout and max_retries: for invoices' webhook_url */
	int			 webhook_retry_unit;	/* seconds per step */
	int			 webhook_concurrency;	/* requests in flight */
	int			 webhook_per_endpoint;	/* to one endpoint */
	int			 webhook_timeout;
	int			 webhook_max_retries;
	struct net_cidr		 webhook_allowed[CONFIG_MAX_ALLOWED_IPS];
	size_t			 nwebhook_allowed;
	/* Ports besides 80 and 443 (net_port_ok) */
	struct net_ports	 webhook_ports[CONFIG_MAX_ALLOWED_PORTS];
	size_t			 nwebhook_ports;
	/* [rates]: cc-rates, and the age a new invoice accepts */
	enum ratefeed		 rates_sources[RATEFEED__MAX];
	size_t			 nrates_sources;
	char			 rates_url[RATEFEED__MAX][256];
	char			 rates_currencies[128];	/* "USD EUR" */
	int			 rates_max_age;		/* seconds */
	char			 rates_max_deviation[16]; /* percent */
	int			 rates_timeout;		/* seconds */
	long			 rates_max_body;	/* bytes */
	int			 rates_keep_days;	/* history */
	char			 rates_coingecko_ids[512];
	char			 rates_kraken_assets[256];
	struct ratelimit_settings ratelimit;	/* [ratelimit] */
	struct cc_network	 networks[CONFIG_MAX_NETWORKS];
	size_t			 nnetworks;
	struct cc_currency	 currencies[CONFIG_MAX_CURRENCIES];
	size_t			 ncurrencies;
};

/*
 * Picks the config path: the value of a "--config FILE" or "--config=FILE"
 * argument, else $CC_CONF, else CONFIG_DEFAULT_PATH.
 */
const char	*config_path(int argc, char **argv);
/*
 * The start every FastCGI program shares: NAME [--config FILE] [--socket
 * PATH|:PORT] [--help] (usage on standard error), never as root or root's
 * group, the configuration loaded (errors logged). Returns -1 to go on
 * serving, *socket_path set (NULL: the web server's socket on standard
 * input), else the status to exit with (0 after --help).
 */
int		 config_program_start(int argc, char **argv, const char *name,
		    struct cc_config *, const char **socket_path);
/* Loads and checks a file; on failure returns -1 with a message in err. */
int		 config_load(const char *path, struct cc_config *,
		    char *err, size_t errlen);
/*
 * The same from an open stream (left open), path naming it in messages:
 * the parser without the file system (the fuzz target reads memory).
 */
int		 config_read(FILE *, const char *path, struct cc_config *,
		    char *err, size_t errlen);

const struct cc_network	 *config_network(const struct cc_config *,
			    const char *name);
const struct cc_asset	 *config_asset(const struct cc_network *,
			    const char *symbol);
/* The network whose default_for names symbol, in test or live mode. */
const struct cc_network	 *config_default_network(const struct cc_config *,
			    const char *symbol, bool test);
const struct cc_currency *config_currency(const struct cc_config *,
			    const char *code);
/* True if some network has an asset with this symbol. */
bool			  config_known_crypto(const struct cc_config *,
			    const char *symbol);

#endif
