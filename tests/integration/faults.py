"""What the fault tests (test_kill_matrix.py, test_overload.py) share: a
webhook receiver that logs every request with its delivery id and attempt,
the cron tools run with a failpoint armed, and the checks that the
database still tells the truth afterwards: the ledger equals the chain, no
event lost or doubled, no attempt of a delivery sent twice, the scan
cursor only forward."""
import collections
import http.server
import json
import os
import signal
import subprocess
import threading
import time
import zlib
from decimal import Decimal

import apicheck
import chain
from cc import ENV, psql

LONG = os.environ.get("CC_LONG") == "1"
NET = ENV["CC_USDT_NETWORK"]
TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
REQUIRED_CONFIRMATIONS = 3      # [network anvil] confirmations of the stacks


def tool_cmd(name, args, conf=None):
    return [os.path.join(ENV["CC_BIN"], name), "--config",
            conf or ENV["CC_CONF"]] + list(args)


def run_killed(name, point, args, during=None, timeout=90):
    """Runs a cron tool with CC_FAILPOINT=point; it must die by SIGKILL at
    that point (during(process) runs while it works). Returns its stderr."""
    env = dict(os.environ, CC_FAILPOINT=point)
    p = subprocess.Popen(tool_cmd(name, args), env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        if during is not None:
            during(p)
        _, err = p.communicate(timeout=timeout)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    name, _, count = point.partition(":")
    said = "failpoint %s reached (time %s)" % (name, count or "1")
    if p.returncode != -signal.SIGKILL or said not in err:
        raise AssertionError("%s at %s: exit %s, not SIGKILL: %s"
                             % (name, point, p.returncode, err[-1500:]))
    return err


def run_tool(name, args, conf=None, timeout=180):
    p = subprocess.run(tool_cmd(name, args, conf), capture_output=True,
                       text=True, timeout=timeout)
    if p.returncode != 0:
        raise AssertionError("%s %s: exit %d: %s" % (name, args, p.returncode,
                                                      p.stderr[-1500:]))
    return p


class Recorder:
    """A webhook receiver that records every request (delivery id, attempt,
    webhook id, event id) and answers 200, except a first attempt of one
    delivery in three (by a hash of its id), which gets a 500: retries
    happen, and no delivery needs more than its retries even when kills
    spend some. Every request is checked against docs/openapi.json."""

    def __init__(self):
        self.log = []
        self.lock = threading.Lock()
        rec = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                apicheck.webhook(dict(self.headers), body)
                did = self.headers.get("X-Crypto-Checkout-Delivery-Id", "")
                att = int(self.headers.get("X-Crypto-Checkout-Attempt", "0"))
                code = 500 if att == 1 and zlib.crc32(did.encode()) % 3 == 0 else 200
                try:
                    evt = json.loads(body)["id"]
                except (ValueError, KeyError):
                    evt = None
                with rec.lock:
                    rec.log.append((did, att, self.headers.get(
                        "X-Crypto-Checkout-Webhook-Id"), evt, code))
                try:
                    self.send_response(code)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None
        self.url = "http://127.0.0.1:%d/hook" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def entries(self):
        with self.lock:
            return list(self.log)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def cursor():
    rows = psql("SELECT block_number FROM chain_cursors WHERE network = '%s'" % NET)
    return int(rows[0]) if rows else None


class CursorWatch:
    """The scan cursor, read after every run: never lower than before,
    except down to the fork point of a reorganisation made since."""

    def __init__(self, test):
        self.test = test
        self.last = cursor()
        self.floor = None
        self.reads = 0

    def reorged(self, fork_point):
        self.floor = fork_point if self.floor is None else min(self.floor, fork_point)

    def check(self, where):
        c = cursor()
        self.reads += 1
        if self.last is not None and c < self.last:
            self.test.assertIsNotNone(self.floor, "cursor back %d->%d (%s)" % (self.last, c, where))
            self.test.assertGreaterEqual(c, self.floor, "cursor below the fork (%s)" % where)
        if c is not None and self.last is not None and c >= self.last:
            self.floor = None if c > self.last else self.floor
        self.last = c


def transfers_to(addresses, from_block):
    """The canonical chain's token transfers to these addresses (lower-case
    hex) since from_block: (tx hash, log index) -> (block, hash, units)."""
    logs = chain.rpc("eth_getLogs", {"fromBlock": hex(from_block), "toBlock": "latest",
                                     "address": chain.USDT, "topics": [TRANSFER_TOPIC]})
    out = {}
    for l in logs:
        to = "0x" + l["topics"][2][-40:]
        if to.lower() in addresses:
            out[(l["transactionHash"].lower(), int(l["logIndex"], 16))] = (
                int(l["blockNumber"], 16), l["blockHash"].lower(), int(l["data"], 16), to.lower())
    return out


def check_ledger(test, merchant, from_block):
    """The payments of the merchant's invoices are exactly the canonical
    transfers to their addresses: same block, hash and amount, counted
    (not reverted), and confirmed from REQUIRED_CONFIRMATIONS on; every
    other row reverted. Returns how many payments were compared."""
    invs = {r.split("|")[1].lower(): r.split("|")[0] for r in psql(
        "SELECT id, address FROM invoices WHERE merchant_id = '%s'" % merchant)}
    want = transfers_to(set(invs), from_block)
    head = chain.head()
    rows = psql("SELECT lower(tx_hash), log_index, block_number, lower(block_hash), "
                "amount, status, invoice_id FROM payments WHERE merchant_id = '%s' "
                "AND network = '%s'" % (merchant, NET))
    got = {}
    for r in rows:
        tx, li, bn, bh, amt, st, inv = r.split("|")
        key = (tx, int(li))
        test.assertNotIn(key, got, "payment recorded twice")
        got[key] = (int(bn), bh, int(Decimal(amt)), st, inv)
    for key, (bn, bh, units, to) in want.items():
        test.assertIn(key, got, "payment missing: %s" % (key,))
        gbn, gbh, gunits, st, inv = got[key]
        test.assertEqual((gbn, gbh, gunits), (bn, bh, units), key)
        test.assertEqual(inv, invs[to], key)
        conf = head - bn + 1
        test.assertEqual(st, "confirmed" if conf >= REQUIRED_CONFIRMATIONS else
                         "confirming" if conf >= 2 else "detected", key)
    for key, g in got.items():
        if key not in want:
            test.assertEqual(g[3], "reverted", "not on the chain: %s" % (key,))
    return len(want)


# What each event does to a payment's status: from which statuses.
PAYMENT_MOVES = {
    "payment.detected": ({None, "reverted"}, "detected"),
    "payment.confirming": ({"detected"}, "confirming"),
    "payment.confirmed": ({"detected", "confirming"}, "confirmed"),
    "payment.reverted": ({"detected", "confirming", "confirmed"}, "reverted"),
}


def check_events(test, merchant):
    """Replays each invoice's events in order: every payment event is a
    legal move of its payment (a doubled one is not), invoice.paid follows
    exactly the moves that complete the invoice (none lost, none extra),
    invoice.expired at most once, and the replay ends where the tables
    are. Returns how many events were replayed."""
    pays = {}
    for r in psql("SELECT id, invoice_id, amount, status, late FROM payments "
                  "WHERE merchant_id = '%s'" % merchant):
        pid, inv, amt, st, late = r.split("|")
        pays[pid] = (inv, int(Decimal(amt)), st, late == "t")
    invs = {}
    for r in psql("SELECT id, status, crypto_amount FROM invoices WHERE "
                  "merchant_id = '%s'" % merchant):
        iid, st, units = r.split("|")
        invs[iid] = (st, int(units))
    evs = collections.defaultdict(list)
    for r in psql("SELECT invoice_id, type, coalesce(data->'payment'->>'id', '') "
                  "FROM events WHERE merchant_id = '%s' ORDER BY seq" % merchant):
        inv, typ, pid = r.split("|")
        evs[inv].append((typ, pid))
    n = 0
    for iid, (status, required) in invs.items():
        state = {}
        paid = expired = owed = False
        created = 0
        for typ, pid in evs[iid]:
            n += 1
            if typ == "invoice.created":
                created += 1
            elif typ in PAYMENT_MOVES:
                test.assertFalse(owed, "invoice.paid lost: %s" % iid)
                allowed, to = PAYMENT_MOVES[typ]
                test.assertIn(pid, pays, typ)
                test.assertIn(state.get(pid), allowed,
                              "%s after %s: %s" % (typ, state.get(pid), pid))
                state[pid] = to
                total = sum(pays[p][1] for p, s in state.items()
                            if s == "confirmed" and not pays[p][3])
                if not paid and not expired and total >= required:
                    owed = True
                if paid and total < required:
                    paid = False            # reopened by a reorganisation
            elif typ == "invoice.paid":
                test.assertTrue(owed, "invoice.paid extra: %s" % iid)
                paid, owed = True, False
            elif typ == "invoice.expired":
                test.assertFalse(expired or paid or owed, "invoice.expired: %s" % iid)
                expired = True
        test.assertEqual(created, 1, iid)
        test.assertFalse(owed, "invoice.paid lost: %s" % iid)
        for pid, (inv, _, st, _) in pays.items():
            if inv == iid:
                test.assertEqual(state.get(pid), st, "events of %s" % pid)
        test.assertEqual(status == "paid", paid, iid)
        test.assertEqual(status == "expired", expired, iid)
    return n


def check_deliveries(test, merchant, endpoint, recorder):
    """Every event of the merchant's invoices has exactly one delivery to
    the endpoint and one to the invoice's webhook_url, each delivered; the
    receiver saw each (delivery, attempt) at most once, no attempt the
    claims did not count, and the attempt recorded as delivered. Returns
    (deliveries, requests, deliveries received more than once)."""
    evs = {r.split("|")[0]: r.split("|")[1] for r in psql(
        "SELECT seq, id FROM events WHERE merchant_id = '%s'" % merchant)}
    ds = {}
    per_event = collections.Counter()
    for r in psql("SELECT id, event_seq, coalesce(endpoint_id, ''), status, attempts "
                  "FROM webhook_deliveries WHERE merchant_id = '%s'" % merchant):
        did, seq, ep, st, att = r.split("|")
        test.assertIn(ep, (endpoint, ""), did)
        per_event[(seq, ep)] += 1
        ds[did] = (evs[seq], st, int(att))
    for seq in evs:
        test.assertEqual(per_event[(seq, endpoint)], 1, "endpoint deliveries of %s" % seq)
        test.assertEqual(per_event[(seq, "")], 1, "webhook_url deliveries of %s" % seq)
    ok_attempt = {}
    for r in psql("SELECT a.delivery_id, a.attempt FROM webhook_attempts a JOIN "
                  "webhook_deliveries d ON d.id = a.delivery_id WHERE d.merchant_id = "
                  "'%s' AND a.response_code BETWEEN 200 AND 299" % merchant):
        did, att = r.split("|")
        ok_attempt[did] = int(att)
    seen = collections.Counter()
    got = collections.defaultdict(set)
    for did, att, _, evt, code in recorder.entries():
        test.assertIn(did, ds, "unknown delivery")
        seen[(did, att)] += 1
        test.assertEqual(seen[(did, att)], 1, "attempt sent twice: %s #%d" % (did, att))
        test.assertLessEqual(att, ds[did][2], "attempt not counted: %s" % did)
        test.assertEqual(evt, ds[did][0], did)
        if 200 <= code < 300:
            got[did].add(att)
    repeated = 0
    for did, (_, st, _) in ds.items():
        test.assertEqual(st, "delivered", did)
        test.assertIn(ok_attempt.get(did), got[did], "delivered attempt not received: %s" % did)
        repeated += len(got[did]) > 1
    return len(ds), sum(seen.values()), repeated


def drain_webhooks(test, merchant, conf=None):
    """Sends every pending delivery of the merchant, with the clock of
    leases and retries moved on (a killed worker's lease would otherwise
    hold a delivery for its timeout + 15 s); other merchants' pending
    deliveries (other suites' unreachable hosts) are cancelled."""
    for _ in range(40):
        psql("UPDATE webhook_deliveries SET status = 'cancelled', last_error = "
             "'test isolation' WHERE status = 'pending' AND merchant_id <> '%s'" % merchant)
        left = psql("UPDATE webhook_deliveries SET next_attempt_at = now(), leased_until = "
                    "NULL WHERE status = 'pending' AND merchant_id = '%s' RETURNING id" % merchant)
        if not left:
            return
        run_tool("cc-webhooks", ["--for", "1"], conf=conf)
    test.fail("deliveries still pending")


def wait_exit(p, timeout):
    try:
        return p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out = p.communicate()
        raise AssertionError("%s did not end: %s" % (p.args[0], out[1][-1500:]))


def now():
    return time.monotonic()
