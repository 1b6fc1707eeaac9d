"""The customer's JSON view: public fields only, first view -> pending,
payment progress, cache validation, and JSON errors for bad ids."""
import json
import time
import unittest

import chain
from cc import PUB, fetch, invoice_body, new_merchant, request


def public(path, headers=None, method="GET"):
    status, hdrs, body = fetch(PUB, method, PUB.path + path, headers=headers)
    return status, hdrs, body.decode()


class PublicTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Public Shop")
        chain.scan()

    def create(self, **kw):
        r = request("POST", "invoices", invoice_body(**kw), key=self.key)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def test_public_fields_only(self):
        inv = self.create()
        st, h, body = public("/invoice/" + inv["id"])
        self.assertEqual(st, 200, body)
        self.assertTrue(h["content-type"].startswith("application/json"))
        v = json.loads(body, parse_float=str, parse_int=str)
        for k in ("id", "title", "description", "items", "subtotal", "tax", "total",
                  "currency", "crypto_currency", "usdt_amount", "address", "status",
                  "expires_at", "payments", "payment_progress", "return_url", "cancel_url",
                  "time_remaining"):
            self.assertIn(k, v)
        for k in ("metadata", "webhook_url", "audit_log", "webhook_deliveries",
                  "payment_tolerance", "credits", "refunds", "merchant_id"):
            self.assertNotIn(k, v)
        self.assertNotIn("cust_456", body)
        self.assertNotIn("merchant.com/webhook", body)
        self.assertEqual(v["merchant"], {"name": "Public Shop"})
        self.assertEqual(v["total"], "16.49")
        self.assertEqual(v["payment_progress"], {"received": "0.00", "required": "16.49",
                                                 "remaining": "16.49", "pending": "0.00",
                                                 "percent": "0.00"})
        self.assertTrue(1790 <= int(v["time_remaining"]) <= 1800, v["time_remaining"])

    def test_first_view_moves_to_pending_once(self):
        inv = self.create()
        self.assertEqual(request("GET", "invoices/" + inv["id"], key=self.key)
                         .json()["status"], "created")
        st, _, body = public("/invoice/" + inv["id"])
        self.assertEqual(json.loads(body)["status"], "pending")
        self.assertEqual(request("GET", "invoices/" + inv["id"], key=self.key)
                         .json()["status"], "pending")
        public("/invoice/" + inv["id"])
        self.assertEqual(json.loads(public("/invoice/" + inv["id"])[2])["status"], "pending")

    def test_progress_after_payment(self):
        inv = self.create(tax=0, items=[{"name": "x", "unit_price": "16.49"}],
                          payment_tolerance=None)
        public("/invoice/" + inv["id"])
        chain.pay_token(inv["address"], 10000000)
        chain.scan()
        v = json.loads(public("/invoice/" + inv["id"])[2], parse_float=str, parse_int=str)
        self.assertEqual(v["payment_progress"]["pending"], "10.00")
        self.assertEqual([p["status"] for p in v["payments"]], ["detected"])
        chain.mine(2)
        chain.scan()
        v = json.loads(public("/invoice/" + inv["id"])[2], parse_float=str, parse_int=str)
        self.assertEqual(v["payment_progress"], {"received": "10.00", "required": "16.49",
                                                 "remaining": "6.49", "pending": "0.00",
                                                 "percent": "60.64"})
        self.assertEqual(v["payments"][0]["amount"], "10")
        self.assertEqual(v["payments"][0]["confirmations"], "3")
        chain.pay_token(inv["address"], 6490000)
        chain.mine(2)
        chain.scan()
        v = json.loads(public("/invoice/" + inv["id"])[2], parse_float=str, parse_int=str)
        self.assertEqual(v["status"], "paid")
        self.assertEqual(v["time_remaining"], "0")
        self.assertIsNotNone(v["paid_at"])

    def test_cache_validation(self):
        """A weak tag that leaves the count-down out: still 304 seconds
        later, while time_remaining has moved; a change of state is a new
        tag."""
        inv = self.create()
        public("/invoice/" + inv["id"])         # the first view: pending
        st, h, body = public("/invoice/" + inv["id"])
        self.assertEqual(h["cache-control"], "no-cache")
        self.assertEqual(h["access-control-allow-origin"], "*")
        self.assertRegex(h["etag"], r'^W/"[0-9a-f]{32}"$')
        time.sleep(1.2)
        st2, h2, body2 = public("/invoice/" + inv["id"])
        self.assertNotEqual(json.loads(body)["time_remaining"],
                            json.loads(body2)["time_remaining"])
        self.assertEqual(h2["etag"], h["etag"])
        st3, _, body3 = public("/invoice/" + inv["id"], {"If-None-Match": h["etag"]})
        self.assertEqual((st3, body3), (304, ""))
        st, _, _ = public("/invoice/" + inv["id"], {"If-None-Match": '"stale"'})
        self.assertEqual(st, 200)
        request("POST", "invoices/%s/cancel" % inv["id"], {}, key=self.key)
        st, h4, _ = public("/invoice/" + inv["id"], {"If-None-Match": h["etag"]})
        self.assertEqual(st, 200)
        self.assertNotEqual(h4["etag"], h["etag"])

    def test_errors_are_json(self):
        for path, status in (("/invoice/nope", 404), ("/invoice/inv_" + "a" * 26, 404),
                             ("/invoice/inv_%27", 404), ("/nothing", 404),
                             ("/invoice/inv_" + "a" * 26 + "/x", 404)):
            st, h, body = public(path)
            self.assertEqual(st, status, (path, body))
            self.assertTrue(h["content-type"].startswith("application/json"), path)
            e = json.loads(body)
            self.assertIn("error", e)
            self.assertEqual(e["request_id"], h["x-request-id"])
        inv = self.create()
        st, h, body = public("/invoice/" + inv["id"], method="DELETE")
        self.assertEqual(st, 405)
        self.assertEqual(json.loads(body)["error"]["code"], "METHOD_NOT_ALLOWED")
