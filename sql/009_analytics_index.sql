-- GET /api/v1/analytics sums a merchant's invoices of one mode created in
-- a period (lib/analytics.c). invoices_list has the same leading columns
-- but every row it finds costs a heap visit; this index carries what the
-- sums read, so the statement is an index-only scan of the period's rows
-- (bench/EXPLAIN.md, "Analytics").
CREATE INDEX invoices_analytics ON invoices (merchant_id, mode, created_at)
    INCLUDE (currency, crypto_currency, status, total_minor, paid_at);
