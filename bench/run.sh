#!/usr/bin/env bash
# Benchmark driver, run by `./dev.sh bench [invoices|explain|analytics|scan|public|webhooks|ratelimit|claim|sse|apache-streams]` against the
# private stack dev.sh starts (CC_ENV_FILE, CC_STACK_DIR). Runs, in order:
#   invoices  bench/invoice_create.sh: POST /api/v1/invoices through lighttpd
#             against pgbench running the same SQL, with the ratio
#   explain   bench/explain.sh: listing plans on a million invoices,
#             written to bench/EXPLAIN.md
# or only the one named by $1. `analytics` (bench/analytics.sh: GET
# /api/v1/analytics on a million invoices against the listing, with its
# plans, into bench/EXPLAIN.md), `scan` (bench/scan.sh, the chain scanner
# benchmark), `public` (bench/public.sh) and `webhooks`
# (bench/webhook_bench.py: deliveries/s against wrk, commit-to-first-attempt
# latency), `ratelimit` (bench/ratelimit.sh: invoice creation and the
# public GET with the rate limiter on and off), `claim`
# (bench/claim_backlog.py: one cc-webhooks poll with a 100,000-delivery
# backlog at one destination, against the statement it replaced), `sse`
# (bench/sse.sh: event streams, 1,000 and 10,000, into
# bench/SSE_RESULTS.md) and `apache-streams`
# (bench/apache_streams.py: event streams
# against Apache's worker threads, needs CC_HTTPD=apache ./dev.sh bench
# apache-streams) run only when named. Only 127.0.0.1 is
# ever loaded; the default run takes about 5 minutes. See bench/RESULTS.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${CC_ENV_FILE:?run me through ./dev.sh bench}"
: "${CC_STACK_DIR:?run me through ./dev.sh bench}"
# shellcheck disable=SC1090
. "$CC_ENV_FILE"
export CC_ENV_FILE CC_STACK_DIR

case ${1:-all} in
all) parts="invoices explain" ;;
invoices | explain | analytics | scan | public | webhooks | ratelimit | claim | sse) parts=$1 ;;
apache-streams)
	# It measures Apache's worker threads: nothing to learn from lighttpd.
	if [ "${CC_HTTPD:-}" != apache ]; then
		echo "bench: apache-streams needs the stack under Apache: CC_HTTPD=apache ./dev.sh bench apache-streams" >&2
		exit 2
	fi
	parts=$1 ;;
*) echo "usage: ./dev.sh bench [invoices|explain|analytics|scan|public|webhooks|ratelimit|claim|sse|apache-streams]" >&2; exit 2 ;;
esac

command -v wrk >/dev/null || { echo "bench: wrk is not installed" >&2; exit 1; }
start=$(date +%s)
for p in $parts; do
	case $p in
	invoices) "$HERE/invoice_create.sh" ;;
	explain) "$HERE/explain.sh" ;;
	analytics) "$HERE/analytics.sh" ;;
	scan) "$HERE/scan.sh" ;;
	public) "$HERE/public.sh" ;;
	webhooks) python3 "$HERE/webhook_bench.py" ;;
	ratelimit) "$HERE/ratelimit.sh" ;;
	claim) python3 "$HERE/claim_backlog.py" ;;
	sse) "$HERE/sse.sh" ;;
	apache-streams) python3 "$HERE/apache_streams.py" ;;
	esac
	echo
done
echo "bench: done in $(($(date +%s) - start)) s"
