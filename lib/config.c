/* INI configuration loader with validation of every value. */
#include "cc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>

#include "config.h"
#include "log.h"
#include "money.h"
#include "ratecheck.h"
#include "ratefeed.h"
#include "util.h"

enum section { SEC_NONE, SEC_DATABASE, SEC_REDIS, SEC_HTTP, SEC_EVENTS,
    SEC_WEBHOOKS, SEC_RATES, SEC_JWT, SEC_RATELIMIT, SEC_CURRENCY,
    SEC_NETWORK, SEC_ASSET, SEC__MAX };

struct parser {
	struct cc_config	*cfg;
	enum section		 sec;
	struct cc_network	*net;
	struct cc_asset		*asset;
	struct cc_currency	*cur;
	const char		*path;
	int			 line;
	char			*err;
	size_t			 errlen;
};

const char *
config_path(int argc, char **argv)
{
	const char *env;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			return argv[i + 1];
		if (strncmp(argv[i], "--config=", 9) == 0)
			return argv[i] + 9;
	}
	env = getenv("CC_CONF");
	if (env != NULL && *env != '\0')
		return env;
	return CONFIG_DEFAULT_PATH;
}

static void
program_usage(const char *name)
{
	fprintf(stderr, "usage: %s [--config FILE] [--socket PATH|:PORT]\n"
	    "Serves FastCGI on the socket, or on standard input when the "
	    "web server\nspawns it. Config: --config, else $CC_CONF, else "
	    CONFIG_DEFAULT_PATH ".\n", name);
}

int
config_program_start(int argc, char **argv, const char *name,
    struct cc_config *cfg, const char **socket_path)
{
	char err[512];
	int i;

	*socket_path = NULL;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			*socket_path = argv[++i];
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			i++;
		else if (strncmp(argv[i], "--config=", 9) == 0)
			continue;
		else if (strcmp(argv[i], "--help") == 0) {
			program_usage(name);
			return 0;
		} else {
			program_usage(name);
			return 2;
		}
	}
	if (cc_refuse_root() == -1)
		return 1;
	if (config_load(config_path(argc, argv), cfg, err,
	    sizeof(err)) == -1) {
		log_error("%s", err);
		return 1;
	}
	return -1;
}

static int
fail(struct parser *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->line > 0)
		snprintf(p->err, p->errlen, "%s:%d: %s", p->path, p->line,
		    msg);
	else
		snprintf(p->err, p->errlen, "%s: %s", p->path, msg);
	return -1;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
copy(struct parser *p, char *dst, size_t size, const char *val,
    const char *key)
{
	if (cc_strlcpy(dst, val, size) >= size)
		return fail(p, "%s is too long (max %zu)", key, size - 1);
	return 0;
}

static int
parse_int(struct parser *p, const char *val, long long lo, long long hi,
    long long *out, const char *key)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(val, &end, 10);
	if (errno != 0 || end == val || *end != '\0' || v < lo || v > hi)
		return fail(p, "%s must be an integer in %lld..%lld", key,
		    lo, hi);
	*out = v;
	return 0;
}

static int
parse_bool(struct parser *p, const char *val, bool *out, const char *key)
{
	if (strcmp(val, "true") == 0 || strcmp(val, "yes") == 0 ||
	    strcmp(val, "1") == 0)
		*out = true;
	else if (strcmp(val, "false") == 0 || strcmp(val, "no") == 0 ||
	    strcmp(val, "0") == 0)
		*out = false;
	else
		return fail(p, "%s must be true or false", key);
	return 0;
}

/*
 * "10.1.2.3 192.168.1.5, fd00::/8": CIDRs or addresses that merchants'
 * endpoints may then list in their own allowed_ips. A range that may
 * hold a metadata, unspecified or multicast address (0.0.0.0/0, ::/0,
 * 169.254.0.0/16) is refused: no webhook ever goes there, and a range
 * that wide was not named on purpose.
 */
static int
allowed_ips(struct parser *p, const char *val)
{
	struct cc_config *c = p->cfg;
	struct net_cidr *cidr;
	char buf[1024], *s, *save = NULL;

	c->nwebhook_allowed = 0;
	cc_strlcpy(buf, val, sizeof(buf));
	for (s = strtok_r(buf, " \t,", &save); s != NULL;
	    s = strtok_r(NULL, " \t,", &save)) {
		if (c->nwebhook_allowed == CONFIG_MAX_ALLOWED_IPS)
			return fail(p, "allowed_ips takes at most %d entries",
			    CONFIG_MAX_ALLOWED_IPS);
		cidr = &c->webhook_allowed[c->nwebhook_allowed];
		if (net_parse_cidr(s, cidr) == -1)
			return fail(p, "allowed_ips: %s is not an IP address "
			    "or CIDR such as 10.1.2.3 or 10.1.2.0/24", s);
		if (net_cidr_may_be(cidr, NET_NEVER))
			return fail(p, "allowed_ips: %s holds metadata, "
			    "unspecified or multicast addresses, where "
			    "webhooks never go; name only your receivers' "
			    "addresses", s);
		c->nwebhook_allowed++;
	}
	return 0;
}

/*
 * "8443, 9000-9010": the ports webhook URLs may name besides 80 and 443
 * (net_port_ok).
 */
static int
allowed_ports(struct parser *p, const char *val)
{
	struct cc_config *c = p->cfg;
	char buf[1024], *s, *save = NULL;

	c->nwebhook_ports = 0;
	if (cc_strlcpy(buf, val, sizeof(buf)) >= sizeof(buf))
		return fail(p, "allowed_ports is too long");
	for (s = strtok_r(buf, " \t,", &save); s != NULL;
	    s = strtok_r(NULL, " \t,", &save)) {
		if (c->nwebhook_ports == CONFIG_MAX_ALLOWED_PORTS)
			return fail(p, "allowed_ports takes at most %d "
			    "entries", CONFIG_MAX_ALLOWED_PORTS);
		if (net_parse_ports(s, &c->webhook_ports[c->nwebhook_ports])
		    == -1)
			return fail(p, "allowed_ports: %s is not a port or a "
			    "range such as 8443 or 9000-9010 (1..65535)", s);
		c->nwebhook_ports++;
	}
	return 0;
}

/*
 * "10.0.0.1 10.0.1.0/24, fd00::/8" into list (trusted_proxies, exempt):
 * addresses the operator names, any class.
 */
static int
cidr_list(struct parser *p, const char *val, struct net_cidr *list,
    size_t *n, const char *key)
{
	char buf[1024], *s, *save = NULL;

	*n = 0;
	if (cc_strlcpy(buf, val, sizeof(buf)) >= sizeof(buf))
		return fail(p, "%s is too long", key);
	for (s = strtok_r(buf, " \t,", &save); s != NULL;
	    s = strtok_r(NULL, " \t,", &save)) {
		if (*n == RATELIMIT_MAX_CIDRS)
			return fail(p, "%s takes at most %d entries", key,
			    RATELIMIT_MAX_CIDRS);
		if (net_parse_cidr(s, &list[*n]) == -1)
			return fail(p, "%s: %s is not an IP address or CIDR "
			    "such as 10.1.2.3 or 10.1.2.0/24", key, s);
		(*n)++;
	}
	return 0;
}

static int
ratelimit_key(struct parser *p, const char *key, const char *val)
{
	struct ratelimit_settings *r = &p->cfg->ratelimit;
	enum ratelimit_class cls;
	long long v;

	if (strcmp(key, "enabled") == 0)
		return parse_bool(p, val, &r->enabled, key);
	if (strcmp(key, "trusted_proxies") == 0)
		return cidr_list(p, val, r->trusted, &r->ntrusted, key);
	if (strcmp(key, "exempt") == 0)
		return cidr_list(p, val, r->exempt, &r->nexempt, key);
	if (strcmp(key, "override_cache") == 0) {
		if (parse_int(p, val, 0, 300, &v, key) == -1)
			return -1;
		r->override_ttl = (int)v;
		return 0;
	}
	if (ratelimit_class_from_name(key, &cls) == 0) {
		if (ratelimit_rule_parse(val, &r->rules[cls]) == -1)
			return fail(p, "%s must be COUNT/SECONDS such as "
			    "1000/3600 (COUNT 1.." CC_XSTR(RATELIMIT_MAX_LIMIT)
			    ", SECONDS 1.." CC_XSTR(RATELIMIT_MAX_WINDOW) ")",
			    key);
		return 0;
	}
	return fail(p, "unknown key '%s'", key);
}

static bool
valid_symbol(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max)
		return false;
	for (i = 0; i < n; i++)
		if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool
valid_name(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 31)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

static int
section(struct parser *p, char *hdr)
{
	struct cc_config *c = p->cfg;
	char *words[3] = { NULL, NULL, NULL }, *s = hdr, *save = NULL;
	int n = 0;

	for (s = strtok_r(hdr, " \t", &save); s != NULL;
	    s = strtok_r(NULL, " \t", &save)) {
		if (n == 3)
			return fail(p, "too many words in section header");
		words[n++] = s;
	}
	if (n == 0)
		return fail(p, "empty section header");
	p->net = NULL;
	p->asset = NULL;
	p->cur = NULL;
	if (strcmp(words[0], "database") == 0 && n == 1)
		p->sec = SEC_DATABASE;
	else if (strcmp(words[0], "redis") == 0 && n == 1)
		p->sec = SEC_REDIS;
	else if (strcmp(words[0], "http") == 0 && n == 1)
		p->sec = SEC_HTTP;
	else if (strcmp(words[0], "events") == 0 && n == 1)
		p->sec = SEC_EVENTS;
	else if (strcmp(words[0], "webhooks") == 0 && n == 1)
		p->sec = SEC_WEBHOOKS;
	else if (strcmp(words[0], "rates") == 0 && n == 1)
		p->sec = SEC_RATES;
	else if (strcmp(words[0], "jwt") == 0 && n == 1)
		p->sec = SEC_JWT;
	else if (strcmp(words[0], "ratelimit") == 0 && n == 1)
		p->sec = SEC_RATELIMIT;
	else if (strcmp(words[0], "currency") == 0 && n == 2) {
		int exp;

		if (config_currency(c, words[1]) != NULL)
			return fail(p, "currency %s defined twice", words[1]);
		exp = money_currency_exponent(words[1]);
		if (exp < 0)
			return fail(p, "unknown ISO 4217 currency %s", words[1]);
		if (c->ncurrencies == CONFIG_MAX_CURRENCIES)
			return fail(p, "too many currencies");
		p->cur = &c->currencies[c->ncurrencies++];
		memset(p->cur, 0, sizeof(*p->cur));
		cc_strlcpy(p->cur->code, words[1], sizeof(p->cur->code));
		p->cur->exponent = exp;
		p->cur->min_minor = -1;
		p->cur->max_minor = -1;
		p->sec = SEC_CURRENCY;
	} else if (strcmp(words[0], "network") == 0 && n == 2) {
		if (!valid_name(words[1]))
			return fail(p, "network name must be 1-31 letters, "
			    "digits, '-' or '_'");
		if (config_network(c, words[1]) != NULL)
			return fail(p, "network %s defined twice", words[1]);
		if (c->nnetworks == CONFIG_MAX_NETWORKS)
			return fail(p, "too many networks");
		p->net = &c->networks[c->nnetworks++];
		memset(p->net, 0, sizeof(*p->net));
		cc_strlcpy(p->net->name, words[1], sizeof(p->net->name));
		p->net->kind = ADDRESS__MAX;
		p->net->confirmations = -1;
		p->net->detect_pending = true;
		p->sec = SEC_NETWORK;
	} else if (strcmp(words[0], "asset") == 0 && n == 3) {
		struct cc_network *net;

		net = (struct cc_network *)config_network(c, words[1]);
		if (net == NULL)
			return fail(p, "asset of unknown network %s (define "
			    "the network first)", words[1]);
		if (!valid_symbol(words[2], 10))
			return fail(p, "asset symbol must be upper-case "
			    "letters and digits");
		if (config_asset(net, words[2]) != NULL)
			return fail(p, "asset %s defined twice", words[2]);
		if (net->nassets == CONFIG_MAX_ASSETS)
			return fail(p, "too many assets on %s", net->name);
		p->asset = &net->assets[net->nassets++];
		memset(p->asset, 0, sizeof(*p->asset));
		cc_strlcpy(p->asset->symbol, words[2], sizeof(p->asset->symbol));
		p->asset->decimals = -1;
		p->net = net;
		p->sec = SEC_ASSET;
	} else
		return fail(p, "unknown section [%s]", words[0]);
	return 0;
}

static int
currency_amount(struct parser *p, const char *val, int64_t *out,
    const char *key)
{
	enum money_err e;

	e = money_parse_minor(val, p->cur->exponent, out);
	if (e != MONEY_OK)
		return fail(p, "%s: %s", key, money_strerror(e));
	return 0;
}

/* "coinbase kraken": each a known source, once. */
static int
rate_sources(struct parser *p, const char *val)
{
	struct cc_config *c = p->cfg;
	char buf[256], *s, *save = NULL;
	enum ratefeed f;
	size_t i;

	c->nrates_sources = 0;
	if (cc_strlcpy(buf, val, sizeof(buf)) >= sizeof(buf))
		return fail(p, "sources is too long");
	for (s = strtok_r(buf, " \t,", &save); s != NULL;
	    s = strtok_r(NULL, " \t,", &save)) {
		if (ratefeed_from_name(s, &f) == -1)
			return fail(p, "sources: unknown source %s (coinbase, "
			    "kraken or coingecko)", s);
		for (i = 0; i < c->nrates_sources; i++)
			if (c->rates_sources[i] == f)
				return fail(p, "sources: %s named twice", s);
		c->rates_sources[c->nrates_sources++] = f;
	}
	if (c->nrates_sources == 0)
		return fail(p, "sources names no source");
	return 0;
}

/* "USD EUR": ISO 4217 codes, checked against [currency] at the end. */
static int
rate_currencies(struct parser *p, const char *val)
{
	char buf[128], *s, *save = NULL;
	struct buf out;
	int rc = 0;

	if (cc_strlcpy(buf, val, sizeof(buf)) >= sizeof(buf))
		return fail(p, "currencies is too long");
	buf_init(&out, sizeof(p->cfg->rates_currencies) - 1);
	for (s = strtok_r(buf, " \t,", &save); s != NULL && rc == 0;
	    s = strtok_r(NULL, " \t,", &save)) {
		if (money_currency_exponent(s) < 0)
			rc = fail(p, "currencies: %s is not an ISO 4217 code",
			    s);
		else if (buf_printf(&out, "%s%s", out.len ? " " : "", s) == -1)
			rc = fail(p, "currencies is too long");
	}
	if (rc == 0 && out.len == 0)
		rc = fail(p, "currencies names no currency");
	if (rc == 0)
		cc_strlcpy(p->cfg->rates_currencies, out.data,
		    sizeof(p->cfg->rates_currencies));
	buf_release(&out);
	return rc;
}

static int
rate_url(struct parser *p, char *dst, size_t size, const char *val,
    const char *key)
{
	if (strncmp(val, "https://", 8) != 0 &&
	    strncmp(val, "http://", 7) != 0)
		return fail(p, "%s must be an http(s) URL", key);
	return copy(p, dst, size, val, key);
}

static int
rates_key(struct parser *p, const char *key, const char *val)
{
	struct cc_config *c = p->cfg;
	struct money_dec dev;
	char err[192];
	long long v;
	int i;

	if (strcmp(key, "sources") == 0)
		return rate_sources(p, val);
	for (i = 0; i < RATEFEED__MAX; i++) {
		char name[32];

		snprintf(name, sizeof(name), "%s_url",
		    ratefeed_name((enum ratefeed)i));
		if (strcmp(key, name) == 0)
			return rate_url(p, c->rates_url[i],
			    sizeof(c->rates_url[i]), val, key);
	}
	if (strcmp(key, "currencies") == 0)
		return rate_currencies(p, val);
	if (strcmp(key, "max_age") == 0) {
		if (parse_int(p, val, 10, 86400, &v, key) == -1)
			return -1;
		c->rates_max_age = (int)v;
		return 0;
	}
	if (strcmp(key, "max_deviation") == 0) {
		if (ratecheck_parse_deviation(val, &dev) == -1)
			return fail(p, "max_deviation must be a percentage "
			    "above 0 and at most 100, with at most 2 "
			    "decimals");
		return copy(p, c->rates_max_deviation,
		    sizeof(c->rates_max_deviation), val, key);
	}
	if (strcmp(key, "timeout") == 0) {
		if (parse_int(p, val, 1, 60, &v, key) == -1)
			return -1;
		c->rates_timeout = (int)v;
		return 0;
	}
	if (strcmp(key, "max_body") == 0) {
		if (parse_int(p, val, 1024, 16 * 1024 * 1024, &v, key) == -1)
			return -1;
		c->rates_max_body = (long)v;
		return 0;
	}
	if (strcmp(key, "keep_history") == 0) {
		if (parse_int(p, val, 1, 3650, &v, key) == -1)
			return -1;
		c->rates_keep_days = (int)v;
		return 0;
	}
	if (strcmp(key, "coingecko_ids") == 0 ||
	    strcmp(key, "kraken_assets") == 0) {
		bool cg = key[1] == 'o';

		if (ratefeed_map_check(val, err, sizeof(err)) == -1)
			return fail(p, "%s: %s", key, err);
		return cg ? copy(p, c->rates_coingecko_ids,
		    sizeof(c->rates_coingecko_ids), val, key) :
		    copy(p, c->rates_kraken_assets,
		    sizeof(c->rates_kraken_assets), val, key);
	}
	return fail(p, "unknown key '%s'", key);
}

static int
keyval(struct parser *p, const char *key, const char *val)
{
	struct cc_config *c = p->cfg;
	long long v;

	switch (p->sec) {
	case SEC_DATABASE:
		if (strcmp(key, "url") == 0)
			return copy(p, c->database_url,
			    sizeof(c->database_url), val, key);
		break;
	case SEC_REDIS:
		if (strcmp(key, "url") == 0) {
			struct ratelimit_redis_addr a;

			if (ratelimit_redis_url(val, &a) == -1)
				return fail(p, "url must be redis://HOST[:PORT]"
				    "[/DB] or unix:/PATH");
			return copy(p, c->redis_url, sizeof(c->redis_url),
			    val, key);
		}
		if (strcmp(key, "timeout_ms") == 0) {
			if (parse_int(p, val, 1, 10000, &v, key) == -1)
				return -1;
			c->ratelimit.timeout_ms = (int)v;
			return 0;
		}
		break;
	case SEC_RATELIMIT:
		return ratelimit_key(p, key, val);
	case SEC_HTTP:
		if (strcmp(key, "public_url") == 0)
			return copy(p, c->public_url, sizeof(c->public_url),
			    val, key);
		if (strcmp(key, "pay_url") == 0)
			return copy(p, c->pay_url, sizeof(c->pay_url), val,
			    key);
		if (strcmp(key, "docs_url") == 0)
			return copy(p, c->docs_url, sizeof(c->docs_url), val,
			    key);
		if (strcmp(key, "logos") == 0)
			return copy(p, c->logo_dir, sizeof(c->logo_dir), val,
			    key);
		if (strcmp(key, "threads") == 0) {
			if (parse_int(p, val, 1, 256, &v, key) == -1)
				return -1;
			c->threads = (int)v;
			return 0;
		}
		break;
	case SEC_EVENTS:
		if (strcmp(key, "threads") == 0) {
			if (parse_int(p, val, 1, 4096, &v, key) == -1)
				return -1;
			c->events_threads = (int)v;
			return 0;
		}
		if (strcmp(key, "max_streams") == 0) {
			if (parse_int(p, val, 1, 1000000, &v, key) == -1)
				return -1;
			c->events_max_streams = (int)v;
			return 0;
		}
		if (strcmp(key, "per_ip") == 0) {
			if (parse_int(p, val, 1, 1000000, &v, key) == -1)
				return -1;
			c->events_per_ip = (int)v;
			return 0;
		}
		if (strcmp(key, "max_per_invoice") == 0) {
			if (parse_int(p, val, 1, 1000, &v, key) == -1)
				return -1;
			c->events_per_invoice = (int)v;
			return 0;
		}
		if (strcmp(key, "heartbeat") == 0) {
			if (parse_int(p, val, 1, 300, &v, key) == -1)
				return -1;
			c->events_heartbeat = (int)v;
			return 0;
		}
		break;
	case SEC_WEBHOOKS:
		if (strcmp(key, "retry_unit") == 0) {
			if (parse_int(p, val, 1, 3600, &v, key) == -1)
				return -1;
			c->webhook_retry_unit = (int)v;
			return 0;
		}
		if (strcmp(key, "concurrency") == 0) {
			if (parse_int(p, val, 1, 1024, &v, key) == -1)
				return -1;
			c->webhook_concurrency = (int)v;
			return 0;
		}
		if (strcmp(key, "per_endpoint") == 0) {
			if (parse_int(p, val, 1, 1024, &v, key) == -1)
				return -1;
			c->webhook_per_endpoint = (int)v;
			return 0;
		}
		if (strcmp(key, "timeout") == 0) {
			if (parse_int(p, val, 1, 60, &v, key) == -1)
				return -1;
			c->webhook_timeout = (int)v;
			return 0;
		}
		if (strcmp(key, "max_retries") == 0) {
			if (parse_int(p, val, 0, 20, &v, key) == -1)
				return -1;
			c->webhook_max_retries = (int)v;
			return 0;
		}
		if (strcmp(key, "allowed_ips") == 0)
			return allowed_ips(p, val);
		if (strcmp(key, "allowed_ports") == 0)
			return allowed_ports(p, val);
		break;
	case SEC_RATES:
		return rates_key(p, key, val);
	case SEC_JWT:
		if (strcmp(key, "keys") == 0) {
			if (val[0] != '/')
				return fail(p, "keys must be an absolute path");
			return copy(p, c->jwt_keys, sizeof(c->jwt_keys), val,
			    key);
		}
		break;
	case SEC_CURRENCY:
		if (strcmp(key, "min") == 0)
			return currency_amount(p, val, &p->cur->min_minor, key);
		if (strcmp(key, "max") == 0)
			return currency_amount(p, val, &p->cur->max_minor, key);
		break;
	case SEC_NETWORK:
		if (strcmp(key, "kind") == 0) {
			if (address_kind_from_name(val, &p->net->kind) == -1)
				return fail(p, "kind must be evm or tron");
			return 0;
		}
		if (strcmp(key, "chain_id") == 0) {
			if (parse_int(p, val, 0, INT64_MAX, &v, key) == -1)
				return -1;
			p->net->chain_id = (uint64_t)v;
			return 0;
		}
		if (strcmp(key, "mode") == 0) {
			if (strcmp(val, "test") != 0 && strcmp(val, "live") != 0)
				return fail(p, "mode must be test or live");
			p->net->test = strcmp(val, "test") == 0;
			return 0;
		}
		if (strcmp(key, "rpc_url") == 0)
			return copy(p, p->net->rpc_url,
			    sizeof(p->net->rpc_url), val, key);
		if (strcmp(key, "confirmations") == 0) {
			if (parse_int(p, val, 0, 1000, &v, key) == -1)
				return -1;
			p->net->confirmations = (int)v;
			return 0;
		}
		if (strcmp(key, "detect_pending") == 0)
			return parse_bool(p, val, &p->net->detect_pending,
			    key);
		if (strcmp(key, "default_for") == 0)
			return copy(p, p->net->default_for,
			    sizeof(p->net->default_for), val, key);
		if (strcmp(key, "simulate_from") == 0) {
			uint8_t a[20];

			if (address_parse(ADDRESS_EVM, val, a) == -1)
				return fail(p, "simulate_from must be a 0x "
				    "address");
			return copy(p, p->net->simulate_from,
			    sizeof(p->net->simulate_from), val, key);
		}
		break;
	case SEC_ASSET:
		if (strcmp(key, "decimals") == 0) {
			if (parse_int(p, val, 0, 30, &v, key) == -1)
				return -1;
			p->asset->decimals = (int)v;
			return 0;
		}
		if (strcmp(key, "contract") == 0) {
			uint8_t a[20];

			if (p->net->kind == ADDRESS__MAX)
				return fail(p, "network %s: set kind before "
				    "its assets' contracts", p->net->name);
			if (address_parse(p->net->kind, val, a) == -1)
				return fail(p, "contract is not a valid %s "
				    "address", address_kind_name(p->net->kind));
			return copy(p, p->asset->contract,
			    sizeof(p->asset->contract), val, key);
		}
		if (strcmp(key, "native") == 0)
			return parse_bool(p, val, &p->asset->native, key);
		if (strcmp(key, "peg") == 0) {
			if (money_currency_exponent(val) < 0)
				return fail(p, "peg must be an ISO 4217 code");
			return copy(p, p->asset->peg, sizeof(p->asset->peg),
			    val, key);
		}
		break;
	default:
		return fail(p, "key outside of a section");
	}
	return fail(p, "unknown key '%s'", key);
}

/* Defaults and cross-checks once the whole file is read. */
static int
finish(struct parser *p)
{
	struct cc_config *c = p->cfg;
	size_t i, j;

	p->line = 0;
	if (c->database_url[0] == '\0')
		return fail(p, "[database] url is required");
	if (c->threads == 0)
		c->threads = 8;
	if (c->redis_url[0] == '\0')
		cc_strlcpy(c->redis_url, "redis://127.0.0.1:6379",
		    sizeof(c->redis_url));
	/* Below stock Debian Apache's 150 workers, with 50 to spare. */
	if (c->events_threads == 0)
		c->events_threads = 101;
	if (c->events_max_streams == 0)
		c->events_max_streams = 10000;
	if (c->events_per_ip == 0)
		c->events_per_ip = 20;
	if (c->events_per_invoice == 0)
		c->events_per_invoice = 10;
	if (c->events_heartbeat == 0)
		c->events_heartbeat = 5;
	if (c->webhook_retry_unit == 0)
		c->webhook_retry_unit = 60;
	if (c->webhook_concurrency == 0)
		c->webhook_concurrency = 64;
	if (c->webhook_per_endpoint == 0)
		c->webhook_per_endpoint = 8;
	if (c->webhook_timeout == 0)
		c->webhook_timeout = 10;
	if (c->webhook_max_retries == -1)
		c->webhook_max_retries = 5;
	if (c->nrates_sources == 0) {
		c->rates_sources[c->nrates_sources++] = RATEFEED_COINBASE;
		c->rates_sources[c->nrates_sources++] = RATEFEED_KRAKEN;
	}
	for (i = 0; i < RATEFEED__MAX; i++)
		if (c->rates_url[i][0] == '\0')
			cc_strlcpy(c->rates_url[i],
			    ratefeed_default_url((enum ratefeed)i),
			    sizeof(c->rates_url[i]));
	if (c->rates_currencies[0] == '\0')
		cc_strlcpy(c->rates_currencies, "USD",
		    sizeof(c->rates_currencies));
	if (c->rates_max_age == 0)
		c->rates_max_age = 600;
	if (c->rates_max_deviation[0] == '\0')
		cc_strlcpy(c->rates_max_deviation, "5",
		    sizeof(c->rates_max_deviation));
	if (c->rates_timeout == 0)
		c->rates_timeout = 10;
	if (c->rates_max_body == 0)
		c->rates_max_body = 1024 * 1024;
	if (c->rates_keep_days == 0)
		c->rates_keep_days = 7;
	if (c->jwt_keys[0] == '\0')
		cc_strlcpy(c->jwt_keys, CONFIG_DEFAULT_JWT_KEYS,
		    sizeof(c->jwt_keys));
	if (c->ncurrencies == 0) {
		struct cc_currency *u = &c->currencies[c->ncurrencies++];

		cc_strlcpy(u->code, "USD", sizeof(u->code));
		u->exponent = 2;
		u->min_minor = -1;
		u->max_minor = -1;
	}
	for (i = 0; i < c->ncurrencies; i++) {
		struct cc_currency *u = &c->currencies[i];
		int64_t scale = 1;
		int e;

		for (e = 0; e < u->exponent; e++)
			scale *= 10;
		/* Defaults: the spec's 0.50 - 10,000.00. */
		if (u->min_minor < 0)
			u->min_minor = scale / 2 > 0 ? scale / 2 : 1;
		if (u->max_minor < 0)
			u->max_minor = 10000 * scale;
		if (u->min_minor > u->max_minor)
			return fail(p, "currency %s: min above max", u->code);
	}
	{
		char buf[128], *s, *save = NULL;

		cc_strlcpy(buf, c->rates_currencies, sizeof(buf));
		for (s = strtok_r(buf, " ", &save); s != NULL;
		    s = strtok_r(NULL, " ", &save))
			if (config_currency(c, s) == NULL)
				return fail(p, "[rates] currencies: %s has no "
				    "[currency %s] section", s, s);
	}
	for (i = 0; i < c->nnetworks; i++) {
		struct cc_network *n = &c->networks[i];

		if (n->kind == ADDRESS__MAX)
			return fail(p, "network %s: kind is required", n->name);
		if (n->confirmations < 0)
			n->confirmations = n->kind == ADDRESS_TRON ? 19 : 12;
		/* Never a way to move value on a live network. */
		if (n->simulate_from[0] != '\0' && (!n->test ||
		    n->kind != ADDRESS_EVM))
			return fail(p, "network %s: simulate_from is for test "
			    "networks of kind evm only", n->name);
		for (j = 0; j < n->nassets; j++) {
			struct cc_asset *a = &n->assets[j];

			if (a->decimals < 0)
				return fail(p, "asset %s %s: decimals is "
				    "required", n->name, a->symbol);
			if (!a->native && a->contract[0] == '\0')
				return fail(p, "asset %s %s: contract or "
				    "native = true is required", n->name,
				    a->symbol);
		}
	}
	return 0;
}

int
config_load(const char *path, struct cc_config *cfg, char *err,
    size_t errlen)
{
	FILE *f;
	int rc;

	f = fopen(path, "r");
	if (f == NULL) {
		memset(cfg, 0, sizeof(*cfg));
		snprintf(err, errlen, "cannot open config %s: %s", path,
		    strerror(errno));
		return -1;
	}
	rc = config_read(f, path, cfg, err, errlen);
	fclose(f);
	return rc;
}

int
config_read(FILE *f, const char *path, struct cc_config *cfg, char *err,
    size_t errlen)
{
	struct parser p;
	char line[1024];
	int rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	cfg->webhook_max_retries = -1;	/* 0 is a valid choice */
	ratelimit_settings_default(&cfg->ratelimit);
	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	p.path = path;
	p.err = err;
	p.errlen = errlen;
	cc_strlcpy(cfg->path, path, sizeof(cfg->path));
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s, *eq;

		p.line++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			fail(&p, "line too long");
			goto out;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *e = strchr(s, ']');

			if (e == NULL || e[1] != '\0') {
				fail(&p, "malformed section header");
				goto out;
			}
			*e = '\0';
			if (section(&p, trim(s + 1)) == -1)
				goto out;
			continue;
		}
		eq = strchr(s, '=');
		if (eq == NULL) {
			fail(&p, "expected key = value");
			goto out;
		}
		*eq = '\0';
		if (keyval(&p, trim(s), trim(eq + 1)) == -1)
			goto out;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "error reading %s", path);
		goto out;
	}
	rc = finish(&p);
out:
	return rc;
}

const struct cc_network *
config_network(const struct cc_config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nnetworks; i++)
		if (strcmp(c->networks[i].name, name) == 0)
			return &c->networks[i];
	return NULL;
}

const struct cc_asset *
config_asset(const struct cc_network *n, const char *symbol)
{
	size_t i;

	for (i = 0; i < n->nassets; i++)
		if (strcmp(n->assets[i].symbol, symbol) == 0)
			return &n->assets[i];
	return NULL;
}

static bool
word_in(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ' ' || p[-1] == ',') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == ','))
			return true;
		p += n;
	}
	return false;
}

const struct cc_network *
config_default_network(const struct cc_config *c, const char *symbol,
    bool test)
{
	size_t i;

	for (i = 0; i < c->nnetworks; i++) {
		const struct cc_network *n = &c->networks[i];

		if (n->test == test && word_in(n->default_for, symbol) &&
		    config_asset(n, symbol) != NULL)
			return n;
	}
	return NULL;
}

const struct cc_currency *
config_currency(const struct cc_config *c, const char *code)
{
	size_t i;

	for (i = 0; i < c->ncurrencies; i++)
		if (strcmp(c->currencies[i].code, code) == 0)
			return &c->currencies[i];
	return NULL;
}

bool
config_known_crypto(const struct cc_config *c, const char *symbol)
{
	size_t i;

	for (i = 0; i < c->nnetworks; i++)
		if (config_asset(&c->networks[i], symbol) != NULL)
			return true;
	return false;
}
