-- cc-webhooks claims the oldest due deliveries of each destination (an
-- endpoint, or an invoice's webhook_url), at most [webhooks] per_endpoint
-- in flight per destination (lib/delivery.c, delivery_claim). Ranking
-- every due delivery read the whole backlog on every poll: 69,000 pending
-- deliveries to one dead URL cost ~170 ms per poll and slowed every
-- merchant's deliveries. With this index the claim walks the distinct
-- destinations (a skip scan) and reads a few rows of each: ~0.5 ms.
CREATE INDEX webhook_deliveries_dest ON webhook_deliveries
    ((coalesce(endpoint_id, url)), next_attempt_at, id)
    WHERE status = 'pending';
