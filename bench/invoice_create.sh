#!/usr/bin/env bash
# Invoice creation throughput: POST /api/v1/invoices through lighttpd and
# cc-merchant.fcgi (wrk + bench/create_invoice.lua) against pgbench running
# the same SQL (bench/create_invoice.sql) on the same database, in the same
# run. Prints invoices/s, p50 and p99 latency of both and the ratio
# HTTP/pgbench; fails if any HTTP request was not answered 201 or if the
# invoices written do not match the responses.
#
# Environment: CC_ENV_FILE and CC_STACK_DIR (set by ./dev.sh bench);
# optional CC_BENCH_DURATION (seconds per measurement, default 15) and
# CC_BENCH_CONNECTIONS (HTTP connections = pgbench clients, a list, default
# "4 16").
#
# Each connection count is measured in the order HTTP, pgbench, pgbench,
# HTTP, so that the slow drift of a growing table and of background work
# (autovacuum, GIN pending-list cleanup) falls on both sides equally.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC1090
. "$CC_ENV_FILE"
: "${CC_STACK_DIR:?CC_STACK_DIR is not set}"
DURATION=${CC_BENCH_DURATION:-15}
CONNECTIONS=${CC_BENCH_CONNECTIONS:-4 16}
WARMUP=3
URL=$CC_API_URL/invoices
BODY=$HERE/invoice.json

die() { printf 'invoice_create: FAILED: %s\n' "$*" >&2; exit 1; }

[ ! -d "$CC_STACK_DIR/valgrind-bin" ] || die "the stack runs its programs under valgrind"
case $URL in
http://127.0.0.1:*) ;;
*) die "refusing to load anything but 127.0.0.1 ($URL)" ;;
esac

psql_cc() {
	"$CC_PGBIN/psql" -h "$CC_PG_HOST" -p "$CC_PG_PORT" -U cc -d cc \
	    -qtAX -v ON_ERROR_STOP=1 "$@"
}

# pgbench must run what the server runs: fail if lib/ has drifted from it.
python3 "$HERE/check_sql.py" "$HERE/.."

TMP=$(mktemp -d /tmp/cc-bench-inv.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# --- One invoice through the API: checks the setup and gives the values
# pgbench passes as parameters, exactly as the server stored them.
first=$(curl -sS -o "$TMP/first.json" -w '%{http_code}' -X POST "$URL" \
    -H "Authorization: Bearer $CC_TEST_KEY" -H 'Content-Type: application/json' \
    -H 'User-Agent: cc-bench' --data-binary @"$BODY")
[ "$first" = 201 ] || die "POST $URL answered $first: $(cat "$TMP/first.json")"
inv_id=$(sed -n 's/^{"id":"\(inv_[a-z0-9]*\)".*/\1/p' "$TMP/first.json")
[ -n "$inv_id" ] || die "no invoice id in $(cat "$TMP/first.json")"

IFS=$'\x1f' read -r -a v < <(psql_cc -F $'\x1f' -c "
    SELECT i.crypto_currency, i.currency, i.network, i.title, i.description,
        i.items::text, i.currency_exp, i.subtotal_minor, i.tax_minor,
        i.total_minor, i.total::text, i.crypto_decimals, i.crypto_amount::text,
        i.rate::text, i.rate_source,
        extract(epoch FROM i.rate_expires_at - i.rate_locked_at)::int,
        i.underpay_minor, i.overpay_minor, i.overpay_action, i.webhook_url,
        i.return_url, i.cancel_url, i.metadata::text,
        extract(epoch FROM i.expires_at - i.created_at)::int,
        a.actor, a.ip_address, a.user_agent, e.data->>'crypto_amount'
    FROM invoices i JOIN audit_log a ON a.invoice_id = i.id
    JOIN events e ON e.invoice_id = i.id AND e.type = 'invoice.created'
    WHERE i.id = '$inv_id'")
[ "${#v[@]}" -eq 28 ] || die "cannot read back invoice $inv_id (${#v[@]} fields)"
names=(crypto currency network title description items currency_exp
    subtotal_minor tax_minor total_minor total crypto_decimals crypto_amount
    rate rate_source price_lock underpay_minor overpay_minor overpay_action
    webhook_url return_url cancel_url metadata expires_in actor ip user_agent
    crypto_amount_dec)
secret_hash=$(printf '%s' "$CC_TEST_KEY" | sha256sum | cut -d' ' -f1)
# The event type is a parameter of the server's statement too.
pg_vars=(-D "secret_hash=\\x$secret_hash" -D "ev_created=invoice.created"
	-D "au_created=invoice.created")
for i in "${!names[@]}"; do
	pg_vars+=(-D "${names[$i]}=${v[$i]}")
done

# --- HTTP: wrk for DURATION seconds with C connections, then the checks.
# Sets R_RPS R_P50 R_P99 (ms) and R_CPU.
run_http() {
	local c=$1
	local out=$TMP/wrk.$c.out t0 line req ok non201 sockerr dur made ev au
	local addrs idxs log_lines new_log
	log_lines=$(wc -l <"$CC_STACK_DIR/log/lighttpd-error.log")
	t0=$(psql_cc -c "SELECT clock_timestamp()")
	"$HERE/cpu_split.sh" 2 $((DURATION - 3)) >"$TMP/cpu" &
	CC_TEST_KEY=$CC_TEST_KEY CC_BENCH_BODY=$BODY \
	    wrk -t1 -c"$c" -d"${DURATION}s" --latency -s "$HERE/create_invoice.lua" \
	    "$URL" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed"; }
	wait
	R_CPU=$(cat "$TMP/cpu")
	line=$(grep '^CCBENCH requests=' "$out") || { cat "$out" >&2; die "no result line from wrk"; }
	kv() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
	req=$(kv requests) ok=$(kv ok201) non201=$(kv non201) sockerr=$(kv sockerr)
	dur=$(kv duration_us)
	if [ "$non201" != 0 ] || [ "$sockerr" != 0 ] || grep -q 'Non-2xx' "$out"; then
		cat "$out" >&2
		tail -n +"$((log_lines + 1))" "$CC_STACK_DIR/log/lighttpd-error.log" | head -20 >&2
		die "$non201 responses were not 201 and $sockerr socket errors (c=$c)"
	fi
	[ "$req" -gt 0 ] || die "wrk made no request"

	# Every 201 wrote one invoice, one event and one audit row, each invoice
	# has its own derivation index and address. wrk stops with up to c
	# requests in flight: those may be written but are not counted.
	read -r made ev au addrs idxs < <(psql_cc -F ' ' -c "
	    WITH i AS (SELECT id, address, derivation_index FROM invoices
	        WHERE merchant_id = '$CC_MERCHANT_ID' AND created_at >= '$t0')
	    SELECT (SELECT count(*) FROM i),
	        (SELECT count(*) FROM events e JOIN i ON e.invoice_id = i.id),
	        (SELECT count(*) FROM audit_log a JOIN i ON a.invoice_id = i.id),
	        (SELECT count(DISTINCT address) FROM i),
	        (SELECT count(DISTINCT derivation_index) FROM i)")
	if [ "$made" -lt "$ok" ] || [ "$made" -gt $((ok + c)) ]; then
		die "wrk counted $ok responses 201 but $made invoices were written (c=$c)"
	fi
	if [ "$ev" != "$made" ] || [ "$au" != "$made" ]; then
		die "$made invoices but $ev events and $au audit rows"
	fi
	if [ "$addrs" != "$made" ] || [ "$idxs" != "$made" ]; then
		die "$made invoices but $addrs distinct addresses and $idxs distinct indexes"
	fi
	printf '  http     c=%-3s %6d requests, all 201; %d invoices written (%d in flight at stop), addresses distinct\n' \
	    "$c" "$req" "$made" $((made - ok))
	new_log=$(tail -n +"$((log_lines + 1))" "$CC_STACK_DIR/log/lighttpd-error.log")
	if [ -n "$new_log" ]; then
		printf '  http     c=%-3s lighttpd error log, %d new lines:\n' "$c" "$(printf '%s\n' "$new_log" | wc -l)"
		printf '%s\n' "$new_log" | head -n 5 | sed 's/^/                 /'
	fi
	R_RPS=$(awk -v n="$req" -v us="$dur" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
	R_P50=$(awk -v x="$(kv p50_us)" 'BEGIN { printf "%.1f", x / 1000 }')
	R_P99=$(awk -v x="$(kv p99_us)" 'BEGIN { printf "%.1f", x / 1000 }')
	printf '  http     c=%-3s %6s invoices/s  p50 %5s ms  p99 %6s ms\n' "$c" "$R_RPS" "$R_P50" "$R_P99"
	printf '                 %s\n' "$R_CPU"
}

# --- pgbench: the same statements, C clients on one thread, prepared.
run_pgbench() {
	local c=$1
	local dir=$TMP/pgbench.$c.$RANDOM out n
	mkdir -p "$dir"
	out=$dir/out
	"$HERE/cpu_split.sh" 2 $((DURATION - 3)) >"$TMP/cpu" &
	(cd "$dir" && "$CC_PGBIN/pgbench" -h "$CC_PG_HOST" -p "$CC_PG_PORT" -U cc \
	    -n -c "$c" -j 1 -T "$DURATION" -M prepared -l \
	    -f "$HERE/create_invoice.sql" "${pg_vars[@]}" cc >"$out" 2>&1) ||
	    { cat "$out" >&2; die "pgbench failed"; }
	wait
	R_CPU=$(cat "$TMP/cpu")
	grep -q '^number of failed transactions: 0 ' "$out" ||
	    { cat "$out" >&2; die "pgbench had failed transactions"; }
	R_RPS=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out" | awk '{ printf "%.0f", $1 }')
	n=$(cat "$dir"/pgbench_log.* | wc -l)
	# Per-transaction log: column 3 is the latency in microseconds.
	read -r R_P50 R_P99 < <(cat "$dir"/pgbench_log.* | awk '{ print $3 }' | sort -n |
	    awk -v n="$n" '
		NR == int(n * 0.50 + 0.5) { p50 = $1 }
		NR == int(n * 0.99 + 0.5) { p99 = $1 }
		END { printf "%.1f %.1f\n", p50 / 1000, p99 / 1000 }')
	printf '  pgbench  c=%-3s %6d transactions, none failed\n' "$c" "$n"
	printf '  pgbench  c=%-3s %6s invoices/s  p50 %5s ms  p99 %6s ms\n' "$c" "$R_RPS" "$R_P50" "$R_P99"
	printf '                 %s\n' "$R_CPU"
}

# CPU other processes took (the "rest" of cpu_split.sh), in % of one core:
# above ~20% the machine was shared and the numbers are not comparable.
rest_of() { printf '%s\n' "$1" | sed -n 's/.* rest \([0-9]*\)%.*/\1/p'; }
mean() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (a + b) / 2 }'; }
meanf() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a + b) / 2 }'; }

echo "== invoice creation: POST /api/v1/invoices (wrk -t1, ${DURATION}s) vs pgbench (-j1 -M prepared, ${DURATION}s)"
threads=$(awk -F' *= *' '/^\[/ { http = ($0 == "[http]") } http && $1 == "threads" { print $2 }' "$CC_CONF")
echo "   $(nproc) cores; cc-merchant.fcgi threads = ${threads:-8 (default)}"
echo "   before the load, $("$HERE/cpu_split.sh" 0 2)"
table=""
busy=0
for c in $CONNECTIONS; do
	CC_TEST_KEY=$CC_TEST_KEY CC_BENCH_BODY=$BODY wrk -t1 -c"$c" -d"${WARMUP}s" \
	    -s "$HERE/create_invoice.lua" "$URL" >"$TMP/warmup" 2>&1 ||
	    { cat "$TMP/warmup" >&2; die "warm-up failed"; }
	grep -q 'non201=0 sockerr=0' "$TMP/warmup" || { cat "$TMP/warmup" >&2; die "warm-up had errors"; }
	run_http "$c";    h1=("$R_RPS" "$R_P50" "$R_P99" "$(rest_of "$R_CPU")")
	run_pgbench "$c"; g1=("$R_RPS" "$R_P50" "$R_P99" "$(rest_of "$R_CPU")")
	run_pgbench "$c"; g2=("$R_RPS" "$R_P50" "$R_P99" "$(rest_of "$R_CPU")")
	run_http "$c";    h2=("$R_RPS" "$R_P50" "$R_P99" "$(rest_of "$R_CPU")")
	hr=$(mean "${h1[0]}" "${h2[0]}") gr=$(mean "${g1[0]}" "${g2[0]}")
	table+=$(printf '\n| %3s | HTTP    | %5s | %6s | %6s | %12s | %5s |' "$c" "$hr" \
	    "$(meanf "${h1[1]}" "${h2[1]}")" "$(meanf "${h1[2]}" "${h2[2]}")" \
	    "$(awk -v h="$hr" -v g="$gr" 'BEGIN { printf "%.2f", h / g }')" \
	    "$(mean "${h1[3]}" "${h2[3]}")")
	table+=$(printf '\n| %3s | pgbench | %5s | %6s | %6s | %12s | %5s |' "$c" "$gr" \
	    "$(meanf "${g1[1]}" "${g2[1]}")" "$(meanf "${g1[2]}" "${g2[2]}")" "" \
	    "$(mean "${g1[3]}" "${g2[3]}")")
	for r in "${h1[3]}" "${g1[3]}" "${g2[3]}" "${h2[3]}"; do
		[ "$r" -le 20 ] || busy=1
	done
done
echo
echo "|   c | path    | inv/s | p50 ms | p99 ms | HTTP/pgbench | rest% |"
echo "|----:|---------|------:|-------:|-------:|-------------:|------:|"
printf '%s\n' "${table#$'\n'}"
echo "(each row: mean of two ${DURATION}s measurements, taken in the order HTTP, pgbench, pgbench, HTTP;"
echo " rest%: CPU used outside this stack and the load generators, in % of one core)"
if [ "$busy" = 1 ]; then
	echo "WARNING: other work took more than 20% of a core during some measurements:"
	echo "         the machine was shared, the ratio is not reliable; run again."
fi
