-- Fills a freshly migrated database with :merchants merchants (one wallet
-- each) and :invoices invoices for bench/explain.sh. Half of the invoices
-- belong to :big big merchants (the first ones), the other half is spread
-- evenly over the rest; created_at spans the last year, statuses,
-- currencies, modes and amounts follow a plausible mix, metadata holds order
-- and customer ids. Deterministic (setseed). Run as the owner, e.g.
--   psql -v merchants=1000 -v invoices=1000000 -v big=5 -f explain_fill.sql
\set ON_ERROR_STOP 1
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';
SELECT setseed(0.42);

INSERT INTO merchants (id, name, created_at)
SELECT 'mer_' || substr(md5('merchant' || m), 1, 26), 'Shop ' || m,
    now() - interval '400 days'
FROM generate_series(1, :merchants) m;

INSERT INTO wallets (id, merchant_id, network, xpub, seq_name, created_at)
SELECT 'wal_' || substr(md5('wallet' || m), 1, 26),
    'mer_' || substr(md5('merchant' || m), 1, 26), 'ethereum',
    'xpub-bench-' || m, 'wallet_idx_bench_' || m, now() - interval '400 days'
FROM generate_series(1, :merchants) m;

INSERT INTO rates (crypto, currency, rate, source) VALUES
    ('ETH', 'USD', 3000, 'bench'), ('ETH', 'EUR', 2760, 'bench'),
    ('ETH', 'JPY', 450000, 'bench'), ('USDT', 'EUR', 0.92, 'bench'),
    ('USDT', 'JPY', 150, 'bench')
-- bench/analytics.sh fills a benchmark stack's own database, which has
-- its seeded rates already.
ON CONFLICT DO NOTHING;

-- The secondary indexes are built after the load (faster than maintaining
-- them row by row); their definitions are kept and replayed unchanged.
CREATE TEMP TABLE saved_indexes AS
SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = 'public' AND i.tablename = 'invoices'
    AND NOT EXISTS (SELECT 1 FROM pg_constraint c
        WHERE c.conname = i.indexname);
SELECT format('DROP INDEX %I', indexname) FROM saved_indexes \gexec

INSERT INTO invoices (id, merchant_id, mode, status, title, description,
    items, currency, currency_exp, subtotal_minor, tax_minor, total_minor,
    total, crypto_currency, network, crypto_decimals, crypto_amount, rate,
    rate_source, rate_locked_at, rate_expires_at, wallet_id,
    derivation_index, address, underpay_minor, overpay_minor,
    overpay_action, webhook_url, return_url, cancel_url, metadata,
    created_at, expires_at, paid_at, cancelled_at, cancel_reason, expired_at)
SELECT
    'inv_' || substr(md5('invoice' || g), 1, 26),
    'mer_' || substr(md5('merchant' || m), 1, 26),
    mode, status,
    'Order #' || g,
    (ARRAY['Monthly VPN subscription', 'Hosting plan', 'Domain renewal',
        'Premium support', 'Game credits', 'E-book bundle'])[1 + g % 6],
    json_build_array(json_build_object('name', 'Item ' || (g % 97),
        'quantity', 1, 'unit_price', total, 'amount', total)),
    currency, exp,
    minor, 0, minor, total,
    crypto, 'ethereum', CASE crypto WHEN 'ETH' THEN 18 ELSE 6 END,
    CASE crypto WHEN 'ETH' THEN round(total / 3000 * 1e18)
        ELSE round(total * 1e6) END,
    CASE crypto WHEN 'ETH' THEN 3000 ELSE 1 END, 'bench',
    created, created + interval '30 minutes',
    'wal_' || substr(md5('wallet' || m), 1, 26), g,
    '0x' || substr(md5('address' || g) || md5('more' || g), 1, 40),
    0, 0, 'credit_account',
    CASE WHEN g % 3 = 0 THEN 'https://shop' || m || '.example/webhook' END,
    'https://shop' || m || '.example/success',
    'https://shop' || m || '.example/cancel',
    jsonb_build_object('order_id', 'ord_' || g,
        'customer_id', 'cust_' || (g % 50000),
        'customer_email', 'customer' || (g % 50000) || '@example.com'),
    created, created + interval '30 minutes',
    CASE WHEN status = 'paid' THEN created + interval '7 minutes' END,
    CASE WHEN status = 'cancelled' THEN created + interval '5 minutes' END,
    CASE WHEN status = 'cancelled' THEN 'customer request' END,
    CASE WHEN status = 'expired' THEN created + interval '30 minutes' END
FROM (
    SELECT g, m, mode, status, currency, exp, crypto, created,
        round(amt * 10 ^ exp) AS minor, round(amt, exp) AS total
    FROM (
        SELECT g,
            CASE WHEN g <= :invoices / 2
                THEN 1 + (g - 1) / (:invoices / 2 / :big)
                ELSE :big + 1 + g % (:merchants - :big) END AS m,
            CASE WHEN r1 < 0.9 THEN 'live' ELSE 'test' END AS mode,
            CASE WHEN r2 < 0.60 THEN 'paid' WHEN r2 < 0.80 THEN 'expired'
                WHEN r2 < 0.90 THEN 'cancelled' WHEN r2 < 0.98 THEN 'created'
                ELSE 'pending' END AS status,
            c.currency, c.exp,
            CASE WHEN r4 < 0.8 THEN 'USDT' ELSE 'ETH' END AS crypto,
            -- a year, newest invoices at the head of the listing
            now() - r5 * interval '365 days' AS created,
            -- 0.50 to ~5,000 in the currency's units, mostly small
            ((0.5 * exp(r6 * ln(10000))) * c.scale)::numeric AS amt
        FROM (
            SELECT g, random() r1, random() r2, random() r3, random() r4,
                random() r5, random() r6
            FROM generate_series(1, :invoices) g
        ) r
        CROSS JOIN LATERAL (
            SELECT CASE WHEN r3 < 0.6 THEN 'USD' WHEN r3 < 0.9 THEN 'EUR'
                ELSE 'JPY' END AS currency
        ) c0
        JOIN (VALUES ('USD', 2, 1), ('EUR', 2, 1), ('JPY', 0, 150))
            AS c(currency, exp, scale) ON c.currency = c0.currency
    ) x
) y;

SELECT indexdef FROM saved_indexes \gexec
VACUUM ANALYZE merchants, wallets, rates, invoices;
