/*
 * The scanner's side of refunds: a pending refund is completed when a
 * transfer of its asset and exact crypto amount reaches its destination
 * in a block above the refund's horizon, the newest block known when it
 * was made (lib/refund.c; from any sender: the merchant may pay from
 * another wallet), once that block has the network's confirmations. A
 * reorganisation that takes the block away makes the refund pending
 * again, with refund.reverted if it had completed. lib/scan.c calls these
 * hooks.
 */
#ifndef CC_REFUNDSCAN_H
#define CC_REFUNDSCAN_H

#include "cc.h"

struct db;
struct cc_network;
struct refund_watch;

/*
 * The network's pending refunds that no transfer matched yet (at most
 * REFUNDSCAN_MAX_WATCH, oldest first). NULL on a database error.
 */
#define REFUNDSCAN_MAX_WATCH	10000
struct refund_watch *refund_watch_load(struct db *, const struct cc_network *);
void	refund_watch_free(struct refund_watch *);

/*
 * The refund a transfer of value units of asset to `to` in block would
 * complete, not taken yet by another transfer: its index, or -1.
 */
int	refund_watch_find(const struct refund_watch *, const char *asset,
	    const uint8_t to[20], unsigned __int128 value, uint64_t block);
/* That refund taken by this transfer (recorded by refund_watch_record). */
void	refund_watch_take(struct refund_watch *, int idx,
	    const char *tx_hash, int64_t log_index, uint64_t block,
	    const char *block_hash, const char *from);
/* In the scanner's batch transaction: the taken transfers stored. 0/-1. */
int	refund_watch_record(struct refund_watch *, struct db *);

/*
 * Own transaction: refunds whose transfer has the confirmations become
 * completed, each with its invoice.refunded event. 0/-1.
 */
int	refund_scan_confirm(struct db *, const struct cc_network *,
	    uint64_t head);
/*
 * In the scanner's reorganisation transaction: refunds whose transfer
 * was above block fork are pending again, without it; each that had
 * completed writes refund.reverted. 0/-1.
 */
int	refund_scan_revert(struct db *, const struct cc_network *,
	    uint64_t fork);

#endif
