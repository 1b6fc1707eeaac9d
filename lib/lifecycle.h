/*
 * The invoice lifecycle as a pure function: from an invoice's stored state,
 * the sums of its payments and the clock, the state to store next and the
 * events that the change emits. No database, no clock reads: the caller
 * gathers the inputs under the invoice's row lock, stores the output and
 * writes the events in the same transaction.
 *
 *	created --view--> pending
 *	created, pending --full confirmed payment--> paid
 *	created, pending --expiry, no full payment seen--> expired
 *	paid --reorg reverts the payment--> pending or expired
 *	expired, cancelled: final
 */
#ifndef CC_LIFECYCLE_H
#define CC_LIFECYCLE_H

#include "cc.h"
#include "money.h"

/* Indexes inv_status_name(); the names are those of the API. */
enum inv_status {
	INV_CREATED,
	INV_PENDING,
	INV_PAID,
	INV_EXPIRED,
	INV_CANCELLED,
	INV__MAX
};

/*
 * "created", "pending", "paid", "expired", "cancelled"; NULL for a value
 * outside the enum, so that a bad state is never stored as text. The string
 * is static.
 */
const char	*inv_status_name(enum inv_status);
/* The same names in enum order, NULL-ended (for choice lists). */
extern const char *const inv_status_names[INV__MAX + 1];
/*
 * The inverse, exact and case-sensitive: 0 with *out set, or -1 (NULL or an
 * unknown name) with *out untouched.
 */
int		 inv_status_from_name(const char *, enum inv_status *out);

struct lifecycle_in {
	enum inv_status		 status;	/* current stored state */
	int64_t			 total_minor;	/* invoice total, fiat minor */
	/* payment_tolerance.underpayment_threshold, fiat minor units */
	int64_t			 underpay_minor;
	/* payment_tolerance.overpayment_threshold, fiat minor units */
	int64_t			 overpay_minor;
	int			 exponent;	/* fiat exponent (2 for USD) */
	/* locked rate: fiat price of one whole crypto unit */
	struct money_dec	 rate;
	int			 decimals;	/* 6 USDT, 18 ETH */
	/*
	 * Sum of the confirmed, non-late payments valued at the locked rate
	 * (seen at or before exchange_rate.expires_at), in base units.
	 */
	unsigned __int128	 confirmed_units;
	/*
	 * Sum of all non-reverted, non-late payments valued at the locked
	 * rate, confirmed or not: never less than confirmed_units.
	 */
	unsigned __int128	 seen_units;
	/*
	 * Payments seen after the lock, each valued at its own rate (see
	 * lib/valuation.h) and rounded down: the confirmed ones' fiat sum,
	 * all non-reverted ones' (never less), the confirmed ones' base
	 * units, and the rate of the latest of them (which prices what an
	 * overpayment beyond the locked payments gives back). All 0 when
	 * every payment came within the lock.
	 */
	int64_t			 repriced_confirmed_minor;
	int64_t			 repriced_seen_minor;
	unsigned __int128	 repriced_confirmed_units;
	struct money_dec	 repriced_rate;
	/*
	 * A non-late payment came after the lock and waits for a current
	 * rate: it counts toward nothing yet, and the invoice does not
	 * expire meanwhile (its money arrived before expires_at).
	 */
	bool			 awaiting_rate;
	int64_t			 now;		/* unix seconds */
	int64_t			 expires_at;	/* unix seconds */
	/* the customer opened the invoice: asks for created -> pending */
	bool			 viewed;
	/* an invoice.overpaid was already recorded */
	bool			 overpaid_before;
};

struct lifecycle_out {
	enum inv_status		 status;	/* the state to store */
	/*
	 * confirmed_units in fiat at the locked rate, rounded down, plus
	 * repriced_confirmed_minor
	 */
	int64_t			 received_minor;
	int64_t			 seen_minor;	/* same for the seen sums */
	/* total_minor - underpay_minor, at least 0 */
	int64_t			 required_minor;
	bool			 paid;		/* emit invoice.paid */
	bool			 expired;	/* emit invoice.expired */
	/* was paid, a reorg reverted payments: no longer paid */
	bool			 reopened;
	/* first time beyond total + overpay threshold: invoice.overpaid */
	bool			 overpaid;
	/*
	 * With overpaid: confirmed_units minus the crypto amount worth
	 * total_minor (rounded up, as money_fiat_to_crypto does); else 0.
	 * It can be 0 with overpaid set when one base unit is worth more
	 * than the overpayment threshold. With repriced payments: all
	 * confirmed units minus the locked-rate price of the total if the
	 * locked payments alone reach it, else repriced_confirmed_units
	 * minus what the rest of the total costs at repriced_rate (rounded
	 * up; 0 if that is more).
	 */
	unsigned __int128	 overpaid_units;
	/*
	 * 0, or -1 when the inputs are inconsistent; everything above is
	 * then 0 or false except status, which equals the input status.
	 */
	int			 error;
};

/*
 * Decides the next state. Amounts compare in fiat minor units, the crypto
 * sums converted at the locked rate and rounded down, so that a customer
 * never gets credit for a fraction of a minor unit.
 *
 * A payment is "full" when its fiat value reaches required_minor and it is
 * more than nothing (a zero required_minor never makes an invoice paid
 * without money). Then:
 *  - created/pending with a full confirmed payment -> paid (paid), even
 *    past expires_at: expiry never overrides money that arrived;
 *  - else created/pending at or after expires_at -> expired (expired),
 *    unless a full payment is seen and still confirming, or a payment
 *    awaits a rate: it keeps waiting;
 *  - else created + viewed -> pending; otherwise unchanged;
 *  - paid without a full confirmed payment any more (reorg) -> reopened,
 *    and pending before expires_at or while a full payment is seen, else
 *    expired (expired as well);
 *  - expired and cancelled never change; the caller leaves late payments
 *    out of the sums.
 * A state that is or becomes paid with received_minor above total_minor +
 * overpay_minor sets overpaid, unless overpaid_before.
 *
 * Inconsistent inputs give error -1: a status outside the enum; a negative
 * total or threshold; seen_units below confirmed_units (or
 * repriced_seen_minor below repriced_confirmed_minor, or either below 0;
 * a zero repriced_rate with repriced units); a scale outside
 * 0..MONEY_MAX_SCALE; a zero rate; a fiat value above INT64_MAX;
 * total_minor + overpay_minor above INT64_MAX. These are checked whatever
 * the state, final ones included.
 *
 * The result is a fixed point: calling again with the output status (and
 * overpaid_before set if overpaid was) changes nothing and emits nothing.
 */
void	lifecycle_next(const struct lifecycle_in *, struct lifecycle_out *);

/* A payment's own progress; the names are those of the API. */
enum pay_status {
	PAY_DETECTED,
	PAY_CONFIRMING,
	PAY_CONFIRMED,
	PAY_REVERTED,
	PAY__MAX
};

/* "detected", ...; NULL outside the enum. The string is static. */
const char	*pay_status_name(enum pay_status);
/* The inverse, exact: 0 with *out set, or -1 with *out untouched. */
int		 pay_status_from_name(const char *, enum pay_status *out);

/*
 * The status of a payment in the canonical chain with confirmations
 * counted from the head (1 = in the head block) and required (the
 * network's confirmations; below 1 counts as 1): confirmed at required,
 * else confirming from the second confirmation, else detected. A
 * reverted payment is decided by the reorganisation, not here.
 */
enum pay_status	 lifecycle_payment(int64_t confirmations, int required);

/* Whether a merchant may cancel, and why not. */
enum cancel_verdict {
	CANCEL_OK,
	CANCEL_ALREADY_CANCELLED,
	CANCEL_ALREADY_PAID,
	CANCEL_EXPIRED,		/* expired, or past expires_at */
	CANCEL__MAX
};

/*
 * Only an open invoice (created, pending) before its expiry can be
 * cancelled; past_expiry is expires_at <= now.
 */
enum cancel_verdict lifecycle_cancel(enum inv_status, bool past_expiry);

#endif
