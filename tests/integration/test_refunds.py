"""Refunds through the real stack: the merchant records one (every variant
and refusal, Idempotency-Key), sends it on the local chain from another
wallet, and cc-scan completes it with invoice.refunded once confirmed,
never with a transfer made before the refund; a reorganisation undoes
that with refund.reverted; a cancellation's refund waits for an address;
a refunded overpayment's credit is given back; TRON addresses; cc-admin
lists and shows them."""
import hashlib
import json
import secrets
import unittest
import urllib.parse

import chain
from cc import (PAY, ApiTest, InvoiceHelpers, admin, fetch, invoice_body, new_merchant, psql, random_xpub,
                request)
from cc import event_types as events
from test_events import Stream
from test_webhooks import Receiver, wait_for

ZERO_ADDR = "0x" + "11" * 20


def fresh_address():
    """An address no other test (or earlier run) sends refunds to."""
    return "0x" + secrets.token_hex(20)



B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def tron_address(hex_addr):
    """The TRON spelling of a 20-byte address: base58check(0x41 || addr)."""
    raw = bytes([0x41]) + bytes.fromhex(hex_addr[2:])
    raw += hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4]
    n, out = int.from_bytes(raw, "big"), ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return out


def tron_to_hex(addr):
    n = 0
    for c in addr:
        n = n * 58 + B58.index(c)
    return "0x" + n.to_bytes(25, "big")[1:21].hex()


def tron_scan():
    return chain.tool("cc-scan", "--network", "tron-anvil")


def cursor(network):
    return int(psql("SELECT block_number FROM chain_cursors WHERE network = '%s'"
                    % network)[0])


class RefundTest(InvoiceHelpers, ApiTest):
    tolerance = {"overpayment_threshold": "0.50"}

    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Refund Shop")
        admin("wallet", "add", "--merchant", cls.merchant, "--network", "tron-anvil",
              "--xpub", random_xpub())
        chain.scan()        # the scanner's cursor starts at the head
        tron_scan()

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

    def test_a_transfer_before_the_refund_never_completes_it(self):
        """cc-scan not running: a transfer of the amount to the destination
        mined before the refund was recorded is below its horizon (the
        node's head then), though the scanner had not read it; one sent
        after completes it. The same when the customer gives the address
        on the payment page."""
        dest = fresh_address()
        inv = self.paid()
        # cc-scan keeps the head it last saw beside its cursor.
        self.assertEqual(psql("SELECT head_seen FROM chain_cursors WHERE network = '%s'"
                              % inv["network"]), [str(chain.head())])
        early = chain.pay_token(dest, 2000000, sender=chain.accounts()[9])
        mined = int(early["blockNumber"], 16)
        self.assertLess(cursor(inv["network"]), mined)     # not read yet
        ref = self.refund(inv, {"amount": "2.00", "destination": dest}).json()
        self.assertGreaterEqual(int(psql("SELECT created_block FROM refunds WHERE id = '%s'"
                                         % ref["id"])[0]), mined)
        self.settle()
        r = [x for x in self.view(inv)["refunds"] if x["id"] == ref["id"]][0]
        self.assertEqual((r["status"], r["tx_hash"]), ("pending", None))
        late = chain.pay_token(dest, 2000000, sender=chain.accounts()[9])
        self.settle()
        r = [x for x in self.view(inv)["refunds"] if x["id"] == ref["id"]][0]
        self.assertEqual((r["status"], r["tx_hash"]), ("completed", late["transactionHash"]))
        # The payment page: a refund awaiting an address, a transfer to
        # the address before the customer gives it.
        dest = fresh_address()
        ask = self.refund(inv, {"amount": "1.00"}).json()
        self.assertEqual(ask["status"], "awaiting_destination")
        early = chain.pay_token(dest, 1000000, sender=chain.accounts()[9])
        self.assertLess(cursor(inv["network"]), int(early["blockNumber"], 16))
        self.assertEqual(self.post_address(inv, dest)[0], 303)
        self.settle()
        r = [x for x in self.view(inv)["refunds"] if x["id"] == ask["id"]][0]
        self.assertEqual((r["status"], r["destination"], r["tx_hash"]), ("pending", dest, None))
        late = chain.pay_token(dest, 1000000, sender=chain.accounts()[9])
        self.settle()
        r = [x for x in self.view(inv)["refunds"] if x["id"] == ask["id"]][0]
        self.assertEqual((r["status"], r["tx_hash"]), ("completed", late["transactionHash"]))

    def test_reorg_undoes_a_completed_refund(self):
        rec = Receiver()
        self.addCleanup(rec.close)
        r = request("POST", "webhook-endpoints", {"url": rec.url, "events": ["refund.reverted"],
                                                  "allowed_ips": ["127.0.0.1"]}, key=self.key)
        self.assertEqual(r.status, 201, r)
        dest = fresh_address()
        inv = self.paid()
        ref = self.refund(inv, {"crypto_amount": "0.123457", "destination": dest}).json()
        chain.scan()
        sent = chain.pay_token(dest, 123457, sender=chain.accounts()[9])
        self.settle()
        self.assertEqual(self.view(inv)["refunds"][0]["status"], "completed")
        self.assertTrue(self.view(inv)["refunded"])
        self.assertNotIn("refund.reverted", events(inv["id"]))
        chain.reorg(4)          # the transfer's block and those after it replaced
        p = chain.scan()
        self.assertIn("reorganisation", p.stderr)
        r = self.view(inv)["refunds"][0]
        self.assertEqual((r["id"], r["status"], r["tx_hash"], r["completed_at"]),
                         (ref["id"], "pending", None, None))
        self.assertFalse(self.view(inv)["refunded"])
        # The merchant hears of it like a payment revert: the event, in
        # the rewind's transaction, to webhooks and the invoice's stream.
        self.assertEqual(events(inv["id"]).count("refund.reverted"), 1)

        def delivered():
            chain.tool("cc-webhooks", "--for", "0")
            return [json.loads(b) for _, _, b in rec.requests
                    if json.loads(b)["data"]["invoice_id"] == inv["id"]]
        got = wait_for(delivered, timeout=60, step=0.5)
        self.assertEqual(len(got), 1, got)
        self.assertEqual(got[0]["event"], "refund.reverted")
        d = got[0]["data"]
        self.assertEqual((d["refund_id"], d["refund_status"], d["previous_status"], d["amount"],
                          d["crypto_currency"], d["refunded_amount"], d["tx_hash"],
                          d["destination"], d["status"]),
                         (ref["id"], "pending", "completed", 0.123457, "USDT", 0,
                          sent["transactionHash"], dest, "paid"))
        # The customer's stream replays it after the refund it undoes.
        after = psql("SELECT id FROM events WHERE invoice_id = '%s' AND type = "
                     "'invoice.refunded'" % inv["id"])[0]
        s = Stream(inv["id"], last_event_id=after)
        self.addCleanup(s.close)
        self.assertEqual(s.status, 200)
        seen = []
        while "refund.reverted" not in seen:
            e = s.next()
            if e is None:
                break
            seen.append(e[1]["event"])
        self.assertIn("refund.reverted", seen)

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
        # The refund gives the credit back, with it: the customer is not
        # both credited and refunded.
        c = self.view(inv)["credits"]
        self.assertEqual([(x["amount"], x["refunded_amount"], x["remaining_amount"])
                          for x in c], [("3.51", "3.51", "0")])
        self.assertEqual(psql("SELECT details->>'credit_refunded_units' FROM audit_log WHERE "
                              "invoice_id = '%s' AND event = 'refund.created'" % inv["id"]),
                         ["3510000"])
        dest = fresh_address()
        self.assertEqual(self.post_address(inv, dest)[0], 303)
        chain.pay_token(dest, 3510000, sender=chain.accounts()[9])
        self.settle()
        self.assertEqual(self.view(inv)["refunds"][0]["status"], "completed")
        self.assertEqual(self.view(inv)["credits"][0]["remaining_amount"], "0")
        # A part of what the merchant kept leaves the credit standing; a
        # later refund beyond that part takes it.
        inv = self.paid(20000000)
        r = self.refund(inv, {"amount": "5.00", "destination": fresh_address()})
        self.assertEqual(r.status, 201, r)
        c = self.view(inv)["credits"]
        self.assertEqual([(x["refunded_amount"], x["remaining_amount"]) for x in c],
                         [("0", "3.51")])
        r = self.refund(inv, {"crypto_amount": "12", "destination": fresh_address()})
        self.assertEqual(r.status, 201, r)
        c = self.view(inv)["credits"]
        self.assertEqual([(x["refunded_amount"], x["remaining_amount"]) for x in c],
                         [("0.51", "3")])
        r = self.refund(inv, {"variant": "rate_then", "destination": fresh_address()})
        self.assertEqual((r.status, r.json()["crypto_amount"]), (201, "3"), r)
        c = self.view(inv)["credits"]
        self.assertEqual([(x["refunded_amount"], x["remaining_amount"]) for x in c],
                         [("3.51", "0")])
        # A refusal takes nothing.
        self.assertError(self.refund(inv, {"amount": "0.01", "destination": ZERO_ADDR}),
                         422, code="REFUND_EXCEEDS_RECEIVED")
        self.assertEqual(self.view(inv)["credits"][0]["refunded_amount"], "3.51")

    def test_tron_refund(self):
        """A tron-anvil invoice (the TRON code path on the local chain):
        destination must be a TRON address, and cc-scan completes the
        refund when the transfer is seen."""
        r = request("POST", "invoices", invoice_body(
            network="tron-anvil", items=[{"name": "x", "unit_price": "16.49"}], tax=0),
            key=self.key)
        self.assertEqual(r.status, 201, r)
        inv = r.json()
        chain.pay_token(tron_to_hex(inv["address"]), 16490000)
        for _ in range(3):
            tron_scan()
            chain.mine(1)
        tron_scan()
        self.assertEqual(self.view(inv)["status"], "paid")
        for bad in (fresh_address(), "T" + "x" * 33, tron_address(fresh_address())[:-1] + "1"):
            with self.subTest(destination=bad):
                self.assertError(self.refund(inv, {"amount": "3.00", "destination": bad}),
                                 422, "validation_error", "INVALID_ADDRESS", "destination")
        self.assertEqual(self.view(inv)["refunds"], [])
        hex_dest = fresh_address()
        dest = tron_address(hex_dest)
        r = self.refund(inv, {"amount": "3.00", "destination": dest})
        self.assertEqual(r.status, 201, r)
        ref = r.json()
        self.assertEqual((ref["network"], ref["destination"], ref["crypto_amount_units"]),
                         ("tron-anvil", dest, "3000000"))
        sent = chain.pay_token(hex_dest, 3000000, sender=chain.accounts()[9])
        for _ in range(3):
            tron_scan()
            chain.mine(1)
        tron_scan()
        v = self.view(inv)
        r = v["refunds"][0]
        self.assertEqual((r["status"], r["tx_hash"]), ("completed", sent["transactionHash"]))
        self.assertEqual(tron_to_hex(r["from_address"]), chain.accounts()[9].lower())
        self.assertTrue(v["refunded"])
        self.assertEqual(events(inv["id"])[-1], "invoice.refunded")

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
