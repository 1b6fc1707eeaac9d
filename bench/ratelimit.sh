#!/usr/bin/env bash
# What the rate limiter costs: invoice creation (POST /api/v1/invoices,
# counted per API key) and the customer's GET /api/v1/public/invoice/{id}
# (counted per client address, every request from another address) with
# [ratelimit] enabled = yes and = no, in the same run on the same stack.
# The FastCGI programs are restarted between the two settings (lighttpd
# spawns them again; under Apache cc-spawn restarts them). Measured in the
# order on, off, off, on (each after a 3 s warm-up of both routes) so that
# drift falls on both sides; prints req/s,
# p50, p99 and the ratio on/off. Fails on any answer that is not 201/200
# (the bench stack's limits are above what a run can reach) or if the
# limiter was on but did not count (no X-RateLimit headers).
#
# Environment: CC_ENV_FILE and CC_STACK_DIR (set by ./dev.sh bench);
# optional CC_BENCH_DURATION (seconds per measurement, default 10),
# CC_BENCH_CONNECTIONS (default 16) and CC_BENCH_THREADS ([http] threads
# of the programs in both settings, default 8 as in production).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# shellcheck disable=SC1090
. "$CC_ENV_FILE"
: "${CC_STACK_DIR:?CC_STACK_DIR is not set}"
DURATION=${CC_BENCH_DURATION:-10}
CONN=${CC_BENCH_CONNECTIONS:-16}
# Worker threads per program: the production default ([http] threads),
# not the test stacks' 4 (valgrind). A counted request waits on one Redis
# round trip; threads are what hides that wait.
THREADS=${CC_BENCH_THREADS:-8}
WARMUP=3
DIR=$CC_STACK_DIR

die() { printf 'ratelimit: FAILED: %s\n' "$*" >&2; exit 1; }

case $CC_API_URL in
http://127.0.0.1:*) ;;
*) die "refusing to load anything but 127.0.0.1 ($CC_API_URL)" ;;
esac
[ ! -d "$DIR/valgrind-bin" ] || die "the stack runs its programs under valgrind"
grep -q '^\[ratelimit\]' "$CC_CONF" || die "$CC_CONF has no [ratelimit] section"

TMP=$(mktemp -d /tmp/cc-bench-rl.XXXXXX)
CONF_SAVED=$TMP/cc.conf.orig
cp "$CC_CONF" "$CONF_SAVED"
cleanup() {
	# The configuration as it was, and the programs reading it.
	if ! cmp -s "$CONF_SAVED" "$CC_CONF"; then
		cp "$CONF_SAVED" "$CC_CONF"
		restart_programs || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

# set_limiter yes|no: [ratelimit] enabled in the stack's cc.conf, and
# [http] threads = THREADS for both settings.
set_limiter() {
	awk -v v="$1" -v t="$THREADS" '
		/^\[/ { sec = $0 }
		sec == "[ratelimit]" && /^enabled *=/ { print "enabled = " v; next }
		sec == "[http]" && /^threads *=/ { print "threads = " t; next }
		{ print }' "$CONF_SAVED" >"$TMP/cc.conf.new"
	cat "$TMP/cc.conf.new" >"$CC_CONF"
}

wait_api() {
	local i
	for i in $(seq 1 100); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$CC_API_URL/invoices")" = 401 ] && return 0
		sleep 0.1
	done
	die "the API did not come back"
}

# The programs read cc.conf at start: start them again.
restart_programs() {
	if [ "${CC_HTTPD:-lighttpd}" = apache ]; then
		env $(cat "$DIR/cc-spawn.env") "$ROOT/deploy/cc-spawn" restart merchant public >/dev/null
	else
		local pid kids k i
		pid=$(cat "$DIR/run/lighttpd.pid")
		kids=$(pgrep -P "$pid" || true)
		kill "$pid"
		# lighttpd stops the programs it spawned; wait for them all.
		for k in $pid $kids; do
			for i in $(seq 1 100); do kill -0 "$k" 2>/dev/null || break; sleep 0.1; done
			kill -0 "$k" 2>/dev/null && die "process $k did not stop"
		done
		lighttpd -f "$DIR/lighttpd.conf" || die "lighttpd did not start"
	fi
	wait_api
}

# --- one invoice and its public view
code=$(curl -sS -o "$TMP/inv.json" -w '%{http_code}' -X POST "$CC_API_URL/invoices" \
    -H "Authorization: Bearer $CC_TEST_KEY" -H 'Content-Type: application/json' \
    --data-binary @"$HERE/invoice.json")
[ "$code" = 201 ] || die "POST /invoices answered $code: $(cat "$TMP/inv.json")"
inv_id=$(sed -n 's/^{"id":"\(inv_[a-z0-9]*\)".*/\1/p' "$TMP/inv.json")
PUB_URL=$CC_PUBLIC_URL/invoice/$inv_id

# run_create / run_public: one wrk run; sets R_RPS R_P50 R_P99 (ms).
parse() {
	local out=$1 line
	line=$(grep '^CCBENCH requests=' "$out") || { cat "$out" >&2; die "no result line from wrk"; }
	kv() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
	if [ "$(kv "$2")" != 0 ] || [ "$(kv sockerr)" != 0 ]; then
		cat "$out" >&2
		die "answers other than the expected status, or socket errors"
	fi
	R_RPS=$(awk -v n="$(kv requests)" -v us="$(kv duration_us)" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
	R_P50=$(awk -v x="$(kv p50_us)" 'BEGIN { printf "%.2f", x / 1000 }')
	R_P99=$(awk -v x="$(kv p99_us)" 'BEGIN { printf "%.2f", x / 1000 }')
}
run_create() {
	CC_TEST_KEY=$CC_TEST_KEY CC_BENCH_BODY=$HERE/invoice.json \
	    wrk -t1 -c"$CONN" -d"${DURATION}s" --latency -s "$HERE/create_invoice.lua" \
	    "$CC_API_URL/invoices" >"$TMP/wrk.out" 2>&1 || { cat "$TMP/wrk.out" >&2; die "wrk failed"; }
	parse "$TMP/wrk.out" non201
}
run_public() {
	wrk -t1 -c"$CONN" -d"${DURATION}s" --latency -s "$HERE/public_xff.lua" \
	    "$PUB_URL" >"$TMP/wrk.out" 2>&1 || { cat "$TMP/wrk.out" >&2; die "wrk failed"; }
	parse "$TMP/wrk.out" bad
}

# counted yes|no: whether the limiter put its headers on both routes.
check_counted() {
	local want=$1 h1 h2
	h1=$(curl -s -o /dev/null -D - -X POST "$CC_API_URL/invoices" \
	    -H "Authorization: Bearer $CC_TEST_KEY" -H 'Content-Type: application/json' \
	    --data-binary @"$HERE/invoice.json" | grep -ci '^x-ratelimit-limit' || true)
	h2=$(curl -s -o /dev/null -D - -H 'X-Forwarded-For: 10.255.255.1' "$PUB_URL" |
	    grep -ci '^x-ratelimit-limit' || true)
	if [ "$want" = yes ] && { [ "$h1" != 1 ] || [ "$h2" != 1 ]; }; then
		die "the limiter is on but did not count (is Redis up?)"
	fi
	if [ "$want" = no ] && { [ "$h1" != 0 ] || [ "$h2" != 0 ]; }; then
		die "the limiter is off but still counted"
	fi
}

declare -A RPS P50 P99
measure() {	# measure yes|no ROUND
	set_limiter "$1"
	restart_programs
	check_counted "$1"
	# Freshly started programs (connections, caches): warm up first.
	DURATION=$WARMUP run_create
	DURATION=$WARMUP run_public
	run_create; RPS[create.$1.$2]=$R_RPS P50[create.$1.$2]=$R_P50 P99[create.$1.$2]=$R_P99
	run_public; RPS[public.$1.$2]=$R_RPS P50[public.$1.$2]=$R_P50 P99[public.$1.$2]=$R_P99
	printf '  limiter %-3s  create %6s/s p50 %6s ms p99 %6s ms | public GET %6s/s p50 %6s ms p99 %6s ms\n' \
	    "$1" "${RPS[create.$1.$2]}" "${P50[create.$1.$2]}" "${P99[create.$1.$2]}" \
	    "${RPS[public.$1.$2]}" "${P50[public.$1.$2]}" "${P99[public.$1.$2]}"
}

echo "== rate limiter cost: wrk -t1 -c$CONN, ${DURATION}s per run, $THREADS threads per program, order on, off, off, on"
echo "   $(nproc) cores; before the load, $("$HERE/cpu_split.sh" 0 2)"
measure yes 1
measure no 1
measure no 2
measure yes 2
mean() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (a + b) / 2 }'; }
meanf() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (a + b) / 2 }'; }
echo
echo "| route | limiter | req/s | p50 ms | p99 ms | on/off |"
echo "|---|---|---:|---:|---:|---:|"
for r in create public; do
	on=$(mean "${RPS[$r.yes.1]}" "${RPS[$r.yes.2]}")
	off=$(mean "${RPS[$r.no.1]}" "${RPS[$r.no.2]}")
	label=$([ $r = create ] && echo "POST /api/v1/invoices" || echo "GET /api/v1/public/invoice/{id}")
	printf '| %s | on | %s | %s | %s | %s |\n' "$label" "$on" \
	    "$(meanf "${P50[$r.yes.1]}" "${P50[$r.yes.2]}")" "$(meanf "${P99[$r.yes.1]}" "${P99[$r.yes.2]}")" \
	    "$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.3f", a / b }')"
	printf '| %s | off | %s | %s | %s | |\n' "$label" "$off" \
	    "$(meanf "${P50[$r.no.1]}" "${P50[$r.no.2]}")" "$(meanf "${P99[$r.no.1]}" "${P99[$r.no.2]}")"
done
echo "(req/s: mean of the two runs of each setting; on/off 0.90 would be 10% slower)"
