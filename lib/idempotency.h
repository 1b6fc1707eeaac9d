/*
 * Idempotency-Key handling with Stripe's rules: the first response to a
 * key is stored and replayed for 24 hours; the same key with another body
 * is refused. The key's row is inserted in the same transaction as the
 * work, so concurrent requests with one key wait on its unique index and
 * then replay: exactly one invoice is created.
 */
#ifndef CC_IDEMPOTENCY_H
#define CC_IDEMPOTENCY_H

#include "cc.h"

struct db;

enum idem_state { IDEM_NEW, IDEM_REPLAY, IDEM_MISMATCH, IDEM_ERROR,
    IDEM__MAX };

/* True if the key is 1..255 visible ASCII characters (no spaces). */
bool		idem_key_ok(const char *);
/* SHA-256 over method, path and body: what "the same request" means. */
void		idem_hash(const char *method, const char *path,
		    const char *body, size_t len, uint8_t out[32]);
/*
 * Opens a transaction and claims the key. IDEM_NEW: the transaction stays
 * open; finish with idem_complete or idem_abort. IDEM_REPLAY: *status and
 * *response (caller frees) hold the stored answer. Otherwise nothing is
 * left open.
 */
enum idem_state	idem_claim(struct db *, const char *merchant,
		    const char *mode, const char *key, const uint8_t hash[32],
		    int *status, char **response);
/* Stores the response and commits; 0 or -1 (then nothing was stored). */
int		idem_complete(struct db *, const char *merchant,
		    const char *mode, const char *key, int status,
		    const char *response);
void		idem_abort(struct db *);

#endif
