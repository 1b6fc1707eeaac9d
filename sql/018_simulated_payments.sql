-- Test-mode simulation (POST /api/v1/test/invoices/{id}/simulate, lib/
-- simulate.c): without a local chain the route records the payment the
-- scanner would have recorded, marked as simulated so that it can never be
-- taken for money. Its tx_hash is well-formed but begins with 16 zero
-- bytes. Only test-mode invoices ever get one (the route's own SQL joins
-- the invoice's mode), and cc-scan leaves such rows alone: it counts no
-- confirmations for a block that never existed.
ALTER TABLE payments ADD COLUMN simulated boolean NOT NULL DEFAULT false;
