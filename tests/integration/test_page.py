"""The payment page over HTTP: HTML escaping of merchant data, the strict
Content-Security-Policy, the views of each state, and HTML errors."""
import re
import unittest

from cc import PAY, fetch, invoice_body, new_merchant, psql, request

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def page(path, method="GET"):
    status, hdrs, body = fetch(PAY, method, path)
    return status, hdrs, body.decode()


class PageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant('Shop <b>"&\'')

    def create(self, **kw):
        r = request("POST", "invoices", invoice_body(**kw), key=self.key)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def test_escaping_and_headers(self):
        evil = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)>'
        inv = self.create(title=evil, description=evil,
                          items=[{"name": evil, "unit_price": "16.49"}], tax=0)
        st, h, body = page("/invoice/" + inv["id"])
        self.assertEqual(st, 200)
        self.assertEqual(h["content-type"], "text/html; charset=utf-8")
        self.assertEqual(h["content-security-policy"], CSP)
        self.assertEqual(h["cache-control"], "no-store")
        self.assertEqual(h["referrer-policy"], "no-referrer")
        self.assertNotIn("<script>alert", body)
        self.assertNotIn("<img src=x", body)
        self.assertNotIn('Shop <b>', body)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", body)
        # No inline script or style: every script has a src.
        for tag in re.findall(r"<script[^>]*>", body):
            self.assertIn("src=", tag)
        self.assertNotRegex(body, r"<style|style=|onclick=|onload=")
        self.assertIn(inv["address"], body)
        self.assertIn("16.49", body)
        self.assertRegex(body, r'<html lang="en"')

    def test_head_does_not_count_as_a_view(self):
        inv = self.create()
        st, _, _ = page("/invoice/" + inv["id"], method="HEAD")
        self.assertEqual(st, 200)
        self.assertEqual(psql("SELECT status FROM invoices WHERE id = '%s'" % inv["id"]),
                         ["created"])
        page("/invoice/" + inv["id"])
        self.assertEqual(psql("SELECT status FROM invoices WHERE id = '%s'" % inv["id"]),
                         ["pending"])

    def test_final_states_hide_the_address(self):
        inv = self.create(cancel_url="https://merchant.com/cancel")
        request("POST", "invoices/%s/cancel" % inv["id"], {}, key=self.key)
        st, _, body = page("/invoice/" + inv["id"])
        self.assertEqual(st, 200)
        self.assertNotIn(inv["address"], body)
        self.assertIn("https://merchant.com/cancel", body)
        inv = self.create()
        psql("UPDATE invoices SET status = 'expired' WHERE id = '%s'" % inv["id"])
        st, _, body = page("/invoice/" + inv["id"])
        self.assertNotIn(inv["address"], body)
        self.assertRegex(body.lower(), "expired")

    def test_html_errors(self):
        for path, status in (("/invoice/inv_" + "a" * 26, 404), ("/invoice/nope", 404),
                             ("/invoice/inv_" + "a" * 26 + "/x", 404)):
            st, h, body = page(path)
            self.assertEqual(st, status, path)
            self.assertTrue(h["content-type"].startswith("text/html"), path)
            self.assertEqual(h["content-security-policy"], CSP)
            self.assertIn("<html", body)
        inv = self.create()
        st, h, _ = page("/invoice/" + inv["id"], method="POST")
        self.assertEqual(st, 405)
