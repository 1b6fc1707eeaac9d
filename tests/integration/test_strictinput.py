"""Input a new user would try, through the web server: a body that is not
sent as application/json (415), a JSON key given twice (400
DUPLICATE_KEY, on every route with a body), and bidi controls or
invisible characters in the texts the payment page and the merchant views
show (422). Each refusal changes nothing."""
import json
import unittest

from cc import PAY, ApiTest, admin, fetch, invoice_body, new_merchant, psql, request

RLO = "\u202e"


def count(sql):
    return int(psql(sql)[0])


class StrictInputTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Strict Shop")

    def api(self, method, path, body=None, ctype="application/json"):
        """body as given (text), with Content-Type ctype (None: none)."""
        h = {}
        if ctype is not None:
            h["Content-Type"] = ctype
        if body is not None and not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        return request(method, path, body, key=self.key, raw=True, headers=h)

    def invoices(self):
        return count("SELECT count(*) FROM invoices WHERE merchant_id = '%s'" % self.merchant)

    def create(self, **kw):
        r = request("POST", "invoices", invoice_body(**kw), key=self.key)
        self.assertEqual(r.status, 201, r)
        return r.json()

    # ---- Content-Type

    def test_415_unless_json(self):
        before = self.invoices()
        body = json.dumps(invoice_body())
        for ctype in ("application/x-www-form-urlencoded", "text/plain",
                      "multipart/form-data; boundary=x", "application/merge-patch+json",
                      "application/json; charset=latin1", "text/json", ""):
            r = self.api("POST", "invoices", body, ctype=ctype)
            self.assertError(r, 415, "invalid_request_error", "UNSUPPORTED_MEDIA_TYPE",
                             message="application/json")
        # No Content-Type at all: a body must still say what it is.
        r = request("POST", "invoices", body.encode(), key=self.key, raw=True,
                    headers={"Content-Type": None})
        self.assertEqual(r.status, 415, r)
        self.assertEqual(self.invoices(), before)
        for ctype in ("application/json", "Application/JSON; charset=UTF-8",
                      "application/json;charset=\"utf-8\""):
            r = self.api("POST", "invoices", body, ctype=ctype)
            self.assertEqual(r.status, 201, (ctype, r))
        self.assertEqual(self.invoices(), before + 3)

    def test_415_on_every_route_with_a_body(self):
        inv = self.create()
        ep = request("POST", "webhook-endpoints",
                     {"url": "https://93.184.215.14/hook", "events": ["invoice.paid"]},
                     key=self.key)
        self.assertEqual(ep.status, 201, ep)
        ep = ep.json()
        for method, path, body in (
                ("POST", "invoices/%s/cancel" % inv["id"], "{}"),
                ("POST", "webhook-endpoints", json.dumps({"url": "https://93.184.215.14/h",
                                                          "events": ["invoice.paid"]})),
                ("PATCH", "webhook-endpoints/" + ep["id"], '{"timeout": 5}'),
                ("POST", "webhook-endpoints/%s/rotate-secret" % ep["id"], "{}"),
                ("POST", "invoice-webhook-secret/rotate", "{}"),
                ("POST", "auth/token", json.dumps({"grant_type": "api_key",
                                                   "api_key": self.key}))):
            r = self.api(method, path, body, ctype="application/x-www-form-urlencoded")
            self.assertError(r, 415, code="UNSUPPORTED_MEDIA_TYPE")
        # Nothing changed: the invoice is open, the endpoint as it was.
        r = request("GET", "invoices/" + inv["id"], key=self.key)
        self.assertEqual(r.json()["status"], inv["status"])
        r = request("GET", "webhook-endpoints/" + ep["id"], key=self.key)
        self.assertEqual(r.json()["timeout"], ep["timeout"])

    def test_body_less_posts_need_no_type(self):
        """cancel and rotate take no body: without one, no Content-Type is
        needed (curl -X POST with Content-Length: 0)."""
        inv = self.create()
        r = request("POST", "invoices/%s/cancel" % inv["id"], b"", key=self.key, raw=True,
                    headers={"Content-Type": None})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "cancelled")

    # ---- duplicate keys

    def test_duplicate_keys_refused_everywhere(self):
        before = self.invoices()
        good = json.dumps(invoice_body())
        cases = [
            (good[:-1] + ', "title": "Other"}', "title"),
            (good[:-1] + ', "\\u0074itle": "Other"}', "title"),
            (good.replace('"quantity": 1,', '"quantity": 1, "quantity": 100,', 1),
             "items[0].quantity"),
            (good.replace('"unit_price": 2.5', '"unit_price": 2.5, "unit_price": 0.01', 1),
             "items[1].unit_price"),
            (good.replace('"order_id": "ord_789"', '"order_id": "a", "order_id": "b"'),
             "metadata.order_id"),
        ]
        for text, field in cases:
            self.assertNotEqual(text, good, field)
            r = self.api("POST", "invoices", text)
            e = self.assertError(r, 400, "invalid_request_error", "DUPLICATE_KEY", field=field)
            self.assertIn(field, e["error"]["message"])
        self.assertEqual(self.invoices(), before)
        inv = self.create()
        ep = request("POST", "webhook-endpoints",
                     {"url": "https://93.184.215.14/hook", "events": ["invoice.paid"]},
                     key=self.key).json()
        for method, path, text, field in (
                ("POST", "invoices/%s/cancel" % inv["id"],
                 '{"reason": "a", "reason": "b"}', "reason"),
                ("POST", "webhook-endpoints",
                 '{"url": "https://93.184.215.14/h", "events": ["invoice.paid"], '
                 '"url": "https://93.184.215.14/g"}', "url"),
                ("PATCH", "webhook-endpoints/" + ep["id"],
                 '{"enabled": true, "enabled": false}', "enabled"),
                ("POST", "webhook-endpoints/%s/rotate-secret" % ep["id"], '{"a": 1, "a": 1}', "a"),
                ("POST", "invoice-webhook-secret/rotate", '{"a": 1, "a": 1}', "a"),
                ("POST", "auth/token", '{"grant_type": "api_key", "api_key": "%s", '
                 '"scope": ["invoices:read"], "scope": ["*"]}' % self.key, "scope")):
            r = self.api(method, path, text)
            self.assertError(r, 400, code="DUPLICATE_KEY", field=field)
        r = request("GET", "invoices/" + inv["id"], key=self.key)
        self.assertEqual(r.json()["status"], inv["status"])
        r = request("GET", "webhook-endpoints/" + ep["id"], key=self.key)
        self.assertTrue(r.json()["enabled"])

    def test_lone_surrogate_refused(self):
        r = self.api("POST", "invoices", json.dumps(invoice_body())[:-1] +
                     ', "description": "a\\ud800b"}')
        self.assertError(r, 400, code="INVALID_JSON", message="lone surrogate")

    # ---- bidi controls and invisible characters

    def test_disguising_characters_refused(self):
        before = self.invoices()
        items = lambda **kw: [dict({"name": "Plan", "quantity": 1, "unit_price": "9.99"}, **kw)]
        for kw, field in (
                ({"title": "Total " + RLO + "0001$"}, "title"),
                ({"title": "1\u200b000"}, "title"),
                ({"title": "\ufeffVPN"}, "title"),
                ({"description": "a\u2066b\u2069"}, "description"),
                ({"items": items(name="Plan \u200f")}, "items[0].name"),
                ({"items": items(name="Plan 1\u2060000")}, "items[0].name"),
                ({"items": items(description="x\u061c")}, "items[0].description")):
            r = request("POST", "invoices", invoice_body(**kw), key=self.key)
            e = self.assertError(r, 422, "validation_error", "INVALID_VALUE", field=field)
            self.assertIn("U+", e["error"]["message"])
        self.assertEqual(self.invoices(), before)
        inv = self.create()
        r = request("POST", "invoices/%s/cancel" % inv["id"], {"reason": "no" + RLO},
                    key=self.key)
        self.assertError(r, 422, code="INVALID_VALUE", field="reason")
        r = request("GET", "invoices?search=" + "abc%E2%80%AE", key=self.key)
        self.assertError(r, 422, code="INVALID_PARAMETER", field="search")
        # The merchant's name, shown on every payment page.
        p = admin("merchant", "create", "--name", "Shop " + RLO + "pohS", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("U+202E", p.stderr)

    def test_old_text_is_neutralised_on_the_payment_page(self):
        """An invoice stored before the rule: the page shows U+FFFD where
        a bidi control or invisible character was."""
        inv = self.create(title="Pay 0001$")
        psql("UPDATE invoices SET title = 'Pay ' || U&'\\202E' || '0001$', "
             "description = 'one' || U&'\\200B' || 'two' WHERE id = '%s'" % inv["id"])
        st, h, html = fetch(PAY, "GET", "/invoice/" + inv["id"])
        self.assertEqual(st, 200)
        text = html.decode()
        self.assertNotIn(RLO, text)
        self.assertNotIn("\u200b", text)
        self.assertIn("Pay \ufffd0001$", text)
        self.assertIn("one\ufffdtwo", text)
        # The merchant's own view returns what is stored.
        r = request("GET", "invoices/" + inv["id"], key=self.key)
        self.assertEqual(r.json()["title"], "Pay " + RLO + "0001$")

    def test_scripts_that_need_joiners_are_kept(self):
        # Persian with a zero-width non-joiner, an emoji family (joiners):
        # stored and shown as sent.
        title = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \U0001f468\u200d\U0001f469"
        inv = self.create(title=title)
        self.assertEqual(inv["title"], title)
        st, h, html = fetch(PAY, "GET", "/invoice/" + inv["id"])
        self.assertEqual(st, 200)
        self.assertIn(title, html.decode())


if __name__ == "__main__":
    unittest.main()
