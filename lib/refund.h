/*
 * Refunds: what a merchant owes a customer back, how much (the variants),
 * where to, and the record of it. The wallet is watch-only: we never send
 * a refund; the merchant does, from any wallet, and cc-scan completes the
 * record when the transfer is confirmed (lib/refundscan.h).
 */
#ifndef CC_REFUND_H
#define CC_REFUND_H

#include "cc.h"
#include "money.h"

#include <json-c/json.h>

struct db;
struct cc_config;
struct auth;
struct input_error;

/* Whose risk the price move is; names in refund_variant_name(). */
enum refund_variant {
	REFUND_LOCKED_RATE,	/* the fiat amount at the invoice's rate */
	REFUND_RATE_THEN,	/* the crypto that was received */
	REFUND_CURRENT_RATE,	/* its fiat value, at a fresh rate */
	REFUND_OVERPAID,	/* only the excess of an overpaid invoice */
	REFUND_CUSTOM,		/* the amount given */
	REFUND_VARIANT__MAX
};

enum refund_status {
	REFUND_AWAITING_DESTINATION,
	REFUND_PENDING,
	REFUND_COMPLETED,
	REFUND_STATUS__MAX
};

const char	*refund_variant_name(enum refund_variant);
const char	*refund_status_name(enum refund_status);

/* How long recording a refund waits for the node's head (lib/refund.c). */
#define REFUND_NODE_TIMEOUT_MS	2000

/* subtract_percentage is kept in hundredths of a percent: 0..10000. */
#define REFUND_PERCENT_MAX	10000

/* What refund_calc() works from; every amount exact. */
struct refund_calc_in {
	enum refund_variant	 variant;
	bool			 has_fiat;	/* "amount" given */
	int64_t			 fiat_minor;
	bool			 has_crypto;	/* "crypto_amount" */
	unsigned __int128	 crypto_units;
	int			 subtract;	/* 0..REFUND_PERCENT_MAX */
	unsigned __int128	 received;	/* payments not reverted */
	unsigned __int128	 refunded;	/* earlier refunds */
	unsigned __int128	 invoice_units;	/* the invoice's */
	int			 exponent;	/* of its currency */
	int			 decimals;	/* of the asset */
	struct money_dec	 locked_rate;
	struct money_dec	 current_rate;	/* REFUND_CURRENT_RATE */
};

struct refund_calc_out {
	unsigned __int128	 units;		/* crypto to send */
	int64_t			 fiat_minor;	/* its fiat value */
	bool			 current;	/* current_rate was used */
};

enum refund_calc_err {
	REFUND_CALC_OK,
	REFUND_CALC_NOTHING_RECEIVED,	/* 409 */
	REFUND_CALC_NOT_OVERPAID,	/* 409 */
	REFUND_CALC_EXCEEDS,		/* 422: over received - refunded */
	REFUND_CALC_ZERO,		/* 422: nothing left to send */
	REFUND_CALC_RANGE,		/* 422: an amount out of range */
	REFUND_CALC__MAX
};

/*
 * The amounts of a refund, a pure function: the crypto units and their
 * fiat value by the variant, less subtract (rounded down), capped at what
 * was received less earlier refunds (current_rate: in fiat, as its crypto
 * follows the new price). A crypto amount from fiat rounds up, as the
 * invoice's does: refunding the whole total gives back its crypto amount.
 */
enum refund_calc_err	refund_calc(const struct refund_calc_in *,
			    struct refund_calc_out *);

/* What refund_credit_take() works from: base units of the invoice. */
struct refund_credit_in {
	enum refund_variant	 variant;
	unsigned __int128	 units;		/* this refund's */
	unsigned __int128	 received;	/* payments not reverted */
	unsigned __int128	 refunded;	/* earlier refunds */
	unsigned __int128	 credited;	/* credit_account credits */
	unsigned __int128	 used;		/* of them, given back */
};

/*
 * How much of an overpayment's credit a refund gives back, a pure
 * function: the customer is never both credited and refunded the same
 * units. An overpaid refund gives back the credit itself; any other
 * first what the merchant kept (received less credits), and the credit
 * only for what goes beyond it. Never more than the credit left.
 */
unsigned __int128	refund_credit_take(const struct refund_credit_in *);

/* units * (10000 - subtract) / 10000, rounded down, without overflow. */
unsigned __int128	refund_subtract(unsigned __int128 units, int subtract);

/*
 * "12.5" (at most two decimals, 0 to 100) in hundredths of a percent:
 * 0, or -1 if it is not such a number.
 */
int	refund_parse_percent(const char *, int *out);

/* A refund request's body, validated (422/400 in e). */
struct refund_input {
	enum refund_variant	 variant;
	bool			 variant_given;
	const char		*amount;	/* exact text, or NULL */
	const char		*crypto_amount;
	const char		*destination;
	const char		*reason;
	int			 subtract;
	bool			 subtract_given;
};

int	refund_input_parse(json_object *body, struct refund_input *,
	    struct input_error *);

enum refund_result {
	REFUND_OK,
	REFUND_NOT_FOUND,
	REFUND_REFUSED,		/* e says why */
	REFUND_DB_UNAVAILABLE,
	REFUND_BROKEN,
	REFUND__MAX
};

const char	*refund_strerror(enum refund_result);

/*
 * Records a refund of invoice_id for the authenticated merchant, in the
 * caller's transaction (the caller begins and commits: Idempotency-Key
 * keeps its claim in it). *out: the refund (caller owns).
 */
struct audit_actor;
enum refund_result refund_create(struct db *, const struct cc_config *,
	    const struct auth *, const struct audit_actor *,
	    const char *invoice_id,
	    const struct refund_input *, json_object **out,
	    struct input_error *);

/* The invoice's refunds as {"object": "list", "data": [...]}. */
enum refund_result refund_list(struct db *, const struct auth *,
	    const char *invoice_id, json_object **out);

/*
 * A refund's JSON as SQL builds it (r: refunds, i: its invoice), and the
 * pass that turns its raw fields (base units, minor units, numeric text)
 * into the API's exact decimals. Used by the invoice's refunds[] too.
 */
#define REFUND_JSON_SQL \
	"json_build_object('id', r.id, 'invoice_id', r.invoice_id, " \
	"'status', r.status, 'variant', r.variant, 'units', " \
	"r.amount::text, 'asset', r.asset, 'fiat_minor', r.fiat_minor, " \
	"'currency', coalesce(r.currency, i.currency), 'rate', " \
	"r.rate::text, 'subtract_percentage', " \
	"r.subtract_percentage::text, 'network', coalesce(r.network, " \
	"i.network), 'destination', r.destination, 'reason', r.reason, " \
	"'payment_id', r.payment_id, 'tx_hash', r.tx_hash, " \
	"'block_number', r.block_number, " \
	"'from_address', r.from_address, 'created_at', " \
	"cc_ts(r.created_at), 'completed_at', cc_ts(r.completed_at))"

/*
 * An invoice's refunded flag: a refund of it completed. GET
 * /invoices?status=refunded lists those invoices, whatever their state
 * (a refund does not change the lifecycle's state: a paid invoice stays
 * paid, and its refunds say how much went back).
 */
#define INVOICE_FILTER_REFUNDED	"refunded"
#define INVOICE_REFUNDED_SQL \
	"EXISTS (SELECT 1 FROM refunds rf WHERE rf.invoice_id = " \
	"invoices.id AND rf.status = 'completed')"

void	refund_json_finish(json_object *raw, int exponent, int decimals);
/*
 * The invoice's credits[]: "refunded_amount" and "remaining_amount" from
 * base units' text to exact decimals.
 */
void	refund_credits_finish(json_object *credits, int decimals);
void	refund_list_finish(json_object *array, int exponent, int decimals);

/*
 * The payment page's form: sets the destination of the invoice's
 * refunds awaiting one (they become pending), with an audit row of who.
 * 0 done (*n: how many), 1 the address is not valid on the invoice's
 * network, -1 error.
 */
int	refund_set_destination(struct db *, const struct cc_config *,
	    const struct audit_actor *, const char *invoice_id,
	    const char *address, int *n);

/*
 * The payment page: how many of the invoice's refunds await an address
 * (*n) and their crypto total as exact decimal text. 0, or -1 error.
 */
int	refund_awaiting(struct db *, const char *invoice_id, char *amount,
	    size_t amountlen, int *n);

/*
 * cc-admin: the newest refunds (status NULL: any), each with its
 * merchant_id; and one refund (*found 0: no such id). NULL on a
 * database error. Caller owns.
 */
json_object	*refund_admin_list(struct db *, const char *status,
		    int limit);
json_object	*refund_admin_show(struct db *, const char *id, int *found);

#endif
