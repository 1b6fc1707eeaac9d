"""cc-admin's command-line contract: --json anywhere, --help everywhere,
errors on stderr with a non-zero exit, masked keys, hashed secrets."""
import hashlib
import json
import os
import subprocess
import unittest

from cc import ENV, admin, psql, random_xpub

BIN = os.path.join(ENV["CC_BIN"], "cc-admin")


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58decode(s):
    n = 0
    for c in s:
        n = n * 58 + B58.index(c)
    return n.to_bytes(82, "big")


def b58encode(b):
    n, out = int.from_bytes(b, "big"), ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return out


def to_tpub(xpub):
    """The same key with testnet version bytes (043587CF), re-checksummed."""
    raw = b58decode(xpub)[:78]
    raw = bytes.fromhex("043587cf") + raw[4:]
    return b58encode(raw + hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4])


def run(*args, config=True, env=None):
    cmd = [BIN] + (["--config", ENV["CC_CONF"]] if config else []) + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, env=env)


class CliTest(unittest.TestCase):
    def test_json_anywhere(self):
        a = run("--json", "merchant", "list")
        b = run("merchant", "--json", "list")
        c = run("merchant", "list", "--json")
        for p in (a, b, c):
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIsInstance(json.loads(p.stdout), list)

    def test_config_from_environment(self):
        env = dict(os.environ, CC_CONF=ENV["CC_CONF"])
        p = run("--json", "merchant", "list", config=False, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        env = dict(os.environ, CC_CONF="/nonexistent/cc.conf")
        p = run("merchant", "list", config=False, env=env)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("/nonexistent/cc.conf", p.stderr)

    def test_help(self):
        for cmd in (["--help"], ["migrate", "--help"], ["merchant", "--help"], ["key", "--help"],
                    ["wallet", "--help"], ["rate", "--help"], ["network", "--help"],
                    ["webhook", "--help"], ["jwt", "--help"]):
            p = run(*cmd, config=False)
            self.assertEqual(p.returncode, 0, (cmd, p.stderr))
            self.assertIn("cc-admin", p.stdout)

    def test_failures(self):
        for args, msg in ((["frobnicate"], "unknown command"),
                          (["merchant", "create"], "--name is required"),
                          (["key", "create", "--merchant", "mer_nope", "--type", "test"],
                           "no such merchant"),
                          (["key", "create", "--merchant", "x", "--type", "gold"], "--type"),
                          (["key", "revoke", "key_nope"], "no such key"),
                          (["wallet", "add", "--merchant", "x", "--network", "mars",
                            "--xpub", "x"], "unknown network"),
                          (["merchant", "list", "--bogus", "1"], "unknown option")):
            p = run("--json", *args)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertIn(msg, p.stderr, args)
            self.assertEqual(p.stdout, "", args)

    def test_merchant_and_keys(self):
        m = admin("merchant", "create", "--name", "CLI Shop")
        self.assertRegex(m["id"], r"^mer_[a-z2-7]{26}$")
        self.assertIn(m["id"], [x["id"] for x in admin("merchant", "list")])
        k = admin("key", "create", "--merchant", m["id"], "--type", "test")
        self.assertRegex(k["secret"], r"^sk_test_[a-z2-7]{40}$")
        self.assertEqual(k["scopes"], ["*"])
        # Only the hash is stored.
        digest = hashlib.sha256(k["secret"].encode()).hexdigest()
        self.assertEqual(psql("SELECT encode(secret_hash, 'hex') FROM api_keys WHERE id = '%s'"
                              % k["id"]), [digest])
        self.assertEqual(psql("SELECT count(*) FROM api_keys WHERE position('%s' in "
                              "secret_hash::text || prefix || suffix) > 0" % k["secret"]), ["0"])
        listed = [x for x in admin("key", "list", "--merchant", m["id"]) if x["id"] == k["id"]][0]
        self.assertEqual(listed["key"], "sk_test_***" + k["secret"][-3:])
        self.assertNotIn(k["secret"], json.dumps(admin("key", "list")))
        s = admin("key", "create", "--merchant", m["id"], "--type", "live",
                  "--scope", "invoices:read", "--scope", "invoices:create")
        self.assertEqual(sorted(s["scopes"]), ["invoices:create", "invoices:read"])
        r = admin("key", "revoke", k["id"])
        self.assertIsNotNone(r["revoked_at"])
        # Revoking twice is harmless.
        self.assertEqual(admin("key", "revoke", k["id"])["revoked_at"], r["revoked_at"])

    def test_wallets(self):
        m = admin("merchant", "create", "--name", "Wallet Shop")["id"]
        # The test mnemonic's account key, on a network no other test uses
        # it on: the first address is the published one.
        w = admin("wallet", "add", "--merchant", m, "--network", "ethereum", "--xpub",
                  ENV["CC_DEMO_XPUB"])
        self.assertEqual(w["first_address"], "0x9858EfFD232B4033E47d90003D41EC34EcaEda94")
        self.assertNotIn(ENV["CC_DEMO_XPUB"], json.dumps(w))
        p = run("--json", "wallet", "add", "--merchant", m, "--network", "ethereum", "--xpub",
                random_xpub())
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("already has a wallet", p.stderr)
        # A key already used on a network is refused for another wallet
        # there (same addresses), also when spelled as a tpub.
        other = admin("merchant", "create", "--name", "Copycat")["id"]
        for k in (ENV["CC_DEMO_XPUB"], to_tpub(ENV["CC_DEMO_XPUB"])):
            p = run("wallet", "add", "--merchant", other, "--network", "anvil", "--xpub", k)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("already belongs to a wallet", p.stderr)
        # BIP32 test vector 1: its xprv is refused (never a private key),
        # a corrupted xpub fails its checksum, and a tpub is accepted.
        xprv = ("xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6"
                "LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi")
        for bad, msg in ((xprv, "private"), (ENV["CC_DEMO_XPUB"][:-1] + "x", "checksum"),
                         ("hello", "")):
            p = run("wallet", "add", "--merchant", m, "--network", "anvil", "--xpub", bad)
            self.assertNotEqual(p.returncode, 0, bad)
            self.assertIn(msg, p.stderr.lower())
        tpub = to_tpub(random_xpub())
        w = admin("wallet", "add", "--merchant", m, "--network", "tron", "--xpub", tpub)
        self.assertTrue(w["first_address"].startswith("T"))
        nets = {x["network"] for x in admin("wallet", "list", "--merchant", m)}
        self.assertEqual(nets, {"ethereum", "tron"})

    def test_xpub_never_shown_in_full(self):
        """A key refused because another wallet has it is not repeated:
        not on stdout or stderr, not in the audit log, not in any log of
        the stack (the database server's included)."""
        xpub = random_xpub()
        keys = (xpub, to_tpub(xpub))
        first = admin("merchant", "create", "--name", "Key Owner")["id"]
        second = admin("merchant", "create", "--name", "Key Copier")["id"]
        seen = []
        p = run("--json", "wallet", "add", "--merchant", first, "--network", "anvil",
                "--xpub", xpub)
        self.assertEqual(p.returncode, 0, p.stderr)
        seen += [p.stdout, p.stderr]
        for flags in ([], ["--json"]):
            for k in keys:
                p = run(*flags, "wallet", "add", "--merchant", second, "--network", "anvil",
                        "--xpub", k)
                self.assertNotEqual(p.returncode, 0)
                self.assertIn("already belongs to a wallet", p.stderr)
                self.assertEqual(p.stdout, "")
                seen += [p.stdout, p.stderr]
            p = run(*flags, "wallet", "add", "--merchant", first, "--network", "anvil",
                    "--xpub", random_xpub())
            self.assertIn("already has a wallet", p.stderr)
            seen += [p.stdout, p.stderr]
            p = run(*flags, "wallet", "list", "--merchant", first)
            self.assertEqual(p.returncode, 0, p.stderr)
            seen += [p.stdout, p.stderr]
        seen += psql("SELECT details::text FROM audit_log WHERE merchant_id IN ('%s', '%s')"
                     % (first, second))
        seen = [("cc-admin and audit_log", "\n".join(seen))]
        logs = [ENV.get("CC_PG_LOG") or os.path.join(ENV["CC_PG_HOST"], "postgresql.log")]
        for top, _, files in os.walk(os.path.join(ENV["CC_STACK_DIR"], "log")):
            logs += [os.path.join(top, f) for f in files]
        for path in logs:
            if os.path.isfile(path):
                with open(path, errors="replace") as f:
                    seen.append((path, f.read()))
        # Not whole, and no run of 16 characters of it either (the
        # fingerprint shows 8 and 4; a masked database error 4).
        for where, text in seen:
            for k in keys:
                runs = [k[i:i + 16] for i in range(len(k) - 15) if k[i:i + 16] in text]
                self.assertEqual(runs, [], "the key shows in " + where)

    def test_rates_and_networks(self):
        r = admin("rate", "set", "--crypto", "ETH", "--currency", "JPY", "--rate", "450000.5")
        self.assertEqual(r["rate"], 450000.5)
        self.assertEqual(r["source"], "manual")
        row = [x for x in admin("rate", "list")
               if (x["crypto"], x["currency"]) == ("ETH", "JPY")]
        self.assertEqual(len(row), 1)
        self.assertEqual((row[0]["source"], row[0]["usable"]), ("manual", True))
        self.assertGreaterEqual(row[0]["age_seconds"], 0)
        # Only manual rates: a label cannot pass one off as a feed's.
        p = run("rate", "set", "--crypto", "ETH", "--currency", "JPY", "--rate", "1",
                "--source", "coinbase")
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(admin("rate", "delete", "--crypto", "ETH", "--currency", "JPY"),
                         {"crypto": "ETH", "currency": "JPY", "deleted": True})
        p = run("rate", "delete", "--crypto", "ETH", "--currency", "JPY")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("no rate is stored for ETH/JPY", p.stderr)
        self.assertIsInstance(admin("rate", "history", "--limit", "5"), list)
        for bad in (["--rate", "-1"], ["--rate", "0"], ["--rate", "1e3"]):
            p = run("rate", "set", "--crypto", "ETH", "--currency", "USD", *bad)
            self.assertNotEqual(p.returncode, 0, bad)
        p = run("rate", "set", "--crypto", "DOGE", "--currency", "USD", "--rate", "1")
        self.assertNotEqual(p.returncode, 0)
        nets = {n["name"]: n for n in admin("network", "list")}
        self.assertEqual(nets[ENV["CC_USDT_NETWORK"]]["mode"], "test")
        self.assertIn("USDT", [a["symbol"] for a in nets[ENV["CC_USDT_NETWORK"]]["assets"]])

    def test_migrate_is_idempotent(self):
        p = run("--json", "migrate")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout), {"applied": 0})
