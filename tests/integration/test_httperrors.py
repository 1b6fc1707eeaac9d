"""The errors the web server makes itself, in our formats (the API's JSON
error under /api/, an HTML page in the payment page's style under
/invoice/), under lighttpd and Apache: each made to happen on routes of the
test stack that lead to backends this test plays (dev.sh
httpd_test_routes: nobody listening, hanging up, answering nonsense or not
at all), or by requests a client could send. Where a server cannot answer
in our format (it refuses the request before it has read the URL) the test
pins down what it does answer, as docs/API.md describes. Also what every
answer carries: no version in Server, nosniff on static files and error
pages."""
import json
import os
import re
import socket
import struct
import threading
import time
import unittest
import urllib.parse

import apicheck
from cc import ENV, raw_request

HTTPD = ENV.get("CC_HTTPD", "lighttpd")
# The install test runs this file against the installed package and the
# machine's own Apache: no test-only routes there (dev.sh writes them into
# the dev and test stacks only), and ServerTokens is the operator's.
PACKAGE = ENV.get("CC_BIN") == "/usr/bin"
needs_test_routes = unittest.skipIf(
    PACKAGE, "the installed package has no test-only routes (dev.sh writes them)")
API = urllib.parse.urlparse(ENV["CC_API_URL"])
# The web server's own errors carry a request id where its modules are
# there: lighttpd's mod_magnet (dev.sh installs lighttpd-modules-lua;
# deploy/lighttpd-errors.lua), which logs it in lighttpd's error log;
# Apache's mod_unique_id, mod_substitute and mod_include (in Debian's
# apache2; the stacks load them, README's a2enmod enables them), whose id
# the access log of the stacks and of the package's site ends with.
NAMED = HTTPD == "apache" or os.path.exists("/usr/lib/lighttpd/mod_magnet.so")
REQUEST_ID = re.compile(r"^req_[A-Za-z0-9@_-]{27}$" if HTTPD == "apache" else r"^req_[a-z2-7]{26}$")
MODES = ("close", "bighdr", "silent", "garbage", "badhdr", "drain", "partial")


def sockdir():
    """Where the stack's web server looks for the test backends' sockets
    (dev.sh httpd_test_routes): Apache's socket folder, lighttpd's run/."""
    if HTTPD == "apache":
        with open(os.path.join(ENV["CC_STACK_DIR"], "cc-spawn.env")) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                if k == "CC_RUN":
                    return v
    return os.path.join(ENV["CC_STACK_DIR"], "run")


def record(rid, rtype, data):
    return struct.pack(">BBHHBx", 1, rtype, rid, len(data), 0) + data


def end_request(rid):
    return record(rid, 6, b"") + record(rid, 3, b"\0" * 8)


class Backends:
    """FastCGI backends that misbehave on purpose, one unix socket each:
    close hangs up at once, garbage answers with bytes that are not
    FastCGI, badhdr with a header line without a colon, bighdr with 100 KB
    of headers, partial with headers that never end, silent never answers,
    drain reads the whole body and answers 200. test-dead.sock has no
    listener."""

    def __init__(self, folder):
        self.folder = folder
        self.socks = []
        self.threads = []

    def path(self, mode):
        return os.path.join(self.folder, "test-%s.sock" % mode)

    def start(self):
        for mode in MODES + ("dead",):
            try:
                os.unlink(self.path(mode))
            except OSError:
                pass
        for mode in MODES:
            s = socket.socket(socket.AF_UNIX)
            s.bind(self.path(mode))
            os.chmod(self.path(mode), 0o666)
            s.listen(64)
            self.socks.append(s)
            t = threading.Thread(target=self.serve, args=(s, mode), daemon=True)
            t.start()

    def stop(self):
        for s in self.socks:
            s.close()
        for mode in MODES:
            try:
                os.unlink(self.path(mode))
            except OSError:
                pass

    def serve(self, s, mode):
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            threading.Thread(target=self.one, args=(c, mode), daemon=True).start()

    @staticmethod
    def drain(c, until_stdin_end):
        """Reads records until the empty FCGI_STDIN (or a pause)."""
        c.settimeout(10 if until_stdin_end else 0.3)
        buf, rid = b"", 1
        try:
            while True:
                b = c.recv(65536)
                if not b:
                    return rid
                buf += b
                while len(buf) >= 8:
                    _, t, r, n, pad = struct.unpack(">BBHHBx", buf[:8])
                    if len(buf) < 8 + n + pad:
                        break
                    rid = r
                    buf = buf[8 + n + pad:]
                    if t == 5 and n == 0 and until_stdin_end:
                        return rid
        except OSError:
            return rid

    def one(self, c, mode):
        try:
            if mode == "close":
                return
            if mode == "silent":
                time.sleep(8)
                return
            rid = self.drain(c, mode == "drain")
            if mode == "garbage":
                c.sendall(b"HTTP/1.0 200 OK\r\n\r\nnot FastCGI")
            elif mode == "badhdr":
                c.sendall(record(rid, 6, b"no colon here\r\n\r\nbody") + end_request(rid))
            elif mode == "bighdr":
                data = b"X-Big: " + b"a" * 100000 + b"\r\n"
                out = b"".join(record(rid, 6, data[i:i + 65535])
                               for i in range(0, len(data), 65535))
                c.sendall(out + end_request(rid))
            elif mode == "partial":
                c.sendall(record(rid, 6, b"Status: 200 OK\r\nContent-Type: text/plain\r\n"))
            elif mode == "drain":
                c.sendall(record(rid, 6, b"Status: 200 OK\r\nContent-Type: text/plain\r\n\r\n"
                                 b"drained") + end_request(rid))
        except OSError:
            pass
        finally:
            c.close()


def raw(data, timeout=15, check=True):
    """Sends a request as it is (Connection: close added) and reads the
    answer to the end: (status or None when the server closed without
    one, headers, body). check: the answer is checked against
    docs/openapi.json."""
    status, headers, body = raw_request(data, b"Connection: close\r\n", timeout)
    if check and status is not None:
        method, target = data.split(b"\r\n", 1)[0].decode("latin-1").split(" ")[:2]
        apicheck.response(method, target, status, headers, body)
    return status, headers, body


def get(path, **kw):
    return raw(b"GET %s HTTP/1.1\r\n\r\n" % path.encode(), **kw)


class HttpErrorsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.backends = Backends(sockdir())
        cls.backends.start()

    @classmethod
    def tearDownClass(cls):
        cls.backends.stop()

    def assertJson(self, answer, status, code, nosniff=True, server=True, named=True):
        """The API's error format, as the web server writes it (server:
        False for a program's own error, which checks its id itself)."""
        st, h, body = answer
        self.assertEqual(st, status, body[:300])
        self.assertEqual(h.get("content-type"), "application/json", h)
        doc = json.loads(body)
        e = doc["error"]
        self.assertEqual(e["code"], code, body)
        self.assertTrue(e["type"] in ("invalid_request_error", "api_error"), body)
        self.assertTrue(e["message"])
        if nosniff:
            self.assertEqual(h.get("x-content-type-options"), "nosniff", h)
        if not server:
            return
        rid = self.assertNamed(h, named)
        if rid:
            self.assertEqual((doc["request_id"], doc["trace_id"]),
                             (rid, "trace_" + rid[4:]), body)
            ts = time.mktime(time.strptime(doc["timestamp"], "%Y-%m-%dT%H:%M:%SZ"))
            self.assertLess(abs(ts - time.mktime(time.gmtime())), 120, body)
        else:
            self.assertNotIn("request_id", doc)

    def assertPage(self, answer, status, nosniff=True, named=True):
        """An HTML page in the payment page's style."""
        st, h, body = answer
        self.assertEqual(st, status, body[:300])
        self.assertEqual(h.get("content-type"), "text/html; charset=utf-8", h)
        text = body.decode()
        self.assertIn('class="card error-card"', text)
        self.assertIn("Error %d" % status, text)
        self.assertIn('<link rel="stylesheet" href="/pay.css">', text)
        if nosniff:
            self.assertEqual(h.get("x-content-type-options"), "nosniff", h)
        rid = self.assertNamed(h, named)
        if rid:
            self.assertIn('Reference for support: <span class="mono">%s</span>' % rid, text)
        else:
            self.assertNotIn("Reference for support", text)

    def assertNamed(self, h, named):
        """Where the web server's modules give its errors an id (see
        NAMED): the answer's request id, which the server's log names;
        else None."""
        if not (NAMED and named):
            self.assertIsNone(h.get("x-request-id"), h)
            return None
        rid = h.get("x-request-id", "")
        self.assertRegex(rid, REQUEST_ID)
        if HTTPD == "apache":
            # The access log line ends with it (written once the answer
            # has left).
            log = ENV.get("CC_HTTPD_ACCESS_LOG") or os.path.join(
                ENV["CC_STACK_DIR"], "log", "apache-access.log")
            want = re.compile(r'" [0-9]{3} .* %s$' % re.escape(rid), re.M)
        else:
            log = os.path.join(ENV["CC_STACK_DIR"], "log", "lighttpd-error.log")
            want = re.compile(re.escape(rid + ": lighttpd answered "))
        for _ in range(20):
            with open(log, errors="replace") as f:
                if want.search(f.read()):
                    return rid
            time.sleep(0.1)
        self.fail("%s is not in %s" % (rid, log))

    def both(self, mode, status, code):
        self.assertJson(get("/api/_httpd_test/%s/x" % mode), status, code)
        self.assertPage(get("/invoice/_httpd_test/%s/x" % mode), status)

    @needs_test_routes
    def test_503_program_down(self):
        self.both("dead", 503, "SERVICE_UNAVAILABLE")
        # Its own 503s say when to come back, as the programs' do (Apache:
        # Header by status; lighttpd: mod_magnet, which dev.sh installs).
        for prefix in ("/api", "/invoice"):
            st, h, _ = get(prefix + "/_httpd_test/dead/x")
            self.assertEqual((st, h.get("retry-after")), (503, "10"), h)
        # Other answers of the same routes get none.
        st, h, _ = get("/api/_httpd_test/silent/x")
        self.assertEqual((st, h.get("retry-after")), (504, None), h)

    @needs_test_routes
    def test_504_program_silent(self):
        t0 = time.time()
        self.both("silent", 504, "GATEWAY_TIMEOUT")
        # The test routes' proxy wait: 2 s each (lighttpd checks its
        # timeouts once a second).
        self.assertLess(time.time() - t0, 15)

    @needs_test_routes
    def test_500_502_nonsense_from_the_program(self):
        if HTTPD == "lighttpd":
            # No answer, or one that is not FastCGI or ends too soon, is
            # lighttpd's 500; headers it cannot parse (malformed, over its
            # 64 KiB buffer) a 502.
            for mode in ("close", "garbage", "partial"):
                self.both(mode, 500, "INTERNAL_ERROR")
            for mode in ("badhdr", "bighdr"):
                self.both(mode, 502, "BAD_GATEWAY")
        else:
            # mod_proxy_fcgi calls a backend that hangs up or is not
            # FastCGI unavailable (503, never 502); a malformed header line
            # is an empty 500 that bypasses ErrorDocument (docs/API.md).
            for mode in ("close", "garbage", "partial"):
                self.both(mode, 503, "SERVICE_UNAVAILABLE")
            for prefix in ("/api", "/invoice"):
                st, h, body = get(prefix + "/_httpd_test/badhdr/x", check=False)
                self.assertEqual((st, body), (500, b""), h)

    def test_400_malformed_chunked_body(self):
        for method, prefix, check in (("POST", "/api/v1/invoices", self.assertJson),
                                      ("POST", "/api/v1/public/invoice/inv_x",
                                       self.assertJson),
                                      ("POST", "/invoice/inv_x", self.assertPage)):
            ans = raw(b"%s %s HTTP/1.1\r\nContent-Type: application/json\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"
                      % (method.encode(), prefix.encode()))
            if check == self.assertJson:
                check(ans, 400, "BAD_REQUEST")
            else:
                check(ans, 400)

    @needs_test_routes
    def test_408_body_that_stops_arriving(self):
        t0 = time.time()
        for prefix in ("/api/_httpd_test/drain/x", "/invoice/_httpd_test/drain/x"):
            req = (b"POST %s HTTP/1.1\r\nContent-Type: application/json\r\n"
                   b"Content-Length: 100\r\n\r\n{\"a\"" % prefix.encode())
            ans = raw(req, timeout=20)
            if HTTPD == "apache":
                # mod_reqtimeout (the test stacks: body=3 s).
                if prefix.startswith("/api"):
                    self.assertJson(ans, 408, "REQUEST_TIMEOUT")
                else:
                    self.assertPage(ans, 408)
            else:
                # lighttpd never answers 408: after server.max-read-idle
                # (3 s in the test stacks) it closes the connection.
                self.assertEqual(ans[0], None, ans)
        self.assertLess(time.time() - t0, 15)

    def test_405_trace(self):
        for prefix in ("/api/v1/invoices", "/invoice/inv_x"):
            ans = raw(b"TRACE %s HTTP/1.1\r\n\r\n" % prefix.encode())
            if HTTPD == "apache":
                # TraceEnable Off (README): Apache's own 405.
                if prefix.startswith("/api"):
                    self.assertJson(ans, 405, "METHOD_NOT_ALLOWED")
                else:
                    self.assertPage(ans, 405)
            else:
                # lighttpd passes TRACE on: the program's own 405.
                self.assertEqual(ans[0], 405, ans)
                self.assertTrue(ans[1].get("x-request-id", "").startswith("req_"), ans)

    @needs_test_routes
    def test_413_body_over_the_limit(self):
        big = b"x" * (1024 * 1024 + 10)
        for prefix in ("/api/_httpd_test/drain/x", "/invoice/_httpd_test/drain/x"):
            # (The test backend's own 200 is not in the API document.)
            ans = raw(b"POST %s HTTP/1.1\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n" % (prefix.encode(), len(big)) + big,
                      check=HTTPD == "lighttpd")
            if HTTPD == "lighttpd":
                # server.max-request-size: 1 MiB, refused before any
                # module runs (so without the headers setenv adds).
                if prefix.startswith("/api"):
                    self.assertJson(ans, 413, "REQUEST_TOO_LARGE", nosniff=False)
                else:
                    self.assertPage(ans, 413, nosniff=False)
            else:
                # Apache does not apply LimitRequestBody to proxied
                # requests: the body reaches the program.
                self.assertEqual((ans[0], ans[2]), (200, b"drained"))
        # On a real route: over 1 MiB lighttpd's 413, the program's under
        # Apache; over 64 KiB the program's own under both (with its id).
        ans = raw(b"POST /api/v1/invoices HTTP/1.1\r\nAuthorization: Bearer %s\r\n"
                  b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                  % (ENV["CC_TEST_KEY"].encode(), len(big)) + big)
        self.assertJson(ans, 413, "REQUEST_TOO_LARGE", nosniff=HTTPD == "apache",
                        server=HTTPD == "lighttpd")
        big = b"x" * (65 * 1024)
        ans = raw(b"POST /api/v1/invoices HTTP/1.1\r\nAuthorization: Bearer %s\r\n"
                  b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                  % (ENV["CC_TEST_KEY"].encode(), len(big)) + big)
        self.assertJson(ans, 413, "REQUEST_TOO_LARGE", server=False)
        self.assertTrue(ans[1].get("x-request-id", "").startswith("req_"), ans[1])

    def test_refused_before_the_url(self):
        """Requests a server refuses while reading the request line and
        headers: it cannot know the route yet, so they get its server-wide
        page (docs/API.md); pinned down here, with no version shown."""
        cases = [
            ("bad request line", b"GET /api/v1/invoices HTTP/1.1 junk\r\n\r\n", 400, 400),
            ("header without a colon", b"GET /api/v1/invoices HTTP/1.1\r\nBad Header\r\n\r\n",
             400, 400),
            ("URL over 8 KiB", b"GET /api/v1/invoices/%s HTTP/1.1\r\n\r\n" % (b"a" * 9000),
             431, 414),
            ("headers over 8 KiB", b"GET /api/v1/invoices HTTP/1.1\r\nX-Big: %s\r\n\r\n"
             % (b"b" * 9000), 431, 400),
            ("POST without Content-Length", b"POST /api/v1/invoices HTTP/1.1\r\n\r\n",
             411, 401),
        ]
        for what, req, lighttpd, apache in cases:
            st, h, body = raw(req, check=False)
            self.assertEqual(st, lighttpd if HTTPD == "lighttpd" else apache, what)
            self.assertNoVersion(h, body)

    def assertNoVersion(self, h, body):
        if PACKAGE:
            return	# the machine's ServerTokens and ServerSignature
        self.assertIn(h.get("server", "Apache"), ("Apache", ""), h)
        self.assertIsNone(re.search(rb"(lighttpd|Apache)/\d", body), body[:300])

    @unittest.skipIf(PACKAGE, "the machine's Apache: ServerTokens is the operator's "
                     "(README, Errors and unusual input)")
    def test_no_version_in_server_banners(self):
        for path in ("/api/v1/invoices", "/invoice/inv_x", "/pay.css", "/nothing-here",
                     "/api/_httpd_test/dead/x"):
            st, h, body = get(path, check=False)
            self.assertNoVersion(h, body)

    def test_static_files_are_never_sniffed(self):
        for path, ctype in (("/pay.js", "javascript"), ("/pay.css", "text/css"),
                            ("/favicon.svg", "image/svg+xml"),
                            ("/docs/errors.html", "text/html")):
            st, h, body = get(path, check=False)
            self.assertEqual(st, 200, path)
            self.assertIn(ctype, h.get("content-type", ""), path)
            self.assertEqual(h.get("x-content-type-options"), "nosniff", path)
            self.assertEqual(h.get("referrer-policy"), "no-referrer", path)
            self.assertTrue(h.get("content-security-policy", "").startswith("default-src 'none'"),
                            path)
            self.assertIn("frame-ancestors 'none'", h["content-security-policy"], path)

    def test_every_error_page_exists(self):
        """The files the configurations name: each status, both formats."""
        root = os.path.join(os.path.dirname(apicheck.DOC_PATH), "..", "htdocs", "cc-errors")
        doc_codes = apicheck.DOC["components"]["schemas"]["WebServerError"][
            "properties"]["error"]["properties"]["code"]["enum"]
        for st in (400, 404, 405, 408, 411, 413, 414, 431, 500, 502, 503, 504):
            with open(os.path.join(root, "api-%d.html" % st)) as f:
                e = json.load(f)["error"]
            self.assertIn(e["code"], doc_codes, st)
            self.assertEqual(sorted(e), ["code", "documentation_url", "message", "type"], st)
            self.assertEqual(e["documentation_url"], "/docs/errors.html#"
                             + e["code"].lower().replace("_", "-"), st)
            with open(os.path.join(root, "page-%d.html" % st)) as f:
                self.assertIn("Error %d" % st, f.read())


if __name__ == "__main__":
    unittest.main()
