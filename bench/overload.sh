#!/usr/bin/env bash
# The overload figures of bench/OVERLOAD.md: for invoice creation, the
# public invoice GET and the QR route, the capacity (closed loop, 16
# clients, CC_BENCH_CAPACITY s) and then twice that rate offered open loop
# (CC_BENCH_DURATION s), with tests/integration/loadgen.py in
# CC_LOAD_PROCS processes; one JSON line per run, and each program's RSS
# before and after. Run against a stack without valgrind (./dev.sh up):
#   CC_ENV_FILE=var/dev.env bench/overload.sh
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC1090
. "$CC_ENV_FILE"
CAP=${CC_BENCH_CAPACITY:-10}
DUR=${CC_BENCH_DURATION:-60}
PROCS=${CC_LOAD_PROCS:-2}
LG=$HERE/../tests/integration/loadgen.py
TMP=$(mktemp -d /tmp/cc-overload.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
case $CC_API_URL in http://127.0.0.1:*) ;; *) echo "refusing: $CC_API_URL" >&2; exit 1 ;; esac
cp "$HERE/invoice.json" "$TMP/body.json"
inv=$(curl -sS -X POST "$CC_API_URL/invoices" -H "Authorization: Bearer $CC_TEST_KEY" \
    -H 'Content-Type: application/json' --data-binary @"$TMP/body.json" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
# This checkout's program (not another stack's of the same name).
rss() { ps -o rss= -p "$(pgrep -f "$(cd "$CC_BIN/../lib/crypto-checkout" && pwd)/$1.fcgi" | head -n 1)" 2>/dev/null | tr -d ' '; }
run() {	# NAME PROGRAM URL [METHOD BODY HEADER...]
	local name=$1 prog=$2 url=$3 cap rate before after
	shift 3
	cap=$(python3 - "$LG" closed "$url" "$CAP" 16 "$PROCS" "$@" <<'PY'
import json, os, sys
sys.path.insert(0, os.path.dirname(sys.argv[1]))
import loadgen as lg
a = sys.argv[2:]
body = open(a[6], "rb").read() if len(a) > 6 else b""
print(json.dumps(lg.run(a[0], a[1], float(a[2]), a[3], a[5] if len(a) > 5 else "GET", body, a[7:], int(a[4]))))
PY
)
	rate=$(python3 -c 'import json,sys; print(2 * json.loads(sys.argv[1])["rate"])' "$cap")
	before=$(rss "$prog")
	over=$(python3 - "$LG" open "$url" "$DUR" "$rate" "$PROCS" "$@" <<'PY'
import json, os, sys
sys.path.insert(0, os.path.dirname(sys.argv[1]))
import loadgen as lg
a = sys.argv[2:]
body = open(a[6], "rb").read() if len(a) > 6 else b""
print(json.dumps(lg.run(a[0], a[1], float(a[2]), a[3], a[5] if len(a) > 5 else "GET", body, a[7:], int(a[4]))))
PY
)
	after=$(rss "$prog")
	echo "$name capacity: $cap"
	echo "$name 2x for ${DUR}s: $over"
	echo "$name $prog RSS KiB: $before -> $after"
}
run create cc-merchant "$CC_API_URL/invoices" POST "$TMP/body.json" "Authorization: Bearer $CC_TEST_KEY"
run public cc-public "$CC_PUBLIC_URL/invoice/$inv"
run qr cc-qr "$CC_PUBLIC_URL/invoice/$inv/qr?size=256&format=png"
