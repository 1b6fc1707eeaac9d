#!/usr/bin/env python3
"""Chain scanner benchmark: blocks/s and logs/s that cc-scan reads with
1,000 and with 100,000 open invoices (the ratio shows whether the per-log
cost grows with the address set), the fixed cost of a run (start-up and
address set load), the RPC calls and CPU seconds behind a run, and the
latency from a mined token transfer to its payment.detected event with
cc-scan in --for mode.

Standard library only. Reads the stack from the env file in CC_ENV_FILE
(as written by ./dev.sh up / bench); only 127.0.0.1 is ever loaded.
Numbers are printed as ratios against a baseline of the same run, never
asserted against a time. Knobs (environment): SCAN_BENCH_BLOCKS (200),
SCAN_BENCH_NOISE (100 transfers per block to non-invoice addresses),
SCAN_BENCH_PAYS (2 payments to invoices per block), SCAN_BENCH_SMALL (1000)
and SCAN_BENCH_LARGE (100000) open invoices, SCAN_BENCH_REPS (3),
SCAN_BENCH_LATENCY (20 transfers); SCAN_BENCH_KEEP=1 leaves the invoices
in place for a closer look (the next run removes them);
SCAN_BENCH_TRY_INDEX=1 also measures the latency with a temporary index on
invoices (network, created_at), dropped at once (private stacks only).
"""
import hashlib
import http.client
import http.server
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse


HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from cc import ENV, admin, random_xpub  # noqa: E402  (reads CC_ENV_FILE)
from chain import addr_word, word  # noqa: E402
RPC_URL = ENV["CC_EVM_RPC_URL"]
USDT = ENV["CC_USDT_CONTRACT"].lower()
NETWORK = ENV.get("CC_USDT_NETWORK", "anvil")
STACK_DIR = os.environ.get("CC_STACK_DIR") or ENV.get("CC_STACK_DIR", "")

BLOCKS = int(os.environ.get("SCAN_BENCH_BLOCKS", "200"))
NOISE = int(os.environ.get("SCAN_BENCH_NOISE", "100"))
PAYS = int(os.environ.get("SCAN_BENCH_PAYS", "2"))
SMALL = int(os.environ.get("SCAN_BENCH_SMALL", "1000"))
LARGE = int(os.environ.get("SCAN_BENCH_LARGE", "100000"))
REPS = int(os.environ.get("SCAN_BENCH_REPS", "3"))
LATENCY_N = int(os.environ.get("SCAN_BENCH_LATENCY", "20"))
RTT_MS = 20                # a remote node's round trip, for one extra run
BATCH = 100
BENCH_NAME = "cc-scan bench"

MINT = "40c10f19"          # mint(address,uint256)
MINT_MANY = "645b569d"     # mintMany(address[],uint256)
TRANSFER = "a9059cbb"      # transfer(address,uint256)
TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
PAY_UNITS = 1000           # 0.001 USDT: leaves a 10 USDT invoice pending


def say(*a):
    print(*a, flush=True)


# --- JSON-RPC ----------------------------------------------------------------

class RpcError(Exception):
    pass


_RPC = {"conn": None}


def rpc(method, *params):
    """One JSON-RPC call to the node, on a kept-alive connection."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method,
                       "params": list(params)}).encode()
    for attempt in (1, 2):
        conn = _RPC["conn"]
        if conn is None:
            u = urllib.parse.urlparse(RPC_URL)
            conn = _RPC["conn"] = http.client.HTTPConnection(u.hostname, u.port,
                                                            timeout=60)
        try:
            conn.request("POST", "/", body=body,
                         headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
            break
        except (http.client.HTTPException, OSError):
            conn.close()
            _RPC["conn"] = None
            if attempt == 2:
                raise
    if r.status != 200:
        raise RpcError("%s: HTTP %d %s" % (method, r.status, data[:200]))
    reply = json.loads(data)
    if "error" in reply:
        raise RpcError("%s: %s" % (method, reply["error"]))
    return reply["result"]


def head():
    return int(rpc("eth_blockNumber"), 16)



def send_tx(sender, to, data, gas=200000):
    return rpc("eth_sendTransaction", {"from": sender, "to": to, "data": data,
                                       "gas": hex(gas)})


def receipt(h, timeout=30.0):
    end = time.monotonic() + timeout
    while True:
        r = rpc("eth_getTransactionReceipt", h)
        if r:
            return r
        if time.monotonic() > end:
            raise RpcError("no receipt for " + h)
        time.sleep(0.002)


def mint_many_data(addrs, units):
    # (address[] offset, uint256 value, array length, elements)
    return ("0x" + MINT_MANY + word(64) + word(units) + word(len(addrs)) +
            "".join(addr_word(a) for a in addrs))


# --- PostgreSQL and the tools ---------------------------------------------------

def psql(sql, **params):
    """Runs SQL (psql variables :'name' from params) as the cc role; returns
    the rows as lists of strings."""
    cmd = [os.path.join(ENV["CC_PGBIN"], "psql"), "-h", ENV["CC_PG_HOST"],
           "-p", ENV["CC_PG_PORT"], "-U", "cc", "-d", "cc", "-qtAX",
           "-v", "ON_ERROR_STOP=1", "-F", "\t"]
    for k, v in params.items():
        cmd += ["-v", "%s=%s" % (k, v)]
    p = subprocess.run(cmd, input=sql, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("psql failed: %s\n%s" % (p.stderr.strip(), sql))
    return [l.split("\t") for l in p.stdout.splitlines() if l]




def scan_cmd(conf, *args, network=NETWORK):
    return [os.path.join(ENV["CC_BIN"], "cc-scan"), "--config", conf,
            "--network", network] + [str(a) for a in args]


# --- CPU accounting (Linux /proc) ---------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid, children=False):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # after the command: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    t = int(fields[11]) + int(fields[12])
    if children:
        t += int(fields[13]) + int(fields[14])
    return t / TICK


def pid_from(path):
    try:
        with open(path) as f:
            return int(f.readline().strip())
    except (OSError, ValueError):
        return None


ANVIL_PID = pid_from(os.path.join(STACK_DIR, "run", "anvil.pid")) if STACK_DIR else None
PG_PID = pid_from(os.path.join(ENV["CC_PG_HOST"], "data", "postmaster.pid"))


def pg_cpu():
    """CPU seconds of the postmaster, its live children and its reaped
    children (backends of finished connections)."""
    if PG_PID is None:
        return 0.0
    total = proc_cpu(PG_PID, children=True)
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == PG_PID:
            total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def cpu_snapshot():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"scan": ru.ru_utime + ru.ru_stime,
            "anvil": proc_cpu(ANVIL_PID) if ANVIL_PID else 0.0,
            "pg": pg_cpu()}


def cpu_delta(a, b):
    return {k: b[k] - a[k] for k in a}


# --- a counting JSON-RPC proxy (for the breakdown run only) ------------------------

class RpcStats:
    def __init__(self):
        self.lock = threading.Lock()
        self.calls = {}      # method -> [count, upstream seconds, response bytes]

    def add(self, method, secs, nbytes):
        with self.lock:
            c = self.calls.setdefault(method, [0, 0.0, 0])
            c[0] += 1
            c[1] += secs
            c[2] += nbytes


def start_proxy(stats, delay=0.0):
    """A JSON-RPC proxy on 127.0.0.1 that counts calls per method and the
    time the node took; delay (s) is added to each call, as a remote
    provider's round trip would."""
    up = urllib.parse.urlparse(RPC_URL)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def setup(self):
            super().setup()
            # Headers and body leave in two writes: without this, Nagle's
            # algorithm and the client's delayed ACK add ~40 ms per call.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                req = json.loads(body)
                method = (req.get("method") if isinstance(req, dict)
                          else "batch[%d]" % len(req))
            except ValueError:
                method = "?"
            conn = getattr(self, "_up", None)
            if conn is None:
                conn = self._up = http.client.HTTPConnection(up.hostname, up.port,
                                                             timeout=60)
                conn.connect()
                conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            hdrs = {"Content-Type": "application/json"}
            if self.headers.get("Accept-Encoding"):
                hdrs["Accept-Encoding"] = self.headers["Accept-Encoding"]
            t0 = time.monotonic()
            conn.request("POST", up.path or "/", body=body, headers=hdrs)
            r = conn.getresponse()
            data = r.read()
            stats.add(method, time.monotonic() - t0, len(data))
            if delay:
                time.sleep(delay)
            self.send_response(r.status)
            self.send_header("Content-Type", r.getheader("Content-Type",
                                                         "application/json"))
            if r.getheader("Content-Encoding"):
                self.send_header("Content-Encoding", r.getheader("Content-Encoding"))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def proxied_conf(tmpdir, port):
    """A copy of cc.conf whose scanned network reads through the proxy."""
    out, section = [], None
    with open(ENV["CC_CONF"]) as f:
        for line in f:
            s = line.strip()
            if s.startswith("[") and s.endswith("]"):
                section = s
            if section == "[network %s]" % NETWORK and s.startswith("rpc_url"):
                line = "rpc_url = http://127.0.0.1:%d\n" % port
            out.append(line)
    path = os.path.join(tmpdir, "cc-proxied.conf")
    with open(path, "w") as f:
        f.writelines(out)
    return path


# --- load phase ------------------------------------------------------------------

def cleanup_previous():
    """Removes what earlier runs of this benchmark left (their invoices would
    otherwise sit in the scanner's address set)."""
    psql("""
BEGIN;
CREATE TEMP TABLE bm AS SELECT id FROM merchants WHERE name = :'name';
DELETE FROM events WHERE merchant_id IN (SELECT id FROM bm);
DELETE FROM audit_log WHERE merchant_id IN (SELECT id FROM bm)
    OR invoice_id IN (SELECT i.id FROM invoices i JOIN bm ON bm.id = i.merchant_id);
DELETE FROM credits WHERE merchant_id IN (SELECT id FROM bm);
DELETE FROM refunds WHERE merchant_id IN (SELECT id FROM bm);
DELETE FROM payments WHERE merchant_id IN (SELECT id FROM bm);
DELETE FROM idempotency_keys WHERE merchant_id IN (SELECT id FROM bm);
DELETE FROM invoices WHERE merchant_id IN (SELECT id FROM bm);
COMMIT;
VACUUM (ANALYZE) invoices, events, payments, audit_log;
""", name=BENCH_NAME)


# Open invoices accumulate over the day: created_at is spread over the last
# 14 hours (none in the last 10 minutes, so that the scanner's per-step
# query for new invoices finds none of them), expiring a day after.
INSERT_SQL = """
INSERT INTO invoices (id, merchant_id, mode, status, title, items, currency,
    currency_exp, subtotal_minor, tax_minor, total_minor, total,
    crypto_currency, network, crypto_decimals, crypto_amount, rate,
    rate_source, rate_locked_at, rate_expires_at, wallet_id,
    derivation_index, address, created_at, expires_at)
SELECT 'inv_sb' || substr(md5(:'m' || ':id:' || i), 1, 26), :'m', 'test',
    'pending', 'Scan bench ' || i,
    '[{"name":"Scan bench","quantity":1,"unit_price":10.00,"amount":10.00}]',
    'USD', 2, 1000, 0, 1000, 10.00, 'USDT', :'net', 6, 10000000, 1, 'peg',
    t, t + interval '1 day', :'w', i,
    '0x' || substr(md5(:'m' || ':a:' || i), 1, 32) ||
        substr(md5(:'m' || ':b:' || i), 1, 8),
    t, t + interval '1 day'
FROM generate_series(:lo::int, :hi::int - 1) AS i,
    LATERAL (SELECT now() - interval '10 minutes' -
        i * interval '500 milliseconds' AS t) AS c;
VACUUM (ANALYZE) invoices;
"""


def insert_invoices(m, w, lo, hi):
    t0 = time.monotonic()
    psql(INSERT_SQL, m=m, w=w, net=NETWORK, lo=lo, hi=hi)
    return time.monotonic() - t0


def open_invoices(network=NETWORK):
    return int(psql("SELECT count(*) FROM invoices WHERE network = :'net' "
                    "AND status IN ('created', 'pending')", net=network)[0][0])


# The baseline measured between the runs at LARGE: a twin network, the same
# chain under another name, whose address set holds only the first SMALL
# invoice addresses (copied); cc-scan reads it through a copy of cc.conf.
TWIN = NETWORK + "-base"


def twin_conf(tmpdir):
    src = open(ENV["CC_CONF"]).read().splitlines(True)
    out, copy, section = list(src), [], None
    for line in src:
        st = line.strip()
        if st.startswith("["):
            section = st
            if st == "[network %s]" % NETWORK:
                copy.append("\n[network %s]\n" % TWIN)
                continue
            if st.startswith("[asset %s " % NETWORK):
                copy.append("\n" + st.replace("[asset %s " % NETWORK,
                                              "[asset %s " % TWIN) + "\n")
                continue
        if section and (section == "[network %s]" % NETWORK or
                        section.startswith("[asset %s " % NETWORK)):
            if st and not st.startswith("#") and not st.startswith("default_for"):
                copy.append(line)
    path = os.path.join(tmpdir, "cc-twin.conf")
    with open(path, "w") as f:
        f.writelines(out + copy)
    return path


def make_twin(m):
    wal = "wal_sbtwin" + m[4:20]
    psql("SELECT cc_wallet_add(:'w', :'m', :'net', :'x') WHERE NOT EXISTS "
         "(SELECT 1 FROM wallets WHERE id = :'w')",
         w=wal, m=m, net=TWIN, x=random_xpub())
    psql("""
INSERT INTO invoices (id, merchant_id, mode, status, title, items, currency,
    currency_exp, subtotal_minor, tax_minor, total_minor, total,
    crypto_currency, network, crypto_decimals, crypto_amount, rate,
    rate_source, rate_locked_at, rate_expires_at, wallet_id,
    derivation_index, address, created_at, expires_at)
SELECT 'inv_sc' || substr(id, 7), merchant_id, mode, status, title, items,
    currency, currency_exp, subtotal_minor, tax_minor, total_minor, total,
    crypto_currency, :'twin', crypto_decimals, crypto_amount, rate,
    rate_source, rate_locked_at, rate_expires_at, :'w', derivation_index,
    address, created_at, expires_at
FROM invoices WHERE merchant_id = :'m' AND network = :'net'
    AND derivation_index < :'n';
VACUUM (ANALYZE) invoices;
""", m=m, w=wal, net=NETWORK, twin=TWIN, n=SMALL)


# --- chain phase -----------------------------------------------------------------

def noise_address(i):
    """The i-th non-invoice recipient: the same ones in every run, so that a
    stack's chain state (and anvil's time to mine a block, which grows with
    it) does not grow with each run."""
    return "0x" + hashlib.sha256(b"cc-scan-bench-noise:%d" % i).hexdigest()[:40]


def build_chain(invoice_addrs):
    """BLOCKS blocks, each with one mintMany of NOISE transfers to fresh
    addresses and PAYS transfers from a payer to invoice addresses.
    Returns (start, end, Transfer logs in range, payments expected)."""
    acc = rpc("eth_accounts")
    minter, payer = acc[0], acc[1]
    need = BLOCKS * PAYS * PAY_UNITS
    receipt(send_tx(minter, USDT, "0x" + MINT + addr_word(payer) + word(need)))
    targets = random.sample(invoice_addrs, min(len(invoice_addrs), BLOCKS * PAYS))
    rpc("evm_setAutomine", False)
    try:
        for b in range(BLOCKS):
            noise = [noise_address(b * NOISE + k) for k in range(NOISE)]
            hashes = [send_tx(minter, USDT, mint_many_data(noise, 1 + b),
                              gas=60000 + 30000 * NOISE)]
            for k in range(PAYS):
                t = targets[(b * PAYS + k) % len(targets)]
                hashes.append(send_tx(payer, USDT, "0x" + TRANSFER +
                                      addr_word(t) + word(PAY_UNITS)))
            rpc("evm_mine")
            if b == 0:
                # The first block is checked closely, the others by the count
                # of their logs below.
                for h in hashes:
                    r = receipt(h)
                    if r["status"] != "0x1":
                        raise RpcError("transaction %s failed" % h)
                first = int(r["blockNumber"], 16)
                if len(receipt(hashes[0])["logs"]) != NOISE:
                    raise RpcError("mintMany did not emit %d logs" % NOISE)
        for h in hashes:
            if receipt(h)["status"] != "0x1":
                raise RpcError("transaction %s failed" % h)
    finally:
        rpc("evm_setAutomine", True)
    end = head()
    nlogs = 0
    for lo in range(first, end + 1, 50):
        nlogs += len(rpc("eth_getLogs", {"fromBlock": hex(lo),
                                         "toBlock": hex(min(end, lo + 49)),
                                         "topics": [TRANSFER_TOPIC]}))
    if end - first + 1 != BLOCKS or nlogs != BLOCKS * (NOISE + PAYS):
        raise RpcError("the chain has %d blocks and %d Transfer logs, not %d and %d" %
                       (end - first + 1, nlogs, BLOCKS, BLOCKS * (NOISE + PAYS)))
    pays = len(set(targets[i % len(targets)] for i in range(BLOCKS * PAYS)))
    return first, end, nlogs, BLOCKS * PAYS, pays


# --- measuring -------------------------------------------------------------------------

RESET_SQL = """
BEGIN;
DELETE FROM events WHERE merchant_id = :'m' AND type <> 'invoice.created';
DELETE FROM credits WHERE merchant_id = :'m';
DELETE FROM refunds WHERE merchant_id = :'m';
DELETE FROM payments WHERE merchant_id = :'m';
UPDATE invoices SET status = 'pending', paid_at = NULL, overpaid_at = NULL
    WHERE merchant_id = :'m' AND (status <> 'pending' OR paid_at IS NOT NULL
    OR overpaid_at IS NOT NULL);
COMMIT;
VACUUM (ANALYZE) payments, events, invoices;
"""


def reset(m):
    """Forgets the payments of the benchmark merchant, so that every run
    records the same payments (the unique constraint would skip them)."""
    psql(RESET_SQL, m=m)


def timed_scan(m, conf, network, from_block, expect_payments):
    """One cc-scan backfill from from_block to the head, timed from outside;
    checks that it recorded every expected payment."""
    reset(m)
    cpu0 = cpu_snapshot()
    t0 = time.monotonic()
    p = subprocess.run(scan_cmd(conf, "--from-block", from_block, "--batch", BATCH,
                                network=network),
                       capture_output=True, text=True, timeout=300)
    dt = time.monotonic() - t0
    time.sleep(0.2)          # let the postmaster reap the scanner's backend
    cpu = cpu_delta(cpu0, cpu_snapshot())
    if p.returncode != 0 or "another cc-scan" in p.stderr:
        raise RuntimeError("cc-scan failed (%d): %s" % (p.returncode, p.stderr[-2000:]))
    got = int(psql("SELECT count(*) FROM payments WHERE merchant_id = :'m'", m=m)[0][0])
    if got != expect_payments:
        raise RuntimeError("cc-scan recorded %d payments, expected %d\n%s" %
                           (got, expect_payments, p.stderr[-2000:]))
    return dt, cpu


def loadavg():
    return "%.1f" % os.getloadavg()[0]


def measure(m, chain, setups):
    """For each setup (label, conf, network): REPS timed backfills of the
    whole range and REPS of its last block alone (the fixed cost: start-up,
    address set load, one block), after one untimed warm-up. With several
    setups the runs alternate, so that a drifting machine load falls on
    each alike."""
    start, end, nlogs, npay = chain["start"], chain["end"], chain["logs"], chain["pays"]
    res = {lab: {"runs": [], "fixed": [], "cpus": [], "fcpus": []}
           for lab, _, _ in setups}
    la = [loadavg()]
    for lab, conf, net in setups:
        timed_scan(m, conf, net, start, npay)
    for _ in range(REPS):
        for lab, conf, net in setups:
            dt, cpu = timed_scan(m, conf, net, start, npay)
            res[lab]["runs"].append(dt)
            res[lab]["cpus"].append(cpu)
    for _ in range(REPS):
        for lab, conf, net in setups:
            dt, cpu = timed_scan(m, conf, net, end, chain["end_pays"])
            res[lab]["fixed"].append(dt)
            res[lab]["fcpus"].append(cpu)
    la.append(loadavg())
    blocks = end - start + 1
    out = []
    for lab, conf, net in setups:
        x = res[lab]
        t = statistics.median(x["runs"])
        f = statistics.median(x["fixed"])
        r = {"label": lab, "open": open_invoices(net), "t": t, "runs": x["runs"],
             "fixed": f, "fixed_runs": x["fixed"],
             "blocks_s": blocks / t, "logs_s": nlogs / t,
             "logs_s_net": nlogs / (t - f) if t > f else float("nan"),
             "blocks_s_net": blocks / (t - f) if t > f else float("nan"),
             "cpu": {k: statistics.median(c[k] for c in x["cpus"])
                     for k in x["cpus"][0]},
             "fcpu": {k: statistics.median(c[k] for c in x["fcpus"])
                      for k in x["fcpus"][0]},
             "load": "-".join(la)}
        say("  %-34s full runs %s s; 1-block runs %s s; load average %s" %
            (lab, " ".join("%.3f" % v for v in x["runs"]),
             " ".join("%.3f" % v for v in x["fixed"]), r["load"]))
        out.append(r)
    return out


def incremental_query_ms():
    """The query for new invoices that cc-scan repeats every step (those
    created in the minute before its last load), prepared with parameters as
    cc-scan sends it, on one connection as cc-scan keeps it: median execution
    time (ms) of 5 after a first one (a new backend's first scan of the table
    is several times slower here), and the plan's scan node."""
    one = ("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) EXECUTE q(:'net', "
           "extract(epoch FROM now())::bigint - 60, false);\n")
    sql = ("PREPARE q(text, bigint, boolean) AS SELECT id, address, "
           "crypto_currency, extract(epoch FROM now())::bigint FROM invoices "
           "WHERE network = $1 AND (created_at >= timestamptz 'epoch' + "
           "$2::bigint * interval '1 second' OR ($3::boolean AND status IN "
           "('created', 'pending')));\n" + one * 6)
    text = "\n".join("\t".join(r) for r in psql(sql, net=NETWORK))
    dec, pos, times, node = json.JSONDecoder(), 0, [], "?"
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        doc, pos = dec.raw_decode(text, pos)
        plan = doc[0]
        times.append(plan["Execution Time"])
        n = plan["Plan"]
        while n.get("Plans") and "Scan" not in n["Node Type"]:
            n = n["Plans"][0]
        node = n["Node Type"]
    return statistics.median(times[1:]), node


def rpc_breakdown(m, chain, delay=0.0):
    """One scan through a counting proxy: RPC calls per method, time the
    node took, bytes; with the CPU seconds of each process."""
    stats = RpcStats()
    srv = start_proxy(stats, delay)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            conf = proxied_conf(tmp, srv.server_address[1])
            dt, cpu = timed_scan(m, conf, NETWORK, chain["start"], chain["pays"])
    finally:
        srv.shutdown()
        srv.server_close()
    return dt, cpu, stats.calls


# --- latency ------------------------------------------------------------------------------

def latency(key, label, warm=2.0):
    """LATENCY_N invoices created through the API and paid in full by one
    token transfer each (anvil automines), with cc-scan --for polling every
    100 ms: ms from the receipt to the payment.detected event (both clocks
    of this machine)."""
    api = urllib.parse.urlparse(ENV["CC_API_URL"])
    acc = rpc("eth_accounts")
    payer = acc[2]
    receipt(send_tx(acc[0], USDT, "0x" + MINT + addr_word(payer) +
                    word(LATENCY_N * 100 * 10 ** 6)))
    proc = subprocess.Popen(scan_cmd(ENV["CC_CONF"], "--for", 60, "--poll-ms", 100),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    lat = []
    la = [loadavg()]
    try:
        time.sleep(warm)         # the first step loads the whole address set
        if proc.poll() is not None:
            raise RuntimeError("cc-scan --for stopped: %s" % proc.stderr.read())
        for i in range(LATENCY_N):
            conn = http.client.HTTPConnection(api.hostname, api.port, timeout=30)
            conn.request("POST", api.path + "/invoices", body=json.dumps({
                "currency": "USD", "crypto_currency": "USDT",
                "items": [{"name": "Latency %d" % i, "quantity": 1,
                           "unit_price": 5.00}]}),
                headers={"Authorization": "Bearer " + key,
                         "Content-Type": "application/json"})
            r = conn.getresponse()
            body = r.read()
            conn.close()
            if r.status not in (200, 201):
                raise RuntimeError("invoice create: %d %s" % (r.status, body[:300]))
            inv = json.loads(body)
            # Let the scanner's poll phase drift relative to the payments.
            time.sleep(random.uniform(0.05, 0.25))
            h = send_tx(payer, USDT, "0x" + TRANSFER + addr_word(inv["address"]) +
                        word(int(inv["crypto_amount_units"])))
            receipt(h)
            mined = time.time()
            deadline = time.monotonic() + 15
            while True:
                rows = psql("SELECT extract(epoch FROM created_at) FROM events "
                            "WHERE invoice_id = :'i' AND type = 'payment.detected'",
                            i=inv["id"])
                if rows:
                    lat.append((float(rows[0][0]) - mined) * 1000.0)
                    break
                if proc.poll() is not None:
                    raise RuntimeError("cc-scan --for stopped: %s" %
                                       proc.stderr.read()[-2000:])
                if time.monotonic() > deadline:
                    raise RuntimeError("no payment.detected for %s within 15 s" %
                                       inv["id"])
                time.sleep(0.05)
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
    la.append(loadavg())
    r = {"label": label, "open": open_invoices(), "lat": lat,
         "p50": pct(lat, 50), "p99": pct(lat, 99), "max": max(lat),
         "min": min(lat), "load": "-".join(la)}
    say("  %-30s %s ms; load average %s" % (label, " ".join("%.0f" % x for x in lat),
                                           r["load"]))
    return r


def pct(xs, p):
    """Nearest-rank percentile (with 20 samples, p99 is the maximum)."""
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, -(-p * len(xs) // 100) - 1))
    return xs[int(k)]


# --- main ------------------------------------------------------------------------------------

def short(n):
    return "%dk" % (n // 1000) if n >= 1000 and n % 1000 == 0 else str(n)


def main():
    t_all = time.monotonic()
    say("scan bench: network %s, anvil at %s, %d cores, load average %s" %
        (NETWORK, RPC_URL, os.cpu_count(), loadavg()))
    for u in (RPC_URL, ENV["CC_API_URL"]):
        if urllib.parse.urlparse(u).hostname != "127.0.0.1":
            raise RuntimeError("refusing to load anything but 127.0.0.1 (%s)" % u)
    try:
        rpc("eth_call", {"to": USDT, "data": mint_many_data([], 0)}, "latest")
    except RpcError:
        raise RuntimeError("the test token at %s has no mintMany: redeploy it "
                           "(./dev.sh down, remove %s/anvil, ./dev.sh up)" %
                           (USDT, STACK_DIR or "the stack's"))
    cleanup_previous()
    tmp = tempfile.TemporaryDirectory()
    conf, tconf = ENV["CC_CONF"], twin_conf(tmp.name)
    names = (short(SMALL), short(LARGE), short(SMALL) + " between")

    # Load phase: one merchant, one wallet, SMALL open invoices.
    mer = admin("merchant", "create", "--name", BENCH_NAME)["id"]
    admin("wallet", "add", "--merchant", mer, "--network", NETWORK,
          "--xpub", random_xpub())
    wallet = psql("SELECT id FROM wallets WHERE merchant_id = :'m' AND network = :'net'",
                  m=mer, net=NETWORK)[0][0]
    key = admin("key", "create", "--merchant", mer, "--type", "test")["secret"]
    # API invoices of the latency phase take indexes after the bulk rows.
    psql("SELECT setval(seq_name::regclass, :'n') FROM wallets WHERE id = :'w'",
         w=wallet, n=LARGE + 1000)
    t = insert_invoices(mer, wallet, 0, SMALL)
    addrs = [r[0] for r in psql("SELECT address FROM invoices WHERE merchant_id = :'m'",
                                m=mer)]
    say("load: merchant %s, %d open invoices inserted in %.2f s" % (mer, SMALL, t))

    # Chain phase.
    t0 = time.monotonic()
    start, end, nlogs, npay, ndistinct = build_chain(addrs)
    chain = {"start": start, "end": end, "logs": nlogs, "pays": npay,
             "end_pays": PAYS}
    blocks = end - start + 1
    say("chain: blocks %d-%d (%d blocks), %d Transfer logs, %d of them payments "
        "to %d invoices; built in %.1f s" % (start, end, blocks, nlogs, npay,
                                            ndistinct, time.monotonic() - t0))
    snap = rpc("evm_snapshot")

    say("measure: cc-scan --network N --from-block %d --batch %d: %d timed runs "
        "after a warm-up (median), and as many from block %d alone" %
        (start, BATCH, REPS, end))
    small = measure(mer, chain, [("%d open invoices" % SMALL, conf, NETWORK)])[0]
    inc_small = incremental_query_ms()
    lat_small = latency(key, "latency, %d open invoices" % SMALL)
    # Back to the benchmark's chain: the latency blocks are forgotten.
    if not rpc("evm_revert", snap) or head() != end:
        raise RuntimeError("evm_revert did not restore block %d" % end)
    snap = rpc("evm_snapshot")

    t = insert_invoices(mer, wallet, SMALL, LARGE)
    make_twin(mer)
    say("load: topped up to %d invoices in %.2f s; baseline network %s with the "
        "first %d addresses" % (LARGE, t, TWIN, SMALL))
    inc_large = incremental_query_ms()
    large, base = measure(mer, chain, [
        ("%d open invoices" % LARGE, conf, NETWORK),
        ("%d open invoices (%s)" % (SMALL, TWIN), tconf, TWIN)])
    bd_t, bd_cpu, bd_calls = rpc_breakdown(mer, chain)
    rtt_t = rpc_breakdown(mer, chain, RTT_MS / 1000.0)[0]
    lat_large = latency(key, "latency, %d open invoices" % LARGE)
    tried = None
    if os.environ.get("SCAN_BENCH_TRY_INDEX"):
        # The suggested fix, tried on this private stack only: an index that
        # serves the per-step query; dropped again whatever happens.
        try:
            psql("CREATE INDEX scanbench_try_network_created ON invoices "
                 "(network, created_at); ANALYZE invoices")
            tried = (incremental_query_ms(),
                     latency(key, "latency, %d, with the index" % LARGE))
        finally:
            psql("DROP INDEX IF EXISTS scanbench_try_network_created")
    tmp.cleanup()

    # Report.
    say("")
    say("Backfill of %d blocks / %d Transfer logs (%d payments), --batch %d, "
        "median of %d runs; '%s' alternated with the %s runs:" %
        (blocks, nlogs, npay, BATCH, REPS, names[2], names[1]))
    say("")
    say("| run | open invoices in set | run s | blocks/s | logs/s | 1-block run s "
        "| blocks/s excl. fixed | logs/s excl. fixed | load avg |")
    say("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in zip(names, (small, large, base)):
        say("| %s | %d | %.3f | %.0f | %.0f | %.3f | %.0f | %.0f | %s |" %
            (name, r["open"], r["t"], r["blocks_s"], r["logs_s"], r["fixed"],
             r["blocks_s_net"], r["logs_s_net"], r["load"]))
    say("")
    say("ratio logs/s %s / %s: %.2f (%.2f excluding the fixed cost of a run); "
        "against the first %s runs: %.2f (%.2f). Goal ~1.0." %
        (names[1], names[2], large["logs_s"] / base["logs_s"],
         large["logs_s_net"] / base["logs_s_net"], names[0],
         large["logs_s"] / small["logs_s"], large["logs_s_net"] / small["logs_s_net"]))
    say("fixed cost of a run (start-up, address set load, 1 block): %.0f ms at "
        "%s, %.0f ms at %s: loading %d more addresses costs ~%.0f ms "
        "(%.1f us each)" %
        (base["fixed"] * 1000, names[2], large["fixed"] * 1000, names[1],
         LARGE - SMALL, (large["fixed"] - base["fixed"]) * 1000,
         (large["fixed"] - base["fixed"]) * 1e6 / (LARGE - SMALL)))
    say("per-step query for new invoices (every step, i.e. every poll): "
        "%.2f ms (%s) with %d invoice rows, %.2f ms (%s) with %d: %.0fx" %
        (inc_small[0], inc_small[1], SMALL, inc_large[0], inc_large[1],
         LARGE + SMALL, inc_large[0] / max(inc_small[0], 0.001)))
    say("")
    say("CPU seconds (less disturbed than wall time by other load on the machine), "
        "medians:")
    say("")
    say("| run | cc-scan | anvil | postgres | 1-block run: cc-scan | postgres "
        "| cc-scan us/log excl. fixed | postgres us/log excl. fixed |")
    say("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in zip(names, (small, large, base)):
        c, f = r["cpu"], r["fcpu"]
        r["scan_us"] = (c["scan"] - f["scan"]) * 1e6 / nlogs
        r["pg_us"] = (c["pg"] - f["pg"]) * 1e6 / nlogs
        say("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f |" %
            (name, c["scan"], c["anvil"], c["pg"], f["scan"], f["pg"],
             r["scan_us"], r["pg_us"]))
    say("")
    say("ratio cc-scan CPU per log excl. fixed %s / %s: %.2f (goal ~1.0)" %
        (names[1], names[2], large["scan_us"] / base["scan_us"]
         if base["scan_us"] > 0 else float("nan")))

    say("")
    say("RPC calls of one backfill at %s through a counting proxy (wall %.2f s, "
        "%+.2f s against unproxied):" % (names[1], bd_t, bd_t - large["t"]))
    say("")
    say("| method | calls | calls/block | node s | ms/call | MB |")
    say("|---|---:|---:|---:|---:|---:|")
    tot_n, tot_s = 0, 0.0
    for meth, (n, sec, b) in sorted(bd_calls.items(), key=lambda kv: -kv[1][1]):
        tot_n += n
        tot_s += sec
        say("| %s | %d | %.2f | %.3f | %.2f | %.1f |" %
            (meth, n, n / blocks, sec, sec * 1000 / n, b / 1e6))
    say("| total | %d | %.2f | %.3f | | |" % (tot_n, tot_n / blocks, tot_s))
    say("")
    say("waiting on the node: %.0f%% of that run; CPU s: cc-scan %.2f, anvil %.2f, "
        "postgres %.2f" % (tot_s * 100 / bd_t, bd_cpu["scan"], bd_cpu["anvil"],
                           bd_cpu["pg"]))

    say("the same backfill with %d ms added to every RPC call (a remote node): "
        "%.2f s, %.0f blocks/s; %.2fx the time of the proxied run without delay "
        "(%d calls x %d ms = %.2f s of round trips)" %
        (RTT_MS, rtt_t, blocks / rtt_t, rtt_t / bd_t, tot_n, RTT_MS,
         tot_n * RTT_MS / 1000.0))

    say("")
    say("Latency mined transfer -> payment.detected, cc-scan --for 60 --poll-ms 100, "
        "%d transfers each (nearest-rank p99: the maximum below 100 samples):" %
        LATENCY_N)
    say("")
    say("| open invoices | p50 ms | p99 ms | max ms | min ms | load avg |")
    say("|---:|---:|---:|---:|---:|---:|")
    for r in (lat_small, lat_large):
        say("| %d | %.0f | %.0f | %.0f | %.0f | %s |" %
            (r["open"], r["p50"], r["p99"], r["max"], r["min"], r["load"]))
    if tried:
        r = tried[1]
        say("| %d, index (network, created_at) | %.0f | %.0f | %.0f | %.0f | %s |" %
            (r["open"], r["p50"], r["p99"], r["max"], r["min"], r["load"]))
    say("")
    say("ratio p50 latency %s / %s: %.2f" % (names[1], names[0],
                                             lat_large["p50"] / lat_small["p50"]))
    if tried:
        say("with a temporary index on invoices (network, created_at): per-step "
            "query %.2f ms (%s), p50 latency %.0f ms, ratio to %s %.2f" %
            (tried[0][0], tried[0][1], tried[1]["p50"], names[0],
             tried[1]["p50"] / lat_small["p50"]))

    if os.environ.get("SCAN_BENCH_KEEP"):
        say("SCAN_BENCH_KEEP: the invoices of merchant %s stay (removed by the "
            "next run)" % mer)
    else:
        cleanup_previous()
    say("")
    say("scan bench: done in %.0f s" % (time.monotonic() - t_all))


if __name__ == "__main__":
    try:
        main()
    except (RuntimeError, AssertionError, RpcError, OSError) as e:
        print("scan_bench: %s" % e, file=sys.stderr)
        sys.exit(1)
