/*
 * What a payment is worth in the invoice's currency: the rate lock.
 *
 * An invoice locks its rate until exchange_rate.expires_at (created_at +
 * price_lock_duration). A payment seen at or before that second (its
 * block's timestamp; detected_at for a row without one) is valued at the
 * locked rate. A payment seen after it is valued at the rate current
 * when it is recorded, from the rates table: a manual rate, or a feed's
 * no older than [rates] max_age. An invoice locked at a peg (source
 * 'peg': USDT in USD) keeps the peg. Without a usable rate the payment
 * waits, unvalued, counting toward nothing, until cc-scan finds one:
 * never a guess. Each payment stores its rate, the rate's source and
 * whether it is the locked one; its fiat value (rounded down) and the
 * difference to its value at the locked rate are computed from those
 * exact decimals here, never in SQL.
 */
#ifndef CC_VALUATION_H
#define CC_VALUATION_H

#include <json-c/json.h>

#include "cc.h"
#include "money.h"

struct db;

#define VALUATION_SOURCE_MAX	32

enum valuation_kind {
	VALUATION_LOCKED,	/* seen within the lock: the locked rate */
	VALUATION_PEG,		/* after it, a pegged invoice: the peg */
	VALUATION_CURRENT,	/* after it: the rate current now */
	VALUATION_WAIT,		/* after it, no usable rate: not yet */
	VALUATION__MAX
};

/* "locked", "peg", "current", "wait"; NULL outside the enum. */
const char	*valuation_kind_name(enum valuation_kind);

struct valuation_in {
	int64_t		 seen_at;	/* block time, else detected_at (s) */
	int64_t		 lock_until;	/* exchange_rate.expires_at (s) */
	const char	*locked_rate;	/* the invoice's, exact text */
	const char	*locked_source;	/* the invoice's rate_source */
	/* The pair's row in rates now: NULL rate when there is none. */
	const char	*current_rate;
	const char	*current_source;
	int64_t		 current_age;	/* seconds since its updated_at */
	/* [rates] max_age; below 0 when unknown: only manual rates serve */
	int		 max_age;
};

struct valuation_out {
	enum valuation_kind	 kind;
	struct money_dec	 rate;		/* unless VALUATION_WAIT */
	char			 rate_text[64];	/* as given, or "" */
	char			 source[VALUATION_SOURCE_MAX];
	bool			 locked;	/* rate is the locked one */
};

/*
 * Decides a payment's rate. seen_at == lock_until is within the lock.
 * Returns 0, or -1 when the invoice's own rate does not parse (a broken
 * row). A current rate that does not parse, is zero or is stale gives
 * VALUATION_WAIT.
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
