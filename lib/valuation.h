/*
 * What a payment is worth in the invoice's currency: the rate lock.
 *
 * An invoice locks its rate until exchange_rate.expires_at (created_at +
 * price_lock_duration). A payment's moment is its block's timestamp
 * (detected_at for a row without one, to the second). A payment at or
 * before the lock's last second is valued at the locked rate. A payment
 * after it is valued at the rate of its own moment, from rate_history
 * (never from whatever the rates table says when cc-scan gets to it):
 *  - the rate in force then: a manual rate set at or before it and not
 *    ended by then, else the feeds' quote stored (made the pair's rate
 *    by cc-rates) last at or before it, if no older than [rates]
 *    max_age at that moment, and not from before a manual rate's end;
 *  - else the first rate stored after it, if within max_age of it (the
 *    payment came in a gap in the feeds: it waits for it);
 *  - else the first manual rate set after it: an admin's deliberate
 *    answer to a payment no quote is near;
 *  - else it waits, unvalued, counting toward nothing: never a guess.
 * An invoice locked at a peg (source 'peg': USDT in USD) keeps the peg.
 * Each payment stores its rate, the rate's source and whether it is the
 * locked one; its fiat value (rounded down) and the difference to its
 * value at the locked rate are computed from those exact decimals here,
 * never in SQL.
 */
#ifndef CC_VALUATION_H
#define CC_VALUATION_H

#include <json-c/json.h>

#include "cc.h"
#include "money.h"

struct db;

#define VALUATION_SOURCE_MAX	32
#define VALUATION_RATE_MAX	64	/* a rate's text, with the NUL */

enum valuation_kind {
	VALUATION_LOCKED,	/* within the lock: the locked rate */
	VALUATION_PEG,		/* after it, a pegged invoice: the peg */
	VALUATION_IN_FORCE,	/* after it: the rate in force then */
	VALUATION_NEXT,		/* after it: the next quote, within max_age */
	VALUATION_LATER_MANUAL,	/* after it: a manual rate set later */
	VALUATION_WAIT,		/* after it, no usable rate: not yet */
	VALUATION__MAX
};

/*
 * "locked", "peg", "in_force", "next", "later_manual", "wait"; NULL
 * outside the enum.
 */
const char	*valuation_kind_name(enum valuation_kind);

/*
 * A row of rate_history: rate NULL when there is none (or, for a manual
 * row, when it records the manual rate's end). at_us is its
 * fetched_at (for a manual rate, when it was set or deleted) in
 * microseconds since the epoch.
 */
struct valuation_quote {
	const char	*rate;
	const char	*source;
	int64_t		 at_us;
};

struct valuation_in {
	int64_t		 seen_at;	/* the payment's moment (s) */
	int64_t		 lock_until;	/* exchange_rate.expires_at (s) */
	const char	*locked_rate;	/* the invoice's, exact text */
	const char	*locked_source;	/* the invoice's rate_source */
	/* The pair's rate_history around seen_at (rate NULL: no row): */
	struct valuation_quote	 manual_before;	/* newest manual row <= */
	struct valuation_quote	 feed_before;	/* newest stored feed <= */
	struct valuation_quote	 next;		/* first stored row > */
	struct valuation_quote	 manual_after;	/* first manual rate > */
	/* [rates] max_age; below 0 when unknown: only manual rates serve */
	int		 max_age;
};

struct valuation_out {
	enum valuation_kind	 kind;
	struct money_dec	 rate;		/* unless VALUATION_WAIT */
	char			 rate_text[VALUATION_RATE_MAX]; /* or "" */
	char			 source[VALUATION_SOURCE_MAX];
	bool			 locked;	/* rate is the locked one */
};

/*
 * Decides a payment's rate by the rule above, a pure function of its
 * input. seen_at == lock_until is within the lock. Returns 0, or -1 when
 * the invoice's own rate does not parse (a broken row). A quote that
 * does not parse or is zero is as good as none.
 */
int	valuation_decide(const struct valuation_in *, struct valuation_out *);

/*
 * The fiat value of units at rate (rounded down, minor units at
 * exponent) and its difference to their value at the locked rate
 * (negative when the rate fell). 0, or -1 for values beyond int64_t or a
 * bad scale or zero rate.
 */
int	valuation_amounts(unsigned __int128 units, int decimals,
	    const struct money_dec *rate, const struct money_dec *locked,
	    int exponent, int64_t *value, int64_t *difference);

/* The lifecycle's inputs for payments valued after the lock. */
struct valuation_sums {
	int64_t			 confirmed_minor;
	int64_t			 seen_minor;
	unsigned __int128	 confirmed_units;
	struct money_dec	 last_rate;	/* the latest one added */
	bool			 awaiting;	/* one waits for a rate */
};

/*
 * Adds a repriced payment (units at its rate, rounded down on its own),
 * confirmed or only seen, in the order they were seen. 0, or -1 on
 * overflow (sums untouched).
 */
int	valuation_sums_add(struct valuation_sums *, unsigned __int128 units,
	    int decimals, const struct money_dec *rate, int exponent,
	    bool confirmed);

/*
 * Values the invoice's non-reverted payments that have no rate yet, in
 * the caller's transaction, locking the invoice row first as
 * payment_recompute does (when there is something to value). max_age as
 * in valuation_in. Returns how many still wait for a rate, or -1
 * (logged).
 */
int	valuation_apply(struct db *, const char *invoice_id, int max_age);

/*
 * The sums of the invoice's non-late, non-reverted payments valued after
 * the lock, and whether one awaits a rate. 0 or -1 (logged).
 */
int	valuation_load_sums(struct db *, const char *invoice_id, int decimals,
	    int exponent, struct valuation_sums *);

/*
 * For a view's payments list whose "amount" is still base-unit text and
 * "rate" an exact decimal or null: adds "fiat_amount" and
 * "rate_difference" (null until the payment is valued) in the invoice's
 * currency.
 */
void	valuation_annotate(json_object *payments, int decimals,
	    const char *locked_rate, int exponent);

#endif
