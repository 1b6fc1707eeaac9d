"""Payments at 0 confirmations: cc-scan looks at the node's pending block
when it is at the head, so a transfer sent to an invoice is a payment
(payment.detected, confirmations 0, no block) before it is mined. Mined,
it is the same payment with its block; dropped, replaced, or mined
without paying, it is reverted with payment.reverted. anvil mines every
transaction at once in the test stack: these tests switch that off
(evm_setAutomine) while they need transactions to wait in the pool."""
import time
import unittest

import chain
from cc import ENV, PUB, InvoiceHelpers, new_merchant, psql, request
from cc import event_types as events

NET = ENV["CC_USDT_NETWORK"]



def send_pending(sender, to, data="0x", value=0, **extra):
    """Sends a transaction that waits in the pool (automine is off)."""
    tx = {"from": sender, "to": to, "data": data, "value": hex(value), "gas": hex(200000)}
    tx.update(extra)
    return chain.rpc("eth_sendTransaction", tx)


def transfer_data(to, units):
    return "0x" + chain.TRANSFER + chain.addr_word(to) + chain.word(units)


@unittest.skipIf(ENV.get("CC_BIN") == "/usr/bin",
                 "needs the test stack's own chain, whose mining it switches off")
class PendingTest(InvoiceHelpers, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Pending Shop")
        chain.scan()        # the scanner's cursor at the head

    def setUp(self):
        chain.rpc("evm_setAutomine", False)
        self.addCleanup(self.automine)

    def automine(self):
        chain.rpc("evm_setAutomine", True)
        chain.mine(1)

    def public(self, inv):
        return request("GET", PUB.path + "/invoice/" + inv["id"]).json()

    def funded(self, units):
        """A payer holding units of the token (minted and mined)."""
        payer = chain.accounts()[3]
        send_pending(chain.accounts()[0], chain.USDT,
                     "0x" + chain.MINT + chain.addr_word(payer) + chain.word(units))
        chain.mine(1)
        chain.scan()
        return payer

    def test_detected_then_mined_then_confirmed(self):
        inv = self.invoice()
        payer = self.funded(16490000)
        h = send_pending(payer, chain.USDT, transfer_data(inv["address"], 16490000))
        chain.scan()
        v = self.view(inv)
        self.assertEqual(len(v["payments"]), 1, v)
        p = v["payments"][0]
        self.assertEqual((p["status"], p["confirmations"], p["block_number"], p["tx_hash"]),
                         ("detected", "0", None, h))
        self.assertEqual(p["amount"], "16.49")
        self.assertEqual(p["from_address"].lower(), payer.lower())
        self.assertEqual(v["status"], "created")
        self.assertEqual(events(inv["id"]), ["invoice.created", "payment.detected"])
        data = psql("SELECT data->'payment'->>'confirmations', "
                    "data->'payment'->'block_number' FROM events WHERE invoice_id = '%s' "
                    "AND type = 'payment.detected'" % inv["id"])
        self.assertEqual(data, ["0|null"])
        # The customer sees it as on its way, not received.
        pub = self.public(inv)
        self.assertEqual(pub["payment_progress"]["received"], "0.00")
        self.assertEqual(pub["payment_progress"]["pending"], "16.49")
        self.assertEqual([x["confirmations"] for x in pub["payments"]], ["0"])
        # Scanning again: nothing new.
        chain.scan()
        self.assertEqual(len(events(inv["id"])), 2)
        # Mined: the same payment, with its block; no second detection.
        chain.mine(1)
        chain.scan()
        v = self.view(inv)
        self.assertEqual(len(v["payments"]), 1, v)
        q = v["payments"][0]
        self.assertEqual(q["id"], p["id"])
        self.assertEqual((q["status"], q["confirmations"]), ("detected", "1"))
        rec = chain.rpc("eth_getTransactionReceipt", h)
        self.assertEqual(int(q["block_number"]), int(rec["blockNumber"], 16))
        self.assertEqual(psql("SELECT log_index, pending FROM payments WHERE id = '%s'"
                              % p["id"]), ["%d|f" % int(rec["logs"][0]["logIndex"], 16)])
        for _ in range(2):
            chain.mine(1)
            chain.scan()
        v = self.view(inv)
        self.assertEqual((v["status"], v["payments"][0]["status"]), ("paid", "confirmed"))
        self.assertEqual(events(inv["id"]), ["invoice.created", "payment.detected",
                                             "payment.confirming", "payment.confirmed",
                                             "invoice.paid"])
        # Confirmations keep counting after confirmed.
        chain.mine(4)
        chain.scan()
        self.assertEqual(self.view(inv)["payments"][0]["confirmations"], "7")
        self.assertEqual(self.public(inv)["payments"][0]["confirmations"], "7")

    def test_transfer_from_is_seen_pending(self):
        """A token moved by transferFrom (an exchange or a payment
        processor spending the customer's allowance): seen while pending,
        from the owner whose tokens move, and the same payment once
        mined."""
        inv = self.invoice()
        payer = self.funded(16490000)
        spender = chain.accounts()[4]
        send_pending(payer, chain.USDT, "0x095ea7b3" + chain.addr_word(spender) +
                     chain.word(16490000))
        chain.mine(1)
        chain.scan()
        h = send_pending(spender, chain.USDT, "0x23b872dd" + chain.addr_word(payer) +
                         chain.addr_word(inv["address"]) + chain.word(16490000))
        chain.scan()
        p = self.view(inv)["payments"]
        self.assertEqual([(x["status"], x["confirmations"], x["block_number"], x["tx_hash"],
                           x["amount"], x["from_address"].lower()) for x in p],
                         [("detected", "0", None, h, "16.49", payer.lower())])
        chain.mine(1)
        chain.scan()
        q = self.view(inv)["payments"]
        self.assertEqual([(x["id"], x["confirmations"], x["from_address"].lower()) for x in q],
                         [(p[0]["id"], "1", payer.lower())])
        self.assertEqual(events(inv["id"]).count("payment.detected"), 1)

    def test_dropped_transaction_is_reverted(self):
        inv = self.invoice()
        payer = self.funded(16490000)
        h = send_pending(payer, chain.USDT, transfer_data(inv["address"], 16490000))
        chain.scan()
        self.assertEqual([p["status"] for p in self.view(inv)["payments"]], ["detected"])
        chain.rpc("anvil_dropTransaction", h)
        chain.scan()
        v = self.view(inv)
        self.assertEqual([(p["status"], p["block_number"]) for p in v["payments"]],
                         [("reverted", None)])
        self.assertEqual(events(inv["id"]), ["invoice.created", "payment.detected",
                                             "payment.reverted"])
        prev = psql("SELECT data->'payment'->>'previous_status' FROM events WHERE "
                    "invoice_id = '%s' AND type = 'payment.reverted'" % inv["id"])
        self.assertEqual(prev, ["detected"])
        self.assertEqual(self.public(inv)["payment_progress"]["pending"], "0.00")
        # Sent again (the same payer, a new transaction): a new payment.
        h2 = send_pending(payer, chain.USDT, transfer_data(inv["address"], 16490000))
        chain.scan()
        live = [p for p in self.view(inv)["payments"] if p["status"] != "reverted"]
        self.assertEqual([(p["tx_hash"], p["status"]) for p in live], [(h2, "detected")])

    def test_replaced_transaction_is_reverted(self):
        inv = self.invoice()
        payer = self.funded(16490000)
        nonce = chain.rpc("eth_getTransactionCount", payer, "latest")
        h = send_pending(payer, chain.USDT, transfer_data(inv["address"], 16490000),
                         nonce=nonce, maxFeePerGas=hex(3 * 10 ** 9),
                         maxPriorityFeePerGas=hex(10 ** 9))
        chain.scan()
        self.assertEqual([p["tx_hash"] for p in self.view(inv)["payments"]], [h])
        # The same nonce, a higher fee, another recipient: the pool keeps
        # the replacement only.
        elsewhere = "0x" + "42" * 20
        h2 = send_pending(payer, chain.USDT, transfer_data(elsewhere, 16490000),
                          nonce=nonce, maxFeePerGas=hex(9 * 10 ** 9),
                          maxPriorityFeePerGas=hex(4 * 10 ** 9))
        self.assertNotEqual(h, h2)
        chain.scan()
        self.assertEqual([p["status"] for p in self.view(inv)["payments"]], ["reverted"])
        chain.mine(1)
        chain.scan()
        v = self.view(inv)
        self.assertEqual([p["status"] for p in v["payments"]], ["reverted"])
        self.assertEqual(v["status"], "created")

    def test_mined_without_paying_is_reverted(self):
        """A transfer of more than the payer holds is announced in the
        pool, then fails when mined: no Transfer log, no payment."""
        inv = self.invoice()
        payer = self.funded(1000000)
        h = send_pending(payer, chain.USDT, transfer_data(inv["address"], 16490000))
        chain.scan()
        self.assertEqual([p["status"] for p in self.view(inv)["payments"]], ["detected"])
        chain.mine(1)
        self.assertEqual(chain.rpc("eth_getTransactionReceipt", h)["status"], "0x0")
        chain.scan()
        v = self.view(inv)
        self.assertEqual([p["status"] for p in v["payments"]], ["reverted"])
        self.assertEqual(events(inv["id"])[-1], "payment.reverted")

    def test_native_coin_pending(self):
        inv = self.invoice(crypto_currency="ETH", items=[{"name": "x", "unit_price": "30.00"}])
        h = send_pending(chain.accounts()[2], inv["address"], value=10 ** 16)
        chain.scan()
        p = self.view(inv)["payments"]
        self.assertEqual([(x["asset"], x["amount"], x["confirmations"], x["tx_hash"])
                          for x in p], [("ETH", "0.01", "0", h)])
        chain.mine(1)
        chain.scan()
        p = self.view(inv)["payments"]
        self.assertEqual([(x["status"], x["confirmations"]) for x in p], [("detected", "1")])
        self.assertIsNotNone(p[0]["block_number"])

    def test_running_scanner_sees_it_before_the_block(self):
        """With cc-scan running as cron runs it (polling every second),
        the payment is there while the transaction still waits."""
        inv = self.invoice()
        payer = self.funded(16490000)
        scanner = chain.start_tool("cc-scan", "--network", NET, "--for", "20")
        try:
            time.sleep(1)
            t0 = time.monotonic()
            send_pending(payer, chain.USDT, transfer_data(inv["address"], 16490000))
            seen = None
            while time.monotonic() - t0 < 15:
                pays = self.public(inv)["payments"]
                if pays:
                    seen = time.monotonic() - t0
                    break
                time.sleep(0.05)
            self.assertIsNotNone(seen, "not seen while pending")
            self.assertEqual(pays[0]["confirmations"], "0")
            print("\npending payment visible after %.2f s (cc-scan --poll-ms 1000)" % seen)
        finally:
            chain.kill(scanner)


if __name__ == "__main__":
    unittest.main()
