#!/usr/bin/env python3
"""Event streams against Apache's worker threads (standard library only).

Under Apache (mpm_event + mod_proxy_fcgi) an open event stream holds one
Apache worker thread for as long as it lasts, and Debian's stock mpm_event
has 150 of them (MaxRequestWorkers) for every site of the server. This
opens event streams in steps, keeping each step's streams open into the
next, and at every step reports:

  - streams: how many got 200 and their first bytes ("retry: 3000"), how
    many got cc-events' 503 TOO_MANY_STREAMS (and how fast), how many got
    no answer at all within --first-wait seconds;
  - plain requests, one at a time: GET of a public invoice's JSON
    (cc-public) and of /pay.css (a file Apache serves itself), --plain of
    each, each cut at --timeout seconds and then counted as stalled; the
    baseline is step 0 (no stream open) of the same run;
  - memory: PSS of all of Apache's processes and of cc-events.fcgi, and
    Apache's process count.

It does so once per value of --max-streams, written as [events]
max_streams into the stack's cc.conf before cc-events is restarted with
deploy/cc-spawn (with the settings dev.sh started it with, cc-spawn.env):
  (a) 300: more streams than Apache has workers;
  (b) 100: fewer; past them cc-events answers 503 at once.
Each run uses fresh invoices, 10 streams each ([events] max_per_invoice).

    CC_ENV_FILE=/path/bench.env CC_STACK_DIR=/path python3 bench/apache_streams.py \\
        [--steps 0,50,100,140,150,160,200] [--max-streams 300,100]

Needs a stack under Apache (CC_HTTPD=apache in the env file). Only
127.0.0.1; every wait is bounded; every socket is closed with a reset, so
that a request still queued in Apache's backlog is dropped rather than
served to nobody.
"""
import argparse
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

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from cc import ENV, request  # noqa: E402  (reads CC_ENV_FILE)
from rawhttp import take_head  # noqa: E402

PUB = urllib.parse.urlparse(ENV["CC_PUBLIC_URL"])
PER_INVOICE = 10        # [events] max_per_invoice of the dev config
RESET = struct.pack("ii", 1, 0)         # SO_LINGER on, 0 s: close sends RST


def die(msg):
    print("apache_streams: FAILED: %s" % msg, file=sys.stderr)
    sys.exit(1)


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    return xs[min(len(xs) - 1, max(0, math.ceil(p / 100.0 * len(xs)) - 1))]


# --- the stack ------------------------------------------------------------

def stack_file(name):
    return os.path.join(os.environ.get("CC_STACK_DIR") or ENV["CC_STACK_DIR"], name)


def apache_sizing():
    """The mpm directives the stack's Apache runs with: its generated
    configuration and the mpm file it includes, the last one winning."""
    want = ("ServerLimit", "ThreadsPerChild", "MaxRequestWorkers")
    found = {}

    def scan(path, depth):
        try:
            with open(path) as f:
                lines = f.readlines()
        except OSError:
            return
        for line in lines:
            words = line.split()
            if len(words) < 2:
                continue
            if words[0] == "Include" and "mpm" in words[1] and depth == 0:
                scan(words[1].strip('"'), 1)
            elif words[0] in want:
                found[words[0]] = words[1]

    scan(stack_file("apache2.conf"), 0)
    return found


def set_events_max(n):
    """Rewrites `max_streams = ` in [events] of the stack's cc.conf (in
    place: the programs' user keeps reading it)."""
    path = ENV["CC_CONF"]
    with open(path) as f:
        lines = f.readlines()
    section, done = None, False
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith("["):
            section = s
        elif section == "[events]" and s.partition("=")[0].strip() == "max_streams":
            lines[i] = "max_streams = %d\n" % n
            done = True
    if not done:
        die("no max_streams line in [events] of %s" % path)
    with open(path, "w") as f:
        f.writelines(lines)


def spawn(cmd, name):
    """deploy/cc-spawn with the settings dev.sh started the stack with."""
    env = dict(os.environ)
    with open(stack_file("cc-spawn.env")) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            if k:
                env[k] = v
    p = subprocess.run([os.path.join(ROOT, "deploy", "cc-spawn"), cmd, name],
                       env=env, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        die("cc-spawn %s %s: %s" % (cmd, name, p.stderr.strip()))


def proc_children(ppid):
    kids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        # The command may hold spaces: the fields after it are fixed.
        if int(stat.rsplit(")", 1)[1].split()[1]) == ppid:
            kids.append(int(d))
    return kids


def events_pid():
    """This stack's cc-events.fcgi: its config is on its command line (the
    watcher, multiwatch, has it too, but another name)."""
    conf = ENV["CC_CONF"].encode()
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/comm" % d) as f:
                comm = f.read().strip()
            if comm != "cc-events.fcgi":
                continue
            with open("/proc/%s/cmdline" % d, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if conf in argv:
            return int(d)
    return None


def threads_of(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kib(pid):
    """Proportional set size: shared pages split among their users, so
    that the processes of one Apache add up."""
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory():
    """(Apache processes, Apache PSS MiB, cc-events PSS MiB)."""
    with open(stack_file("run/apache2.pid")) as f:
        parent = int(f.read().strip())
    procs = [parent] + proc_children(parent)
    ev = events_pid()
    return (len(procs) - 1, sum(pss_kib(p) for p in procs) / 1024.0,
            (pss_kib(ev) / 1024.0) if ev else float("nan"))


def restart_events(max_streams):
    set_events_max(max_streams)
    old = events_pid()
    spawn("restart", "events")
    deadline = time.time() + 15
    while time.time() < deadline:
        pid = events_pid()
        if pid and pid != old:
            time.sleep(0.5)     # its loop and workers started
            return pid
        time.sleep(0.1)
    die("cc-events did not come back with max_streams %d" % max_streams)


def create_invoices(n):
    body = {"currency": "USD", "crypto_currency": "USDT", "tax": 0,
            "items": [{"name": "Apache streams bench", "unit_price": "5.00"}]}
    out = []
    for _ in range(n):
        r = request("POST", "invoices", body, key=ENV["CC_TEST_KEY"])
        if r.status != 201:
            die("POST /invoices answered %r" % r)
        out.append(r.json()["id"])
    return out


# --- raw HTTP on one selector ---------------------------------------------

class Conn:
    """One GET with Connection: close on a non-blocking socket. For an event
    stream (sse) it is answered once its first bytes arrived; otherwise at
    the end of the answer (the server closes)."""
    __slots__ = ("sse", "sock", "req", "t0", "head", "status", "t_status",
                 "t_first", "t_end", "body", "tail", "closed")

    def __init__(self, path, sse):
        self.sse = sse
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.req = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n"
                    "Accept: %s\r\nUser-Agent: cc-apache-streams\r\n\r\n"
                    % (path, PUB.hostname, PUB.port,
                       "text/event-stream" if sse else "*/*")).encode()
        self.t0 = time.time()
        self.head = b""
        self.status = None
        self.t_status = None
        self.t_first = None     # an event stream's "retry: 3000"
        self.t_end = None       # the server closed
        self.body = b""         # the start of a non-stream answer
        self.tail = b""
        self.closed = False

    def feed(self, chunk, now):
        if self.status is None:
            self.head, self.status, chunk = take_head(self.head, chunk)
            if self.status is None:
                return
            self.t_status = now
        if self.sse and self.status == 200:
            data = self.tail + chunk
            if self.t_first is None and b"retry: 3000" in data:
                self.t_first = now
            self.tail = data[-16:]
        elif len(self.body) < 65536:
            self.body += chunk[:65536 - len(self.body)]

    def answered(self):
        return (self.closed or self.t_end is not None or
                (self.sse and self.t_first is not None))


class Loop:
    def __init__(self):
        self.sel = selectors.DefaultSelector()
        self.open_conns = set()

    def open(self, path, sse):
        c = Conn(path, sse)
        err = c.sock.connect_ex((PUB.hostname, PUB.port))
        if err not in (0, 115):         # EINPROGRESS
            c.sock.close()
            c.closed = True
            return c
        self.sel.register(c.sock, selectors.EVENT_WRITE, c)
        self.open_conns.add(c)
        return c

    def run(self, seconds, until=None):
        """Serves the sockets for up to `seconds`, or until until() holds."""
        deadline = time.time() + seconds
        while True:
            now = time.time()
            if now >= deadline or (until is not None and until()):
                return
            for key, ev in self.sel.select(min(0.05, deadline - now)):
                c = key.data
                now = time.time()
                if ev & selectors.EVENT_WRITE:
                    try:
                        n = c.sock.send(c.req)
                    except OSError:
                        self.close(c)
                        continue
                    c.req = c.req[n:]
                    if not c.req:
                        self.sel.modify(c.sock, selectors.EVENT_READ, c)
                    continue
                try:
                    chunk = c.sock.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if chunk:
                    c.feed(chunk, now)
                else:
                    c.t_end = now
                    self.close(c)

    def close(self, c):
        if c.closed:
            return
        c.closed = True
        self.open_conns.discard(c)
        try:
            self.sel.unregister(c.sock)
        except (KeyError, ValueError):
            pass
        try:
            c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, RESET)
        except OSError:
            pass
        c.sock.close()

    def close_all(self):
        for c in list(self.open_conns):
            self.close(c)


# --- one run --------------------------------------------------------------

def plain(loop, path, timeout):
    """One plain GET: seconds to the whole answer, or None if it stalled
    past timeout; raises on anything but 200."""
    c = loop.open(path, sse=False)
    loop.run(timeout, until=c.answered)
    took = (c.t_end - c.t0) if c.t_end is not None else None
    status = c.status
    loop.close(c)
    if took is not None and status != 200:
        die("GET %s answered %s during the run" % (path, status))
    return took


def fmt_ms(t):
    return "stalled" if t is None else "%.1f" % (1000 * t)


def ratio(t, base, timeout):
    """A p50 against its baseline, as the table shows it."""
    if t is None:
        return ">= %.0f" % (timeout / base)
    return "%.1f" % (t / base)


def vs(t, base, timeout):
    """A p50 against its baseline, as the summary prints it."""
    if t is None:
        return ">= %.0f ms = stalled (>= %.0fx)" % (1000 * timeout, timeout / base)
    return "%.1f ms (%.1fx)" % (1000 * t, t / base)


def summary(times, timeout):
    """(p50, max, stalled) where a stalled request counts as the timeout."""
    stalled = sum(1 for t in times if t is None)
    xs = [timeout if t is None else t for t in times]
    p50 = pct(xs, 50)
    return (None if p50 >= timeout else p50,
            None if max(xs) >= timeout else max(xs), stalled)


def one_run(threads, steps, a, json_path, css_path):
    pid = restart_events(threads)
    print()
    print("## [events] max_streams = %d (pid %d, %d threads)"
          % (threads, pid, threads_of(pid)))
    invs = create_invoices(int(math.ceil(max(steps) / float(PER_INVOICE))))
    loop = Loop()
    streams = []
    rows = []
    base = None
    # Warm the programs and Apache up (not counted).
    for _ in range(10):
        plain(loop, json_path, a.timeout)
        plain(loop, css_path, a.timeout)
    print()
    print("| streams | 200 + first bytes | first bytes p50 / max ms (new) "
          "| 503 TOO_MANY_STREAMS | 503 after p50 / max ms (new) | no answer "
          "| invoice JSON p50 / max ms | x baseline | /pay.css p50 / max ms "
          "| x baseline | stalled | Apache procs | Apache PSS MiB | cc-events PSS MiB |")
    print("|" + "---:|" * 14)
    sys.stdout.flush()
    for target in steps:
        new = []
        while len(streams) < target:
            inv = invs[len(streams) // PER_INVOICE]
            new.append(loop.open("%s/invoice/%s/events" % (PUB.path, inv), sse=True))
            streams.append(new[-1])
        loop.run(a.first_wait, until=lambda: all(s.answered() for s in new))
        loop.run(0.5)           # let Apache and cc-events settle
        ok = [s for s in streams if s.t_first is not None and not s.closed]
        busy = [s for s in streams if s.status == 503 and b"TOO_MANY_STREAMS" in s.body]
        silent = [s for s in streams if s.status is None]
        other = [s for s in streams if s.status is not None and s not in busy and
                 not (s.status == 200 and s.t_first is not None)]
        ended = [s for s in streams if s.t_first is not None and s.closed]
        firsts = [s.t_first - s.t0 for s in new if s.t_first is not None]
        refusals = [s.t_status - s.t0 for s in new if s in busy]
        json_t, css_t = [], []
        for _ in range(a.plain):
            json_t.append(plain(loop, json_path, a.timeout))
            css_t.append(plain(loop, css_path, a.timeout))
        procs, apss, epss = memory()
        js, cs = summary(json_t, a.timeout), summary(css_t, a.timeout)
        if base is None:
            base = (js[0], cs[0])
            if None in base:
                die("plain requests stalled with no stream open")
        print("| %d | %d | %s | %d | %s | %d | %s / %s | %s | %s / %s | %s | %d of %d "
              "| %d | %.1f | %.1f |"
              % (target, len(ok),
                 "%.0f / %.0f" % (1000 * pct(firsts, 50), 1000 * max(firsts)) if firsts else "-",
                 len(busy),
                 "%.1f / %.1f" % (1000 * pct(refusals, 50), 1000 * max(refusals))
                 if refusals else "-",
                 len(silent),
                 fmt_ms(js[0]), fmt_ms(js[1]), ratio(js[0], base[0], a.timeout),
                 fmt_ms(cs[0]), fmt_ms(cs[1]), ratio(cs[0], base[1], a.timeout),
                 js[2] + cs[2], len(json_t) + len(css_t), procs, apss, epss))
        if other or ended:
            print("|   | (also: %d other answers %s, %d streams ended early) |"
                  % (len(other), sorted(set(s.status for s in other)), len(ended)))
        sys.stdout.flush()
        rows.append((target, len(ok), len(busy), len(silent), js, cs, refusals, procs,
                     apss, epss))
    # Every socket is reset: queued requests die in Apache's backlog, and
    # Apache lets go of a served stream when it next writes to it (the
    # heartbeat); drain() times that.
    loop.close_all()
    return rows, base


def drain(loop_timeout, css_path):
    """After a run, until Apache serves a plain request at once again."""
    loop = Loop()
    deadline = time.time() + loop_timeout
    while time.time() < deadline:
        t = plain(loop, css_path, 1.0)
        if t is not None and t < 0.1:
            loop.close_all()
            return True
        time.sleep(0.5)
    loop.close_all()
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", default="0,50,100,140,150,160,200",
                    help="open streams at each step, rising, starting at 0")
    ap.add_argument("--max-streams", default="300,100",
                    help="[events] max_streams of each run")
    ap.add_argument("--plain", type=int, default=5,
                    help="plain GETs of each kind per step")
    ap.add_argument("--timeout", type=float, default=5.0,
                    help="seconds after which a plain GET counts as stalled")
    ap.add_argument("--first-wait", type=float, default=10.0,
                    help="seconds the new streams of a step get to answer")
    a = ap.parse_args()
    steps = [int(x) for x in a.steps.split(",")]
    if steps[0] != 0 or steps != sorted(steps):
        die("--steps must rise from 0 (step 0 is the baseline)")
    runs = [int(x) for x in a.max_streams.split(",")]

    if ENV.get("CC_HTTPD") != "apache":
        die("this benchmark needs a stack under Apache (CC_HTTPD=apache in %s); run "
            "CC_HTTPD=apache ./dev.sh bench apache-streams" % os.environ["CC_ENV_FILE"])
    if PUB.hostname != "127.0.0.1":
        die("refusing to load anything but 127.0.0.1")
    # A socket per stream, per plain request, and Apache's own: raise the
    # soft limit to the hard one.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = max(steps) + 256
    if soft < need:
        if hard != resource.RLIM_INFINITY and hard < need:
            die("RLIMIT_NOFILE hard limit %d is below the %d sockets needed" % (hard, need))
        resource.setrlimit(resource.RLIMIT_NOFILE, (need if hard == resource.RLIM_INFINITY
                                                    else hard, hard))

    sizing = apache_sizing()
    with open(ENV["CC_CONF"]) as f:
        conf_before = f.read()
    print("# Event streams under Apache: mpm_event %s; steps %s; %d plain GETs of each kind "
          "per step, stalled after %.0f s"
          % (", ".join("%s %s" % kv for kv in sorted(sizing.items())), a.steps, a.plain,
             a.timeout))
    inv = create_invoices(1)[0]
    json_path = "%s/invoice/%s" % (PUB.path, inv)
    css_path = "/pay.css"
    # The first view moves the invoice to pending: not part of any step.
    r = request("GET", json_path)
    if r.status != 200:
        die("GET %s answered %r" % (json_path, r))

    results = []
    try:
        for threads in runs:
            rows, base = one_run(threads, steps, a, json_path, css_path)
            # Apache lets go of a closed stream only when it next writes to
            # it (a heartbeat): time until plain requests are served again.
            t = time.time()
            back = drain(60, css_path)
            results.append((threads, rows, base, (time.time() - t) if back else None))
    finally:
        # The stack's own sizing back, for whatever runs next on it.
        with open(ENV["CC_CONF"], "w") as f:
            f.write(conf_before)
        spawn("restart", "events")

    mrw = int(sizing.get("MaxRequestWorkers", "0") or 0)
    print()
    print("## Against the baseline")
    for threads, rows, base, back in results:
        print()
        print("[events] max_streams = %d (Apache MaxRequestWorkers %d):"
              % (threads, mrw))
        for (n, ok, busy, silent, js, cs, refusals, procs, apss, epss) in rows[1:]:
            print("  %3d streams: %d served, %d refused 503%s, %d unanswered; plain p50: "
                  "invoice JSON %s vs %.1f ms baseline, /pay.css %s vs %.1f ms"
                  % (n, ok, busy,
                     " (p50 %.1f ms)" % (1000 * pct(refusals, 50)) if refusals else "",
                     silent, vs(js[0], base[0], a.timeout), 1000 * base[0],
                     vs(cs[0], base[1], a.timeout), 1000 * base[1]))
        # Memory, from the baseline to the largest step every stream of
        # which was served.
        full = [r for r in rows if r[0] > 0 and r[1] == r[0]]
        if full:
            r0, r1 = rows[0], full[-1]
            print("  memory, 0 -> %d streams served: Apache %.1f -> %.1f MiB PSS (%d -> %d "
                  "processes: %.0f KiB per stream), cc-events %.1f -> %.1f MiB PSS "
                  "(%.0f KiB per stream)"
                  % (r1[0], r0[8], r1[8], r0[7], r1[7], 1024 * (r1[8] - r0[8]) / r1[1],
                     r0[9], r1[9], 1024 * (r1[9] - r0[9]) / r1[1]))
        print("  after every stream was closed (reset), /pay.css served under 100 ms again "
              "after %s" % ("%.1f s" % back if back is not None else "more than 60 s"))
    try:
        with open(stack_file("log/apache-error.log")) as f:
            hits = [l.strip() for l in f if "AH00484" in l]
        if hits:
            print()
            print("Apache's error log: %s" % hits[0])
    except OSError:
        pass


if __name__ == "__main__":
    main()
