-- Rate locks that mean what they say (issue 15), and network fees.
--
-- Each payment is valued at a rate of its own: the invoice's locked rate
-- when its block's timestamp (detected_at for a row without one) is at or
-- before the invoice's rate_expires_at, else the rate current when it is
-- recorded (a pegged invoice keeps its peg). rate NULL: not valued yet
-- (after the lock with no fresh rate): it counts toward nothing until
-- cc-scan finds a rate. The fiat value and the difference to the locked
-- rate are computed from these exact values in C (lib/valuation.c),
-- never in SQL.
ALTER TABLE payments ADD COLUMN block_time timestamptz;
ALTER TABLE payments ADD COLUMN rate numeric CHECK (rate > 0);
ALTER TABLE payments ADD COLUMN rate_source text;
ALTER TABLE payments ADD COLUMN rate_locked boolean;
ALTER TABLE payments ADD COLUMN valued_at timestamptz;
ALTER TABLE payments ADD CONSTRAINT payments_valued CHECK
    ((rate IS NULL) = (rate_locked IS NULL) AND
     (rate IS NULL) = (rate_source IS NULL));

-- Payments recorded before this counted at the locked rate: so they stay.
UPDATE payments p SET rate = i.rate, rate_source = i.rate_source,
    rate_locked = true, valued_at = p.detected_at
    FROM invoices i WHERE i.id = p.invoice_id;

-- Payments that wait for a rate, for cc-scan's retry.
CREATE INDEX payments_unvalued ON payments (network, detected_at)
    WHERE rate IS NULL AND status <> 'reverted' AND NOT late;

-- The transaction's fee from its receipt (gasUsed x effectiveGasPrice),
-- in the base units of the network's native coin, and the block it was
-- read for: a fee is known when fee_block_hash = block_hash; cc-scan
-- (re)reads it otherwise (not read yet, the node failed, or the payment
-- moved to another block in a reorganisation).
ALTER TABLE payments ADD COLUMN network_fee numeric(78, 0)
    CHECK (network_fee >= 0);
ALTER TABLE payments ADD COLUMN fee_block_hash text;
CREATE INDEX payments_fee_unknown ON payments (network, detected_at)
    WHERE fee_block_hash IS NULL AND status <> 'reverted';
