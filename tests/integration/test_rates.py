"""Exchange rates end to end: the real cc-rates binary against a local
fake of Coinbase, Kraken and CoinGecko (fake_rates.py, their real
formats, and garbage, HTML error pages, huge bodies, timeouts, Kraken's
error array, sources that disagree, jumps), the rates and rate_history
tables, and invoices created through the web server locking the rate
with its source, or refusing with 503 RATE_UNAVAILABLE when it is stale."""
import os
import re
import subprocess
import tempfile
import unittest

from cc import ENV, admin, invoice_body, new_merchant, psql, request, stack_config
from fake_rates import FakeRates

BIN = os.path.join(ENV["CC_BIN"], "cc-rates")
MAX_BODY = 65536


class RatesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fake = FakeRates()
        cls.addClassCleanup(cls.fake.close)
        cls.tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.tmp.cleanup)
        cls.merchant, cls.key = new_merchant("Rates Shop")
        # Rates are global: the demo's manual ETH rates come back after.
        for row in psql("SELECT crypto || '|' || currency || '|' || rate::text "
                        "FROM rates WHERE crypto = 'ETH'"):
            crypto, cur, rate = row.split("|")
            cls.addClassCleanup(admin, "rate", "set", "--crypto", crypto,
                                "--currency", cur, "--rate", rate)

    def setUp(self):
        self.fake.reset()
        psql("DELETE FROM rates WHERE crypto = 'ETH'")
        psql("DELETE FROM rate_history WHERE crypto = 'ETH'")
        self.fake.price("ETH", "USD", "3012.34")
        self.fake.price("ETH", "EUR", "2790.1")

    def config(self, sources="coinbase kraken", **kw):
        keys = {"sources": sources, "currencies": "USD EUR", "max_age": 600,
                "max_deviation": 5, "timeout": 1, "max_body": MAX_BODY}
        keys.update(kw)
        text = "".join("%s = %s\n" % kv for kv in keys.items())
        text += "".join("%s_url = %s\n" % (s, self.fake.url(s))
                        for s in ("coinbase", "kraken", "coingecko"))
        path = os.path.join(self.tmp.name, "cc.conf")
        with open(path, "w") as f:
            f.write(stack_config("rates", text))
        return path

    def rates(self, *args, config=None, valgrind=False):
        cmd = [BIN, "--config", config or self.config()] + list(args)
        # A sanitizer build cannot run under valgrind: its own reports
        # (./dev.sh test --sanitize) watch the same run.
        if valgrind and ENV.get("CC_SANITIZE") != "1":
            cmd = ["valgrind", "-q", "--leak-check=full",
                   "--show-leak-kinds=definite,indirect",
                   "--errors-for-leak-kinds=definite,indirect",
                   "--error-exitcode=9"] + cmd
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    def stored(self, cur="USD"):
        rows = psql("SELECT rate::text || '|' || source FROM rates "
                    "WHERE crypto = 'ETH' AND currency = '%s'" % cur)
        return tuple(rows[0].split("|")) if rows else None

    def history(self, cur="USD"):
        """(source, rate, accepted, reason) of the pair, oldest first."""
        rows = psql("SELECT source || '|' || coalesce(rate::text, '') || '|' || "
                    "CASE WHEN accepted THEN 't' ELSE 'f' END || '|' || "
                    "coalesce(reason, '') FROM rate_history "
                    "WHERE crypto = 'ETH' AND currency = '%s' ORDER BY seq" % cur)
        return [tuple(r.split("|", 3)) for r in rows]

    def create(self):
        body = invoice_body(crypto_currency="ETH", tax=0,
                            items=[{"name": "x", "unit_price": "3012.34"}])
        return request("POST", "invoices", body, key=self.key)

    def count(self):
        return int(psql("SELECT count(*) FROM invoices WHERE merchant_id = '%s'"
                        % self.merchant)[0])

    def test_sources_agree_and_invoices_lock_the_rate(self):
        self.fake.price("ETH", "USD", "3012.10000", source="kraken")
        p = self.rates("--quiet")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout + p.stderr, "")
        # The preferred source's rate, with its name.
        self.assertEqual(self.stored("USD"), ("3012.34", "coinbase"))
        self.assertEqual(self.stored("EUR"), ("2790.1", "coinbase"))
        self.assertEqual(self.history("USD"), [("coinbase", "3012.34", "t", ""),
                                               ("kraken", "3012.1", "t", "")])
        self.assertIn("v2/exchange-rates?currency=ETH", self.fake.asked("coinbase"))
        self.assertEqual(sorted(self.fake.asked("kraken")),
                         ["0/public/Ticker?pair=ETHEUR", "0/public/Ticker?pair=ETHUSD"])
        r = self.create()
        self.assertEqual(r.status, 201, r)
        inv = r.json()
        self.assertEqual(inv["exchange_rate"]["source"], "coinbase")
        self.assertEqual(inv["exchange_rate"]["rate"], "3012.34")
        self.assertEqual(inv["exchange_rate"]["locked_at"], inv["created_at"])
        self.assertEqual(inv["crypto_amount"], "1")   # 3012.34 USD at 3012.34
        listed = {(x["crypto"], x["currency"]): x for x in admin("rate", "list")}
        self.assertEqual(listed[("ETH", "USD")]["source"], "coinbase")
        self.assertTrue(listed[("ETH", "USD")]["usable"])
        hist = admin("rate", "history", "--crypto", "ETH", "--currency", "USD")
        self.assertEqual([(h["source"], h["accepted"]) for h in hist],
                         [("kraken", True), ("coinbase", True)])

    def test_stale_rate_refused_manual_rate_kept(self):
        self.assertEqual(self.rates().returncode, 0)
        psql("UPDATE rates SET updated_at = now() - interval '601 seconds' "
             "WHERE crypto = 'ETH'")
        before = self.count()
        r = self.create()
        self.assertEqual(r.status, 503, r)
        err = r.json()["error"]
        self.assertEqual((err["type"], err["code"], err["field"]),
                         ("api_error", "RATE_UNAVAILABLE", "crypto_currency"))
        self.assertIn("ETH/USD", err["message"])
        self.assertRegex(err["message"], r"from coinbase, is 60\d s old")
        self.assertEqual(self.count(), before)
        self.assertFalse({(x["crypto"], x["currency"]): x["usable"]
                          for x in admin("rate", "list")}[("ETH", "USD")])
        # The same with an Idempotency-Key: nothing is kept to replay.
        body = invoice_body(crypto_currency="ETH", tax=0,
                            items=[{"name": "x", "unit_price": "30.12"}])
        r = request("POST", "invoices", body, key=self.key,
                    headers={"Idempotency-Key": "rates-stale-1"})
        self.assertEqual(r.status, 503, r)
        # A manual rate is the admin's: it serves, and cc-rates leaves it.
        admin("rate", "set", "--crypto", "ETH", "--currency", "USD", "--rate", "2999.5")
        r = self.create()
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["exchange_rate"]["source"], "manual")
        self.assertEqual(r.json()["exchange_rate"]["rate"], "2999.5")
        p = self.rates()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("ETH/USD: a manual rate is set", p.stderr)
        self.assertEqual(self.stored("USD"), ("2999.5", "manual"))
        self.assertEqual(self.stored("EUR"), ("2790.1", "coinbase"))
        # Deleted, the pair is the feeds' again.
        admin("rate", "delete", "--crypto", "ETH", "--currency", "USD")
        self.assertEqual(self.rates().returncode, 0)
        self.assertEqual(self.stored("USD"), ("3012.34", "coinbase"))
        r = request("POST", "invoices", body, key=self.key,
                    headers={"Idempotency-Key": "rates-stale-1"})
        self.assertEqual(r.status, 201, r)

    def test_no_rate_at_all(self):
        r = self.create()
        self.assertEqual(r.status, 503, r)
        self.assertEqual(r.json()["error"]["code"], "RATE_UNAVAILABLE")
        self.assertIn("no exchange rate is known for ETH/USD", r.json()["error"]["message"])

    def test_sources_disagree(self):
        self.fake.price("ETH", "USD", "3500", source="kraken")
        p = self.rates("--quiet")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIsNone(self.stored("USD"))
        self.assertEqual(self.stored("EUR"), ("2790.1", "coinbase"))
        hist = self.history("USD")
        self.assertEqual([(s, r, a) for s, r, a, _ in hist],
                         [("coinbase", "3012.34", "f"), ("kraken", "3500", "f")])
        for _, _, _, why in hist:
            self.assertIn("sources disagree: coinbase 3012.34, kraken 3500 (16.19% apart)", why)
        # One line per refusal: pair, source, reason.
        lines = p.stderr.splitlines()
        self.assertTrue(any(re.search(r"ETH/USD coinbase: refused: sources disagree", l)
                            for l in lines), p.stderr)
        self.assertTrue(any(re.search(r"ETH/USD kraken: refused: sources disagree", l)
                            for l in lines), p.stderr)
        # A third source settles it: the first that another agrees with.
        self.fake.price("ETH", "USD", "3013", source="coingecko")
        p = self.rates(config=self.config("kraken coinbase coingecko"))
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(self.stored("USD"), ("3012.34", "coinbase"))
        self.assertEqual([(s, a) for s, _, a, _ in self.history("USD")[2:]],
                         [("kraken", "f"), ("coinbase", "t"), ("coingecko", "t")])

    def test_jump_from_the_last_rate(self):
        self.assertEqual(self.rates().returncode, 0)
        self.fake.price("ETH", "USD", "3300")
        p = self.rates()
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("a jump: 3300 is 9.55% from the last rate 3012.34", p.stderr)
        self.assertEqual(self.stored("USD"), ("3012.34", "coinbase"))
        # Once the last rate is older than max_age, agreeing sources win.
        psql("UPDATE rates SET updated_at = now() - interval '700 seconds' "
             "WHERE crypto = 'ETH'")
        self.assertEqual(self.rates().returncode, 0)
        self.assertEqual(self.stored("USD"), ("3300", "coinbase"))

    def test_broken_answers(self):
        """Each way one source fails: refused with its reason; the other
        source's rate is stored only when a fresh last rate vouches for it."""
        cases = [
            ("garbage", {}, "not JSON"),
            ("html", {}, "HTTP 502: <html> <head><title>502 Bad Gateway</title>"),
            ("unavailable", {}, "HTTP 503"),
            ("huge", {"size": 4 * MAX_BODY}, "response larger than %d bytes" % MAX_BODY),
            ("slow", {"delay": 3}, "timed out"),
            ("error", {"error": "EService:Unavailable"}, "Kraken error: EService:Unavailable"),
            ("value", {"value": "0"}, 'rate "0": zero'),
            ("value", {"value": "-3012.34"}, 'rate "-3012.34": negative'),
            ("value", {"value": "abc"}, 'rate "abc": not a number'),
            ("value", {"value": "3,012.34"}, 'rate "3,012.34": not a number'),
            ("value", {"value": "NaN"}, 'rate "NaN": not a number'),
        ]
        for mode, params, why in cases:
            with self.subTest(mode=mode, params=params):
                psql("DELETE FROM rates WHERE crypto = 'ETH'")
                psql("DELETE FROM rate_history WHERE crypto = 'ETH'")
                self.fake.reset()
                self.fake.price("ETH", "USD", "3012.34")
                self.fake.price("ETH", "EUR", "2790.1")
                self.fake.set("kraken", mode, **params)
                # No rate yet: coinbase alone is not enough.
                p = self.rates()
                self.assertEqual(p.returncode, 1, p.stderr)
                self.assertIsNone(self.stored("USD"))
                h = self.history("USD")
                self.assertEqual(h[0][:3], ("coinbase", "3012.34", "f"))
                self.assertIn("only coinbase answered", h[0][3])
                self.assertEqual(h[1][:3], ("kraken", "", "f"))
                self.assertIn(why, h[1][3])
                self.assertIn("ETH/USD kraken: refused: ", p.stderr)
                # With a fresh rate near it, coinbase's is taken.
                admin("rate", "set", "--crypto", "ETH", "--currency", "USD",
                      "--rate", "3000")
                psql("UPDATE rates SET source = 'kraken' WHERE crypto = 'ETH'")
                self.fake.price("ETH", "USD", "3010", source="coinbase")
                p = self.rates()
                self.assertEqual(p.returncode, 1, p.stderr)
                self.assertEqual(self.stored("USD"), ("3010", "coinbase"))
                if mode == "slow":
                    # A source that did not answer is not asked again.
                    self.assertIn("not asked: no answer earlier in this run", p.stderr)
                    self.assertEqual(len(self.fake.asked("kraken")), 2)

    def test_preferred_source_broken(self):
        self.fake.set("coinbase", "html")
        self.assertEqual(self.rates().returncode, 1)
        self.assertIsNone(self.stored("USD"))
        self.fake.price("ETH", "USD", "3012.5", source="kraken")
        admin("rate", "set", "--crypto", "ETH", "--currency", "USD", "--rate", "3012")
        psql("UPDATE rates SET source = 'coingecko' WHERE crypto = 'ETH'")
        self.assertEqual(self.rates().returncode, 1)
        self.assertEqual(self.stored("USD"), ("3012.5", "kraken"))
        r = self.create()
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["exchange_rate"]["source"], "kraken")

    def test_coingecko_numbers_keep_their_text(self):
        self.fake.price("ETH", "USD", "3.01234e3", source="coingecko")
        self.fake.price("ETH", "EUR", "2790.1000", source="coingecko")
        p = self.rates(config=self.config("coingecko coinbase"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.stored("USD"), ("3012.34", "coingecko"))
        self.assertEqual(self.stored("EUR"), ("2790.1", "coingecko"))
        self.assertEqual(self.fake.asked("coingecko"),
                         ["api/v3/simple/price?ids=ethereum&vs_currencies=usd,eur"])
        r = self.create()
        self.assertEqual(r.json()["exchange_rate"]["source"], "coingecko")
        # A single source configured stands alone.
        self.fake.set("coingecko", "value", value="1.5e-400")
        p = self.rates(config=self.config("coingecko"))
        self.assertEqual(p.returncode, 1)
        self.assertIn('rate "1.5e-400": too many digits', p.stderr)

    def test_dry_run_writes_nothing(self):
        p = self.rates("--dry-run")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("ETH/USD\t3012.34\tcoinbase", p.stdout)
        self.assertIsNone(self.stored("USD"))
        self.assertEqual(self.history("USD"), [])

    def test_usage_and_config_errors(self):
        p = subprocess.run([BIN, "--bogus"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage: cc-rates", p.stderr)
        p = subprocess.run([BIN, "--help"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0)
        self.assertIn("--dry-run", p.stdout)
        path = os.path.join(self.tmp.name, "bad.conf")
        with open(path, "w") as f:
            f.write(stack_config("rates", "sources = coinbase binance\n"))
        p = subprocess.run([BIN, "--config", path], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown source binance", p.stderr)

    def test_history_is_pruned(self):
        self.assertEqual(self.rates().returncode, 0)
        psql("UPDATE rate_history SET fetched_at = now() - interval '8 days' "
             "WHERE crypto = 'ETH'")
        self.assertEqual(self.rates().returncode, 0)
        self.assertEqual(len(self.history("USD")), 2)

    def test_clean_under_valgrind(self):
        """Good answers, an HTML page, a huge body and garbage in one run
        under valgrind: no memory error, no leak."""
        self.fake.set("kraken", "huge", size=4 * MAX_BODY)
        self.fake.set("coingecko", "garbage")
        p = self.rates(config=self.config("coinbase kraken coingecko"), valgrind=True)
        self.assertEqual(p.returncode, 1, p.stderr[-3000:])
        self.fake.set("kraken", "html")
        self.fake.set("coingecko", "ok")
        p = self.rates(config=self.config("coinbase kraken coingecko"), valgrind=True)
        self.assertEqual(p.returncode, 1, p.stderr[-3000:])
        self.assertEqual(self.stored("USD"), ("3012.34", "coinbase"))


if __name__ == "__main__":
    unittest.main()
