-- Payments seen before they are mined (cc-scan's look at the node's
-- pending block, lib/pending.c): 0 confirmations, no block yet. A token
-- transfer's log index is known only once mined: a pending one is stored
-- with log_index -2 (a native transfer's is -1, mined or not) until
-- cc-scan finds it in a block and fills in its block and log index.
ALTER TABLE payments
    ALTER COLUMN block_number DROP NOT NULL,
    ALTER COLUMN block_hash DROP NOT NULL,
    ADD COLUMN pending boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT payments_pending_has_no_block CHECK
	((block_number IS NULL) = pending AND (block_hash IS NULL) = pending);
-- cc-scan checks the pending ones each poll.
CREATE INDEX payments_pending ON payments (network, detected_at)
    WHERE pending AND status = 'detected';
