#!/usr/bin/env python3
"""Server-Sent Events capacity of one cc-events.fcgi process (standard
library only).

Opens STREAMS_PER_INVOICE (10, the [events] max_per_invoice limit) streams on
each of INVOICES invoices through lighttpd, with raw non-blocking HTTP/1.1
sockets and one selector, and reports:

  - how many streams are really served: a stream counts once it received its
    first bytes ("retry: 3000") within --first-wait seconds. cc-events holds
    one thread per stream, so streams beyond [events] threads wait in
    lighttpd / the socket backlog and receive nothing;
  - the RSS (VmRSS) and thread count of the stack's cc-events.fcgi before and
    after opening the streams, and the RSS per served stream;
  - one real payment: a token transfer on anvil to one invoice, cc-scan run
    once; latency from the event's created_at (database clock) to its
    arrival on each of that invoice's streams;
  - fan-out: one event row per invoice for all invoices in ONE transaction
    followed by pg_notify('cc_events'); latency from the commit to the
    arrival on every served stream (p50, p99, max).

    CC_ENV_FILE=/path/dev.env python3 bench/sse_bench.py [--invoices 50]

Only 127.0.0.1; every wait is bounded.
"""
import argparse
import json
import math
import os
import selectors
import socket
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


class Stream:
    __slots__ = ("inv", "sock", "buf", "status", "first", "datas", "tail", "closed")

    def __init__(self, inv):
        self.inv = inv
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.buf = b""          # until the end of the headers
        self.status = None
        self.first = None       # time of "retry: 3000"
        self.datas = []         # arrival time of each "data: " line
        self.tail = b""
        self.closed = False

    def feed(self, chunk, now):
        if self.status is None:
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
    def __init__(self):
        self.sel = selectors.DefaultSelector()
        self.streams = []

    def open(self, inv):
        s = Stream(inv)
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
    ap.add_argument("--invoices", type=int, default=50)
    ap.add_argument("--per-invoice", type=int, default=10)
    ap.add_argument("--first-wait", type=float, default=5.0,
                    help="seconds a stream may take to receive its first bytes")
    ap.add_argument("--no-payment", action="store_true",
                    help="skip the on-chain payment (needs anvil and cc-scan)")
    a = ap.parse_args()

    threads_conf = conf_value("events", "threads", "?")
    heartbeat = conf_value("events", "heartbeat", "?")
    total = a.invoices * a.per_invoice
    print("== SSE: %d streams (%d invoices x %d) on one cc-events.fcgi; "
          "[events] threads = %s, heartbeat = %s s"
          % (total, a.invoices, a.per_invoice, threads_conf, heartbeat))

    invs = [create_invoice() for _ in range(a.invoices)]
    pid = events_pid()
    rss0, thr0 = proc_status(pid)

    loop = Loop()
    t0 = time.time()
    # Invoice by invoice, so that the first invoices have all their streams
    # among the served ones.
    for inv in invs:
        for _ in range(a.per_invoice):
            loop.open(inv["id"])
    loop.run(a.first_wait, until=lambda: all(s.first or s.closed for s in loop.streams))
    served = [s for s in loop.streams if s.first is not None]
    firsts = [s.first - t0 for s in served]
    statuses = {}
    for s in loop.streams:
        statuses[s.status] = statuses.get(s.status, 0) + 1
    # Let the served threads settle (stacks touched) before reading the RSS.
    loop.run(1.0)
    rss1, thr1 = proc_status(pid)
    print("  streams opened %d; served (first bytes within %.0f s) %d; "
          "HTTP status of all: %s"
          % (total, a.first_wait, len(served),
             ", ".join("%s: %d" % ("none" if k is None else k, v)
                       for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0])))))
    if served:
        print("  first bytes after the connects: p50 %.0f ms, max %.0f ms"
              % (1000 * pct(firsts, 50), 1000 * max(firsts)))
    print("  cc-events.fcgi pid %d: RSS %.1f MiB (%d threads) before, %.1f MiB (%d threads) "
          "with the streams open" % (pid, rss0 / 1024, thr0, rss1 / 1024, thr1))
    if served:
        print("  RSS per served stream: %.0f KiB" % ((rss1 - rss0) / len(served)))
    if len(served) < total:
        print("  capacity with [events] threads = %s: %d streams; the other %d wait in "
              "lighttpd for a thread and get nothing (not even a heartbeat)."
              % (threads_conf, len(served), total - len(served)))
        print("  holding %d streams needs [events] threads >= %d (one thread per stream, "
              "plus margin for the listener)." % (total, total))

    by_inv = {}
    for s in served:
        by_inv.setdefault(s.inv, []).append(s)
    full = [i for i in invs if len(by_inv.get(i["id"], [])) == a.per_invoice]

    # --- One real payment: anvil transfer, cc-scan once.
    if not a.no_payment and full:
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
        loop.run(20, until=lambda: p.poll() is not None and
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
    print("  (streams closed; cc-events notices each at its next heartbeat, within %s s)"
          % heartbeat)


if __name__ == "__main__":
    main()
