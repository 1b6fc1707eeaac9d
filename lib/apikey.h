/*
 * API keys: generation, hashing at rest, masking, scopes, the lookup that
 * authenticates a request, and the operator's create, list and revoke.
 * The secret is shown once at creation; only its SHA-256 is stored (the
 * secret has 200 random bits, so a fast hash is enough: there is nothing
 * to brute-force).
 */
#ifndef CC_APIKEY_H
#define CC_APIKEY_H

#include "cc.h"

#include "ids.h"

struct db;
struct audit_actor;

enum apikey_type { APIKEY_LIVE, APIKEY_TEST, APIKEY_INVOICES,
    APIKEY_ANALYTICS, APIKEY__MAX };

/* How many scopes there are: the bits of SCOPE_ALL. */
#define SCOPE_COUNT		6

enum scope {
	SCOPE_INVOICES_CREATE	= 1 << 0,
	SCOPE_INVOICES_READ	= 1 << 1,
	SCOPE_INVOICES_CANCEL	= 1 << 2,
	SCOPE_INVOICES_REFUND	= 1 << 3,
	SCOPE_ANALYTICS_READ	= 1 << 4,
	SCOPE_WEBHOOKS_MANAGE	= 1 << 5,
	SCOPE_ALL		= (1 << SCOPE_COUNT) - 1
};

#define APIKEY_MAX_SECRET	128
#define APIKEY_SECRET_CHARS	40	/* base32 characters: 200 bits */
#define APIKEY_MASK_LEN		48

/* The authenticated caller of a request. */
struct auth {
	char		 merchant_id[48];
	char		 key_id[48];
	char		 actor[64];	/* "api_key:sk_live_***123", or
					   "jwt:..." for a token */
	bool		 test;
	unsigned	 scopes;
};

/* "test" or "live": the mode a caller's data belongs to. */
const char	*apikey_mode(const struct auth *);

/* The types' names, indexed by enum apikey_type and NULL-ended. */
extern const char *const apikey_type_names[APIKEY__MAX + 1];
int		 apikey_type_from_name(const char *, enum apikey_type *);
const char	*apikey_type_name(enum apikey_type);
const char	*apikey_prefix(enum apikey_type);
bool		 apikey_type_test(enum apikey_type);
/* Scopes a key type may carry at most. */
unsigned	 apikey_type_scopes(enum apikey_type);

/* Scope name to bit ("*" is SCOPE_ALL); -1 if unknown. */
int		 scope_from_name(const char *, unsigned *);
const char	*scope_name(unsigned bit);
/* Canonical names of a scope set: "*" when it is SCOPE_ALL. */
int		 scope_names(unsigned scopes, const char **out, size_t max);
/* The names of every scope of a set, never "*" (SCOPE_COUNT at most). */
int		 scope_names_each(unsigned scopes, const char **out,
		    size_t max);

/* New secret: prefix + 40 base32 characters (out >= APIKEY_MAX_SECRET). */
void		 apikey_generate(enum apikey_type, char *out, size_t outlen);
void		 apikey_hash(const char *secret, uint8_t out[32]);
/* "sk_live_***123": the prefix and the last three characters. */
void		 apikey_mask(const char *prefix, const char *last, char *out,
		    size_t outlen);
/* Cheap syntax check before any lookup: a known prefix and exactly
 * APIKEY_SECRET_CHARS base32 characters. */
bool		 apikey_syntax_ok(const char *secret);

/*
 * Looks a presented secret up. Returns 0 and fills auth, 1 if the key is
 * unknown or revoked, -1 on a database error.
 */
int		 apikey_authenticate(struct db *, const char *secret,
		    struct auth *);
/*
 * The same for a key named by its id (a token's subject): 0 with auth
 * filled, its actor "<kind>:sk_live_***123"; 1 if the key is unknown or
 * revoked; -1 on a database error.
 */
int		 apikey_lookup(struct db *, const char *key_id,
		    const char *kind, struct auth *);

/*
 * The operator's side: create, list, revoke. Each change writes its audit
 * row (the key masked, never the secret) in the same transaction.
 */
enum apikey_err {
	APIKEY_OK,
	APIKEY_ENOMERCHANT,
	APIKEY_ENOTFOUND,	/* no key with this id */
	APIKEY_EDB,		/* logged by lib/db.c */
	APIKEY_ERR__MAX
};

/* A new key. secret is shown once and never stored. */
struct apikey_new {
	char		 id[IDS_MAX_LEN];
	char		 secret[APIKEY_MAX_SECRET];
	char		 masked[APIKEY_MASK_LEN];
	char		 created_at[32];	/* RFC 3339 UTC */
};

/* A key as listed; the strings live as long as the callback runs. */
struct apikey_row {
	const char	*id;
	const char	*merchant_id;
	const char	*mode;		/* "live" or "test" */
	char		 masked[APIKEY_MASK_LEN];
	unsigned	 scopes;
	const char	*created_at;
	const char	*revoked_at;	/* NULL while the key works */
};

/* What a revocation touched. */
struct apikey_revoked {
	char		 merchant_id[IDS_MAX_LEN];
	char		 masked[APIKEY_MASK_LEN];
	char		 revoked_at[32];
};

/* A static message ("no such merchant"); never NULL. */
const char	*apikey_strerror(enum apikey_err);
/*
 * Makes a key of a type for a merchant with scopes (a subset of
 * apikey_type_scopes(type), which the caller checked). The secret is in
 * out and nowhere else.
 */
enum apikey_err	 apikey_create(struct db *, const struct audit_actor *,
		    const char *merchant_id, enum apikey_type, unsigned scopes,
		    struct apikey_new *out);
/* Calls fn for each key (of one merchant unless NULL), oldest first. */
enum apikey_err	 apikey_list(struct db *, const char *merchant_id,
		    void (*fn)(const struct apikey_row *, void *), void *arg);
/*
 * Revokes a key; revoking a revoked key keeps its first revoked_at (and
 * still writes an audit row: someone asked).
 */
enum apikey_err	 apikey_revoke(struct db *, const struct audit_actor *,
		    const char *key_id, struct apikey_revoked *out);

/*
 * Scope bits of a text[] as PostgreSQL prints it ("{a,b}", "{\"*\"}");
 * unknown names are ignored.
 */
unsigned	 apikey_scopes_from_literal(const char *);

#endif
