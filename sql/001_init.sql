-- Foundation schema: merchants, API keys, wallets, rates, invoices, events,
-- audit log and idempotency records. Applied by `cc-admin migrate`.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE merchants (
	id		text PRIMARY KEY,		-- mer_...
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	logo_url	text,
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
	id		text PRIMARY KEY,		-- key_...
	merchant_id	text NOT NULL REFERENCES merchants(id),
	mode		text NOT NULL CHECK (mode IN ('live', 'test')),
	prefix		text NOT NULL,			-- sk_live_, sk_test_, ...
	suffix		text NOT NULL,			-- last three characters
	secret_hash	bytea NOT NULL UNIQUE,		-- SHA-256 of the secret
	scopes		text[] NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	revoked_at	timestamptz
);
CREATE INDEX api_keys_merchant ON api_keys (merchant_id);

-- One extended public key per merchant and network. Each wallet owns a
-- sequence for its derivation indexes: a counter row would serialize every
-- invoice of a merchant; gaps left by rollbacks are harmless.
CREATE TABLE wallets (
	id		text PRIMARY KEY,		-- wal_...
	merchant_id	text NOT NULL REFERENCES merchants(id),
	network		text NOT NULL,
	xpub		text NOT NULL,
	seq_name	text NOT NULL UNIQUE,
	created_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (merchant_id, network)
);

-- Creates a wallet and its index sequence in one call, so that no SQL text
-- is ever assembled outside the database.
CREATE FUNCTION cc_wallet_add(p_id text, p_merchant text, p_network text,
    p_xpub text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	seq text := 'wallet_idx_' || md5(p_id);
BEGIN
	EXECUTE format('CREATE SEQUENCE %I MINVALUE 0 START 0 MAXVALUE 2147483647', seq);
	INSERT INTO wallets (id, merchant_id, network, xpub, seq_name)
	    VALUES (p_id, p_merchant, p_network, p_xpub, seq);
END $$;

-- Exchange rates: price of one whole crypto unit in a fiat currency.
CREATE TABLE rates (
	crypto		text NOT NULL,
	currency	text NOT NULL,
	rate		numeric NOT NULL CHECK (rate > 0),
	source		text NOT NULL,
	updated_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (crypto, currency)
);

CREATE TABLE invoices (
	id		text PRIMARY KEY,		-- inv_ + 128 random bits
	merchant_id	text NOT NULL REFERENCES merchants(id),
	mode		text NOT NULL CHECK (mode IN ('live', 'test')),
	status		text NOT NULL CHECK (status IN
			    ('created', 'pending', 'paid', 'expired', 'cancelled')),
	title		text,
	description	text,
	items		json NOT NULL,			-- json keeps the order of keys
	currency	text NOT NULL,
	currency_exp	smallint NOT NULL,
	subtotal_minor	bigint NOT NULL CHECK (subtotal_minor >= 0),
	tax_minor	bigint NOT NULL CHECK (tax_minor >= 0),
	total_minor	bigint NOT NULL CHECK (total_minor >= 0),
	total		numeric NOT NULL,		-- total in currency units, for filters
	crypto_currency	text NOT NULL,
	network		text NOT NULL,
	crypto_decimals	smallint NOT NULL,
	crypto_amount	numeric(78, 0) NOT NULL,	-- base units (wei, sun, ...)
	rate		numeric NOT NULL,
	rate_source	text NOT NULL,
	rate_locked_at	timestamptz NOT NULL,
	rate_expires_at	timestamptz NOT NULL,
	wallet_id	text NOT NULL REFERENCES wallets(id),
	derivation_index bigint NOT NULL,
	address		text NOT NULL,
	underpay_minor	bigint NOT NULL DEFAULT 0,
	overpay_minor	bigint NOT NULL DEFAULT 0,
	overpay_action	text NOT NULL DEFAULT 'credit_account',
	webhook_url	text,
	return_url	text,
	cancel_url	text,
	metadata	jsonb NOT NULL DEFAULT '{}',
	created_at	timestamptz NOT NULL DEFAULT clock_timestamp(),
	expires_at	timestamptz NOT NULL,
	paid_at		timestamptz,
	cancelled_at	timestamptz,
	cancel_reason	text,
	refund_partial_payments boolean,
	expired_at	timestamptz,
	search_text	text GENERATED ALWAYS AS (lower(coalesce(title, '') ||
			    ' ' || coalesce(description, '') || ' ' ||
			    metadata::text)) STORED,
	UNIQUE (wallet_id, derivation_index)
);
-- The listing is newest first with a keyset cursor on (created_at, id);
-- every filter has an index that starts with the merchant and mode.
CREATE INDEX invoices_list ON invoices
    (merchant_id, mode, created_at DESC, id DESC);
CREATE INDEX invoices_list_status ON invoices
    (merchant_id, mode, status, created_at DESC, id DESC);
CREATE INDEX invoices_list_currency ON invoices
    (merchant_id, mode, currency, created_at DESC, id DESC);
CREATE INDEX invoices_list_total ON invoices (merchant_id, mode, total);
CREATE INDEX invoices_search ON invoices USING gin (search_text gin_trgm_ops);
CREATE INDEX invoices_open_expiry ON invoices (expires_at)
    WHERE status IN ('created', 'pending');
CREATE INDEX invoices_address ON invoices (network, address);

-- Every state change writes an event in the same transaction.
CREATE TABLE events (
	seq		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id		text NOT NULL UNIQUE,		-- evt_...
	invoice_id	text REFERENCES invoices(id),
	merchant_id	text NOT NULL REFERENCES merchants(id),
	type		text NOT NULL,
	data		jsonb NOT NULL DEFAULT '{}',
	created_at	timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX events_invoice ON events (invoice_id, seq);

CREATE TABLE audit_log (
	seq		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id		text NOT NULL UNIQUE,		-- audit_...
	merchant_id	text REFERENCES merchants(id),
	invoice_id	text REFERENCES invoices(id),
	event		text NOT NULL,
	actor		text NOT NULL,
	ip_address	text,
	user_agent	text,
	request_id	text,
	details		jsonb NOT NULL DEFAULT '{}',
	created_at	timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX audit_log_invoice ON audit_log (invoice_id, seq);
CREATE INDEX audit_log_merchant ON audit_log (merchant_id, seq);

-- Stripe's idempotency rules: the first response to a key is stored and
-- replayed for 24 hours; another body with the same key is an error.
CREATE TABLE idempotency_keys (
	merchant_id	text NOT NULL REFERENCES merchants(id),
	mode		text NOT NULL,
	key		text NOT NULL,
	request_hash	bytea NOT NULL,
	status		int,
	response	text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (merchant_id, mode, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Timestamps in API responses: RFC 3339, UTC, whole seconds.
CREATE FUNCTION cc_ts(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE
    PARALLEL SAFE AS $$
	SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;
