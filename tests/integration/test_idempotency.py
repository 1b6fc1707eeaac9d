"""Idempotency-Key with Stripe's rules, including concurrent requests."""
import threading
import unittest
import uuid

from cc import invoice_body, new_merchant, psql, request


class IdempotencyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Idem Shop")

    def count(self):
        return int(psql("SELECT count(*) FROM invoices WHERE merchant_id = '%s'"
                        % self.merchant)[0])

    def post(self, body, key):
        return request("POST", "invoices", body, key=self.key,
                       headers={"Idempotency-Key": key})

    def test_replay_same_body(self):
        k = "order_789_attempt_" + uuid.uuid4().hex
        n = self.count()
        a = self.post(invoice_body(), k)
        self.assertEqual(a.status, 201, a)
        b = self.post(invoice_body(), k)
        self.assertEqual(b.status, 201, b)
        self.assertEqual(a.body, b.body)
        self.assertEqual(b.header("idempotent-replayed"), "true")
        self.assertIsNone(a.header("idempotent-replayed"))
        self.assertEqual(self.count(), n + 1)

    def test_different_body(self):
        k = "k_" + uuid.uuid4().hex
        self.assertEqual(self.post(invoice_body(), k).status, 201)
        r = self.post(invoice_body(title="Something else"), k)
        self.assertEqual(r.status, 409, r)
        e = r.json()["error"]
        self.assertEqual(e["type"], "idempotency_error")
        self.assertEqual(e["field"], "Idempotency-Key")

    def test_key_is_per_merchant(self):
        k = "shared_" + uuid.uuid4().hex
        a = self.post(invoice_body(), k).json()["id"]
        _, other = new_merchant("Idem Other")
        r = request("POST", "invoices", invoice_body(), key=other, headers={"Idempotency-Key": k})
        self.assertEqual(r.status, 201, r)
        self.assertNotEqual(r.json()["id"], a)

    def test_validation_errors_are_not_stored(self):
        k = "bad_" + uuid.uuid4().hex
        r = self.post(invoice_body(currency="XYZ"), k)
        self.assertEqual(r.status, 422)
        r = self.post(invoice_body(), k)
        self.assertEqual(r.status, 201, r)

    def test_bad_keys(self):
        for k in ("x" * 256, "with space", "tab\tkey"):
            r = self.post(invoice_body(), k)
            self.assertEqual(r.status, 400, r)
            self.assertEqual(r.json()["error"]["field"], "Idempotency-Key")

    def test_expired_key_is_reusable(self):
        k = "old_" + uuid.uuid4().hex
        a = self.post(invoice_body(), k).json()["id"]
        psql("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' "
             "WHERE key = '%s'" % k)
        b = self.post(invoice_body(title="new"), k)
        self.assertEqual(b.status, 201, b)
        self.assertNotEqual(b.json()["id"], a)

    def test_concurrent_requests_create_one_invoice(self):
        k = "race_" + uuid.uuid4().hex
        n = self.count()
        results = []
        lock = threading.Lock()

        def go():
            r = self.post(invoice_body(), k)
            with lock:
                results.append(r)

        threads = [threading.Thread(target=go) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(self.count(), n + 1)
        ids = {r.json()["id"] for r in results if r.status == 201}
        self.assertEqual(len(ids), 1, results)
        for r in results:
            self.assertIn(r.status, (201, 409), r)
