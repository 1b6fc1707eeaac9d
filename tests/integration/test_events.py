"""Server-Sent Events through the web server: live payment events within
a second of their commit, evt_ ids and Last-Event-ID replay, heartbeats,
the end of the stream, the limits (per invoice, per client address, the
whole process) answered at once with Retry-After, slots freed when a
client leaves, a web server connection that never reads dropped, and JSON
errors."""
import http.client
import json
import os
import re
import signal
import socket
import struct
import time
import unittest

import apicheck
import chain
from cc import ENV, PUB, fetch, invoice_body, new_merchant, psql, request
from test_ratelimit import log_text


class Stream:
    """A minimal EventSource: (id, data dict) per event; comments kept.
    The answer, and each event's data, are checked against
    docs/openapi.json."""

    def __init__(self, inv, last_event_id=None, timeout=20, source=None):
        self.conn = http.client.HTTPConnection(PUB.hostname, PUB.port, timeout=timeout)
        h = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            h["Last-Event-ID"] = str(last_event_id)
        if source is not None:
            # The loopback is a trusted proxy: the client is source.
            h["X-Forwarded-For"] = source
        self.target = PUB.path + "/invoice/%s/events" % inv
        self.conn.request("GET", self.target, headers=h)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = {k.lower(): v for k, v in self.resp.getheaders()}
        self.comments = 0
        # An error is a whole JSON answer; a stream is read event by event.
        self._body = None
        if not self.headers.get("content-type", "").startswith("text/event-stream"):
            self._body = self.resp.read()
        apicheck.response("GET", self.target, self.status, self.headers, self._body)

    def body(self):
        return (self._body if self._body is not None else self.resp.read()).decode()

    def next(self):
        """The next event, or None at the end of the stream."""
        ev_id, data = None, []
        while True:
            line = self.resp.readline()
            if not line:
                return None
            line = line.decode().rstrip("\n")
            if line == "":
                if data:
                    apicheck.sse_data(self.target, ev_id, "\n".join(data))
                    return ev_id, json.loads("\n".join(data), parse_float=str, parse_int=str), \
                        time.time()
                continue
            if line.startswith(":"):
                self.comments += 1
            elif line.startswith("id: "):
                ev_id = line[4:]
            elif line.startswith("data: "):
                data.append(line[6:])

    def close(self, abort=True):
        """abort: a reset, as a browser leaving with data unread; else
        a clean close (FIN), which a web server notices only at its next
        write to the client."""
        if abort and self.conn.sock is not None:
            self.conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                      struct.pack("ii", 1, 0))
        self.resp.close()
        self.conn.close()


def created_at(ev_id):
    ts = psql("SELECT extract(epoch FROM created_at) FROM events WHERE id = '%s'" % ev_id)[0]
    return float(ts)


def conf(key):
    """A value of the stack's [events] section."""
    section = None
    with open(ENV["CC_CONF"]) as f:
        lines = f.read().splitlines()
    for line in lines:
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[events]" and line.replace(" ", "").startswith(key + "="):
            return int(line.split("=", 1)[1])
    raise KeyError(key)


def events_socket():
    """The cc-events socket the web server talks to."""
    dirs = [os.path.join(ENV["CC_STACK_DIR"], d) for d in ("run", "www/fcgi")]
    for d in dirs + ["/run/crypto-checkout"]:    # the last: the package's
        # lighttpd names the socket of its first (only) process -0.
        for name in ("cc-events.sock", "cc-events.sock-0"):
            p = os.path.join(d, name)
            if os.path.exists(p):
                return p
    raise FileNotFoundError("cc-events.sock")


def fcgi_record(rtype, body, req=1):
    return struct.pack(">BBHHBB", 1, rtype, req, len(body), 0, 0) + body


def fcgi_pairs(pairs):
    out = b""
    for k, v in pairs.items():
        k, v = k.encode(), v.encode()
        out += bytes([len(k)]) + (bytes([len(v)]) if len(v) < 128
                                  else struct.pack(">I", len(v) | 0x80000000)) + k + v
    return out


class EventsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Events Shop")
        chain.scan()

    def create(self):
        r = request("POST", "invoices", invoice_body(tax=0, payment_tolerance=None,
                                                     items=[{"name": "x", "unit_price": "5.00"}]),
                    key=self.key)
        return r.json()

    def test_live_payment_events(self):
        inv = self.create()
        s = Stream(inv["id"])
        self.assertEqual(s.status, 200)
        self.assertEqual(s.headers["content-type"], "text/event-stream")
        self.assertEqual(s.headers["cache-control"], "no-cache")
        scanner = chain.start_tool("cc-scan", "--network", ENV["CC_USDT_NETWORK"],
                                   "--for", "60", "--poll-ms", "100")
        try:
            time.sleep(0.5)
            chain.pay_token(inv["address"], 5000000)
            ev_id, data, got = s.next()
            self.assertEqual(data["event"], "payment.detected")
            self.assertEqual(data["payment"]["amount"], "5")
            self.assertEqual(data["payment"]["status"], "detected")
            self.assertIn("payment_progress", data)
            # Delivered unbuffered through lighttpd: within a second of
            # the event's commit.
            self.assertLess(got - created_at(ev_id), 1.0)
            chain.mine(1)
            self.assertEqual(s.next()[1]["event"], "payment.confirming")
            chain.mine(1)
            self.assertEqual(s.next()[1]["event"], "payment.confirmed")
            ev_id, data, got = s.next()
            self.assertEqual(data["event"], "invoice.paid")
            self.assertEqual(data["status"], "paid")
            self.assertLess(got - created_at(ev_id), 1.0)
            # The stream ends after the final state.
            self.assertIsNone(s.next())
        finally:
            chain.kill(scanner)
            s.close()

    def test_replay_with_last_event_id(self):
        inv = self.create()
        chain.pay_token(inv["address"], 2000000)
        chain.scan()
        for _ in range(2):
            chain.mine(1)
            chain.scan()
        rows = [r.split("|") for r in psql(
            "SELECT seq, id FROM events WHERE invoice_id = '%s' AND type "
            "LIKE 'payment.%%' ORDER BY seq" % inv["id"]) if r]
        self.assertEqual(len(rows), 3)
        ids = [r[1] for r in rows]
        # The ids are the events' own: nothing counts the platform's events.
        self.assertTrue(all(re.fullmatch(r"evt_[a-z2-7]{26}", i) for i in ids), ids)
        s = Stream(inv["id"], last_event_id=ids[0])
        got = [s.next() for _ in range(2)]
        self.assertEqual([g[0] for g in got], ids[1:])
        self.assertEqual([g[1]["event"] for g in got], ["payment.confirming", "payment.confirmed"])
        s.close()
        # A page open across the upgrade reconnects with the old number.
        s = Stream(inv["id"], last_event_id=rows[1][0])
        self.assertEqual(s.next()[0], ids[2])
        s.close()
        # Another invoice's event id, or one that does not exist: 400.
        other = self.create()
        for bad in (ids[0], "evt_" + "a" * 26):
            s = Stream(other["id"], last_event_id=bad, timeout=10)
            self.assertEqual(s.status, 400, bad)
            e = json.loads(s.body())["error"]
            self.assertEqual((e["code"], e["field"]), ("INVALID_LAST_EVENT_ID", "Last-Event-ID"))

    def test_final_invoice_stream_ends(self):
        inv = self.create()
        request("POST", "invoices/%s/cancel" % inv["id"], {"reason": "secret reason"},
                key=self.key)
        s = Stream(inv["id"])
        self.assertEqual(s.status, 200)
        ev = s.next()
        self.assertEqual(ev[1]["event"], "invoice.cancelled")
        self.assertEqual(ev[1]["status"], "cancelled")
        self.assertNotIn("secret reason", json.dumps(ev[1]))
        self.assertIsNone(s.next())

    def test_heartbeat_and_stream_limit(self):
        inv = self.create()
        streams = [Stream(inv["id"]) for _ in range(10)]
        self.assertEqual([s.status for s in streams], [200] * 10)
        extra = Stream(inv["id"])
        self.assertEqual(extra.status, 429)
        self.assertEqual(extra.headers["retry-after"], "30")
        e = json.loads(extra.body())
        self.assertEqual(e["error"]["code"], "TOO_MANY_STREAMS")
        # A heartbeat comment arrives while nothing happens.
        first = streams[0]
        first.conn.sock.settimeout(10)
        line = first.resp.readline()
        while line.strip() in (b"", b"retry: 3000"):
            line = first.resp.readline()
        self.assertTrue(line.startswith(b":"), line)
        # A client that leaves frees its place: at once under lighttpd
        # when the connection is reset (it then closes the program's
        # connection, which cc-events sees at once); a clean close, and
        # any close under Apache, at the web server's next write (a
        # heartbeat, 2 s here).
        for i, abort in ((0, True), (1, False)):
            streams[i].close(abort=abort)
            fast = abort and ENV.get("CC_HTTPD") != "apache"
            wait = 1.0 if fast else conf("heartbeat") + 1.5
            t0 = time.time()
            while True:
                again = Stream(inv["id"])
                ok = again.status == 200
                if ok:
                    streams[i] = again
                else:
                    again.close()
                if ok or time.time() - t0 > wait:
                    break
                time.sleep(0.1)
            self.assertTrue(ok, "no place %.1f s after client %d left" % (time.time() - t0, i))
        for s in streams:
            s.close()

    def wait_free(self, inv, n):
        """n streams on inv open again once the closed ones are let go:
        at once under lighttpd (the clients reset), at the web server's
        next write under Apache (a heartbeat). Probing earlier would hold
        places itself (Apache lets go of a probe the same way)."""
        time.sleep(2 * conf("heartbeat") + 1)
        again = [Stream(inv["id"]) for _ in range(n)]
        ok = all(a.status == 200 for a in again)
        for a in again:
            a.close()
        return ok

    def test_full_server_answers_503(self):
        """[events] max_streams open: the next stream is answered 503 with
        Retry-After at once, never left hanging."""
        total = conf("max_streams")
        if total > 500:
            self.skipTest("[events] max_streams %d: the test stack sets 40" % total)
        per = conf("max_per_invoice")
        invs = [self.create() for _ in range(total // per + 1)]
        streams = []
        try:
            for i in range(total):
                s = Stream(invs[i // per]["id"])
                streams.append(s)
                self.assertEqual(s.status, 200, i)
            t0 = time.time()
            extra = Stream(invs[-1]["id"], timeout=10)
            self.assertLess(time.time() - t0, 2.0)
            self.assertEqual(extra.status, 503)
            self.assertEqual(extra.headers["retry-after"], "10")
            self.assertEqual(json.loads(extra.body())["error"]["code"], "TOO_MANY_STREAMS")
        finally:
            for s in streams:
                s.close()
        self.assertTrue(self.wait_free(invs[0], per))
        time.sleep(conf("heartbeat") + 1)    # every place back (Apache)

    def test_per_ip_limit(self):
        """One client address holds at most [events] per_ip streams
        (429 with Retry-After); others are not affected."""
        limit = conf("per_ip")
        per = conf("max_per_invoice")
        invs = [self.create() for _ in range(limit // per + 1)]
        streams = []
        try:
            for i in range(limit):
                s = Stream(invs[i // per]["id"], source="198.51.100.61")
                streams.append(s)
                self.assertEqual(s.status, 200, i)
            extra = Stream(invs[-1]["id"], source="198.51.100.61", timeout=10)
            self.assertEqual(extra.status, 429)
            self.assertEqual(extra.headers["retry-after"], "30")
            e = json.loads(extra.body())["error"]
            self.assertEqual((e["type"], e["code"]), ("rate_limit_error", "TOO_MANY_STREAMS"))
            other = Stream(invs[-1]["id"], source="198.51.100.62")
            self.assertEqual(other.status, 200)
            other.close()
        finally:
            for s in streams:
                s.close()

    @unittest.skipIf(ENV.get("CC_BIN") == "/usr/bin",
                     "edits the stack's configuration file, not the package's")
    def test_sighup_reloads_the_limits(self):
        """kill -HUP cc-events: the [events] limits read again, open
        streams kept; a file that does not load changes nothing (and
        the process lives on: SIGHUP used to end it)."""
        from test_httpd import program_pids     # it imports this module
        pids = program_pids("cc-events")
        self.assertEqual(len(pids), 1, pids)
        with open(ENV["CC_CONF"]) as f:
            original = f.read()

        def set_per_ip(n, extra=""):
            text, found = re.subn(r"(?m)^(\[events\][^\[]*?)^per_ip\s*=.*$",
                                  lambda m: m.group(1) + "per_ip = %d" % n, original)
            self.assertEqual(found, 1, "no per_ip in [events]")
            with open(ENV["CC_CONF"], "w") as f:
                f.write(text + extra)
            os.kill(pids[0], signal.SIGHUP)
            time.sleep(1.5)

        def third_from_one_address():
            inv = self.create()
            streams = [Stream(inv["id"], source="198.51.100.71") for _ in range(3)]
            codes = [x.status for x in streams]
            for x in streams:
                x.close()
            time.sleep(0.5)
            return codes

        held = Stream(self.create()["id"])
        try:
            self.assertEqual(held.status, 200)
            set_per_ip(2)
            self.assertEqual(third_from_one_address(), [200, 200, 429])
            # A broken file: the limits it would set do not apply.
            set_per_ip(20, "\n[events]\nbogus = 1\n")
            self.assertEqual(program_pids("cc-events"), pids)
            self.assertEqual(third_from_one_address(), [200, 200, 429])
            self.assertIn("SIGHUP", log_text())
        finally:
            with open(ENV["CC_CONF"], "w") as f:
                f.write(original)
            os.kill(pids[0], signal.SIGHUP)
            time.sleep(1.5)
        self.assertEqual(third_from_one_address(), [200, 200, 200])
        # The stream opened before the reloads is still served: its
        # heartbeats go on.
        t0 = time.time()
        while time.time() - t0 < 10:
            line = held.resp.readline()
            self.assertTrue(line, "the stream ended")
            if line.startswith(b":"):
                break
        else:
            self.fail("no heartbeat")
        held.close()
        self.assertEqual(program_pids("cc-events"), pids)

    def test_non_reading_reader_dropped(self):
        """A connection that never reads its stream is dropped once its
        queue passes the limit; it does not hold its place forever. The
        FastCGI socket is spoken to directly: a web server in between
        would buffer for the client."""
        inv = self.create()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(events_socket())
        sock.sendall(fcgi_record(1, struct.pack(">HB5x", 1, 0))
                     + fcgi_record(4, fcgi_pairs({
                         "REQUEST_METHOD": "GET", "REMOTE_ADDR": "127.0.0.1",
                         "REQUEST_URI": "/api/v1/public/invoice/%s/events" % inv["id"]}))
                     + fcgi_record(4, b"") + fcgi_record(5, b""))
        time.sleep(1)
        # 4000 events (each message ~100 bytes) for the invoice at once:
        # far more than the kernel's buffers and the stream's 256 KiB.
        psql("INSERT INTO events (id, invoice_id, merchant_id, type, data) "
             "SELECT 'evt_' || substr(md5(random()::text || g), 1, 26), id, merchant_id, "
             "'payment.detected', '{\"payment\":{\"amount\":\"1\"}}' "
             "FROM invoices, generate_series(1, 4000) g WHERE id = '%s';"
             "SELECT pg_notify('cc_events', '0')" % inv["id"])
        # Reading would relieve it: wait for cc-events' log line first.
        want = "dropped a stream of %s" % inv["id"]
        deadline = time.time() + 90
        while want not in log_text() and time.time() < deadline:
            time.sleep(0.5)
        self.assertIn(want, log_text())
        sock.settimeout(10)
        got, closed = 0, False
        while True:
            try:
                b = sock.recv(65536)
            except socket.timeout:
                break
            if not b:
                closed = True
                break
            got += b.count(b"event")
        sock.close()
        self.assertTrue(closed, "the stream was not dropped")
        self.assertLess(got, 4000)

    def test_abort_request(self):
        """FCGI_ABORT_REQUEST from the web server ends the stream and frees
        its place at once."""
        inv = self.create()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(10)
        sock.connect(events_socket())
        sock.sendall(fcgi_record(1, struct.pack(">HB5x", 1, 0))
                     + fcgi_record(4, fcgi_pairs({
                         "REQUEST_METHOD": "GET", "REMOTE_ADDR": "127.0.0.1",
                         "REQUEST_URI": "/api/v1/public/invoice/%s/events" % inv["id"]}))
                     + fcgi_record(4, b"") + fcgi_record(5, b""))
        head = b""
        while b"retry: 3000" not in head:
            b = sock.recv(4096)
            self.assertTrue(b, head)
            head += b
        self.assertIn(b"Status: 200", head)
        t0 = time.time()
        sock.sendall(fcgi_record(2, b""))
        while sock.recv(4096):
            pass
        self.assertLess(time.time() - t0, 1.0)
        sock.close()

    def test_quick_refusals_never_the_web_servers_503(self):
        """cc-events answers a refusal at once; it used to close before
        the web server had written the request's empty STDIN, and Apache
        then answered 503 (EPIPE) to about one in seven."""
        seen = {}
        for _ in range(150):
            st, _, body = fetch(PUB, "GET", PUB.path + "/invoice/bad/events", timeout=10)
            seen[st] = seen.get(st, 0) + 1
        self.assertEqual(seen, {404: 150})

    def test_errors(self):
        for path, status in (("/invoice/bad/events", 404),
                             ("/invoice/inv_%s/events" % ("a" * 26), 404)):
            st, _, body = fetch(PUB, "GET", PUB.path + path, timeout=10)
            self.assertEqual(st, status, path)
            self.assertIn("error", json.loads(body))
        inv = self.create()
        st, _, _ = fetch(PUB, "POST", PUB.path + "/invoice/%s/events" % inv["id"], timeout=10)
        self.assertEqual(st, 405)
        for bad in ("abc", "-1", "evt_short", "1" * 30):
            st, _, body = fetch(PUB, "GET", PUB.path + "/invoice/%s/events" % inv["id"],
                                headers={"Last-Event-ID": bad}, timeout=10)
            self.assertEqual(st, 400, bad)
            self.assertEqual(json.loads(body)["error"]["field"], "Last-Event-ID")
