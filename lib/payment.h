/*
 * Applying payments to invoices: after a payment is recorded, confirmed or
 * reverted (and when the clock passes expires_at, or the customer first
 * opens the invoice), the invoice's state is recomputed by the pure
 * lifecycle_next() and the outcome stored with its events, in the
 * caller's transaction.
 */
#ifndef CC_PAYMENT_H
#define CC_PAYMENT_H

#include "cc.h"

struct db;

/* What applying payments to an invoice came to. */
enum payment_result {
	PAYMENT_OK,		/* done, also when nothing changed */
	PAYMENT_NOT_FOUND,	/* no such invoice */
	PAYMENT_DB_ERROR,	/* a statement failed (lib/db.c logged it) */
	PAYMENT_BROKEN,		/* stored values we cannot use (logged) */
	PAYMENT__MAX
};
const char	*payment_strerror(enum payment_result);

/*
 * Locks the invoice row, sums its payments, decides and stores its next
 * state: status, paid_at/expired_at, invoice.paid / invoice.expired /
 * invoice.overpaid events, and the credit or refund an overpayment owes.
 * viewed asks for created -> pending. Must run inside a transaction.
 * Inconsistent amounts keep the state, are logged and give PAYMENT_OK.
 */
enum payment_result payment_recompute(struct db *, const char *invoice_id,
	    bool viewed);

/*
 * One sweep of cc-expire: in one transaction, recomputes up to limit
 * open invoices whose expiry has passed (claimed FOR UPDATE SKIP LOCKED,
 * so any number of sweepers may run). PAYMENT_OK with *due set to how
 * many were due, or the failure (the sweep is rolled back).
 */
enum payment_result payment_expire_due(struct db *, int limit, int *due);

/*
 * The call the public API makes when a customer opens an invoice: moves a
 * created invoice to pending, once. Runs its own transaction.
 */
enum payment_result payment_mark_viewed(struct db *, const char *invoice_id);

#endif
