-- Every webhook's data carries the spec's fields (api.md, "Webhook
-- Payload"): status, total_amount, total_received, currency,
-- crypto_currency, payment_id, tx_hash, confirmations, paid_at, metadata;
-- those that do not apply to an event are null, never absent.
--
-- A delivery's body is built again on each attempt and must not change,
-- so what changes with the invoice (status, total_received, paid_at) is
-- written into the event's data when the event is written, as of that
-- moment, by a trigger: no code path that writes an event can forget it.
-- What an event states itself wins. total_received is the confirmed
-- payments in the currency, rounded down to its decimals, as
-- payment_progress.received computes it (lib/invoice.c: at the locked
-- rate, and those valued after the rate lock at their own rates).
-- invoice.created needs no lookup (the statement that writes it creates
-- the invoice: nothing received, not paid).
CREATE FUNCTION cc_event_fill() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	i record;
	got numeric;
	repriced numeric;
BEGIN
	IF NEW.type = 'invoice.created' THEN
		RETURN NEW;
	END IF;
	SELECT inv.status, inv.paid_at, inv.rate, inv.currency_exp,
	    inv.crypto_decimals INTO i FROM invoices inv
	    WHERE inv.id = NEW.invoice_id;
	IF NOT FOUND THEN
		RETURN NEW;
	END IF;
	-- Within the rate lock (016): summed, then at the invoice's rate;
	-- after it: each at its own rate, rounded down; one still waiting
	-- for a rate (rate_locked null) counts nothing.
	SELECT coalesce(sum(p.amount) FILTER (WHERE p.rate_locked), 0),
	    coalesce(sum(floor(p.amount * p.rate *
	    power(10::numeric, i.currency_exp) /
	    power(10::numeric, i.crypto_decimals)))
	    FILTER (WHERE NOT p.rate_locked), 0)
	    INTO got, repriced FROM payments p
	    WHERE p.invoice_id = NEW.invoice_id AND p.status = 'confirmed'
	    AND NOT p.late;
	NEW.data := jsonb_build_object('status', i.status,
	    'paid_at', cc_ts(i.paid_at),
	    'total_received', round((floor(got * i.rate *
	    power(10::numeric, i.currency_exp) /
	    power(10::numeric, i.crypto_decimals)) + repriced) /
	    power(10::numeric, i.currency_exp), i.currency_exp)) || NEW.data;
	RETURN NEW;
END
$$;
CREATE TRIGGER events_fill BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION cc_event_fill();

-- The body: every spec field present (null when it does not apply), the
-- invoice's unchanging ones (total_amount, currency, crypto_currency,
-- metadata) from the invoice, the payment's flat (as 006), and the
-- event's own data over them. invoice.created's total_received is zero in
-- the currency's decimals.
CREATE OR REPLACE FUNCTION cc_webhook_body(p_seq bigint) RETURNS text
    LANGUAGE sql STABLE AS $$
	SELECT format('{"id":%s,"event":%s,"api_version":"v1",'
	    '"created_at":%s,"data":%s}', to_json(e.id), to_json(e.type),
	    to_json(cc_ts(e.created_at)), (
	    jsonb_build_object('status', NULL::text, 'total_amount',
	    i.total, 'total_received', CASE WHEN e.type = 'invoice.created'
	    THEN round(0::numeric, i.currency_exp) END, 'currency',
	    i.currency, 'crypto_currency', i.crypto_currency, 'payment_id',
	    NULL::text, 'tx_hash', NULL::text, 'confirmations', NULL::int,
	    'paid_at', NULL::text) ||
	    jsonb_strip_nulls(jsonb_build_object('payment_id',
	    e.data->'payment'->'id', 'tx_hash', e.data->'payment'->'tx_hash',
	    'confirmations', e.data->'payment'->'confirmations')) ||
	    e.data ||
	    jsonb_build_object('invoice_id', e.invoice_id, 'metadata',
	    coalesce(i.metadata, '{}'::jsonb)))::text)
	FROM events e LEFT JOIN invoices i ON i.id = e.invoice_id
	WHERE e.seq = p_seq
$$;
