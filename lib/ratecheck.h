/*
 * The rules cc-rates applies to fetched exchange rates, as pure functions
 * over plain values (no database, no network): what a quote's text must
 * be, how far two rates may differ, and which of the sources' quotes for
 * one pair becomes the stored rate. All of it in exact decimal
 * arithmetic: a rate is never a double.
 */
#ifndef CC_RATECHECK_H
#define CC_RATECHECK_H

#include "cc.h"
#include "money.h"

/* Decimals a stored rate may have (RATES_MAX_SCALE in rates.h). */
#define RATECHECK_MAX_SCALE	18
/* Bytes of a quote's text we look at; a longer one is refused. */
#define RATECHECK_MAX_TEXT	64
/* A refusal's reason, bytes with the NUL. */
#define RATECHECK_WHY		160

enum ratecheck_err {
	RATECHECK_OK,
	RATECHECK_ESYNTAX,	/* not a number ("abc", "", "1,5", " 1") */
	RATECHECK_EZERO,	/* zero */
	RATECHECK_ENEGATIVE,	/* below zero */
	RATECHECK_ESCALE,	/* more than RATECHECK_MAX_SCALE decimals */
	RATECHECK_ERANGE,	/* too many digits, or an exponent too large */
	RATECHECK__MAX
};
const char	*ratecheck_strerror(enum ratecheck_err);

/*
 * A quote's text as a source wrote it, a JSON number's or a string's:
 * "3012.34", "3012.10000", and for JSON numbers exponent forms such as
 * "1.5e-05" or "3.01234E3", which are turned into plain decimals by
 * moving digits ("0.000015"), never through a double. On RATECHECK_OK
 * *out is the rate, above zero, at most RATECHECK_MAX_SCALE decimals
 * after trailing zeros are dropped and CC_MAX_DECIMAL_DIGITS digits;
 * plain (if not NULL, plainlen >= 2 * CC_MAX_DECIMAL_DIGITS) gets its
 * plain decimal text.
 */
enum ratecheck_err ratecheck_quote(const char *text, struct money_dec *out,
		    char *plain, size_t plainlen);

/*
 * [rates] max_deviation: a percentage above 0 and at most 100 with at
 * most 2 decimals ("5", "2.5", "0.25"). 0 or -1.
 */
int	 ratecheck_parse_deviation(const char *, struct money_dec *out);

/*
 * True if rate lies within dev percent of ref:
 *   |rate - ref| * 100 <= dev * ref
 * exactly. False if a product would exceed 128 bits (no real rate
 * comes near that), or ref is zero.
 */
bool	 ratecheck_within(const struct money_dec *rate,
	    const struct money_dec *ref, const struct money_dec *dev);
/*
 * |rate - ref| / ref in percent with two decimals, rounded up, for log
 * lines ("16.20%"); "?" when it cannot be computed.
 */
void	 ratecheck_percent(const struct money_dec *rate,
	    const struct money_dec *ref, char *out, size_t outlen);

/* One source's answer for one pair, in the order of preference. */
struct ratecheck_quote {
	const char		*source;	/* "coinbase" */
	bool			 ok;		/* rate is valid */
	struct money_dec	 rate;
	/* Filled by ratecheck_decide: */
	bool			 accepted;	/* passed every check */
	char			 why[RATECHECK_WHY];	/* if not */
};

/* The pair's stored rate from the feeds, if any. */
struct ratecheck_last {
	bool			 have;
	bool			 fresh;		/* at most max_age old */
	struct money_dec	 rate;
	const char		*source;
};

/*
 * Decides which quote becomes the pair's rate. q holds every configured
 * source's answer (n >= 1, in preference order; a source that failed
 * has ok false and its reason in why). The rules:
 *  - With two or more sources, the rate is the first valid quote that
 *    another valid quote agrees with (within dev percent of it); the
 *    quotes that agree with it are accepted too. Valid quotes that all
 *    disagree are refused together.
 *  - With two or more sources of which only one answered validly, that
 *    one is taken only if a fresh last rate vouches for it (the jump
 *    check below); with no fresh last rate it is refused: nothing
 *    confirmed it.
 *  - With one source configured, its valid quote is the candidate.
 *  - Whatever the candidate, it must lie within dev percent of a fresh
 *    last rate; a last rate older than max_age does not count (the
 *    market may have moved that far meanwhile).
 * Returns the index of the quote to store, or -1 with why saying why
 * the pair keeps its old rate. Every quote's accepted and why are set.
 */
int	 ratecheck_decide(struct ratecheck_quote *q, size_t n,
	    const struct ratecheck_last *last, const struct money_dec *dev,
	    char *why, size_t whylen);

#endif
