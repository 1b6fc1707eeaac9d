"""Webhook delivery by cc-webhooks to real local receivers: signatures,
retries with backoff, timeouts, refused connections, parallel workers, a
worker killed mid-batch, and the SSRF rule at send time.

Receivers listen on 127.0.0.1, the one non-public address the test stack's
operator permits ([webhooks] allowed_ips); endpoints reach it by listing it
in their own allowed_ips. 127.0.0.3 is a loopback address it does not
permit."""
import hashlib
import hmac
import http.server
import json
import os
import socket
import subprocess
import threading
import time
import unittest

import apicheck
import chain
from cc import ENV, admin, invoice_body, new_merchant, psql, request

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "..", "examples")
VERIFY = os.path.join(EXAMPLES, "verify_webhook.sh")
# The signature checks of examples/ (and docs/API.md), each run the same
# way: COMMAND SECRET TIMESTAMP SIGNATURE BODY_FILE.
VERIFIERS = ([VERIFY], ["python3", os.path.join(EXAMPLES, "verify_webhook.py")],
             ["node", os.path.join(EXAMPLES, "verify_webhook.mjs")])


class Receiver:
    """An HTTP server on a free port that records every POST and answers
    from a script: an int (status), ("sleep", seconds, status),
    ("redirect", url) or ("big", status); then `default`. Each delivery
    is checked against the webhooks of docs/openapi.json (a mismatch
    fails the test running when it arrives)."""

    def __init__(self, script=(), default=200, host="127.0.0.1"):
        self.requests = []
        self.active = 0
        self.max_active = 0
        self.script = list(script)
        self.default = default
        self.lock = threading.Lock()
        rec = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                apicheck.webhook(dict(self.headers), body)
                with rec.lock:
                    rec.requests.append((time.time(), dict(self.headers), body))
                    action = rec.script.pop(0) if rec.script else rec.default
                    rec.active += 1
                    rec.max_active = max(rec.max_active, rec.active)
                try:
                    self.answer(action)
                finally:
                    with rec.lock:
                        rec.active -= 1

            def answer(self, action):
                if isinstance(action, tuple) and action[0] == "sleep":
                    time.sleep(action[1])
                    action = action[2]
                if isinstance(action, tuple) and action[0] == "redirect":
                    self.send_response(302)
                    self.send_header("Location", action[1])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                payload = b"ok"
                if isinstance(action, tuple) and action[0] == "big":
                    payload = b"x" * (1 << 20)
                    action = action[1]
                try:
                    self.send_response(action)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        # cc-webhooks hangs up on purpose (capped reads, timeouts).
        self.server.handle_error = lambda request, address: None
        self.port = self.server.server_address[1]
        self.url = "http://%s:%d/hook" % (host, self.port)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bodies(self):
        with self.lock:
            return [json.loads(b) for _, _, b in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(pred, timeout=30, step=0.1):
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def signature(secret, ts, body):
    mac = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookTest(unittest.TestCase):
    def setUp(self):
        self.merchant, self.key = new_merchant("Webhook Shop")
        self.receivers = []
        self.workers = []
        # Other suites leave deliveries to hosts that do not exist here
        # (merchant.com); they would only share the worker's time.
        psql("UPDATE webhook_deliveries SET status = 'cancelled', "
             "last_error = 'test isolation' WHERE status = 'pending'")

    def tearDown(self):
        for w in self.workers:
            if w.poll() is None:
                chain.kill(w)
        for r in self.receivers:
            r.close()

    def receiver(self, *a, **kw):
        r = Receiver(*a, **kw)
        self.receivers.append(r)
        return r

    def endpoint(self, url, events=("invoice.created",), **kw):
        body = {"url": url, "events": list(events), "allowed_ips": ["127.0.0.1"]}
        body.update(kw)
        r = request("POST", "webhook-endpoints", body, key=self.key)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def invoice(self, **kw):
        kw.setdefault("webhook_url", None)
        body = invoice_body(**kw)
        if body["webhook_url"] is None:
            del body["webhook_url"]
        r = request("POST", "invoices", body, key=self.key)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def work(self, seconds):
        p = chain.start_tool("cc-webhooks", "--for", str(seconds))
        self.workers.append(p)
        return p

    def deliveries(self, inv):
        """The view's deliveries, numbers as ints (cc.request keeps their
        text)."""
        out = json.loads(request("GET", "invoices/" + inv["id"], key=self.key).body)
        return out["webhook_deliveries"]

    def settled(self, inv, n=1):
        """The invoice's deliveries once n of them are no longer pending."""
        def done():
            d = self.deliveries(inv)
            return d if sum(x["status"] != "pending" for x in d) >= n else None
        return wait_for(done, timeout=40)

    def test_delivery_signature_and_payload(self):
        rec = self.receiver()
        ep = self.endpoint(rec.url)
        inv = self.invoice()
        chain.tool("cc-webhooks", "--for", "0")
        self.assertEqual(len(rec.requests), 1)
        _, headers, raw = rec.requests[0]
        ts = headers["X-Crypto-Checkout-Timestamp"]
        self.assertLessEqual(abs(int(ts) - time.time()), 60)
        self.assertEqual(headers["X-Crypto-Checkout-Signature"],
                         signature(ep["secret"], ts, raw))
        self.assertEqual(headers["X-Crypto-Checkout-Webhook-Id"], ep["id"])
        self.assertEqual(headers["X-Crypto-Checkout-Event"], "invoice.created")
        self.assertEqual(headers["Content-Type"], "application/json")
        body = json.loads(raw)
        self.assertEqual(list(body), ["id", "event", "api_version", "created_at", "data"])
        self.assertTrue(body["id"].startswith("evt_"))
        self.assertEqual(body["event"], "invoice.created")
        self.assertEqual(body["api_version"], "v1")
        data = body["data"]
        self.assertEqual(data["invoice_id"], inv["id"])
        self.assertEqual(data["status"], "created")
        self.assertEqual(data["currency"], "USD")
        self.assertEqual(data["crypto_currency"], "USDT")
        self.assertEqual(data["metadata"]["order_id"], "ord_789")
        # Amounts keep their exact decimal text.
        self.assertIn(b'"total_amount": 16.49', raw)
        # The README's openssl recipe and the examples of docs/API.md
        # accept it, and refuse another secret, an old timestamp and a
        # changed body.
        path = os.path.join(ENV["CC_STACK_DIR"], "webhook-body.json")
        sig = headers["X-Crypto-Checkout-Signature"]
        old = str(int(ts) - 301)
        for cmd in VERIFIERS:
            with open(path, "wb") as f:
                f.write(raw)
            ok = subprocess.run(cmd + [ep["secret"], ts, sig, path], capture_output=True)
            self.assertEqual(ok.returncode, 0, (cmd, ok.stderr))
            bad = subprocess.run(cmd + [ep["secret"] + "x", ts, sig, path],
                                 capture_output=True)
            self.assertEqual(bad.returncode, 1, cmd)
            stale = subprocess.run(cmd + [ep["secret"], old, signature(ep["secret"], old, raw),
                                          path], capture_output=True)
            self.assertEqual(stale.returncode, 1, cmd)
            if cmd == [VERIFY]:
                self.assertIn(b"five minutes", stale.stderr)
            with open(path, "ab") as f:
                f.write(b" ")
            changed = subprocess.run(cmd + [ep["secret"], ts, sig, path], capture_output=True)
            self.assertEqual(changed.returncode, 1, cmd)
        # The merchant view shows the delivery and its attempt.
        d = self.deliveries(inv)
        self.assertEqual(len(d), 1)
        self.assertEqual(d[0]["status"], "delivered")
        self.assertEqual(d[0]["attempts"], 1)
        self.assertEqual(d[0]["response_code"], 200)
        self.assertEqual(d[0]["event"], "invoice.created")
        self.assertEqual(d[0]["event_id"], body["id"])
        self.assertEqual(d[0]["url"], rec.url)
        self.assertIsNotNone(d[0]["delivered_at"])
        log = d[0]["attempt_log"]
        self.assertEqual(len(log), 1)
        self.assertEqual(log[0]["response_code"], 200)
        self.assertIsNone(log[0]["error"])
        self.assertGreaterEqual(log[0]["latency_ms"], 0)
        # Nothing more to send.
        chain.tool("cc-webhooks", "--for", "0")
        self.assertEqual(len(rec.requests), 1)

    def test_retries_until_delivered_on_attempt_3(self):
        rec = self.receiver(script=[500, 500, 200])
        ep = self.endpoint(rec.url, max_retries=3, retry_backoff="exponential")
        inv = self.invoice()
        w = self.work(15)
        d = self.settled(inv)
        self.assertEqual(d[0]["status"], "delivered", d)
        self.assertEqual(d[0]["attempts"], 3)
        self.assertEqual([a["response_code"] for a in d[0]["attempt_log"]], [500, 500, 200])
        self.assertEqual(d[0]["attempt_log"][0]["error"], "HTTP 500")
        # One event id on every attempt, each freshly signed.
        bodies = rec.bodies()
        self.assertEqual(len(bodies), 3)
        self.assertEqual(len({b["id"] for b in bodies}), 1)
        for t, headers, raw in rec.requests:
            self.assertEqual(headers["X-Crypto-Checkout-Signature"],
                             signature(ep["secret"], headers["X-Crypto-Checkout-Timestamp"],
                                       raw))
        # Exponential with a one-second step and +-20% jitter: about 1 s,
        # then about 2 s.
        gaps = [rec.requests[i + 1][0] - rec.requests[i][0] for i in range(2)]
        self.assertGreaterEqual(gaps[0], 0.7, gaps)
        self.assertGreaterEqual(gaps[1], 1.5, gaps)
        self.assertGreater(gaps[1], gaps[0] * 1.2, gaps)
        chain.kill(w)

    def test_timeout_fails_and_slow_endpoint_delays_no_other(self):
        slow = self.receiver(default=("sleep", 4, 200))
        fast = self.receiver()
        self.endpoint(slow.url, timeout=1, max_retries=0)
        self.endpoint(fast.url)
        inv = self.invoice()
        w = self.work(8)
        d = self.settled(inv, n=2)
        by_url = {x["url"]: x for x in d}
        s, f = by_url[slow.url], by_url[fast.url]
        self.assertEqual(s["status"], "failed")
        self.assertEqual(s["attempts"], 1)
        self.assertIsNone(s["attempt_log"][0]["response_code"])
        self.assertIn("timed out", s["attempt_log"][0]["error"])
        self.assertGreaterEqual(s["attempt_log"][0]["latency_ms"], 900)
        self.assertLess(s["attempt_log"][0]["latency_ms"], 3900)
        self.assertEqual(f["status"], "delivered")
        # The fast one was recorded before the slow one gave up.
        self.assertLess(f["attempt_log"][0]["latency_ms"], 900)
        self.assertLessEqual(f["delivered_at"], s["failed_at"])
        out, err = chain.kill(w)

    def test_hanging_backlog_takes_only_per_endpoint_slots(self):
        """An endpoint that hangs with a backlog holds at most [webhooks]
        per_endpoint (4 in the test stack) requests; another endpoint's
        delivery goes out meanwhile."""
        slow = self.receiver(default=("sleep", 3, 200))
        fast = self.receiver()
        self.endpoint(slow.url, timeout=2, max_retries=0)
        backlog = [self.invoice() for _ in range(12)]
        w = self.work(20)
        wait_for(lambda: len(slow.requests) >= 4, timeout=10)
        self.endpoint(fast.url)
        inv = self.invoice()
        self.assertTrue(wait_for(lambda: len(fast.requests) >= 1, timeout=10))
        # While the backlog was still being worked through.
        self.assertLess(len(slow.requests), 12)
        self.assertTrue(wait_for(lambda: len(slow.requests) >= 12, timeout=30))
        # Requests in flight at once, from the attempt log (the receiver
        # keeps sleeping after cc-webhooks gave up on a request).
        def spans():
            return psql("SELECT extract(epoch FROM t.started_at) * 1000, t.latency_ms "
                        "FROM webhook_attempts t JOIN webhook_deliveries d "
                        "ON d.id = t.delivery_id JOIN webhook_endpoints e "
                        "ON e.id = d.endpoint_id WHERE e.url = '%s'" % slow.url)
        spans = wait_for(lambda: len(spans()) >= 13 and spans(), timeout=20)
        edges = []
        for row in spans:
            start, lat = row.split("|")
            edges += [(float(start), 1), (float(start) + int(lat), -1)]
        level = peak = 0
        for _, step in sorted(edges, key=lambda e: (e[0], e[1])):
            level += step
            peak = max(peak, level)
        self.assertEqual(len(spans), 13)
        self.assertLessEqual(peak, 4)
        d = [x for x in self.deliveries(inv) if x["url"] == fast.url]
        self.assertEqual(d[0]["status"], "delivered")
        chain.kill(w)

    def test_refused_connection_fails_after_max_retries(self):
        url = "http://127.0.0.1:%d/hook" % closed_port()
        self.endpoint(url, max_retries=2, retry_backoff="linear")
        inv = self.invoice()
        w = self.work(12)
        d = wait_for(lambda: [x for x in self.deliveries(inv) if x["status"] == "failed"],
                     timeout=40)
        self.assertTrue(d, self.deliveries(inv))
        self.assertEqual(d[0]["attempts"], 3)
        self.assertEqual(len(d[0]["attempt_log"]), 3)
        for a in d[0]["attempt_log"]:
            self.assertIsNone(a["response_code"])
            self.assertIn("connect", a["error"].lower())
        self.assertIsNotNone(d[0]["failed_at"])
        out, err = chain.kill(w, sig=15)
        self.assertIn("failed after 3 attempts", err)
        # Failed is final: a later run sends nothing.
        chain.tool("cc-webhooks", "--for", "0")
        self.assertEqual(len(self.deliveries(inv)[0]["attempt_log"]), 3)

    def test_admin_sees_and_retries_a_failed_delivery(self):
        rec = self.receiver(script=[503])
        ep = self.endpoint(rec.url, max_retries=0)
        inv = self.invoice()
        chain.tool("cc-webhooks", "--for", "0")
        d = self.deliveries(inv)[0]
        self.assertEqual(d["status"], "failed")
        listed = admin("webhook", "deliveries", "--merchant", self.merchant,
                       "--status", "failed")
        self.assertEqual([x["id"] for x in listed], [d["id"]])
        self.assertEqual(listed[0]["last_error"], "HTTP 503")
        eps = admin("webhook", "endpoints", "--merchant", self.merchant)
        self.assertEqual([(x["id"], x["events"]) for x in eps], [(ep["id"], ["invoice.created"])])
        self.assertNotIn("secret", json.dumps(eps))
        summary = admin("webhook", "summary")
        self.assertGreaterEqual(summary["failed_24h"], 1)
        # Delivered ones are not sent again; a failed one is, once.
        self.assertEqual(admin("webhook", "retry", d["id"]), {"id": d["id"], "status": "pending"})
        again = admin("webhook", "retry", d["id"], check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn("is pending", again.stderr)
        chain.tool("cc-webhooks", "--for", "0")
        d = self.deliveries(inv)[0]
        self.assertEqual(d["status"], "delivered")
        self.assertEqual([a["response_code"] for a in d["attempt_log"]], [503, 200])
        done = admin("webhook", "retry", d["id"], check=False)
        self.assertIn("only failed or cancelled", done.stderr)
        self.assertEqual(psql("SELECT count(*) FROM audit_log WHERE merchant_id = '%s' "
                              "AND event = 'webhook_delivery.retried'" % self.merchant), ["1"])

    def test_two_workers_never_send_a_delivery_twice(self):
        rec = self.receiver(default=("sleep", 0.05, 200))
        self.endpoint(rec.url)
        before = [self.invoice() for _ in range(15)]
        a, b = self.work(6), self.work(6)
        after = [self.invoice() for _ in range(15)]
        want = {i["id"] for i in before + after}
        wait_for(lambda: {x["data"]["invoice_id"] for x in rec.bodies()} >= want,
                 timeout=30)
        # Received is not yet recorded: wait for the workers to write it.
        rows = wait_for(lambda: psql(
            "SELECT count(*), sum(attempts) FROM webhook_deliveries "
            "WHERE merchant_id = '%s' AND status = 'delivered'" % self.merchant) == ["30|30"],
            timeout=10)
        chain.kill(a, sig=15)
        chain.kill(b, sig=15)
        ids = [x["id"] for x in rec.bodies()]
        self.assertEqual(len(ids), 30)
        self.assertEqual(len(set(ids)), 30)
        self.assertTrue(rows, psql("SELECT status, attempts, count(*) FROM webhook_deliveries "
                                   "WHERE merchant_id = '%s' GROUP BY 1, 2" % self.merchant))

    def test_killed_mid_batch_loses_nothing(self):
        # Four: the test stack's [webhooks] per_endpoint, all in flight.
        rec = self.receiver(script=[("sleep", 3, 200)] * 4)
        self.endpoint(rec.url, timeout=2)
        invs = [self.invoice() for _ in range(4)]
        w = self.work(30)
        self.assertTrue(wait_for(lambda: len(rec.requests) >= 4, timeout=20))
        chain.kill(w)
        pending = psql("SELECT count(*), count(*) FILTER (WHERE attempts = 1) "
                       "FROM webhook_deliveries WHERE merchant_id = '%s' "
                       "AND status = 'pending'" % self.merchant)
        self.assertEqual(pending, ["4|4"])
        # The next run picks them up once the dead worker's lease (timeout
        # + 15 s) ends, and records every one.
        w = self.work(30)
        ok = wait_for(lambda: all(self.deliveries(i)[0]["status"] == "delivered"
                                  for i in invs), timeout=40, step=0.5)
        self.assertTrue(ok, [self.deliveries(i) for i in invs])
        sent = {x["data"]["invoice_id"] for x in rec.bodies()}
        self.assertEqual(sent, {i["id"] for i in invs})
        for i in invs:
            d = self.deliveries(i)[0]
            self.assertEqual(d["attempts"], 2)
            self.assertEqual(len(d["attempt_log"]), 1)
        chain.kill(w)

    def test_send_time_ssrf_refusal(self):
        """An address that became private after the endpoint was saved
        (DNS rebinding, simulated by writing the URL directly) is refused
        when sending, both as a literal and through a name."""
        rec = self.receiver()
        ep = self.endpoint(rec.url, max_retries=0)
        for url in (rec.url, "http://localhost:%d/hook" % rec.port):
            psql("UPDATE webhook_endpoints SET url = '%s', allowed_ips = '{}' "
                 "WHERE id = '%s'" % (url, ep["id"]))
            inv = self.invoice()
            chain.tool("cc-webhooks", "--for", "0")
            d = self.deliveries(inv)
            self.assertEqual(d[0]["status"], "failed", d)
            err = d[0]["attempt_log"][0]["error"]
            self.assertIn("loopback", err)
            self.assertTrue(err.startswith("refused:"), err)
        self.assertEqual(rec.requests, [])
        # An invoice's own webhook_url naming localhost (refused when the
        # invoice is created; stored anyway): refused here.
        inv = self.invoice(webhook_url=rec.url)
        psql("UPDATE webhook_deliveries SET url = 'http://localhost:%d/inv' "
             "WHERE invoice_id = '%s' AND endpoint_id IS NULL" % (rec.port, inv["id"]))
        chain.tool("cc-webhooks", "--for", "0")
        d = [x for x in self.deliveries(inv) if x["endpoint_id"] is None]
        self.assertIn("loopback", d[0]["attempt_log"][0]["error"])
        self.assertEqual(rec.requests, [])
        # An allow list that does not cover the address refuses it too.
        psql("UPDATE webhook_endpoints SET url = '%s', allowed_ips = '{10.0.0.0/8}' "
             "WHERE id = '%s'" % (rec.url, ep["id"]))
        inv = self.invoice()
        chain.tool("cc-webhooks", "--for", "0")
        d = self.deliveries(inv)
        self.assertIn("loopback address and allowed_ips does not cover it",
                      d[0]["attempt_log"][0]["error"])
        self.assertEqual(rec.requests, [])

    def test_operator_permitted_loopback_needs_the_endpoint_too(self):
        """127.0.0.1 is permitted by the operator: reached by an endpoint
        that lists it, refused at connect for one whose allowed_ips is
        empty (stored directly: the API refuses it at save)."""
        rec = self.receiver()
        listed = self.endpoint(rec.url, max_retries=0)
        bare = self.endpoint("http://127.0.0.1:%d/bare" % rec.port, max_retries=0)
        psql("UPDATE webhook_endpoints SET allowed_ips = '{}' WHERE id = '%s'" % bare["id"])
        inv = self.invoice()
        chain.tool("cc-webhooks", "--for", "0")
        by_ep = {x["endpoint_id"]: x for x in self.deliveries(inv)}
        self.assertEqual(by_ep[listed["id"]]["status"], "delivered")
        err = by_ep[bare["id"]]["attempt_log"][0]["error"]
        self.assertEqual(by_ep[bare["id"]]["status"], "failed")
        self.assertTrue(err.startswith("refused: 127.0.0.1 is a loopback address"), err)
        self.assertEqual(len(rec.requests), 1)

    def test_unpermitted_loopback_refused_at_save_and_connect(self):
        """A receiver on 127.0.0.3, which the operator does not permit:
        refused at save even when allowed_ips lists it, and refused at
        connect when the endpoint, or an invoice's delivery, was stored
        pointing there anyway. Writing the rows directly stands for what
        DNS rebinding or an operator narrowing [webhooks] allowed_ips
        after the save would leave behind."""
        rec = self.receiver(host="127.0.0.3")
        r = request("POST", "webhook-endpoints", {"url": rec.url, "events": ["invoice.created"],
                    "allowed_ips": ["127.0.0.3"]}, key=self.key)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["error"]["code"], "IP_NOT_ALLOWED")
        self.assertEqual(r.json()["error"]["field"], "allowed_ips")
        r = request("POST", "invoices", invoice_body(webhook_url=rec.url), key=self.key)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["error"]["field"], "webhook_url")
        # Stored anyway: an endpoint listing it, one listing all of
        # 127/8, and an invoice's own URL.
        ep = self.endpoint("http://127.0.0.1:%d/x" % closed_port(), max_retries=0)
        wide = self.endpoint("http://127.0.0.1:%d/x" % closed_port(), max_retries=0)
        psql("UPDATE webhook_endpoints SET url = '%s', allowed_ips = '{127.0.0.3}' "
             "WHERE id = '%s'" % (rec.url, ep["id"]))
        psql("UPDATE webhook_endpoints SET url = '%s', allowed_ips = '{127.0.0.0/8}' "
             "WHERE id = '%s'" % (rec.url, wide["id"]))
        inv = self.invoice(webhook_url="http://127.0.0.1:%d/inv" % closed_port())
        psql("UPDATE webhook_deliveries SET url = '%s' WHERE invoice_id = '%s' "
             "AND endpoint_id IS NULL" % (rec.url, inv["id"]))
        chain.tool("cc-webhooks", "--for", "0")
        d = self.deliveries(inv)
        self.assertEqual(len(d), 3, d)
        for x in d:
            # Endpoints were made with max_retries 0; the invoice's URL
            # has the stack's 3 retries left.
            self.assertEqual(x["status"], "failed" if x["endpoint_id"] else "pending", x)
            err = x["attempt_log"][0]["error"]
            self.assertTrue(err.startswith("refused: 127.0.0.3 is a loopback address"), err)
        self.assertEqual(rec.requests, [])

    def test_redirect_not_followed_and_large_response_capped(self):
        target = self.receiver()
        redir = self.receiver(default=("redirect", target.url))
        big = self.receiver(default=("big", 200))
        self.endpoint(redir.url, max_retries=0)
        self.endpoint(big.url, max_retries=0)
        inv = self.invoice()
        chain.tool("cc-webhooks", "--for", "0")
        by_url = {x["url"]: x for x in self.deliveries(inv)}
        self.assertEqual(by_url[redir.url]["status"], "failed")
        self.assertEqual(by_url[redir.url]["response_code"], 302)
        self.assertIn("redirects are not followed",
                      by_url[redir.url]["attempt_log"][0]["error"])
        self.assertEqual(target.requests, [])
        self.assertEqual(by_url[big.url]["status"], "delivered")

    def test_worker_is_clean_under_valgrind(self):
        """Every path of a request (delivered, HTTP error, refused
        connection, SSRF refusal, redirect, capped body, retry scheduled)
        in one run under valgrind: no memory error, no leak."""
        ok, err500 = self.receiver(), self.receiver(default=500)
        redir = self.receiver(default=("redirect", ok.url))
        big = self.receiver(default=("big", 200))
        eps = [self.endpoint(ok.url), self.endpoint(err500.url),
               self.endpoint(redir.url), self.endpoint(big.url),
               self.endpoint("http://127.0.0.1:%d/" % closed_port())]
        ssrf = self.endpoint(ok.url, max_retries=0)
        psql("UPDATE webhook_endpoints SET url = 'http://localhost:%d/', "
             "allowed_ips = '{}' WHERE id = '%s'" % (ok.port, ssrf["id"]))
        inv = self.invoice()
        cmd = [os.path.join(ENV["CC_BIN"], "cc-webhooks"), "--config", ENV["CC_CONF"],
               "--for", "3"]
        # A sanitizer build cannot run under valgrind: its own reports
        # (./dev.sh test --sanitize) watch the same run.
        if ENV.get("CC_SANITIZE") != "1":
            cmd = ["valgrind", "-q", "--leak-check=full", "--show-leak-kinds=definite,indirect",
                   "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=9"] + cmd
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr[-3000:])
        d = self.deliveries(inv)
        self.assertEqual(len(d), len(eps) + 1)
        self.assertTrue(all(x["attempts"] >= 1 for x in d), d)
        self.assertEqual(len(ok.requests), 1)   # the SSRF one never arrived

    def test_invoice_webhook_url_signed_with_invoice_secret(self):
        # 127.0.0.1 is the test stack's [webhooks] allowed_ips, and the
        # invoice names it literally.
        rec = self.receiver()
        r = request("POST", "invoice-webhook-secret/rotate", {}, key=self.key)
        self.assertEqual(r.status, 200, r)
        secret = r.json()["secret"]
        inv = self.invoice(webhook_url=rec.url)
        request("POST", "invoices/%s/cancel" % inv["id"], {"reason": "test"}, key=self.key)
        chain.tool("cc-webhooks", "--for", "0")
        events = sorted(b["event"] for b in rec.bodies())
        self.assertEqual(events, ["invoice.cancelled", "invoice.created"])
        for _, headers, raw in rec.requests:
            self.assertEqual(headers["X-Crypto-Checkout-Webhook-Id"], r.json()["id"])
            self.assertEqual(headers["X-Crypto-Checkout-Signature"],
                             signature(secret, headers["X-Crypto-Checkout-Timestamp"], raw))
        cancelled = [b for b in rec.bodies() if b["event"] == "invoice.cancelled"][0]
        self.assertEqual(cancelled["data"]["reason"], "test")

    def test_paid_invoice_payload(self):
        rec = self.receiver()
        self.endpoint(rec.url, events=["invoice.paid", "payment.detected"])
        inv = self.invoice()
        tx = chain.pay_token(inv["address"], 16490000)
        chain.scan()
        for _ in range(2):
            chain.mine(1)
            chain.scan()
        chain.tool("cc-webhooks", "--for", "0")
        bodies = {b["event"]: b for b in rec.bodies()}
        self.assertEqual(sorted(bodies), ["invoice.paid", "payment.detected"])
        paid = bodies["invoice.paid"]["data"]
        self.assertEqual(paid["invoice_id"], inv["id"])
        self.assertEqual(paid["status"], "paid")
        self.assertEqual(paid["tx_hash"], tx["transactionHash"])
        self.assertTrue(paid["payment_id"].startswith("pay_"))
        self.assertEqual(paid["confirmations"], 3)
        self.assertEqual(paid["metadata"]["order_id"], "ord_789")
        self.assertIsNotNone(paid["paid_at"])
        raw = [b for _, _, b in rec.requests if b"invoice.paid" in b][0]
        self.assertIn(b'"total_amount": 16.49', raw)
        self.assertIn(b'"total_received": 16.49', raw)
        detected = bodies["payment.detected"]["data"]
        self.assertEqual(detected["payment"]["tx_hash"], tx["transactionHash"])
        # The spec's flat fields on payment events too.
        self.assertEqual(detected["tx_hash"], tx["transactionHash"])
        self.assertEqual(detected["payment_id"], detected["payment"]["id"])
        self.assertEqual(detected["confirmations"], 1)
        self.assertEqual(detected["invoice_id"], inv["id"])


if __name__ == "__main__":
    unittest.main()
