-- cc-scan asks on every poll for the invoices created on its network since
-- the last one; every other index starts with the merchant, so that query
-- read the whole table (bench/SCAN_RESULTS.md: 40-90 ms per poll on a
-- churned 100k table, 0.02 ms with this index).
CREATE INDEX invoices_network_created ON invoices (network, created_at);
