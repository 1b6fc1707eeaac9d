/*
 * Webhook endpoints: the fields of a create or update body, each declared
 * once with its check, and the endpoints in the database (create, list,
 * get, update, delete, rotate the signing secret), every change with its
 * audit row in one transaction; and the secret that signs deliveries to
 * invoices' own webhook_url. Endpoints belong to a merchant and a mode: a
 * test key never sees a live endpoint, so test traffic cannot reach a
 * production receiver. fcgi/merchant/webhook_endpoints.c maps the results
 * to HTTP.
 */
#ifndef CC_WEBHOOK_ENDPOINT_H
#define CC_WEBHOOK_ENDPOINT_H

#include "cc.h"
#include <json-c/json.h>

#include "netcheck.h"
#include "webhook.h"

struct auth;
struct cc_config;
struct db;
struct input_error;
struct req_meta;

/* Room for every webhook event name (events.h), each at most once. */
#define WEBHOOK_ENDPOINT_MAX_EVENTS	32

/* The fields a body may carry; indexes the .c's table of names. */
enum webhook_endpoint_field {
	WEPF_URL,
	WEPF_EVENTS,
	WEPF_SECRET,
	WEPF_ALLOWED_IPS,
	WEPF_MAX_RETRIES,
	WEPF_RETRY_BACKOFF,
	WEPF_TIMEOUT,
	WEPF_ENABLED,
	WEPF__MAX
};

/*
 * A parsed body. The strings point into the JSON object it was parsed
 * from, which must outlive it; nothing here is owned.
 */
struct webhook_endpoint_input {
	bool		 has[WEPF__MAX];	/* given and not null */
	const char	*url;
	const char	*events[WEBHOOK_ENDPOINT_MAX_EVENTS];
	size_t		 nevents;
	const char	*secret;		/* NULL: one is made */
	const char	*allowed_ips[WEBHOOK_MAX_ALLOWED_IPS];
	struct net_cidr	 cidrs[WEBHOOK_MAX_ALLOWED_IPS];	/* the same */
	size_t		 nallowed;
	int		 max_retries;
	const char	*retry_backoff;
	int		 timeout;
	bool		 enabled;
};

/* What an operation did; webhook_endpoint_strerror says it in words. */
enum webhook_endpoint_rc {
	WEP_OK,
	WEP_INVALID,	/* the request's fault; the input_error says why */
	WEP_NOT_FOUND,	/* no such endpoint for this merchant and mode */
	WEP_LIMIT,	/* WEBHOOK_MAX_ENDPOINTS exist in this mode */
	WEP_ERROR,	/* database or internal error, logged */
	WEP__MAX
};

/* "no such webhook endpoint", "at most 16 webhook endpoints ...", ... */
const char	*webhook_endpoint_strerror(enum webhook_endpoint_rc);

/*
 * Reads a create body (url and events required, defaults for the rest)
 * or an update body (any subset; secret refused: it changes only through
 * rotate-secret, which shows the new one). JSON null means "not given".
 * The URL's form and place are checked by create and update, not here;
 * each allowed_ips entry is checked against cfg's [webhooks] allowed_ips
 * (webhook_check_allowed_ip). Pure. 0, or -1 with err filled.
 */
int	webhook_endpoint_parse(json_object *body, bool create,
	    const struct cc_config *, struct webhook_endpoint_input *,
	    struct input_error *err);
/* A body that must carry no field (rotate-secret; NULL is empty). */
int	webhook_endpoint_parse_empty(json_object *body,
	    struct input_error *err);

/*
 * Creates an endpoint after checking its URL (resolving a host name, at
 * most WEBHOOK_RESOLVE_MS). *out: the endpoint with its secret (caller
 * puts it). WEP_OK, WEP_INVALID (err), WEP_LIMIT or WEP_ERROR.
 */
enum webhook_endpoint_rc webhook_endpoint_create(struct db *,
		    const struct cc_config *, const struct auth *,
		    const struct req_meta *,
		    const struct webhook_endpoint_input *, json_object **out,
		    struct input_error *err);
/* *out: {"object": "list", "data": [...]}, newest first. */
enum webhook_endpoint_rc webhook_endpoint_list(struct db *,
		    const struct auth *, json_object **out);
enum webhook_endpoint_rc webhook_endpoint_get(struct db *,
		    const struct auth *, const char *id, json_object **out);
/*
 * Changes the given fields. A new URL or allowed_ips is checked against
 * the other (given or stored) with the row locked; disabling cancels the
 * pending deliveries. An update that gives nothing writes nothing and
 * answers as get. WEP_OK, WEP_INVALID, WEP_NOT_FOUND or WEP_ERROR.
 */
enum webhook_endpoint_rc webhook_endpoint_update(struct db *,
		    const struct cc_config *, const struct auth *,
		    const struct req_meta *, const char *id,
		    const struct webhook_endpoint_input *, json_object **out,
		    struct input_error *err);
/* Soft delete; cancels pending deliveries. *out: {"id", "deleted"}. */
enum webhook_endpoint_rc webhook_endpoint_delete(struct db *,
		    const struct auth *, const struct req_meta *,
		    const char *id, json_object **out);
/* A new signing secret; *out: the endpoint with it. */
enum webhook_endpoint_rc webhook_endpoint_rotate(struct db *,
		    const struct auth *, const struct req_meta *,
		    const char *id, json_object **out);
/*
 * The secret that signs deliveries to invoices' own webhook_url, for the
 * caller's merchant and mode, made now if it does not exist yet (as the
 * first delivery would): the InvoiceWebhookSecret object into *out.
 */
enum webhook_endpoint_rc webhook_endpoint_get_invoice_secret(struct db *,
	    const struct auth *, json_object **out);
/*
 * A new secret for deliveries to invoices' own webhook_url (one per
 * merchant and mode; an existing one keeps its id, which receivers may
 * have stored). *out: {"object", "id", "secret", "created_at"}.
 */
enum webhook_endpoint_rc webhook_endpoint_rotate_invoice_secret(
		    struct db *, const struct auth *,
		    const struct req_meta *, json_object **out);

#endif
