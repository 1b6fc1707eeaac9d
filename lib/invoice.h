/*
 * Invoices in the database: create (with a fresh derived deposit address
 * and a locked rate), the merchant view, the filtered listing and cancel.
 * Every state change writes its event and audit row in the same
 * transaction.
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
 * What an invoice call came to. Every call that returns one fills its
 * *out only with INVOICE_OK, and err only with INVOICE_INVALID or
 * INVOICE_CONFLICT.
 */
enum invoice_result {
	INVOICE_OK,
	INVOICE_NOT_FOUND,	/* no such invoice for this caller */
	INVOICE_INVALID,	/* a request that cannot be served: err, with
				 * its status: 422, or 503 when no usable
				 * exchange rate is stored */
	INVOICE_CONFLICT,	/* not allowed in its state: err, 409 */
	INVOICE_DB_UNAVAILABLE,	/* no connection, or a statement failed */
	INVOICE_BROKEN,		/* a stored row we cannot use (logged) */
	INVOICE__MAX
};
const char	*invoice_strerror(enum invoice_result);

/*
 * Creates an invoice: INVOICE_OK with *out the new invoice (caller puts
 * it), INVOICE_INVALID, or a failure.
 */
enum invoice_result invoice_create(struct db *, const struct cc_config *,
	    const struct auth *, const struct req_meta *,
	    const struct invoice_input *, json_object **out,
	    struct input_error *err);
/* INVOICE_OK with *out the merchant view, INVOICE_NOT_FOUND, a failure. */
enum invoice_result invoice_get(struct db *, const struct cc_config *,
	    const struct auth *, const char *id, json_object **out);
/* INVOICE_OK with *out the list object, or a failure. */
enum invoice_result invoice_list(struct db *, const struct cc_config *,
	    const struct auth *, const struct invoice_filter *,
	    json_object **out);
/*
 * Cancels under the invoice's row lock, as lifecycle_cancel() decides:
 * INVOICE_OK with *out the cancelled invoice, INVOICE_NOT_FOUND,
 * INVOICE_CONFLICT (the verdict in err), or a failure. The event, the
 * audit row and the refund asked for are written with the change.
 */
enum invoice_result invoice_cancel(struct db *, const struct cc_config *,
	    const struct auth *, const struct req_meta *, const char *id,
	    const char *reason, bool refund_partial, json_object **out,
	    struct input_error *err);

/*
 * The customer's view (no authentication): public fields only, payments
 * that count, payment_progress and time_remaining. INVOICE_OK with *out,
 * INVOICE_NOT_FOUND, or a failure.
 */
enum invoice_result invoice_public(struct db *, const struct cc_config *,
	    const char *id, json_object **out);

/*
 * invoice_public() for a customer opening the invoice: the first view
 * moves a created invoice to pending, and the answer shows that.
 */
enum invoice_result invoice_public_opened(struct db *,
	    const struct cc_config *, const char *id, json_object **out);

/*
 * The wallet payment URI of an invoice's deposit: EIP-681 for EVM coins
 * and tokens (with the amount), the plain address for TRON. 0 or -1.
 */
int	invoice_payment_uri(const struct cc_config *, const char *network,
	    const char *asset, const char *address, const char *units_txt,
	    char *out, size_t outlen);

/*
 * The payment URI the QR code of invoice id encodes (as
 * invoice_payment_uri) and the merchant it belongs to (for the logo):
 * INVOICE_OK, INVOICE_NOT_FOUND, INVOICE_DB_UNAVAILABLE (also with no
 * handle) or INVOICE_BROKEN.
 */
enum invoice_result invoice_qr_target(struct db *, const struct cc_config *,
	    const char *id, char *uri, size_t urilen, char *merchant,
	    size_t merchantlen);

/* Cursor text <-> position; decode returns 0 or -1. */
void	invoice_cursor_encode(int64_t us, const char *id, char *out,
	    size_t outlen);
int	invoice_cursor_decode(const char *, int64_t *us, char *id,
	    size_t idlen);

#endif
