/*
 * Every size and count a client controls, in one place. An input over one
 * of these is refused with an explicit error (413 or 422), never truncated.
 */
#ifndef CC_LIMITS_H
#define CC_LIMITS_H

#define CC_MAX_BODY		(64 * 1024)	/* request body, bytes */
/*
 * Load shedding (fcgi/fcgi_main.c): once requests have waited in a
 * program's socket backlog this long without a break, its spare thread
 * answers 503 at once instead of letting them queue without bound.
 */
#define CC_SHED_AFTER_MS	5000
#define CC_RETRY_AFTER_503	"2"	/* seconds, on every 503 without one */
#define CC_MAX_JSON_DEPTH	16
#define CC_MAX_ITEMS		100		/* items per invoice */
#define CC_MAX_QUANTITY		1000000LL	/* per item */
#define CC_MAX_TITLE		200		/* bytes */
#define CC_MAX_DESCRIPTION	2000
#define CC_MAX_ITEM_NAME	200
#define CC_MAX_ITEM_DESCRIPTION	1000
#define CC_MAX_URL		2048
#define CC_MAX_METADATA_KEYS	50
#define CC_MAX_METADATA_KEY	40
#define CC_MAX_METADATA_VALUE	500
#define CC_MAX_METADATA_BYTES	8192		/* serialized */
#define CC_MAX_REASON		500
#define CC_MAX_IDEMPOTENCY_KEY	255
#define CC_MAX_DECIMAL_DIGITS	30		/* digits in an amount */
#define CC_MAX_SEARCH		200
#define CC_MIN_SEARCH		3
#define CC_MAX_QUERY_STRING	4096
#define CC_MAX_LIST_LIMIT	100
#define CC_DEFAULT_LIST_LIMIT	20
#define CC_MIN_EXPIRES_IN	60		/* seconds */
#define CC_MAX_EXPIRES_IN	(30 * 24 * 3600)
#define CC_DEFAULT_EXPIRES_IN	1800
#define CC_MIN_PRICE_LOCK	60
#define CC_IDEMPOTENCY_TTL	(24 * 3600)
/* Lifetime of a token of POST /api/v1/auth/token (expires_in), seconds. */
#define CC_MIN_TOKEN_LIFETIME	60
#define CC_MAX_TOKEN_LIFETIME	(24 * 3600)
#define CC_DEFAULT_TOKEN_LIFETIME 3600
/* The api_key of that body, bytes: longer than any credential (a wrong
 * one, a token included, is a 401 like an unknown key). */
#define CC_MAX_CREDENTIAL	4096
/* What an operator types into cc-admin. */
#define CC_MAX_MERCHANT_NAME	200		/* bytes (the CHECK counts
						   characters: safe) */
#define CC_MAX_RATE_SOURCE	64
#define CC_MAX_ADMIN_LIST	10000		/* rows one listing shows */
#define CC_DEFAULT_ADMIN_LIST	50
/* What the server reads from its own installed files. */
#define CC_MAX_APIDOC		(1024 * 1024)	/* docs/openapi.json, bytes */

#endif
