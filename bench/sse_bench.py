#!/usr/bin/env python3
"""Server-Sent Events capacity of one cc-events.fcgi process (standard
library only).

Opens --streams streams (10 per invoice, the [events] max_per_invoice
limit) with raw non-blocking sockets on one selector, in batches of
--batch, and reports:

  - how many streams are served: a stream counts once it received its
    first bytes ("retry: 3000") within --first-wait seconds of its batch;
    the HTTP status of the others (503 once [events] max_streams is
    reached);
  - time to first byte of each stream, from its connect (p50, p99, max);
  - the RSS (VmRSS) and thread count of the stack's cc-events.fcgi before
    and with the streams open, and the RSS per stream;
  - fan-out: one event row per followed invoice in ONE transaction
    followed by pg_notify('cc_events'); latency from the commit to the
    arrival on every served stream (p50, p99, max);
  - with --payment, one real payment (anvil transfer, cc-scan once) to one
    invoice: latency from the event's created_at to each of its streams.

Through the web server by default; --direct speaks FastCGI to cc-events'
own socket (what the web server does), to measure cc-events past what
the web server's descriptor limit allows on this machine.

    CC_ENV_FILE=/path/dev.env python3 bench/sse_bench.py [--streams 1000]

Only 127.0.0.1; every wait is bounded.
"""
import argparse
import json
import math
import os
import resource
import selectors
import socket
import struct
import subprocess
import sys
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))


from cc import ENV  # noqa: E402  (reads CC_ENV_FILE)
from rawhttp import take_head  # noqa: E402
PUB = urllib.parse.urlparse(ENV["CC_PUBLIC_URL"])
if PUB.hostname != "127.0.0.1":
    raise SystemExit("sse_bench: refusing to load anything but 127.0.0.1")


def die(msg):
    print("sse_bench: FAILED: %s" % msg, file=sys.stderr)
    sys.exit(1)


def psql(sql):
    out = subprocess.run(
        [os.path.join(ENV["CC_PGBIN"], "psql"), "-h", ENV["CC_PG_HOST"], "-p", ENV["CC_PG_PORT"],
         "-U", "cc", "-d", "cc", "-qtAX", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        die("psql: %s" % out.stderr.strip())
    return out.stdout.split("\n")


def create_invoice():
    body = json.dumps({"currency": "USD", "crypto_currency": "USDT", "tax": 0,
                       "items": [{"name": "SSE bench", "unit_price": "5.00"}]}).encode()
    req = urllib.request.Request(ENV["CC_API_URL"] + "/invoices", data=body, method="POST",
                                 headers={"Authorization": "Bearer " + ENV["CC_TEST_KEY"],
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        if r.status != 201:
            die("POST /invoices answered %d" % r.status)
        return json.load(r)


def events_pid():
    """The cc-events.fcgi of this stack: the one whose CC_CONF is ours."""
    want = ("CC_CONF=" + ENV["CC_CONF"]).encode()
    pids = subprocess.run(["pgrep", "-f", "cc-events.fcgi"], capture_output=True,
                          text=True).stdout.split()
    found = []
    for p in pids:
        try:
            with open("/proc/%s/environ" % p, "rb") as f:
                envs = f.read().split(b"\0")
            with open("/proc/%s/cmdline" % p, "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if want in envs or ENV["CC_CONF"].encode() in cmd:
            found.append(int(p))
    if len(found) != 1:
        die("expected one cc-events.fcgi for %s, found %s" % (ENV["CC_CONF"], found))
    return found[0]


def proc_status(pid):
    st = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            st[k] = v.strip()
    return int(st["VmRSS"].split()[0]), int(st["Threads"])   # KiB, threads


def web_procs():
    """This stack's lighttpd processes (one, or server.max-worker of them
    beside their parent): [(pid, open descriptors, RSS KiB)]."""
    conf = os.path.join(os.path.dirname(ENV["CC_CONF"]), "lighttpd.conf")
    out = []
    for p in subprocess.run(["pgrep", "-x", "lighttpd"], capture_output=True,
                            text=True).stdout.split():
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                if conf.encode() not in f.read():
                    continue
            fds = len(os.listdir("/proc/%s/fd" % p))
        except OSError:
            continue
        out.append((int(p), fds, proc_status(int(p))[0]))
    return out


def conf_value(section, key, default):
    cur = None
    try:
        with open(ENV["CC_CONF"]) as f:
            for line in f:
                line = line.strip()
                if line.startswith("["):
                    cur = line
                elif cur == "[%s]" % section and "=" in line:
                    k, v = line.split("=", 1)
                    if k.strip() == key:
                        return v.strip()
    except OSError:
        pass
    return default


def fcgi_request(inv):
    """The records a web server sends for GET .../events."""
    def rec(t, body):
        return struct.pack(">BBHHBB", 1, t, 1, len(body), 0, 0) + body
    pairs = b""
    for k, v in (("REQUEST_METHOD", "GET"), ("REMOTE_ADDR", "127.0.0.1"),
                 ("REQUEST_URI", "%s/invoice/%s/events" % (PUB.path, inv))):
        k, v = k.encode(), v.encode()
        pairs += bytes([len(k), len(v)]) + k + v
    return (rec(1, struct.pack(">HB5x", 1, 0)) + rec(4, pairs) + rec(4, b"")
            + rec(5, b""))


def events_socket():
    for d in ("run", "www/fcgi"):
        for name in ("cc-events.sock", "cc-events.sock-0"):
            p = os.path.join(os.environ["CC_STACK_DIR"], d, name)
            if os.path.exists(p):
                return p
    die("no cc-events socket in the stack")


class Stream:
    __slots__ = ("inv", "sock", "buf", "status", "first", "datas", "tail", "closed",
                 "t0", "direct")

    def __init__(self, inv, direct=False):
        self.inv = inv
        self.direct = direct
        self.sock = socket.socket(socket.AF_UNIX if direct else socket.AF_INET,
                                  socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.t0 = time.time()
        self.buf = b""          # until the end of the headers
        self.status = None
        self.first = None       # time of "retry: 3000"
        self.datas = []         # arrival time of each "data: " line
        self.tail = b""
        self.closed = False

    def feed(self, chunk, now):
        if self.status is None and self.direct:
            self.buf += chunk
            if b"Status: " in self.buf:
                at = self.buf.index(b"Status: ") + 8
                if len(self.buf) >= at + 3:
                    self.status = int(self.buf[at:at + 3])
            if len(self.buf) > 4096:
                self.buf = self.buf[-64:]
        elif self.status is None:
            self.buf, self.status, chunk = take_head(self.buf, chunk)
            if self.status is None:
                return
        # Chunked or not: the SSE lines are whole inside the bytes; keep a
        # short tail so that a marker split between two reads is found.
        data = self.tail + chunk
        if self.first is None and b"retry: 3000" in data:
            self.first = now
        n = data.count(b"\ndata: ") + (1 if data.startswith(b"data: ") else 0)
        n -= self.tail.count(b"\ndata: ") + (1 if self.tail.startswith(b"data: ") else 0)
        self.datas.extend([now] * n)
        self.tail = data[-16:]


class Loop:
    def __init__(self, direct=False):
        self.sel = selectors.DefaultSelector()
        self.streams = []
        self.direct = direct
        self.path = events_socket() if direct else None

    def open(self, inv):
        s = Stream(inv, self.direct)
        if self.direct:
            s.sock.connect_ex(self.path)
            req = fcgi_request(inv)
        else:
            s.sock.connect_ex((PUB.hostname, PUB.port))
            req = ("GET %s/invoice/%s/events HTTP/1.1\r\nHost: %s:%d\r\n"
                   "Accept: text/event-stream\r\nUser-Agent: cc-sse-bench\r\n\r\n"
                   % (PUB.path, inv, PUB.hostname, PUB.port)).encode()
        self.sel.register(s.sock, selectors.EVENT_WRITE, (s, req))
        self.streams.append(s)
        return s

    def run(self, seconds, until=None):
        """Serves the sockets for up to `seconds`, or until until() is true."""
        deadline = time.time() + seconds
        while True:
            now = time.time()
            if now >= deadline or (until is not None and until()):
                return
            for key, ev in self.sel.select(min(0.05, deadline - now)):
                s, req = key.data
                now = time.time()
                if ev & selectors.EVENT_WRITE:
                    try:
                        s.sock.send(req)
                    except OSError:
                        self._close(s)
                        continue
                    self.sel.modify(s.sock, selectors.EVENT_READ, (s, None))
                    continue
                try:
                    chunk = s.sock.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if not chunk:
                    self._close(s)
                else:
                    s.feed(chunk, now)

    def _close(self, s):
        if not s.closed:
            s.closed = True
            self.sel.unregister(s.sock)
            s.sock.close()

    def close_all(self):
        for s in self.streams:
            self._close(s)


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    return xs[min(len(xs) - 1, max(0, math.ceil(p / 100.0 * len(xs)) - 1))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--streams", type=int, default=1000)
    ap.add_argument("--per-invoice", type=int, default=10)
    ap.add_argument("--batch", type=int, default=500,
                    help="streams opened at once before waiting for their first bytes")
    ap.add_argument("--first-wait", type=float, default=10.0,
                    help="seconds a batch may take to receive its first bytes")
    ap.add_argument("--direct", action="store_true",
                    help="FastCGI on cc-events' socket instead of HTTP through the web server")
    ap.add_argument("--payment", action="store_true",
                    help="also one on-chain payment (needs anvil and cc-scan)")
    a = ap.parse_args()

    # One descriptor per stream.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if a.streams + 64 > hard:
        die("%d streams need more descriptors than the hard limit %d" % (a.streams, hard))
    max_streams = conf_value("events", "max_streams", "?")
    heartbeat = conf_value("events", "heartbeat", "?")
    total = a.streams
    ninv = (total + a.per_invoice - 1) // a.per_invoice
    print("== SSE: %d streams (%d invoices x %d) on one cc-events.fcgi, %s; "
          "[events] max_streams = %s, heartbeat = %s s"
          % (total, ninv, a.per_invoice,
             "FastCGI on its socket directly" if a.direct else "through the web server",
             max_streams, heartbeat))

    invs = [create_invoice() for _ in range(ninv)]
    pid = events_pid()
    rss0, thr0 = proc_status(pid)

    loop = Loop(a.direct)
    # Invoice by invoice, in batches.
    todo = [inv["id"] for inv in invs for _ in range(a.per_invoice)][:total]
    t_open = time.time()
    while todo:
        batch = [loop.open(i) for i in todo[:a.batch]]
        todo = todo[a.batch:]
        loop.run(a.first_wait, until=lambda: all(
            s.first or s.closed or (s.status not in (None, 200)) for s in batch))
    t_opened = time.time() - t_open
    served = [s for s in loop.streams if s.first is not None]
    firsts = [s.first - s.t0 for s in served]
    statuses = {}
    for s in loop.streams:
        statuses[s.status] = statuses.get(s.status, 0) + 1
    loop.run(1.0)
    rss1, thr1 = proc_status(pid)
    print("  streams opened %d in %.1f s; served (first bytes) %d; HTTP status of all: %s"
          % (total, t_opened, len(served),
             ", ".join("%s: %d" % ("none" if k is None else k, v)
                       for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0])))))
    if served:
        print("  time to first byte from each connect: p50 %.0f ms, p99 %.0f ms, max %.0f ms"
              % (1000 * pct(firsts, 50), 1000 * pct(firsts, 99), 1000 * max(firsts)))
    print("  cc-events.fcgi pid %d: RSS %.1f MiB (%d threads) before, %.1f MiB (%d threads) "
          "with the streams open" % (pid, rss0 / 1024, thr0, rss1 / 1024, thr1))
    if served:
        print("  RSS per served stream: %.1f KiB" % ((rss1 - rss0) / len(served)))
    if not a.direct:
        print("  lighttpd processes (pid: open descriptors, RSS): %s"
              % ", ".join("%d: %d, %.1f MiB" % (p, n, r / 1024) for p, n, r in web_procs()))

    by_inv = {}
    for s in served:
        by_inv.setdefault(s.inv, []).append(s)
    full = [i for i in invs if len(by_inv.get(i["id"], [])) == a.per_invoice]

    # --- One real payment: anvil transfer, cc-scan once.
    if a.payment and full:
        import chain   # tests/integration/chain.py: stdlib only
        inv = full[0]
        streams = by_inv[inv["id"]]
        before = [len(s.datas) for s in streams]
        chain.scan()
        chain.pay_token(inv["address"], 1000000)       # 1 USDT of 5: payment.detected
        t_pay = time.time()
        scan = subprocess.Popen([os.path.join(ENV["CC_BIN"], "cc-scan"), "--config",
                                 ENV["CC_CONF"], "--network", ENV["CC_USDT_NETWORK"]],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        loop.run(15, until=lambda: all(len(s.datas) > b for s, b in zip(streams, before)))
        scan.wait(timeout=60)
        rows = [r for r in psql("SELECT seq, extract(epoch FROM created_at) FROM events WHERE "
                                "invoice_id = '%s' AND type = 'payment.detected' ORDER BY seq"
                                % inv["id"]) if r]
        got = [s.datas[b] for s, b in zip(streams, before) if len(s.datas) > b]
        if not rows:
            print("  payment: no payment.detected event was written (cc-scan: %s)"
                  % scan.stderr.read().decode().strip()[:200])
        else:
            created = float(rows[0].split("|")[1])
            lat = [1000 * (g - created) for g in got]
            print("  one payment (anvil transfer, cc-scan once, %.2f s from transfer to event row):"
                  % (created - t_pay))
            if lat:
                print("    event created_at -> each of its %d streams: received %d, p50 %.1f ms, "
                      "max %.1f ms" % (len(streams), len(got), pct(lat, 50), max(lat)))
            else:
                print("    no stream received it within 15 s")

    # --- Fan-out: one event per followed invoice in one transaction.
    followed = list(by_inv)
    if followed:
        counts = {id(s): len(s.datas) for s in served}
        ids = ",".join("'%s'" % i for i in followed)
        sql = ("BEGIN;"
               "INSERT INTO events (id, invoice_id, merchant_id, type, data) "
               "SELECT 'evt_' || md5(random()::text || id), id, merchant_id, 'payment.detected', "
               "'{\"payment\":{\"amount\":\"1\",\"status\":\"detected\"}}' FROM invoices "
               "WHERE id = ANY(ARRAY[%s]);"
               "SELECT pg_notify('cc_events', '0');"
               "SELECT extract(epoch FROM clock_timestamp());"
               "COMMIT;" % ids)
        p = subprocess.Popen(
            [os.path.join(ENV["CC_PGBIN"], "psql"), "-h", ENV["CC_PG_HOST"], "-p",
             ENV["CC_PG_PORT"], "-U", "cc", "-d", "cc", "-qtAX", "-v", "ON_ERROR_STOP=1",
             "-c", sql], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        loop.run(60, until=lambda: p.poll() is not None and
                 all(len(s.datas) > counts[id(s)] for s in served))
        out, err = p.communicate(timeout=30)
        if p.returncode != 0:
            die("fan-out transaction: %s" % err.strip())
        commit = float([x for x in out.split("\n") if x.strip()][-1])
        lat = [1000 * (s.datas[counts[id(s)]] - commit) for s in served
               if len(s.datas) > counts[id(s)]]
        print("  fan-out: %d events (one per followed invoice) in one transaction + pg_notify:"
              % len(followed))
        if lat:
            print("    commit -> each of %d served streams: received %d, p50 %.1f ms, "
                  "p99 %.1f ms, max %.1f ms (last stream)"
                  % (len(served), len(lat), pct(lat, 50), pct(lat, 99), max(lat)))
        else:
            print("    no stream received its event within 20 s")
    rss2, thr2 = proc_status(pid)
    print("  cc-events.fcgi after the events: RSS %.1f MiB (%d threads)" % (rss2 / 1024, thr2))
    loop.close_all()


if __name__ == "__main__":
    main()
