-- Payment events carry their payment as an object; the spec's payload
-- names its fields flat too (payment_id, tx_hash, confirmations), as
-- invoice.paid already does. They are added to every payment event's
-- payload without overriding what an event says itself.
CREATE OR REPLACE FUNCTION cc_webhook_body(p_seq bigint) RETURNS text
    LANGUAGE sql STABLE AS $$
	SELECT format('{"id":%s,"event":%s,"api_version":"v1",'
	    '"created_at":%s,"data":%s}', to_json(e.id), to_json(e.type),
	    to_json(cc_ts(e.created_at)), (jsonb_strip_nulls(
	    jsonb_build_object('payment_id', e.data->'payment'->'id',
	    'tx_hash', e.data->'payment'->'tx_hash', 'confirmations',
	    e.data->'payment'->'confirmations')) || e.data ||
	    jsonb_build_object('invoice_id', e.invoice_id, 'metadata',
	    coalesce(i.metadata, '{}'::jsonb)))::text)
	FROM events e LEFT JOIN invoices i ON i.id = e.invoice_id
	WHERE e.seq = p_seq
$$;
