#!/usr/bin/env python3
"""What one cc-webhooks poll costs with a backlog at one destination.

Inserts BACKLOG pending, due deliveries to one dead invoice URL and one to
another destination (inside a transaction that is rolled back: the stack
is left as it was), then times, with EXPLAIN ANALYZE, the claim statement
of lib/delivery.c (read from the source, so it cannot drift) against the
statement it replaced (it ranked every due delivery on every poll), in the
same run. Prints both and their ratio.

    CC_ENV_FILE=var/dev.env python3 bench/claim_backlog.py [BACKLOG]

(`./dev.sh bench claim` runs it on a fresh benchmark stack.)
"""
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BACKLOG = int(sys.argv[1]) if len(sys.argv) > 1 else 100000


def env():
    out = {}
    with open(os.environ["CC_ENV_FILE"]) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.strip().split("=", 1)
                out[k] = v
    return out


def claim_sql():
    src = (ROOT / "lib/delivery.c").read_text()
    m = re.search(r"static const char claim_sql\[\] =(.*?);", src, re.S)
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))


# The statement before sql/014_webhook_dest_index.sql (the baseline).
OLD = (
    "WITH busy AS (SELECT coalesce(endpoint_id, url) AS dest, "
    "count(*) AS n FROM webhook_deliveries WHERE status = 'pending' "
    "AND leased_until > now() GROUP BY 1), "
    "ranked AS MATERIALIZED (SELECT d.id FROM (SELECT id, "
    "coalesce(endpoint_id, url) AS dest, row_number() OVER "
    "(PARTITION BY coalesce(endpoint_id, url) ORDER BY "
    "next_attempt_at, id) AS rn FROM webhook_deliveries "
    "WHERE status = 'pending' AND next_attempt_at <= now()) d "
    "LEFT JOIN busy b ON b.dest = d.dest "
    "WHERE d.rn + coalesce(b.n, 0) <= $4::int) "
    "SELECT count(*) FROM ranked")


def new_ranked():
    """The new statement's CTEs up to ranked, then the same count: the
    part that differs (the rest looks up the few ranked rows)."""
    sql = claim_sql()
    cut = sql.index(", c AS (")
    return sql[:cut] + " SELECT count(*) FROM ranked"


def bind(sql):
    return (sql.replace("$1::int", "8").replace("$2::int", "10")
            .replace("$3::int", "5").replace("$4::int", "4"))


def main():
    e = env()
    script = f"""
BEGIN;
WITH m AS (SELECT id FROM merchants LIMIT 1),
 ev AS (INSERT INTO events (id, merchant_id, type)
        SELECT 'evt_bench_claim', id, 'invoice.created' FROM m RETURNING seq, merchant_id)
INSERT INTO webhook_deliveries (id, event_seq, merchant_id, url, next_attempt_at)
SELECT 'whd_bench_' || g, ev.seq, ev.merchant_id,
       CASE WHEN g = 0 THEN 'https://healthy.example/hook' ELSE 'https://dead.example/hook' END,
       now() - interval '1 minute'
FROM ev, generate_series(0, {BACKLOG}) g;
ANALYZE webhook_deliveries;
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) {bind(OLD)};
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) {bind(OLD)};
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) {bind(new_ranked())};
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) {bind(new_ranked())};
ROLLBACK;
"""
    p = subprocess.run([os.path.join(e["CC_PGBIN"], "psql"), "-d", e["CC_DATABASE_URL"],
                        "-qtAX", "-v", "ON_ERROR_STOP=1"], input=script,
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("claim_backlog: " + p.stderr)
    times = [float(x) for x in re.findall(r"Execution Time: ([0-9.]+) ms", p.stdout)]
    if len(times) != 4:
        sys.exit("claim_backlog: no timings in\n" + p.stdout)
    old, new = times[1], times[3]	# the second of each: warm caches
    print(f"backlog {BACKLOG} due deliveries at one destination, 1 at another")
    print(f"claim ranking, before (every due row ranked): {old:.2f} ms")
    print(f"claim ranking, now (skip scan per destination): {new:.2f} ms")
    print(f"ratio now/before: {new / old:.4f}")


if __name__ == "__main__":
    main()
