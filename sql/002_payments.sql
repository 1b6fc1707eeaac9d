-- Payments found on chain, the scanner's position and recent blocks, and
-- what overpayments and cancellations owe (credits and refunds).

-- Where each network's scanner stands: the last block whose payments are
-- recorded. It advances in the same transaction as those payments.
CREATE TABLE chain_cursors (
	network		text PRIMARY KEY,
	block_number	bigint NOT NULL,
	block_hash	text NOT NULL,
	updated_at	timestamptz NOT NULL DEFAULT now()
);

-- Recent canonical blocks, to find the fork point of a reorganisation.
CREATE TABLE chain_blocks (
	network		text NOT NULL,
	number		bigint NOT NULL,
	hash		text NOT NULL,
	parent_hash	text NOT NULL,
	PRIMARY KEY (network, number)
);

CREATE TABLE payments (
	id		text PRIMARY KEY,		-- pay_...
	invoice_id	text NOT NULL REFERENCES invoices(id),
	merchant_id	text NOT NULL REFERENCES merchants(id),
	network		text NOT NULL,
	asset		text NOT NULL,
	tx_hash		text NOT NULL,
	log_index	integer NOT NULL,		-- -1: a native coin transfer
	block_number	bigint NOT NULL,
	block_hash	text NOT NULL,
	from_address	text,
	to_address	text NOT NULL,
	amount		numeric(78, 0) NOT NULL CHECK (amount > 0),
	status		text NOT NULL CHECK (status IN
			    ('detected', 'confirming', 'confirmed', 'reverted')),
	confirmations	integer NOT NULL DEFAULT 0,
	late		boolean NOT NULL DEFAULT false,
	detected_at	timestamptz NOT NULL DEFAULT now(),
	confirmed_at	timestamptz,
	reverted_at	timestamptz,
	-- Recording a payment twice is impossible, not merely avoided.
	UNIQUE (network, tx_hash, log_index)
);
CREATE INDEX payments_invoice ON payments (invoice_id, detected_at);
CREATE INDEX payments_unconfirmed ON payments (network, block_number)
    WHERE status IN ('detected', 'confirming');

-- Overpayments credited to the merchant's customer account.
CREATE TABLE credits (
	id		text PRIMARY KEY,		-- cre_...
	merchant_id	text NOT NULL REFERENCES merchants(id),
	invoice_id	text NOT NULL REFERENCES invoices(id),
	asset		text NOT NULL,
	amount		numeric(78, 0) NOT NULL CHECK (amount > 0),
	reason		text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credits_invoice ON credits (invoice_id);

-- Money to send back: overpayments with overpayment_action = refund, and
-- what a cancelled invoice had received when refund_partial_payments.
CREATE TABLE refunds (
	id		text PRIMARY KEY,		-- ref_...
	merchant_id	text NOT NULL REFERENCES merchants(id),
	invoice_id	text NOT NULL REFERENCES invoices(id),
	asset		text NOT NULL,
	amount		numeric(78, 0) NOT NULL CHECK (amount > 0),
	reason		text NOT NULL,
	status		text NOT NULL DEFAULT 'pending',
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_invoice ON refunds (invoice_id);

ALTER TABLE invoices ADD COLUMN overpaid_at timestamptz;
ALTER TABLE invoices ADD COLUMN viewed_at timestamptz;

-- One extended key serves one wallet per network: two wallets sharing it
-- would hand out the same addresses, and a payment could not be told
-- apart. cc-admin stores keys in their canonical xpub form.
ALTER TABLE wallets ADD CONSTRAINT wallets_network_xpub UNIQUE (network, xpub);
DROP INDEX invoices_address;
CREATE UNIQUE INDEX invoices_address ON invoices (network, address);
