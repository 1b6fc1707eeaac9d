-- Webhooks: the merchant's endpoints, one delivery row per event and
-- destination (written by a trigger in the event's own transaction, so no
-- code path that adds an event can forget it), and every attempt.

-- prefix + 26 lower-case base32 characters, like ids_new() in C.
CREATE FUNCTION cc_new_id(prefix text) RETURNS text LANGUAGE plpgsql
    VOLATILE AS $$
DECLARE
	b	bytea := uuid_send(gen_random_uuid());
	abc	constant text := 'abcdefghijklmnopqrstuvwxyz234567';
	r	text := prefix;
	acc	int := 0;
	bits	int := 0;
BEGIN
	FOR i IN 0..15 LOOP
		acc := (acc << 8) | get_byte(b, i);
		bits := bits + 8;
		WHILE bits >= 5 LOOP
			r := r || substr(abc, ((acc >> (bits - 5)) & 31) + 1, 1);
			bits := bits - 5;
		END LOOP;
		acc := acc & ((1 << bits) - 1);
	END LOOP;
	RETURN r || substr(abc, ((acc << (5 - bits)) & 31) + 1, 1);
END $$;

CREATE TABLE webhook_endpoints (
	id		text PRIMARY KEY,		-- whk_...
	merchant_id	text NOT NULL REFERENCES merchants(id),
	mode		text NOT NULL CHECK (mode IN ('live', 'test')),
	url		text NOT NULL,
	events		text[] NOT NULL,
	-- Kept in clear: every delivery needs it to sign. Shown to the
	-- merchant only when created or rotated.
	secret		text NOT NULL,
	allowed_ips	text[] NOT NULL DEFAULT '{}',
	max_retries	int NOT NULL CHECK (max_retries BETWEEN 0 AND 20),
	retry_backoff	text NOT NULL CHECK (retry_backoff IN
			    ('exponential', 'linear')),
	timeout		int NOT NULL CHECK (timeout BETWEEN 1 AND 60),
	enabled		boolean NOT NULL DEFAULT true,
	created_at	timestamptz NOT NULL DEFAULT clock_timestamp(),
	updated_at	timestamptz NOT NULL DEFAULT clock_timestamp(),
	-- Deleted endpoints stay, so that past deliveries keep their URL.
	deleted_at	timestamptz
);
CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints
    (merchant_id, mode, created_at) WHERE deleted_at IS NULL;

-- The secret that signs deliveries to an invoice's own webhook_url, one
-- per merchant and mode; its id is the X-Crypto-Checkout-Webhook-Id.
CREATE TABLE invoice_webhook_secrets (
	id		text NOT NULL UNIQUE,		-- whk_...
	merchant_id	text NOT NULL REFERENCES merchants(id),
	mode		text NOT NULL CHECK (mode IN ('live', 'test')),
	secret		text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT clock_timestamp(),
	PRIMARY KEY (merchant_id, mode)
);

CREATE TABLE webhook_deliveries (
	id		text PRIMARY KEY,		-- whd_...
	event_seq	bigint NOT NULL REFERENCES events(seq),
	merchant_id	text NOT NULL REFERENCES merchants(id),
	invoice_id	text REFERENCES invoices(id),
	-- An endpoint's delivery, or (endpoint_id NULL) one to the
	-- invoice's webhook_url, copied here.
	endpoint_id	text REFERENCES webhook_endpoints(id),
	url		text,
	status		text NOT NULL DEFAULT 'pending' CHECK (status IN
			    ('pending', 'delivered', 'failed', 'cancelled')),
	attempts	int NOT NULL DEFAULT 0,
	-- When the next attempt is due. A worker that claims the row moves
	-- it past the request's timeout: a lease, so that a worker that dies
	-- mid-request leaves the row to the next run, and a live one is
	-- never raced.
	next_attempt_at	timestamptz NOT NULL DEFAULT clock_timestamp(),
	-- Set while a worker holds the delivery (until the lease ends): how
	-- many requests a destination has in flight, across workers.
	leased_until	timestamptz,
	response_code	int,
	last_error	text,
	created_at	timestamptz NOT NULL DEFAULT clock_timestamp(),
	delivered_at	timestamptz,
	failed_at	timestamptz,
	CHECK ((endpoint_id IS NULL) <> (url IS NULL))
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_leased ON webhook_deliveries (leased_until)
    WHERE status = 'pending' AND leased_until IS NOT NULL;
CREATE INDEX webhook_deliveries_invoice ON webhook_deliveries
    (invoice_id, created_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries
    (endpoint_id, created_at) WHERE endpoint_id IS NOT NULL;

CREATE TABLE webhook_attempts (
	delivery_id	text NOT NULL REFERENCES webhook_deliveries(id),
	attempt		int NOT NULL,
	url		text NOT NULL,
	started_at	timestamptz NOT NULL,
	latency_ms	int NOT NULL,
	response_code	int,				-- NULL: no response
	error		text,				-- NULL: 2xx
	PRIMARY KEY (delivery_id, attempt)
);

CREATE FUNCTION cc_webhook_fanout() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	n	bigint;
BEGIN
	INSERT INTO webhook_deliveries (id, event_seq, merchant_id,
	    invoice_id, endpoint_id, url)
	SELECT cc_new_id('whd_'), NEW.seq, NEW.merchant_id, NEW.invoice_id,
	    ep.id, NULL
	FROM invoices i JOIN webhook_endpoints ep
	    ON ep.merchant_id = i.merchant_id AND ep.mode = i.mode
	WHERE i.id = NEW.invoice_id AND ep.deleted_at IS NULL AND ep.enabled
	    AND NEW.type = ANY (ep.events)
	UNION ALL
	SELECT cc_new_id('whd_'), NEW.seq, NEW.merchant_id, NEW.invoice_id,
	    NULL, i.webhook_url
	FROM invoices i
	WHERE i.id = NEW.invoice_id AND i.webhook_url IS NOT NULL;
	GET DIAGNOSTICS n = ROW_COUNT;
	-- One constant payload: notifications with equal payloads in one
	-- transaction fold into one.
	IF n > 0 THEN
		PERFORM pg_notify('cc_webhooks', '');
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER events_webhooks AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION cc_webhook_fanout();

-- A delivery's body, the same bytes on every attempt: built from rows that
-- never change (the event, and the invoice's metadata, which no API call
-- alters). The event's data carries its own fields; invoice_id and
-- metadata are added so every payload can be matched to an order.
CREATE FUNCTION cc_webhook_body(p_seq bigint) RETURNS text LANGUAGE sql
    STABLE AS $$
	SELECT format('{"id":%s,"event":%s,"api_version":"v1",'
	    '"created_at":%s,"data":%s}', to_json(e.id), to_json(e.type),
	    to_json(cc_ts(e.created_at)), (e.data || jsonb_build_object(
	    'invoice_id', e.invoice_id, 'metadata',
	    coalesce(i.metadata, '{}'::jsonb)))::text)
	FROM events e LEFT JOIN invoices i ON i.id = e.invoice_id
	WHERE e.seq = p_seq
$$;
