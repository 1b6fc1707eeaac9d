/*
 * One run of cc-rates: for every crypto of the configured networks that
 * is not pegged, and every currency of [rates] currencies, fetch each
 * source's quote (lib/httpget, lib/ratefeed), judge them
 * (lib/ratecheck), record every quote in rate_history and store the
 * chosen one as the pair's rate (lib/rates), logging each refusal on one
 * line: pair, source, reason. Pairs with a manual rate are left alone.
 */
#ifndef CC_RATEUPDATE_H
#define CC_RATEUPDATE_H

#include "cc.h"

struct db;
struct cc_config;

struct rateupdate_stats {
	int	pairs;		/* pairs judged */
	int	stored;		/* pairs whose rate was stored */
	int	kept;		/* pairs that kept their old rate */
	int	manual;		/* pairs skipped: a manual rate */
	int	refused;	/* quotes refused (failures included) */
	long	pruned;		/* history rows deleted */
};

enum rateupdate_result {
	RATEUPDATE_OK,		/* every pair stored, no quote refused */
	RATEUPDATE_REFUSED,	/* some quote or pair refused (logged) */
	RATEUPDATE_DB,		/* the database failed */
	RATEUPDATE_BUSY,	/* another run holds the lock: nothing done */
	RATEUPDATE__MAX
};

/*
 * Runs once. With dry_run, fetches and judges but writes nothing, and
 * prints each pair's verdict on stdout. The process must have called
 * curl_global_init.
 */
enum rateupdate_result rateupdate_run(struct db *, const struct cc_config *,
	    bool dry_run, struct rateupdate_stats *);

#endif
