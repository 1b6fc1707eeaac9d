"""Create, get and cancel invoices over HTTP, with every kind of bad input."""
import json
import threading
import unittest
from decimal import Decimal, ROUND_CEILING

from cc import ENV, admin, invoice_body, new_merchant, psql, request

# Published first addresses of the BIP39 test mnemonic "abandon ... about"
# (m/44'/60'/0'/0/i and m/44'/195'/0'/0/0), whose account xpubs the test
# wallets use.
ADDR0 = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
ADDR1 = "0x6Fac4D18c912343BF86fa7049364Dd4E424Ab9C0"
TRON0 = "TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH"


def wei_for(usd, rate):
    q = (Decimal(usd) / Decimal(rate) * 10 ** 18).to_integral_value(ROUND_CEILING)
    return str(int(q))


class CreateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Create Shop", live_wallets=True)

    def create(self, body, **kw):
        return request("POST", "invoices", body, key=self.key, **kw)

    def assertInvalid(self, body, status, code, field=None, raw=False):
        before = psql("SELECT count(*) FROM invoices WHERE merchant_id = '%s'" % self.merchant)
        r = self.create(body, raw=raw)
        self.assertEqual(r.status, status, r)
        e = r.json()["error"]
        self.assertEqual(e["code"], code, r)
        self.assertEqual(e["type"], "invalid_request_error" if status in (400, 413)
                         else "validation_error", r)
        if field is not None:
            self.assertEqual(e.get("field"), field, r)
        after = psql("SELECT count(*) FROM invoices WHERE merchant_id = '%s'" % self.merchant)
        self.assertEqual(before, after, "a refused request changed something")
        return e

    def test_01_first_addresses_are_the_wallets(self):
        # The demo merchant's wallet is the test mnemonic's account xpub and
        # no other test uses its key: its first invoices get indexes 0 and
        # 1, the addresses any wallet app shows for that account.
        ids = [request("POST", "invoices", invoice_body(), key=ENV["CC_TEST_KEY"]).json()
               for _ in range(2)]
        idx = psql("SELECT derivation_index FROM invoices WHERE id IN ('%s', '%s') "
                   "ORDER BY derivation_index" % (ids[0]["id"], ids[1]["id"]))
        self.assertEqual(idx, ["0", "1"])
        self.assertEqual([i["address"] for i in ids], [ADDR0, ADDR1])
        m, _ = new_merchant("Tron Shop", wallet=False, live_wallets=True,
                            tron_xpub=ENV["CC_DEMO_TRON_XPUB"])
        live = admin("key", "create", "--merchant", m, "--type", "live")["secret"]
        r = request("POST", "invoices", invoice_body(), key=live)
        self.assertEqual(r.json()["address"], TRON0, r)

    def test_spec_example(self):
        r = self.create(invoice_body())
        self.assertEqual(r.status, 201, r)
        raw = r.body
        v = r.json()
        self.assertRegex(v["id"], r"^inv_[a-z2-7]{26}$")
        # Exact decimal text, not floating point noise.
        for frag in ('"subtotal":14.99', '"tax":1.50', '"total":16.49', '"usdt_amount":16.49',
                     '"crypto_amount":16.49', '"unit_price":2.50', '"amount":5.00',
                     '"underpayment_threshold":0.01', '"overpayment_threshold":1.00'):
            self.assertIn(frag, raw)
        self.assertEqual(v["crypto_amount_units"], "16490000")
        for k in ("title", "description", "currency", "crypto_currency", "webhook_url",
                  "return_url", "cancel_url"):
            self.assertEqual(v[k], invoice_body()[k])
        self.assertEqual(v["metadata"], invoice_body()["metadata"])
        self.assertEqual(v["status"], "created")
        self.assertEqual(v["network"], ENV["CC_USDT_NETWORK"])
        self.assertEqual(v["livemode"], False)
        self.assertRegex(v["address"], r"^0x[0-9a-fA-F]{40}$")
        self.assertEqual(v["customer_url"], ENV["CC_PAY_URL"] + "/invoice/" + v["id"])
        self.assertEqual(v["qr_code_url"],
                         ENV["CC_PUBLIC_URL"] + "/invoice/%s/qr?size=256" % v["id"])
        self.assertEqual(v["exchange_rate"]["source"], "peg")
        self.assertEqual(v["exchange_rate"]["rate"], "1")
        self.assertEqual(v["exchange_rate"]["locked_at"], v["created_at"])
        self.assertEqual(v["payment_tolerance"]["overpayment_action"], "credit_account")
        self.assertEqual([i["name"] for i in v["items"]], ["VPN Premium Plan", "Additional Static IP"])
        # 30 minutes from creation, per expires_in and price_lock_duration.
        rows = psql("SELECT extract(epoch FROM expires_at - created_at)::int, "
                    "extract(epoch FROM rate_expires_at - rate_locked_at)::int "
                    "FROM invoices WHERE id = '%s'" % v["id"])
        self.assertEqual(rows, ["1800|1800"])

    def test_addresses_are_unique(self):
        addrs = {self.create(invoice_body()).json()["address"] for _ in range(5)}
        self.assertEqual(len(addrs), 5)

    def test_eth_amount_without_floating_point(self):
        body = invoice_body(crypto_currency="ETH", tax=0,
                            items=[{"name": "x", "quantity": 3, "unit_price": "16.49"}])
        v = self.create(body).json()
        self.assertEqual(v["total"], "49.47")
        self.assertEqual(v["crypto_amount_units"], wei_for("49.47", "3000.00"))
        self.assertNotIn("usdt_amount", v)
        self.assertEqual(v["exchange_rate"]["rate"], "3000")
        # 10 USD at 3000 is a repeating decimal: rounded up to the wei.
        v = self.create(invoice_body(crypto_currency="ETH", tax=0,
                                     items=[{"name": "x", "unit_price": 10}])).json()
        self.assertEqual(v["crypto_amount_units"], "3333333333333334")
        self.assertEqual(v["crypto_amount"], "0.003333333333333334")

    def test_other_currency(self):
        v = self.create(invoice_body(currency="eur", tax=0,
                                     items=[{"name": "x", "unit_price": 10}])).json()
        self.assertEqual(v["currency"], "EUR")
        self.assertEqual(v["crypto_amount_units"], "10869566")  # ceil(10 / 0.92, 6 dp)
        v = self.create(invoice_body(currency="JPY", tax=0, payment_tolerance=None,
                                     items=[{"name": "x", "unit_price": 1500}]))
        self.assertEqual(v.status, 503)   # no USDT/JPY rate configured
        self.assertEqual(v.json()["error"]["code"], "RATE_UNAVAILABLE")
        self.assertEqual(v.json()["error"]["type"], "api_error")
        self.assertEqual(v.json()["error"]["field"], "crypto_currency")
        self.assertInvalid(invoice_body(currency="JPY", tax=0,
                                        items=[{"name": "x", "unit_price": 1500.5}]),
                           422, "INVALID_AMOUNT", "items[0].unit_price")

    def test_defaults_and_minimal_body(self):
        r = self.create({"currency": "USD", "crypto_currency": "USDT",
                         "items": [{"name": "Coffee", "unit_price": 3.5}]})
        self.assertEqual(r.status, 201, r)
        v = r.json()
        self.assertEqual(v["items"][0]["quantity"], "1")
        self.assertEqual(v["total"], "3.50")
        self.assertEqual(v["metadata"], {})
        self.assertIsNone(v["title"])
        self.assertEqual(v["payment_tolerance"]["underpayment_threshold"], "0.00")

    def test_malformed_json(self):
        self.assertInvalid('{"currency": "USD",', 400, "INVALID_JSON", raw=True)
        self.assertInvalid('{"currency": "USD"} x', 400, "INVALID_JSON", raw=True)
        self.assertInvalid('{"currency": "USD",}', 400, "INVALID_JSON", raw=True)
        self.assertInvalid('{"n": 01}', 400, "INVALID_JSON", raw=True)
        self.assertInvalid('{"n": NaN}', 400, "INVALID_JSON", raw=True)
        self.assertInvalid('{"n": 1} /* c */', 400, "INVALID_JSON", raw=True)
        self.assertInvalid('[' * 40 + ']' * 40, 400, "INVALID_JSON", raw=True)
        self.assertInvalid("[1, 2]", 400, "INVALID_JSON", raw=True)
        self.assertInvalid("", 400, "INVALID_JSON", raw=True)
        self.assertInvalid("{'a': 1}", 400, "INVALID_JSON", raw=True)
        self.assertInvalid(b'{"title": "\xff\xfe", "currency": "USD"}', 400, "INVALID_JSON",
                           raw=True)
        self.assertInvalid(b'{"title": "a\x00b"}', 400, "INVALID_JSON", raw=True)

    def test_body_too_large(self):
        body = invoice_body(description="x" * (70 * 1024))
        self.assertInvalid(body, 413, "REQUEST_TOO_LARGE")

    def test_missing_and_wrong_types(self):
        b = invoice_body()
        del b["items"]
        self.assertInvalid(b, 422, "MISSING_FIELD", "items")
        b = invoice_body()
        del b["currency"]
        self.assertInvalid(b, 422, "MISSING_FIELD", "currency")
        self.assertInvalid(invoice_body(items=[]), 422, "INVALID_LENGTH", "items")
        self.assertInvalid(invoice_body(items={"name": "x"}), 422, "INVALID_TYPE", "items")
        self.assertInvalid(invoice_body(items=["x"]), 422, "INVALID_TYPE", "items[0]")
        self.assertInvalid(invoice_body(items=[{"unit_price": 1}]), 422, "MISSING_FIELD",
                           "items[0].name")
        self.assertInvalid(invoice_body(items=[{"name": 5, "unit_price": 1}]), 422,
                           "INVALID_TYPE", "items[0].name")
        self.assertInvalid(invoice_body(items=[{"name": "a"}]), 422, "MISSING_FIELD",
                           "items[0].unit_price")
        self.assertInvalid(invoice_body(title=["x"]), 422, "INVALID_TYPE", "title")
        self.assertInvalid(invoice_body(currency=840), 422, "INVALID_TYPE", "currency")
        self.assertInvalid(invoice_body(expires_in="1800"), 422, "INVALID_TYPE", "expires_in")
        self.assertInvalid(invoice_body(metadata=[1]), 422, "INVALID_TYPE", "metadata")
        self.assertInvalid(invoice_body(colour="red"), 422, "UNKNOWN_FIELD", "colour")
        self.assertInvalid(invoice_body(items=[{"name": "a", "unit_price": 1, "sku": 1}]),
                           422, "UNKNOWN_FIELD", "items[0].sku")

    def test_quantities(self):
        for q, code in ((0, "INVALID_VALUE"), (-1, "INVALID_VALUE"), (1000001, "INVALID_VALUE"),
                        (2 ** 63, "INVALID_VALUE"), (1.5, "INVALID_TYPE"), ("2", "INVALID_TYPE"),
                        (True, "INVALID_TYPE")):
            items = [{"name": "a", "quantity": q, "unit_price": 1}]
            self.assertInvalid(invoice_body(items=items), 422, code, "items[0].quantity")
        items = [{"name": "a", "quantity": 10 ** 30, "unit_price": 1}]
        self.assertInvalid(invoice_body(items=items), 400, "INVALID_JSON")

    def test_prices(self):
        def items(p):
            return [{"name": "a", "unit_price": 1}, {"name": "b", "unit_price": p}]
        self.assertInvalid(invoice_body(items=items(-1)), 422, "INVALID_AMOUNT", "items[1].unit_price")
        self.assertInvalid(invoice_body(items=items("9.999")), 422, "INVALID_AMOUNT",
                           "items[1].unit_price")
        self.assertInvalid('{"currency":"USD","crypto_currency":"USDT","items":[{"name":"a",'
                           '"unit_price":9.999}]}', 422, "INVALID_AMOUNT", "items[0].unit_price",
                           raw=True)
        self.assertInvalid('{"currency":"USD","crypto_currency":"USDT","items":[{"name":"a",'
                           '"unit_price":1e2}]}', 422, "INVALID_AMOUNT", "items[0].unit_price",
                           raw=True)
        e = self.assertInvalid('{"currency":"USD","crypto_currency":"USDT","items":[{"name":"a",'
                               '"unit_price":99999999999999999999999999}]}', 400, "INVALID_JSON",
                               raw=True)
        self.assertIn("64 bits", e["message"])
        self.assertInvalid('{"currency":"USD","crypto_currency":"USDT","items":[{"name":"a",'
                           '"unit_price":99999999999999999999999999.5}]}', 422, "INVALID_AMOUNT",
                           "items[0].unit_price", raw=True)
        self.assertInvalid('{"currency":"USD","crypto_currency":"USDT","items":[{"name":"a",'
                           '"unit_price":1e400}]}', 422, "INVALID_AMOUNT", "items[0].unit_price",
                           raw=True)
        self.assertInvalid(invoice_body(items=items("abc")), 422, "INVALID_AMOUNT",
                           "items[1].unit_price")
        self.assertInvalid(invoice_body(tax=-0.01), 422, "INVALID_AMOUNT", "tax")
        self.assertInvalid(invoice_body(tax=0.001), 422, "INVALID_AMOUNT", "tax")
        # Many items whose product overflows.
        big = [{"name": "a", "quantity": 1000000, "unit_price": "99999999999.99"}] * 3
        self.assertInvalid(invoice_body(items=big), 422, "INVALID_AMOUNT")

    def test_amount_limits(self):
        e = self.assertInvalid(invoice_body(tax=0, items=[{"name": "a", "unit_price": 0.49}]),
                               422, "INVALID_AMOUNT", "items[0].unit_price")
        self.assertEqual(e["constraints"], {"min_amount": "0.50", "max_amount": "10000.00",
                                            "currency": "USD"})
        self.assertTrue(e["suggestions"])
        self.assertInvalid(invoice_body(tax=0, items=[{"name": "a", "unit_price": "10000.01"}]),
                           422, "INVALID_AMOUNT", "items[0].unit_price")
        self.assertInvalid(invoice_body(tax=1, items=[{"name": "a", "unit_price": 5000},
                                                      {"name": "b", "unit_price": 5000}]),
                           422, "INVALID_AMOUNT", "items")
        for ok in ("0.50", "10000.00"):
            r = self.create(invoice_body(tax=0, payment_tolerance=None,
                                         items=[{"name": "a", "unit_price": ok}]))
            self.assertEqual(r.status, 201, r)
            self.assertEqual(r.json()["total"], ok)

    def test_unknown_currencies_and_networks(self):
        self.assertInvalid(invoice_body(currency="XYZ"), 422, "UNSUPPORTED_CURRENCY", "currency")
        self.assertInvalid(invoice_body(currency="GBP"), 422, "UNSUPPORTED_CURRENCY", "currency")
        self.assertInvalid(invoice_body(crypto_currency="DOGE"), 422,
                           "UNSUPPORTED_CRYPTO_CURRENCY", "crypto_currency")
        self.assertInvalid(invoice_body(network="solana"), 422, "UNSUPPORTED_NETWORK", "network")
        self.assertInvalid(invoice_body(network="tron", crypto_currency="ETH"), 422,
                           "UNSUPPORTED_NETWORK", "network")
        self.assertInvalid(invoice_body(network=7), 422, "INVALID_TYPE", "network")
        r = self.create(invoice_body(network=ENV["CC_USDT_NETWORK"]))
        self.assertEqual(r.status, 201, r)

    def test_urls(self):
        for bad in ("ftp://merchant.com/x", "javascript:alert(1)", "http://", "merchant.com",
                    "https://user:pw@merchant.com/", "https://merchant.com/a b"):
            for f in ("webhook_url", "return_url", "cancel_url"):
                self.assertInvalid(invoice_body(**{f: bad}), 422, "INVALID_URL", f)
        self.assertInvalid(invoice_body(webhook_url="https://m.com/" + "a" * 2048), 422,
                           "INVALID_LENGTH", "webhook_url")
        r = self.create(invoice_body(return_url="http://localhost:3000/done?x=1#y"))
        self.assertEqual(r.status, 201, r)

    def test_metadata(self):
        self.assertInvalid(invoice_body(metadata={"a": {"b": 1}}), 422, "INVALID_TYPE", "metadata.a")
        self.assertInvalid(invoice_body(metadata={"a": [1]}), 422, "INVALID_TYPE", "metadata.a")
        self.assertInvalid(invoice_body(metadata={"k%d" % i: i for i in range(51)}), 422,
                           "INVALID_LENGTH", "metadata")
        self.assertInvalid(invoice_body(metadata={"k" * 41: 1}), 422, "INVALID_VALUE", "metadata")
        self.assertInvalid(invoice_body(metadata={"k": "v" * 501}), 422, "INVALID_LENGTH", "metadata.k")
        self.assertInvalid(invoice_body(metadata={"k%d" % i: "v" * 400 for i in range(25)}), 422,
                           "INVALID_LENGTH", "metadata")
        r = self.create(invoice_body(metadata={"n": 1.10, "b": True, "z": None, "s": "é✓"}))
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["metadata"], {"n": "1.1", "b": True, "z": None, "s": "é✓"})

    def test_durations(self):
        self.assertInvalid(invoice_body(expires_in=59, price_lock_duration=59), 422,
                           "INVALID_VALUE", "expires_in")
        self.assertInvalid(invoice_body(expires_in=30 * 86400 + 1), 422, "INVALID_VALUE",
                           "expires_in")
        self.assertInvalid(invoice_body(price_lock_duration=59), 422, "INVALID_VALUE",
                           "price_lock_duration")
        self.assertInvalid(invoice_body(expires_in=600, price_lock_duration=601), 422,
                           "INVALID_VALUE", "price_lock_duration")
        r = self.create(invoice_body(expires_in=30 * 86400, price_lock_duration=60))
        self.assertEqual(r.status, 201, r)

    def test_tolerance(self):
        self.assertInvalid(invoice_body(payment_tolerance=1), 422, "INVALID_TYPE",
                           "payment_tolerance")
        self.assertInvalid(invoice_body(payment_tolerance={"underpayment_threshold": -1}), 422,
                           "INVALID_AMOUNT", "payment_tolerance.underpayment_threshold")
        self.assertInvalid(invoice_body(payment_tolerance={"underpayment_threshold": 16.49}), 422,
                           "INVALID_AMOUNT", "payment_tolerance.underpayment_threshold")
        self.assertInvalid(invoice_body(payment_tolerance={"overpayment_action": "keep"}), 422,
                           "INVALID_VALUE", "payment_tolerance.overpayment_action")
        self.assertInvalid(invoice_body(payment_tolerance={"x": 1}), 422, "UNKNOWN_FIELD",
                           "payment_tolerance.x")
        r = self.create(invoice_body(payment_tolerance={"overpayment_action": "refund"}))
        self.assertEqual(r.json()["payment_tolerance"]["overpayment_action"], "refund")

    def test_text_fields(self):
        self.assertInvalid(invoice_body(title="t" * 201), 422, "INVALID_LENGTH", "title")
        self.assertInvalid(invoice_body(title="a\u0007b"), 422, "INVALID_VALUE", "title")
        self.assertInvalid(invoice_body(items=[{"name": "", "unit_price": 1}]), 422,
                           "INVALID_LENGTH", "items[0].name")
        r = self.create(invoice_body(title="Café ☕ <b>&", description="line1\nline2"))
        self.assertEqual(r.json()["title"], "Café ☕ <b>&")
        self.assertEqual(r.json()["description"], "line1\nline2")


class ViewAndCancelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("View Shop")

    def test_merchant_view_and_audit(self):
        r = request("POST", "invoices", invoice_body(), key=self.key,
                    headers={"User-Agent": "MyApp/1.0"})
        v = r.json()
        g = request("GET", "invoices/" + v["id"], key=self.key)
        self.assertEqual(g.status, 200, g)
        m = g.json()
        for k in ("id", "title", "status", "total", "currency", "usdt_amount", "address",
                  "expires_at", "items", "metadata", "exchange_rate"):
            self.assertEqual(m[k], v[k], k)
        self.assertIsNone(m["paid_at"])
        self.assertEqual(m["payments"], [])
        # The invoice's own webhook_url gets invoice.created, queued in the
        # same transaction (cc-webhooks has not run).
        d = m["webhook_deliveries"]
        self.assertEqual([(x["event"], x["url"], x["status"]) for x in d],
                         [("invoice.created", "https://merchant.com/webhook", "pending")])
        self.assertRegex(d[0]["id"], r"^whd_")
        self.assertIsNone(d[0]["endpoint_id"])
        self.assertEqual(d[0]["attempt_log"], [])
        self.assertEqual(len(m["audit_log"]), 1)
        a = m["audit_log"][0]
        self.assertEqual(a["event"], "invoice.created")
        self.assertRegex(a["id"], r"^audit_")
        self.assertRegex(a["actor"], r"^api_key:sk_test_\*\*\*[a-z2-7]{3}$")
        self.assertEqual(a["actor"][-3:], self.key[-3:])
        self.assertEqual(a["ip_address"], "127.0.0.1")
        self.assertEqual(a["user_agent"], "MyApp/1.0")
        self.assertEqual(a["request_id"], r.header("x-request-id"))
        self.assertEqual(a["timestamp"], v["created_at"])
        # The event row was written with the invoice.
        self.assertEqual(psql("SELECT type FROM events WHERE invoice_id = '%s'" % v["id"]),
                         ["invoice.created"])

    def test_get_bad_ids(self):
        for bad in ("inv_doesnotexist", "inv_" + "a" * 26, "x" * 300, "inv_%27%3B--", "%C3%A9"):
            r = request("GET", "invoices/" + bad, key=self.key)
            self.assertEqual(r.status, 404, r)
            self.assertIn("error", r.json())

    def test_cancel(self):
        v = request("POST", "invoices", invoice_body(), key=self.key).json()
        r = request("POST", "invoices/%s/cancel" % v["id"],
                    {"reason": "Customer requested cancellation",
                     "refund_partial_payments": True}, key=self.key)
        self.assertEqual(r.status, 200, r)
        c = r.json()
        self.assertEqual(c["status"], "cancelled")
        self.assertIsNotNone(c["cancelled_at"])
        self.assertEqual(c["cancellation_reason"], "Customer requested cancellation")
        self.assertEqual(c["refund_partial_payments"], True)
        self.assertEqual([a["event"] for a in c["audit_log"]],
                         ["invoice.created", "invoice.cancelled"])
        self.assertEqual(c["audit_log"][1]["request_id"], r.header("x-request-id"))
        self.assertEqual(psql("SELECT type FROM events WHERE invoice_id = '%s' ORDER BY seq"
                              % v["id"]), ["invoice.created", "invoice.cancelled"])
        again = request("POST", "invoices/%s/cancel" % v["id"], {}, key=self.key)
        self.assertEqual(again.status, 409, again)
        self.assertEqual(again.json()["error"]["code"], "INVOICE_ALREADY_CANCELLED")
        self.assertEqual(again.json()["error"]["type"], "conflict_error")
        # Nothing changed by the refused second cancel.
        self.assertEqual(len(request("GET", "invoices/" + v["id"], key=self.key)
                             .json()["audit_log"]), 2)

    def test_cancel_race(self):
        """Cancels at the same moment queue on the invoice's row lock: one
        wins, the others read its result and are refused."""
        for _ in range(3):
            v = request("POST", "invoices", invoice_body(), key=self.key).json()
            got = [None] * 3

            def cancel(i):
                got[i] = request("POST", "invoices/%s/cancel" % v["id"],
                                 {"refund_partial_payments": True}, key=self.key)
            threads = [threading.Thread(target=cancel, args=(i,)) for i in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(sorted(r.status for r in got), [200, 409, 409], got)
            self.assertEqual([r.json()["error"]["code"] for r in got if r.status == 409],
                             ["INVOICE_ALREADY_CANCELLED"] * 2)
            self.assertEqual(psql("SELECT type FROM events WHERE invoice_id = '%s' "
                                  "ORDER BY seq" % v["id"]),
                             ["invoice.created", "invoice.cancelled"])
            self.assertEqual(psql("SELECT count(*) FROM audit_log WHERE invoice_id = '%s'"
                                  % v["id"]), ["2"])

    def test_cancel_without_body(self):
        v = request("POST", "invoices", invoice_body(), key=self.key).json()
        r = request("POST", "invoices/%s/cancel" % v["id"], key=self.key)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["refund_partial_payments"], False)

    def test_cancel_paid_or_expired(self):
        for status, code in (("paid", "INVOICE_ALREADY_PAID"), ("expired", "INVOICE_EXPIRED")):
            v = request("POST", "invoices", invoice_body(), key=self.key).json()
            psql("UPDATE invoices SET status = '%s' WHERE id = '%s'" % (status, v["id"]))
            r = request("POST", "invoices/%s/cancel" % v["id"], {}, key=self.key)
            self.assertEqual(r.status, 409, r)
            self.assertEqual(r.json()["error"]["code"], code)
        # Past expires_at but not yet swept by the expiry job: still expired.
        v = request("POST", "invoices", invoice_body(), key=self.key).json()
        psql("UPDATE invoices SET expires_at = now() - interval '1 second' WHERE id = '%s'"
             % v["id"])
        r = request("POST", "invoices/%s/cancel" % v["id"], {}, key=self.key)
        self.assertEqual(r.json()["error"]["code"], "INVOICE_EXPIRED")

    def test_cancel_bad_input(self):
        v = request("POST", "invoices", invoice_body(), key=self.key).json()
        path = "invoices/%s/cancel" % v["id"]
        for body, status, field in (({"reason": 5}, 422, "reason"),
                                    ({"reason": "r" * 501}, 422, "reason"),
                                    ({"refund_partial_payments": "yes"}, 422,
                                     "refund_partial_payments"),
                                    ({"other": 1}, 422, "other")):
            r = request("POST", path, body, key=self.key)
            self.assertEqual(r.status, status, r)
            self.assertEqual(r.json()["error"].get("field"), field, r)
        r = request("POST", path, "{bad", key=self.key, raw=True)
        self.assertEqual(r.status, 400, r)
        self.assertEqual(request("GET", "invoices/" + v["id"], key=self.key).json()["status"],
                         "created")
