-- Refunds that the scanner verifies as issue 15 promises.
--
-- head_seen: the chain head cc-scan last asked the node for. A refund is
-- completed only by a transfer in a block above the newest block the
-- system knew of when it was recorded (lib/refund.c): the greatest of
-- the cursor, this head and the head the node gives at that moment. A
-- scanner that lags behind the chain would otherwise take a transfer
-- mined before the refund existed for it.
ALTER TABLE chain_cursors ADD COLUMN head_seen bigint;

-- The part of a credit_account overpayment's credit that refunds of the
-- invoice have given back: the customer is never both credited and
-- refunded the same units (lib/refund.c takes it under the invoice's
-- row lock, with the refund).
ALTER TABLE credits ADD COLUMN refunded numeric(78, 0) NOT NULL DEFAULT 0;
ALTER TABLE credits ADD CONSTRAINT credits_refunded
    CHECK (refunded >= 0 AND refunded <= amount);
