-- Refunds that the scanner can verify. The wallet is watch-only: the
-- merchant sends a refund from any wallet of theirs, and cc-scan completes
-- the record when it sees that token and crypto amount reach the
-- destination in a block after the record was made (lib/refund.c).
--
-- Rows written before this migration (an overpayment with
-- overpayment_action refund, a cancellation with refund_partial_payments)
-- have no destination: they become awaiting_destination, the state the
-- payment page asks the customer for an address in.
ALTER TABLE refunds
	ADD COLUMN network		text,
	ADD COLUMN currency		text,
	ADD COLUMN fiat_minor		bigint CHECK (fiat_minor >= 0),
	ADD COLUMN rate			numeric,
	ADD COLUMN variant		text,
	ADD COLUMN subtract_percentage	numeric(5, 2)
	    CHECK (subtract_percentage BETWEEN 0 AND 100),
	ADD COLUMN destination		text,
	ADD COLUMN created_block	bigint,		-- chain cursor then
	ADD COLUMN tx_hash		text,
	ADD COLUMN log_index		integer,
	ADD COLUMN block_number		bigint,
	ADD COLUMN block_hash		text,
	ADD COLUMN from_address		text,
	ADD COLUMN completed_at		timestamptz;

UPDATE refunds r SET network = i.network, currency = i.currency
    FROM invoices i WHERE i.id = r.invoice_id;
UPDATE refunds SET status = 'awaiting_destination'
    WHERE status = 'pending' AND destination IS NULL;
ALTER TABLE refunds ADD CONSTRAINT refunds_status CHECK (status IN
    ('awaiting_destination', 'pending', 'completed'));
ALTER TABLE refunds ADD CONSTRAINT refunds_variant CHECK (variant IN
    ('locked_rate', 'rate_then', 'current_rate', 'overpaid', 'custom'));

-- One transfer completes one refund, never two.
CREATE UNIQUE INDEX refunds_tx ON refunds (network, tx_hash, log_index)
    WHERE tx_hash IS NOT NULL;
-- What the scanner watches: refunds with a destination, not completed.
CREATE INDEX refunds_open ON refunds (network)
    WHERE status = 'pending';
