"""The listeners survive a PostgreSQL restart: a waiting cc-webhooks worker
LISTENs again (new deliveries leave within a second of their commit, not
at its next poll) and open event streams keep receiving events, including
those committed before the listeners were back."""
import os
import statistics
import subprocess
import time
import unittest

import chain
from cc import ENV, invoice_body, new_merchant, psql, request
from test_events import Stream
from test_webhooks import Receiver, wait_for


def restart_postgres():
    """pg_ctl restart -m fast on the stack's cluster (or CC_PG_RESTART, a
    command, for a cluster the stack did not start): every connection is
    dropped, and the server is back when this returns. The options the
    server was started with (port, socket folder) are kept by pg_ctl."""
    if ENV.get("CC_PG_RESTART"):
        cmd = ENV["CC_PG_RESTART"].split()
    else:
        pgdir = ENV["CC_PG_HOST"]
        cmd = [os.path.join(ENV["CC_PGBIN"], "pg_ctl"), "-D", pgdir + "/data",
               "-l", pgdir + "/postgresql.log", "-m", "fast", "-w", "restart"]
        if os.getuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
    # The server's output goes to its log: a pipe held open by the new
    # postmaster would never end.
    subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True, timeout=120)


def event_time(inv, type):
    ts = psql("SELECT extract(epoch FROM created_at) FROM events WHERE "
              "invoice_id = '%s' AND type = '%s'" % (inv, type))
    return float(ts[0])


class ReconnectTest(unittest.TestCase):
    def setUp(self):
        self.merchant, self.key = new_merchant("Reconnect Shop")
        # Other suites' deliveries would only share the worker's time.
        psql("UPDATE webhook_deliveries SET status = 'cancelled', "
             "last_error = 'test isolation' WHERE status = 'pending'")
        self.rec = Receiver()
        r = request("POST", "webhook-endpoints",
                    {"url": self.rec.url, "events": ["invoice.created"],
                     "allowed_ips": ["127.0.0.1"]}, key=self.key)
        self.assertEqual(r.status, 201, r)
        self.worker = None
        self.streams = []

    def tearDown(self):
        if self.worker is not None and self.worker.poll() is None:
            chain.kill(self.worker)
        for s in self.streams:
            s.close()
        self.rec.close()

    def invoice(self):
        body = invoice_body()
        del body["webhook_url"]
        r = request("POST", "invoices", body, key=self.key)
        self.assertEqual(r.status, 201, r)
        return r.json()["id"]

    def cancel(self, inv):
        r = request("POST", "invoices/%s/cancel" % inv, {"reason": "test"},
                    key=self.key)
        self.assertEqual(r.status, 200, r)

    def delivered(self, inv):
        """When the receiver got inv's invoice.created."""
        def arrival():
            with self.rec.lock:
                for t, _, raw in self.rec.requests:
                    if inv.encode() in raw:
                        return t
            return None
        return wait_for(arrival, timeout=20, step=0.01)

    def test_listeners_survive_a_postgres_restart(self):
        watched = [self.invoice(), self.invoice()]
        self.worker = chain.start_tool("cc-webhooks", "--for", "120")
        for inv in watched:
            self.assertIsNotNone(self.delivered(inv))
        for inv in watched:
            s = Stream(inv)
            self.streams.append(s)
            self.assertEqual(s.status, 200)

        restart_postgres()

        # Committed at once, before the listeners may be back: the
        # tables, read again after the reconnect, still bring them.
        self.cancel(watched[0])
        inv = self.invoice()
        self.assertIsNotNone(self.delivered(inv), "lost across the restart")
        ev = self.streams[0].next()
        self.assertIsNotNone(ev, "the stream ended")
        self.assertEqual(ev[1]["event"], "invoice.cancelled")

        # Then each new event wakes the worker through NOTIFY. Each is
        # committed 0.2 s after the previous delivery: a worker that only
        # polls (every second, counted from its claim after that
        # delivery) would take about 0.8 s for every one of them.
        lat = []
        for _ in range(5):
            time.sleep(0.2)
            inv = self.invoice()
            got = self.delivered(inv)
            self.assertIsNotNone(got, "not delivered")
            lat.append(got - event_time(inv, "invoice.created"))
        self.assertLess(max(lat), 1.0, lat)
        self.assertLess(statistics.median(lat), 0.3, lat)

        # The other stream, open all along, gets its event as live ones
        # go: an EventSource sees no error and no reconnection.
        self.cancel(watched[1])
        ev = self.streams[1].next()
        self.assertIsNotNone(ev, "the stream ended")
        self.assertEqual(ev[1]["event"], "invoice.cancelled")
        self.assertLess(ev[2] - event_time(watched[1], "invoice.cancelled"),
                        1.0)
        self.assertIsNone(self.streams[1].next())   # final: it ends
        self.assertIsNone(self.worker.poll(), "the worker stopped")


if __name__ == "__main__":
    unittest.main()
