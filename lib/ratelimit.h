/*
 * Rate limits in Redis: a sliding window per (class, id), counted
 * atomically by one Lua script, so that concurrent requests at the edge
 * of a limit never let more through than the limit.
 *
 * The window is a log of the requests it let through (a sorted set
 * scored by the Redis server's clock in milliseconds, key
 * "cc:rl:<class>:<id>", expiring with the window): exact, and one clock
 * for every web server. Refused requests are not logged, so a client
 * that keeps knocking is let in again as soon as its oldest counted
 * request leaves the window.
 *
 * Redis only holds what can be rebuilt. When it is down or slow (the
 * [redis] timeout_ms), requests are let through uncounted ("fail open"),
 * with a loud log line at most once per RATELIMIT_LOG_EVERY seconds per
 * process, and no reconnection is tried for RATELIMIT_BACKOFF_MS, so a
 * dead Redis adds no latency. A customer paying is never blocked by a
 * cache, and the merchant API keeps working.
 */
#ifndef CC_RATELIMIT_H
#define CC_RATELIMIT_H

#include "cc.h"

#include "netcheck.h"

struct http_resp;

/* Indexes ratelimit_class_name's table; NONE: a route that is not limited. */
enum ratelimit_class {
	RATELIMIT_NONE,
	RATELIMIT_INVOICES_CREATE,	/* per API key */
	RATELIMIT_INVOICES_READ,
	RATELIMIT_INVOICES_LIST,
	RATELIMIT_INVOICES_CANCEL,
	RATELIMIT_ANALYTICS,
	RATELIMIT_WEBHOOKS,
	RATELIMIT_AUTH_TOKEN,		/* per client IP */
	RATELIMIT_PUBLIC_INVOICE,
	RATELIMIT_PUBLIC_QR,
	RATELIMIT_AUTH_FAILURES,
	RATELIMIT_CLASS__MAX
};

#define RATELIMIT_MAX_LIMIT	1000000		/* requests in a window */
#define RATELIMIT_MAX_WINDOW	86400		/* seconds */
#define RATELIMIT_MAX_CIDRS	32		/* trusted_proxies, exempt */
#define RATELIMIT_MAX_ID	64		/* key id or address text */
#define RATELIMIT_BACKOFF_MS	1000		/* after a Redis failure */
#define RATELIMIT_LOG_EVERY	10		/* seconds between alarms */

struct ratelimit_rule {
	int	 limit;		/* requests per window, >= 1 */
	int	 window;	/* seconds */
};

/* The [ratelimit] section (and [redis] timeout_ms) of cc.conf. */
struct ratelimit_settings {
	bool			 enabled;
	struct ratelimit_rule	 rules[RATELIMIT_CLASS__MAX];
	struct net_cidr		 trusted[RATELIMIT_MAX_CIDRS];
	size_t			 ntrusted;
	struct net_cidr		 exempt[RATELIMIT_MAX_CIDRS];
	size_t			 nexempt;
	int			 override_ttl;	/* seconds; 0: no cache */
	int			 timeout_ms;	/* Redis connect, command */
};

/* "invoices_create", ...; NULL for NONE and out of range. */
const char	*ratelimit_class_name(enum ratelimit_class);
/* 0, or -1 if no class has this name. */
int		 ratelimit_class_from_name(const char *,
		    enum ratelimit_class *);
/*
 * True for the merchant API's classes, counted per API key and open to
 * a per-merchant override; the others are counted per client address.
 */
bool		 ratelimit_class_per_key(enum ratelimit_class);
/* The per-key classes' names, NULL-ended (cc-admin's --class choices). */
extern const char *const ratelimit_key_class_names[];

/* Every class at the spec's numbers, enabled, timeout 50 ms. */
void		 ratelimit_settings_default(struct ratelimit_settings *);
/*
 * Parses "COUNT/SECONDS" ("1000/3600"): COUNT in 1..RATELIMIT_MAX_LIMIT,
 * SECONDS in 1..RATELIMIT_MAX_WINDOW, digits only. 0 or -1.
 */
int		 ratelimit_rule_parse(const char *, struct ratelimit_rule *);

enum ratelimit_status {
	RATELIMIT_ALLOWED,	/* counted, under the limit */
	RATELIMIT_LIMITED,	/* over it: answer 429 */
	RATELIMIT_SKIPPED,	/* not counted: disabled, or an exempt client */
	RATELIMIT_UNAVAILABLE,	/* not counted: Redis down or slow */
	RATELIMIT_STATUS__MAX
};

/* What the headers say. */
struct ratelimit_result {
	enum ratelimit_status	 status;
	int64_t			 limit;
	int64_t			 remaining;
	int64_t			 window;	/* seconds */
	int64_t			 reset;		/* unix time, seconds */
	int64_t			 retry_after;	/* seconds, >= 1 if LIMITED */
};

/*
 * The window arithmetic, pure: from what the script saw (count requests
 * in the window after this one was or was not added, the server's time
 * now_ms, the oldest logged request's time oldest_ms or now_ms when none)
 * fills r. Reset is when the oldest request leaves the window (a slot
 * frees), rounded up to the second; Retry-After the whole seconds until
 * then, at least 1.
 */
void		 ratelimit_result_set(struct ratelimit_result *r,
		    const struct ratelimit_rule *, bool allowed,
		    int64_t count, int64_t now_ms, int64_t oldest_ms);

/*
 * X-RateLimit-Limit, -Remaining, -Reset, -Window, -Policy (and
 * Retry-After when LIMITED) on a response; nothing for an uncounted
 * request (SKIPPED, UNAVAILABLE).
 */
void		 ratelimit_headers(const struct ratelimit_result *,
		    struct http_resp *);

/*
 * One worker thread's limiter: its own Redis connection, made at first
 * use. ratelimit_new does no I/O; settings and url must outlive it.
 */
struct ratelimit;

struct ratelimit	*ratelimit_new(const struct ratelimit_settings *,
			    const char *redis_url);
void			 ratelimit_free(struct ratelimit *);

/*
 * Counts one request of cls by id (an API key id, a client address)
 * against rule; member names it in the log (unique: the request id).
 * With commit false it only looks: LIMITED if the window is full, and
 * nothing is added (the failed-authentication throttle looks before it
 * authenticates and counts only failures). Fills r and returns its
 * status; SKIPPED when the limiter is disabled.
 */
enum ratelimit_status	 ratelimit_hit(struct ratelimit *,
			    enum ratelimit_class cls, const char *id,
			    const struct ratelimit_rule *rule,
			    const char *member, bool commit,
			    struct ratelimit_result *r);

/*
 * Parses the [redis] url: redis://HOST[:PORT][/DB] (port 6379, db 0) or
 * unix:PATH. 0, or -1 when malformed.
 */
struct ratelimit_redis_addr {
	char	 host[256];	/* or the socket's path when unix */
	int	 port;		/* 0: unix socket */
	int	 db;
};
int		 ratelimit_redis_url(const char *,
		    struct ratelimit_redis_addr *);

#endif
