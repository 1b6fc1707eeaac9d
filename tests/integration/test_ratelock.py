"""Rate locks through the real stack: payments on the local chain just
before, at and after an invoice's exchange_rate.expires_at, valued at the
locked rate or at the rate of the payment's moment (its block's second:
the manual rate in force then, or cc-rates' quote from the fake sources
fetched last before it, never one recorded later), with the difference
recorded per payment; a pegged invoice keeps its peg; a payment after the
lock with no quote within max_age of its moment waits, unvalued, until
the next quote comes. And payments[].network_fee from the transaction's
receipt."""
import os
import subprocess
import tempfile
import time
import unittest
from decimal import Decimal

import chain
from cc import ENV, InvoiceHelpers, admin, invoice_body, new_merchant, psql, request, stack_config
from cc import event_types as events
from fake_rates import FakeRates

FINNEY = 10 ** 16      # 0.01 ETH: 30.00 USD at 3000.00



def event_field(inv, type_, field):
    return psql("SELECT data->>'%s' FROM events WHERE invoice_id = '%s' AND type = '%s'"
                % (field, inv, type_))


def block_time(receipt):
    blk = chain.rpc("eth_getBlockByNumber", receipt["blockNumber"], False)
    return int(blk["timestamp"], 16)


def next_second():
    """Waits past the current second: a block mined now has a later
    timestamp (whole seconds) than a rate set or fetched before."""
    time.sleep(1.1)


def eth_text(wei):
    """Wei as the exact decimal text of ETH, trailing zeros dropped."""
    t = format(Decimal(wei).scaleb(-18), "f")
    return t.rstrip("0").rstrip(".") if "." in t else t


class RateLockTest(InvoiceHelpers, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Rate Lock Shop")
        # Rates are global: the demo's manual ETH/USD comes back after.
        for row in psql("SELECT rate::text FROM rates WHERE crypto = 'ETH' "
                        "AND currency = 'USD'"):
            cls.addClassCleanup(admin, "rate", "set", "--crypto", "ETH",
                                "--currency", "USD", "--rate", row)
        chain.scan()        # the scanner's cursor starts at the head

    def setUp(self):
        admin("rate", "set", "--crypto", "ETH", "--currency", "USD", "--rate", "3000")

    def invoice(self, crypto="ETH", price="30.00", **kw):
        kw.setdefault("price_lock_duration", 60)
        return super().invoice(price, crypto_currency=crypto, **kw)

    def set_rate(self, rate):
        """A manual rate, in force for the blocks mined from now on."""
        admin("rate", "set", "--crypto", "ETH", "--currency", "USD", "--rate", rate)
        next_second()

    def lock_at(self, inv, epoch):
        """Moves the invoice's rate lock to end at this second."""
        psql("UPDATE invoices SET rate_expires_at = to_timestamp(%d) WHERE id = '%s'"
             % (epoch, inv["id"]))

    def settle(self):
        for _ in range(2):
            chain.mine(1)
            chain.scan()

    def test_shortest_lock(self):
        r = request("POST", "invoices", invoice_body(price_lock_duration=59), key=self.key)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["error"]["field"], "price_lock_duration")
        inv = self.invoice()
        lock = psql("SELECT extract(epoch FROM rate_expires_at - created_at)::int, "
                    "extract(epoch FROM expires_at - created_at)::int FROM invoices "
                    "WHERE id = '%s'" % inv["id"])
        self.assertEqual(lock, ["60|1800"])

    def test_both_sides_of_the_boundary(self):
        before, at, after = self.invoice(), self.invoice(), self.invoice()
        for inv in (before, at, after):
            self.assertEqual(inv["exchange_rate"]["rate"], "3000")
            self.assertEqual(inv["crypto_amount_units"], str(FINNEY))
        # ETH fell: at the late payer's moment 0.01 ETH is 29.00.
        self.set_rate("2900")
        # The lock ends one second after, at, and one second before the
        # payment's block.
        for inv, shift in ((before, 1), (at, 0), (after, -1)):
            rec = chain.pay_eth(inv["address"], FINNEY)
            self.lock_at(inv, block_time(rec) + shift)
        # A rate set after the payments is not theirs, though it is the
        # current one when cc-scan records them.
        self.set_rate("2800")
        chain.scan()
        self.settle()
        for inv in (before, at):
            v = self.view(inv)
            p = v["payments"][0]
            self.assertEqual((p["rate"], p["rate_source"], p["rate_locked"]),
                             ("3000", "manual", True))
            self.assertEqual((p["fiat_amount"], p["rate_difference"]), ("30.00", "0.00"))
            self.assertIsNotNone(p["block_time"])
            self.assertEqual(v["status"], "paid")
            self.assertEqual(v["payment_progress"]["received"], "30.00")
            self.assertIn("invoice.paid", events(inv["id"]))
            self.assertEqual(event_field(inv["id"], "invoice.paid", "total_received"),
                             ["30.00"])
        v = self.view(after)
        p = v["payments"][0]
        self.assertEqual((p["rate"], p["rate_source"], p["rate_locked"]),
                         ("2900", "manual", False))
        self.assertEqual((p["fiat_amount"], p["rate_difference"]), ("29.00", "-1.00"))
        self.assertEqual(p["status"], "confirmed")
        # 29.00 of 30.00 (tolerance 0.01): not paid, and the lock is shown.
        self.assertEqual(v["status"], "created")
        self.assertEqual(v["exchange_rate"]["rate"], "3000")
        self.assertEqual(v["payment_progress"]["received"], "29.00")
        self.assertEqual(v["payment_progress"]["remaining"], "1.00")
        self.assertNotIn("invoice.paid", events(after["id"]))
        # The rest, at the rate of its own moment: 1.00 USD at 2900.
        self.set_rate("2900")
        rest = -(-100 * 10 ** 18 // 290000)
        chain.pay_eth(after["address"], rest)
        chain.scan()
        self.settle()
        v = self.view(after)
        self.assertEqual([p["fiat_amount"] for p in v["payments"]], ["29.00", "1.00"])
        self.assertEqual(v["status"], "paid")
        self.assertEqual(event_field(after["id"], "invoice.paid", "total_received"),
                         ["30.00"])
        self.assertEqual(event_field(after["id"], "invoice.paid", "crypto_received"),
                         [eth_text(FINNEY + rest)])

    def test_rate_rose_after_the_lock_overpays(self):
        inv = self.invoice()
        # 3200: 0.01 ETH is 32.00, beyond 30.00 + 1.00.
        self.set_rate("3200")
        rec = chain.pay_eth(inv["address"], FINNEY)
        self.lock_at(inv, block_time(rec) - 1)
        chain.scan()
        self.settle()
        v = self.view(inv)
        p = v["payments"][0]
        self.assertEqual((p["rate"], p["fiat_amount"], p["rate_difference"]),
                         ("3200", "32.00", "2.00"))
        self.assertEqual(v["status"], "paid")
        self.assertIn("invoice.overpaid", events(inv["id"]))
        # 2.00 USD over, priced at 3200: 10^16 - c(3000 * 10^18, 320000).
        over = FINNEY - -(-3000 * 10 ** 18 // 320000)
        self.assertEqual([c["amount"] for c in v["credits"]], [eth_text(over)])

    def test_manual_rates_in_the_history(self):
        """cc-admin rate set and delete land in the rate history; a
        payment after a manual rate's end does not take it, nor a feed's
        quote from before it, and waits until an administrator sets a
        rate again."""
        inv = self.invoice()
        self.set_rate("2950")
        admin("rate", "delete", "--crypto", "ETH", "--currency", "USD")
        h = admin("rate", "history", "--crypto", "ETH", "--currency", "USD",
                  "--limit", "2")
        # cc-admin --json writes rates as JSON numbers.
        self.assertEqual([(q["source"], q["rate"], q["accepted"]) for q in h],
                         [("manual", None, False), ("manual", 2950, True)])
        self.assertIn("manual rate ended", h[0]["reason"])
        next_second()
        rec = chain.pay_eth(inv["address"], FINNEY)
        self.lock_at(inv, block_time(rec) - 1)
        chain.scan()
        self.settle()
        v = self.view(inv)
        self.assertEqual((v["payments"][0]["rate"], v["status"]), (None, "created"))
        # The admin's answer: a manual rate set after the payment.
        admin("rate", "set", "--crypto", "ETH", "--currency", "USD", "--rate", "2980")
        chain.scan()
        v = self.view(inv)
        p = v["payments"][0]
        self.assertEqual((p["rate"], p["rate_source"], p["rate_locked"], p["fiat_amount"],
                          p["rate_difference"]), ("2980", "manual", False, "29.80", "-0.20"))
        self.assertEqual(v["status"], "created")
        self.assertEqual(v["payment_progress"]["received"], "29.80")

    def test_pegged_invoice_keeps_its_peg(self):
        inv = self.invoice(crypto="USDT", price="16.49")
        self.assertEqual(inv["exchange_rate"]["source"], "peg")
        rec = chain.pay_token(inv["address"], 16490000)
        self.lock_at(inv, block_time(rec) - 1)
        chain.scan()
        self.settle()
        v = self.view(inv)
        p = v["payments"][0]
        self.assertEqual((p["rate"], p["rate_source"], p["rate_locked"]),
                         ("1", "peg", False))
        self.assertEqual((p["fiat_amount"], p["rate_difference"]), ("16.49", "0.00"))
        self.assertEqual(v["status"], "paid")
        self.assertEqual(v["exchange_rate"]["expires_at"], psql(
            "SELECT cc_ts(rate_expires_at) FROM invoices WHERE id = '%s'" % inv["id"])[0])

    def test_network_fee_from_the_receipt(self):
        eth = self.invoice()
        usdt = self.invoice(crypto="USDT", price="16.49")
        r1 = chain.pay_eth(eth["address"], FINNEY)
        r2 = chain.pay_token(usdt["address"], 16490000)
        chain.scan()
        for inv, rec in ((eth, r1), (usdt, r2)):
            fee = int(rec["gasUsed"], 16) * int(rec["effectiveGasPrice"], 16)
            self.assertGreater(fee, 0)
            p = self.view(inv)["payments"][0]
            self.assertEqual(p["network_fee"], eth_text(fee))
            self.assertEqual(p["network_fee_currency"], "ETH")
        # A fee the scanner could not read yet is read on its next pass.
        psql("UPDATE payments SET network_fee = NULL, fee_block_hash = NULL "
             "WHERE invoice_id = '%s'" % eth["id"])
        self.assertIsNone(self.view(eth)["payments"][0]["network_fee"])
        chain.scan()
        fee = int(r1["gasUsed"], 16) * int(r1["effectiveGasPrice"], 16)
        self.assertEqual(self.view(eth)["payments"][0]["network_fee"], eth_text(fee))

    def test_reorg_values_the_payment_in_its_new_block(self):
        inv = self.invoice()
        payer = chain.accounts()[4]
        self.set_rate("3100")
        rec = chain.send(payer, inv["address"], value=FINNEY)
        raw = chain.raw_tx(rec["transactionHash"])
        chain.mine(1)
        # First after the lock, at the rate of the moment.
        self.lock_at(inv, block_time(rec) - 1)
        chain.scan()
        p = self.view(inv)["payments"][0]
        self.assertEqual((p["rate"], p["rate_locked"], p["fiat_amount"]),
                         ("3100", False, "31.00"))
        # A reorganisation moves it to another block, whose second is
        # within the lock now: valued again, and its fee read again.
        chain.reorg(2, [(raw, 1)])
        moved = chain.rpc("eth_getTransactionReceipt", rec["transactionHash"])
        self.assertNotEqual(moved["blockHash"], rec["blockHash"])
        self.lock_at(inv, block_time(moved))
        chain.scan()
        v = self.view(inv)
        p = v["payments"][0]
        self.assertEqual(int(p["block_number"]), int(moved["blockNumber"], 16))
        self.assertEqual((p["rate"], p["rate_locked"], p["fiat_amount"],
                          p["rate_difference"]), ("3000", True, "30.00", "0.00"))
        fee = int(moved["gasUsed"], 16) * int(moved["effectiveGasPrice"], 16)
        self.assertEqual(p["network_fee"], eth_text(fee))
        self.assertEqual(events(inv["id"]).count("payment.detected"), 2)
        self.assertIn("payment.reverted", events(inv["id"]))


class FeedRateLockTest(unittest.TestCase):
    """The rate of the moment from cc-rates' quotes (the fake sources) in
    the rate history, and a payment that waits while no quote is near its
    moment."""

    @classmethod
    def setUpClass(cls):
        cls.fake = FakeRates()
        cls.addClassCleanup(cls.fake.close)
        cls.tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.tmp.cleanup)
        cls.merchant, cls.key = new_merchant("Feed Lock Shop")
        for row in psql("SELECT rate::text FROM rates WHERE crypto = 'ETH' "
                        "AND currency = 'USD'"):
            cls.addClassCleanup(admin, "rate", "set", "--crypto", "ETH",
                                "--currency", "USD", "--rate", row)
        text = ("sources = coinbase kraken\ncurrencies = USD\nmax_age = 600\n"
                "max_deviation = 5\ntimeout = 2\n")
        text += "".join("%s_url = %s\n" % (s, cls.fake.url(s))
                        for s in ("coinbase", "kraken", "coingecko"))
        cls.conf = os.path.join(cls.tmp.name, "cc.conf")
        with open(cls.conf, "w") as f:
            f.write(stack_config("rates", text))
        chain.scan()

    def setUp(self):
        # A manual rate left by other tests ends here (the history says
        # so): the pair is the feeds'.
        psql("DELETE FROM rates WHERE crypto = 'ETH' AND currency = 'USD'")
        self.rates("3000")

    def rates(self, price):
        self.fake.price("ETH", "USD", price)
        p = subprocess.run([os.path.join(ENV["CC_BIN"], "cc-rates"), "--config",
                            self.conf, "--quiet"], capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(psql("SELECT rate::text || ' ' || source FROM rates WHERE "
                              "crypto = 'ETH' AND currency = 'USD'"),
                         [price + " coinbase"])

    def invoice(self):
        r = request("POST", "invoices", invoice_body(
            crypto_currency="ETH", tax=0, items=[{"name": "x", "unit_price": "30.00"}],
            price_lock_duration=60), key=self.key)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def view(self, inv):
        return request("GET", "invoices/" + inv["id"], key=self.key).json()

    def pay_after_lock(self, inv):
        rec = chain.pay_eth(inv["address"], FINNEY)
        psql("UPDATE invoices SET rate_expires_at = to_timestamp(%d) WHERE id = '%s'"
             % (block_time(rec) - 1, inv["id"]))
        return block_time(rec)

    def fetched(self, rate):
        """When cc-rates fetched the pair's last quote of this rate."""
        return float(psql("SELECT extract(epoch FROM max(fetched_at)) FROM rate_history "
                          "WHERE crypto = 'ETH' AND currency = 'USD' AND accepted "
                          "AND rate = %s" % Decimal(rate))[0])

    def settle(self):
        for _ in range(2):
            chain.mine(1)
            chain.scan()

    def test_feed_rate_of_the_moment(self):
        early, inv = self.invoice(), self.invoice()
        self.assertEqual((inv["exchange_rate"]["rate"], inv["exchange_rate"]["source"]),
                         ("3000", "coinbase"))
        chain.pay_eth(early["address"], FINNEY)     # within its 60 s
        self.rates("3090")       # +3%: within max_deviation
        next_second()
        self.pay_after_lock(inv)
        chain.scan()
        self.settle()
        v = self.view(early)
        p = v["payments"][0]
        self.assertEqual((p["rate"], p["rate_source"], p["rate_locked"], p["fiat_amount"],
                          p["rate_difference"]), ("3000", "coinbase", True, "30.00", "0.00"))
        self.assertEqual(v["status"], "paid")
        v = self.view(inv)
        p = v["payments"][0]
        self.assertEqual((p["rate"], p["rate_source"], p["rate_locked"]),
                         ("3090", "coinbase", False))
        self.assertEqual((p["fiat_amount"], p["rate_difference"]), ("30.90", "0.90"))
        self.assertEqual(v["status"], "paid")
        self.assertEqual(event_field(inv["id"], "invoice.paid", "total_received"),
                         ["30.90"])

    def test_between_two_quotes_the_earlier(self):
        """A scanner that records a payment late (down, or catching up)
        values it at the quote of its block's second, not at the newer
        one stored meanwhile."""
        inv = self.invoice()
        self.rates("3050")
        next_second()
        moment = self.pay_after_lock(inv)
        next_second()
        self.rates("3100")       # the current rate when cc-scan gets there
        self.assertLess(self.fetched("3050"), moment)
        self.assertGreater(self.fetched("3100"), moment)
        chain.scan()
        self.settle()
        v = self.view(inv)
        p = v["payments"][0]
        self.assertEqual((p["rate"], p["rate_source"], p["rate_locked"]),
                         ("3050", "coinbase", False))
        self.assertEqual((p["fiat_amount"], p["rate_difference"]), ("30.50", "0.50"))
        self.assertEqual(v["status"], "paid")
        self.assertEqual(event_field(inv["id"], "invoice.paid", "total_received"),
                         ["30.50"])

    def test_no_quote_near_its_moment_waits_then_values(self):
        inv = self.invoice()
        # cc-rates stopped an hour ago: its quotes (and the stored rate)
        # are moved back an hour. Direct SQL only because cc-rates stamps
        # a quote with the moment it fetched it: nothing else back-dates.
        psql("UPDATE rate_history SET fetched_at = fetched_at - interval '1 hour' "
             "WHERE crypto = 'ETH' AND currency = 'USD'")
        psql("UPDATE rates SET updated_at = now() - interval '1 hour' "
             "WHERE crypto = 'ETH' AND currency = 'USD'")
        moment = self.pay_after_lock(inv)
        chain.scan()
        self.settle()
        v = self.view(inv)
        p = v["payments"][0]
        self.assertEqual(p["status"], "confirmed")
        self.assertEqual((p["rate"], p["fiat_amount"], p["rate_difference"]),
                         (None, None, None))
        self.assertEqual(v["status"], "created")
        self.assertEqual(v["payment_progress"]["received"], "0.00")
        # Past expiry it does not expire: its money came in time.
        psql("UPDATE invoices SET expires_at = now() - interval '1 second' "
             "WHERE id = '%s'" % inv["id"])
        chain.tool("cc-expire")
        self.assertEqual(self.view(inv)["status"], "created")
        self.assertNotIn("invoice.expired", events(inv["id"]))
        # cc-rates runs again, twice before the scanner: the first quote
        # after the payment's moment (within max_age of it) is its rate.
        next_second()
        self.rates("3030")
        next_second()
        self.rates("3060")
        self.assertGreater(self.fetched("3030"), moment)
        chain.scan()
        v = self.view(inv)
        p = v["payments"][0]
        self.assertEqual((p["rate"], p["rate_source"], p["fiat_amount"],
                          p["rate_difference"]), ("3030", "coinbase", "30.30", "0.30"))
        self.assertEqual(v["status"], "paid")
        self.assertEqual(events(inv["id"])[-1], "invoice.paid")

if __name__ == "__main__":
    unittest.main()
