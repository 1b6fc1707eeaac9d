"""Rate limits through the web server, with the stack's real Redis: the
headers, the edge of a limit (one at a time and 50 at once), per-key and
per-address isolation, the client address from X-Forwarded-For, the
failed-authentication throttle and its audit rows, the per-merchant
overrides of cc-admin, and Redis stopped (and frozen) in the middle of a
run.

The stack trusts and exempts the loopback addresses (dev.sh write_config):
customers are named in X-Forwarded-For with documentation addresses
(198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) and counted at the
spec's numbers (60 views, 100 QR codes a minute); merchants get low
numbers by override on fresh merchants."""
import concurrent.futures
import glob
import json
import os
import random
import signal
import subprocess
import time
import unittest
import urllib.parse

from cc import API, ENV, PAY, PUB, admin, fetch, invoice_body, new_merchant, psql, request

RL_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
              "x-ratelimit-window", "x-ratelimit-policy")
_used = set()


def doc_address():
    """A documentation address no test of this run used yet."""
    while True:
        a = "%s.%d" % (random.choice(("198.51.100", "203.0.113")), random.randint(1, 254))
        if a not in _used:
            _used.add(a)
            return a


def doc_prefix():
    """A fresh /64 of the IPv6 documentation range."""
    return "2001:db8:%x:%x:" % (random.randint(1, 0xffff), random.randint(1, 0xffff))


class Resp:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "<%d %s %s>" % (self.status, {k: v for k, v in self.headers.items()
                                              if k.startswith("x-ratelimit") or k == "retry-after"},
                               self.body[:200])


def call(base, method, target, headers=None, body=None, source=None):
    """One request, its answer checked against docs/openapi.json; source
    binds the client's own address (another loopback address than the
    trusted 127.0.0.1)."""
    status, hdrs, data = fetch(base, method, target, body, headers, source=source)
    return Resp(status, hdrs, data.decode("utf-8", "replace"))


def view(inv, xff=None, source=None, method="GET"):
    h = {"X-Forwarded-For": xff} if xff else {}
    return call(PUB, method, PUB.path + "/invoice/" + inv, h, source=source)


def qr(inv, xff, etag=None):
    h = {"X-Forwarded-For": xff}
    if etag:
        h["If-None-Match"] = etag
    return call(PUB, "GET", PUB.path + "/invoice/%s/qr?size=128" % inv, h)


def page(inv, xff):
    return call(PAY, "GET", "/invoice/" + inv, {"X-Forwarded-For": xff})


def remaining(r):
    return int(r.header("x-ratelimit-remaining"))


def log_text():
    """The programs' log lines: the stack's log folder, and an installed
    package's (CC_PROGRAM_LOGS)."""
    out = []
    dirs = [os.path.join(ENV["CC_STACK_DIR"], "log")]
    if ENV.get("CC_PROGRAM_LOGS"):
        dirs.append(ENV["CC_PROGRAM_LOGS"])
    for f in [f for d in dirs for f in glob.glob(os.path.join(d, "*.log"))]:
        try:
            with open(f, errors="replace") as fh:
                out.append(fh.read())
        except OSError:
            pass
    return "\n".join(out)


class RateLimitTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Limits Shop")
        r = request("POST", "invoices", invoice_body(), key=cls.key)
        assert r.status == 201, r
        cls.invoice = r.json()["id"]

    def assertHeaders(self, r, limit, window):
        for h in RL_HEADERS:
            self.assertIsNotNone(r.header(h), "%s missing: %r" % (h, r))
        self.assertEqual(r.header("x-ratelimit-limit"), str(limit))
        self.assertEqual(r.header("x-ratelimit-window"), str(window))
        self.assertEqual(r.header("x-ratelimit-policy"), "sliding-window")
        reset = int(r.header("x-ratelimit-reset"))
        now = time.time()
        self.assertTrue(now - 2 <= reset <= now + window + 2, (reset, now))

    def assertNoHeaders(self, r):
        for h in RL_HEADERS + ("retry-after",):
            self.assertIsNone(r.header(h), "%s present: %r" % (h, r))

    def assert429(self, r, code, limit, window):
        self.assertEqual(r.status, 429, r)
        self.assertHeaders(r, limit, window)
        self.assertEqual(remaining(r), 0)
        retry = int(r.header("retry-after"))
        self.assertTrue(1 <= retry <= window, retry)
        e = r.json()
        self.assertEqual(e["request_id"], r.header("x-request-id"))
        self.assertEqual(e["error"]["type"], "rate_limit_error")
        self.assertEqual(e["error"]["code"], code)
        self.assertEqual({k: int(v) for k, v in e["error"]["constraints"].items()},
                         {"limit": limit, "window": window, "retry_after": retry})
        return retry

    def fresh(self, fn, limit):
        """An address whose window is empty (documentation addresses may
        be reused by an earlier run): fn(address) is its first request."""
        for _ in range(20):
            a = doc_address()
            r = fn(a)
            if r.header("x-ratelimit-remaining") == str(limit - 1):
                return a, r
        self.fail("no fresh documentation address")

    # --- the merchant API, per API key

    def test_key_limit_headers_edge_and_isolation(self):
        m, key = new_merchant("Edge Shop")
        admin("ratelimit", "set", "--merchant", m, "--class", "invoices_read",
              "--limit", "5", "--window", "60")
        inv = request("POST", "invoices", invoice_body(), key=key).json()["id"]
        for i in range(5):
            r = request("GET", "invoices/" + inv, key=key)
            self.assertEqual(r.status, 200, r)
            self.assertHeaders(r, 5, 60)
            self.assertEqual(remaining(r), 4 - i)
        r = request("GET", "invoices/" + inv, key=key)
        self.assert429(r, "RATE_LIMITED", 5, 60)
        # An error answer of a limited route is counted and refused too.
        r = request("GET", "invoices/inv_" + "a" * 26, key=key)
        self.assertEqual(r.status, 429, r)
        # Another class of the same key is not touched.
        r = request("GET", "invoices", key=key)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("x-ratelimit-limit"), "1000000")
        # Another key of the same merchant has its own window.
        k2 = admin("key", "create", "--merchant", m, "--type", "test")["secret"]
        r = request("GET", "invoices/" + inv, key=k2)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(remaining(r), 4)
        # Another merchant: the configuration's numbers, untouched.
        r = request("GET", "invoices/" + self.invoice, key=self.key)
        self.assertEqual(r.status, 200, r)
        self.assertHeaders(r, 1000000, 3600)

    def test_50_concurrent_creations_at_the_edge(self):
        m, key = new_merchant("Rush Shop")
        admin("ratelimit", "set", "--merchant", m, "--class", "invoices_create",
              "--limit", "20", "--window", "3600")
        with concurrent.futures.ThreadPoolExecutor(50) as pool:
            rs = list(pool.map(lambda _: request("POST", "invoices", invoice_body(), key=key),
                               range(50)))
        statuses = sorted(r.status for r in rs)
        self.assertEqual(statuses.count(201), 20, statuses)
        self.assertEqual(statuses.count(429), 30, statuses)
        self.assertEqual(psql("SELECT count(*) FROM invoices WHERE merchant_id = '%s'" % m),
                         ["20"])
        remain = sorted(remaining(r) for r in rs if r.status == 201)
        self.assertEqual(remain, list(range(20)))

    def test_override_cli(self):
        m, key = new_merchant("Override Shop")
        self.assertEqual(admin("ratelimit", "list", "--merchant", m), [])
        out = admin("ratelimit", "set", "--merchant", m, "--class", "invoices_list",
                    "--limit", "3", "--window", "120")
        self.assertEqual(out, {"merchant_id": m, "class": "invoices_list",
                               "limit": 3, "window": 120})
        admin("ratelimit", "set", "--merchant", m, "--class", "webhooks",
              "--limit", "7", "--window", "60")
        rows = admin("ratelimit", "list", "--merchant", m)
        self.assertEqual([(x["class"], x["limit"], x["window"]) for x in rows],
                         [("invoices_list", 3, 120), ("webhooks", 7, 60)])
        self.assertIn(m, [x["merchant_id"] for x in admin("ratelimit", "list")])
        r = request("GET", "invoices", key=key)
        self.assertHeaders(r, 3, 120)
        r = request("GET", "webhook-endpoints", key=key)
        self.assertHeaders(r, 7, 60)
        # Bad input changes nothing.
        for args in (("--class", "public_qr", "--limit", "1", "--window", "1"),
                     ("--class", "nope", "--limit", "1", "--window", "1"),
                     ("--class", "webhooks", "--limit", "0", "--window", "1"),
                     ("--class", "webhooks", "--limit", "1", "--window", "86401"),
                     ("--class", "webhooks", "--limit", "x", "--window", "1")):
            p = admin("ratelimit", "set", "--merchant", m, *args, check=False)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertTrue(p.stderr.strip(), args)
        p = admin("ratelimit", "set", "--merchant", "mer_" + "a" * 26, "--class",
                  "webhooks", "--limit", "1", "--window", "1", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("no such merchant", p.stderr)
        self.assertEqual(len(admin("ratelimit", "list", "--merchant", m)), 2)
        out = admin("ratelimit", "clear", "--merchant", m, "--class", "webhooks")
        self.assertEqual(out["cleared"], 1)
        self.assertEqual([x["class"] for x in admin("ratelimit", "list", "--merchant", m)],
                         ["invoices_list"])
        out = admin("ratelimit", "clear", "--merchant", m)
        self.assertEqual(out["cleared"], 1)
        self.assertEqual(admin("ratelimit", "list", "--merchant", m), [])
        # The programs keep overrides for [ratelimit] override_cache (1 s here).
        time.sleep(1.5)
        r = request("GET", "invoices", key=key)
        self.assertHeaders(r, 1000000, 3600)
        rows = psql("SELECT event || ' ' || (details->>'class') FROM audit_log "
                    "WHERE merchant_id = '%s' AND event LIKE 'ratelimit.%%' "
                    "AND actor = 'admin:cc-admin' ORDER BY seq" % m)
        self.assertEqual(rows, ["ratelimit.set invoices_list", "ratelimit.set webhooks",
                                "ratelimit.cleared webhooks", "ratelimit.cleared all"])

    # --- the customer side, per client address

    def test_public_view_edge_and_page(self):
        a, r = self.fresh(lambda a: view(self.invoice, a), 60)
        self.assertEqual(r.status, 200, r)
        self.assertHeaders(r, 60, 60)
        for i in range(59):
            r = view(self.invoice, a, method="HEAD" if i % 2 else "GET")
            self.assertEqual(r.status, 200, r)
            self.assertEqual(remaining(r), 58 - i)
        r = view(self.invoice, a)
        self.assert429(r, "RATE_LIMITED", 60, 60)
        # The payment page shares the window: an HTML 429.
        r = page(self.invoice, a)
        self.assertEqual(r.status, 429, r)
        self.assertTrue(r.header("content-type").startswith("text/html"), r)
        self.assertTrue(1 <= int(r.header("retry-after")) <= 60)
        self.assertIn("Too many requests", r.body)
        # Another address is not affected.
        b, r = self.fresh(lambda b: page(self.invoice, b), 60)
        self.assertEqual(r.status, 200, r)
        self.assertHeaders(r, 60, 60)
        self.assertEqual(view(self.invoice, b).status, 200)

    def test_qr_edge(self):
        a, r = self.fresh(lambda a: qr(self.invoice, a), 100)
        self.assertEqual(r.status, 200, r)
        self.assertHeaders(r, 100, 60)
        etag = r.header("etag")
        for i in range(99):
            r = qr(self.invoice, a, etag)
            self.assertEqual(r.status, 304, r)
            self.assertEqual(remaining(r), 98 - i)
        r = qr(self.invoice, a, etag)
        self.assert429(r, "RATE_LIMITED", 100, 60)
        # The views of the same address are another window.
        self.assertEqual(view(self.invoice, a).status, 200)

    def test_50_concurrent_views_at_the_edge(self):
        a, r = self.fresh(lambda a: view(self.invoice, a), 60)
        for _ in range(29):
            self.assertEqual(view(self.invoice, a).status, 200)
        with concurrent.futures.ThreadPoolExecutor(50) as pool:
            rs = list(pool.map(lambda _: view(self.invoice, a), range(50)))
        statuses = [r.status for r in rs]
        self.assertEqual(statuses.count(200), 30, sorted(statuses))
        self.assertEqual(statuses.count(429), 20, sorted(statuses))

    def test_ipv6_clients_count_by_64(self):
        p = doc_prefix()
        r1 = view(self.invoice, p + ":1")
        r2 = view(self.invoice, p + "abcd:1234:5678:9")
        self.assertEqual((r1.status, r2.status), (200, 200))
        self.assertEqual(remaining(r1) - remaining(r2), 1)
        r3 = view(self.invoice, doc_prefix() + ":1")
        self.assertEqual(remaining(r3), 59)

    def test_forwarded_for(self):
        # "spoof, real": the rightmost address that is not a trusted proxy.
        spoof = doc_address()
        real, r = self.fresh(lambda a: view(self.invoice, spoof + ", " + a), 60)
        r = view(self.invoice, real)
        self.assertEqual(remaining(r), 58)
        r = view(self.invoice, spoof + ", " + real + ", 127.0.0.1")
        self.assertEqual(remaining(r), 57)
        # The spoofed address was never counted.
        r = view(self.invoice, spoof)
        self.assertEqual(remaining(r), 59)
        # A malformed header: REMOTE_ADDR (127.0.0.1, exempt): not counted.
        for bad in (real + ", not-an-address", real + ":8080", real + ",", "[::1]"):
            r = view(self.invoice, bad)
            self.assertEqual(r.status, 200, r)
            self.assertNoHeaders(r)
        # Without the header: REMOTE_ADDR, exempt here.
        self.assertNoHeaders(view(self.invoice))

    def test_forwarded_for_ignored_from_an_untrusted_peer(self):
        """From 127.0.0.2 (loopback, but neither a trusted proxy nor
        exempt): X-Forwarded-For is the client's own word and ignored;
        the peer itself is counted, whatever address it claims."""
        if API.hostname not in ("127.0.0.1", "localhost"):
            self.skipTest("the stack is not on this machine's loopback")
        first = view(self.invoice, doc_address(), source="127.0.0.2")
        self.assertEqual(first.status, 200, first)
        self.assertHeaders(first, 60, 60)
        r = view(self.invoice, doc_address(), source="127.0.0.2")
        self.assertEqual(remaining(r), remaining(first) - 1)
        r = view(self.invoice, None, source="127.0.0.2")
        self.assertEqual(remaining(r), remaining(first) - 2)

    # --- failed authentication

    def test_failed_authentication_throttle_and_trace(self):
        a = doc_address()
        ua = "guesser/%d" % random.randint(1, 10 ** 9)
        wrong = "sk_test_" + "".join(random.choice("abcdefghijklmnopqrstuvwxyz234567")
                                     for _ in range(40))
        ids = []
        for i in range(20):
            key = wrong if i % 2 == 0 else "hunter2-%d" % i
            r = request("GET", "invoices", key=key,
                        headers={"X-Forwarded-For": a, "User-Agent": ua})
            self.assertEqual(r.status, 401, r)
            self.assertEqual(r.json()["error"]["code"], "INVALID_API_KEY")
            self.assertEqual(r.header("x-ratelimit-limit"), "20")
            self.assertEqual(r.header("x-ratelimit-window"), "300")
            self.assertEqual(int(r.header("x-ratelimit-remaining")), 19 - i)
            ids.append(r.header("x-request-id"))
        # Past the limit: refused before any lookup, even with a good key.
        for key in (wrong, self.key):
            r = request("GET", "invoices", key=key,
                        headers={"X-Forwarded-For": a, "User-Agent": ua})
            self.assert429(r, "AUTH_RATE_LIMITED", 20, 300)
        # A request without a key is no guess: 401, not 429.
        r = request("GET", "invoices", headers={"X-Forwarded-For": a})
        self.assertEqual(r.status, 401, r)
        # Another address is not affected.
        r = request("GET", "invoices", key=self.key,
                    headers={"X-Forwarded-For": doc_address()})
        self.assertEqual(r.status, 200, r)
        # One audit row per failure (20, no more), without the secret.
        rows = psql("SELECT actor, ip_address, user_agent, request_id, "
                    "merchant_id IS NULL, details::text FROM audit_log "
                    "WHERE event = 'auth.failed' AND user_agent = '%s' ORDER BY seq" % ua)
        self.assertEqual(len(rows), 20, rows)
        self.assertEqual([r.split("|")[3] for r in rows], ids)
        for i, row in enumerate(rows):
            actor, ip, agent, _, nomerchant, details = row.split("|", 5)
            self.assertEqual((actor, ip, agent, nomerchant), ("ip:" + a, a, ua, "t"))
            d = json.loads(details)
            self.assertEqual(d["key"], "sk_test_***" + wrong[-3:] if i % 2 == 0
                             else "unrecognized")
            self.assertEqual(d["reason"], "unknown_or_revoked_key" if i % 2 == 0
                             else "malformed_key")
            self.assertEqual(d["throttled"], i == 19)
            self.assertNotIn(wrong[8:], details)
            self.assertNotIn("hunter2", details)
        # And a log line an admin can grep (the programs' stderr: lighttpd's
        # breakage log, or the file cc-spawn names under Apache).
        deadline = time.time() + 5
        while "authentication failed from %s" % a not in log_text():
            self.assertLess(time.time(), deadline, "no log line")
            time.sleep(0.2)
        self.assertNotIn(wrong[8:], log_text())


    def test_refused_tokens_and_token_route_keys_are_guesses_too(self):
        """A refused token, and a wrong api_key sent to POST /auth/token,
        count in the address's auth_failures window and are audited like
        a wrong key; past it the token route answers 429 as well."""
        a = doc_address()
        ua = "token-guesser/%d" % random.randint(1, 10 ** 9)
        h = {"X-Forwarded-For": a, "User-Agent": ua}
        forged = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0."
        r = request("GET", "invoices", key=forged, headers=h)
        self.assertEqual((r.status, r.json()["error"]["code"]), (401, "INVALID_TOKEN"), r)
        self.assertEqual(remaining(r), 19)
        body = {"grant_type": "api_key", "api_key": "sk_test_" + "a" * 40}
        r = request("POST", "auth/token", body=body, headers=h)
        self.assertEqual((r.status, r.json()["error"]["code"]), (401, "INVALID_API_KEY"), r)
        self.assertEqual(remaining(r), 18)
        for _ in range(18):
            request("GET", "invoices", key=forged, headers=h)
        good = {"grant_type": "api_key", "api_key": self.key}
        r = request("POST", "auth/token", body=good, headers=h)
        self.assert429(r, "AUTH_RATE_LIMITED", 20, 300)
        r = request("POST", "auth/token", body=good,
                    headers={"X-Forwarded-For": doc_address()})
        self.assertEqual(r.status, 200, r)
        rows = psql("SELECT details->>'reason', details->>'key' FROM audit_log "
                    "WHERE event = 'auth.failed' AND user_agent = '%s' ORDER BY seq" % ua)
        self.assertEqual(len(rows), 20, rows[:3])
        self.assertEqual(rows[0], "invalid_token|jwt")
        self.assertEqual(rows[1], "unknown_or_revoked_key|sk_test_***aaa")

    def test_failed_authentication_from_an_exempt_address(self):
        """Not counted (no headers, never 429), but still in the audit log."""
        ua = "exempt-guesser/%d" % random.randint(1, 10 ** 9)
        for _ in range(22):
            r = request("GET", "invoices", key="sk_live_nope", headers={"User-Agent": ua})
            self.assertEqual(r.status, 401, r)
            self.assertIsNone(r.header("x-ratelimit-limit"))
        rows = psql("SELECT actor || ' ' || (details->>'throttled') || ' ' || "
                    "(details->>'key') FROM audit_log WHERE event = 'auth.failed' "
                    "AND user_agent = '%s'" % ua)
        self.assertEqual(len(rows), 22)
        self.assertTrue(all(r.endswith(" false sk_live_***") and r.startswith("ip:")
                            for r in rows), rows[:2])


def redis_port():
    return urllib.parse.urlparse(ENV["CC_REDIS_URL"]).port


def redis_ping():
    p = subprocess.run(["redis-cli", "-p", str(redis_port()), "ping"],
                       capture_output=True, text=True)
    return p.stdout.strip() == "PONG"


class RedisDownTest(unittest.TestCase):
    """Redis stopped, then frozen, in the middle of a run: requests keep
    their answers (uncounted, without X-RateLimit headers), nothing is
    written twice or lost, and the limits apply again once it is back."""

    def setUp(self):
        self.dir = ENV["CC_STACK_DIR"]
        self.pidfile = os.path.join(self.dir, "run", "redis.pid")
        if not os.path.exists(self.pidfile):
            self.skipTest("this stack does not run its own Redis")
        self.addCleanup(self.start_redis)

    def pid(self):
        with open(self.pidfile) as f:
            return int(f.read().strip())

    def stop_redis(self):
        pid = self.pid()
        os.kill(pid, signal.SIGTERM)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        self.fail("Redis did not stop")

    def start_redis(self):
        """As dev.sh start_stack starts it."""
        if redis_ping():
            return
        subprocess.run(["redis-server", "--bind", "127.0.0.1", "--port", str(redis_port()),
                        "--dir", os.path.join(self.dir, "redis"), "--daemonize", "yes",
                        "--pidfile", self.pidfile,
                        "--logfile", os.path.join(self.dir, "log", "redis.log"),
                        "--save", "", "--appendonly", "no"], check=True,
                       stdout=subprocess.DEVNULL)
        deadline = time.time() + 10
        while not redis_ping():
            self.assertLess(time.time(), deadline, "Redis did not start")
            time.sleep(0.05)

    def count(self, m):
        return int(psql("SELECT count(*) FROM invoices WHERE merchant_id = '%s'" % m)[0])

    def test_redis_stopped_mid_run(self):
        m, key = new_merchant("Redis Shop")
        admin("ratelimit", "set", "--merchant", m, "--class", "invoices_create",
              "--limit", "3", "--window", "3600")
        r = request("POST", "invoices", invoice_body(), key=key)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.header("x-ratelimit-remaining"), "2")
        inv = r.json()["id"]
        a = doc_address()
        self.assertEqual(view(inv, a).header("x-ratelimit-remaining"), "59")

        self.stop_redis()
        # Past the merchant's limit of 3: all pass, uncounted.
        for _ in range(5):
            r = request("POST", "invoices", invoice_body(), key=key)
            self.assertEqual(r.status, 201, r)
            for h in RL_HEADERS:
                self.assertIsNone(r.header(h), r.headers)
        # An Idempotency-Key replay still creates one invoice.
        idem = {"Idempotency-Key": "redis-down-%d" % random.randint(1, 10 ** 9)}
        r1 = request("POST", "invoices", invoice_body(), key=key, headers=idem)
        r2 = request("POST", "invoices", invoice_body(), key=key, headers=idem)
        self.assertEqual((r1.status, r2.status), (201, 201), (r1, r2))
        self.assertEqual(r1.json()["id"], r2.json()["id"])
        self.assertEqual(r2.header("idempotent-replayed"), "true")
        self.assertEqual(self.count(m), 7)
        # A customer is never blocked: past 60 views, still answered.
        for _ in range(61):
            r = view(inv, a)
            self.assertEqual(r.status, 200, r)
            self.assertIsNone(r.header("x-ratelimit-limit"))
        self.assertEqual(page(inv, a).status, 200)
        self.assertEqual(qr(inv, a).status, 200)
        # The merchant's answers are unchanged too.
        r = request("GET", "invoices/" + inv, key=key)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["id"], inv)
        # Said loudly in the log.
        self.assertIn("RATE LIMITS NOT ENFORCED", log_text())

        self.start_redis()
        # A program thread waits a second after a failure before it tries
        # Redis again; then the windows start again, empty (Redis keeps
        # nothing on disk here).
        time.sleep(1.2)
        seen = []
        for _ in range(4):
            r = request("POST", "invoices", invoice_body(), key=key)
            seen.append((r.status, r.header("x-ratelimit-remaining")))
        self.assertEqual(seen, [(201, "2"), (201, "1"), (201, "0"), (429, "0")])
        self.assertEqual(self.count(m), 10)
        self.assertEqual(psql("SELECT count(*) FROM idempotency_keys WHERE merchant_id = '%s'"
                              % m), ["1"])

    def test_redis_frozen_mid_run(self):
        """SIGSTOP: connections open, no answers: each command times out
        ([redis] timeout_ms) and the request passes uncounted."""
        r = request("POST", "invoices", invoice_body(), key=ENV["CC_TEST_KEY"])
        self.assertEqual(r.status, 201, r)
        inv = r.json()["id"]
        a = doc_address()
        pid = self.pid()
        os.kill(pid, signal.SIGSTOP)
        try:
            for _ in range(10):
                r = view(inv, a)
                self.assertEqual(r.status, 200, r)
                self.assertIsNone(r.header("x-ratelimit-limit"))
            r = request("POST", "invoices", invoice_body(), key=ENV["CC_TEST_KEY"])
            self.assertEqual(r.status, 201, r)
            self.assertIsNone(r.header("x-ratelimit-limit"))
        finally:
            os.kill(pid, signal.SIGCONT)
        time.sleep(1.2)
        for _ in range(5):
            r = view(inv, a)
            if r.header("x-ratelimit-limit") is not None:
                break
            time.sleep(1.2)
        self.assertEqual(r.header("x-ratelimit-limit"), "60", r)


if __name__ == "__main__":
    unittest.main()
