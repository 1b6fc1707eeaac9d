/* Per-merchant rate-limit overrides: SQL and the per-process cache. */
#include "cc.h"

#include <pthread.h>
#include <time.h>

#include "audit.h"
#include "db.h"
#include "ids.h"
#include "jsonx.h"
#include "rloverride.h"
#include "util.h"

static const char *const errors[RLOVERRIDE_ERR__MAX] = {
	[RLOVERRIDE_OK] = "success",
	[RLOVERRIDE_ENOMERCHANT] = "no such merchant",
	[RLOVERRIDE_ECLASS] = "not a merchant API class",
	[RLOVERRIDE_EDB] = "database error",
};

const char *
rloverride_strerror(enum rloverride_err e)
{
	if ((unsigned int)e >= RLOVERRIDE_ERR__MAX)
		return "unknown error";
	return errors[e];
}

enum rloverride_err
rloverride_set(struct db *db, const struct audit_actor *who,
    const char *merchant_id, enum ratelimit_class cls,
    const struct ratelimit_rule *rule)
{
	static const char sql[] =
	    "WITH m AS (SELECT id FROM merchants WHERE id = $1), "
	    "up AS (INSERT INTO ratelimit_overrides (merchant_id, class, "
	    "max_requests, window_seconds) SELECT id, $2, $3, $4 FROM m "
	    "ON CONFLICT (merchant_id, class) DO UPDATE SET "
	    "max_requests = EXCLUDED.max_requests, "
	    "window_seconds = EXCLUDED.window_seconds, updated_at = now() "
	    "RETURNING merchant_id), "
	    "a AS (" AUDIT_INSERT_FROM("up", "$5") ") "
	    "SELECT merchant_id FROM up";
	enum rloverride_err rc = RLOVERRIDE_EDB;
	struct audit_row row;
	struct db_params p;
	json_object *d;
	PGresult *res;

	if (!ratelimit_class_per_key(cls))
		return RLOVERRIDE_ECLASS;
	d = json_object_new_object();
	jsonx_add_str(d, "class", ratelimit_class_name(cls));
	jsonx_add(d, "limit", json_object_new_int(rule->limit));
	jsonx_add(d, "window", json_object_new_int(rule->window));
	audit_row_init(&row, who, AUDIT_RATELIMIT_SET, merchant_id, NULL, d);
	db_params_init(&p);
	db_param(&p, merchant_id);
	db_param(&p, ratelimit_class_name(cls));
	db_param_int(&p, rule->limit);
	db_param_int(&p, rule->window);
	db_param(&p, audit_row_text(&row));
	res = db_run(db, sql, &p);
	if (res != NULL)
		rc = PQntuples(res) == 1 ? RLOVERRIDE_OK :
		    RLOVERRIDE_ENOMERCHANT;
	PQclear(res);
	db_params_release(&p);
	audit_row_release(&row);
	json_object_put(d);
	return rc;
}

enum rloverride_err
rloverride_list(struct db *db, const char *merchant_id,
    void (*fn)(const struct rloverride_row *, void *), void *arg)
{
	static const char sql[] =
	    "SELECT merchant_id, class, max_requests, window_seconds, "
	    "cc_ts(updated_at) AS updated_at FROM ratelimit_overrides "
	    "WHERE $1::text IS NULL OR merchant_id = $1 "
	    "ORDER BY merchant_id, class";
	struct rloverride_row r;
	PGresult *res;
	int64_t v;
	int i;

	res = db_run1(db, sql, merchant_id);
	if (res == NULL)
		return RLOVERRIDE_EDB;
	for (i = 0; i < PQntuples(res); i++) {
		r.merchant_id = db_val(res, i, "merchant_id");
		r.class_name = db_val(res, i, "class");
		r.rule.limit = db_val_int64(res, i, "max_requests", &v) == 0 ?
		    (int)v : 0;
		r.rule.window = db_val_int64(res, i, "window_seconds", &v) ==
		    0 ? (int)v : 0;
		r.updated_at = db_val(res, i, "updated_at");
		fn(&r, arg);
	}
	PQclear(res);
	return RLOVERRIDE_OK;
}

enum rloverride_err
rloverride_clear(struct db *db, const struct audit_actor *who,
    const char *merchant_id, enum ratelimit_class cls, int *cleared)
{
	static const char sql[] =
	    "WITH m AS (SELECT id FROM merchants WHERE id = $1), "
	    "del AS (DELETE FROM ratelimit_overrides WHERE merchant_id IN "
	    "(SELECT id FROM m) AND ($2::text IS NULL OR class = $2) "
	    "RETURNING class), "
	    "a AS (" AUDIT_INSERT_FROM("m", "$3") ") "
	    "SELECT (SELECT count(*) FROM del) AS cleared FROM m";
	enum rloverride_err rc = RLOVERRIDE_EDB;
	const char *name = NULL;
	struct audit_row row;
	struct db_params p;
	json_object *d;
	PGresult *res;
	int64_t n;

	*cleared = 0;
	if (cls != RATELIMIT_NONE) {
		if (!ratelimit_class_per_key(cls))
			return RLOVERRIDE_ECLASS;
		name = ratelimit_class_name(cls);
	}
	d = json_object_new_object();
	jsonx_add_str(d, "class", name != NULL ? name : "all");
	audit_row_init(&row, who, AUDIT_RATELIMIT_CLEARED, merchant_id, NULL,
	    d);
	db_params_init(&p);
	db_param(&p, merchant_id);
	db_param(&p, name);
	db_param(&p, audit_row_text(&row));
	res = db_run(db, sql, &p);
	if (res != NULL) {
		rc = RLOVERRIDE_ENOMERCHANT;
		if (PQntuples(res) == 1 &&
		    db_val_int64(res, 0, "cleared", &n) == 0) {
			*cleared = (int)n;
			rc = RLOVERRIDE_OK;
		}
	}
	PQclear(res);
	db_params_release(&p);
	audit_row_release(&row);
	json_object_put(d);
	return rc;
}

/*
 * The cache: a fixed table hashed by merchant id; a collision replaces
 * the older entry. A rule with limit 0 is "no override".
 */
struct slot {
	char			 merchant_id[IDS_MAX_LEN];
	int64_t			 loaded;	/* monotonic seconds */
	struct ratelimit_rule	 rules[RATELIMIT_CLASS__MAX];
};

static struct slot	 cache[RLOVERRIDE_CACHE_SLOTS];
static pthread_mutex_t	 cache_lock = PTHREAD_MUTEX_INITIALIZER;

static int64_t
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static size_t
hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h % RLOVERRIDE_CACHE_SLOTS;
}

/* The merchant's overrides from the database into rules; 0 or -1. */
static int
load(struct db *db, const char *merchant_id,
    struct ratelimit_rule rules[RATELIMIT_CLASS__MAX])
{
	static const char sql[] =
	    "SELECT class, max_requests, window_seconds "
	    "FROM ratelimit_overrides WHERE merchant_id = $1";
	enum ratelimit_class cls;
	int64_t lim, win;
	PGresult *res;
	int i;

	memset(rules, 0, sizeof(*rules) * RATELIMIT_CLASS__MAX);
	if (db == NULL)
		return -1;
	res = db_run1(db, sql, merchant_id);
	if (res == NULL)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		if (ratelimit_class_from_name(db_val(res, i, "class"),
		    &cls) == -1 || !ratelimit_class_per_key(cls) ||
		    db_val_int64(res, i, "max_requests", &lim) == -1 ||
		    db_val_int64(res, i, "window_seconds", &win) == -1)
			continue;
		rules[cls].limit = (int)lim;
		rules[cls].window = (int)win;
	}
	PQclear(res);
	return 0;
}

void
rloverride_rule(struct db *db, const struct ratelimit_settings *s,
    const char *merchant_id, enum ratelimit_class cls,
    struct ratelimit_rule *out)
{
	struct ratelimit_rule rules[RATELIMIT_CLASS__MAX];
	struct slot *e;
	int64_t now;

	*out = s->rules[cls];
	if (!ratelimit_class_per_key(cls) || merchant_id[0] == '\0' ||
	    strlen(merchant_id) >= IDS_MAX_LEN)
		return;
	if (s->override_ttl == 0) {
		if (load(db, merchant_id, rules) == 0 && rules[cls].limit > 0)
			*out = rules[cls];
		return;
	}
	now = mono_s();
	e = &cache[hash(merchant_id)];
	pthread_mutex_lock(&cache_lock);
	if (strcmp(e->merchant_id, merchant_id) == 0 &&
	    now - e->loaded < s->override_ttl) {
		if (e->rules[cls].limit > 0)
			*out = e->rules[cls];
		pthread_mutex_unlock(&cache_lock);
		return;
	}
	pthread_mutex_unlock(&cache_lock);
	/* Asked outside the lock: other threads keep going meanwhile. */
	if (load(db, merchant_id, rules) == -1)
		return;
	if (rules[cls].limit > 0)
		*out = rules[cls];
	pthread_mutex_lock(&cache_lock);
	cc_strlcpy(e->merchant_id, merchant_id, sizeof(e->merchant_id));
	e->loaded = now;
	memcpy(e->rules, rules, sizeof(e->rules));
	pthread_mutex_unlock(&cache_lock);
}
