#!/usr/bin/env bash
# Query plans of the invoice listing on a million invoices: creates the
# database cc_explain next to the stack's cc, migrates it with cc-admin,
# fills it (bench/explain_fill.sql), runs EXPLAIN (ANALYZE, BUFFERS) of the
# statements lib/invoice.c invoice_list builds (the default listing, each
# filter, a cursor page) for one of the biggest merchants, writes them to
# bench/EXPLAIN.md (or $CC_EXPLAIN_OUT) and fails if a plan reads invoices
# with a Seq Scan. Drops the database on exit.
#
# Environment: CC_ENV_FILE (set by ./dev.sh bench); optional
# CC_EXPLAIN_INVOICES (default 1000000), CC_EXPLAIN_MERCHANTS (1000),
# CC_EXPLAIN_OUT.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC1090
. "$CC_ENV_FILE"
INVOICES=${CC_EXPLAIN_INVOICES:-1000000}
MERCHANTS=${CC_EXPLAIN_MERCHANTS:-1000}
BIG=5
OUT=${CC_EXPLAIN_OUT:-$HERE/EXPLAIN.md}
DB=cc_explain

die() { printf 'explain: FAILED: %s\n' "$*" >&2; exit 1; }
pg() { "$CC_PGBIN/$1" -h "$CC_PG_HOST" -p "$CC_PG_PORT" "${@:2}"; }
q() { pg psql -U cc -d "$DB" -qtAX -v ON_ERROR_STOP=1 "$@"; }

TMP=$(mktemp -d /tmp/cc-bench-explain.XXXXXX)
cleanup() {
	pg dropdb -U cc --if-exists "$DB" >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT

# The role cc may not create databases: the stack's superuser (trust
# authentication on the private socket) creates it, owned by cc.
pg dropdb -U postgres --if-exists "$DB" >/dev/null 2>&1 || true
pg createdb -U postgres -O cc "$DB"
sed "s|^url = .*|url = postgresql://cc@/$DB?host=$CC_PG_HOST\&port=$CC_PG_PORT|" \
    "$CC_CONF" >"$TMP/cc.conf"
grep -q "^url = postgresql://cc@/$DB?" "$TMP/cc.conf" || die "cannot point the config at $DB"
"$CC_BIN/cc-admin" --config "$TMP/cc.conf" migrate >"$TMP/migrate.log" 2>&1 ||
    { cat "$TMP/migrate.log" >&2; die "cc-admin migrate failed"; }

echo "== explain: filling $DB with $INVOICES invoices of $MERCHANTS merchants"
t0=$(date +%s)
q -v merchants="$MERCHANTS" -v invoices="$INVOICES" -v big="$BIG" \
    -f "$HERE/explain_fill.sql" >/dev/null
echo "   filled, indexed and analyzed in $(($(date +%s) - t0)) s"

mer=$(q -c "SELECT merchant_id FROM invoices GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
small=$(q -c "SELECT merchant_id FROM invoices GROUP BY 1 ORDER BY count(*), 1 LIMIT 1")
read -r n_mer n_live n_small < <(q -F ' ' -c "SELECT count(*),
    count(*) FILTER (WHERE mode = 'live'),
    (SELECT count(*) FROM invoices WHERE merchant_id = '$small')
    FROM invoices WHERE merchant_id = '$mer'")

# invoice_list's statement, with the values in place of its parameters
# (it runs through PQexecParams, an unnamed statement: planned with the
# values, as here). INVOICE_COLS of lib/invoice.c:
COLS="id, status, title, description, items::text, currency, currency_exp, \
subtotal_minor, tax_minor, total_minor, crypto_currency, network, \
crypto_decimals, crypto_amount::text, rate::text, rate_source, \
cc_ts(rate_locked_at), cc_ts(rate_expires_at), address, underpay_minor, \
overpay_minor, overpay_action, webhook_url, return_url, cancel_url, \
metadata::text, cc_ts(created_at), cc_ts(expires_at), cc_ts(paid_at), \
cc_ts(cancelled_at), cancel_reason, mode, \
(extract(epoch FROM created_at) * 1000000)::bigint, refund_partial_payments"
at() { printf "timestamptz 'epoch' + '%s'::bigint * interval '1 microsecond'" "$1"; }
us_ago() { q -c "SELECT (extract(epoch FROM now() - interval '$1') * 1000000)::bigint"; }
listing() { # merchant, extra conditions, limit+1
	printf "SELECT %s FROM invoices WHERE merchant_id = '%s' AND mode = 'live'%s ORDER BY created_at DESC, id DESC LIMIT '%s'::int" \
	    "$COLS" "$1" "$2" "$3"
}
# The keyset cursor of the last row of a page: (created_at in us, id).
cursor_after() { # rows to skip
	q -F ' ' -c "SELECT (extract(epoch FROM created_at) * 1000000)::bigint, id
	    FROM invoices WHERE merchant_id = '$mer' AND mode = 'live'
	    ORDER BY created_at DESC, id DESC OFFSET $(($1 - 1)) LIMIT 1"
}

# Search terms that occur in the merchant's live invoices: one order id, and
# a customer e-mail address (customers recur across merchants).
read -r order email < <(q -F ' ' -c "SELECT metadata->>'order_id',
    metadata->>'customer_email' FROM invoices
    WHERE merchant_id = '$mer' AND mode = 'live' ORDER BY id LIMIT 1")
order_like=${order//_/\\_}
d30=$(us_ago '30 days') d60=$(us_ago '60 days') d300=$(us_ago '300 days')
read -r c1_us c1_id < <(cursor_after 20)
deep=$((n_live / 2))
read -r c2_us c2_id < <(cursor_after "$deep")

names=() sqls=()
add() { names+=("$1"); sqls+=("$2"); }
add "default listing (no filter, limit 20)" "$(listing "$mer" "" 21)"
add "limit=100" "$(listing "$mer" "" 101)"
add "status=paid (60% of rows)" "$(listing "$mer" " AND status = 'paid'" 21)"
add "status=pending (2% of rows)" "$(listing "$mer" " AND status = 'pending'" 21)"
add "currency=JPY (10% of rows)" "$(listing "$mer" " AND currency = 'JPY'" 21)"
add "created_after=30 days ago" "$(listing "$mer" " AND created_at > $(at "$d30")" 21)"
add "created_before=300 days ago" "$(listing "$mer" " AND created_at < $(at "$d300")" 21)"
add "created_after=60 days ago&created_before=30 days ago" \
    "$(listing "$mer" " AND created_at > $(at "$d60") AND created_at < $(at "$d30")" 21)"
add "amount_gte=1000" "$(listing "$mer" " AND total >= '1000'::numeric" 21)"
add "amount_lte=0.60" "$(listing "$mer" " AND total <= '0.60'::numeric" 21)"
add "amount_gte=100&amount_lte=100.50" \
    "$(listing "$mer" " AND total >= '100'::numeric AND total <= '100.50'::numeric" 21)"
add "search=$order (one order id)" \
    "$(listing "$mer" " AND search_text LIKE lower('%$order_like%')" 21)"
add "search=$email (a customer)" \
    "$(listing "$mer" " AND search_text LIKE lower('%$email%')" 21)"
add "search=vpn (1 row in 6)" "$(listing "$mer" " AND search_text LIKE lower('%vpn%')" 21)"
add "search=zzzz (no match)" "$(listing "$mer" " AND search_text LIKE lower('%zzzz%')" 21)"
add "cursor: page 2" \
    "$(listing "$mer" " AND (created_at, id) < ($(at "$c1_us"), '$c1_id')" 21)"
add "cursor: page $((deep / 20 + 1)) (after $deep rows)" \
    "$(listing "$mer" " AND (created_at, id) < ($(at "$c2_us"), '$c2_id')" 21)"
add "status=paid&currency=EUR&created_after=30 days ago" \
    "$(listing "$mer" " AND status = 'paid' AND currency = 'EUR' AND created_at > $(at "$d30")" 21)"
add "status=pending&cursor (page 2)" \
    "$(listing "$mer" " AND status = 'pending' AND (created_at, id) < ($(at "$c1_us"), '$c1_id')" 21)"
add "small merchant ($n_small invoices), default listing" "$(listing "$small" "" 21)"

{
	echo "# EXPLAIN of the invoice listing on $INVOICES invoices"
	echo
	echo "Produced by \`./dev.sh bench explain\` (bench/explain.sh): $INVOICES"
	echo "invoices of $MERCHANTS merchants, half of them owned by $BIG merchants"
	echo "(bench/explain_fill.sql), VACUUM ANALYZE, then each statement"
	echo "lib/invoice.c invoice_list builds, with the parameters in place, for the"
	echo "merchant \`$mer\` ($n_mer invoices, $n_live live) in live mode;"
	echo "each run once to warm the caches, then under \`EXPLAIN (ANALYZE, BUFFERS)\` in the same session."
	echo "PostgreSQL $(q -c 'SHOW server_version'), shared_buffers $(q -c 'SHOW shared_buffers'),"
	echo "$(nproc) cores, $(date -u +%Y-%m-%d)."
	echo
	echo "| query | index | execution ms | buffers |"
	echo "|---|---|---:|---|"
} >"$TMP/head.md"
: >"$TMP/body.md"
seq_scans=()
for i in "${!names[@]}"; do
	# One session, like a server thread's: the statement once (warm cache
	# and catalog caches), then under EXPLAIN.
	plan=$(q -c '\o /dev/null' -c "${sqls[$i]}" -c '\o' \
	    -c "EXPLAIN (ANALYZE, BUFFERS) ${sqls[$i]}")
	idx=$(printf '%s\n' "$plan" | sed -n 's/.*\(Index Only Scan\|Index Scan\|Index Scan Backward\) using \([a-z_]*\) on invoices.*/\2/p; s/.*Bitmap Index Scan on \([a-z_]*\).*/\1 (bitmap)/p' |
	    awk '!seen[$0]++' | paste -sd, - | sed 's/,/, /g')
	if printf '%s\n' "$plan" | grep -q 'Seq Scan on invoices'; then
		seq_scans+=("${names[$i]}")
		idx="**Seq Scan** ${idx}"
	fi
	ms=$(printf '%s\n' "$plan" | sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p')
	buf=$(printf '%s\n' "$plan" | sed -n '0,/Buffers:/s/^ *Buffers: //p' | head -n 1)
	printf '| %s | %s | %s | %s |\n' "${names[$i]}" "${idx:-none}" "$ms" "$buf" >>"$TMP/head.md"
	{
		echo
		echo "## ${names[$i]}"
		echo
		echo '```sql'
		printf '%s\n' "${sqls[$i]}" | sed "s/^SELECT .* FROM invoices WHERE/SELECT <INVOICE_COLS> FROM invoices WHERE/"
		echo '```'
		echo
		echo '```'
		printf '%s\n' "$plan"
		echo '```'
	} >>"$TMP/body.md"
	printf '   %-58s %-40s %8s ms\n' "${names[$i]}" "${idx:-none}" "$ms"
done

# What the six cc_ts() calls of INVOICE_COLS cost: the same listing with a
# STABLE copy of the function, which the planner inlines (cc_ts is declared
# IMMUTABLE but calls the STABLE to_char, so it is never inlined and runs
# as an SQL function, set up again in every statement).
q -c "CREATE FUNCTION bench_ts(t timestamptz) RETURNS text LANGUAGE sql STABLE
    PARALLEL SAFE AS \$\$ SELECT to_char(t AT TIME ZONE 'UTC',
    'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') \$\$"
ts_ms() { # statement: "planning ms | execution ms", medians of 21 runs
	local args=()
	while [ ${#args[@]} -lt 44 ]; do
		args+=(-c "EXPLAIN (ANALYZE, TIMING OFF) $1")
	done
	# One session; the first run only warms its caches.
	q "${args[@]}" |
	    sed -n 's/^Planning Time: \([0-9.]*\) ms/\1/p; s/^Execution Time: \([0-9.]*\) ms/\1/p' |
	    paste -d' ' - - | tail -n +2 >"$TMP/ts"
	printf '%s | %s' "$(cut -d' ' -f1 "$TMP/ts" | sort -n | sed -n 11p)" \
	    "$(cut -d' ' -f2 "$TMP/ts" | sort -n | sed -n 11p)"
}
base100=$(listing "$mer" "" 101)
inl100=${base100//cc_ts(/bench_ts(}
base21=$(listing "$mer" "" 21)
inl21=${base21//cc_ts(/bench_ts(}
{
	echo
	echo "## cc_ts() in INVOICE_COLS"
	echo
	echo "\`cc_ts\` (sql/001_init.sql) is declared IMMUTABLE but its body calls"
	echo "\`to_char(timestamp, text)\`, which is STABLE: the planner refuses to inline it,"
	echo "so each of the six calls in INVOICE_COLS runs as a separate SQL function"
	echo "(parsed and planned again in every statement, then executed per row)."
	echo "Medians of 21 runs (one session, caches warm) of the default listing, as is"
	echo "and with a STABLE copy of the same function, which the planner inlines:"
	echo
	echo "| listing | planning ms, cc_ts | execution ms, cc_ts | planning ms, STABLE copy | execution ms, STABLE copy |"
	echo "|---|---:|---:|---:|---:|"
	echo "| limit 20 | $(ts_ms "$base21") | $(ts_ms "$inl21") |"
	echo "| limit 100 | $(ts_ms "$base100") | $(ts_ms "$inl100") |"
} >>"$TMP/body.md"

{
	echo
	if [ ${#seq_scans[@]} -eq 0 ]; then
		echo "No plan reads invoices with a Seq Scan."
	else
		echo "Seq Scan on invoices in: ${seq_scans[*]}."
	fi
	cat "$TMP/body.md"
} >>"$TMP/head.md"
# Keep the section bench/analytics.sh writes after ours.
if [ -f "$OUT" ] && grep -q '^<!-- analytics: bench/analytics.sh -->$' "$OUT"; then
	echo >>"$TMP/head.md"
	sed -n '/^<!-- analytics: bench\/analytics.sh -->$/,$p' "$OUT" >>"$TMP/head.md"
fi
cp "$TMP/head.md" "$OUT"
sed -n '/^## cc_ts/,$p' "$OUT" | sed -n '/^| limit/p' | sed 's/^/   cc_ts: /'
echo "   plans written to $OUT"
[ ${#seq_scans[@]} -eq 0 ] || die "Seq Scan on invoices in: ${seq_scans[*]}"
echo "   no plan reads invoices with a Seq Scan"
