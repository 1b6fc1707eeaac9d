#!/usr/bin/env bash
# Chain scanner benchmark: bench/scan_bench.py against a running stack.
#
#   CC_ENV_FILE=/tmp/ccscanbench/dev.env bench/scan.sh
#   ./dev.sh bench scan          (once bench/run.sh knows the part)
#
# Measures blocks/s and logs/s of a cc-scan backfill over ~20,000 Transfer
# logs with 1,000 and with 100,000 open invoices and their ratio, the fixed
# cost of a run (address set load), the RPC calls per block, and the
# latency from a mined transfer to its payment.detected event with cc-scan
# in --for mode. Needs the test token with mintMany (chain/TestUSDT.sol; a
# token deployed before it was added must be redeployed) and no other
# cc-scan on the network (run the stack with CC_NO_CRON=1). Only 127.0.0.1
# is loaded; about 2-3 minutes. See bench/SCAN_RESULTS.md.
#
# Environment: CC_ENV_FILE (required), CC_STACK_DIR (default: from the env
# file), SCAN_BENCH_* knobs (see the header of scan_bench.py).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${CC_ENV_FILE:?CC_ENV_FILE is not set (the env file of the stack, e.g. /tmp/ccscanbench/dev.env)}"
[ -r "$CC_ENV_FILE" ] || { echo "scan: cannot read $CC_ENV_FILE" >&2; exit 1; }
given_stack=${CC_STACK_DIR:-}
. "$CC_ENV_FILE"
export CC_ENV_FILE
export CC_STACK_DIR=${given_stack:-${CC_STACK_DIR:?CC_STACK_DIR is not set}}

die() { printf 'scan: FAILED: %s\n' "$*" >&2; exit 1; }

case $CC_EVM_RPC_URL in
http://127.0.0.1:*) ;;
*) die "refusing to load anything but 127.0.0.1 ($CC_EVM_RPC_URL)" ;;
esac
case $CC_API_URL in
http://127.0.0.1:*) ;;
*) die "refusing to load anything but 127.0.0.1 ($CC_API_URL)" ;;
esac
[ ! -d "$CC_STACK_DIR/valgrind-bin" ] || die "the stack runs its programs under valgrind"
# A cron loop's cc-scan would hold the network's lock and scan our blocks.
if [ -f "$CC_STACK_DIR/run/cc-scan.pid" ] && kill -0 "$(cat "$CC_STACK_DIR/run/cc-scan.pid")" 2>/dev/null; then
	die "a cc-scan loop runs on this stack (start it with CC_NO_CRON=1)"
fi

exec timeout 900 python3 "$HERE/scan_bench.py" "$@"
