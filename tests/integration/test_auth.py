"""Authentication, scopes, test/live separation, merchant isolation and
the error format of unknown routes and methods."""
from cc import ApiTest, admin, invoice_body, new_merchant, request


class AuthTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Auth Shop", live_wallets=True)
        r = request("POST", "invoices", invoice_body(), key=cls.key)
        assert r.status == 201, r
        cls.invoice = r.json()["id"]

    def test_missing_key(self):
        r = request("GET", "invoices")
        self.assertError(r, 401, "authentication_error", "MISSING_API_KEY")
        self.assertEqual(r.header("www-authenticate"), "Bearer")

    def test_wrong_scheme(self):
        r = request("GET", "invoices", headers={"Authorization": "Basic " + self.key})
        self.assertError(r, 401, "authentication_error")

    def test_unknown_key(self):
        r = request("GET", "invoices", key="sk_test_" + "a" * 40)
        self.assertError(r, 401, "authentication_error", "INVALID_API_KEY")
        r = request("GET", "invoices", key="garbage")
        self.assertError(r, 401, "authentication_error", "INVALID_API_KEY")

    def test_revoked_key(self):
        k = admin("key", "create", "--merchant", self.merchant, "--type", "test")
        self.assertEqual(request("GET", "invoices", key=k["secret"]).status, 200)
        admin("key", "revoke", k["id"])
        r = request("GET", "invoices", key=k["secret"])
        self.assertError(r, 401, "authentication_error", "INVALID_API_KEY")

    def test_scopes(self):
        ro = admin("key", "create", "--merchant", self.merchant, "--type", "test",
                   "--scope", "invoices:read")["secret"]
        self.assertEqual(request("GET", "invoices/" + self.invoice, key=ro).status, 200)
        self.assertError(request("POST", "invoices", invoice_body(), key=ro),
                         403, "permission_error", "INSUFFICIENT_SCOPE")
        self.assertError(request("POST", "invoices/%s/cancel" % self.invoice, {}, key=ro),
                         403, "permission_error")
        cr = admin("key", "create", "--merchant", self.merchant, "--type", "test",
                   "--scope", "invoices:create")["secret"]
        self.assertEqual(request("POST", "invoices", invoice_body(), key=cr).status, 201)
        self.assertError(request("GET", "invoices", key=cr), 403, "permission_error")
        self.assertError(request("GET", "invoices/" + self.invoice, key=cr), 403)

    def test_restricted_key_types(self):
        inv = admin("key", "create", "--merchant", self.merchant, "--type", "invoices")
        self.assertTrue(inv["secret"].startswith("sk_live_invoices_"))
        self.assertEqual(sorted(inv["scopes"]), ["invoices:cancel", "invoices:create",
                                                 "invoices:read", "invoices:refund"])
        an = admin("key", "create", "--merchant", self.merchant, "--type", "analytics")
        self.assertTrue(an["secret"].startswith("sk_live_analytics_"))
        self.assertEqual(an["scopes"], ["analytics:read"])
        # An invoices key is a live key: it creates live invoices.
        r = request("POST", "invoices", invoice_body(), key=inv["secret"])
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["livemode"], True)
        self.assertEqual(r.json()["network"], "tron")
        self.assertTrue(r.json()["address"].startswith("T"))
        self.assertError(request("GET", "invoices", key=an["secret"]), 403, "permission_error")
        # A restricted type cannot be widened.
        p = admin("key", "create", "--merchant", self.merchant, "--type", "analytics",
                  "--scope", "invoices:create", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("cannot carry", p.stderr)

    def test_test_and_live_are_separate(self):
        live = admin("key", "create", "--merchant", self.merchant, "--type", "live")["secret"]
        self.assertTrue(live.startswith("sk_live_"))
        self.assertError(request("GET", "invoices/" + self.invoice, key=live), 404,
                         "not_found_error")
        r = request("POST", "invoices", invoice_body(crypto_currency="ETH"), key=live)
        self.assertEqual(r.status, 201, r)
        live_id = r.json()["id"]
        self.assertEqual(r.json()["network"], "ethereum")
        self.assertError(request("GET", "invoices/" + live_id, key=self.key), 404)
        ids = [i["id"] for i in request("GET", "invoices?limit=100", key=live).json()["data"]]
        self.assertIn(live_id, ids)
        self.assertNotIn(self.invoice, ids)
        ids = [i["id"] for i in request("GET", "invoices?limit=100", key=self.key).json()["data"]]
        self.assertNotIn(live_id, ids)
        # A test key cannot reach a live network, nor a live key a test one.
        self.assertError(request("POST", "invoices", invoice_body(network="ethereum"), key=self.key),
                         422, "validation_error", "NETWORK_MODE_MISMATCH", "network")
        self.assertError(request("POST", "invoices", invoice_body(network="anvil"), key=live),
                         422, "validation_error", "NETWORK_MODE_MISMATCH", "network")

    def test_other_merchant_sees_nothing(self):
        _, other = new_merchant("Other Shop")
        self.assertError(request("GET", "invoices/" + self.invoice, key=other), 404,
                         "not_found_error", "INVOICE_NOT_FOUND")
        self.assertError(request("POST", "invoices/%s/cancel" % self.invoice, {}, key=other), 404)
        ids = [i["id"] for i in request("GET", "invoices?limit=100", key=other).json()["data"]]
        self.assertNotIn(self.invoice, ids)
        # Searching for the first merchant's metadata finds nothing either.
        r = request("GET", "invoices?search=ord_789", key=other)
        self.assertEqual(r.json()["data"], [])
        # Still there for its owner.
        self.assertEqual(request("GET", "invoices/" + self.invoice, key=self.key).json()["status"],
                         "created")

    def test_merchant_without_wallet(self):
        _, k = new_merchant("No Wallet", wallet=False)
        self.assertError(request("POST", "invoices", invoice_body(), key=k), 422,
                         "validation_error", "WALLET_NOT_CONFIGURED", "network")

    def test_unknown_route_and_method(self):
        for path in ("/api/v1/nope", "/api/v1/invoices/x/y/z", "/api/v2/invoices", "/api/"):
            r = request("GET", path, key=self.key)
            self.assertError(r, 404, code="ROUTE_NOT_FOUND")
        r = request("DELETE", "invoices/" + self.invoice, key=self.key)
        self.assertError(r, 405, code="METHOD_NOT_ALLOWED")
        self.assertEqual(r.header("allow"), "GET, HEAD")
        r = request("PUT", "invoices", key=self.key)
        self.assertError(r, 405)
        self.assertEqual(r.header("allow"), "POST, GET, HEAD")
        r = request("GET", "invoices/%s/cancel" % self.invoice, key=self.key)
        self.assertError(r, 405)

    def test_request_id_on_every_response(self):
        seen = set()
        for r in (request("GET", "invoices", key=self.key), request("GET", "invoices"),
                  request("GET", "/api/v1/zzz"),
                  request("POST", "invoices", invoice_body(), key=self.key)):
            rid = r.header("x-request-id")
            self.assertRegex(rid, r"^req_[a-z2-7]{26}$")
            seen.add(rid)
        self.assertEqual(len(seen), 4)
