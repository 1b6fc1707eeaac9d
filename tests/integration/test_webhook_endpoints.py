"""The webhook-endpoints API: create, list, get, update, delete, secret
rotation, the invoice webhook secret, every bad input, and the SSRF rule
that keeps deliveries away from loopback, private and metadata addresses.

The test stack's operator permits one non-public address, 127.0.0.1
([webhooks] allowed_ips in the cc.conf dev.sh writes); 127.0.0.3 stands for
a loopback address it does not permit."""
import json
import re
import threading
import unittest

from cc import admin, invoice_body, new_merchant, psql, request

EVENTS = ["invoice.created", "invoice.expired", "invoice.cancelled",
          "payment.detected", "payment.confirming", "payment.confirmed",
          "payment.reverted", "invoice.paid", "invoice.refunded",
          "invoice.overpaid"]
FIELDS = ["id", "object", "url", "events", "allowed_ips", "max_retries",
          "retry_backoff", "timeout", "enabled", "created_at", "updated_at"]
TS = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"
URL = "https://93.184.215.14/hook"     # a public literal: no DNS needed


def body(**kw):
    b = {"url": URL, "events": ["invoice.paid"]}
    b.update(kw)
    return b


def count(sql):
    return int(psql(sql)[0])


class WebhookTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Webhook Shop", wallet=False)

    def api(self, method, path, b=None, key=None, **kw):
        return request(method, path, b, key=key or self.key, **kw)

    def create(self, key=None, **kw):
        r = self.api("POST", "webhook-endpoints", body(**kw), key=key)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def endpoints(self):
        return count("SELECT count(*) FROM webhook_endpoints WHERE "
                     "merchant_id = '%s'" % self.merchant)

    def assertError(self, r, status, code, field=None):
        self.assertEqual(r.status, status, r)
        e = r.json()["error"]
        self.assertEqual(e["code"], code, r)
        if field is not None:
            self.assertEqual(e.get("field"), field, r)
        self.assertIn("request_id", r.json())
        return e

    def assertInvalid(self, b, status, code, field=None, raw=False):
        before = self.endpoints()
        r = self.api("POST", "webhook-endpoints", b, raw=raw)
        e = self.assertError(r, status, code, field)
        self.assertEqual(self.endpoints(), before, "a refused request changed something")
        return e


class CreateTest(WebhookTest):
    def test_defaults(self):
        r = self.api("POST", "webhook-endpoints", body())
        self.assertEqual(r.status, 201, r)
        v = r.json()
        self.assertEqual(list(v.keys()), FIELDS + ["secret"])
        self.assertRegex(v["id"], r"^whk_[a-z2-7]{26}$")
        self.assertEqual(v["object"], "webhook_endpoint")
        self.assertEqual(v["url"], URL)
        self.assertEqual(v["events"], ["invoice.paid"])
        self.assertEqual(v["allowed_ips"], [])
        self.assertEqual(v["max_retries"], "5")
        self.assertEqual(v["retry_backoff"], "exponential")
        self.assertEqual(v["timeout"], "30")
        self.assertIs(v["enabled"], True)
        self.assertRegex(v["created_at"], TS)
        self.assertRegex(v["updated_at"], TS)
        self.assertRegex(v["secret"], r"^whsec_[a-z2-7]{52}$")
        row = psql("SELECT mode, secret FROM webhook_endpoints WHERE id = '%s'" % v["id"])
        self.assertEqual(row, ["test|" + v["secret"]])

    def test_the_specs_example(self):
        """The request of the spec's "Configure Webhook Endpoint", as
        written there: its allowed_ips are private addresses this server's
        operator does not permit, so it is refused naming them; without
        them it is taken as written."""
        spec = {"url": "https://merchant.com/webhook",
                "events": ["invoice.paid", "payment.detected", "invoice.expired"],
                "secret": "whsec_abc123...",
                "allowed_ips": ["192.168.1.100", "10.0.0.0/8"],
                "max_retries": 5, "retry_backoff": "exponential", "timeout": 30,
                "enabled": True}
        e = self.assertInvalid(body(**spec), 422, "IP_NOT_ALLOWED", "allowed_ips")
        self.assertIn("allowed_ips[0] is 192.168.1.100, a private address", e["message"])
        del spec["allowed_ips"]
        v = self.create(**spec)
        self.assertEqual(v["secret"], "whsec_abc123...")
        self.assertEqual(v["allowed_ips"], [])
        for k in ("url", "events", "retry_backoff"):
            self.assertEqual(v[k], spec[k], k)

    def test_all_fields(self):
        v = self.create(url="https://93.184.215.14/wh?x=1",
                        events=["invoice.paid", "payment.detected", "invoice.expired"],
                        secret="whsec_abc123abc123abc123",
                        allowed_ips=["93.184.215.14", "93.184.216.0/24"],
                        max_retries=20, retry_backoff="linear", timeout=60, enabled=False)
        self.assertEqual(v["url"], "https://93.184.215.14/wh?x=1")
        self.assertEqual(v["events"], ["invoice.paid", "payment.detected", "invoice.expired"])
        self.assertEqual(v["allowed_ips"], ["93.184.215.14", "93.184.216.0/24"])
        self.assertEqual((v["max_retries"], v["retry_backoff"], v["timeout"], v["enabled"]),
                         ("20", "linear", "60", False))
        self.assertEqual(v["secret"], "whsec_abc123abc123abc123")
        v = self.create(events=EVENTS, max_retries=0, timeout=1, secret=None)
        self.assertEqual(v["events"], EVENTS)
        self.assertEqual((v["max_retries"], v["timeout"]), ("0", "1"))
        self.assertTrue(v["secret"].startswith("whsec_"))

    def test_bad_bodies(self):
        self.assertInvalid("{", 400, "INVALID_JSON", raw=True)
        self.assertInvalid("", 400, "INVALID_JSON", raw=True)
        self.assertInvalid("[]", 400, "INVALID_JSON", raw=True)
        self.assertInvalid('"x"', 400, "INVALID_JSON", raw=True)
        self.assertInvalid(body(foo=1), 422, "UNKNOWN_FIELD", "foo")
        self.assertInvalid({"events": ["invoice.paid"]}, 422, "MISSING_FIELD", "url")
        self.assertInvalid({"url": URL}, 422, "MISSING_FIELD", "events")
        self.assertInvalid(body(url=None), 422, "MISSING_FIELD", "url")

    def test_bad_fields(self):
        cases = [
            ({"url": 5}, "INVALID_TYPE", "url"),
            ({"url": ["x"]}, "INVALID_TYPE", "url"),
            ({"url": "merchant.com/x"}, "INVALID_URL", "url"),
            ({"url": "http://"}, "INVALID_URL", "url"),
            ({"url": "https://user:pw@example.com/"}, "INVALID_URL", "url"),
            ({"url": "https://example.com/a b"}, "INVALID_URL", "url"),
            ({"url": "https://example.com/" + "a" * 2048}, "INVALID_URL", "url"),
            ({"url": "http://256.1.1.1/"}, "INVALID_URL", "url"),
            ({"events": "invoice.paid"}, "INVALID_TYPE", "events"),
            ({"events": []}, "INVALID_VALUE", "events"),
            ({"events": [1]}, "INVALID_TYPE", "events"),
            ({"events": ["invoice.nope"]}, "INVALID_VALUE", "events"),
            ({"events": ["invoice.paid", "invoice.paid"]}, "INVALID_VALUE", "events"),
            ({"events": EVENTS + ["invoice.paid"]}, "INVALID_VALUE", "events"),
            ({"secret": 1}, "INVALID_TYPE", "secret"),
            ({"secret": "abc123abc123abc123"}, "INVALID_VALUE", "secret"),
            ({"secret": "whsec_short"}, "INVALID_LENGTH", "secret"),
            ({"secret": "whsec_1234567"}, "INVALID_LENGTH", "secret"),
            ({"secret": "whsec_" + "a" * 123}, "INVALID_LENGTH", "secret"),
            ({"secret": "whsec_abc def ghi jkl"}, "INVALID_VALUE", "secret"),
            ({"secret": "whsec_abcdefghij\u00e9kl"}, "INVALID_VALUE", "secret"),
            ({"secret": "whsec_abcdefghij\tkl"}, "INVALID_VALUE", "secret"),
            ({"allowed_ips": "10.0.0.0/8"}, "INVALID_TYPE", "allowed_ips"),
            ({"allowed_ips": [10]}, "INVALID_TYPE", "allowed_ips"),
            ({"allowed_ips": ["10.0.0.1/8"]}, "INVALID_VALUE", "allowed_ips"),
            ({"allowed_ips": ["example.com"]}, "INVALID_VALUE", "allowed_ips"),
            ({"allowed_ips": ["10.0.0.0/33"]}, "INVALID_VALUE", "allowed_ips"),
            ({"allowed_ips": ["0x7f000001"]}, "INVALID_VALUE", "allowed_ips"),
            ({"allowed_ips": ["10.0.0.%d" % i for i in range(33)]}, "INVALID_VALUE",
             "allowed_ips"),
            ({"max_retries": "5"}, "INVALID_TYPE", "max_retries"),
            ({"max_retries": 1.5}, "INVALID_TYPE", "max_retries"),
            ({"max_retries": -1}, "INVALID_VALUE", "max_retries"),
            ({"max_retries": 21}, "INVALID_VALUE", "max_retries"),
            ({"max_retries": 99999999999999999999}, "INVALID_VALUE", "max_retries"),
            ({"retry_backoff": 1}, "INVALID_TYPE", "retry_backoff"),
            ({"retry_backoff": "fibonacci"}, "INVALID_VALUE", "retry_backoff"),
            ({"timeout": True}, "INVALID_TYPE", "timeout"),
            ({"timeout": 0}, "INVALID_VALUE", "timeout"),
            ({"timeout": 61}, "INVALID_VALUE", "timeout"),
            ({"enabled": "true"}, "INVALID_TYPE", "enabled"),
            ({"enabled": 1}, "INVALID_TYPE", "enabled"),
        ]
        for kw, code, field in cases:
            with self.subTest(kw=kw):
                if "max_retries" in kw and kw["max_retries"] == 99999999999999999999:
                    # Out of 64 bits: refused by the JSON parser itself.
                    self.assertInvalid(json.dumps(body(**kw)), 400, "INVALID_JSON",
                                       raw=True)
                    continue
                self.assertInvalid(body(**kw), 422, code, field)
        # 32 entries are fine, and only what they cover may be the URL.
        self.assertInvalid(body(allowed_ips=["93.184.215.%d" % i for i in range(32)],
                                url="http://93.184.215.77/"), 422, "URL_NOT_ALLOWED", "url")
        ok = self.create(allowed_ips=["93.184.215.%d" % i for i in range(32)],
                         url="http://93.184.215.7/", secret="whsec_" + "a" * 122)
        self.assertEqual(len(ok["allowed_ips"]), 32)

    def test_ssrf_refused(self):
        for url in ("http://127.0.0.1/", "http://localhost/", "http://2130706433/",
                    "http://0x7f000001/", "http://0177.0.0.1/", "http://[::1]/",
                    "http://[::ffff:127.0.0.1]/", "http://10.1.2.3/", "http://192.168.0.1/",
                    "http://169.254.169.254/latest/meta-data", "http://100.64.0.1/",
                    "http://224.0.0.1/", "http://[fe80::1]/", "http://127.1:8080/x",
                    "https://0.0.0.0/", "http://[fd00:ec2::254]/"):
            with self.subTest(url=url):
                e = self.assertInvalid(body(url=url), 422, "URL_NOT_ALLOWED", "url")
                self.assertIn("address", e["message"])
        e = self.assertInvalid(body(url="ftp://example.com/"), 422, "INVALID_URL", "url")
        self.assertIn("http", e["message"])
        e = self.assertInvalid(body(url="http://localhost/"), 422, "URL_NOT_ALLOWED", "url")
        self.assertIn("localhost resolves to", e["message"])
        self.assertIn("loopback", e["message"])

    def test_private_receiver_needs_operator_and_allowed_ips(self):
        """A non-public URL needs both sides: the operator permits
        127.0.0.1, and the endpoint's allowed_ips must list it too."""
        e = self.assertInvalid(body(url="http://127.0.0.1:9/"), 422, "URL_NOT_ALLOWED",
                               "url")
        self.assertIn("allowed_ips lists the address", e["message"])
        for allow in (["127.0.0.1"], ["::ffff:127.0.0.1"], ["93.184.215.14", "127.0.0.1"]):
            v = self.create(url="http://127.0.0.1:9/", allowed_ips=allow)
            self.assertEqual(v["allowed_ips"], allow)
            self.api("DELETE", "webhook-endpoints/" + v["id"])
        # Listing a loopback address the operator did not permit opens
        # nothing: refused at save, naming allowed_ips.
        e = self.assertInvalid(body(url="http://127.0.0.3:9/", allowed_ips=["127.0.0.3"]),
                               422, "IP_NOT_ALLOWED", "allowed_ips")
        self.assertEqual(e["message"], "allowed_ips[0] is 127.0.0.3, a loopback address "
                         "that the server's configuration does not permit")
        # A permitted URL with a list that leaves it out.
        e = self.assertInvalid(body(url="http://127.0.0.1:9/", allowed_ips=["93.184.215.14"]),
                               422, "URL_NOT_ALLOWED", "url")
        self.assertIn("allowed_ips does not list", e["message"])

    def test_allowed_ips_narrow_public_urls(self):
        """With allowed_ips set, a public URL it does not cover is refused
        too: the list restricts delivery to the addresses it names."""
        e = self.assertInvalid(body(allowed_ips=["8.8.8.8"]), 422, "URL_NOT_ALLOWED", "url")
        self.assertEqual(e["message"], "url: the host is 93.184.215.14, a public address "
                         "that allowed_ips does not list")
        v = self.create(allowed_ips=["93.184.215.0/24"])
        self.assertEqual(v["allowed_ips"], ["93.184.215.0/24"])
        v = self.create(allowed_ips=["2606:4700::/32", "93.184.215.14"])
        self.assertEqual(v["allowed_ips"], ["2606:4700::/32", "93.184.215.14"])

    def test_allowed_ips_entries_refused_at_save(self):
        """Every range class as an allowed_ips entry: one that is neither
        public nor inside the operator's 127.0.0.1 is refused (422 naming
        allowed_ips), on create and on update, and nothing is stored."""
        never = ["169.254.169.254", "fd00:ec2::254", "100.100.100.200", "168.63.129.16",
                 "0.0.0.0", "::", "0.0.0.0/0", "::/0", "224.0.0.1", "ff02::1",
                 "169.254.0.0/16", "::ffff:0.0.0.0/96", "64:ff9b::/96", "2002::/16"]
        unpermitted = ["127.0.0.0/8", "127.0.0.3", "127.0.0.0/31", "::1",
                       "::ffff:127.0.0.3", "64:ff9b::7f00:1", "2002:7f00:1::",
                       "10.0.0.0/8", "10.1.2.3", "172.16.0.0/12", "192.168.1.100",
                       "169.254.1.1", "100.64.0.1", "192.0.2.1", "240.0.0.1", "fd12::1",
                       "fe80::1", "2001:db8::1", "8.0.0.0/6"]
        v = self.create(allowed_ips=["93.184.215.14"])
        path = "webhook-endpoints/" + v["id"]
        for entry in never + unpermitted:
            with self.subTest(entry=entry):
                e = self.assertInvalid(body(allowed_ips=["93.184.215.14", entry]), 422,
                                       "IP_NOT_ALLOWED", "allowed_ips")
                self.assertTrue(e["message"].startswith("allowed_ips[1] "), e)
                if entry in never:
                    self.assertIn("where webhooks never go", e["message"])
                else:
                    self.assertIn("configuration", e["message"])
                e = self.assertError(self.api("PATCH", path, {"allowed_ips": [entry]}), 422,
                                     "IP_NOT_ALLOWED", "allowed_ips")
                self.assertTrue(e["message"].startswith("allowed_ips[0] "), e)
        self.assertEqual(self.api("GET", path).json()["allowed_ips"], ["93.184.215.14"])

    def test_scope(self):
        ro = admin("key", "create", "--merchant", self.merchant, "--type", "test",
                   "--scope", "invoices:read", "--scope", "invoices:create")["secret"]
        ep = self.create()
        for method, path, b in (("POST", "webhook-endpoints", body()),
                                ("GET", "webhook-endpoints", None),
                                ("GET", "webhook-endpoints/" + ep["id"], None),
                                ("PATCH", "webhook-endpoints/" + ep["id"], {"timeout": 5}),
                                ("DELETE", "webhook-endpoints/" + ep["id"], None),
                                ("POST", "webhook-endpoints/%s/rotate-secret" % ep["id"], None),
                                ("POST", "invoice-webhook-secret/rotate", None)):
            with self.subTest(method=method, path=path):
                r = request(method, path, b, key=ro)
                e = self.assertError(r, 403, "INSUFFICIENT_SCOPE")
                self.assertIn("webhooks:manage", e["message"])
        self.assertEqual(self.api("GET", "webhook-endpoints/" + ep["id"]).json()["timeout"],
                         "30")
        wk = admin("key", "create", "--merchant", self.merchant, "--type", "test",
                   "--scope", "webhooks:manage")["secret"]
        self.assertEqual(request("GET", "webhook-endpoints", key=wk).status, 200)
        self.assertError(request("GET", "invoices", key=wk), 403, "INSUFFICIENT_SCOPE")
        self.assertError(request("GET", "webhook-endpoints"), 401, "MISSING_API_KEY")

    def test_methods(self):
        r = self.api("PUT", "webhook-endpoints/whk_" + "a" * 26, {})
        self.assertError(r, 405, "METHOD_NOT_ALLOWED")
        for m in ("GET", "PATCH", "DELETE"):
            self.assertIn(m, r.header("allow"))


class ManageTest(WebhookTest):
    def test_secret_shown_only_on_create_and_rotate(self):
        v = self.create()
        g = self.api("GET", "webhook-endpoints/" + v["id"])
        self.assertEqual(g.status, 200, g)
        self.assertEqual(list(g.json().keys()), FIELDS)
        self.assertNotIn("whsec_", g.body)
        lst = self.api("GET", "webhook-endpoints")
        self.assertNotIn("whsec_", lst.body)
        p = self.api("PATCH", "webhook-endpoints/" + v["id"], {"timeout": 9})
        self.assertNotIn("secret", p.json())
        r = self.api("POST", "webhook-endpoints/%s/rotate-secret" % v["id"])
        self.assertEqual(r.status, 200, r)
        n = r.json()
        self.assertEqual(list(n.keys()), FIELDS + ["secret"])
        self.assertRegex(n["secret"], r"^whsec_[a-z2-7]{52}$")
        self.assertNotEqual(n["secret"], v["secret"])
        self.assertEqual(psql("SELECT secret FROM webhook_endpoints WHERE id = '%s'"
                              % v["id"]), [n["secret"]])
        r2 = self.api("POST", "webhook-endpoints/%s/rotate-secret" % v["id"], {})
        self.assertEqual(r2.status, 200, r2)
        self.assertNotEqual(r2.json()["secret"], n["secret"])
        self.assertError(self.api("POST", "webhook-endpoints/%s/rotate-secret" % v["id"],
                                  {"secret": "whsec_abcdefghijklmnop"}),
                         422, "UNKNOWN_FIELD", "secret")
        # No secret ever reaches the audit log.
        self.assertEqual(count("SELECT count(*) FROM audit_log WHERE details::text LIKE "
                               "'%%whsec_%%' OR event LIKE '%%whsec%%'"), 0)

    def test_list_newest_first(self):
        m, key = new_merchant("List Shop", wallet=False)
        self.assertEqual(request("GET", "webhook-endpoints", key=key).json(),
                         {"object": "list", "data": []})
        ids = [self.create(key=key)["id"] for _ in range(3)]
        d = request("GET", "webhook-endpoints", key=key).json()
        self.assertEqual(d["object"], "list")
        self.assertEqual([x["id"] for x in d["data"]], ids[::-1])
        self.assertEqual(list(d["data"][0].keys()), FIELDS)
        request("DELETE", "webhook-endpoints/" + ids[1], key=key)
        d = request("GET", "webhook-endpoints", key=key).json()
        self.assertEqual([x["id"] for x in d["data"]], [ids[2], ids[0]])

    def test_get_patch(self):
        v = self.create()
        r = self.api("PATCH", "webhook-endpoints/" + v["id"],
                     {"url": "https://example.org/new", "events": ["invoice.expired",
                      "invoice.paid"], "max_retries": 3, "retry_backoff": "linear",
                      "timeout": 10})
        self.assertEqual(r.status, 200, r)
        p = r.json()
        self.assertEqual(list(p.keys()), FIELDS)
        self.assertEqual(p["url"], "https://example.org/new")
        self.assertEqual(p["events"], ["invoice.expired", "invoice.paid"])
        self.assertEqual((p["max_retries"], p["retry_backoff"], p["timeout"]),
                         ("3", "linear", "10"))
        self.assertEqual(p["created_at"], v["created_at"])
        self.assertEqual(self.api("GET", "webhook-endpoints/" + v["id"]).json(), p)
        # A subset leaves the rest; an empty PATCH changes nothing.
        p2 = self.api("PATCH", "webhook-endpoints/" + v["id"], {"timeout": 11}).json()
        self.assertEqual(p2["timeout"], "11")
        self.assertEqual(p2["events"], p["events"])
        audits = count("SELECT count(*) FROM audit_log WHERE details->>'endpoint_id' = '%s'"
                       % v["id"])
        self.assertEqual(self.api("PATCH", "webhook-endpoints/" + v["id"], {}).json(), p2)
        self.assertEqual(count("SELECT count(*) FROM audit_log WHERE "
                               "details->>'endpoint_id' = '%s'" % v["id"]), audits)

    def test_patch_refusals(self):
        v = self.create()
        path = "webhook-endpoints/" + v["id"]
        before = psql("SELECT row_to_json(w)::text FROM webhook_endpoints w "
                      "WHERE id = '%s'" % v["id"])
        for b, status, code, field in (
                ({"secret": "whsec_abcdefghijklmnop"}, 422, "SECRET_NOT_UPDATABLE", "secret"),
                ({"secret": None}, 422, "SECRET_NOT_UPDATABLE", "secret"),
                ({"nope": 1}, 422, "UNKNOWN_FIELD", "nope"),
                ({"events": []}, 422, "INVALID_VALUE", "events"),
                ({"timeout": 0}, 422, "INVALID_VALUE", "timeout"),
                ({"enabled": "no"}, 422, "INVALID_TYPE", "enabled"),
                ({"url": "http://127.0.0.1/"}, 422, "URL_NOT_ALLOWED", "url"),
                ({"url": "gopher://example.com/"}, 422, "INVALID_URL", "url"),
                ({"allowed_ips": ["nope"]}, 422, "INVALID_VALUE", "allowed_ips"),
                ({"url": "http://10.1.2.3/", "timeout": 5}, 422, "URL_NOT_ALLOWED", "url")):
            with self.subTest(body=b):
                e = self.assertError(self.api("PATCH", path, b), status, code, field)
                if code == "SECRET_NOT_UPDATABLE":
                    self.assertIn("rotate-secret", e["message"])
        self.assertError(self.api("PATCH", path, "[1]", raw=True), 400, "INVALID_JSON")
        self.assertError(self.api("PATCH", path, "", raw=True), 400, "INVALID_JSON")
        after = psql("SELECT row_to_json(w)::text FROM webhook_endpoints w "
                     "WHERE id = '%s'" % v["id"])
        self.assertEqual(before, after)

    def test_patch_rechecks_url_against_allowed_ips(self):
        v = self.create(url="http://127.0.0.1:9/", allowed_ips=["127.0.0.1"])
        path = "webhook-endpoints/" + v["id"]
        # Narrowing allowed_ips away from the stored URL is refused ...
        e = self.assertError(self.api("PATCH", path, {"allowed_ips": ["93.184.215.14"]}),
                             422, "URL_NOT_ALLOWED", "url")
        self.assertIn("allowed_ips", e["message"])
        # ... and so is emptying it, which leaves the public-only rule.
        self.assertError(self.api("PATCH", path, {"allowed_ips": []}), 422,
                         "URL_NOT_ALLOWED", "url")
        # A new URL is checked against the stored list.
        self.assertError(self.api("PATCH", path, {"url": "http://10.1.2.3/"}), 422,
                         "URL_NOT_ALLOWED", "url")
        self.assertError(self.api("PATCH", path, {"url": URL}), 422,
                         "URL_NOT_ALLOWED", "url")
        r = self.api("PATCH", path, {"url": "http://127.0.0.1:10/"})
        self.assertEqual(r.status, 200, r)
        # Both at once: checked against the new list.
        r = self.api("PATCH", path, {"url": URL, "allowed_ips": ["93.184.215.0/24"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["allowed_ips"], ["93.184.215.0/24"])
        r = self.api("PATCH", path, {"url": URL, "allowed_ips": []})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["allowed_ips"], [])

    def deliveries(self, ep):
        """Two pending deliveries (and one delivered) for an endpoint,
        inserted as the fan-out trigger would."""
        inv = request("POST", "invoices", invoice_body(webhook_url=None),
                      key=self.wkey).json()["id"]
        seq = psql("SELECT seq FROM events WHERE invoice_id = '%s' LIMIT 1" % inv)[0]
        psql("DELETE FROM webhook_deliveries WHERE invoice_id = '%s'" % inv)
        for i, status in enumerate(("pending", "pending", "delivered")):
            psql("INSERT INTO webhook_deliveries (id, event_seq, merchant_id, invoice_id, "
                 "endpoint_id, status) VALUES ('whd_%s%d', %s, '%s', '%s', '%s', '%s')"
                 % (ep[4:], i, seq, self.wmerchant, inv, ep, status))

    def statuses(self, ep):
        return psql("SELECT status || ':' || coalesce(last_error, '') FROM "
                    "webhook_deliveries WHERE endpoint_id = '%s' ORDER BY id" % ep)

    def test_disable_and_delete_cancel_pending(self):
        self.wmerchant, self.wkey = new_merchant("Delivery Shop")
        ep = self.create(key=self.wkey)["id"]
        self.deliveries(ep)
        r = request("PATCH", "webhook-endpoints/" + ep, {"enabled": True}, key=self.wkey)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.statuses(ep), ["pending:", "pending:", "delivered:"])
        r = request("PATCH", "webhook-endpoints/" + ep, {"enabled": False}, key=self.wkey)
        self.assertEqual(r.status, 200, r)
        self.assertIs(r.json()["enabled"], False)
        self.assertEqual(self.statuses(ep), ["cancelled:endpoint disabled"] * 2 +
                         ["delivered:"])

        ep2 = self.create(key=self.wkey, events=["invoice.created"])["id"]
        self.deliveries(ep2)
        r = request("DELETE", "webhook-endpoints/" + ep2, key=self.wkey)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"id": ep2, "object": "webhook_endpoint", "deleted": True})
        self.assertEqual(self.statuses(ep2), ["cancelled:endpoint deleted"] * 2 +
                         ["delivered:"])
        # Soft: the row stays for its deliveries' sake, but is gone to the API.
        self.assertEqual(psql("SELECT deleted_at IS NOT NULL FROM webhook_endpoints "
                              "WHERE id = '%s'" % ep2), ["t"])
        for method, path, b in (("GET", "webhook-endpoints/" + ep2, None),
                                ("PATCH", "webhook-endpoints/" + ep2, {"timeout": 3}),
                                ("DELETE", "webhook-endpoints/" + ep2, None),
                                ("POST", "webhook-endpoints/%s/rotate-secret" % ep2, None)):
            with self.subTest(method=method):
                self.assertError(request(method, path, b, key=self.wkey), 404,
                                 "WEBHOOK_ENDPOINT_NOT_FOUND", "endpoint_id")
        # A deleted endpoint receives no new deliveries (the fan-out).
        request("POST", "invoices", invoice_body(webhook_url=None), key=self.wkey)
        self.assertEqual(len(self.statuses(ep2)), 3)

    def test_not_found(self):
        mine = self.create()
        other_m, other_key = new_merchant("Other Shop", wallet=False)
        other = self.create(key=other_key)
        live = admin("key", "create", "--merchant", self.merchant, "--type", "live")["secret"]
        live_ep = self.create(key=live)
        self.assertEqual(psql("SELECT mode FROM webhook_endpoints WHERE id = '%s'"
                              % live_ep["id"]), ["live"])
        cases = [(self.key, other["id"]), (other_key, mine["id"]), (live, mine["id"]),
                 (self.key, live_ep["id"]), (self.key, "whk_" + "a" * 26),
                 (self.key, "whk_nope"), (self.key, mine["id"].upper()),
                 (self.key, "inv_" + mine["id"][4:])]
        for key, ep in cases:
            for method, path, b in (("GET", "webhook-endpoints/" + ep, None),
                                    ("PATCH", "webhook-endpoints/" + ep, {"timeout": 3}),
                                    ("DELETE", "webhook-endpoints/" + ep, None),
                                    ("POST", "webhook-endpoints/%s/rotate-secret" % ep, None)):
                with self.subTest(ep=ep, method=method):
                    self.assertError(request(method, path, b, key=key), 404,
                                     "WEBHOOK_ENDPOINT_NOT_FOUND", "endpoint_id")
        ids = [x["id"] for x in request("GET", "webhook-endpoints", key=live).json()["data"]]
        self.assertEqual(ids, [live_ep["id"]])
        ids = [x["id"] for x in self.api("GET", "webhook-endpoints").json()["data"]]
        self.assertNotIn(live_ep["id"], ids)
        self.assertNotIn(other["id"], ids)
        self.assertIn(mine["id"], ids)
        # Nothing changed anywhere.
        self.assertEqual(self.api("GET", "webhook-endpoints/" + mine["id"]).json()["timeout"],
                         "30")
        self.assertEqual(request("GET", "webhook-endpoints/" + other["id"],
                                 key=other_key).json()["timeout"], "30")

    def test_limit(self):
        m, key = new_merchant("Busy Shop", wallet=False)
        live = admin("key", "create", "--merchant", m, "--type", "live")["secret"]
        ids = [self.create(key=key)["id"] for _ in range(16)]
        r = request("POST", "webhook-endpoints", body(), key=key)
        self.assertError(r, 422, "TOO_MANY_ENDPOINTS")
        self.assertEqual(count("SELECT count(*) FROM webhook_endpoints WHERE merchant_id = '%s'"
                               % m), 16)
        # The limit is per mode, and a deleted endpoint frees its place.
        self.create(key=live)
        request("DELETE", "webhook-endpoints/" + ids[0], key=key)
        self.create(key=key)
        self.assertError(request("POST", "webhook-endpoints", body(), key=key), 422,
                         "TOO_MANY_ENDPOINTS")

    def test_limit_under_concurrency(self):
        m, key = new_merchant("Race Shop", wallet=False)
        got = []

        def one():
            got.append(request("POST", "webhook-endpoints", body(), key=key).status)
        threads = [threading.Thread(target=one) for _ in range(24)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(got), [201] * 16 + [422] * 8)
        self.assertEqual(count("SELECT count(*) FROM webhook_endpoints WHERE merchant_id = '%s'"
                               % m), 16)

    def test_audit(self):
        m, key = new_merchant("Audit Shop", wallet=False)
        r = request("POST", "webhook-endpoints", body(), key=key,
                    headers={"User-Agent": "hook-test/1"})
        ep = r.json()["id"]
        request("PATCH", "webhook-endpoints/" + ep, {"timeout": 5}, key=key)
        request("POST", "webhook-endpoints/%s/rotate-secret" % ep, key=key)
        d = request("DELETE", "webhook-endpoints/" + ep, key=key)
        rows = psql("SELECT event || '|' || (invoice_id IS NULL) || '|' || details::text || "
                    "'|' || coalesce(user_agent, '') || '|' || actor || '|' || request_id "
                    "FROM audit_log WHERE merchant_id = '%s' AND event LIKE "
                    "'webhook%%' ORDER BY seq" % m)
        events = [x.split("|")[0] for x in rows]
        self.assertEqual(events, ["webhook_endpoint.created", "webhook_endpoint.updated",
                                  "webhook_endpoint.secret_rotated",
                                  "webhook_endpoint.deleted"])
        for x in rows:
            f = x.split("|")
            self.assertEqual(f[1], "true")
            self.assertEqual(json.loads(f[2]), {"endpoint_id": ep})
            self.assertTrue(f[4].startswith("api_key:sk_test_"), f)
            self.assertRegex(f[5], r"^req_")
        self.assertEqual(rows[0].split("|")[3], "hook-test/1")
        self.assertEqual(rows[0].split("|")[5], r.header("x-request-id"))
        self.assertEqual(rows[3].split("|")[5], d.header("x-request-id"))
        self.assertNotIn("whsec_", "".join(rows))
        # A refused request writes nothing.
        request("POST", "webhook-endpoints", body(url="http://127.0.0.1/"), key=key)
        self.assertEqual(len(psql("SELECT 1 FROM audit_log WHERE merchant_id = '%s' AND "
                                  "event LIKE 'webhook%%'" % m)), 4)

    def test_invoice_webhook_secret(self):
        m, key = new_merchant("Secret Shop", wallet=False)
        r = request("POST", "invoice-webhook-secret/rotate", key=key)
        self.assertEqual(r.status, 200, r)
        a = r.json()
        self.assertEqual(list(a.keys()), ["object", "id", "secret", "created_at"])
        self.assertEqual(a["object"], "invoice_webhook_secret")
        self.assertRegex(a["id"], r"^whk_[a-z2-7]{26}$")
        self.assertRegex(a["secret"], r"^whsec_[a-z2-7]{52}$")
        self.assertRegex(a["created_at"], TS)
        b = request("POST", "invoice-webhook-secret/rotate", {}, key=key).json()
        self.assertEqual(b["id"], a["id"])
        self.assertNotEqual(b["secret"], a["secret"])
        self.assertEqual(psql("SELECT id || ' ' || mode || ' ' || secret FROM "
                              "invoice_webhook_secrets WHERE merchant_id = '%s'" % m),
                         ["%s test %s" % (a["id"], b["secret"])])
        live = admin("key", "create", "--merchant", m, "--type", "live")["secret"]
        c = request("POST", "invoice-webhook-secret/rotate", key=live).json()
        self.assertNotEqual(c["id"], a["id"])
        self.assertEqual(count("SELECT count(*) FROM invoice_webhook_secrets "
                               "WHERE merchant_id = '%s'" % m), 2)
        self.assertError(request("POST", "invoice-webhook-secret/rotate", {"x": 1}, key=key),
                         422, "UNKNOWN_FIELD", "x")
        rows = psql("SELECT details::text FROM audit_log WHERE merchant_id = '%s' AND "
                    "event = 'invoice_webhook_secret.rotated'" % m)
        self.assertEqual(len(rows), 3)
        self.assertNotIn("whsec_", "".join(rows))


class InvoiceWebhookUrlTest(WebhookTest):
    def test_private_webhook_url_refused(self):
        """An invoice's webhook_url has no allowed_ips: a literal
        non-public host is refused unless the operator permits it (the
        test stack permits 127.0.0.1 alone; 127.0.0.3 is any other)."""
        m, key = new_merchant("Invoice Hook Shop")
        n = lambda: count("SELECT count(*) FROM invoices WHERE merchant_id = '%s'" % m)
        for url in ("http://127.0.0.3/", "http://0x7f000003/", "http://2130706435/",
                    "http://[::1]/", "http://[::ffff:127.0.0.3]/",
                    "http://169.254.169.254/latest/meta-data", "http://10.1.2.3/",
                    "http://0.0.0.0/"):
            with self.subTest(url=url):
                r = request("POST", "invoices", invoice_body(webhook_url=url), key=key,
                            headers={"Idempotency-Key": "k-" + re.sub(r"\W", "", url)})
                e = self.assertError(r, 422, "URL_NOT_ALLOWED", "webhook_url")
                self.assertIn("webhook_url", e["message"])
                self.assertEqual(n(), 0)
        self.assertEqual(count("SELECT count(*) FROM idempotency_keys WHERE "
                               "merchant_id = '%s'" % m), 0)
        # The other URLs are the browser's: they may be local.
        r = request("POST", "invoices", invoice_body(webhook_url="https://93.184.215.14/h",
                    return_url="http://127.0.0.1/done"), key=key)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(n(), 1)
        # Names are not resolved when an invoice is created (no DNS in
        # that path); cc-webhooks refuses them when sending
        # (test_webhooks.py). localhost names need no DNS: loopback.
        r = request("POST", "invoices", invoice_body(webhook_url="http://hooks.invalid/x"),
                    key=key)
        self.assertEqual(r.status, 201, r)
        for url in ("http://localhost/x", "http://shop.localhost./x"):
            r = request("POST", "invoices", invoice_body(webhook_url=url), key=key)
            e = self.assertError(r, 422, "URL_NOT_ALLOWED", "webhook_url")
            self.assertIn("loopback", e["message"])

    def test_operator_permitted_webhook_url(self):
        """The address the operator permits, named literally by the
        invoice (in any spelling), is accepted: naming it is the
        merchant's side of the rule."""
        m, key = new_merchant("Invoice Local Shop")
        for url in ("http://127.0.0.1:9/x", "http://0x7f000001:9/x",
                    "http://[::ffff:127.0.0.1]:9/x"):
            with self.subTest(url=url):
                r = request("POST", "invoices", invoice_body(webhook_url=url), key=key)
                self.assertEqual(r.status, 201, r)


if __name__ == "__main__":
    unittest.main()
