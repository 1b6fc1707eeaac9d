/*
 * cc-admin: the administrator's tool for migrations, merchants, API keys,
 * wallets, exchange rates, webhook deliveries, per-merchant rate limits,
 * analytics and the secrets of API tokens. Every command has
 * --help; --json (anywhere on the line) prints one JSON value on stdout;
 * failures exit non-zero with a message on stderr.
 *
 * Each sub-command declares the options it takes (kind, bounds from
 * cc_limits.h, choices) as lib/input fields; input_pairs checks them all
 * before the command runs, so the table holds the checks and their
 * wording.
 *
 * This file parses arguments, calls lib/ and prints: the SQL lives in the
 * modules (merchant, apikey, wallet, rates, whadmin, migrate, rloverride,
 * analytics; the keys file is jwtkeys'), and what
 * cc-admin prints of an error is the module's own message, never the
 * database's text.
 */
#include "cc.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>

#include "address.h"
#include "analytics.h"
#include "apikey.h"
#include "audit.h"
#include "bip32.h"
#include "config.h"
#include "db.h"
#include "ids.h"
#include "input.h"
#include "jsonx.h"
#include "jwtkeys.h"
#include "log.h"
#include "merchant.h"
#include "migrate.h"
#include "money.h"
#include "ratelimit.h"
#include "rates.h"
#include "refund.h"
#include "rloverride.h"
#include "util.h"
#include "wallet.h"
#include "whadmin.h"

#define MAX_OPTS	32
#define MAX_FIELDS	8	/* options one sub-command declares */

/* The command line: names keep their dashes ("--limit"). */
struct opts {
	const char	*names[MAX_OPTS];
	const char	*vals[MAX_OPTS];
	size_t		 n;
	const char	*pos[MAX_OPTS];
	size_t		 npos;
	bool		 help;
};

/*
 * One word after the command ("key create"), or the command itself when
 * name is NULL ("migrate"): its handler (given the options' checked
 * values, by their index in fields), the rest of its usage line, the
 * options it takes, those whose bad value is followed by the usage line
 * (a bit per index) and how many words follow it.
 */
struct subcmd {
	const char			*name;
	int				(*fn)(const struct opts *,
					    const struct input_value *);
	const char			*usage;
	const struct input_field	*fields;
	size_t				 nfields;
	unsigned			 usage_after;
	size_t				 args;
};

struct cmd {
	const char		*name;
	const char		*help;	/* its cc-admin --help line */
	const struct subcmd	*subs;
	size_t			 nsubs;
	const char		*notes;	/* after the usage lines */
};

static const struct audit_actor admin = { AUDIT_ACTOR_ADMIN, NULL, NULL,
    NULL };

static bool		 json_out;
static struct cc_config	 cfg;
static struct db	*db;
static struct buf	 usage_text;	/* the running command's usage */

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

/* The value of an optional option, or NULL. */
static const char *
given(const struct input_value *v)
{
	return v->given ? v->str : NULL;
}

/*
 * Options are "--name value" (the name kept whole); "--help" and
 * positionals are kept apart.
 */
static void
parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
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
		if (i + 1 >= argc)
			die("%s needs a value", argv[i]);
		if (o->n == MAX_OPTS)
			die("too many options");
		o->names[o->n] = argv[i];
		o->vals[o->n++] = argv[++i];
	}
}

/*
 * Checks the options against the sub-command's declared fields, filling
 * v, or dies with the table's message (and the usage line after a
 * missing option, or one the sub-command marks).
 */
static void
check_opts(const struct opts *o, const struct subcmd *s,
    struct input_value *v)
{
	struct input_error e;
	size_t i;

	memset(&e, 0, sizeof(e));
	if (input_pairs(o->names, o->vals, o->n, s->fields, s->nfields, v,
	    &e) == 0)
		return;
	if (strcmp(e.code, "UNKNOWN_FIELD") == 0)
		die("unknown option%s%s (see --help)", e.field[0] ? " " : "",
		    e.field);
	for (i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i].name, e.field) == 0)
			break;
	if (strcmp(e.code, "MISSING_FIELD") == 0 ||
	    (i < s->nfields && (s->usage_after & (1U << i)) != 0))
		die("%s\nusage: %s", e.message, usage_text.data);
	die("%s", e.message);
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

static void
print_json(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/*
 * Ends a command: its result as JSON under --json (the text form was
 * printed as it went).
 */
static int
done(json_object *o)
{
	if (json_out)
		print_json(o);
	json_object_put(o);
	return 0;
}

/* A merchant's id, as given; the module says when there is none. */
#define MERCHANT_OPT(required)						\
	{ "--merchant", INPUT_STRING, required, 1, IDS_MAX_LEN - 1,	\
	    NULL, NULL, NULL }

/* The listings' filter. */
enum { F_MERCHANT, F__MAX };
static const struct input_field merchant_filter[F__MAX] = {
	[F_MERCHANT] = MERCHANT_OPT(false),
};

/* --- migrate ---------------------------------------------------------- */

enum { MG_DIR, MG__MAX };
static const struct input_field migrate_opts[MG__MAX] = {
	[MG_DIR] = { "--dir", INPUT_STRING, false, 1, PATH_MAX, NULL, NULL,
	    NULL },
};

static int
cmd_migrate(const struct opts *o, const struct input_value *v)
{
	const char *dir;
	char err[1024];
	json_object *r;
	int n;

	(void)o;
	dir = v[MG_DIR].given ? v[MG_DIR].str : MIGRATE_DEFAULT_DIR;
	connect_db();
	n = migrate_run(db, dir, !json_out, err, sizeof(err));
	if (n < 0)
		die("%s", err);
	r = json_object_new_object();
	jsonx_add(r, "applied", json_object_new_int(n));
	if (!json_out)
		printf("%d migration(s) applied\n", n);
	return done(r);
}

/* --- merchant --------------------------------------------------------- */

enum { MC_NAME, MC__MAX };
static const struct input_field merchant_create_opts[MC__MAX] = {
	[MC_NAME] = { "--name", INPUT_STRING, true, 1, CC_MAX_MERCHANT_NAME,
	    NULL, NULL, NULL },
};

static int
cmd_merchant_create(const struct opts *o, const struct input_value *v)
{
	const char *name = v[MC_NAME].str;
	struct merchant_new m;
	enum merchant_err e;
	json_object *r;

	(void)o;
	connect_db();
	e = merchant_create(db, &admin, name, &m);
	if (e != MERCHANT_OK)
		die("%s", merchant_strerror(e));
	r = json_object_new_object();
	jsonx_add_str(r, "id", m.id);
	jsonx_add_str(r, "name", name);
	jsonx_add_str(r, "created_at", m.created_at);
	if (!json_out)
		printf("%s\t%s\n", m.id, name);
	return done(r);
}

static void
merchant_row(const struct merchant *m, void *arg)
{
	json_object *r = json_object_new_object();

	jsonx_add_str(r, "id", m->id);
	jsonx_add_str(r, "name", m->name);
	jsonx_add_str(r, "created_at", m->created_at);
	json_object_array_add(arg, r);
	if (!json_out)
		printf("%s\t%s\t%s\n", m->id, m->created_at, m->name);
}

static int
cmd_merchant_list(const struct opts *o, const struct input_value *v)
{
	json_object *arr = json_object_new_array();
	enum merchant_err e;

	(void)o;
	(void)v;
	connect_db();
	e = merchant_list(db, merchant_row, arr);
	if (e != MERCHANT_OK)
		die("%s", merchant_strerror(e));
	return done(arr);
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

static bool
scope_ok(const char *s)
{
	unsigned bit;

	return scope_from_name(s, &bit) == 0;
}

enum { KC_MERCHANT, KC_TYPE, KC_SCOPE, KC__MAX };
static const struct input_field key_create_opts[KC__MAX] = {
	[KC_MERCHANT] = MERCHANT_OPT(true),
	[KC_TYPE] = { "--type", INPUT_CHOICE, true, 0, 0, apikey_type_names,
	    NULL, NULL },
	/* Repeatable; what the type allows is the command's to say. */
	[KC_SCOPE] = { "--scope", INPUT_ARRAY, false, 0, MAX_OPTS, NULL,
	    scope_ok, "invoices:create, invoices:read, invoices:cancel, "
	    "invoices:refund, analytics:read, webhooks:manage or *" },
};

/* The scopes of every --scope, each one the type may carry. */
static unsigned
parse_scopes(const struct opts *o, enum apikey_type type,
    const char *type_name)
{
	unsigned scopes = 0, allowed = apikey_type_scopes(type), bit;
	size_t i;

	for (i = 0; i < o->n; i++) {
		if (strcmp(o->names[i], key_create_opts[KC_SCOPE].name) != 0)
			continue;
		if (scope_from_name(o->vals[i], &bit) == -1)
			die("unknown scope '%s'", o->vals[i]);
		if ((bit & allowed) != bit)
			die("a %s key cannot carry scope %s", type_name,
			    o->vals[i]);
		scopes |= bit;
	}
	return scopes != 0 ? scopes : allowed;
}

static int
cmd_key_create(const struct opts *o, const struct input_value *v)
{
	const char *merchant = v[KC_MERCHANT].str;
	const char *type_name = v[KC_TYPE].str;
	enum apikey_type type = (enum apikey_type)v[KC_TYPE].choice;
	struct apikey_new k;
	enum apikey_err e;
	unsigned scopes;
	json_object *r;

	scopes = parse_scopes(o, type, type_name);
	connect_db();
	e = apikey_create(db, &admin, merchant, type, scopes, &k);
	if (e == APIKEY_ENOMERCHANT)
		die("%s: %s", apikey_strerror(e), merchant);
	if (e != APIKEY_OK)
		die("%s", apikey_strerror(e));
	r = json_object_new_object();
	jsonx_add_str(r, "id", k.id);
	jsonx_add_str(r, "merchant_id", merchant);
	jsonx_add_str(r, "type", type_name);
	jsonx_add_str(r, "mode", apikey_type_test(type) ? "test" : "live");
	jsonx_add(r, "scopes", scopes_json(scopes));
	jsonx_add_str(r, "secret", k.secret);
	jsonx_add_str(r, "masked", k.masked);
	jsonx_add_str(r, "created_at", k.created_at);
	if (!json_out)
		printf("%s\t%s\n(the secret is shown only now; store it "
		    "safely)\n", k.id, k.secret);
	return done(r);
}

static void
key_row(const struct apikey_row *k, void *arg)
{
	json_object *r = json_object_new_object();
	const char *names[16];
	int n, i;

	jsonx_add_str(r, "id", k->id);
	jsonx_add_str(r, "merchant_id", k->merchant_id);
	jsonx_add_str(r, "mode", k->mode);
	jsonx_add_str(r, "key", k->masked);
	jsonx_add(r, "scopes", scopes_json(k->scopes));
	jsonx_add_str(r, "created_at", k->created_at);
	jsonx_add_str(r, "revoked_at", k->revoked_at);
	json_object_array_add(arg, r);
	if (json_out)
		return;
	printf("%s\t%s\t%s\t", k->id, k->merchant_id, k->masked);
	n = scope_names(k->scopes, names, CC_ARRAY_SIZE(names));
	for (i = 0; i < n; i++)
		printf("%s%s", i ? " " : "", names[i]);
	printf("\t%s%s\n", k->created_at, k->revoked_at ? "\trevoked" : "");
}

static int
cmd_key_list(const struct opts *o, const struct input_value *v)
{
	json_object *arr = json_object_new_array();
	enum apikey_err e;

	(void)o;
	connect_db();
	e = apikey_list(db, given(&v[F_MERCHANT]), key_row, arr);
	if (e != APIKEY_OK)
		die("%s", apikey_strerror(e));
	return done(arr);
}

static int
cmd_key_revoke(const struct opts *o, const struct input_value *v)
{
	const char *id = o->pos[1];
	struct apikey_revoked k;
	enum apikey_err e;
	json_object *r;

	(void)v;
	connect_db();
	e = apikey_revoke(db, &admin, id, &k);
	if (e == APIKEY_ENOTFOUND)
		die("%s: %s", apikey_strerror(e), id);
	if (e != APIKEY_OK)
		die("%s", apikey_strerror(e));
	r = json_object_new_object();
	jsonx_add_str(r, "id", id);
	jsonx_add_str(r, "key", k.masked);
	jsonx_add_str(r, "revoked_at", k.revoked_at);
	if (!json_out)
		printf("revoked %s (%s)\n", id, k.masked);
	return done(r);
}

/* --- wallet ----------------------------------------------------------- */

enum { WA_MERCHANT, WA_NETWORK, WA_XPUB, WA__MAX };
static const struct input_field wallet_add_opts[WA__MAX] = {
	[WA_MERCHANT] = MERCHANT_OPT(true),
	/* Which networks exist is the configuration's to say. */
	[WA_NETWORK] = { "--network", INPUT_STRING, true, 1, CONFIG_MAX_NAME,
	    NULL, NULL, NULL },
	[WA_XPUB] = { "--xpub", INPUT_STRING, true, 1, BIP32_XPUB_STRLEN - 1,
	    NULL, NULL, NULL },
};

static int
cmd_wallet_add(const struct opts *o, const struct input_value *v)
{
	const char *merchant = v[WA_MERCHANT].str;
	const char *network = v[WA_NETWORK].str;
	const char *xpub = v[WA_XPUB].str;
	const struct cc_network *net;
	struct wallet_new w;
	enum wallet_err e;
	enum bip32_err why;
	json_object *r;

	(void)o;
	net = config_network(&cfg, network);
	if (net == NULL)
		die("unknown network '%s' (configured in %s)", network,
		    cfg.path);
	connect_db();
	e = wallet_add(db, &admin, merchant, net, xpub, &w, &why);
	switch (e) {
	case WALLET_OK:
		break;
	case WALLET_EKEY:
		die("--xpub: %s", bip32_strerror(why));
	case WALLET_EDERIVE:
		die("--xpub: %s", wallet_strerror(e));
	case WALLET_ENOMERCHANT:
		die("%s: %s", wallet_strerror(e), merchant);
	case WALLET_EHAS_WALLET:
	case WALLET_EKEY_TAKEN:
		die("%s (merchant %s, network %s)", wallet_strerror(e),
		    merchant, network);
	default:
		die("%s", wallet_strerror(e));
	}
	r = json_object_new_object();
	jsonx_add_str(r, "id", w.id);
	jsonx_add_str(r, "merchant_id", merchant);
	jsonx_add_str(r, "network", network);
	jsonx_add_str(r, "xpub", w.fingerprint);
	jsonx_add_str(r, "derivation", "xpub/0/i");
	jsonx_add_str(r, "first_address", w.first_address);
	if (!json_out)
		printf("%s\t%s\tfirst address %s (xpub/0/0)\n", w.id, network,
		    w.first_address);
	return done(r);
}

static void
wallet_row(const struct wallet_row *w, void *arg)
{
	json_object *r = json_object_new_object();

	jsonx_add_str(r, "id", w->id);
	jsonx_add_str(r, "merchant_id", w->merchant_id);
	jsonx_add_str(r, "network", w->network);
	jsonx_add_str(r, "xpub", w->fingerprint);
	jsonx_add_str(r, "created_at", w->created_at);
	json_object_array_add(arg, r);
	if (!json_out)
		printf("%s\t%s\t%s\t%s\n", w->id, w->merchant_id, w->network,
		    w->fingerprint);
}

static int
cmd_wallet_list(const struct opts *o, const struct input_value *v)
{
	json_object *arr = json_object_new_array();
	enum wallet_err e;

	(void)o;
	connect_db();
	e = wallet_list(db, given(&v[F_MERCHANT]), wallet_row, arr);
	if (e != WALLET_OK)
		die("%s", wallet_strerror(e));
	return done(arr);
}

/* --- rate ------------------------------------------------------------- */

static bool
crypto_ok(const char *s)
{
	return config_known_crypto(&cfg, s);
}

static bool
currency_ok(const char *s)
{
	return money_currency_exponent(s) >= 0;
}

enum { RS_CRYPTO, RS_CURRENCY, RS_RATE, RS__MAX };
static const struct input_field rate_set_opts[RS__MAX] = {
	[RS_CRYPTO] = { "--crypto", INPUT_CHECK, true, 0, 0, NULL, crypto_ok,
	    "an asset of a configured network" },
	[RS_CURRENCY] = { "--currency", INPUT_CHECK, true, 0, 0, NULL,
	    currency_ok, "an ISO 4217 currency code" },
	/* Digits and a point; money_parse_dec says what else is wrong. */
	[RS_RATE] = { "--rate", INPUT_STRING, true, 1,
	    CC_MAX_DECIMAL_DIGITS + 1, NULL, NULL, NULL },
};

/* A manual rate: the admin's, served until changed or deleted. */
static int
cmd_rate_set(const struct opts *o, const struct input_value *v)
{
	const char *crypto = v[RS_CRYPTO].str;
	const char *cur = v[RS_CURRENCY].str;
	const char *rate = v[RS_RATE].str;
	struct money_dec d;
	enum money_err me;
	json_object *r;

	(void)o;
	me = money_parse_dec(rate, RATES_MAX_SCALE, &d);
	if (me != MONEY_OK)
		die("--rate: %s", money_strerror(me));
	if (d.mant == 0)
		die("--rate must be greater than zero");
	connect_db();
	if (rates_set(db, crypto, cur, rate) == -1)
		die("database error");
	r = json_object_new_object();
	jsonx_add_str(r, "crypto", crypto);
	jsonx_add_str(r, "currency", cur);
	jsonx_add(r, "rate", jsonx_decimal(rate));
	jsonx_add_str(r, "source", RATES_MANUAL);
	if (!json_out)
		printf("%s/%s = %s (%s)\n", crypto, cur, rate, RATES_MANUAL);
	return done(r);
}

enum { RD_CRYPTO, RD_CURRENCY, RD__MAX };
static const struct input_field rate_delete_opts[RD__MAX] = {
	[RD_CRYPTO] = { "--crypto", INPUT_CHECK, true, 0, 0, NULL, crypto_ok,
	    "an asset of a configured network" },
	[RD_CURRENCY] = { "--currency", INPUT_CHECK, true, 0, 0, NULL,
	    currency_ok, "an ISO 4217 currency code" },
};

/* Hands a pair back to cc-rates (or to no rate at all). */
static int
cmd_rate_delete(const struct opts *o, const struct input_value *v)
{
	const char *crypto = v[RD_CRYPTO].str;
	const char *cur = v[RD_CURRENCY].str;
	json_object *r;
	int k;

	(void)o;
	connect_db();
	k = rates_delete(db, crypto, cur);
	if (k == -1)
		die("database error");
	if (k == 1)
		die("no rate is stored for %s/%s", crypto, cur);
	r = json_object_new_object();
	jsonx_add_str(r, "crypto", crypto);
	jsonx_add_str(r, "currency", cur);
	jsonx_add(r, "deleted", json_object_new_boolean(1));
	if (!json_out)
		printf("%s/%s deleted\n", crypto, cur);
	return done(r);
}

/*
 * Whether new invoices may use a row: manual rows always, the feeds'
 * while no older than [rates] max_age (rates_resolve's rule).
 */
static bool
rate_usable(const struct rates_row *x)
{
	return strcmp(x->source, RATES_MANUAL) == 0 ||
	    x->age <= cfg.rates_max_age;
}

static void
rate_row(const struct rates_row *x, void *arg)
{
	json_object *r = json_object_new_object();

	jsonx_add_str(r, "crypto", x->crypto);
	jsonx_add_str(r, "currency", x->currency);
	jsonx_add(r, "rate", jsonx_decimal(x->rate));
	jsonx_add_str(r, "source", x->source);
	jsonx_add_str(r, "updated_at", x->updated_at);
	jsonx_add(r, "age_seconds", json_object_new_int64(x->age));
	jsonx_add(r, "usable", json_object_new_boolean(rate_usable(x)));
	json_object_array_add(arg, r);
	if (!json_out)
		printf("%s/%s\t%s\t%s\t%s\t%llds%s\n", x->crypto,
		    x->currency, x->rate, x->source, x->updated_at,
		    (long long)x->age, rate_usable(x) ? "" :
		    "\tstale: new invoices refuse it");
}

static int
cmd_rate_list(const struct opts *o, const struct input_value *v)
{
	json_object *arr = json_object_new_array();

	(void)o;
	(void)v;
	connect_db();
	if (rates_list(db, rate_row, arr) == -1)
		die("database error");
	return done(arr);
}

enum { RH_CRYPTO, RH_CURRENCY, RH_LIMIT, RH__MAX };
static const struct input_field rate_history_opts[RH__MAX] = {
	[RH_CRYPTO] = { "--crypto", INPUT_CHECK, false, 0, 0, NULL, crypto_ok,
	    "an asset of a configured network" },
	[RH_CURRENCY] = { "--currency", INPUT_CHECK, false, 0, 0, NULL,
	    currency_ok, "an ISO 4217 currency code" },
	[RH_LIMIT] = { "--limit", INPUT_INT, false, 1, CC_MAX_ADMIN_LIST,
	    NULL, NULL, NULL },
};

static void
quote_row(const struct rates_quote *q, void *arg)
{
	json_object *r = json_object_new_object();

	jsonx_add_str(r, "crypto", q->crypto);
	jsonx_add_str(r, "currency", q->currency);
	jsonx_add_str(r, "source", q->source);
	jsonx_add(r, "rate", q->rate != NULL ? jsonx_decimal(q->rate) : NULL);
	jsonx_add_str(r, "fetched_at", q->fetched_at);
	jsonx_add(r, "accepted", json_object_new_boolean(q->accepted));
	jsonx_add(r, "reason", jsonx_str_or_null(q->reason));
	json_object_array_add(arg, r);
	if (!json_out)
		printf("%s\t%s/%s\t%s\t%s\t%s%s%s\n", q->fetched_at,
		    q->crypto, q->currency, q->source, q->rate != NULL ?
		    q->rate : "-", q->accepted ? "accepted" : "refused",
		    q->reason != NULL ? ": " : "", q->reason != NULL ?
		    q->reason : "");
}

static int
cmd_rate_history(const struct opts *o, const struct input_value *v)
{
	json_object *arr = json_object_new_array();

	(void)o;
	connect_db();
	if (rates_history(db, given(&v[RH_CRYPTO]), given(&v[RH_CURRENCY]),
	    v[RH_LIMIT].given ? (int)v[RH_LIMIT].num : CC_DEFAULT_ADMIN_LIST,
	    quote_row, arr) == -1)
		die("database error");
	return done(arr);
}

/* --- webhook ---------------------------------------------------------- */

static void
endpoint_row(const struct whadmin_endpoint *e, void *arg)
{
	json_object *r = json_object_new_object(), *ev;
	size_t i;

	jsonx_add_str(r, "id", e->id);
	jsonx_add_str(r, "merchant_id", e->merchant_id);
	jsonx_add_str(r, "mode", e->mode);
	jsonx_add_str(r, "url", e->url);
	ev = json_object_new_array();
	for (i = 0; i < e->nevents; i++)
		json_object_array_add(ev, json_object_new_string(
		    e->events[i]));
	jsonx_add(r, "events", ev);
	jsonx_add(r, "enabled", json_object_new_boolean(e->enabled));
	jsonx_add_str(r, "created_at", e->created_at);
	jsonx_add_str(r, "deleted_at", e->deleted_at);
	json_object_array_add(arg, r);
	if (json_out)
		return;
	printf("%s\t%s\t%s\t%s\t", e->id, e->merchant_id, e->mode, e->url);
	for (i = 0; i < e->nevents; i++)
		printf("%s%s", i ? "," : "", e->events[i]);
	printf("\t%s\n", e->deleted_at != NULL ? "deleted" : e->enabled ?
	    "enabled" : "disabled");
}

static int
cmd_webhook_endpoints(const struct opts *o, const struct input_value *v)
{
	json_object *arr = json_object_new_array();
	enum whadmin_err e;

	(void)o;
	connect_db();
	e = whadmin_endpoints(db, given(&v[F_MERCHANT]), endpoint_row, arr);
	if (e != WHADMIN_OK)
		die("%s", whadmin_strerror(e));
	return done(arr);
}

static void
delivery_row(const struct whadmin_delivery *d, void *arg)
{
	json_object *r = json_object_new_object();

	jsonx_add_str(r, "id", d->id);
	jsonx_add_str(r, "merchant_id", d->merchant_id);
	jsonx_add_str(r, "invoice_id", d->invoice_id);
	jsonx_add_str(r, "event", d->event);
	jsonx_add_str(r, "url", d->url);
	jsonx_add_str(r, "status", d->status);
	jsonx_add(r, "attempts", json_object_new_int(d->attempts));
	jsonx_add(r, "response_code", d->has_response_code ?
	    json_object_new_int(d->response_code) : NULL);
	jsonx_add_str(r, "last_error", d->last_error);
	jsonx_add_str(r, "created_at", d->created_at);
	jsonx_add_str(r, "next_attempt_at", d->next_attempt_at);
	json_object_array_add(arg, r);
	if (!json_out)
		printf("%s\t%s\t%s\t%s\t%d\t%s\t%s\n", d->id, d->created_at,
		    d->event, d->status, d->attempts, d->url,
		    d->last_error ? d->last_error : "");
}

enum { WD_MERCHANT, WD_STATUS, WD_LIMIT, WD__MAX };
static const struct input_field webhook_deliveries_opts[WD__MAX] = {
	[WD_MERCHANT] = MERCHANT_OPT(false),
	[WD_STATUS] = { "--status", INPUT_CHOICE, false, 0, 0,
	    whadmin_statuses, NULL, NULL },
	[WD_LIMIT] = { "--limit", INPUT_INT, false, 1, CC_MAX_ADMIN_LIST,
	    NULL, NULL, NULL },
};

static int
cmd_webhook_deliveries(const struct opts *o, const struct input_value *v)
{
	struct whadmin_filter f;
	json_object *arr;
	enum whadmin_err e;

	(void)o;
	f.merchant_id = given(&v[WD_MERCHANT]);
	f.status = given(&v[WD_STATUS]);
	f.limit = v[WD_LIMIT].given ? (int)v[WD_LIMIT].num :
	    CC_DEFAULT_ADMIN_LIST;
	connect_db();
	arr = json_object_new_array();
	e = whadmin_deliveries(db, &f, delivery_row, arr);
	if (e != WHADMIN_OK)
		die("%s", whadmin_strerror(e));
	return done(arr);
}

static int
cmd_webhook_retry(const struct opts *o, const struct input_value *v)
{
	const char *id = o->pos[1];
	enum whadmin_err e;
	char status[16];
	json_object *r;

	(void)v;
	connect_db();
	e = whadmin_retry(db, &admin, id, status, sizeof(status));
	switch (e) {
	case WHADMIN_OK:
		break;
	case WHADMIN_EBADID:
		die("%s is %s", id, whadmin_strerror(e));
	case WHADMIN_ENOTFOUND:
		die("%s: %s", whadmin_strerror(e), id);
	case WHADMIN_EENDPOINT:
		die("delivery %s is %s, and %s", id, status,
		    whadmin_strerror(e));
	case WHADMIN_ENOTFINAL:
		die("delivery %s is %s; %s", id, status, whadmin_strerror(e));
	default:
		die("%s", whadmin_strerror(e));
	}
	r = json_object_new_object();
	jsonx_add_str(r, "id", id);
	jsonx_add_str(r, "status", "pending");
	if (!json_out)
		printf("%s queued; cc-webhooks sends it on its next pass\n",
		    id);
	return done(r);
}

/* What an operator looks at first: the queue's depth and age. */
static int
cmd_webhook_summary(const struct opts *o, const struct input_value *v)
{
	struct whadmin_summary s;
	enum whadmin_err e;
	json_object *r;
	int i;

	(void)o;
	(void)v;
	connect_db();
	e = whadmin_summary(db, &s);
	if (e != WHADMIN_OK)
		die("%s", whadmin_strerror(e));
	r = json_object_new_object();
	for (i = 0; i < WHADMIN_STAT__MAX; i++) {
		jsonx_add(r, whadmin_stat_name(i),
		    json_object_new_int64(s.v[i]));
		if (!json_out)
			printf("%-20s %lld\n", whadmin_stat_name(i),
			    (long long)s.v[i]);
	}
	return done(r);
}

/* --- network ---------------------------------------------------------- */

static int
cmd_network_list(const struct opts *o, const struct input_value *v)
{
	json_object *arr = json_object_new_array();
	size_t i, j;

	(void)o;
	(void)v;
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
			const struct cc_asset *a = &n->assets[j];
			json_object *x = json_object_new_object();

			jsonx_add_str(x, "symbol", a->symbol);
			jsonx_add(x, "decimals",
			    json_object_new_int(a->decimals));
			jsonx_add_str(x, "contract", a->native ? NULL :
			    a->contract);
			json_object_array_add(as, x);
			if (!json_out)
				printf("%s\t%s\t%s\t%s\t%d\t%s\n", n->name,
				    address_kind_name(n->kind),
				    n->test ? "test" : "live", a->symbol,
				    a->decimals, a->native ? "native" :
				    a->contract);
		}
		jsonx_add(r, "assets", as);
		json_object_array_add(arr, r);
	}
	return done(arr);
}

/* --- analytics -------------------------------------------------------- */

static const char *const mode_names[] = { "live", "test", NULL };

enum { AN_MERCHANT, AN_MODE, AN_PERIOD, AN_GROUP, AN_TIMEZONE, AN_CURRENCY,
    AN__MAX };
static const struct input_field analytics_opts[AN__MAX] = {
	[AN_MERCHANT] = MERCHANT_OPT(true),
	[AN_MODE] = { "--mode", INPUT_CHOICE, false, 0, 0, mode_names, NULL,
	    NULL, NULL },
	[AN_PERIOD] = { "--period", INPUT_CHOICE, false, 0, 0,
	    analytics_period_names, NULL, NULL, NULL },
	[AN_GROUP] = { "--group-by", INPUT_CHOICE, false, 0, 0,
	    analytics_group_names, NULL, NULL, NULL },
	[AN_TIMEZONE] = { "--timezone", INPUT_CHECK, false, 0, 0, NULL,
	    analytics_timezone_syntax_ok, "an IANA time zone name such as "
	    "Europe/Berlin", NULL },
	[AN_CURRENCY] = { "--currency", INPUT_CHECK, false, 0, 0, NULL,
	    analytics_currency_syntax_ok, "an upper-case ISO 4217 code",
	    NULL },
};

/* The API's answer (GET /api/v1/analytics), for any merchant and mode. */
static int
cmd_analytics(const struct opts *o, const struct input_value *v)
{
	const char *merchant = v[AN_MERCHANT].str;
	const char *mode = v[AN_MODE].given ? v[AN_MODE].str : "live";
	struct analytics_params p;
	struct input_error e;
	enum analytics_result rc;
	enum merchant_err me;
	json_object *out = NULL, *con, *list;
	struct buf why;
	size_t i;

	(void)o;
	memset(&e, 0, sizeof(e));
	if (analytics_params_set(&p, &cfg, given(&v[AN_PERIOD]),
	    given(&v[AN_GROUP]), given(&v[AN_TIMEZONE]),
	    given(&v[AN_CURRENCY]), "--group-by", "--currency", &e) == -1)
		die("%s", e.message);
	connect_db();
	me = merchant_exists(db, merchant);
	if (me == MERCHANT_ENOTFOUND)
		die("%s: %s", merchant_strerror(me), merchant);
	if (me != MERCHANT_OK)
		die("%s", merchant_strerror(me));
	rc = analytics_run(db, &cfg, merchant, mode, &p, "--timezone", 422,
	    "--currency", &out, &e);
	if (rc == ANALYTICS_INVALID) {
		/* The currencies found, when one must be chosen. */
		buf_init(&why, 0);
		buf_puts(&why, e.message);
		if (e.extra != NULL && json_object_object_get_ex(e.extra,
		    "constraints", &con) && json_object_object_get_ex(con,
		    "currencies", &list)) {
			buf_puts(&why, ":");
			for (i = 0; i < json_object_array_length(list); i++)
				buf_printf(&why, " %s", json_object_get_string(
				    json_object_array_get_idx(list, i)));
		}
		die("%s", why.data);
	}
	if (rc != ANALYTICS_OK)
		die("%s", analytics_strerror(rc));
	/* The same JSON with or without --json: it is the answer. */
	if (!json_out)
		print_json(out);
	return done(out);
}

/* --- jwt ------------------------------------------------------------- */

/* The keys file: --file, else [jwt] keys of the configuration. */
enum { JW_FILE, JW__MAX };
static const struct input_field jwt_opts[JW__MAX] = {
	[JW_FILE] = { "--file", INPUT_STRING, false, 1, PATH_MAX, NULL, NULL,
	    NULL },
};

static const char *
keys_file(const struct input_value *v)
{
	return v[JW_FILE].given ? v[JW_FILE].str : cfg.jwt_keys;
}

static int
cmd_jwt_rotate(const struct opts *o, const struct input_value *v)
{
	const char *path = keys_file(v);
	struct jwtkeys_rotation r;
	enum jwtkeys_err why;
	json_object *res, *arr;
	char err[512];
	size_t i;

	(void)o;
	if (jwtkeys_rotate(path, (int64_t)time(NULL), &r, &why, err,
	    sizeof(err)) == -1)
		die("%s", err);
	res = json_object_new_object();
	jsonx_add_str(res, "kid", r.kid);
	jsonx_add_str(res, "file", path);
	arr = json_object_new_array();
	for (i = 0; i < r.ndropped; i++)
		json_object_array_add(arr, json_object_new_string(
		    r.dropped[i]));
	jsonx_add(res, "dropped", arr);
	if (!json_out) {
		printf("%s\tsigns new tokens from now on (%s)\n", r.kid, path);
		for (i = 0; i < r.ndropped; i++)
			printf("%s\tdropped: replaced more than a day ago\n",
			    r.dropped[i]);
	}
	return done(res);
}

static int
cmd_jwt_list(const struct opts *o, const struct input_value *v)
{
	const char *path = keys_file(v);
	const struct jwt_key *sign;
	json_object *arr, *r;
	struct jwtkeys ks;
	char err[512], when[32];
	size_t i;

	(void)o;
	if (jwtkeys_load(path, &ks, NULL, err, sizeof(err)) == -1)
		die("%s%s", err, errno == ENOENT ? " (cc-admin jwt rotate "
		    "creates it)" : "");
	sign = jwtkeys_signing(&ks);
	arr = json_object_new_array();
	for (i = 0; i < ks.n; i++) {
		const char *role = &ks.keys[i] == sign ? "signing" :
		    "verifying";

		time_format_utc((time_t)ks.created[i], when, sizeof(when));
		r = json_object_new_object();
		jsonx_add_str(r, "kid", ks.keys[i].kid);
		jsonx_add_str(r, "created_at", when);
		jsonx_add_str(r, "role", role);
		json_object_array_add(arr, r);
		if (!json_out)
			printf("%s\t%s\t%s\n", ks.keys[i].kid, when, role);
	}
	explicit_bzero(&ks, sizeof(ks));
	return done(arr);
}

static int
cmd_jwt_retire(const struct opts *o, const struct input_value *v)
{
	const char *path = keys_file(v), *kid = o->pos[1];
	enum jwtkeys_err why;
	json_object *r;
	char err[512];

	if (jwtkeys_retire(path, kid, &why, err, sizeof(err)) == -1) {
		if (why == JWTKEYS_ENOTFOUND)
			die("%s: %s (in %s)", err, kid, path);
		die("%s", err);
	}
	r = json_object_new_object();
	jsonx_add_str(r, "kid", kid);
	jsonx_add_str(r, "file", path);
	if (!json_out)
		printf("retired %s: the tokens it signed are refused from now "
		    "on\n", kid);
	return done(r);
}

/* --- ratelimit ------------------------------------------------------- */

enum { RL_MERCHANT, RL_CLASS, RL_LIMIT, RL_WINDOW, RL__MAX };
static const struct input_field ratelimit_set_opts[RL__MAX] = {
	[RL_MERCHANT] = MERCHANT_OPT(true),
	[RL_CLASS] = { "--class", INPUT_CHOICE, true, 0, 0,
	    ratelimit_key_class_names, NULL, NULL },
	[RL_LIMIT] = { "--limit", INPUT_INT, true, 1, RATELIMIT_MAX_LIMIT,
	    NULL, NULL, NULL },
	[RL_WINDOW] = { "--window", INPUT_INT, true, 1, RATELIMIT_MAX_WINDOW,
	    NULL, NULL, NULL },
};

enum { RC_MERCHANT, RC_CLASS, RC__MAX };
static const struct input_field ratelimit_clear_opts[RC__MAX] = {
	[RC_MERCHANT] = MERCHANT_OPT(true),
	[RC_CLASS] = { "--class", INPUT_CHOICE, false, 0, 0,
	    ratelimit_key_class_names, NULL, NULL },
};

static enum ratelimit_class
class_opt(const struct input_value *v)
{
	enum ratelimit_class c = RATELIMIT_NONE;

	if (v->given &&
	    ratelimit_class_from_name(v->str, &c) == -1)
		die("unknown class %s", v->str);
	return c;
}

static int
cmd_ratelimit_set(const struct opts *o, const struct input_value *v)
{
	const char *merchant = v[RL_MERCHANT].str;
	struct ratelimit_rule rule;
	enum ratelimit_class c = class_opt(&v[RL_CLASS]);
	enum rloverride_err e;
	json_object *r;

	(void)o;
	rule.limit = (int)v[RL_LIMIT].num;
	rule.window = (int)v[RL_WINDOW].num;
	connect_db();
	e = rloverride_set(db, &admin, merchant, c, &rule);
	if (e == RLOVERRIDE_ENOMERCHANT)
		die("%s: %s", rloverride_strerror(e), merchant);
	if (e != RLOVERRIDE_OK)
		die("%s", rloverride_strerror(e));
	r = json_object_new_object();
	jsonx_add_str(r, "merchant_id", merchant);
	jsonx_add_str(r, "class", ratelimit_class_name(c));
	jsonx_add(r, "limit", json_object_new_int(rule.limit));
	jsonx_add(r, "window", json_object_new_int(rule.window));
	if (!json_out)
		printf("%s %s = %d/%d (each API key; running programs apply "
		    "it within [ratelimit] override_cache seconds)\n",
		    merchant, ratelimit_class_name(c), rule.limit,
		    rule.window);
	return done(r);
}

static void
override_row(const struct rloverride_row *x, void *arg)
{
	json_object *r = json_object_new_object();

	jsonx_add_str(r, "merchant_id", x->merchant_id);
	jsonx_add_str(r, "class", x->class_name);
	jsonx_add(r, "limit", json_object_new_int(x->rule.limit));
	jsonx_add(r, "window", json_object_new_int(x->rule.window));
	jsonx_add_str(r, "updated_at", x->updated_at);
	json_object_array_add(arg, r);
	if (!json_out)
		printf("%s\t%s\t%d/%d\t%s\n", x->merchant_id, x->class_name,
		    x->rule.limit, x->rule.window, x->updated_at);
}

static int
cmd_ratelimit_list(const struct opts *o, const struct input_value *v)
{
	json_object *arr = json_object_new_array();
	enum rloverride_err e;

	(void)o;
	connect_db();
	e = rloverride_list(db, given(&v[F_MERCHANT]), override_row, arr);
	if (e != RLOVERRIDE_OK)
		die("%s", rloverride_strerror(e));
	return done(arr);
}

static int
cmd_ratelimit_clear(const struct opts *o, const struct input_value *v)
{
	const char *merchant = v[RC_MERCHANT].str;
	enum ratelimit_class c = class_opt(&v[RC_CLASS]);
	enum rloverride_err e;
	json_object *r;
	int n;

	(void)o;
	connect_db();
	e = rloverride_clear(db, &admin, merchant, c, &n);
	if (e == RLOVERRIDE_ENOMERCHANT)
		die("%s: %s", rloverride_strerror(e), merchant);
	if (e != RLOVERRIDE_OK)
		die("%s", rloverride_strerror(e));
	r = json_object_new_object();
	jsonx_add_str(r, "merchant_id", merchant);
	jsonx_add_str(r, "class", c == RATELIMIT_NONE ? NULL :
	    ratelimit_class_name(c));
	jsonx_add(r, "cleared", json_object_new_int(n));
	if (!json_out)
		printf("%s: %d override%s cleared\n", merchant, n,
		    n == 1 ? "" : "s");
	return done(r);
}

/* --- the command table ------------------------------------------------ */

/* A sub-command's declared options: the table and how many. */
#define OPTS(a)		a, CC_ARRAY_SIZE(a)
#define NO_OPTS		NULL, 0

static const struct subcmd migrate_subs[] = {
	{ NULL, cmd_migrate, "[--dir DIR]", OPTS(migrate_opts), 0, 0 },
};

static const struct subcmd merchant_subs[] = {
	{ "create", cmd_merchant_create, "--name NAME",
	    OPTS(merchant_create_opts), 0, 0 },
	{ "list", cmd_merchant_list, "", NO_OPTS, 0, 0 },
};

static const struct subcmd key_subs[] = {
	{ "create", cmd_key_create, "--merchant ID --type live|test|invoices|"
	    "analytics [--scope SCOPE]...", OPTS(key_create_opts), 0, 0 },
	{ "list", cmd_key_list, "[--merchant ID]", OPTS(merchant_filter), 0,
	    0 },
	{ "revoke", cmd_key_revoke, "KEY_ID", NO_OPTS, 0, 1 },
};

static const struct subcmd wallet_subs[] = {
	{ "add", cmd_wallet_add, "--merchant ID --network NETWORK --xpub XPUB",
	    OPTS(wallet_add_opts), 0, 0 },
	{ "list", cmd_wallet_list, "[--merchant ID]", OPTS(merchant_filter),
	    0, 0 },
};

static const struct subcmd rate_subs[] = {
	{ "set", cmd_rate_set, "--crypto SYMBOL --currency CODE "
	    "--rate DECIMAL", OPTS(rate_set_opts), 0, 0 },
	{ "delete", cmd_rate_delete, "--crypto SYMBOL --currency CODE",
	    OPTS(rate_delete_opts), 0, 0 },
	{ "list", cmd_rate_list, "", NO_OPTS, 0, 0 },
	{ "history", cmd_rate_history, "[--crypto SYMBOL] [--currency CODE] "
	    "[--limit N]", OPTS(rate_history_opts), 0, 0 },
};

/* --- refunds --------------------------------------------------------- */

static const char *const refund_statuses[] = { "awaiting_destination",
    "pending", "completed", NULL };

enum { RF_STATUS, RF_LIMIT, RF__MAX };
static const struct input_field refund_list_opts[RF__MAX] = {
	[RF_STATUS] = { "--status", INPUT_CHOICE, false, 0, 0,
	    refund_statuses, NULL, NULL },
	[RF_LIMIT] = { "--limit", INPUT_INT, false, 1, CC_MAX_ADMIN_LIST,
	    NULL, NULL, NULL },
};

static const char *
member(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return "-";
	return json_object_get_string(v);
}

static int
cmd_refund_list(const struct opts *o, const struct input_value *v)
{
	json_object *arr, *r;
	size_t i, n;

	(void)o;
	connect_db();
	arr = refund_admin_list(db, given(&v[RF_STATUS]), v[RF_LIMIT].given ?
	    (int)v[RF_LIMIT].num : CC_DEFAULT_ADMIN_LIST);
	if (arr == NULL)
		die("cannot read refunds: %s", db_last_error(db));
	n = json_object_array_length(arr);
	for (i = 0; i < n && !json_out; i++) {
		r = json_object_array_get_idx(arr, i);
		printf("%s\t%s\t%s\t%s\t%s %s\t%s\t%s\n", member(r, "id"),
		    member(r, "created_at"), member(r, "invoice_id"),
		    member(r, "status"), member(r, "crypto_amount"),
		    member(r, "crypto_currency"), member(r, "destination"),
		    member(r, "tx_hash"));
	}
	return done(arr);
}

static int
cmd_refund_show(const struct opts *o, const struct input_value *v)
{
	const char *id = o->pos[1];
	json_object *r;
	int found;

	(void)v;
	if (!ids_valid("ref_", id))
		die("%s is not a refund id (ref_...)", id);
	connect_db();
	r = refund_admin_show(db, id, &found);
	if (!found)
		die("no such refund: %s", id);
	if (r == NULL)
		die("cannot read refund %s", id);
	if (!json_out)
		print_json(r);
	return done(r);
}

static const struct subcmd refund_subs[] = {
	{ "list", cmd_refund_list, "[--status awaiting_destination|pending|"
	    "completed] [--limit N]", OPTS(refund_list_opts),
	    1U << RF_STATUS, 0 },
	{ "show", cmd_refund_show, "ref_...", NO_OPTS, 0, 1 },
};

static const struct subcmd network_subs[] = {
	{ "list", cmd_network_list, "", NO_OPTS, 0, 0 },
};

static const struct subcmd webhook_subs[] = {
	{ "endpoints", cmd_webhook_endpoints, "[--merchant ID]",
	    OPTS(merchant_filter), 0, 0 },
	{ "deliveries", cmd_webhook_deliveries, "[--merchant ID] "
	    "[--status pending|delivered|failed|cancelled] [--limit N]",
	    OPTS(webhook_deliveries_opts), 1U << WD_STATUS, 0 },
	{ "retry", cmd_webhook_retry, "whd_...", NO_OPTS, 0, 1 },
	{ "summary", cmd_webhook_summary, "", NO_OPTS, 0, 0 },
};

static const struct subcmd analytics_subs[] = {
	{ NULL, cmd_analytics, "--merchant ID [--mode live|test] "
	    "[--period 1d|7d|30d|90d|1y]\n    [--group-by hour|day|week|month] "
	    "[--timezone TZ] [--currency CODE]", OPTS(analytics_opts),
	    0, 0 },
};

static const struct subcmd jwt_subs[] = {
	{ "rotate", cmd_jwt_rotate, "[--file PATH]", OPTS(jwt_opts), 0, 0 },
	{ "list", cmd_jwt_list, "[--file PATH]", OPTS(jwt_opts), 0, 0 },
	{ "retire", cmd_jwt_retire, "KID [--file PATH]", OPTS(jwt_opts), 0,
	    1 },
};

static const struct subcmd ratelimit_subs[] = {
	{ "set", cmd_ratelimit_set, "--merchant ID --class CLASS --limit N "
	    "--window SECONDS", OPTS(ratelimit_set_opts), 1U << RL_CLASS, 0 },
	{ "list", cmd_ratelimit_list, "[--merchant ID]",
	    OPTS(merchant_filter), 0, 0 },
	{ "clear", cmd_ratelimit_clear, "--merchant ID [--class CLASS]",
	    OPTS(ratelimit_clear_opts), 1U << RC_CLASS, 0 },
};

#define SUBS(a)	a, CC_ARRAY_SIZE(a)

static const struct cmd commands[] = {
	{ "migrate", "apply pending database migrations", SUBS(migrate_subs),
	    "Applies the pending SQL migrations (default dir "
	    MIGRATE_DEFAULT_DIR "), each in a transaction." },
	{ "merchant", "create and list merchants", SUBS(merchant_subs),
	    NULL },
	{ "key", "create, list and revoke API keys", SUBS(key_subs),
	    "Scopes: invoices:create invoices:read invoices:cancel "
	    "invoices:refund\n        analytics:read webhooks:manage * "
	    "(default: all the type allows)" },
	{ "wallet", "add and list extended public keys", SUBS(wallet_subs),
	    "XPUB is an extended public key (xpub... or tpub...) at account "
	    "level;\ninvoice addresses derive from XPUB/0/i." },
	{ "rate", "set, delete and list exchange rates, show fetched "
	    "quotes", SUBS(rate_subs),
	    "RATE is the price of one whole crypto unit in CODE (ETH/USD "
	    "3000.50).\nset stores a manual rate: served to new invoices "
	    "until changed or deleted,\nand never replaced by cc-rates; "
	    "delete hands the pair back to cc-rates.\nlist shows each rate's "
	    "age (a feed's older than [rates] max_age is stale);\nhistory "
	    "the newest " CC_XSTR(CC_DEFAULT_ADMIN_LIST) " (or N) quotes "
	    "cc-rates fetched, refused ones with why,\nand the manual "
	    "rates set and ended." },
	{ "network", "show configured networks and assets",
	    SUBS(network_subs),
	    "Shows the networks and assets of the configuration." },
	{ "webhook", "inspect endpoints and deliveries, retry",
	    SUBS(webhook_subs),
	    "endpoints lists endpoints (never their secrets); deliveries the "
	    "newest " CC_XSTR(CC_DEFAULT_ADMIN_LIST) " (or N);\nretry sends "
	    "a failed or cancelled delivery once more; summary shows the "
	    "queue:\npending, due now, the oldest due delivery's wait, and "
	    "the last day's outcomes." },
	{ "ratelimit", "per-merchant rate limits of the merchant API",
	    SUBS(ratelimit_subs),
	    "CLASS: invoices_create invoices_read invoices_list "
	    "invoices_cancel analytics\nwebhooks. The merchant's every API "
	    "key may make N requests of CLASS in any\nSECONDS, in place of "
	    "cc.conf's [ratelimit] numbers; clear without --class\nremoves "
	    "them all. Each change writes an audit row." },
	{ "refund", "list and show refunds", SUBS(refund_subs),
	    "list shows the newest " CC_XSTR(CC_DEFAULT_ADMIN_LIST) " (or N) "
	    "refunds of every merchant: id, created,\ninvoice, status, "
	    "amount, destination, transfer; show one in full (JSON).\nThe "
	    "wallet is watch-only: cc-scan completes a pending refund when "
	    "it sees\nits exact amount reach its destination." },
	{ "analytics", "a merchant's invoice figures, as the API's",
	    SUBS(analytics_subs),
	    "Prints GET /api/v1/analytics's JSON for the merchant's invoices "
	    "of one mode\n(default live): period 30d, group-by day, timezone "
	    "UTC unless given; --currency\nis needed when the period's "
	    "invoices use several currencies." },
	{ "jwt", "rotate, list and retire the secrets of API tokens",
	    SUBS(jwt_subs),
	    "The secrets live in [jwt] keys of the configuration (or --file); "
	    "never shown.\nrotate adds a secret that signs new tokens from "
	    "now on (the others still verify)\nand drops those replaced "
	    "more than a day ago; retire removes one at once,\nkilling the "
	    "tokens it signed (not the signing one: rotate first). The\n"
	    "programs notice a change within a second." },
};

/* "cc-admin key create --merchant ID ...", one line per sub-command. */
static void
build_usage(const struct cmd *c)
{
	size_t i;

	buf_reset(&usage_text);
	for (i = 0; i < c->nsubs; i++) {
		const struct subcmd *s = &c->subs[i];

		buf_printf(&usage_text, "%scc-admin %s", i ? "\n" : "",
		    c->name);
		if (s->name != NULL)
			buf_printf(&usage_text, " %s", s->name);
		if (s->usage[0] != '\0')
			buf_printf(&usage_text, " %s", s->usage);
	}
	if (c->notes != NULL)
		buf_printf(&usage_text, "\n%s", c->notes);
}

/* Finds the sub-command, checks its words and options, runs it. */
static int
run(const struct cmd *c, int argc, char **argv)
{
	struct input_value v[MAX_FIELDS];
	const struct subcmd *s = NULL;
	size_t i, first = 1;
	struct opts o;

	build_usage(c);
	parse_opts(argc, argv, &o);
	if (o.help) {
		puts(usage_text.data);
		return 0;
	}
	if (c->subs[0].name == NULL) {
		s = &c->subs[0];
		first = 0;
	} else if (o.npos == 0) {
		puts(usage_text.data);
		return 2;
	} else {
		for (i = 0; i < c->nsubs; i++)
			if (strcmp(o.pos[0], c->subs[i].name) == 0)
				s = &c->subs[i];
		if (s == NULL)
			die("unknown %s command '%s'\nusage: %s", c->name,
			    o.pos[0], usage_text.data);
	}
	if (o.npos != first + s->args)
		die("usage: %s", usage_text.data);
	if (s->nfields > MAX_FIELDS)
		die("%s declares too many options", c->name);
	check_opts(&o, s, v);
	return s->fn(&o, v);
}

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
	buf_init(&usage_text, 0);
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
			break;
	if (i == n && config_load(path, &cfg, err, sizeof(err)) == -1)
		die("%s", err);
	rc = run(&commands[c], n - 1, args + 1);
	db_free(db);
	buf_release(&usage_text);
	return rc;
}
