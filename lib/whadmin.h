/*
 * The operator's view of webhooks (cc-admin webhook ...): endpoints
 * without their secrets, the newest deliveries, the queue's summary, and
 * sending a failed or cancelled delivery once more. Delivering is
 * cc-webhooks' business, not this module's.
 */
#ifndef CC_WHADMIN_H
#define CC_WHADMIN_H

#include "cc.h"

struct db;
struct audit_actor;

#define WHADMIN_MAX_EVENTS	32	/* event names kept per endpoint */

enum whadmin_err {
	WHADMIN_OK,
	WHADMIN_EBADID,		/* not a delivery id (whd_...) */
	WHADMIN_EFILTER,	/* a status or limit out of range */
	WHADMIN_ENOTFOUND,
	WHADMIN_ENOTFINAL,	/* pending or delivered: nothing to retry */
	WHADMIN_EENDPOINT,	/* its endpoint is disabled or deleted */
	WHADMIN_EDB,		/* logged by lib/db.c */
	WHADMIN_ERR__MAX
};

/* An endpoint as listed; the strings live as long as the callback. */
struct whadmin_endpoint {
	const char	*id;
	const char	*merchant_id;
	const char	*mode;
	const char	*url;
	const char	*events[WHADMIN_MAX_EVENTS];
	size_t		 nevents;
	bool		 enabled;
	const char	*created_at;	/* RFC 3339 UTC */
	const char	*deleted_at;	/* NULL unless deleted */
};

/* Which deliveries to list, newest first. NULL fields match all. */
struct whadmin_filter {
	const char	*merchant_id;
	const char	*status;	/* whadmin_status_ok() */
	int		 limit;		/* 1..CC_MAX_ADMIN_LIST */
};

/* A delivery as listed; the strings live as long as the callback. */
struct whadmin_delivery {
	const char	*id;
	const char	*merchant_id;
	const char	*invoice_id;	/* NULL for none */
	const char	*event;		/* "invoice.paid" */
	const char	*url;
	const char	*status;
	int		 attempts;
	int		 response_code;	/* with has_response_code */
	bool		 has_response_code;
	const char	*last_error;	/* NULL for none */
	const char	*created_at;
	const char	*next_attempt_at;	/* NULL unless pending */
};

/* The queue at a glance; enum order is the order shown. */
enum whadmin_stat {
	WHADMIN_PENDING,
	WHADMIN_DUE,		/* pending and due now */
	WHADMIN_OLDEST_DUE,	/* seconds the oldest due one has waited */
	WHADMIN_FAILED_24H,
	WHADMIN_DELIVERED_24H,
	WHADMIN_STAT__MAX
};

struct whadmin_summary {
	int64_t		 v[WHADMIN_STAT__MAX];
};

/* A static message ("no such delivery"); never NULL. */
const char	*whadmin_strerror(enum whadmin_err);
/* "pending", "due", "oldest_due_seconds", ...; NULL out of range. */
const char	*whadmin_stat_name(enum whadmin_stat);
/* The delivery statuses, NULL-ended: pending, delivered, failed,
 * cancelled. */
extern const char *const whadmin_statuses[];
/* True for a delivery status. */
bool		 whadmin_status_ok(const char *);

/* Calls fn for each endpoint (of one merchant unless NULL). */
enum whadmin_err whadmin_endpoints(struct db *, const char *merchant_id,
		    void (*fn)(const struct whadmin_endpoint *, void *),
		    void *arg);
enum whadmin_err whadmin_deliveries(struct db *,
		    const struct whadmin_filter *,
		    void (*fn)(const struct whadmin_delivery *, void *),
		    void *arg);
enum whadmin_err whadmin_summary(struct db *, struct whadmin_summary *);
/*
 * Makes a failed or cancelled delivery pending and due now, with its
 * webhook_delivery.retried audit row. Its retries are spent, so one more
 * failure marks it failed again. On WHADMIN_ENOTFINAL and
 * WHADMIN_EENDPOINT, status (statuslen >= 16) says what it is.
 */
enum whadmin_err whadmin_retry(struct db *, const struct audit_actor *,
		    const char *delivery_id, char *status, size_t statuslen);

#endif
