"""Refunds through the real stack: the merchant records one (every variant
and refusal, Idempotency-Key), sends it on the local chain from another
wallet, and cc-scan completes it with invoice.refunded once confirmed; a
reorganisation undoes that; a cancellation's refund waits for an address;
cc-admin lists and shows them."""
import secrets
import unittest
import urllib.parse

import chain
from cc import PAY, ApiTest, admin, fetch, invoice_body, new_merchant, psql, request

ZERO_ADDR = "0x" + "11" * 20


def fresh_address():
    """An address no other test (or earlier run) sends refunds to."""
    return "0x" + secrets.token_hex(20)


def events(inv_id):
    return psql("SELECT type FROM events WHERE invoice_id = '%s' ORDER BY seq" % inv_id)


class RefundTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Refund Shop")
        chain.scan()        # the scanner's cursor starts at the head

    def invoice(self, price="16.49", **kw):
        kw.setdefault("items", [{"name": "x", "unit_price": price}])
        kw.setdefault("tax", 0)
        kw.setdefault("payment_tolerance", {"overpayment_threshold": "0.50"})
        r = request("POST", "invoices", invoice_body(**kw), key=self.key)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def paid(self, units=16490000, **kw):
        inv = self.invoice(**kw)
        chain.pay_token(inv["address"], units)
        self.settle()
        return inv

    def settle(self):
        chain.scan()
        for _ in range(2):
            chain.mine(1)
            chain.scan()

    def refund(self, inv, body, key=None, headers=None):
        return request("POST", "invoices/%s/refunds" % inv["id"], body,
                       key=key or self.key, headers=headers)

    def view(self, inv):
        return request("GET", "invoices/" + inv["id"], key=self.key).json()

    def test_variants(self):
        dest = fresh_address()
        inv = self.paid(20000000)      # 20.00 of 16.49: overpaid by 3.51
        r = self.refund(inv, {"amount": "5.00", "destination": dest, "reason": "damaged"})
        self.assertEqual(r.status, 201, r)
        f = r.json()
        self.assertTrue(f["id"].startswith("ref_"))
        self.assertEqual((f["status"], f["variant"], f["fiat_amount"], f["currency"],
                          f["crypto_amount"], f["crypto_amount_units"], f["rate"],
                          f["network"], f["crypto_currency"], f["destination"],
                          f["reason"], f["tx_hash"]),
                         ("pending", "locked_rate", "5.00", "USD", "5", "5000000", "1",
                          inv["network"], "USDT", dest, "damaged", None))
        r = self.refund(inv, {"variant": "overpaid", "destination": dest})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["crypto_amount"], "3.51")
        r = self.refund(inv, {"variant": "custom", "crypto_amount": "0.000001",
                              "destination": dest})
        self.assertEqual((r.status, r.json()["crypto_amount_units"]), (201, "1"), r)
        # What is left (20 - 5 - 3.51 - 0.000001), less 10%, rounded down.
        r = self.refund(inv, {"variant": "rate_then", "subtract_percentage": "10",
                              "destination": dest})
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json()["crypto_amount_units"], r.json()["fiat_amount"],
                          r.json()["subtract_percentage"]), ("10340999", "10.33", "10.00"))
        # 1.149 left: current_rate converts its fiat value (1.14).
        r = self.refund(inv, {"variant": "current_rate", "destination": dest})
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json()["crypto_amount"], r.json()["variant"]), ("1.14", "current_rate"))
        # Everything but 0.009 is now promised back.
        self.assertError(self.refund(inv, {"amount": "0.01", "destination": dest}),
                         422, "validation_error", "REFUND_EXCEEDS_RECEIVED", "amount")
        listed = request("GET", "invoices/%s/refunds" % inv["id"], key=self.key)
        self.assertEqual(listed.status, 200, listed)
        self.assertEqual(len(listed.json()["data"]), 5)
        self.assertEqual([x["id"] for x in self.view(inv)["refunds"]],
                         [x["id"] for x in listed.json()["data"]])
        self.assertNotIn("invoice.refunded", events(inv["id"]))
        audit = [a for a in self.view(inv)["audit_log"] if a["event"] == "refund.created"]
        self.assertEqual(len(audit), 5)
        self.assertTrue(audit[0]["actor"].startswith("api_key:sk_test_"), audit[0])

    def test_refusals_change_nothing(self):
        unpaid = self.invoice()
        self.assertError(self.refund(unpaid, {"amount": "1.00", "destination": ZERO_ADDR}),
                         409, "conflict_error", "NOTHING_RECEIVED")
        inv = self.paid()
        cases = [
            ({"amount": "16.50", "destination": ZERO_ADDR}, 422, "REFUND_EXCEEDS_RECEIVED", "amount"),
            ({"crypto_amount": "16.490001", "destination": ZERO_ADDR}, 422,
             "REFUND_EXCEEDS_RECEIVED", "crypto_amount"),
            ({"amount": "1.00", "destination": "0x1234"}, 422, "INVALID_ADDRESS", "destination"),
            ({"amount": "1.00", "destination": "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"}, 422,
             "INVALID_ADDRESS", "destination"),
            ({"amount": "1.001", "destination": ZERO_ADDR}, 422, "INVALID_AMOUNT", "amount"),
            ({"amount": "-1", "destination": ZERO_ADDR}, 422, "INVALID_AMOUNT", "amount"),
            ({"amount": "0", "destination": ZERO_ADDR}, 422, "INVALID_AMOUNT", "amount"),
            ({"amount": "1", "crypto_amount": "1"}, 422, "INVALID_VALUE", "crypto_amount"),
            ({"destination": ZERO_ADDR}, 422, "MISSING_FIELD", "amount"),
            ({"variant": "rate_then", "amount": "1"}, 422, "INVALID_VALUE", "amount"),
            ({"variant": "overpaid", "destination": ZERO_ADDR}, 409, "NOT_OVERPAID", "variant"),
            ({"variant": "rate_then", "subtract_percentage": "100.5"}, 422, "INVALID_VALUE",
             "subtract_percentage"),
            ({"variant": "rate_then", "subtract_percentage": "100"}, 422, "INVALID_AMOUNT",
             "variant"),
            ({"variant": "sideways"}, 422, "INVALID_VALUE", "variant"),
            ({"amount": "1", "reason": "refund \u202e1.00"}, 422, None, "reason"),
            ({"amount": "1", "reason": "x" * 501}, 422, "INVALID_LENGTH", "reason"),
            ({"amount": "1", "tip": 1}, 422, "UNKNOWN_FIELD", "tip"),
        ]
        for body, status, code, field in cases:
            with self.subTest(body=body):
                self.assertError(self.refund(inv, body), status, code=code, field=field)
        self.assertEqual(self.view(inv)["refunds"], [])
        self.assertNotIn("refund.created", [a["event"] for a in self.view(inv)["audit_log"]])
        # Another merchant's invoice is not there; the scope is needed.
        _, other = new_merchant("Refund Other")
        self.assertError(self.refund(inv, {"amount": "1.00"}, key=other), 404,
                         code="INVOICE_NOT_FOUND")
        mid = psql("SELECT merchant_id FROM invoices WHERE id = '%s'" % inv["id"])[0]
        readonly = admin("key", "create", "--merchant", mid, "--type", "test",
                         "--scope", "invoices:read")["secret"]
        self.assertError(self.refund(inv, {"amount": "1.00"}, key=readonly), 403,
                         code="INSUFFICIENT_SCOPE")
        self.assertEqual(self.view(inv)["refunds"], [])

    def test_idempotency_key(self):
        inv = self.paid()
        body = {"amount": "2.00", "destination": ZERO_ADDR}
        h = {"Idempotency-Key": "refund-idem-%s" % inv["id"]}
        a = self.refund(inv, body, headers=h)
        self.assertEqual(a.status, 201, a)
        b = self.refund(inv, body, headers=h)
        self.assertEqual(b.status, 201, b)
        self.assertEqual(b.header("idempotent-replayed"), "true")
        self.assertEqual(a.json()["id"], b.json()["id"])
        self.assertEqual(len(self.view(inv)["refunds"]), 1)
        self.assertError(self.refund(inv, {"amount": "3.00", "destination": ZERO_ADDR},
                                     headers=h), 409, "idempotency_error",
                         "IDEMPOTENCY_KEY_REUSED")
        self.assertError(self.refund(inv, body, headers={"Idempotency-Key": "a b"}), 400,
                         code="INVALID_IDEMPOTENCY_KEY")
        self.assertEqual(len(self.view(inv)["refunds"]), 1)

    def test_completed_by_the_scanner(self):
        dest = fresh_address()
        inv = self.paid()
        # Sent before the refund existed: not this refund's transfer.
        chain.pay_token(dest, 6000000, sender=chain.accounts()[9])
        chain.scan()
        ref = self.refund(inv, {"amount": "6.00", "destination": dest}).json()
        other = self.refund(inv, {"amount": "1.00", "destination": dest}).json()
        chain.scan()
        # A wrong amount does not complete it; the exact one, from a
        # wallet that is not the invoice's payer, does.
        chain.pay_token(dest, 5999999, sender=chain.accounts()[9])
        rec = chain.pay_token(dest, 6000000, sender=chain.accounts()[9])
        chain.scan()
        r = [x for x in self.view(inv)["refunds"] if x["id"] == ref["id"]][0]
        self.assertEqual((r["status"], r["tx_hash"]), ("pending", rec["transactionHash"]))
        self.assertNotIn("invoice.refunded", events(inv["id"]))
        for _ in range(2):
            chain.mine(1)
            chain.scan()
        v = self.view(inv)
        r = {x["id"]: x for x in v["refunds"]}
        self.assertEqual(r[ref["id"]]["status"], "completed")
        self.assertIsNotNone(r[ref["id"]]["completed_at"])
        self.assertEqual(r[ref["id"]]["from_address"].lower(), chain.accounts()[9].lower())
        self.assertEqual(r[other["id"]]["status"], "pending")
        self.assertEqual((v["status"], v["refunded"]), ("paid", True))
        listed = request("GET", "invoices?status=refunded&limit=100", key=self.key).json()
        self.assertIn(inv["id"], [x["id"] for x in listed["data"]])
        mine = {x["id"] for x in listed["data"]}
        self.assertEqual(set(psql("SELECT DISTINCT r.invoice_id FROM refunds r JOIN invoices i "
                                  "ON i.id = r.invoice_id WHERE r.status = 'completed' AND "
                                  "i.merchant_id = (SELECT merchant_id FROM invoices WHERE "
                                  "id = '%s')" % inv["id"])), mine)
        data = psql("SELECT data->>'refund_id', data->>'refunded_amount', "
                    "data->>'refunded_fiat_amount', data->>'tx_hash' FROM events "
                    "WHERE invoice_id = '%s' AND type = 'invoice.refunded'" % inv["id"])
        self.assertEqual(data, ["%s|6|6.00|%s" % (ref["id"], rec["transactionHash"])])
        # The second refund adds up.
        chain.pay_token(dest, 1000000, sender=chain.accounts()[9])
        self.settle()
        data = psql("SELECT data->>'refunded_amount' FROM events WHERE invoice_id = '%s' "
                    "AND type = 'invoice.refunded' ORDER BY seq" % inv["id"])
        self.assertEqual(data, ["6", "7"])
        # Two completing in one pass: each total counts the one before.
        for amount in ("0.50", "0.25"):
            self.assertEqual(self.refund(inv, {"amount": amount, "destination": dest}).status,
                             201)
        chain.scan()
        chain.pay_token(dest, 500000, sender=chain.accounts()[9])
        chain.pay_token(dest, 250000, sender=chain.accounts()[9])
        chain.mine(3)
        chain.scan()
        data = psql("SELECT data->>'refunded_amount' FROM events WHERE invoice_id = '%s' "
                    "AND type = 'invoice.refunded' ORDER BY seq" % inv["id"])
        self.assertEqual(data, ["6", "7", "7.5", "7.75"])
        # Scanning again changes nothing.
        chain.scan()
        self.assertEqual(events(inv["id"]).count("invoice.refunded"), 4)

    def test_reorg_undoes_a_completed_refund(self):
        dest = fresh_address()
        inv = self.paid()
        ref = self.refund(inv, {"crypto_amount": "0.123457", "destination": dest}).json()
        chain.scan()
        chain.pay_token(dest, 123457, sender=chain.accounts()[9])
        self.settle()
        self.assertEqual(self.view(inv)["refunds"][0]["status"], "completed")
        self.assertTrue(self.view(inv)["refunded"])
        chain.reorg(4)          # the transfer's block and those after it replaced
        p = chain.scan()
        self.assertIn("reorganisation", p.stderr)
        r = self.view(inv)["refunds"][0]
        self.assertEqual((r["id"], r["status"], r["tx_hash"], r["completed_at"]),
                         (ref["id"], "pending", None, None))
        self.assertFalse(self.view(inv)["refunded"])

    def test_cancel_refund_awaits_a_destination(self):
        """Two partial payments (from two wallets), then a cancellation
        with refund_partial_payments: one refund per payment, each
        naming it, until the customer gives an address."""
        inv = self.invoice()
        chain.pay_token(inv["address"], 4000000)
        chain.pay_token(inv["address"], 2500000, sender=chain.accounts()[8])
        self.settle()
        paid = {p["id"]: p["amount"] for p in self.view(inv)["payments"]}
        self.assertEqual(sorted(paid.values()), ["2.5", "4"], paid)
        r = request("POST", "invoices/%s/cancel" % inv["id"],
                    {"reason": "out of stock", "refund_partial_payments": True}, key=self.key)
        self.assertEqual(r.status, 200, r)
        refs = r.json()["refunds"]
        self.assertEqual(sorted((x["status"], x["crypto_amount"], x["destination"], x["variant"],
                                 x["payment_id"]) for x in refs),
                         sorted(("awaiting_destination", amount, None, "rate_then", pid)
                                for pid, amount in paid.items()))
        self.assertNotIn("invoice.refunded", events(inv["id"]))
        # What the cancellation promised counts: nothing more is left.
        self.assertError(self.refund(inv, {"amount": "0.01", "destination": ZERO_ADDR}),
                         422, code="REFUND_EXCEEDS_RECEIVED")
        # The payment page asks the customer for an address, in a plain
        # form: a wrong one is refused and changes nothing.
        st, _, html = fetch(PAY, "GET", "/invoice/" + inv["id"])
        self.assertEqual(st, 200)
        html = html.decode()
        self.assertIn('action="%s/refund-address"' % inv["id"], html)
        self.assertIn('name="address"', html)
        dest = fresh_address()
        for addr, status in (("0x1234", 422), ("", 422), ("T" + "x" * 33, 422)):
            st, _, _ = self.post_address(inv, addr)
            self.assertEqual(st, status, addr)
        self.assertEqual([x["status"] for x in self.view(inv)["refunds"]],
                         ["awaiting_destination"] * 2)
        st, h, _ = self.post_address(inv, "  %s " % dest)
        self.assertEqual(st, 303)
        self.assertTrue(h["location"].endswith("/invoice/" + inv["id"]), h)
        v = self.view(inv)
        self.assertEqual([(x["status"], x["destination"]) for x in v["refunds"]],
                         [("pending", dest)] * 2)
        self.assertEqual([a["actor"] for a in v["audit_log"]
                          if a["event"] == "refund.destination_set"], ["customer:payment-page"])
        st, _, html = fetch(PAY, "GET", "/invoice/" + inv["id"])
        self.assertNotIn("refund-address", html.decode())
        # Once only: the address cannot be changed by a second post.
        st, _, _ = self.post_address(inv, fresh_address())
        self.assertEqual(st, 409)
        self.assertEqual([x["destination"] for x in self.view(inv)["refunds"]], [dest] * 2)
        st, _, _ = fetch(PAY, "GET", "/invoice/%s/refund-address" % inv["id"])
        self.assertEqual(st, 405)
        # The merchant sends the first; cc-scan completes that one only.
        chain.pay_token(dest, 4000000, sender=chain.accounts()[9])
        self.settle()
        done = {x["payment_id"]: x["status"] for x in self.view(inv)["refunds"]}
        self.assertEqual(sorted((paid[k], v) for k, v in done.items()),
                         [("2.5", "pending"), ("4", "completed")])
        self.assertEqual(events(inv["id"]).count("invoice.refunded"), 1)
        chain.pay_token(dest, 2500000, sender=chain.accounts()[9])
        self.settle()
        self.assertEqual([x["status"] for x in self.view(inv)["refunds"]], ["completed"] * 2)
        self.assertEqual(events(inv["id"]).count("invoice.refunded"), 2)
        self.assertEqual(events(inv["id"])[-1], "invoice.refunded")

    def test_credit_overpayment_refunded_on_request(self):
        inv = self.paid(20000000)      # credit_account by default: 3.51 credited
        self.assertEqual([c["amount"] for c in self.view(inv)["credits"]], ["3.51"])
        r = self.refund(inv, {"variant": "overpaid", "reason": "customer asked"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json()["status"], r.json()["crypto_amount"], r.json()["destination"]),
                         ("awaiting_destination", "3.51", None))
        st, _, html = fetch(PAY, "GET", "/invoice/" + inv["id"])
        self.assertIn("refund-address", html.decode())
        dest = fresh_address()
        self.assertEqual(self.post_address(inv, dest)[0], 303)
        chain.pay_token(dest, 3510000, sender=chain.accounts()[9])
        self.settle()
        self.assertEqual(self.view(inv)["refunds"][0]["status"], "completed")

    def post_address(self, inv, addr):
        body = urllib.parse.urlencode({"address": addr}).encode()
        return fetch(PAY, "POST", "/invoice/%s/refund-address" % inv["id"], body,
                     {"Content-Type": "application/x-www-form-urlencoded"})

    def test_admin_list_and_show(self):
        inv = self.paid()
        ref = self.refund(inv, {"amount": "1.50", "destination": ZERO_ADDR}).json()
        rows = admin("refund", "list", "--status", "pending", "--limit", "500")
        mine = [x for x in rows if x["id"] == ref["id"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual((mine[0]["invoice_id"], mine[0]["crypto_amount_units"]),
                         (inv["id"], "1500000"))
        self.assertTrue(all(x["status"] == "pending" for x in rows))
        shown = admin("refund", "show", ref["id"])
        self.assertEqual((shown["id"], shown["destination"], shown["crypto_amount_units"]),
                         (ref["id"], ZERO_ADDR, "1500000"))
        p = admin("refund", "show", "ref_" + "a" * 26, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("no such refund", p.stderr)
        p = admin("refund", "list", "--status", "sent", check=False)
        self.assertNotEqual(p.returncode, 0)


if __name__ == "__main__":
    unittest.main()
