/*
 * The fan-out of the event stream process: streams subscribe to an
 * invoice, the one listener publishes each event once, and every
 * subscriber of that invoice gets it. Thread-safe; the per-invoice count
 * of subscribers is bounded.
 */
#ifndef CC_HUB_H
#define CC_HUB_H

#include "cc.h"

struct hub;
struct hub_sub;

struct hub	*hub_new(void);
void		 hub_free(struct hub *);

/*
 * Subscribes to an invoice's events; NULL when max subscribers already
 * follow it (*full false) or the hub holds max_total streams in all
 * (*full true). Unsubscribe (which frees it) when the stream ends.
 */
struct hub_sub	*hub_subscribe(struct hub *, const char *invoice, int max,
		    size_t max_total, bool *full);
void		 hub_unsubscribe(struct hub *, struct hub_sub *);
/* Events up to seq were already sent to this subscriber: skip them. */
void		 hub_mark_sent(struct hub *, struct hub_sub *, int64_t seq);

/*
 * Hands one event (a ready SSE message) to the invoice's subscribers that
 * have not had it; final marks the invoice's last event.
 */
void		 hub_publish(struct hub *, const char *invoice, int64_t seq,
		    const char *message, bool final);

/*
 * Waits up to timeout_ms for messages. Returns the concatenated messages
 * (caller frees) or NULL on timeout; *final is set once the final event
 * is among them.
 */
char		*hub_wait(struct hub *, struct hub_sub *, int timeout_ms,
		    bool *final);

/* True if some stream follows the invoice. */
bool		 hub_followed(struct hub *, const char *invoice);

/* Number of invoices and streams followed (for logs and benchmarks). */
void		 hub_counts(struct hub *, size_t *invoices, size_t *streams);

#endif
