/*
 * Per-merchant rate limits: an override of cc.conf's numbers for one
 * merchant-API class (ratelimit_class_per_key), applying to each of the
 * merchant's API keys. The operator sets, lists and clears them
 * (cc-admin ratelimit ...), each change with its audit row; the
 * authenticated path reads them through a small per-process cache
 * ([ratelimit] override_cache seconds), so that a request costs no extra
 * query while the merchant's entry is fresh.
 */
#ifndef CC_RLOVERRIDE_H
#define CC_RLOVERRIDE_H

#include "cc.h"

#include "ratelimit.h"

struct db;
struct audit_actor;

/* Merchants whose overrides one process keeps (a hash table). */
#define RLOVERRIDE_CACHE_SLOTS	256

enum rloverride_err {
	RLOVERRIDE_OK,
	RLOVERRIDE_ENOMERCHANT,
	RLOVERRIDE_ECLASS,	/* not a per-key class */
	RLOVERRIDE_EDB,		/* logged by lib/db.c */
	RLOVERRIDE_ERR__MAX
};

/* An override as listed; the strings live as long as the callback. */
struct rloverride_row {
	const char		*merchant_id;
	const char		*class_name;
	struct ratelimit_rule	 rule;
	const char		*updated_at;	/* RFC 3339 UTC */
};

/* A static message ("no such merchant"); never NULL. */
const char	*rloverride_strerror(enum rloverride_err);

/* Sets (or replaces) a merchant's rule for a per-key class. */
enum rloverride_err rloverride_set(struct db *, const struct audit_actor *,
		    const char *merchant_id, enum ratelimit_class,
		    const struct ratelimit_rule *);
/* Calls fn for each override (of one merchant unless NULL). */
enum rloverride_err rloverride_list(struct db *, const char *merchant_id,
		    void (*fn)(const struct rloverride_row *, void *),
		    void *arg);
/*
 * Removes a merchant's override of one class, or of every class when
 * cls is RATELIMIT_NONE; *cleared says how many went. The audit row is
 * written even when there was none: someone asked.
 */
enum rloverride_err rloverride_clear(struct db *, const struct audit_actor *,
		    const char *merchant_id, enum ratelimit_class,
		    int *cleared);

/*
 * The rule a merchant's keys are counted by for cls: its override, else
 * the configuration's. Cached per process for s->override_ttl seconds
 * (0: asked every time); a database error (or db NULL) gives the
 * configuration's rule.
 */
void		 rloverride_rule(struct db *,
		    const struct ratelimit_settings *s,
		    const char *merchant_id, enum ratelimit_class cls,
		    struct ratelimit_rule *out);

#endif
