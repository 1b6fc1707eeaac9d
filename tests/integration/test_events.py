"""Server-Sent Events through lighttpd: live payment events within a
second of their commit, Last-Event-ID replay, heartbeats, the end of the
stream, the per-invoice limit, and JSON errors."""
import http.client
import json
import time
import unittest

import apicheck
import chain
from cc import ENV, PUB, fetch, invoice_body, new_merchant, psql, request


class Stream:
    """A minimal EventSource: (id, data dict) per event; comments kept.
    The answer, and each event's data, are checked against
    docs/openapi.json."""

    def __init__(self, inv, last_event_id=None, timeout=20):
        self.conn = http.client.HTTPConnection(PUB.hostname, PUB.port, timeout=timeout)
        h = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            h["Last-Event-ID"] = str(last_event_id)
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
                ev_id = int(line[4:])
            elif line.startswith("data: "):
                data.append(line[6:])

    def close(self):
        self.conn.close()


def created_at(seq):
    ts = psql("SELECT extract(epoch FROM created_at) FROM events WHERE seq = %d" % seq)[0]
    return float(ts)


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
        seqs = [int(x) for x in psql("SELECT seq FROM events WHERE invoice_id = '%s' AND type "
                                     "LIKE 'payment.%%' ORDER BY seq" % inv["id"])]
        self.assertEqual(len(seqs), 3)
        s = Stream(inv["id"], last_event_id=seqs[0])
        got = [s.next() for _ in range(2)]
        self.assertEqual([g[0] for g in got], seqs[1:])
        self.assertEqual([g[1]["event"] for g in got], ["payment.confirming", "payment.confirmed"])
        s.close()

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
        e = json.loads(extra.body())
        self.assertEqual(e["error"]["code"], "TOO_MANY_STREAMS")
        # A heartbeat comment arrives while nothing happens.
        first = streams[0]
        first.conn.sock.settimeout(10)
        line = first.resp.readline()
        while line.strip() in (b"", b"retry: 3000"):
            line = first.resp.readline()
        self.assertTrue(line.startswith(b":"), line)
        # Clients that leave free their places (noticed at the next
        # heartbeat).
        for s in streams:
            s.close()
        deadline = time.time() + 15
        while time.time() < deadline:
            again = Stream(inv["id"])
            ok = again.status == 200
            again.close()
            if ok:
                break
            time.sleep(0.5)
        self.assertTrue(ok)

    def test_full_server_answers_503(self):
        """A stream holds a thread; with every thread but one streaming,
        the last one answers 503 instead of leaving clients hanging."""
        threads = int([l.split("=")[1] for l in open(ENV["CC_CONF"])
                       if l.replace(" ", "").startswith("threads=")][1])
        invs = [self.create() for _ in range((threads - 1) // 8 + 1)]
        streams = []
        try:
            for i in range(threads - 1):
                s = Stream(invs[i // 8]["id"])
                streams.append(s)
                self.assertEqual(s.status, 200, i)
            extra = Stream(invs[-1]["id"], timeout=10)
            self.assertEqual(extra.status, 503)
            self.assertEqual(extra.headers["retry-after"], "10")
            self.assertEqual(json.loads(extra.body())["error"]["code"], "TOO_MANY_STREAMS")
        finally:
            for s in streams:
                s.close()
        # Every place comes back once the heartbeat notices the clients
        # left (2 s in the test stack).
        deadline = time.time() + 15
        while time.time() < deadline:
            again = [Stream(inv["id"]) for inv in invs for _ in range(3)]
            ok = all(a.status == 200 for a in again)
            for a in again:
                a.close()
            if ok:
                break
            time.sleep(1)
        self.assertTrue(ok)
        time.sleep(5)           # and those probes' places too

    def test_errors(self):
        for path, status in (("/invoice/bad/events", 400),
                             ("/invoice/inv_%s/events" % ("a" * 26), 404)):
            st, _, body = fetch(PUB, "GET", PUB.path + path, timeout=10)
            self.assertEqual(st, status, path)
            self.assertIn("error", json.loads(body))
        inv = self.create()
        st, _, _ = fetch(PUB, "POST", PUB.path + "/invoice/%s/events" % inv["id"], timeout=10)
        self.assertEqual(st, 405)
        st, _, _ = fetch(PUB, "GET", PUB.path + "/invoice/%s/events" % inv["id"],
                         headers={"Last-Event-ID": "abc"}, timeout=10)
        self.assertEqual(st, 400)
