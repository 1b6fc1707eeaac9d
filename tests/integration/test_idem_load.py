"""Idempotency under load: rounds of 50 parallel creates with one
Idempotency-Key each (a new key every round), released together. Each
round must create exactly one invoice (in the database and in the list
API), and every answer must be that invoice's 201, byte for byte: one
without Idempotent-Replayed, the others replays of it (docs/API.md:
concurrent requests with one key create exactly one invoice; a waiting
request replays the first answer once it is committed).

The default run does 20 rounds; CC_LONG=1 runs the issue's 200 rounds x
50 (10,000 requests)."""
import http.client
import json
import os
import threading
import time
import unittest
import uuid

import apicheck
from cc import API, invoice_body, new_merchant, psql, request

PARALLEL = 50
ROUNDS = 200 if os.environ.get("CC_LONG") == "1" else 20


class IdempotencyLoadTest(unittest.TestCase):
    def test_parallel_same_key_creates(self):
        merchant, key = new_merchant("Idem Load Shop")
        path = API.path + "/invoices"
        conns = [http.client.HTTPConnection(API.hostname, API.port, timeout=120)
                 for _ in range(PARALLEL)]
        failures, created = [], {}
        requests = 0
        start = time.time()
        try:
            for rnd in range(ROUNDS):
                k = "load_%d_%s" % (rnd, uuid.uuid4().hex)
                body = json.dumps(invoice_body(metadata={"order_id": k})).encode()
                headers = {"Authorization": "Bearer " + key, "Idempotency-Key": k,
                           "Content-Type": "application/json"}
                answers = [None] * PARALLEL
                gate = threading.Barrier(PARALLEL)

                def go(i):
                    gate.wait()
                    c = conns[i]
                    for attempt in (1, 2):
                        try:
                            c.request("POST", path, body=body, headers=headers)
                            r = c.getresponse()
                            answers[i] = (r.status, {h.lower(): v for h, v in r.getheaders()},
                                          r.read())
                            return
                        except (ConnectionError, http.client.HTTPException) as e:
                            # A kept-alive connection the server closed
                            # between rounds: once more on a new one.
                            c.close()
                            if attempt == 2:
                                answers[i] = (0, {}, repr(e).encode())

                threads = [threading.Thread(target=go, args=(i,)) for i in range(PARALLEL)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                requests += PARALLEL
                # Every distinct answer is checked against the document.
                seen = set()
                for status, hdrs, data in answers:
                    sig = (status, hdrs.get("idempotent-replayed"), data)
                    if sig not in seen and status:
                        seen.add(sig)
                        apicheck.response("POST", path, status, hdrs, data)
                statuses = sorted({a[0] for a in answers})
                bodies = {a[2] for a in answers}
                fresh = [a for a in answers if a[1].get("idempotent-replayed") is None]
                if statuses != [201] or len(bodies) != 1 or len(fresh) != 1:
                    failures.append("round %d: statuses %s, %d bodies, %d not replayed: %s"
                                    % (rnd, statuses, len(bodies), len(fresh),
                                       [a[2][:200] for a in answers if a[0] != 201][:2]))
                    continue
                created[k] = json.loads(bodies.pop())["id"]
        finally:
            for c in conns:
                c.close()
        elapsed = time.time() - start
        # The database: one invoice per key, and nothing else.
        rows = psql("SELECT metadata->>'order_id', count(*) FROM invoices WHERE "
                    "merchant_id = '%s' GROUP BY 1" % merchant)
        per_key = {r.split("|")[0]: int(r.split("|")[1]) for r in rows}
        db_invoices = sum(per_key.values())
        for k, n in per_key.items():
            if n != 1:
                failures.append("%s: %d invoices in the database" % (k, n))
        # The list API: the same invoices, each once.
        listed, cursor = [], None
        while True:
            q = "invoices?limit=100" + ("&cursor=" + cursor if cursor else "")
            r = request("GET", q, key=key)
            self.assertEqual(r.status, 200, r)
            page = json.loads(r.body)
            listed += [(i["id"], i["metadata"]["order_id"]) for i in page["data"]]
            if not page["has_more"]:
                break
            cursor = page["next_cursor"]
        if sorted(i for i, _ in listed) != sorted(created.values()):
            failures.append("the list API shows %d invoices, %d created"
                            % (len(listed), len(created)))
        if sorted(k for _, k in listed) != sorted(created):
            failures.append("the list API's keys differ from the created ones")
        print("\nmatrix idempotency: %d rounds x %d, %d requests, %d invoices (%.1f s)"
              % (ROUNDS, PARALLEL, requests, db_invoices, elapsed))
        self.assertEqual(failures, [], "\n".join(failures[:20]))
        self.assertEqual(db_invoices, ROUNDS)
        self.assertEqual(len(created), ROUNDS)


if __name__ == "__main__":
    unittest.main()
