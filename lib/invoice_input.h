/*
 * Validation of a Create Invoice request body: every accepted field is
 * declared once with its type and bounds; the first bad field is reported
 * in the spec's error format with `field` naming it (items[0].unit_price).
 * Pure: no database, so it is unit-tested with tables.
 */
#ifndef CC_INVOICE_INPUT_H
#define CC_INVOICE_INPUT_H

#include "cc.h"
#include <json-c/json.h>

#include "input.h"

struct cc_config;

struct invoice_input {
	char		*title;			/* NULL if absent */
	char		*description;
	json_object	*items;			/* normalized array, owned */
	size_t		 nitems;
	char		 currency[4];
	int		 exponent;
	int64_t		 subtotal_minor;
	int64_t		 tax_minor;
	int64_t		 total_minor;
	char		 crypto_currency[16];
	char		 network[32];		/* "" = default for the mode */
	int64_t		 expires_in;
	int64_t		 price_lock;
	int64_t		 underpay_minor;
	int64_t		 overpay_minor;
	char		 overpay_action[16];
	char		*webhook_url;
	char		*return_url;
	char		*cancel_url;
	char		*metadata;		/* flat JSON object text */
};

/*
 * Parses and validates body. Returns 0 with in filled (release it with
 * invoice_input_release), or -1 with err filled (release with
 * input_error_release).
 */
int	invoice_input_parse(const char *body, size_t len,
	    const struct cc_config *, struct invoice_input *in,
	    struct input_error *err);
void	invoice_input_release(struct invoice_input *);

struct invoice_filter;		/* invoice.h */

/*
 * Checks the List Invoices query (every parameter declared once, errors
 * 422 INVALID_PARAMETER naming it). 0 with f filled (pointing into q), or
 * -1 with e set.
 */
int	invoice_filter_parse(const struct http_query *q,
	    struct invoice_filter *f, struct input_error *e);

/* The Cancel Invoice body. */
struct invoice_cancel_input {
	const char	*reason;	/* NULL if not given; into the body */
	bool		 refund_partial_payments;
};

/* Checks a Cancel Invoice body (NULL: none). 0, or -1 with e set. */
int	invoice_cancel_parse(json_object *body,
	    struct invoice_cancel_input *in, struct input_error *e);

#endif
