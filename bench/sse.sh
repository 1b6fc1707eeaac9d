#!/usr/bin/env bash
# ./dev.sh bench sse: event streams on one cc-events.fcgi (bench/sse_bench.py)
# at 1,000 streams and at the most this machine's web server can hold
# toward 10,000 (lighttpd needs two descriptors a stream: the hard
# descriptor limit of the shell, ulimit -Hn, caps it), then 10,000 streams
# spoken to cc-events' FastCGI socket directly, as the web server does.
# Results: bench/SSE_RESULTS.md.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${CC_ENV_FILE:?run me through ./dev.sh bench sse}"

hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=1048576
# lighttpd: a client and a backend descriptor per stream, a few of its own.
big=$(( (hard - 100) / 2 ))
[ "$big" -gt 10000 ] && big=10000
direct=${CC_BENCH_SSE_DIRECT:-10000}

python3 "$HERE/sse_bench.py" --streams 1000
# Let cc-events notice the closed streams (the heartbeat) before the next.
sleep 6
python3 "$HERE/sse_bench.py" --streams "$big"
sleep 6
python3 "$HERE/sse_bench.py" --streams "$direct" --direct
