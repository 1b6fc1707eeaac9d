#!/usr/bin/env python3
"""Checks that bench/create_invoice.sql still runs the statements the server
runs for POST /api/v1/invoices: the SQL string constants of
lib/apikey.c apikey_authenticate (AUTH_COLUMNS expanded) and lib/invoice.c
invoice_create (wallet_sql, insert_sql, INVOICE_COLS expanded), compared with the pgbench script after
replacing $N parameters and pgbench's :variables and random-id expressions by
one placeholder. Exits 1 and shows the first difference when they drift.

    bench/check_sql.py [ROOT]
"""
import re
import sys
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent.parent)


def c_strings(text):
    """The concatenated C string literals of a declaration's initialiser."""
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', text))


def constant(src, name, after=None):
    start = src.index(after) if after else 0
    m = re.compile(r"static const char " + name + r"\[\] =(.*?);", re.S).search(src, start)
    if m is None:
        sys.exit(f"check_sql: {name} not found")
    return m.group(1)


apikey = (root / "lib/apikey.c").read_text()
invoice = (root / "lib/invoice.c").read_text()
cols = re.search(r"#define INVOICE_COLS((?:.*\\\n)*.*\n)", invoice).group(1)
cols = c_strings(cols.replace("\\\n", " "))
audit_h = (root / "lib/audit.h").read_text()
audit_cols = re.search(r"#define AUDIT_COLUMNS((?:.*\\\n)*.*\n)", audit_h).group(1)
audit_cols = c_strings(audit_cols.replace("\\\n", " "))
auth_cols = re.search(r"#define AUTH_COLUMNS((?:.*\\\n)*.*\n)", apikey).group(1)
auth_cols = c_strings(auth_cols.replace("\\\n", " "))
server = [
    c_strings(constant(apikey, "sql", "apikey_authenticate(")
              .replace("AUTH_COLUMNS", '"' + auth_cols + '"')),
    c_strings(constant(invoice, "wallet_sql", "invoice_create(")),
    c_strings(constant(invoice, "insert_sql", "invoice_create(")
              .replace("INVOICE_COLS", '"' + cols + '"')
              .replace("AUDIT_COLUMNS", '"' + audit_cols + '"')),
]

bench = [line.split(" \\gset")[0] for line in
         (root / "bench/create_invoice.sql").read_text().splitlines()
         if line.strip() and not line.startswith("--")]
random_expr = re.compile(
    r"'(?:inv|evt|audit|req)_' \|\| substr\(md5\(random\(\)::text\), 1, 26\)"
    r"|'0x' \|\| md5\(random\(\)::text\) \|\| substr\(md5\(random\(\)::text\), 1, 8\)")


def norm_server(s):
    return " ".join(re.sub(r"\$\d+", "?", s).split())


def norm_bench(s):
    s = random_expr.sub("?", s)
    s = re.sub(r"(?<!:):[a-z_]+", "?", s)
    return " ".join(s.split())


if len(bench) != len(server):
    sys.exit(f"check_sql: bench/create_invoice.sql has {len(bench)} statements, "
             f"the server runs {len(server)}")
bad = 0
for i, (a, b) in enumerate(zip(server, bench)):
    a, b = norm_server(a), norm_bench(b)
    if a != b:
        n = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]),
                 min(len(a), len(b)))
        print(f"check_sql: statement {i + 1} differs from the server's at "
              f"character {n}:\n  server: ...{a[max(0, n - 60):n + 60]}\n"
              f"  bench:  ...{b[max(0, n - 60):n + 60]}", file=sys.stderr)
        bad = 1
if bad:
    sys.exit("check_sql: update bench/create_invoice.sql to the server's SQL")
print("   bench/create_invoice.sql runs the server's statements "
      "(lib/apikey.c, lib/invoice.c)")
