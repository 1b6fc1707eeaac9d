/*
 * Invoices in the database: create (with a fresh derived deposit address
 * and a locked rate), the merchant view, the filtered listing and cancel.
 * Every state change writes its event and audit row in the same statement.
 */
#ifndef CC_INVOICE_H
#define CC_INVOICE_H

#include "cc.h"
#include <json-c/json.h>

struct db;
struct cc_config;
struct auth;
struct invoice_input;
struct input_error;

/* Who made a request, for the audit log. */
struct req_meta {
	const char	*request_id;
	const char	*ip;
	const char	*user_agent;
};

struct invoice_filter {
	const char	*status;
	int		 limit;
	bool		 has_cursor;
	int64_t		 cursor_us;
	char		 cursor_id[48];
	bool		 has_after, has_before;
	int64_t		 after_us, before_us;
	const char	*amount_gte;	/* validated decimal text */
	const char	*amount_lte;
	char		 currency[4];
	const char	*search;
};

/*
 * Returns 0 with *out the new invoice (caller puts it), 1 with err filled
 * for a request that cannot be served (422), -1 on an internal error.
 */
int	invoice_create(struct db *, const struct cc_config *,
	    const struct auth *, const struct req_meta *,
	    const struct invoice_input *, json_object **out,
	    struct input_error *err);
/* 0 with *out the merchant view, 1 if not found for this caller, -1. */
int	invoice_get(struct db *, const struct cc_config *,
	    const struct auth *, const char *id, json_object **out);
/* 0 with *out the list object, -1. */
int	invoice_list(struct db *, const struct cc_config *,
	    const struct auth *, const struct invoice_filter *,
	    json_object **out);
/*
 * 0 with *out the cancelled invoice, 1 not found, 2 with err filled (409:
 * not cancellable in its state), -1.
 */
int	invoice_cancel(struct db *, const struct cc_config *,
	    const struct auth *, const struct req_meta *, const char *id,
	    const char *reason, bool refund_partial, json_object **out,
	    struct input_error *err);

/*
 * The customer's view (no authentication): public fields only, payments
 * that count, payment_progress and time_remaining. 0 with *out, 1 if not
 * found, -1.
 */
int	invoice_public(struct db *, const struct cc_config *, const char *id,
	    json_object **out);

/*
 * invoice_public() for a customer opening the invoice: the first view
 * moves a created invoice to pending, and the answer shows that.
 */
int	invoice_public_opened(struct db *, const struct cc_config *,
	    const char *id, json_object **out);

/*
 * The wallet payment URI of an invoice's deposit: EIP-681 for EVM coins
 * and tokens (with the amount), the plain address for TRON. 0 or -1.
 */
int	invoice_payment_uri(const struct cc_config *, const char *network,
	    const char *asset, const char *address, const char *units_txt,
	    char *out, size_t outlen);

/* What a lookup of one invoice found. */
enum invoice_found {
	INVOICE_FOUND,
	INVOICE_NOT_FOUND,
	INVOICE_DB_UNAVAILABLE,	/* no connection, or the query failed */
	INVOICE_BROKEN,		/* a stored row we cannot use (logged) */
	INVOICE_FOUND__MAX
};
const char	*invoice_found_strerror(enum invoice_found);

/*
 * The payment URI the QR code of invoice id encodes (as
 * invoice_payment_uri) and the merchant it belongs to (for the logo).
 */
enum invoice_found invoice_qr_target(struct db *, const struct cc_config *,
	    const char *id, char *uri, size_t urilen, char *merchant,
	    size_t merchantlen);

/* Cursor text <-> position; decode returns 0 or -1. */
void	invoice_cursor_encode(int64_t us, const char *id, char *out,
	    size_t outlen);
int	invoice_cursor_decode(const char *, int64_t *us, char *id,
	    size_t idlen);

#endif
