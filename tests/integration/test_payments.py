"""Payments on the local chain through the real stack: cc-scan records
them, counts confirmations, survives reorganisations, kills and node
restarts; the invoice lifecycle follows with an event for every change."""
import os
import random
import signal
import subprocess
import time
import unittest

import chain
from cc import ENV, InvoiceHelpers, invoice_body, new_merchant, psql, request
from cc import event_types as events

NET = ENV["CC_USDT_NETWORK"]



class PaymentTest(InvoiceHelpers, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Pay Shop")
        chain.scan()        # the scanner's cursor starts at the head

    def settle(self, blocks=2):
        """Mines enough blocks for 3 confirmations, scanning each step."""
        for _ in range(blocks):
            chain.mine(1)
            chain.scan()

    def test_exact_payment_lifecycle(self):
        inv = self.invoice()
        rec = chain.pay_token(inv["address"], 16490000)
        chain.scan()
        v = self.view(inv)
        self.assertEqual(len(v["payments"]), 1, v)
        p = v["payments"][0]
        self.assertEqual(p["status"], "detected")
        self.assertEqual(p["confirmations"], "1")
        self.assertEqual(p["required_confirmations"], "3")
        self.assertEqual(p["amount"], "16.49")
        self.assertEqual(p["tx_hash"], rec["transactionHash"])
        self.assertEqual(int(p["block_number"]), int(rec["blockNumber"], 16))
        self.assertEqual(p["from_address"].lower(), chain.accounts()[1].lower())
        self.assertIsNone(p["confirmed_at"])
        self.assertEqual(v["status"], "created")
        chain.mine(1)
        chain.scan()
        self.assertEqual(self.view(inv)["payments"][0]["status"], "confirming")
        chain.mine(1)
        chain.scan()
        v = self.view(inv)
        self.assertEqual(v["payments"][0]["status"], "confirmed")
        self.assertIsNotNone(v["payments"][0]["confirmed_at"])
        self.assertEqual(v["status"], "paid")
        self.assertIsNotNone(v["paid_at"])
        self.assertEqual(events(inv["id"]), ["invoice.created", "payment.detected",
                                             "payment.confirming", "payment.confirmed",
                                             "invoice.paid"])
        # Scanning again changes nothing.
        chain.scan()
        self.assertEqual(len(events(inv["id"])), 5)
        data = psql("SELECT data->>'total_received' FROM events WHERE invoice_id = '%s' "
                    "AND type = 'invoice.paid'" % inv["id"])
        self.assertEqual(data, ["16.49"])

    def test_two_partial_payments(self):
        inv = self.invoice()
        chain.pay_token(inv["address"], 10000000)
        self.settle()
        v = self.view(inv)
        self.assertEqual(v["status"], "created")
        self.assertEqual([p["status"] for p in v["payments"]], ["confirmed"])
        # The spec's own example: 10.00 of 16.49 received.
        self.assertEqual(v["payment_progress"], {"received": "10.00", "required": "16.49",
                                                 "remaining": "6.49", "pending": "0.00",
                                                 "percent": "60.64"})
        chain.pay_token(inv["address"], 6490000)
        chain.scan()
        self.assertEqual(self.view(inv)["payment_progress"]["pending"], "6.49")
        self.settle()
        v = self.view(inv)
        self.assertEqual(v["status"], "paid")
        self.assertEqual(sorted(p["amount"] for p in v["payments"]), ["10", "6.49"])

    def test_underpayment_tolerance(self):
        inside = self.invoice()
        outside = self.invoice()
        chain.pay_token(inside["address"], 16480000)     # 0.01 short: tolerated
        chain.pay_token(outside["address"], 16470000)    # 0.02 short
        self.settle()
        self.assertEqual(self.view(inside)["status"], "paid")
        self.assertEqual(self.view(outside)["status"], "created")

    def test_overpayment(self):
        credit = self.invoice()
        refund = self.invoice(payment_tolerance={"overpayment_threshold": "1.00",
                                                 "overpayment_action": "refund"})
        small = self.invoice()
        chain.pay_token(credit["address"], 20000000)
        chain.pay_token(refund["address"], 20000000)
        chain.pay_token(small["address"], 17000000)      # within the 1.00 threshold
        self.settle()
        v = self.view(credit)
        self.assertEqual(v["status"], "paid")
        self.assertIn("invoice.overpaid", events(credit["id"]))
        self.assertEqual([(c["amount"], c["reason"]) for c in v["credits"]],
                         [("3.51", "overpayment")])
        self.assertIsNotNone(v["overpaid_at"])
        v = self.view(refund)
        self.assertEqual([(r["amount"], r["reason"], r["status"]) for r in v["refunds"]],
                         [("3.51", "overpayment", "awaiting_destination")])
        self.assertEqual(v["credits"], [])
        v = self.view(small)
        self.assertEqual(v["status"], "paid")
        self.assertNotIn("invoice.overpaid", events(small["id"]))
        self.assertEqual(v["credits"], [])

    def test_native_eth(self):
        inv = self.invoice(crypto_currency="ETH", items=[{"name": "x", "unit_price": "30.00"}])
        self.assertEqual(inv["crypto_amount_units"], str(10 ** 16))
        chain.pay_eth(inv["address"], 10 ** 16)
        chain.scan()
        v = self.view(inv)
        self.assertEqual([p["asset"] for p in v["payments"]], ["ETH"])
        self.assertEqual(v["payments"][0]["amount"], "0.01")
        self.settle()
        self.assertEqual(self.view(inv)["status"], "paid")

    def test_unrelated_and_foreign_transfers_are_ignored(self):
        inv = self.invoice()
        stranger = "0x" + "%040x" % random.getrandbits(160)
        rec = chain.pay_token(stranger, 5000000)
        other = chain.deploy_token()
        rec2 = chain.pay_token(inv["address"], 16490000, token=other)
        # USDT sent to an ETH invoice is not its payment either.
        eth = self.invoice(crypto_currency="ETH", items=[{"name": "x", "unit_price": "30.00"}])
        rec3 = chain.pay_token(eth["address"], 30000000)
        p = chain.scan()
        for r in (rec, rec2, rec3):
            self.assertEqual(psql("SELECT count(*) FROM payments WHERE tx_hash = '%s'"
                                  % r["transactionHash"]), ["0"])
        self.assertIn("unsupported token", p.stderr)
        self.assertIn(inv["id"], p.stderr)
        self.assertIn("another asset", p.stderr)
        self.settle()
        self.assertEqual(self.view(inv)["status"], "created")
        self.assertEqual(self.view(inv)["payments"], [])

    def test_payment_after_expiry_is_late(self):
        inv = self.invoice(expires_in=60, price_lock_duration=60)
        psql("UPDATE invoices SET expires_at = now() - interval '1 second' WHERE id = '%s'"
             % inv["id"])
        chain.tool("cc-expire")
        v = self.view(inv)
        self.assertEqual(v["status"], "expired")
        self.assertIn("invoice.expired", events(inv["id"]))
        chain.pay_token(inv["address"], 16490000)
        self.settle()
        v = self.view(inv)
        self.assertEqual(v["status"], "expired")
        self.assertEqual([(p["late"], p["status"]) for p in v["payments"]], [(True, "confirmed")])
        self.assertNotIn("invoice.paid", events(inv["id"]))
        self.assertIn("payment.detected", events(inv["id"]))

    def test_expiry_keeps_partial_payments(self):
        inv = self.invoice()
        chain.pay_token(inv["address"], 5000000)
        self.settle()
        psql("UPDATE invoices SET expires_at = now() - interval '1 second' WHERE id = '%s'"
             % inv["id"])
        chain.tool("cc-expire")
        v = self.view(inv)
        self.assertEqual(v["status"], "expired")
        self.assertEqual([p["amount"] for p in v["payments"]], ["5"])

    def test_full_payment_confirming_at_expiry_waits(self):
        inv = self.invoice()
        chain.pay_token(inv["address"], 16490000)
        chain.scan()
        psql("UPDATE invoices SET expires_at = now() - interval '1 second' WHERE id = '%s'"
             % inv["id"])
        chain.tool("cc-expire")
        self.assertEqual(self.view(inv)["status"], "created")
        self.settle()
        self.assertEqual(self.view(inv)["status"], "paid")

    def test_cancel_refunds_partial_payments(self):
        inv = self.invoice()
        chain.pay_token(inv["address"], 4000000)
        self.settle()
        r = request("POST", "invoices/%s/cancel" % inv["id"],
                    {"reason": "out of stock", "refund_partial_payments": True}, key=self.key)
        self.assertEqual(r.status, 200, r)
        v = r.json()
        self.assertEqual([(x["amount"], x["reason"], x["status"]) for x in v["refunds"]],
                         [("4", "cancelled", "awaiting_destination")])
        # invoice.refunded waits until the refund is sent and confirmed.
        self.assertEqual(events(inv["id"])[-1], "invoice.cancelled")
        # A payment after cancellation is recorded, flagged, never counted.
        chain.pay_token(inv["address"], 16490000)
        self.settle()
        v = self.view(inv)
        self.assertEqual(v["status"], "cancelled")
        self.assertEqual(sorted(p["late"] for p in v["payments"]), [False, True])

    def test_reorg_removes_a_detected_payment(self):
        inv = self.invoice()
        chain.pay_token(inv["address"], 16490000)
        chain.scan()
        self.assertEqual(self.view(inv)["payments"][0]["status"], "detected")
        chain.reorg(2)          # the payment's block is replaced, without it
        p = chain.scan()
        self.assertIn("reorganisation", p.stderr)
        v = self.view(inv)
        self.assertEqual([x["status"] for x in v["payments"]], ["reverted"])
        self.assertIn("payment.reverted", events(inv["id"]))
        self.settle()
        self.assertEqual(self.view(inv)["status"], "created")

    def test_reorg_moves_a_payment_to_another_block(self):
        inv = self.invoice()
        payer = chain.accounts()[3]
        chain.mint(payer, 16490000)
        chain.mine(2)           # the mint stays out of the reorganised blocks
        rec = chain.send(payer, chain.USDT, "0x" + chain.TRANSFER +
                         chain.addr_word(inv["address"]) + chain.word(16490000))
        raw = chain.raw_tx(rec["transactionHash"])
        chain.mine(1)
        chain.scan()
        before = int(self.view(inv)["payments"][0]["block_number"])
        # The payment's block and the next are replaced; the same signed
        # transaction lands in the second new block.
        chain.reorg(2, [(raw, 1)])
        chain.scan()
        v = self.view(inv)
        self.assertEqual(len(v["payments"]), 1, v)
        self.assertEqual(int(v["payments"][0]["block_number"]), before + 1)
        self.assertIn(v["payments"][0]["status"], ("detected", "confirming"))
        self.assertEqual(events(inv["id"]).count("payment.detected"), 2)
        self.assertIn("payment.reverted", events(inv["id"]))
        self.settle(3)
        self.assertEqual(self.view(inv)["status"], "paid")

    def test_reorg_after_paid(self):
        inv = self.invoice()
        chain.pay_token(inv["address"], 16490000)
        self.settle()
        self.assertEqual(self.view(inv)["status"], "paid")
        chain.reorg(4)
        chain.scan()
        v = self.view(inv)
        self.assertEqual(v["status"], "pending" if v["status"] != "created" else "created")
        self.assertNotEqual(v["status"], "paid")
        self.assertIsNone(v["paid_at"])
        self.assertEqual([x["status"] for x in v["payments"]], ["reverted"])


class ScannerRobustnessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Robust Shop")
        chain.scan()

    def test_sigkill_mid_batch_loses_and_repeats_nothing(self):
        invs = []
        for i in range(12):
            r = request("POST", "invoices", invoice_body(tax=0, payment_tolerance=None,
                                                         items=[{"name": "x", "unit_price": "1.%02d" % (i + 1)}]),
                        key=self.key)
            invs.append(r.json())
        txs = []
        for inv in invs:
            txs.append(chain.pay_token(inv["address"], int(inv["crypto_amount_units"]))["transactionHash"])
            chain.mine(2)
        # Kill the scanner at several points while it works through the
        # blocks one at a time, then let a run finish.
        for delay in (0.05, 0.15, 0.3, 0.5, 0.8):
            p = chain.start_tool("cc-scan", "--network", NET, "--batch", "1", "--for", "30")
            time.sleep(delay)
            chain.kill(p, signal.SIGKILL)
        chain.scan()
        chain.mine(3)
        chain.scan()
        for inv, tx in zip(invs, txs):
            rows = psql("SELECT status FROM payments WHERE tx_hash = '%s'" % tx)
            self.assertEqual(rows, ["confirmed"], inv["id"])
            self.assertEqual(psql("SELECT count(*) FROM events WHERE invoice_id = '%s' AND "
                                  "type = 'payment.detected'" % inv["id"]), ["1"])
            self.assertEqual(request("GET", "invoices/" + inv["id"], key=self.key)
                             .json()["status"], "paid")

    def test_second_scanner_waits_for_the_lock(self):
        p = chain.start_tool("cc-scan", "--network", NET, "--for", "5")
        time.sleep(1.5)
        q = chain.scan()
        self.assertIn("another cc-scan", q.stderr)
        chain.kill(p, signal.SIGTERM)

    def test_node_stopped_and_restarted(self):
        inv = request("POST", "invoices", invoice_body(), key=self.key).json()
        pid = int(open(os.path.join(ENV["CC_STACK_DIR"], "run", "anvil.pid")).read())
        cmdline = open("/proc/%d/cmdline" % pid, "rb").read().split(b"\0")[:-1]
        scanner = chain.start_tool("cc-scan", "--network", NET, "--for", "40", "--poll-ms", "200")
        time.sleep(1)
        os.kill(pid, signal.SIGTERM)          # anvil saves its state and stops
        for _ in range(100):
            if not os.path.exists("/proc/%d" % pid):
                break
            time.sleep(0.1)
        time.sleep(3)                          # the scanner keeps retrying
        node = subprocess.Popen(cmdline, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        with open(os.path.join(ENV["CC_STACK_DIR"], "run", "anvil.pid"), "w") as f:
            f.write(str(node.pid))
        for _ in range(100):
            try:
                chain.head()
                break
            except Exception:
                time.sleep(0.1)
        chain.pay_token(inv["address"], int(inv["crypto_amount_units"]))
        chain.mine(3)
        deadline = time.time() + 30
        while time.time() < deadline:
            v = request("GET", "invoices/" + inv["id"], key=self.key).json()
            if v["status"] == "paid":
                break
            time.sleep(0.5)
        out, err = chain.kill(scanner, signal.SIGTERM)
        self.assertEqual(v["status"], "paid", err[-2000:])
        self.assertRegex(err, "eth_|failed|retry|error")


def tron_to_hex(addr):
    n = 0
    for c in addr:
        n = n * 58 + "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".index(c)
    raw = n.to_bytes(25, "big")
    assert raw[0] == 0x41
    return "0x" + raw[1:21].hex()


class NodeLimitsAndTronTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from cc import admin, random_xpub
        cls.merchant, cls.key = new_merchant("Tron Local Shop")
        admin("wallet", "add", "--merchant", cls.merchant, "--network", "tron-anvil",
              "--xpub", random_xpub())
        chain.scan()
        chain.tool("cc-scan", "--network", "tron-anvil")

    def test_tron_addresses_through_the_evm_path(self):
        r = request("POST", "invoices", invoice_body(network="tron-anvil"), key=self.key)
        self.assertEqual(r.status, 201, r)
        inv = r.json()
        self.assertRegex(inv["address"], r"^T[1-9A-HJ-NP-Za-km-z]{33}$")
        chain.pay_token(tron_to_hex(inv["address"]), 16490000)
        for _ in range(3):
            chain.tool("cc-scan", "--network", "tron-anvil")
            chain.mine(1)
        chain.tool("cc-scan", "--network", "tron-anvil")
        v = request("GET", "invoices/" + inv["id"], key=self.key).json()
        self.assertEqual(v["status"], "paid", v)
        self.assertTrue(v["payments"][0]["from_address"].startswith("T"))

    def test_backfill_from_block(self):
        inv = request("POST", "invoices", invoice_body(), key=self.key).json()
        start = chain.head()
        chain.pay_token(inv["address"], 16490000)
        chain.mine(3)
        chain.scan()
        p = chain.scan("--from-block", str(start), "--batch", "1")
        self.assertIn("backfilling from block %d" % start, p.stderr)
        self.assertRegex(p.stderr, r"block \d+ of \d+ \(\d+%\)")
        self.assertEqual(psql("SELECT count(*) FROM payments WHERE invoice_id = '%s'"
                              % inv["id"]), ["1"])
        self.assertEqual(events(inv["id"]).count("payment.detected"), 1)
        self.assertEqual(request("GET", "invoices/" + inv["id"], key=self.key)
                         .json()["status"], "paid")

    def test_node_refusing_wide_log_queries(self):
        """A node that answers "too many results" (Infura's error, in its
        format) for log queries over 2 blocks: the scanner splits."""
        import http.server
        import json as _json
        import tempfile
        import threading
        import urllib.request

        seen = []

        class Proxy(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                req = _json.loads(body)
                if req.get("method") == "eth_getLogs":
                    f = req["params"][0]
                    span = int(f["toBlock"], 16) - int(f["fromBlock"], 16) + 1
                    seen.append(span)
                    if span > 2:
                        out = _json.dumps({"jsonrpc": "2.0", "id": req["id"], "error": {
                            "code": -32005,
                            "message": "query returned more than 10000 results"}}).encode()
                        self.send_response(200)
                        self.send_header("Content-Type", "application/json")
                        self.send_header("Content-Length", str(len(out)))
                        self.end_headers()
                        self.wfile.write(out)
                        return
                up = urllib.request.Request(chain.RPC_URL, data=body,
                                            headers={"Content-Type": "application/json"})
                out = urllib.request.urlopen(up, timeout=30).read()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        try:
            conf = open(ENV["CC_CONF"]).read().replace(
                "rpc_url = " + chain.RPC_URL,
                "rpc_url = http://127.0.0.1:%d" % srv.server_address[1], 1)
            with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
                f.write(conf)
            inv = request("POST", "invoices", invoice_body(), key=self.key).json()
            chain.scan()
            chain.mine(3)
            chain.pay_token(inv["address"], 16490000)
            chain.mine(3)
            p = subprocess.run([os.path.join(ENV["CC_BIN"], "cc-scan"), "--config", f.name,
                                "--network", NET, "--batch", "20"],
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("splitting", p.stderr)
            self.assertTrue(any(s > 2 for s in seen) and any(s <= 2 for s in seen), seen)
            v = request("GET", "invoices/" + inv["id"], key=self.key).json()
            self.assertEqual([x["status"] for x in v["payments"]], ["confirmed"], v)
        finally:
            srv.shutdown()
            os.unlink(f.name)


class FirstViewTest(unittest.TestCase):
    """payment_mark_viewed(), the call the public API makes when a customer
    first opens an invoice (through a small harness program)."""

    def view_call(self, inv_id):
        exe = ENV["CC_TEST_VIEW"]
        p = subprocess.run([exe, "--config", ENV["CC_CONF"], inv_id], capture_output=True,
                           text=True)
        return p.stdout.strip()

    def test_created_to_pending_once(self):
        _, key = new_merchant("View Shop 2")
        inv = request("POST", "invoices", invoice_body(), key=key).json()
        self.assertEqual(self.view_call(inv["id"]), "0")
        self.assertEqual(request("GET", "invoices/" + inv["id"], key=key).json()["status"],
                         "pending")
        self.assertEqual(psql("SELECT viewed_at IS NOT NULL FROM invoices WHERE id = '%s'"
                              % inv["id"]), ["t"])
        before = psql("SELECT viewed_at FROM invoices WHERE id = '%s'" % inv["id"])
        self.assertEqual(self.view_call(inv["id"]), "0")
        self.assertEqual(psql("SELECT viewed_at FROM invoices WHERE id = '%s'" % inv["id"]),
                         before)
        self.assertEqual(self.view_call("inv_" + "a" * 26), "1")
        # A cancelled invoice stays cancelled when viewed.
        request("POST", "invoices/%s/cancel" % inv["id"], {}, key=key)
        self.view_call(inv["id"])
        self.assertEqual(request("GET", "invoices/" + inv["id"], key=key).json()["status"],
                         "cancelled")
