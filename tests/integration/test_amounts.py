"""Exact amounts end to end. An ETH invoice (18 decimals) of 9,999.99 USD at
3000.123456789 USD/ETH asks for 3333192831571965436 wei, 19 significant
digits: more than a double or PostgreSQL's numeric division keeps. Paid to
the wei on the local chain, the amount must read 3.333192831571965436 in
the merchant and public views, the event stream, the webhooks and the
payment page; so must a credit and a refund of 19 digits."""
import decimal
import json
import secrets
import unittest

import chain
from cc import admin, invoice_body, new_merchant, psql, request
from test_events import Stream
from test_page import page
from test_public import public
from test_webhooks import Receiver, wait_for

RATE = "3000.123456789"
EVENTS = ["invoice.created", "invoice.expired", "invoice.cancelled",
          "payment.detected", "payment.confirming", "payment.confirmed",
          "payment.reverted", "invoice.paid", "invoice.refunded",
          "invoice.overpaid"]


def eth(units):
    """The exact decimal text of wei in ETH, by Python's decimal module:
    trailing zeros dropped, never an exponent."""
    ctx = decimal.Context(prec=100, traps=[decimal.Inexact, decimal.Rounded])
    return format(ctx.scaleb(decimal.Decimal(units), -18).normalize(ctx), "f")


def exact(text):
    """JSON with every number kept as its source text."""
    return json.loads(text, parse_float=str, parse_int=str)


class ExactAmountTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Exact Shop")
        # Rates are global: put the seeded ETH/USD rate back afterwards.
        old = psql("SELECT rate::text FROM rates "
                   "WHERE crypto = 'ETH' AND currency = 'USD'")
        if old:
            cls.addClassCleanup(admin, "rate", "set", "--crypto", "ETH",
                                "--currency", "USD", "--rate", old[0])
        admin("rate", "set", "--crypto", "ETH", "--currency", "USD",
              "--rate", RATE)
        cls.rec = Receiver()
        cls.addClassCleanup(cls.rec.close)
        r = request("POST", "webhook-endpoints",
                    {"url": cls.rec.url, "events": EVENTS,
                     "allowed_ips": ["127.0.0.1"]}, key=cls.key)
        assert r.status == 201, r
        # Other suites leave deliveries to hosts that do not exist here.
        psql("UPDATE webhook_deliveries SET status = 'cancelled', "
             "last_error = 'test isolation' WHERE status = 'pending' "
             "AND merchant_id <> '%s'" % cls.merchant)
        chain.scan()

    def invoice(self, **kw):
        body = invoice_body(crypto_currency="ETH", tax=0,
                            items=[{"name": "Exact", "unit_price": "9999.99"}],
                            **kw)
        del body["webhook_url"]
        r = request("POST", "invoices", body, key=self.key)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def view(self, inv):
        r = request("GET", "invoices/" + inv["id"], key=self.key)
        self.assertEqual(r.status, 200, r)
        return exact(r.body)

    def settle(self):
        chain.scan()
        for _ in range(2):
            chain.mine(1)
            chain.scan()

    def hooks(self, inv, want):
        """The webhook bodies of the invoice once `want` (event types) have
        arrived, by event type (the last of each)."""
        def got():
            chain.tool("cc-webhooks", "--for", "0")
            out = {}
            with self.rec.lock:
                raws = [b for _, _, b in self.rec.requests]
            for raw in raws:
                body = exact(raw)
                if body["data"]["invoice_id"] == inv["id"]:
                    out[body["event"]] = body["data"]
            return out if set(want) <= set(out) else None
        out = wait_for(got, timeout=40, step=0.5)
        self.assertIsNotNone(out, "webhooks %s not all delivered" % want)
        return out

    def test_paid_to_the_wei(self):
        units = -(-999999 * 10 ** 27 // (3000123456789 * 100))
        want = eth(units)
        self.assertEqual(want, "3.333192831571965436")

        inv = self.invoice()
        self.assertEqual(inv["crypto_amount_units"], str(units))
        self.assertEqual(inv["crypto_amount"], want)
        chain.pay_eth(inv["address"], units)
        self.settle()

        v = self.view(inv)
        self.assertEqual(v["status"], "paid", v)
        self.assertEqual(v["crypto_amount"], want)
        self.assertEqual([p["amount"] for p in v["payments"]], [want])
        self.assertEqual((v["credits"], v["refunds"]), ([], []))

        st, _, body = public("/invoice/" + inv["id"])
        self.assertEqual(st, 200, body)
        pv = exact(body)
        self.assertEqual(pv["crypto_amount"], want)
        self.assertEqual([p["amount"] for p in pv["payments"]], [want])

        # The stream's replay from the start: every payment event.
        s = Stream(inv["id"], last_event_id=0)
        try:
            msgs = []
            while True:
                m = s.next()
                if m is None:
                    break
                msgs.append(m[1])
        finally:
            s.close()
        pay = [m for m in msgs if m["event"].startswith("payment.")]
        self.assertEqual([m["event"] for m in pay],
                         ["payment.detected", "payment.confirming",
                          "payment.confirmed"])
        self.assertEqual([m["payment"]["amount"] for m in pay], [want] * 3)
        self.assertEqual(msgs[-1]["event"], "invoice.paid")

        hooks = self.hooks(inv, ["invoice.created", "payment.detected",
                                 "payment.confirmed", "invoice.paid"])
        self.assertEqual(hooks["invoice.created"]["crypto_amount"], want)
        self.assertEqual(hooks["payment.detected"]["payment"]["amount"], want)
        self.assertEqual(hooks["payment.confirmed"]["payment"]["amount"], want)
        self.assertEqual(hooks["invoice.paid"]["crypto_received"], want)

        st, _, html = page("/invoice/" + inv["id"])
        self.assertEqual(st, 200)
        self.assertIn(">%s</span> ETH" % want, html)

    def test_credit_and_refund_to_the_wei(self):
        units = -(-999999 * 10 ** 27 // (3000123456789 * 100))
        extra = 1234567890123456789
        over = self.invoice()
        chain.pay_eth(over["address"], units + extra)
        part = self.invoice()
        chain.pay_eth(part["address"], 1111111111111111111)
        self.settle()

        v = self.view(over)
        self.assertEqual(v["status"], "paid", v)
        self.assertEqual([p["amount"] for p in v["payments"]],
                         [eth(units + extra)])
        self.assertEqual([c["amount"] for c in v["credits"]],
                         ["1.234567890123456789"])

        r = request("POST", "invoices/%s/cancel" % part["id"],
                    {"reason": "exact test", "refund_partial_payments": True},
                    key=self.key)
        self.assertEqual(r.status, 200, r)
        self.assertEqual([x["amount"] for x in exact(r.body)["refunds"]],
                         ["1.111111111111111111"])
        v = self.view(part)
        self.assertEqual([p["amount"] for p in v["payments"]],
                         ["1.111111111111111111"])
        self.assertEqual([x["amount"] for x in v["refunds"]],
                         ["1.111111111111111111"])

        self.assertEqual([x["status"] for x in v["refunds"]],
                         ["awaiting_destination"])

        hooks = self.hooks(over, ["invoice.overpaid"])
        self.assertEqual(hooks["invoice.overpaid"]["overpaid_amount"],
                         "1.234567890123456789")
        # Refunding the excess: recorded and completed to the wei.
        dest = "0x" + secrets.token_hex(20)      # no other refund goes there
        r = request("POST", "invoices/%s/refunds" % over["id"],
                    {"variant": "overpaid", "destination": dest}, key=self.key)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(exact(r.body)["crypto_amount"], "1.234567890123456789")
        chain.pay_eth(dest, extra, sender=chain.accounts()[6])
        self.settle()
        hooks = self.hooks(over, ["invoice.created", "invoice.refunded"])
        self.assertEqual(hooks["invoice.created"]["crypto_amount"],
                         "3.333192831571965436")
        self.assertEqual(hooks["invoice.refunded"]["amount"],
                         "1.234567890123456789")
        self.assertEqual(hooks["invoice.refunded"]["refunded_amount"],
                         "1.234567890123456789")
