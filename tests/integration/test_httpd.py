"""What the web server in front of the programs must not change: the API
key reaches the program, chunked and empty bodies, routing of normalised
paths, event streams (flushed per event, never compressed, alive past the
proxy's timeout), 304s when the host compresses, a program restarted under
load, and the errors the web server makes itself. Every test runs under
both lighttpd and Apache (CC_HTTPD); where the two differ by design the
test says which answer each gives."""
import collections
import gzip
import http.client
import json
import os
import signal
import socket
import subprocess
import time
import unittest
import urllib.parse

from cc import ENV, invoice_body, new_merchant, raw_request, request
from test_events import Stream

HTTPD = ENV.get("CC_HTTPD", "lighttpd")
API = urllib.parse.urlparse(ENV["CC_API_URL"])
PUB = urllib.parse.urlparse(ENV["CC_PUBLIC_URL"])


def raw_http(data, timeout=10):
    """Sends a request as it is, with the Host header of our virtual host
    added after its request line; returns (status, headers, body)."""
    return raw_request(data, timeout=timeout)


def zombie(pid):
    """A process that died and waits for its parent to reap it: every
    thread gone, not only the first. (A thread the kill woke but that has
    not run yet can still take a connection from the listening socket, and
    drops it when it runs: that request fails as one in flight at the
    crash would. CI met it once on a busy machine.)"""
    try:
        with open("/proc/%d/stat" % pid) as f:
            if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                return False
        return os.listdir("/proc/%d/task" % pid) == [str(pid)]
    except OSError:
        return True


def heartbeat():
    """[events] heartbeat of the stack's cc.conf, in seconds."""
    section = None
    with open(ENV["CC_CONF"]) as f:
        for line in f:
            line = line.split("#")[0].strip()
            if line.startswith("["):
                section = line
            elif section == "[events]" and line.startswith("heartbeat"):
                return int(line.split("=")[1])
    return 15


def program_pids(name):
    """The pids of a FastCGI program of this stack (under valgrind too):
    its configuration is on the command line (cc-spawn) or in the
    environment (lighttpd's bin-environment)."""
    p = subprocess.run(["pgrep", "-f", "/%s.fcgi" % name], capture_output=True, text=True)
    conf = ENV["CC_CONF"].encode()
    pids = []
    for x in p.stdout.split():
        try:
            with open("/proc/%s/cmdline" % x, "rb") as f:
                argv = f.read().split(b"\0")
            with open("/proc/%s/environ" % x, "rb") as f:
                environ = f.read().split(b"\0")
        except OSError:
            continue
        # Not the watcher (multiwatch) nor a shell around the program.
        if argv[0].endswith((b"multiwatch", b"sh")):
            continue
        if conf in argv or b"CC_CONF=" + conf in environ:
            pids.append(int(x))
    return pids


def spawn(cmd, name):
    """deploy/cc-spawn on one program of the Apache stack, with the
    settings dev.sh started the stack with (cc-spawn.env)."""
    env = dict(os.environ)
    with open(os.path.join(ENV["CC_STACK_DIR"], "cc-spawn.env")) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            if k:
                env[k] = v
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return subprocess.run([os.path.join(root, "deploy", "cc-spawn"), cmd, name],
                          env=env, capture_output=True, text=True)


class HttpdTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Httpd Shop")

    def create(self):
        r = request("POST", "invoices", invoice_body(), key=self.key)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def test_authorization_reaches_the_program(self):
        r = request("GET", "invoices?limit=1", key=self.key)
        self.assertEqual(r.status, 200, r)
        r = request("GET", "invoices?limit=1")
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.json()["error"]["code"], "MISSING_API_KEY")
        # A wrong key is judged by the program, not the server.
        r = request("GET", "invoices?limit=1", key="sk_test_" + "x" * 40)
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.header("content-type"), "application/json")

    def test_chunked_body_creates_an_invoice(self):
        body = json.dumps(invoice_body()).encode()
        chunks = b""
        for i in range(0, len(body), 37):
            part = body[i:i + 37]
            chunks += b"%x\r\n%s\r\n" % (len(part), part)
        chunks += b"0\r\n\r\n"
        req = (b"POST %s/invoices HTTP/1.1\r\nAuthorization: Bearer %s\r\n"
               b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
               b"Connection: close\r\n\r\n" % (API.path.encode(), self.key.encode())) + chunks
        status, headers, out = raw_http(req)
        self.assertEqual(status, 201, out)
        self.assertIn(b'"object":"invoice"', out)

    def test_empty_bodies(self):
        inv = self.create()
        path = "%s/invoices/%s/cancel" % (API.path, inv["id"])
        # Content-Length: 0: an empty body, which cancel accepts.
        status, _, out = raw_http(
            b"POST %s HTTP/1.1\r\nAuthorization: Bearer %s\r\n"
            b"Content-Length: 0\r\nConnection: close\r\n\r\n" % (path.encode(), self.key.encode()))
        self.assertEqual(status, 200, out)
        self.assertIn(b'"status":"cancelled"', out)
        # No Content-Length and no chunks: lighttpd refuses it (411, its
        # defence against smuggling); Apache passes an empty body on.
        inv = self.create()
        path = "%s/invoices/%s/cancel" % (API.path, inv["id"])
        status, headers, out = raw_http(
            b"POST %s HTTP/1.1\r\nAuthorization: Bearer %s\r\n"
            b"Connection: close\r\n\r\n" % (path.encode(), self.key.encode()))
        if HTTPD == "apache":
            self.assertEqual(status, 200, out)
            self.assertIn(b'"status":"cancelled"', out)
        else:
            self.assertEqual(status, 411, out)

    def test_normalised_paths_end_in_our_404(self):
        inv = self.create()
        i = inv["id"]
        # The server routes on the normalised path; the program sees the
        # raw one and answers its own JSON 404, never another route.
        for path in ["/api/v1/invoices/../invoices",
                     "/api/v1/public/../invoices",
                     "/api/v1/./invoices",
                     "/api//v1/invoices",
                     "/api/v1/public/invoice/%s/events/../qr" % i,
                     "/api/v1/public/invoice/%s/qr/../events" % i,
                     "/api/v1/public/invoice/%s/../%s" % (i, i),
                     "/api/v1/invoices/%2e%2e/invoices",
                     "/api/v1/nothing"]:
            status, headers, out = raw_http(
                b"GET %s HTTP/1.1\r\nAuthorization: Bearer %s\r\n"
                b"Connection: close\r\n\r\n" % (path.encode(), self.key.encode()))
            self.assertEqual(status, 404, "%s: %s" % (path, out))
            self.assertTrue(headers.get("content-type", "").startswith("application/json"),
                            "%s: %s" % (path, headers))
            self.assertIn(b'"ROUTE_NOT_FOUND"', out, path)

    def test_event_stream_uncompressed_and_alive_past_the_proxy_timeout(self):
        inv = self.create()
        conn = http.client.HTTPConnection(PUB.hostname, PUB.port, timeout=20)
        conn.request("GET", PUB.path + "/invoice/%s/events" % inv["id"],
                     headers={"Accept": "text/event-stream", "Accept-Encoding": "gzip, br"})
        resp = conn.getresponse()
        self.assertEqual(resp.status, 200)
        self.assertIsNone(resp.getheader("Content-Encoding"))
        self.assertEqual(resp.getheader("Content-Type"), "text/event-stream")
        # The first bytes come at once (retry:), not after a buffer fills.
        t0 = time.time()
        first = resp.readline()
        self.assertTrue(first.startswith(b"retry:") or first.startswith(b":"), first)
        self.assertLess(time.time() - t0, 2.0)
        # Idle for longer than the proxy timeout (Apache: 5 s in tests,
        # heartbeats every 2 s): the stream must still carry an event.
        idle_until = time.time() + max(8, 2.5 * heartbeat())
        heartbeats = 0
        while time.time() < idle_until:
            line = resp.readline()
            self.assertTrue(line, "stream closed while idle")
            if line.startswith(b":"):
                heartbeats += 1
        self.assertGreaterEqual(heartbeats, 2)
        r = request("POST", "invoices/%s/cancel" % inv["id"], {}, key=self.key)
        self.assertEqual(r.status, 200, r)
        t0 = time.time()
        got = None
        while time.time() - t0 < 5:
            line = resp.readline()
            if not line:
                break
            if line.startswith(b"event: ") or b"invoice.cancelled" in line:
                got = line
                break
        conn.close()
        self.assertIsNotNone(got, "no event after the idle period")
        self.assertLess(time.time() - t0, 1.5)

    def test_304_when_the_host_compresses(self):
        inv = self.create()
        url = PUB.path + "/invoice/%s" % inv["id"]
        for enc in [None, "gzip"]:
            h = {"Accept-Encoding": enc} if enc else {}
            conn = http.client.HTTPConnection(PUB.hostname, PUB.port, timeout=10)
            conn.request("GET", url, headers=h)
            r = conn.getresponse()
            body = r.read()
            etag = r.getheader("ETag")
            self.assertEqual(r.status, 200)
            self.assertIsNotNone(etag)
            if r.getheader("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            self.assertIn(inv["id"].encode(), body)
            conn.close()
            # The tag as received (weak, possibly "...-gzip"), without its
            # W/, and in a list.
            self.assertTrue(etag.startswith('W/"'), etag)
            for inm in [etag, etag[2:], '"other", ' + etag]:
                conn = http.client.HTTPConnection(PUB.hostname, PUB.port, timeout=10)
                conn.request("GET", url, headers=dict(h, **{"If-None-Match": inm}))
                r = conn.getresponse()
                r.read()
                conn.close()
                self.assertEqual(r.status, 304, "If-None-Match %s (Accept-Encoding %s)" % (inm, enc))
            conn = http.client.HTTPConnection(PUB.hostname, PUB.port, timeout=10)
            conn.request("GET", url, headers=dict(h, **{"If-None-Match": '"nope"'}))
            r = conn.getresponse()
            r.read()
            conn.close()
            self.assertEqual(r.status, 200)

    def test_program_killed_under_load_is_used_again_at_once(self):
        inv = self.create()
        before = program_pids("cc-public")
        self.assertTrue(before, "cc-public not found")
        for pid in before:
            os.kill(pid, signal.SIGKILL)
        # Requests start once it is gone, all its threads: a connection
        # one of them accepted while dying fails, as any request in flight
        # at a crash does.
        deadline = time.time() + 5
        while time.time() < deadline and any(os.path.exists("/proc/%d" % p) and
                                             not zombie(p) for p in before):
            time.sleep(0.01)
        # Apache: multiwatch starts it again on the socket it still holds,
        # so no request fails. lighttpd starts it again on a later request,
        # after a second or so of its own HTML errors.
        deadline = time.time() + (10 if HTTPD == "apache" else 5)
        statuses = []
        # Raw requests: meanwhile lighttpd answers with its own HTML
        # errors, which the API document does not describe.
        while time.time() < deadline:
            status, _, _ = raw_http(b"GET %s/invoice/%s HTTP/1.1\r\nConnection: close\r\n\r\n"
                                    % (PUB.path.encode(), inv["id"].encode()))
            statuses.append(status)
            if status == 200 and len(statuses) >= 20:
                break
        counts = collections.Counter(statuses)
        if HTTPD == "apache":
            self.assertEqual(set(counts), {200}, counts)
        else:
            self.assertEqual(statuses[-1], 200, counts)
        r = request("GET", "%s/invoice/%s" % (PUB.path, inv["id"]))
        self.assertEqual(r.status, 200, r)
        after = program_pids("cc-public")
        self.assertTrue(after and not set(after) & set(before), (before, after))

    @unittest.skipUnless(HTTPD == "apache", "Apache's 503 (test_httperrors covers both servers)")
    def test_apache_errors_are_json(self):
        # Over 1 MiB: the program's own 413 (Apache does not apply
        # LimitRequestBody to proxied requests; test_httperrors).
        big = b"x" * (1024 * 1024 + 10)
        status, headers, out = raw_http(
            b"POST %s/invoices HTTP/1.1\r\nAuthorization: Bearer %s\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
            % (API.path.encode(), self.key.encode(), len(big)) + big)
        self.assertEqual(status, 413, out)
        self.assertEqual(headers.get("content-type"), "application/json")
        self.assertEqual(json.loads(out)["error"]["code"],
                         "REQUEST_TOO_LARGE")
        # The merchant program down: Apache's 503, in our format, and the
        # program is used again the moment it is back (retry=0).
        try:
            self.assertEqual(spawn("stop", "merchant").returncode, 0)
            r = request("GET", "invoices?limit=1", key=self.key)
            self.assertEqual(r.status, 503, r)
            self.assertEqual(r.header("content-type"), "application/json")
            self.assertEqual(r.json()["error"]["code"], "SERVICE_UNAVAILABLE")
            r = request("POST", "invoices", invoice_body(), key=self.key)
            self.assertEqual(r.status, 503, r)
            self.assertEqual(r.json()["error"]["code"], "SERVICE_UNAVAILABLE")
        finally:
            p = spawn("start", "merchant")
            self.assertEqual(p.returncode, 0, p.stderr)
        r = request("GET", "invoices?limit=1", key=self.key)
        self.assertEqual(r.status, 200, r)
