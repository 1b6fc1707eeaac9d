"""The overload matrix: invoice creation, the public invoice GET and the QR
route, each first measured (closed loop: its capacity on this machine,
now), then offered twice that rate (open loop) for 8 s (60 s under
CC_LONG): every answer must be 2xx, 429 or a 503 with Retry-After (the
programs shed load: fcgi/fcgi_main.c), none may time out, the programs
keep their pids and their memory (RSS growth within RSS_TOLERANCE_KIB),
and their log gets no error line. Then PostgreSQL out of connections: the
API answers 503 with Retry-After at once, not a hang, and recovers."""
import glob
import json
import os
import subprocess
import time
import unittest

import loadgen
from cc import API, ENV, PUB, invoice_body, new_merchant, request
from faults import LONG
from test_httpd import program_pids

CAPACITY_SECONDS = 10 if LONG else 3
OVERLOAD_SECONDS = 60 if LONG else 8
CLIENTS = 16
# Load processes (CC_LOAD_PROCS): one Python process sends about a
# thousand requests a second, enough for the test stack under valgrind;
# bench/OVERLOAD.md's runs without valgrind use more.
PROCS = int(os.environ.get("CC_LOAD_PROCS", "1"))
# The stated tolerance for "RSS flat": growth over a whole overload run.
# Under valgrind add its queue of freed blocks, which it keeps (up to
# --freelist-vol, 20 MB by default) to catch use after free: memory our
# program freed, still resident. A leak would also show in valgrind's
# own report, which fails ./dev.sh test.
RSS_TOLERANCE_KIB = 16 * 1024
VALGRIND_FREELIST_KIB = 20000 * 1000 // 1024


# Under AddressSanitizer (./dev.sh test --sanitize) add its quarantine of
# freed blocks (quarantine_size_mb, 256 MB by default on 64-bit), held
# back to catch use after free: freed memory, still resident. There the
# flatness says little; the valgrind run of ./dev.sh test checks it.
ASAN_QUARANTINE_KIB = 256 * 1024


def under_valgrind(pid):
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        return b"valgrind" in f.read()


def under_asan(pid):
    with open("/proc/%d/maps" % pid, "rb") as f:
        return b"libasan" in f.read()
ALLOWED = {"2xx", "429", "503"}
# Error lines an overload may cause by design: the rate limiter's alarm
# when Redis, starved of CPU like everything else, answers later than
# [redis] timeout_ms (requests then pass uncounted: fail open).
EXPECTED_ERRORS = ("RATE LIMITS NOT ENFORCED",)


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def log_size():
    return {f: os.path.getsize(f) for f in program_logs()}


def program_logs():
    dirs = [os.path.join(ENV["CC_STACK_DIR"], "log")]
    if ENV.get("CC_PROGRAM_LOGS"):
        dirs.append(ENV["CC_PROGRAM_LOGS"])
    return [f for d in dirs for f in glob.glob(os.path.join(d, "*.log"))
            if not os.path.basename(f).startswith(("valgrind", "anvil", "redis", "lighttpd",
                                                   "apache", "cc-scan", "cc-expire",
                                                   "cc-webhooks"))]


def new_lines(before):
    out = []
    for f, size in log_size().items():
        with open(f, errors="replace") as fh:
            fh.seek(before.get(f, 0))
            out += fh.read().splitlines()
    return out


def classes(status):
    out = {}
    for code, n in status.items():
        c = "2xx" if code.startswith("2") else code
        out[c] = out.get(c, 0) + n
    return out


@unittest.skipIf(ENV.get("CC_BIN") == "/usr/bin",
                 "the overload matrix loads and restarts the dev and test stacks' "
                 "programs, not the installed package's services")
class OverloadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Overload Shop")
        r = request("POST", "invoices", invoice_body(), key=cls.key)
        assert r.status == 201, r
        cls.inv = r.json()["id"]
        cls.body = json.dumps(invoice_body()).encode()

    def routes(self):
        base = "http://%s:%d" % (API.hostname, API.port)
        return [
            ("create", "cc-merchant", base + API.path + "/invoices", "POST", self.body,
             ["Authorization: Bearer " + self.key]),
            ("public", "cc-public", base + PUB.path + "/invoice/" + self.inv, "GET", b"", []),
            ("qr", "cc-qr", base + PUB.path + "/invoice/%s/qr?size=256&format=png" % self.inv,
             "GET", b"", []),
        ]

    def test_queue_never_overflows(self):
        """The public GET at 900 requests a second more than its capacity:
        without shedding before the 5-second rule, its accept queue
        (4,096) would overflow within about four and a half seconds, and
        the web server answer errors of its own (lighttpd: 500s). The
        program sheds at the queue's high-water mark (lib/backlog.c)
        instead. (Not more: under valgrind, which runs one thread at a
        time, the program sheds about 1,400 requests a second here, and
        four times the capacity, which this case offered before, came
        to 1,000-1,400 a second: CI saw 117 lighttpd 500s once when the
        machine was busy.)"""
        name, prog, url, method, body, headers = self.routes()[1]
        if ENV.get("CC_HTTPD") == "apache":
            # Apache holds a worker thread per request it passes on
            # (mod_proxy_fcgi): at most MaxRequestWorkers (150) reach the
            # program's queue, which never nears its high-water mark;
            # past 2x the requests wait in Apache's own queue
            # (test_twice_the_capacity covers Apache up to 2x).
            self.skipTest("Apache bounds the program's queue by its workers")
        if not any(under_valgrind(p) for p in program_pids(prog)):
            # Without valgrind (./dev.sh test --sanitize) the program is
            # not the bottleneck of this route: the web server and the
            # load generator saturate first (bench/OVERLOAD.md), and this
            # is more than one machine can offer itself.
            self.skipTest("needs the program as the bottleneck (under valgrind)")
        print("\nmatrix overload queue: " + self.overload(
            name, prog, url, method, body, headers, 1, excess=900))

    def test_twice_the_capacity(self):
        lines = [self.overload(*route, 2) for route in self.routes()]
        print("\nmatrix overload: 3 routes x 2x capacity, only 2xx/429/503+Retry-After, "
              "0 timeouts, 0 restarts, RSS flat, logs clean%s\n  " % (
                  "" if LONG else " (8 s each; ./dev.sh test --long: 60 s)") + "\n  ".join(lines))

    def overload(self, name, prog, url, method, body, headers, factor, excess=0):
        """Measures the route's capacity, offers factor times that (and at
        least excess a second more) for OVERLOAD_SECONDS and checks every
        promise; returns the summary."""
        cap = loadgen.run("closed", url, CAPACITY_SECONDS, CLIENTS, method, body, headers,
                          PROCS)
        self.assertEqual(cap["errors"], {}, (name, cap))
        self.assertGreater(cap["rate"], 0, name)
        pids = program_pids(prog)
        self.assertTrue(pids, prog)
        rss0 = {p: rss_kib(p) for p in pids}
        logs = log_size()
        rate = max(factor * cap["rate"], cap["rate"] + excess)
        # A load process sends about a thousand requests a second.
        procs = max(PROCS, int(rate // 700) + 1)
        over = loadgen.run("open", url, OVERLOAD_SECONDS, rate, method, body, headers, procs)
        got = classes(over["status"])
        self.assertEqual(over["errors"], {}, (name, over))
        self.assertEqual(over["skipped"], 0, "the client could not keep up: %s" % over)
        self.assertLessEqual(set(got), ALLOWED, (name, over))
        self.assertEqual(over["503_without_retry_after"], 0, (name, over))
        self.assertGreater(got.get("2xx", 0), 0, (name, over))
        self.assertEqual(sorted(program_pids(prog)), sorted(pids), "%s restarted" % prog)
        growth = max(rss_kib(p) - rss0[p] for p in pids)
        limit = RSS_TOLERANCE_KIB + (VALGRIND_FREELIST_KIB if any(
            under_valgrind(p) for p in pids) else 0) + (ASAN_QUARANTINE_KIB if any(
            under_asan(p) for p in pids) else 0)
        self.assertLess(growth, limit, "%s RSS grew %d KiB" % (prog, growth))
        errs = [l for l in new_lines(logs) if " error: " in l and
                not any(x in l for x in EXPECTED_ERRORS)]
        self.assertEqual(errs, [], name)
        line = "%s %.0f/s -> %.0f/s offered %ds: %s, p99 %s ms, RSS %+d KiB" % (
            name, cap["rate"], rate, OVERLOAD_SECONDS,
            " ".join("%s %d" % kv for kv in sorted(got.items())), over["p99_ms"], growth)
        return line

    def test_postgres_out_of_connections(self):
        """Every connection of the programs' role cut, and no new one
        allowed (CONNECTION LIMIT 0: what a full max_connections looks
        like to libpq): 503 with Retry-After, quickly; then back."""
        if not ENV.get("CC_PG_HOST"):
            self.skipTest("needs the stack's own PostgreSQL (superuser by socket)")
        su = [os.path.join(ENV["CC_PGBIN"], "psql"), "-h", ENV["CC_PG_HOST"], "-p",
              ENV["CC_PG_PORT"], "-U", "postgres", "-d", "cc", "-qtAX", "-c"]
        role = ENV["CC_DATABASE_URL"].split("://", 1)[1].split("@", 1)[0]

        def sql(q):
            subprocess.run(su + [q], check=True, capture_output=True, timeout=30)
        calls = [("POST", "invoices", invoice_body(), self.key),
                 ("GET", "invoices?limit=1", None, self.key),
                 ("GET", PUB.path + "/invoice/" + self.inv, None, None),
                 ("GET", PUB.path + "/invoice/%s/qr" % self.inv, None, None)]
        for m, path, body, key in calls:       # every program connected
            self.assertLess(request(m, path, body, key=key).status, 300, path)
        sql("ALTER ROLE %s CONNECTION LIMIT 0" % role)
        try:
            sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                "usename = '%s'" % role)
            for _ in range(3):
                for m, path, body, key in calls:
                    t0 = time.monotonic()
                    r = request(m, path, body, key=key)
                    took = time.monotonic() - t0
                    self.assertEqual(r.status, 503, (path, r))
                    self.assertEqual(r.json()["error"]["code"], "SERVICE_UNAVAILABLE", r)
                    self.assertTrue(r.header("retry-after"), r.headers)
                    self.assertLess(took, 10, path)
        finally:
            sql("ALTER ROLE %s CONNECTION LIMIT -1" % role)
        for m, path, body, key in calls:
            self.assertLess(request(m, path, body, key=key).status, 300, path)


if __name__ == "__main__":
    unittest.main()
