/*
 * cc-admin: the administrator's tool for migrations, merchants, API keys,
 * wallets, exchange rates and webhook deliveries. Every command has
 * --help; --json (anywhere on the line) prints one JSON value on stdout;
 * failures exit non-zero with a message on stderr.
 */
#include "cc.h"

#include <errno.h>
#include <stdarg.h>

#include "address.h"
#include "apikey.h"
#include "bip32.h"
#include "config.h"
#include "db.h"
#include "ids.h"
#include "jsonx.h"
#include "log.h"
#include "migrate.h"
#include "money.h"
#include "rates.h"
#include "util.h"

#define MAX_OPTS 32

struct opts {
	const char	*names[MAX_OPTS];
	const char	*vals[MAX_OPTS];
	size_t		 n;
	const char	*pos[MAX_OPTS];
	size_t		 npos;
	bool		 help;
};

static bool		 json_out;
static struct cc_config	 cfg;
static struct db	*db;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fputs("cc-admin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static const char *
opt(const struct opts *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (strcmp(o->names[i], name) == 0)
			return o->vals[i];
	return NULL;
}

static const char *
need(const struct opts *o, const char *name, const char *usage)
{
	const char *v = opt(o, name);

	if (v == NULL || *v == '\0')
		die("--%s is required\nusage: %s", name, usage);
	return v;
}

/* Options are "--name value"; "--help" and positionals are kept apart. */
static void
parse_opts(int argc, char **argv, const char *const *allowed,
    struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		size_t j;
		bool ok = false;

		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			o->help = true;
			continue;
		}
		if (strncmp(argv[i], "--", 2) != 0) {
			if (o->npos == MAX_OPTS)
				die("too many arguments");
			o->pos[o->npos++] = argv[i];
			continue;
		}
		for (j = 0; allowed[j] != NULL; j++)
			if (strcmp(argv[i] + 2, allowed[j]) == 0)
				ok = true;
		if (!ok)
			die("unknown option %s (see --help)", argv[i]);
		if (i + 1 >= argc)
			die("%s needs a value", argv[i]);
		if (o->n == MAX_OPTS)
			die("too many options");
		o->names[o->n] = argv[i] + 2;
		o->vals[o->n++] = argv[++i];
	}
}

static void
connect_db(void)
{
	char err[512];

	if (db != NULL)
		return;
	db = db_connect(cfg.database_url, err, sizeof(err));
	if (db == NULL)
		die("%s", err);
}

static PGresult *
query(const char *sql, int n, const char *const *p)
{
	PGresult *res;

	connect_db();
	res = db_query(db, sql, n, p);
	if (res == NULL)
		die("database error: %s", db_last_error(db));
	return res;
}

static void
print_json(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* Writes an audit row for an administrative change. */
static void
audit(const char *merchant, const char *event, json_object *details)
{
	static const char sql[] =
	    "INSERT INTO audit_log (id, merchant_id, event, actor, details) "
	    "VALUES ($1, $2, $3, 'admin:cc-admin', $4::jsonb)";
	char id[IDS_MAX_LEN];
	const char *p[4];

	ids_new("audit_", id, sizeof(id));
	p[0] = id;
	p[1] = merchant;
	p[2] = event;
	p[3] = details ? jsonx_text(details) : "{}";
	PQclear(query(sql, 4, p));
}

/* --- migrate ---------------------------------------------------------- */

static int
cmd_migrate(int argc, char **argv)
{
	static const char *const allowed[] = { "dir", NULL };
	static const char usage[] = "cc-admin migrate [--dir DIR]\n"
	    "Applies the pending SQL migrations (default dir "
	    MIGRATE_DEFAULT_DIR "), each in a transaction.";
	struct opts o;
	const char *dir;
	char err[1024];
	int n;

	parse_opts(argc, argv, allowed, &o);
	if (o.help) {
		puts(usage);
		return 0;
	}
	dir = opt(&o, "dir") ? opt(&o, "dir") : MIGRATE_DEFAULT_DIR;
	connect_db();
	n = migrate_run(db, dir, !json_out, err, sizeof(err));
	if (n < 0)
		die("%s", err);
	if (json_out) {
		json_object *r = json_object_new_object();

		jsonx_add(r, "applied", json_object_new_int(n));
		print_json(r);
		json_object_put(r);
	} else
		printf("%d migration(s) applied\n", n);
	return 0;
}

/* --- merchant --------------------------------------------------------- */

static int
cmd_merchant(int argc, char **argv)
{
	static const char *const allowed[] = { "name", NULL };
	static const char usage[] =
	    "cc-admin merchant create --name NAME\n"
	    "cc-admin merchant list";
	struct opts o;

	parse_opts(argc, argv, allowed, &o);
	if (o.help || o.npos != 1) {
		puts(usage);
		return o.help ? 0 : 2;
	}
	if (strcmp(o.pos[0], "create") == 0) {
		static const char sql[] = "INSERT INTO merchants (id, name) "
		    "VALUES ($1, $2) RETURNING cc_ts(created_at)";
		const char *name = need(&o, "name", usage);
		char id[IDS_MAX_LEN];
		const char *p[2] = { id, name };
		json_object *r, *d;
		PGresult *res;

		if (strlen(name) > 200 || !jsonx_utf8_clean(name,
		    strlen(name), false))
			die("--name must be 1-200 characters of text");
		ids_new("mer_", id, sizeof(id));
		res = query(sql, 2, p);
		r = json_object_new_object();
		jsonx_add_str(r, "id", id);
		jsonx_add_str(r, "name", name);
		jsonx_add_str(r, "created_at", PQgetvalue(res, 0, 0));
		PQclear(res);
		d = json_object_new_object();
		jsonx_add_str(d, "name", name);
		audit(id, "merchant.created", d);
		json_object_put(d);
		if (json_out)
			print_json(r);
		else
			printf("%s\t%s\n", id, name);
		json_object_put(r);
		return 0;
	}
	if (strcmp(o.pos[0], "list") == 0) {
		static const char sql[] = "SELECT id, name, cc_ts(created_at) "
		    "FROM merchants ORDER BY created_at, id";
		PGresult *res = query(sql, 0, NULL);
		json_object *arr = json_object_new_array();
		int i;

		for (i = 0; i < PQntuples(res); i++) {
			json_object *r = json_object_new_object();

			jsonx_add_str(r, "id", PQgetvalue(res, i, 0));
			jsonx_add_str(r, "name", PQgetvalue(res, i, 1));
			jsonx_add_str(r, "created_at", PQgetvalue(res, i, 2));
			json_object_array_add(arr, r);
			if (!json_out)
				printf("%s\t%s\t%s\n", PQgetvalue(res, i, 0),
				    PQgetvalue(res, i, 2),
				    PQgetvalue(res, i, 1));
		}
		if (json_out)
			print_json(arr);
		json_object_put(arr);
		PQclear(res);
		return 0;
	}
	die("unknown merchant command '%s'\nusage: %s", o.pos[0], usage);
}

static void
require_merchant(const char *id)
{
	static const char sql[] = "SELECT 1 FROM merchants WHERE id = $1";
	const char *p[1] = { id };
	PGresult *res = query(sql, 1, p);
	int n = PQntuples(res);

	PQclear(res);
	if (n != 1)
		die("no such merchant: %s", id);
}

/* --- key -------------------------------------------------------------- */

static json_object *
scopes_json(unsigned scopes)
{
	const char *names[16];
	json_object *arr = json_object_new_array();
	int n, i;

	n = scope_names(scopes, names, CC_ARRAY_SIZE(names));
	for (i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(names[i]));
	return arr;
}

static int
key_create(const struct opts *o, const char *usage)
{
	static const char sql[] =
	    "INSERT INTO api_keys (id, merchant_id, mode, prefix, suffix, "
	    "secret_hash, scopes) VALUES ($1, $2, $3, $4, $5, $6::bytea, "
	    "$7::text[]) RETURNING cc_ts(created_at)";
	const char *merchant = need(o, "merchant", usage);
	const char *type_name = need(o, "type", usage);
	enum apikey_type type;
	unsigned scopes = 0, allowed;
	char id[IDS_MAX_LEN], secret[APIKEY_MAX_SECRET], masked[64];
	char hex[2 + 65], arr[512];
	uint8_t hash[32];
	const char *names[16], *p[7];
	json_object *r;
	PGresult *res;
	size_t i;
	int n, k;

	if (apikey_type_from_name(type_name, &type) == -1)
		die("--type must be live, test, invoices or analytics");
	allowed = apikey_type_scopes(type);
	for (i = 0; i < o->n; i++) {
		unsigned bit;

		if (strcmp(o->names[i], "scope") != 0)
			continue;
		if (scope_from_name(o->vals[i], &bit) == -1)
			die("unknown scope '%s' (invoices:create, "
			    "invoices:read, invoices:cancel, invoices:refund, "
			    "analytics:read, webhooks:manage, *)", o->vals[i]);
		if ((bit & allowed) != bit)
			die("a %s key cannot carry scope %s", type_name,
			    o->vals[i]);
		scopes |= bit;
	}
	if (scopes == 0)
		scopes = allowed;
	require_merchant(merchant);
	apikey_generate(type, secret, sizeof(secret));
	apikey_hash(secret, hash);
	hex[0] = '\\';
	hex[1] = 'x';
	hex_encode(hash, sizeof(hash), hex + 2);
	n = scope_names(scopes, names, CC_ARRAY_SIZE(names));
	cc_strlcpy(arr, "{", sizeof(arr));
	for (k = 0; k < n; k++) {
		size_t len = strlen(arr);

		snprintf(arr + len, sizeof(arr) - len, "%s\"%s\"",
		    k ? "," : "", names[k]);
	}
	cc_strlcpy(arr + strlen(arr), "}", sizeof(arr) - strlen(arr));
	ids_new("key_", id, sizeof(id));
	p[0] = id;
	p[1] = merchant;
	p[2] = apikey_type_test(type) ? "test" : "live";
	p[3] = apikey_prefix(type);
	p[4] = secret + strlen(secret) - 3;
	p[5] = hex;
	p[6] = arr;
	res = query(sql, 7, p);
	apikey_mask(apikey_prefix(type), p[4], masked, sizeof(masked));
	r = json_object_new_object();
	jsonx_add_str(r, "id", id);
	jsonx_add_str(r, "merchant_id", merchant);
	jsonx_add_str(r, "type", type_name);
	jsonx_add_str(r, "mode", p[2]);
	jsonx_add(r, "scopes", scopes_json(scopes));
	jsonx_add_str(r, "secret", secret);
	jsonx_add_str(r, "masked", masked);
	jsonx_add_str(r, "created_at", PQgetvalue(res, 0, 0));
	PQclear(res);
	{
		json_object *d = json_object_new_object();

		jsonx_add_str(d, "key_id", id);
		jsonx_add_str(d, "key", masked);
		audit(merchant, "api_key.created", d);
		json_object_put(d);
	}
	if (json_out)
		print_json(r);
	else
		printf("%s\t%s\n(the secret is shown only now; store it "
		    "safely)\n", id, secret);
	json_object_put(r);
	return 0;
}

static int
key_list(const struct opts *o)
{
	static const char sql[] =
	    "SELECT id, merchant_id, mode, prefix, suffix, "
	    "array_to_string(scopes, ' '), cc_ts(created_at), "
	    "cc_ts(revoked_at) FROM api_keys "
	    "WHERE $1::text IS NULL OR merchant_id = $1 "
	    "ORDER BY created_at, id";
	const char *p[1] = { opt(o, "merchant") };
	PGresult *res = query(sql, 1, p);
	json_object *arr = json_object_new_array();
	int i;

	for (i = 0; i < PQntuples(res); i++) {
		json_object *r = json_object_new_object(), *sc;
		char masked[64], tmp[256], *tok, *save = NULL;

		apikey_mask(PQgetvalue(res, i, 3), PQgetvalue(res, i, 4),
		    masked, sizeof(masked));
		jsonx_add_str(r, "id", PQgetvalue(res, i, 0));
		jsonx_add_str(r, "merchant_id", PQgetvalue(res, i, 1));
		jsonx_add_str(r, "mode", PQgetvalue(res, i, 2));
		jsonx_add_str(r, "key", masked);
		sc = json_object_new_array();
		cc_strlcpy(tmp, PQgetvalue(res, i, 5), sizeof(tmp));
		for (tok = strtok_r(tmp, " ", &save); tok != NULL;
		    tok = strtok_r(NULL, " ", &save))
			json_object_array_add(sc, json_object_new_string(tok));
		jsonx_add(r, "scopes", sc);
		jsonx_add_str(r, "created_at", PQgetvalue(res, i, 6));
		jsonx_add_str(r, "revoked_at", db_get(res, i, 7));
		json_object_array_add(arr, r);
		if (!json_out)
			printf("%s\t%s\t%s\t%s\t%s%s\n",
			    PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
			    masked, PQgetvalue(res, i, 5),
			    PQgetvalue(res, i, 6),
			    db_get(res, i, 7) ? "\trevoked" : "");
	}
	if (json_out)
		print_json(arr);
	json_object_put(arr);
	PQclear(res);
	return 0;
}

static int
key_revoke(const struct opts *o, const char *usage)
{
	static const char sql[] =
	    "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) "
	    "WHERE id = $1 RETURNING merchant_id, prefix, suffix, "
	    "cc_ts(revoked_at)";
	const char *p[1];
	json_object *r, *d;
	char masked[64];
	PGresult *res;

	if (o->npos != 2)
		die("usage: %s", usage);
	p[0] = o->pos[1];
	res = query(sql, 1, p);
	if (PQntuples(res) != 1)
		die("no such key: %s", p[0]);
	apikey_mask(PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2), masked,
	    sizeof(masked));
	r = json_object_new_object();
	jsonx_add_str(r, "id", p[0]);
	jsonx_add_str(r, "key", masked);
	jsonx_add_str(r, "revoked_at", PQgetvalue(res, 0, 3));
	d = json_object_new_object();
	jsonx_add_str(d, "key_id", p[0]);
	jsonx_add_str(d, "key", masked);
	audit(PQgetvalue(res, 0, 0), "api_key.revoked", d);
	json_object_put(d);
	PQclear(res);
	if (json_out)
		print_json(r);
	else
		printf("revoked %s (%s)\n", p[0], masked);
	json_object_put(r);
	return 0;
}

static int
cmd_key(int argc, char **argv)
{
	static const char *const allowed[] = { "merchant", "type", "scope",
	    NULL };
	static const char usage[] =
	    "cc-admin key create --merchant ID --type live|test|invoices|"
	    "analytics [--scope SCOPE]...\n"
	    "cc-admin key list [--merchant ID]\n"
	    "cc-admin key revoke KEY_ID\n"
	    "Scopes: invoices:create invoices:read invoices:cancel "
	    "invoices:refund\n        analytics:read webhooks:manage * "
	    "(default: all the type allows)";
	struct opts o;

	parse_opts(argc, argv, allowed, &o);
	if (o.help || o.npos < 1) {
		puts(usage);
		return o.help ? 0 : 2;
	}
	if (strcmp(o.pos[0], "create") == 0)
		return key_create(&o, usage);
	if (strcmp(o.pos[0], "list") == 0)
		return key_list(&o);
	if (strcmp(o.pos[0], "revoke") == 0)
		return key_revoke(&o, usage);
	die("unknown key command '%s'\nusage: %s", o.pos[0], usage);
}

/* --- wallet ----------------------------------------------------------- */

static int
wallet_add(const struct opts *o, const char *usage)
{
	static const char sql[] =
	    "SELECT cc_wallet_add($1, $2, $3, $4)";
	const char *merchant = need(o, "merchant", usage);
	const char *network = need(o, "network", usage);
	const char *xpub = need(o, "xpub", usage);
	const struct cc_network *net;
	struct bip32_pub key;
	enum bip32_err be;
	char id[IDS_MAX_LEN], first[ADDRESS_MAX_LEN], fp[24], canon[128];
	const char *p[4];
	json_object *r, *d;
	PGresult *res;

	net = config_network(&cfg, network);
	if (net == NULL)
		die("unknown network '%s' (configured in %s)", network,
		    cfg.path);
	be = bip32_parse(xpub, &key);
	if (be != BIP32_OK)
		die("--xpub: %s", bip32_strerror(be));
	if (address_derive(net->kind, &key, 0, first, sizeof(first)) == -1)
		die("--xpub: cannot derive addresses from this key");
	/* One spelling per key (a tpub is stored as the same xpub), so that
	 * the database can refuse a key used twice on a network. */
	key.version = BIP32_VERSION_XPUB;
	if (bip32_serialize(&key, canon, sizeof(canon)) != BIP32_OK)
		die("--xpub: cannot serialize the key");
	xpub = canon;
	require_merchant(merchant);
	ids_new("wal_", id, sizeof(id));
	p[0] = id;
	p[1] = merchant;
	p[2] = network;
	p[3] = xpub;
	connect_db();
	res = db_query(db, sql, 4, p);
	if (res == NULL) {
		if (strcmp(db_last_sqlstate(db), "23505") != 0)
			die("database error: %s", db_last_error(db));
		if (strstr(db_last_error(db), "wallets_network_xpub") != NULL)
			die("this key already belongs to a wallet on %s: each "
			    "wallet needs its own account key", network);
		die("merchant %s already has a wallet on %s", merchant,
		    network);
	}
	PQclear(res);
	/* Only a fingerprint of the key goes to the audit log. */
	snprintf(fp, sizeof(fp), "%.8s...%s", xpub, xpub + strlen(xpub) - 4);
	r = json_object_new_object();
	jsonx_add_str(r, "id", id);
	jsonx_add_str(r, "merchant_id", merchant);
	jsonx_add_str(r, "network", network);
	jsonx_add_str(r, "xpub", fp);
	jsonx_add_str(r, "derivation", "xpub/0/i");
	jsonx_add_str(r, "first_address", first);
	d = json_object_new_object();
	jsonx_add_str(d, "wallet_id", id);
	jsonx_add_str(d, "network", network);
	jsonx_add_str(d, "xpub", fp);
	audit(merchant, "wallet.added", d);
	json_object_put(d);
	if (json_out)
		print_json(r);
	else
		printf("%s\t%s\tfirst address %s (xpub/0/0)\n", id, network,
		    first);
	json_object_put(r);
	return 0;
}

static int
wallet_list(const struct opts *o)
{
	static const char sql[] =
	    "SELECT id, merchant_id, network, xpub, cc_ts(created_at) "
	    "FROM wallets WHERE $1::text IS NULL OR merchant_id = $1 "
	    "ORDER BY created_at, id";
	const char *p[1] = { opt(o, "merchant") };
	PGresult *res = query(sql, 1, p);
	json_object *arr = json_object_new_array();
	int i;

	for (i = 0; i < PQntuples(res); i++) {
		json_object *r = json_object_new_object();
		const char *x = PQgetvalue(res, i, 3);
		char fp[24];

		snprintf(fp, sizeof(fp), "%.8s...%s", x, x + strlen(x) - 4);
		jsonx_add_str(r, "id", PQgetvalue(res, i, 0));
		jsonx_add_str(r, "merchant_id", PQgetvalue(res, i, 1));
		jsonx_add_str(r, "network", PQgetvalue(res, i, 2));
		jsonx_add_str(r, "xpub", fp);
		jsonx_add_str(r, "created_at", PQgetvalue(res, i, 4));
		json_object_array_add(arr, r);
		if (!json_out)
			printf("%s\t%s\t%s\t%s\n", PQgetvalue(res, i, 0),
			    PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), fp);
	}
	if (json_out)
		print_json(arr);
	json_object_put(arr);
	PQclear(res);
	return 0;
}

static int
cmd_wallet(int argc, char **argv)
{
	static const char *const allowed[] = { "merchant", "network", "xpub",
	    NULL };
	static const char usage[] =
	    "cc-admin wallet add --merchant ID --network NETWORK --xpub XPUB\n"
	    "cc-admin wallet list [--merchant ID]\n"
	    "XPUB is an extended public key (xpub... or tpub...) at account "
	    "level;\ninvoice addresses derive from XPUB/0/i.";
	struct opts o;

	parse_opts(argc, argv, allowed, &o);
	if (o.help || o.npos != 1) {
		puts(usage);
		return o.help ? 0 : 2;
	}
	if (strcmp(o.pos[0], "add") == 0)
		return wallet_add(&o, usage);
	if (strcmp(o.pos[0], "list") == 0)
		return wallet_list(&o);
	die("unknown wallet command '%s'\nusage: %s", o.pos[0], usage);
}

/* --- rate ------------------------------------------------------------- */

static int
cmd_rate(int argc, char **argv)
{
	static const char *const allowed[] = { "crypto", "currency", "rate",
	    "source", NULL };
	static const char usage[] =
	    "cc-admin rate set --crypto SYMBOL --currency CODE --rate DECIMAL "
	    "[--source NAME]\n"
	    "cc-admin rate list\n"
	    "RATE is the price of one whole crypto unit in CODE (ETH/USD "
	    "3000.50).";
	struct opts o;

	parse_opts(argc, argv, allowed, &o);
	if (o.help || o.npos != 1) {
		puts(usage);
		return o.help ? 0 : 2;
	}
	if (strcmp(o.pos[0], "set") == 0) {
		const char *crypto = need(&o, "crypto", usage);
		const char *cur = need(&o, "currency", usage);
		const char *rate = need(&o, "rate", usage);
		const char *src = opt(&o, "source") ? opt(&o, "source") :
		    "manual";
		struct money_dec d;
		enum money_err me;
		json_object *r;

		if (!config_known_crypto(&cfg, crypto))
			die("--crypto: %s is not an asset of any configured "
			    "network", crypto);
		if (money_currency_exponent(cur) < 0)
			die("--currency: %s is not an ISO 4217 code", cur);
		me = money_parse_dec(rate, RATES_MAX_SCALE, &d);
		if (me != MONEY_OK)
			die("--rate: %s", money_strerror(me));
		if (d.mant == 0)
			die("--rate must be greater than zero");
		if (strlen(src) > 64)
			die("--source is too long");
		connect_db();
		if (rates_set(db, crypto, cur, rate, src) == -1)
			die("database error: %s", db_last_error(db));
		r = json_object_new_object();
		jsonx_add_str(r, "crypto", crypto);
		jsonx_add_str(r, "currency", cur);
		jsonx_add(r, "rate", jsonx_decimal(rate));
		jsonx_add_str(r, "source", src);
		if (json_out)
			print_json(r);
		else
			printf("%s/%s = %s (%s)\n", crypto, cur, rate, src);
		json_object_put(r);
		return 0;
	}
	if (strcmp(o.pos[0], "list") == 0) {
		static const char sql[] = "SELECT crypto, currency, "
		    "rate::text, source, cc_ts(updated_at) FROM rates "
		    "ORDER BY crypto, currency";
		PGresult *res = query(sql, 0, NULL);
		json_object *arr = json_object_new_array();
		int i;

		for (i = 0; i < PQntuples(res); i++) {
			json_object *r = json_object_new_object();

			jsonx_add_str(r, "crypto", PQgetvalue(res, i, 0));
			jsonx_add_str(r, "currency", PQgetvalue(res, i, 1));
			jsonx_add(r, "rate", jsonx_decimal(PQgetvalue(res, i,
			    2)));
			jsonx_add_str(r, "source", PQgetvalue(res, i, 3));
			jsonx_add_str(r, "updated_at", PQgetvalue(res, i, 4));
			json_object_array_add(arr, r);
			if (!json_out)
				printf("%s/%s\t%s\t%s\t%s\n",
				    PQgetvalue(res, i, 0),
				    PQgetvalue(res, i, 1),
				    PQgetvalue(res, i, 2),
				    PQgetvalue(res, i, 3),
				    PQgetvalue(res, i, 4));
		}
		if (json_out)
			print_json(arr);
		json_object_put(arr);
		PQclear(res);
		return 0;
	}
	die("unknown rate command '%s'\nusage: %s", o.pos[0], usage);
}

/* --- webhook ---------------------------------------------------------- */

/* "a,b,c" as a JSON array of strings. */
static json_object *
split_list(const char *text)
{
	json_object *arr = json_object_new_array();
	char *copy = xstrdup(text), *s, *save = NULL;

	for (s = strtok_r(copy, ",", &save); s != NULL;
	    s = strtok_r(NULL, ",", &save))
		json_object_array_add(arr, json_object_new_string(s));
	free(copy);
	return arr;
}

static int
webhook_endpoints(const struct opts *o)
{
	static const char sql[] =
	    "SELECT id, merchant_id, mode, url, array_to_string(events, ','), "
	    "enabled, cc_ts(created_at), cc_ts(deleted_at) "
	    "FROM webhook_endpoints WHERE ($1::text IS NULL OR "
	    "merchant_id = $1) ORDER BY merchant_id, created_at";
	const char *p[1] = { opt(o, "merchant") };
	PGresult *res = query(sql, 1, p);
	json_object *arr = json_object_new_array();
	int i;

	for (i = 0; i < PQntuples(res); i++) {
		json_object *r = json_object_new_object();
		bool on = PQgetvalue(res, i, 5)[0] == 't';

		jsonx_add_str(r, "id", PQgetvalue(res, i, 0));
		jsonx_add_str(r, "merchant_id", PQgetvalue(res, i, 1));
		jsonx_add_str(r, "mode", PQgetvalue(res, i, 2));
		jsonx_add_str(r, "url", PQgetvalue(res, i, 3));
		jsonx_add(r, "events", split_list(PQgetvalue(res, i, 4)));
		jsonx_add(r, "enabled", json_object_new_boolean(on));
		jsonx_add_str(r, "created_at", PQgetvalue(res, i, 6));
		jsonx_add_str(r, "deleted_at", db_get(res, i, 7));
		json_object_array_add(arr, r);
		if (!json_out)
			printf("%s\t%s\t%s\t%s\t%s\t%s\n",
			    PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
			    PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
			    PQgetvalue(res, i, 4), !PQgetisnull(res, i, 7) ?
			    "deleted" : on ? "enabled" : "disabled");
	}
	if (json_out)
		print_json(arr);
	json_object_put(arr);
	PQclear(res);
	return 0;
}

static int
webhook_deliveries(const struct opts *o, const char *usage)
{
	static const char sql[] =
	    "SELECT d.id, d.merchant_id, ev.type, coalesce(ep.url, d.url), "
	    "d.status, d.attempts, d.response_code, d.last_error, "
	    "cc_ts(d.created_at), cc_ts(d.next_attempt_at), d.invoice_id "
	    "FROM webhook_deliveries d JOIN events ev ON ev.seq = d.event_seq "
	    "LEFT JOIN webhook_endpoints ep ON ep.id = d.endpoint_id "
	    "WHERE ($1::text IS NULL OR d.merchant_id = $1) "
	    "AND ($2::text IS NULL OR d.status = $2) "
	    "ORDER BY d.created_at DESC, d.id DESC LIMIT $3::int";
	const char *status = opt(o, "status"), *limit = opt(o, "limit");
	const char *p[3];
	json_object *arr;
	PGresult *res;
	char *end;
	long n = 50;
	int i;

	if (status != NULL && strcmp(status, "pending") != 0 &&
	    strcmp(status, "delivered") != 0 &&
	    strcmp(status, "failed") != 0 && strcmp(status, "cancelled") != 0)
		die("--status must be pending, delivered, failed or "
		    "cancelled\nusage: %s", usage);
	if (limit != NULL) {
		errno = 0;
		n = strtol(limit, &end, 10);
		if (errno != 0 || *end != '\0' || n < 1 || n > 10000)
			die("--limit must be 1..10000");
	}
	p[0] = opt(o, "merchant");
	p[1] = status;
	p[2] = limit != NULL ? limit : "50";
	res = query(sql, 3, p);
	arr = json_object_new_array();
	for (i = 0; i < PQntuples(res); i++) {
		json_object *r = json_object_new_object();

		jsonx_add_str(r, "id", PQgetvalue(res, i, 0));
		jsonx_add_str(r, "merchant_id", PQgetvalue(res, i, 1));
		jsonx_add_str(r, "invoice_id", db_get(res, i, 10));
		jsonx_add_str(r, "event", PQgetvalue(res, i, 2));
		jsonx_add_str(r, "url", PQgetvalue(res, i, 3));
		jsonx_add_str(r, "status", PQgetvalue(res, i, 4));
		jsonx_add(r, "attempts", json_object_new_int((int)strtol(
		    PQgetvalue(res, i, 5), NULL, 10)));
		jsonx_add(r, "response_code", PQgetisnull(res, i, 6) ? NULL :
		    json_object_new_int((int)strtol(PQgetvalue(res, i, 6),
		    NULL, 10)));
		jsonx_add_str(r, "last_error", db_get(res, i, 7));
		jsonx_add_str(r, "created_at", PQgetvalue(res, i, 8));
		jsonx_add_str(r, "next_attempt_at", strcmp(PQgetvalue(res, i,
		    4), "pending") == 0 ? PQgetvalue(res, i, 9) : NULL);
		json_object_array_add(arr, r);
		if (!json_out)
			printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			    PQgetvalue(res, i, 0), PQgetvalue(res, i, 8),
			    PQgetvalue(res, i, 2), PQgetvalue(res, i, 4),
			    PQgetvalue(res, i, 5), PQgetvalue(res, i, 3),
			    db_get(res, i, 7) ? db_get(res, i, 7) : "");
	}
	if (json_out)
		print_json(arr);
	json_object_put(arr);
	PQclear(res);
	return 0;
}

/*
 * Sends a failed or cancelled delivery once more, now. Its retries are
 * spent, so a failure marks it failed again at once.
 */
static int
webhook_retry(const char *id)
{
	static const char sql[] =
	    "UPDATE webhook_deliveries d SET status = 'pending', "
	    "next_attempt_at = now(), leased_until = NULL, failed_at = NULL "
	    "WHERE d.id = $1 AND d.status IN ('failed', 'cancelled') "
	    "AND NOT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE "
	    "e.id = d.endpoint_id AND (e.deleted_at IS NOT NULL OR "
	    "NOT e.enabled)) RETURNING merchant_id";
	static const char state_sql[] =
	    "SELECT status FROM webhook_deliveries WHERE id = $1";
	const char *p[1] = { id };
	json_object *d, *r;
	PGresult *res;

	if (!ids_valid("whd_", id))
		die("%s is not a delivery id (whd_...)", id);
	res = query(sql, 1, p);
	if (PQntuples(res) != 1) {
		PQclear(res);
		res = query(state_sql, 1, p);
		if (PQntuples(res) == 0)
			die("no delivery %s", id);
		die("delivery %s is %s%s", id, PQgetvalue(res, 0, 0),
		    strcmp(PQgetvalue(res, 0, 0), "failed") == 0 ||
		    strcmp(PQgetvalue(res, 0, 0), "cancelled") == 0 ?
		    ", and its endpoint is disabled or deleted" :
		    "; only failed or cancelled ones are sent again");
	}
	d = json_object_new_object();
	jsonx_add_str(d, "delivery_id", id);
	audit(PQgetvalue(res, 0, 0), "webhook_delivery.retried", d);
	json_object_put(d);
	PQclear(res);
	r = json_object_new_object();
	jsonx_add_str(r, "id", id);
	jsonx_add_str(r, "status", "pending");
	if (json_out)
		print_json(r);
	else
		printf("%s queued; cc-webhooks sends it on its next pass\n",
		    id);
	json_object_put(r);
	return 0;
}

/* What an operator looks at first: the queue's depth and age. */
static int
webhook_summary(void)
{
	static const char sql[] =
	    "SELECT count(*) FILTER (WHERE status = 'pending'), "
	    "count(*) FILTER (WHERE status = 'pending' AND "
	    "next_attempt_at <= now()), "
	    "coalesce(extract(epoch FROM now() - min(next_attempt_at) "
	    "FILTER (WHERE status = 'pending' AND next_attempt_at <= now()))"
	    "::bigint, 0), "
	    "count(*) FILTER (WHERE status = 'failed' AND failed_at > "
	    "now() - interval '24 hours'), "
	    "count(*) FILTER (WHERE status = 'delivered' AND delivered_at > "
	    "now() - interval '24 hours') "
	    "FROM webhook_deliveries WHERE status = 'pending' OR "
	    "created_at > now() - interval '7 days'";
	static const char *const names[] = { "pending", "due",
	    "oldest_due_seconds", "failed_24h", "delivered_24h" };
	PGresult *res = query(sql, 0, NULL);
	json_object *r = json_object_new_object();
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(names); i++) {
		jsonx_add(r, names[i], json_object_new_int64(strtoll(
		    PQgetvalue(res, 0, (int)i), NULL, 10)));
		if (!json_out)
			printf("%-20s %s\n", names[i],
			    PQgetvalue(res, 0, (int)i));
	}
	if (json_out)
		print_json(r);
	json_object_put(r);
	PQclear(res);
	return 0;
}

static int
cmd_webhook(int argc, char **argv)
{
	static const char *const allowed[] = { "merchant", "status", "limit",
	    NULL };
	static const char usage[] =
	    "cc-admin webhook endpoints [--merchant ID]\n"
	    "cc-admin webhook deliveries [--merchant ID] "
	    "[--status pending|delivered|failed|cancelled] [--limit N]\n"
	    "cc-admin webhook retry whd_...\n"
	    "cc-admin webhook summary\n"
	    "endpoints lists endpoints (never their secrets); deliveries the "
	    "newest 50 (or N);\nretry sends a failed or cancelled delivery "
	    "once more; summary shows the queue:\npending, due now, the "
	    "oldest due delivery's wait, and the last day's outcomes.";
	struct opts o;

	parse_opts(argc, argv, allowed, &o);
	if (o.help || o.npos < 1) {
		puts(usage);
		return o.help ? 0 : 2;
	}
	if (strcmp(o.pos[0], "endpoints") == 0 && o.npos == 1)
		return webhook_endpoints(&o);
	if (strcmp(o.pos[0], "deliveries") == 0 && o.npos == 1)
		return webhook_deliveries(&o, usage);
	if (strcmp(o.pos[0], "retry") == 0 && o.npos == 2)
		return webhook_retry(o.pos[1]);
	if (strcmp(o.pos[0], "summary") == 0 && o.npos == 1)
		return webhook_summary();
	die("unknown webhook command\nusage: %s", usage);
}

/* --- network ---------------------------------------------------------- */

static int
cmd_network(int argc, char **argv)
{
	static const char *const allowed[] = { NULL };
	static const char usage[] = "cc-admin network list\n"
	    "Shows the networks and assets of the configuration.";
	json_object *arr;
	struct opts o;
	size_t i, j;

	parse_opts(argc, argv, allowed, &o);
	if (o.help || o.npos != 1 || strcmp(o.pos[0], "list") != 0) {
		puts(usage);
		return o.help ? 0 : 2;
	}
	arr = json_object_new_array();
	for (i = 0; i < cfg.nnetworks; i++) {
		const struct cc_network *n = &cfg.networks[i];
		json_object *r = json_object_new_object(), *as;

		jsonx_add_str(r, "name", n->name);
		jsonx_add_str(r, "kind", address_kind_name(n->kind));
		jsonx_add(r, "chain_id", json_object_new_int64(
		    (int64_t)n->chain_id));
		jsonx_add_str(r, "mode", n->test ? "test" : "live");
		jsonx_add(r, "confirmations",
		    json_object_new_int(n->confirmations));
		as = json_object_new_array();
		for (j = 0; j < n->nassets; j++) {
			json_object *a = json_object_new_object();

			jsonx_add_str(a, "symbol", n->assets[j].symbol);
			jsonx_add(a, "decimals",
			    json_object_new_int(n->assets[j].decimals));
			jsonx_add_str(a, "contract", n->assets[j].native ?
			    NULL : n->assets[j].contract);
			json_object_array_add(as, a);
			if (!json_out)
				printf("%s\t%s\t%s\t%s\t%d\t%s\n", n->name,
				    address_kind_name(n->kind),
				    n->test ? "test" : "live",
				    n->assets[j].symbol,
				    n->assets[j].decimals,
				    n->assets[j].native ? "native" :
				    n->assets[j].contract);
		}
		jsonx_add(r, "assets", as);
		json_object_array_add(arr, r);
	}
	if (json_out)
		print_json(arr);
	json_object_put(arr);
	return 0;
}

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*help;
} commands[] = {
	{ "migrate", cmd_migrate, "apply pending database migrations" },
	{ "merchant", cmd_merchant, "create and list merchants" },
	{ "key", cmd_key, "create, list and revoke API keys" },
	{ "wallet", cmd_wallet, "add and list extended public keys" },
	{ "rate", cmd_rate, "set and list exchange rates" },
	{ "network", cmd_network, "show configured networks and assets" },
	{ "webhook", cmd_webhook, "inspect endpoints and deliveries, retry" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: cc-admin [--config FILE] [--json] COMMAND ...\n\n"
	    "Config: --config FILE, else $CC_CONF, else "
	    CONFIG_DEFAULT_PATH ".\n--json prints one JSON value on "
	    "stdout. Every command has --help.\n\nCommands:\n");
	for (i = 0; i < CC_ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
		    commands[i].help);
}

int
main(int argc, char **argv)
{
	char *args[256], err[512];
	const char *path;
	int n = 0, i, rc;
	size_t c;

	log_set_program("cc-admin");
	log_set_level(LOG_LVL_WARN);
	path = config_path(argc, argv);
	/* Global flags are accepted anywhere on the line. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json_out = true;
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			i++;
		else if (strncmp(argv[i], "--config=", 9) == 0)
			continue;
		else if (n < (int)CC_ARRAY_SIZE(args))
			args[n++] = argv[i];
		else
			die("too many arguments");
	}
	if (n == 0 || strcmp(args[0], "--help") == 0 ||
	    strcmp(args[0], "help") == 0) {
		usage(n == 0 ? stderr : stdout);
		return n == 0 ? 2 : 0;
	}
	for (c = 0; c < CC_ARRAY_SIZE(commands); c++)
		if (strcmp(args[0], commands[c].name) == 0)
			break;
	if (c == CC_ARRAY_SIZE(commands)) {
		fprintf(stderr, "cc-admin: unknown command '%s'\n", args[0]);
		usage(stderr);
		return 2;
	}
	/* --help must work without a config file. */
	for (i = 1; i < n; i++)
		if (strcmp(args[i], "--help") == 0 ||
		    strcmp(args[i], "-h") == 0)
			return commands[c].fn(n - 1, args + 1);
	if (config_load(path, &cfg, err, sizeof(err)) == -1)
		die("%s", err);
	rc = commands[c].fn(n - 1, args + 1);
	db_free(db);
	return rc;
}
