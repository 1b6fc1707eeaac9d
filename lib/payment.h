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

/*
 * Locks the invoice row, sums its payments, decides and stores its next
 * state: status, paid_at/expired_at, invoice.paid / invoice.expired /
 * invoice.overpaid events, and the credit or refund an overpayment owes.
 * viewed asks for created -> pending. Must run inside a transaction.
 * Returns 0 (also when nothing changed), 1 if no such invoice, -1.
 */
int	payment_recompute(struct db *, const char *invoice_id, bool viewed);

/*
 * One sweep of cc-expire: in one transaction, recomputes up to limit
 * open invoices whose expiry has passed (claimed FOR UPDATE SKIP LOCKED,
 * so any number of sweepers may run). Returns how many were due, or -1.
 */
int	payment_expire_due(struct db *, int limit);

/*
 * The call the public API makes when a customer opens an invoice: moves a
 * created invoice to pending, once. Runs its own transaction. 0, 1 (no
 * such invoice) or -1.
 */
int	payment_mark_viewed(struct db *, const char *invoice_id);

#endif
