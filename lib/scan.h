/*
 * The chain scanner of one network: follows the head in batches, finds
 * token Transfer logs and native transfers to invoice addresses (matched
 * in an in-memory hash set), records each payment once, counts
 * confirmations from the head, and undoes what a reorganisation orphaned.
 * The cursor advances in the same transaction as the payments of its
 * blocks, so a process killed at any point loses and repeats nothing.
 */
#ifndef CC_SCAN_H
#define CC_SCAN_H

#include "cc.h"

struct db;
struct cc_network;

struct scan_opts {
	int64_t		 run_for;	/* seconds to keep polling; 0: one pass */
	int64_t		 from_block;	/* backfill start, or -1 */
	uint64_t	 batch;		/* blocks per batch (max range) */
	int		 poll_ms;	/* pause when at the head */
	bool		 progress;	/* print a progress line while behind */
	/* [rates] max_age: a feed's rate values payments made after an
	 * invoice's rate lock while at most this old (lib/valuation.h) */
	int		 rates_max_age;
};

#define SCAN_DEFAULT_BATCH	100
#define SCAN_KEEP_BLOCKS	256	/* deepest reorganisation handled */
#define SCAN_LOCK_BUSY		2	/* scan_run: another run holds the lock */

/*
 * Scans net until opts->run_for has passed (or once). A node or database
 * that fails is tried again while the run lasts (after a database failure
 * the lock and the committed cursor are taken again). Returns 0,
 * SCAN_LOCK_BUSY if another process scans this network, or -1 on an error
 * that stopped the run (logged).
 */
int	scan_run(struct db *, const struct cc_network *,
	    const struct scan_opts *);

#endif
