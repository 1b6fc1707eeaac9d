#!/usr/bin/env bash
# ./dev.sh bench sse: event streams on one cc-events.fcgi (bench/sse_bench.py)
# at 1,000 streams and at 10,000 through the web server (lighttpd needs
# two descriptors a stream: where the shell's hard descriptor limit,
# ulimit -Hn, is below 22,300, dev.sh runs two lighttpd processes on the
# port, server.max-worker), then 10,000 streams
# spoken to cc-events' FastCGI socket directly, as the web server does.
# Results: bench/SSE_RESULTS.md.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${CC_ENV_FILE:?run me through ./dev.sh bench sse}"

hard=${CC_LIGHTTPD_FDS:?run me through ./dev.sh bench sse}
workers=${CC_LIGHTTPD_WORKERS:-1}
# lighttpd: a client and a backend descriptor per stream, and it stops
# accepting at 90 % of server.max-fds (the hard limit), per process;
# dev.sh starts as many lighttpd processes as 10,000 streams need
# (server.max-worker) when one cannot hold them.
big=$(( workers * (hard * 9 / 10 - 100) / 2 ))
[ "$big" -gt 10000 ] && big=10000
echo "== lighttpd: $workers process(es), server.max-fds $hard each"
direct=${CC_BENCH_SSE_DIRECT:-10000}

python3 "$HERE/sse_bench.py" --streams 1000
# Let cc-events notice the closed streams (the heartbeat) before the next.
sleep 6
python3 "$HERE/sse_bench.py" --streams "$big"
sleep 6
python3 "$HERE/sse_bench.py" --streams "$direct" --direct
