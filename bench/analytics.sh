#!/usr/bin/env bash
# GET /api/v1/analytics on a million invoices: fills the benchmark stack's
# own database with bench/explain_fill.sql (the listing's data set: 1000
# merchants, half of the invoices owned by 5 of them, a year of history),
# then for one of the biggest merchants (100,000 invoices) times the
# answer through lighttpd and cc-merchant.fcgi (median of 21 requests after
# a warm-up) for several periods and bucket sizes, against the default
# invoice listing measured the same way in the same run (the ratio), and
# records EXPLAIN (ANALYZE, BUFFERS) of lib/analytics.c's statement (as the
# server runs it: a prepared statement, explained at its 7th execution,
# after PostgreSQL's plan cache has chosen) with and without the
# invoices_analytics index. Writes the section "Analytics" of
# bench/EXPLAIN.md (or $CC_EXPLAIN_OUT, keeping what bench/explain.sh
# wrote above it) and fails if 30d by day takes more than 200 ms or a plan
# reads invoices with a Seq Scan.
#
# Environment: CC_ENV_FILE and CC_STACK_DIR (set by ./dev.sh bench);
# optional CC_EXPLAIN_INVOICES (default 1000000), CC_EXPLAIN_MERCHANTS
# (1000), CC_EXPLAIN_OUT, CC_ANALYTICS_LIMIT_MS (200).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC1090
. "$CC_ENV_FILE"
: "${CC_STACK_DIR:?CC_STACK_DIR is not set}"
INVOICES=${CC_EXPLAIN_INVOICES:-1000000}
MERCHANTS=${CC_EXPLAIN_MERCHANTS:-1000}
BIG=5
OUT=${CC_EXPLAIN_OUT:-$HERE/EXPLAIN.md}
LIMIT_MS=${CC_ANALYTICS_LIMIT_MS:-200}
RUNS=21
MARK='<!-- analytics: bench/analytics.sh -->'

die() { printf 'analytics: FAILED: %s\n' "$*" >&2; exit 1; }
q() {
	"$CC_PGBIN/psql" -h "$CC_PG_HOST" -p "$CC_PG_PORT" -U cc -d cc \
	    -qtAX -v ON_ERROR_STOP=1 "$@"
}

[ ! -d "$CC_STACK_DIR/valgrind-bin" ] || die "the stack runs its programs under valgrind"
case $CC_API_URL in
http://127.0.0.1:*) ;;
*) die "refusing to load anything but 127.0.0.1 ($CC_API_URL)" ;;
esac

TMP=$(mktemp -d /tmp/cc-bench-analytics.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

[ "$(q -c "SELECT count(*) FROM invoices")" -lt 1000 ] ||
    die "the database already holds invoices: run me on a fresh ./dev.sh bench stack"
echo "== analytics: filling the stack's database with $INVOICES invoices of $MERCHANTS merchants"
t0=$(date +%s)
q -v merchants="$MERCHANTS" -v invoices="$INVOICES" -v big="$BIG" \
    -f "$HERE/explain_fill.sql" >/dev/null
echo "   filled, indexed and analyzed in $(($(date +%s) - t0)) s"
q -c "SELECT 1 FROM pg_indexes WHERE indexname = 'invoices_analytics'" | grep -q 1 ||
    die "no invoices_analytics index (sql/009)"

mer=$(q -c "SELECT merchant_id FROM invoices GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
read -r n_mer n_live n_30 < <(q -F ' ' -c "SELECT count(*),
    count(*) FILTER (WHERE mode = 'live'),
    count(*) FILTER (WHERE mode = 'live' AND created_at >= now() - interval '30 days')
    FROM invoices WHERE merchant_id = '$mer'")
# Keys of that merchant, written as cc-admin writes them (only the secret's
# SHA-256): cc-admin refuses the fill's merchant ids, md5 hex rather than
# our base32.
mkkey() { # prefix, scopes literal: prints the secret
	local s
	s="$1$(head -c 2000 /dev/urandom | tr -dc 'a-z2-7' | head -c 40)"
	q -c "INSERT INTO api_keys (id, merchant_id, mode, prefix, suffix,
	    secret_hash, scopes) VALUES ('key_bench' || md5('$s'), '$mer', 'live',
	    '$1', right('$s', 3), sha256(convert_to('$s', 'UTF8')), '$2')" >/dev/null
	echo "$s"
}
akey=$(mkkey sk_live_analytics_ '{analytics:read}')
lkey=$(mkkey sk_live_ '{invoices:read}')

# The median of RUNS requests after one warm-up, in ms; fails on any
# answer but 200.
median_ms() { # key, path and query
	local i code
	: >"$TMP/t"
	for ((i = 0; i <= RUNS; i++)); do
		code=$(curl -sS -o "$TMP/body" -w '%{http_code} %{time_total}' \
		    -H "Authorization: Bearer $1" "$CC_API_URL/$2")
		[ "${code%% *}" = 200 ] || die "GET $2 answered ${code%% *}: $(head -c 300 "$TMP/body")"
		[ "$i" = 0 ] || echo "${code#* }" >>"$TMP/t"
	done
	sort -n "$TMP/t" | sed -n "$(((RUNS + 1) / 2))p" | awk '{ printf "%.1f", $1 * 1000 }'
}

echo "   merchant $mer: $n_mer invoices, $n_live live, $n_30 live in the last 30 days"
base=$(median_ms "$lkey" "invoices?limit=20")
printf '   %-52s %8s ms\n' "baseline: GET /invoices?limit=20" "$base"
names=() queries=() times=()
for qs in "period=30d&group_by=day&currency=USD" \
    "period=30d&group_by=day&currency=USD&timezone=Europe/Berlin" \
    "period=7d&group_by=hour&currency=USD&timezone=America/New_York" \
    "period=90d&group_by=hour&currency=EUR" \
    "period=90d&group_by=week&currency=USD" \
    "period=1y&group_by=day&currency=USD" \
    "period=1y&group_by=month&currency=JPY"; do
	ms=$(median_ms "$akey" "analytics?$qs")
	names+=("$qs") times+=("$ms")
	printf '   %-52s %8s ms  (x%s the listing)\n' "$qs" "$ms" \
	    "$(awk -v a="$ms" -v b="$base" 'BEGIN { printf "%.1f", a / b }')"
done
# Without a currency the period's three currencies are refused: the same
# statement runs, then 422.
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $akey" \
    "$CC_API_URL/analytics?period=30d")
[ "$code" = 422 ] || die "30d without a currency answered $code, not 422 CURRENCY_REQUIRED"

# The statement as lib/analytics.c holds it, prepared as the server
# prepares it.
sql=$(python3 - "$HERE/../lib/analytics.c" <<'EOF'
import re, sys
src = open(sys.argv[1]).read()
m = re.search(r"static const char run_sql\[\] =(.*?);\n", src, re.S)
# One C line, one SQL line: the same text, as its source shows it.
for line in m.group(1).splitlines():
    lits = re.findall(r'"((?:[^"\\]|\\.)*)"', line)
    if lits:
        print("".join(lits).strip())
EOF
)
[ -n "$sql" ] || die "run_sql not found in lib/analytics.c"
explain() { # tz, interval, group, SQL run first (in the transaction)
	local args=(-c '\o /dev/null' -c 'BEGIN' -c "$4"
	    -c "PREPARE a(text, text, text, text, text) AS $sql")
	local i
	for i in 1 2 3 4 5 6; do
		args+=(-c "EXECUTE a('$mer', 'live', '$1', '$2', '$3')")
	done
	q "${args[@]}" -c '\o' \
	    -c "EXPLAIN (ANALYZE, BUFFERS) EXECUTE a('$mer', 'live', '$1', '$2', '$3')" \
	    -c 'ROLLBACK'
}
pnames=("30d by day, UTC" "90d by hour, Europe/Berlin" "1y by day, UTC"
    "30d by day, UTC, without invoices_analytics (the listing's index instead)")
plans=()
plans+=("$(explain UTC '30 days' day 'SELECT')")
plans+=("$(explain Europe/Berlin '90 days' hour 'SELECT')")
plans+=("$(explain UTC '1 year' day 'SELECT')")
plans+=("$(explain UTC '30 days' day 'DROP INDEX invoices_analytics')")
seq=0
for i in "${!plans[@]}"; do
	ms=$(printf '%s\n' "${plans[$i]}" | sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p')
	printf '   EXPLAIN %-62s %8s ms\n' "${pnames[$i]}" "$ms"
	[ "$i" = 3 ] || ! printf '%s\n' "${plans[$i]}" | grep -q 'Seq Scan on invoices' || seq=1
done

{
	echo "$MARK"
	echo
	echo "# Analytics on $INVOICES invoices"
	echo
	echo "Produced by \`./dev.sh bench analytics\` (bench/analytics.sh): the same"
	echo "$INVOICES invoices of $MERCHANTS merchants (bench/explain_fill.sql) in the benchmark"
	echo "stack's own database, and \`GET /api/v1/analytics\` through lighttpd and"
	echo "cc-merchant.fcgi for the merchant \`$mer\` ($n_mer invoices, $n_live live,"
	echo "$n_30 live in the last 30 days; three currencies, so each request names one)"
	echo "with an \`sk_live_analytics_\` key: the median of $RUNS requests after a warm-up,"
	echo "and the default listing (\`GET /invoices?limit=20\`) measured the same way in the same run."
	echo "PostgreSQL $(q -c 'SHOW server_version'), shared_buffers $(q -c 'SHOW shared_buffers'),"
	echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end (other work on the"
	echo "same cores slows every figure alike: compare the ratios), $(date -u +%Y-%m-%d)."
	echo
	echo "| request | median ms | x the listing |"
	echo "|---|---:|---:|"
	echo "| GET /invoices?limit=20 (baseline) | $base | 1 |"
	for i in "${!names[@]}"; do
		echo "| GET /analytics?${names[$i]} | ${times[$i]} | $(awk -v a="${times[$i]}" -v b="$base" 'BEGIN { printf "%.1f", a / b }') |"
	done
	echo
	echo "The statement is lib/analytics.c's \`run_sql\`, prepared as the server prepares"
	echo "it and explained at its 7th execution (PostgreSQL's plan cache has then chosen"
	echo "between a custom and a generic plan), with \`\$1\` the merchant, \`\$2\` the mode,"
	echo "\`\$3\` the time zone, \`\$4\` the period and \`\$5\` the bucket size:"
	echo
	echo '```sql'
	printf '%s\n' "$sql"
	echo '```'
	for i in "${!plans[@]}"; do
		echo
		echo "## ${pnames[$i]}"
		echo
		echo '```'
		printf '%s\n' "${plans[$i]}"
		echo '```'
	done
} >"$TMP/section.md"
if [ -f "$OUT" ]; then
	sed "/^$(printf '%s' "$MARK" | sed 's/[\/.*]/\\&/g')\$/,\$d" "$OUT" >"$TMP/out.md"
	printf '\n' >>"$TMP/out.md"
else
	: >"$TMP/out.md"
fi
cat "$TMP/section.md" >>"$TMP/out.md"
cat -s "$TMP/out.md" >"$OUT"
echo "   written to $OUT"
[ "$seq" = 0 ] || die "a plan reads invoices with a Seq Scan"
awk -v a="${times[0]}" -v l="$LIMIT_MS" 'BEGIN { exit !(a <= l) }' ||
    die "30d by day took ${times[0]} ms, over $LIMIT_MS ms"
echo "   30d by day: ${times[0]} ms (limit $LIMIT_MS ms)"
