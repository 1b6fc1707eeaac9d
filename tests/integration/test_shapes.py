"""The spec's shapes (issue 15, part 4): every webhook's data carries the
spec's fields (null where they do not apply, present always); every
error carries documentation_url, trace_id, and constraints with
suggestions where a declared bound or format was not met."""
import json
import secrets
import os
import re
import unittest

import chain
from cc import API, PAY, PUB, admin, fetch, invoice_body, new_merchant, psql, request
from test_webhooks import Receiver, signature

EVENTS = ["invoice.created", "invoice.expired", "invoice.cancelled", "payment.detected",
          "payment.confirming", "payment.confirmed", "payment.reverted", "invoice.paid",
          "invoice.refunded", "invoice.overpaid"]
SPEC_FIELDS = {"status", "total_amount", "total_received", "currency", "crypto_currency",
               "payment_id", "tx_hash", "confirmations", "paid_at", "metadata"}
PAYMENT_EVENTS = {"payment.detected", "payment.confirming", "payment.confirmed",
                  "payment.reverted"}


class WebhookDataTest(unittest.TestCase):
    def setUp(self):
        self.merchant, self.key = new_merchant("Shapes Shop")
        psql("UPDATE webhook_deliveries SET status = 'cancelled', "
             "last_error = 'test isolation' WHERE status = 'pending'")
        self.rec = Receiver()
        r = request("POST", "webhook-endpoints", {"url": self.rec.url, "events": EVENTS,
                                                  "allowed_ips": ["127.0.0.1"]}, key=self.key)
        self.assertEqual(r.status, 201, r)
        chain.scan()

    def tearDown(self):
        self.rec.close()

    def deliver(self):
        """cc-webhooks passes (each sends a few per destination) until
        none of this merchant's deliveries is pending."""
        for _ in range(30):
            chain.tool("cc-webhooks", "--for", "0")
            if psql("SELECT count(*) FROM webhook_deliveries WHERE merchant_id = '%s' "
                    "AND status = 'pending'" % self.merchant) == ["0"]:
                return
        self.fail("deliveries still pending")

    def invoice(self, **kw):
        kw.setdefault("items", [{"name": "x", "unit_price": "16.49"}])
        kw.setdefault("tax", 0)
        kw.setdefault("payment_tolerance", {"underpayment_threshold": "0.01",
                                            "overpayment_threshold": "1.00"})
        body = invoice_body(**kw)
        del body["webhook_url"]
        r = request("POST", "invoices", body, key=self.key)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def test_every_event_carries_the_spec_fields(self):
        paid = self.invoice()           # detected .. confirmed, paid, overpaid
        chain.pay_token(paid["address"], 20000000)
        reverted = self.invoice()       # detected, then reorganised away
        cancelled = self.invoice()      # a partial payment, cancelled, refunded
        chain.pay_token(cancelled["address"], 5000000)
        chain.scan()
        for _ in range(2):
            chain.mine(1)
            chain.scan()
        chain.pay_token(reverted["address"], 16490000)
        chain.scan()
        v = request("GET", "invoices/" + reverted["id"], key=self.key).json()
        self.assertEqual([p["status"] for p in v["payments"]], ["detected"])
        chain.reorg(2)          # the payment's block is replaced, without it
        chain.scan()
        r = request("POST", "invoices/%s/cancel" % cancelled["id"],
                    {"reason": "shapes", "refund_partial_payments": True}, key=self.key)
        self.assertEqual(r.status, 200, r)
        # invoice.refunded: a refund of the overpaid one, completed by
        # cc-scan when the merchant's transfer has its confirmations.
        dest = "0x" + secrets.token_hex(20)
        r = request("POST", "invoices/%s/refunds" % paid["id"],
                    {"amount": "1.00", "destination": dest, "reason": "shapes"}, key=self.key)
        self.assertEqual(r.status, 201, r)
        refund_tx = chain.pay_token(dest, 1000000, sender=chain.accounts()[9])
        chain.scan()
        for _ in range(2):
            chain.mine(1)
            chain.scan()
        expired = self.invoice()
        psql("UPDATE invoices SET expires_at = now() - interval '1 second' WHERE id = '%s'"
             % expired["id"])
        chain.tool("cc-expire")
        self.deliver()

        seen = {}
        for _, _, raw in self.rec.requests:
            # Amounts are exact decimals: read them as text.
            body = json.loads(raw, parse_float=str)
            data = body["data"]
            self.assertEqual(set(data) & SPEC_FIELDS, SPEC_FIELDS, body["event"])
            self.assertEqual(data["metadata"]["order_id"], "ord_789")
            self.assertEqual((data["currency"], data["crypto_currency"]), ("USD", "USDT"))
            self.assertEqual(data["total_amount"], "16.49", body["event"])
            self.assertRegex(data["total_received"], r"^\d+\.\d\d$", body["event"])
            if body["event"] in PAYMENT_EVENTS or body["event"] == "invoice.paid":
                self.assertTrue(data["payment_id"].startswith("pay_"), body["event"])
                self.assertRegex(data["tx_hash"], r"^0x[0-9a-f]{64}$")
                self.assertIsInstance(data["confirmations"], int)
            elif body["event"] == "invoice.refunded":
                # Its transaction is the refund's transfer.
                self.assertEqual((data["payment_id"], data["confirmations"]), (None, None))
                self.assertEqual(data["tx_hash"], refund_tx["transactionHash"])
            else:
                self.assertEqual((data["payment_id"], data["tx_hash"], data["confirmations"]),
                                 (None, None, None), body["event"])
            seen.setdefault(body["event"], {})[data["invoice_id"]] = data
        self.assertEqual(sorted(seen), sorted(EVENTS))
        p = seen["invoice.paid"][paid["id"]]
        self.assertEqual((p["status"], p["total_received"]), ("paid", "20.00"))
        self.assertIsNotNone(p["paid_at"])
        self.assertEqual(seen["invoice.overpaid"][paid["id"]]["status"], "paid")
        self.assertEqual(seen["invoice.created"][paid["id"]]["total_received"], "0.00")
        self.assertIsNone(seen["invoice.created"][paid["id"]]["paid_at"])
        c = seen["invoice.cancelled"][cancelled["id"]]
        self.assertEqual((c["status"], c["total_received"], c["paid_at"]),
                         ("cancelled", "5.00", None))
        rf = seen["invoice.refunded"][paid["id"]]
        self.assertEqual((rf["status"], rf["refund_status"], rf["total_received"]),
                         ("paid", "completed", "20.00"))
        e = seen["invoice.expired"][expired["id"]]
        self.assertEqual((e["status"], e["total_received"], e["paid_at"]),
                         ("expired", "0.00", None))
        rv = seen["payment.reverted"][reverted["id"]]
        self.assertEqual((rv["status"], rv["paid_at"]), ("created", None))

    def test_invoice_webhook_secret_is_readable(self):
        """A merchant that gives invoices a webhook_url reads the secret
        that signs those deliveries without rotating it."""
        r = request("GET", "invoice-webhook-secret", key=self.key)
        self.assertEqual(r.status, 200, r)
        first = r.json()
        self.assertEqual(request("GET", "invoice-webhook-secret", key=self.key).json(), first)
        r = request("POST", "invoices", dict(invoice_body(), webhook_url=self.rec.url),
                    key=self.key)
        self.assertEqual(r.status, 201, r)
        request("POST", "invoices/%s/cancel" % r.json()["id"], {}, key=self.key)
        self.deliver()
        mine = [(h, raw) for _, h, raw in self.rec.requests
                if h["X-Crypto-Checkout-Webhook-Id"] == first["id"]]
        self.assertEqual(len(mine), 2)     # created, cancelled
        for h, raw in mine:
            self.assertEqual(h["X-Crypto-Checkout-Signature"],
                             signature(first["secret"], h["X-Crypto-Checkout-Timestamp"], raw))
        rotated = request("POST", "invoice-webhook-secret/rotate", {}, key=self.key).json()
        got = request("GET", "invoice-webhook-secret", key=self.key).json()
        self.assertEqual((got["id"], got["secret"]), (first["id"], rotated["secret"]))
        self.assertNotEqual(rotated["secret"], first["secret"])


class ErrorShapeTest(unittest.TestCase):
    """Each kind of declared bound answers its constraints (the unit tests
    of lib/input.c cover the table; these go through the server)."""

    def setUp(self):
        self.merchant, self.key = new_merchant("Shapes Errors")

    def error(self, method, path, body=None, status=422):
        r = request(method, path, body, key=self.key)
        self.assertEqual(r.status, status, r)
        doc = r.json()
        self.assertEqual(doc["trace_id"], "trace_" + doc["request_id"][4:])
        self.assertEqual(r.header("x-request-id"), doc["request_id"])
        e = doc["error"]
        self.assertTrue(e["documentation_url"].endswith(
            "/docs/errors.html#" + e["code"].lower().replace("_", "-")), e)
        return e

    def test_constraints_of_each_kind(self):
        inv = request("POST", "invoices", invoice_body(webhook_url=None), key=self.key)
        self.assertEqual(inv.status, 201, inv)
        cancel = "invoices/%s/cancel" % inv.json()["id"]
        cases = [
            ("POST", cancel, {"reason": "x" * 501}, 422, "reason",
             {"min_length": "0", "max_length": "500"}),
            ("POST", cancel, {"nope": 1}, 422, "nope", {"allowed": ["reason", "refund_partial_payments"]}),
            ("GET", "invoices?limit=1000", None, 422, "limit", {"minimum": "1", "maximum": "100"}),
            ("GET", "invoices?status=lost", None, 422, "status", None),
            ("POST", "invoices", invoice_body(items=[]), 422, "items",
             {"min_items": "1"}),
            ("POST", "invoices", invoice_body(return_url="ftp://x"), 422, "return_url",
             {"schemes": ["http", "https"]}),
            ("POST", "invoices", invoice_body(items=[{"name": "x", "unit_price": "1.001"}]),
             422, "items[0].unit_price", {"max_decimals": "2"}),
        ]
        for method, path, body, status, field, want in cases:
            e = self.error(method, path, body, status)
            self.assertEqual(e.get("field"), field, e)
            self.assertIn("constraints", e, e)
            self.assertEqual(len(e["suggestions"]), 1, e)
            for k, v in (want or {}).items():
                self.assertEqual(e["constraints"][k], v, e)
        # Limits the programs check themselves.
        r = request("POST", "invoices", invoice_body(title="x" * 70000), key=self.key)
        self.assertEqual(r.status, 413, r)
        self.assertEqual(r.json()["error"]["constraints"], {"max_length": "65536"})
        r = request("POST", "invoices", invoice_body(), key=self.key,
                    headers={"Idempotency-Key": "has space"})
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json()["error"]["constraints"]["max_length"], "255")
        for i in range(17):
            r = request("POST", "webhook-endpoints", {"url": "https://93.184.215.7/%d" % i,
                                                      "events": ["invoice.paid"]}, key=self.key)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["error"]["code"], "TOO_MANY_ENDPOINTS")
        self.assertEqual(r.json()["error"]["constraints"], {"max_items": "16"})
        # Not a bound: no constraints.
        e = self.error("POST", "invoices", invoice_body(currency=None))
        self.assertEqual(e["code"], "MISSING_FIELD")
        self.assertNotIn("constraints", e)


class HttpsInLiveModeTest(unittest.TestCase):
    """return_url, cancel_url, webhook_url and an endpoint's url: https
    only in live mode; test mode takes http too (a receiver on the
    merchant's own machine)."""

    def test_live_mode_takes_https_only(self):
        m, test_key = new_merchant("Shapes Live", live_wallets=True)
        live = admin("key", "create", "--merchant", m, "--type", "live")["secret"]
        for field in ("return_url", "cancel_url", "webhook_url"):
            body = invoice_body(**{field: "http://merchant.com/x"})
            r = request("POST", "invoices", body, key=live)
            self.assertEqual(r.status, 422, (field, r))
            e = r.json()["error"]
            self.assertEqual((e["code"], e["field"]), ("INVALID_URL", field))
            self.assertEqual(e["constraints"]["schemes"], ["https"])
            # Test mode: accepted (webhook_url to a public address).
            r = request("POST", "invoices", body, key=test_key)
            self.assertEqual(r.status, 201, (field, r))
        self.assertEqual(psql("SELECT count(*) FROM invoices WHERE merchant_id = '%s' "
                              "AND mode = 'live'" % m), ["0"])
        r = request("POST", "invoices", invoice_body(), key=live)
        self.assertEqual(r.status, 201, r)
        ep = {"url": "http://93.184.215.7/hook", "events": ["invoice.paid"]}
        r = request("POST", "webhook-endpoints", ep, key=live)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["error"]["field"], "url")
        r = request("POST", "webhook-endpoints", dict(ep, url="https://93.184.215.7/hook"),
                    key=live)
        self.assertEqual(r.status, 201, r)
        r = request("PATCH", "webhook-endpoints/" + r.json()["id"],
                    {"url": "http://93.184.215.7/other"}, key=live)
        self.assertEqual(r.status, 422, r)
        r = request("POST", "webhook-endpoints", ep, key=test_key)
        self.assertEqual(r.status, 201, r)


class HeadTest(unittest.TestCase):
    def test_head_wherever_get(self):
        """Every GET of cc-merchant's route table (read from the source)
        answers HEAD with GET's status and headers and no body."""
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
        with open(os.path.join(root, "fcgi", "merchant", "main.c")) as f:
            gets = re.findall(r'\{ "GET", "(/api/v1/[^"]*)"', f.read())
        self.assertGreaterEqual(len(gets), 5)
        _, key = new_merchant("Shapes Head")
        inv = request("POST", "invoices", invoice_body(webhook_url=None), key=key).json()
        ep = request("POST", "webhook-endpoints", {"url": "https://93.184.215.7/h",
                                                   "events": ["invoice.paid"]}, key=key).json()
        ids = {"/api/v1/invoices/{}": inv["id"], "/api/v1/webhook-endpoints/{}": ep["id"],
               "/api/v1/invoices/{}/refunds": inv["id"]}
        hdrs = {"Authorization": "Bearer " + key}
        for pattern in gets:
            path = pattern.replace("{}", ids.get(pattern, "x"))
            st, h, body = fetch(API, "GET", path, headers=hdrs)
            hst, hh, hbody = fetch(API, "HEAD", path, headers=hdrs)
            self.assertEqual((hst, hbody), (st, b""), path)
            self.assertEqual(hh.get("content-type"), h.get("content-type"), path)
            self.assertIn(st, (200,), path)
        # The event stream: GET's status and headers, then the end.
        for inv_id, want in ((inv["id"], 200), ("inv_" + "a" * 26, 404)):
            st, h, body = fetch(PUB, "HEAD", PUB.path + "/invoice/%s/events" % inv_id,
                                timeout=10)
            self.assertEqual((st, body), (want, b""), inv_id)
            if want == 200:
                self.assertEqual(h["content-type"], "text/event-stream")


class MalformedIdTest(unittest.TestCase):
    def test_same_status_on_every_route(self):
        """A malformed id is not found (404) on every route with an id:
        each of cc-merchant's route table (read from the source), the
        public view, the QR code, the event stream and the payment page.
        One that does not even decode matches no route: 404 as well."""
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
        with open(os.path.join(root, "fcgi", "merchant", "main.c")) as f:
            routes = re.findall(r'\{ "([A-Z]+)", "(/api/v1/[^"]*\{\}[^"]*)"', f.read())
        self.assertGreaterEqual(len(routes), 6)
        _, key = new_merchant("Shapes Ids")
        hdrs = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
        for bad in ("nope", "inv_" + "a" * 25, "whe_%27", "%C3%A9"):
            for method, pattern in routes:
                body = b"{}" if method in ("POST", "PATCH") else None
                st, _, raw = fetch(API, method, pattern.replace("{}", bad), body=body,
                                   headers=hdrs)
                self.assertEqual(st, 404, (method, pattern, bad, raw[:200]))
            for base, path in ((PUB, PUB.path + "/invoice/%s"), (PUB, PUB.path + "/invoice/%s/qr"),
                               (PUB, PUB.path + "/invoice/%s/events"), (PAY, "/invoice/%s")):
                for method in ("GET", "HEAD"):
                    st, _, raw = fetch(base, method, path % bad, timeout=10)
                    self.assertEqual(st, 404, (method, path, bad, raw[:200]))


if __name__ == "__main__":
    unittest.main()
