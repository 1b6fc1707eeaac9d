"""POST /api/v1/test/invoices/{id}/simulate through the web server. On the
local chain ([network anvil] names simulate_from) a real transfer that
cc-scan records and confirmations it counts; without one (tron-anvil,
the same node seen as TRON, has no simulate_from) the rows and events the
scanner would write, marked simulated, which cc-scan leaves alone;
expiry; webhooks delivered to a local receiver; every refusal, and the
404 a live key gets."""
import time
import unittest

import chain
from cc import ApiTest, admin, invoice_body, new_merchant, psql, random_xpub, request
from cc import event_types as events
from test_webhooks import Receiver, wait_for

FAKE = "0x" + "0" * 32
PAY_EVENTS = ["payment.detected", "payment.confirming", "payment.confirmed",
              "invoice.paid", "invoice.expired", "invoice.overpaid"]



class SimulateTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Simulate Shop", live_wallets=True)
        admin("wallet", "add", "--merchant", cls.merchant, "--network", "tron-anvil",
              "--xpub", random_xpub())
        cls.live = admin("key", "create", "--merchant", cls.merchant, "--type", "live")["secret"]
        cls.other, cls.other_key = new_merchant("Simulate Other")
        chain.scan()        # the scanner's cursor starts at the head
        chain.tool("cc-scan", "--network", "tron-anvil")

    def setUp(self):
        self.receivers = []
        # Deliveries other suites left to hosts that do not exist here
        # would only share the worker's time.
        psql("UPDATE webhook_deliveries SET status = 'cancelled', "
             "last_error = 'test isolation' WHERE status = 'pending'")

    def tearDown(self):
        for r in self.receivers:
            r.close()

    def invoice(self, key=None, **kw):
        kw.setdefault("items", [{"name": "x", "unit_price": "16.49"}])
        kw.setdefault("tax", 0)
        body = invoice_body(**kw)
        del body["webhook_url"]
        r = request("POST", "invoices", body, key=key or self.key)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def sim(self, inv, body, key=None, **kw):
        return request("POST", "test/invoices/%s/simulate" % inv, body,
                       key=key or self.key, **kw)

    def view(self, inv):
        return request("GET", "invoices/" + inv, key=self.key).json()

    def hooked(self):
        """A receiver subscribed to the payment events."""
        rec = Receiver()
        self.receivers.append(rec)
        r = request("POST", "webhook-endpoints", {"url": rec.url, "events": PAY_EVENTS,
                                                  "allowed_ips": ["127.0.0.1"]}, key=self.key)
        self.assertEqual(r.status, 201, r)
        self.addCleanup(request, "DELETE", "webhook-endpoints/" + r.json()["id"],
                        key=self.key)
        return rec

    def delivered(self, rec, inv, n):
        """The first n events delivered for inv, in order."""
        def got():
            chain.tool("cc-webhooks", "--for", "0")
            b = [x for x in rec.bodies() if x["data"].get("invoice_id") == inv]
            return b if len(b) >= n else None
        out = wait_for(got, timeout=30, step=0.5)
        self.assertIsNotNone(out, rec.bodies())
        # In the events' order: cc-webhooks sends up to [webhooks]
        # per_endpoint of them at once, so they may arrive in another.
        order = psql("SELECT id FROM events WHERE invoice_id = '%s' ORDER BY seq" % inv)
        return sorted(out, key=lambda x: order.index(x["id"]))

    # --- without a chain ----------------------------------------------

    def test_database_path_end_to_end(self):
        rec = self.hooked()
        inv = self.invoice(network="tron-anvil")["id"]
        r = self.sim(inv, {"event": "payment"})
        self.assertEqual(r.status, 200, r)
        s = r.json()
        self.assertEqual((s["object"], s["event"], s["via"], s["invoice_id"]),
                         ("simulation", "payment", "database", inv))
        self.assertEqual((s["network"], s["asset"], s["amount"]), ("tron-anvil", "USDT", "16.49"))
        self.assertTrue(s["tx_hash"].startswith(FAKE) and len(s["tx_hash"]) == 66, s)
        pay = s["invoice"]["payments"]
        self.assertEqual([(p["id"], p["status"], p["confirmations"], p["simulated"],
                           p["tx_hash"]) for p in pay],
                         [(s["payment_id"], "detected", "1", True, s["tx_hash"])])
        self.assertEqual(s["invoice"]["status"], "created")
        self.assertEqual(psql("SELECT simulated, late FROM payments WHERE invoice_id = '%s'"
                              % inv), ["t|f"])
        audit = [a for a in s["invoice"]["audit_log"] if a["event"] == "invoice.simulated"]
        self.assertEqual([(a["actor"][:16], a["request_id"]) for a in audit],
                         [("api_key:sk_test_", r.header("x-request-id"))])
        self.assertEqual(psql("SELECT details->>'tx_hash' FROM audit_log WHERE invoice_id = '%s' "
                              "AND event = 'invoice.simulated'" % inv), [s["tx_hash"]])
        # cc-scan counts no confirmations for a block that never was.
        chain.mine(5)
        chain.tool("cc-scan", "--network", "tron-anvil")
        self.assertEqual(self.view(inv)["payments"][0]["confirmations"], "1")
        r = self.sim(inv, {"event": "confirm"})
        self.assertEqual(r.status, 200, r)
        s = r.json()
        self.assertEqual((s["via"], s["payments_confirmed"]), ("database", "1"))
        self.assertEqual(s["invoice"]["status"], "paid")
        self.assertEqual([(p["status"], p["confirmations"]) for p in s["invoice"]["payments"]],
                         [("confirmed", "3")])
        self.assertIsNotNone(s["invoice"]["paid_at"])
        self.assertEqual(events(inv), ["invoice.created", "payment.detected",
                                       "payment.confirming", "payment.confirmed",
                                       "invoice.paid"])
        hooks = self.delivered(rec, inv, 4)
        self.assertEqual([h["event"] for h in hooks],
                         ["payment.detected", "payment.confirming", "payment.confirmed",
                          "invoice.paid"])
        self.assertEqual(hooks[0]["data"]["payment"]["tx_hash"], pay[0]["tx_hash"])
        self.assertEqual([h["data"]["payment"].get("simulated") for h in hooks[:3]], [True] * 3)
        # A paid invoice takes no more.
        for ev in ("payment", "confirm", "expire"):
            self.assertError(self.sim(inv, {"event": ev}), 409, "conflict_error",
                             "INVOICE_NOT_OPEN")

    def test_partial_payments_and_overpayment(self):
        inv = self.invoice(network="tron-anvil")["id"]
        r = self.sim(inv, {"event": "payment", "amount": "10"})
        self.assertEqual(r.json()["amount"], "10", r)
        # The default is what is still due.
        r = self.sim(inv, {"event": "payment"})
        self.assertEqual(r.json()["amount"], "6.49", r)
        self.assertError(self.sim(inv, {"event": "payment"}), 409, "conflict_error",
                         "NOTHING_DUE", field="amount")
        r = self.sim(inv, {"event": "confirm"})
        self.assertEqual(r.json()["payments_confirmed"], "2", r)
        self.assertEqual(r.json()["invoice"]["status"], "paid")
        over = self.invoice(network="tron-anvil")["id"]
        self.sim(over, {"event": "payment", "amount": 20.000001})
        v = self.sim(over, {"event": "confirm"}).json()["invoice"]
        self.assertEqual(v["status"], "paid")
        self.assertEqual([c["amount"] for c in v["credits"]], ["3.510001"])
        self.assertIn("invoice.overpaid", events(over))

    def test_expire(self):
        inv = self.invoice(network="tron-anvil")["id"]
        r = self.sim(inv, {"event": "expire"})
        self.assertEqual(r.status, 200, r)
        s = r.json()
        self.assertEqual((s["event"], s["via"]), ("expire", "database"))
        self.assertEqual(s["invoice"]["status"], "expired")
        self.assertEqual(events(inv), ["invoice.created", "invoice.expired"])
        self.assertEqual(psql("SELECT expires_at <= now() FROM invoices WHERE id = '%s'" % inv),
                         ["t"])
        self.assertError(self.sim(inv, {"event": "expire"}), 409, "conflict_error",
                         "INVOICE_NOT_OPEN")
        # On the chain's network too: expiry needs no chain.
        inv = self.invoice()["id"]
        self.assertEqual(self.sim(inv, {"event": "expire"}).json()["invoice"]["status"],
                         "expired")
        # As cc-expire: a full payment still confirming keeps it waiting.
        inv = self.invoice(network="tron-anvil")["id"]
        self.sim(inv, {"event": "payment"})
        self.assertEqual(self.sim(inv, {"event": "expire"}).json()["invoice"]["status"],
                         "created")
        chain.tool("cc-expire")
        self.assertEqual(self.view(inv)["status"], "created")
        self.assertEqual(self.sim(inv, {"event": "confirm"}).json()["invoice"]["status"],
                         "paid")

    # --- on the local chain -------------------------------------------

    def on_chain(self, r):
        if r.status == 200 and r.json()["via"] == "database":
            self.skipTest("this stack's anvil network has no simulate_from")
        self.assertEqual(r.status, 202, r)
        s = r.json()
        self.assertEqual(s["via"], "chain")
        return s

    def receipt(self, h):
        def mined():
            return chain.rpc("eth_getTransactionReceipt", h)
        rec = wait_for(mined, timeout=30, step=0.2)
        self.assertIsNotNone(rec, h)
        self.assertEqual(rec["status"], "0x1")
        return rec

    def test_chain_path_end_to_end(self):
        rec = self.hooked()
        inv = self.invoice()
        s = self.on_chain(self.sim(inv["id"], {"event": "payment"}))
        self.assertEqual((s["network"], s["asset"], s["amount"], s["payment_id"]),
                         (inv["network"], "USDT", "16.49", None))
        self.assertFalse(s["tx_hash"].startswith(FAKE))
        txr = self.receipt(s["tx_hash"])
        chain.scan()
        v = self.view(inv["id"])
        self.assertEqual([(p["tx_hash"], p["status"], p["amount"], p["simulated"])
                          for p in v["payments"]],
                         [(s["tx_hash"], "detected", "16.49", False)])
        self.assertEqual(int(v["payments"][0]["block_number"]), int(txr["blockNumber"], 16))
        s = self.on_chain(self.sim(inv["id"], {"event": "confirm"}))
        self.assertEqual(s["blocks_mined"], "3")
        chain.scan()
        v = self.view(inv["id"])
        self.assertEqual(v["status"], "paid")
        self.assertEqual(v["payments"][0]["status"], "confirmed")
        self.assertEqual([(a["event"], a["actor"][:16]) for a in v["audit_log"]][1:],
                         [("invoice.simulated", "api_key:sk_test_")] * 2)
        self.assertEqual(events(inv["id"]), ["invoice.created", "payment.detected",
                                             "payment.confirmed", "invoice.paid"])
        hooks = self.delivered(rec, inv["id"], 3)
        self.assertEqual([h["event"] for h in hooks],
                         ["payment.detected", "payment.confirmed", "invoice.paid"])
        self.assertNotIn("simulated", hooks[0]["data"]["payment"])

    def test_chain_native_coin(self):
        inv = self.invoice(crypto_currency="ETH", items=[{"name": "x", "unit_price": "30.00"}])
        s = self.on_chain(self.sim(inv["id"], {"event": "payment", "amount": "0.004"}))
        self.assertEqual(s["amount"], "0.004")
        self.receipt(s["tx_hash"])
        chain.scan()
        v = self.view(inv["id"])
        self.assertEqual([(p["asset"], p["amount"]) for p in v["payments"]], [("ETH", "0.004")])
        self.assertEqual(int(chain.rpc("eth_getBalance", inv["address"], "latest"), 16),
                         4 * 10 ** 15)
        # Its own decimals: 18 for ETH.
        self.assertError(self.sim(inv["id"], {"event": "payment",
                                              "amount": "0.0000000000000000001"}),
                         422, "validation_error", "INVALID_AMOUNT", field="amount")

    def test_idempotency_key(self):
        inv = self.invoice(network="tron-anvil")["id"]
        h = {"Idempotency-Key": "sim-" + inv}
        a = self.sim(inv, {"event": "payment", "amount": "1"}, headers=h)
        b = self.sim(inv, {"event": "payment", "amount": "1"}, headers=h)
        self.assertEqual((a.status, b.status), (200, 200), (a, b))
        self.assertEqual(b.header("idempotent-replayed"), "true")
        self.assertEqual(a.json()["payment_id"], b.json()["payment_id"])
        self.assertEqual(len(self.view(inv)["payments"]), 1)
        self.assertError(self.sim(inv, {"event": "payment", "amount": "2"}, headers=h),
                         409, "idempotency_error", "IDEMPOTENCY_KEY_REUSED")
        self.assertError(self.sim(inv, {"event": "payment"}, headers={"Idempotency-Key": "a b"}),
                         400, code="INVALID_IDEMPOTENCY_KEY", field="Idempotency-Key")
        # On the chain a retry sends nothing twice.
        inv = self.invoice()
        h = {"Idempotency-Key": "sim-" + inv["id"]}
        s = self.on_chain(self.sim(inv["id"], {"event": "payment"}, headers=h))
        r = self.sim(inv["id"], {"event": "payment"}, headers=h)
        self.assertEqual((r.status, r.json()["tx_hash"]), (202, s["tx_hash"]))
        self.receipt(s["tx_hash"])
        chain.scan()
        self.assertEqual([p["tx_hash"] for p in self.view(inv["id"])["payments"]],
                         [s["tx_hash"]])

    # --- refusals -----------------------------------------------------

    def test_live_key_finds_no_route(self):
        live_inv = self.invoice(key=self.live)["id"]
        test_inv = self.invoice()["id"]
        unknown = request("POST", "test/no-such-route", {}, key=self.live)
        self.assertError(unknown, 404, "invalid_request_error", "ROUTE_NOT_FOUND")
        for inv in (live_inv, test_inv, "inv_" + "a" * 26):
            for method in ("POST", "GET", "DELETE"):
                r = request(method, "test/invoices/%s/simulate" % inv,
                            {"event": "expire"} if method == "POST" else None, key=self.live)
                e = self.assertError(r, 404, "invalid_request_error", "ROUTE_NOT_FOUND")
                self.assertEqual(e["error"], unknown.json()["error"])
                self.assertIsNone(r.header("allow"))
        tok = request("POST", "auth/token", {"grant_type": "api_key", "api_key": self.live})
        self.assertError(self.sim(live_inv, {"event": "expire"}, key=tok.json()["access_token"]),
                         404, code="ROUTE_NOT_FOUND")
        self.assertEqual(self.view(test_inv)["status"], "created")
        self.assertEqual(request("GET", "invoices/" + live_inv, key=self.live).json()["status"],
                         "created")
        # A test key: the route is there, and takes POST only.
        r = request("GET", "test/invoices/%s/simulate" % test_inv, key=self.key)
        self.assertError(r, 405, code="METHOD_NOT_ALLOWED")
        self.assertEqual(r.header("allow"), "POST")
        # A test token works as its key does.
        tok = request("POST", "auth/token", {"grant_type": "api_key", "api_key": self.key})
        r = self.sim(test_inv, {"event": "expire"}, key=tok.json()["access_token"])
        self.assertEqual(r.status, 200, r)

    def test_refusals_change_nothing(self):
        inv = self.invoice(network="tron-anvil")["id"]
        cases = [
            ({}, 422, "MISSING_FIELD", "event"),
            ({"event": "refund"}, 422, "INVALID_VALUE", "event"),
            ({"event": None}, 422, "MISSING_FIELD", "event"),
            ({"event": ["payment"]}, 422, "INVALID_TYPE", "event"),
            ({"event": "confirm", "amount": "1"}, 422, "INVALID_VALUE", "amount"),
            ({"event": "payment", "amount": "1.0000001"}, 422, "INVALID_AMOUNT", "amount"),
            ({"event": "payment", "amount": "0"}, 422, "INVALID_AMOUNT", "amount"),
            ({"event": "payment", "amount": "-1"}, 422, "INVALID_AMOUNT", "amount"),
            ({"event": "payment", "amount": "1e3"}, 422, "INVALID_AMOUNT", "amount"),
            ({"event": "payment", "amount": "x" * 81}, 422, "INVALID_AMOUNT", "amount"),
            ({"event": "payment", "amount": True}, 422, "INVALID_TYPE", "amount"),
            ({"event": "payment", "from": "0x1"}, 422, "UNKNOWN_FIELD", "from"),
        ]
        for body, status, code, field in cases:
            self.assertError(self.sim(inv, body), status, code=code, field=field)
        self.assertError(self.sim(inv, "{", raw=True), 400, code="INVALID_JSON")
        self.assertError(self.sim(inv, "", raw=True), 400, code="INVALID_JSON")
        self.assertError(self.sim(inv, {"event": "confirm"}), 409, "conflict_error",
                         "NO_PAYMENT_TO_CONFIRM")
        self.assertError(self.sim(inv, {"event": "payment"}, key="sk_test_" + "a" * 40),
                         401, code="INVALID_API_KEY")
        self.assertError(request("POST", "test/invoices/%s/simulate" % inv,
                                 {"event": "payment"}), 401, code="MISSING_API_KEY")
        read = admin("key", "create", "--merchant", self.merchant, "--type", "test",
                     "--scope", "invoices:read")["secret"]
        self.assertError(self.sim(inv, {"event": "payment"}, key=read), 403,
                         code="INSUFFICIENT_SCOPE")
        # Another merchant's invoice, an unknown and a malformed id.
        for other in (inv, "inv_" + "b" * 26, "inv_x%27"):
            self.assertError(self.sim(other, {"event": "payment"}, key=self.other_key), 404,
                             "not_found_error", "INVOICE_NOT_FOUND", field="invoice_id")
        v = self.view(inv)
        self.assertEqual((v["status"], v["payments"]), ("created", []))
        self.assertEqual(events(inv), ["invoice.created"])
        self.assertEqual([a["event"] for a in v["audit_log"]], ["invoice.created"])
        # A cancelled invoice is final.
        r = request("POST", "invoices/%s/cancel" % inv, {}, key=self.key)
        self.assertEqual(r.status, 200, r)
        for ev in ("payment", "confirm", "expire"):
            self.assertError(self.sim(inv, {"event": ev}), 409, "conflict_error",
                             "INVOICE_NOT_OPEN")
        self.assertEqual(self.view(inv)["payments"], [])


if __name__ == "__main__":
    unittest.main()
