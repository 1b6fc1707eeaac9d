"""API tokens through the web server: POST /api/v1/auth/token (scopes,
lifetime, grant type and key errors), tokens used on the invoice routes
with exactly their scopes, test/live and merchant separation, revocation
of the key, every kind of refused token (built here with hmac and
base64), rotation of the secrets with cc-admin jwt, and a server without
secrets. The secrets are read from the stack's keys file to forge tokens
the server must refuse for their claims, not their signature."""
import base64
import hashlib
import hmac
import json
import os
import stat
import subprocess
import tempfile
import time
import unittest

from cc import ENV, ApiTest, admin, invoice_body, new_merchant, psql, request

ALL = ["invoices:create", "invoices:read", "invoices:cancel", "invoices:refund",
       "analytics:read", "webhooks:manage"]
# A rotation or a moved keys file is seen by the programs within a second.
RELOAD = 1.5


def keys_path():
    """[jwt] keys of the stack's cc.conf."""
    section = None
    with open(ENV["CC_CONF"]) as f:
        for line in f:
            line = line.strip()
            if line.startswith("["):
                section = line.strip("[]").strip()
            elif section == "jwt" and line.startswith("keys") and "=" in line:
                return line.split("=", 1)[1].strip()
    raise AssertionError("no [jwt] keys in " + ENV["CC_CONF"])


def secret_bytes(text):
    if len(text) % 2 == 0 and all(c in "0123456789abcdefABCDEF" for c in text):
        return bytes.fromhex(text)
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def read_keys(path=None):
    """[(kid, secret, created)] of the keys file, in file order."""
    out = []
    with open(path or keys_path()) as f:
        for line in f:
            words = line.split()
            if words and not words[0].startswith("#"):
                out.append((words[0], secret_bytes(words[1]), int(words[2])))
    return out


def signing_key():
    keys = read_keys()
    best = max(range(len(keys)), key=lambda i: (keys[i][2], i))
    return keys[best][0], keys[best][1]


def b64u(data):
    if isinstance(data, (dict, list)):
        data = json.dumps(data, separators=(",", ":")).encode()
    elif isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header, payload, secret, digest=hashlib.sha256):
    """A token made by hand: header and payload (dicts or raw text)
    encoded and signed with HMAC(secret) over the signing input."""
    signing_input = b64u(header) + "." + b64u(payload)
    sig = hmac.new(secret, signing_input.encode(), digest).digest()
    return signing_input + "." + b64u(sig)


def decode(token):
    """(header, payload) of a token, unverified."""
    h, p, _ = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return (json.loads(base64.urlsafe_b64decode(pad(h))),
            json.loads(base64.urlsafe_b64decode(pad(p))))


def issue(api_key, **fields):
    body = {"grant_type": "api_key", "api_key": api_key}
    body.update(fields)
    return request("POST", "auth/token", body)


class JwtTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Token Shop", live_wallets=True)
        k = admin("key", "list", "--merchant", cls.merchant)
        cls.key_id = k[0]["id"]
        r = request("POST", "invoices", invoice_body(), key=cls.key)
        assert r.status == 201, r
        cls.invoice = r.json()["id"]

    def assertRefused(self, token, code="INVALID_TOKEN", message=None, what=""):
        r = request("GET", "invoices", key=token)
        self.assertEqual(r.status, 401, (what, r))
        self.assertError(r, 401, "authentication_error", code, message=message)
        self.assertEqual(r.header("www-authenticate"), 'Bearer error="invalid_token"', what)

    def token(self, api_key=None, **fields):
        r = issue(api_key or self.key, **fields)
        self.assertEqual(r.status, 200, r)
        return r.json()["access_token"]

    def claims(self, **kw):
        now = int(time.time())
        c = {"iss": "crypto-checkout", "sub": self.key_id, "mer": self.merchant,
             "mode": "test", "scope": "invoices:read", "iat": now, "nbf": now,
             "exp": now + 600, "jti": "tok_" + "a" * 26}
        c.update(kw)
        return {k: v for k, v in c.items() if v is not None}

    # --- issuing and using -------------------------------------------------

    def test_issue_and_use_with_exactly_its_scopes(self):
        before = int(time.time())
        r = issue(self.key, scope=["invoices:create", "invoices:read"], expires_in=600)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("cache-control"), "no-store")
        t = r.json()
        self.assertEqual(t["token_type"], "Bearer")
        self.assertEqual(t["expires_in"], "600")  # cc.request reads ints as text
        self.assertEqual(t["scope"], ["invoices:create", "invoices:read"])
        tok = t["access_token"]
        self.assertTrue(tok.startswith("eyJ"))
        self.assertLessEqual(len(tok), 2048)
        header, claims = decode(tok)
        self.assertEqual(header, {"alg": "HS256", "typ": "JWT", "kid": signing_key()[0]})
        self.assertEqual(claims["iss"], "crypto-checkout")
        self.assertEqual(claims["sub"], self.key_id)
        self.assertEqual(claims["mer"], self.merchant)
        self.assertEqual(claims["mode"], "test")
        self.assertEqual(claims["scope"], "invoices:create invoices:read")
        self.assertTrue(before <= claims["iat"] <= time.time() + 1)
        self.assertEqual(claims["nbf"], claims["iat"])
        self.assertEqual(claims["exp"], claims["iat"] + 600)
        self.assertRegex(claims["jti"], r"^tok_[a-z2-7]{26}$")
        # Create, get and list with it; nothing its scopes do not name.
        r = request("POST", "invoices", invoice_body(), key=tok)
        self.assertEqual(r.status, 201, r)
        inv = r.json()["id"]
        r = request("GET", "invoices/" + inv, key=tok)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json()["audit_log"][0]["actor"].startswith("jwt:sk_test_***"),
                        r.json()["audit_log"])
        ids = [i["id"] for i in request("GET", "invoices?limit=100", key=tok).json()["data"]]
        self.assertIn(inv, ids)
        self.assertIn(self.invoice, ids)
        self.assertError(request("POST", "invoices/%s/cancel" % inv, {}, key=tok), 403,
                         "permission_error", "INSUFFICIENT_SCOPE", message="token lacks")
        self.assertError(request("GET", "webhook-endpoints", key=tok), 403,
                         "permission_error", "INSUFFICIENT_SCOPE")
        # The audit row of the issue: the key masked, never the token.
        rows = psql("SELECT actor || '|' || details::text FROM audit_log "
                    "WHERE event = 'api_token.issued' AND details->>'jti' = '%s'"
                    % claims["jti"])
        self.assertEqual(len(rows), 1, rows)
        actor, details = rows[0].split("|", 1)
        self.assertTrue(actor.startswith("api_key:sk_test_***"), actor)
        details = json.loads(details)
        self.assertEqual(details, {"key_id": self.key_id, "jti": claims["jti"],
                                   "scope": ["invoices:create", "invoices:read"],
                                   "exp": claims["exp"]})
        self.assertEqual(psql("SELECT count(*) FROM audit_log WHERE details::text LIKE '%%%s%%'"
                              % tok.split(".")[2]), ["0"])

    def test_default_scope_and_lifetime(self):
        r = issue(self.key)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["scope"], ALL)  # "*" spelled out
        self.assertEqual(r.json()["expires_in"], "3600")
        _, c = decode(r.json()["access_token"])
        self.assertEqual(c["exp"] - c["iat"], 3600)
        self.assertEqual(c["scope"], " ".join(ALL))
        inv = admin("key", "create", "--merchant", self.merchant, "--type", "invoices")
        r = issue(inv["secret"])
        self.assertEqual(r.json()["scope"], ["invoices:create", "invoices:read",
                                             "invoices:cancel", "invoices:refund"])
        ro = admin("key", "create", "--merchant", self.merchant, "--type", "test",
                   "--scope", "invoices:read")
        r = issue(ro["secret"], expires_in=None, scope=None)  # null: not given
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["scope"], ["invoices:read"])

    def test_scope_never_beyond_the_key(self):
        ro = admin("key", "create", "--merchant", self.merchant, "--type", "test",
                   "--scope", "invoices:read")["secret"]
        self.assertError(issue(ro, scope=["invoices:read", "invoices:create"]), 403,
                         "permission_error", "INSUFFICIENT_SCOPE", "scope",
                         message="invoices:create")
        inv = admin("key", "create", "--merchant", self.merchant, "--type", "invoices")["secret"]
        self.assertError(issue(inv, scope=["webhooks:manage"]), 403, "permission_error",
                         "INSUFFICIENT_SCOPE", "scope")
        # A token forged with the server's secret for more than its key
        # has still gets only what the key has.
        kid, secret = signing_key()
        ro_id = admin("key", "create", "--merchant", self.merchant, "--type", "test",
                      "--scope", "invoices:read")["id"]
        tok = forge({"alg": "HS256", "typ": "JWT", "kid": kid},
                    self.claims(sub=ro_id, scope="invoices:read webhooks:manage"), secret)
        self.assertEqual(request("GET", "invoices", key=tok).status, 200)
        self.assertError(request("GET", "webhook-endpoints", key=tok), 403,
                         "permission_error", "INSUFFICIENT_SCOPE")

    def test_scope_errors(self):
        for scope, code, msg in (
                (["*"], "INVALID_VALUE", "* is for API keys only"),
                (["invoices:read", "*"], "INVALID_VALUE", "* is for API keys only"),
                ("*", "INVALID_TYPE", "must be an array"),
                ("invoices:read", "INVALID_TYPE", "must be an array"),
                ([], "INVALID_VALUE", "1 to 6 entries"),
                (["invoices:delete"], "INVALID_VALUE", "must be invoices:create"),
                (["invoices:read", "invoices:read"], "INVALID_VALUE", "repeats"),
                ([1], "INVALID_TYPE", "must be a string"),
                (ALL + ["invoices:read"], "INVALID_VALUE", "1 to 6 entries")):
            self.assertError(issue(self.key, scope=scope), 422, "validation_error", code,
                             "scope", message=msg)

    def test_expires_in_bounds(self):
        for v, code in ((59, "INVALID_VALUE"), (0, "INVALID_VALUE"), (-1, "INVALID_VALUE"),
                        (86401, "INVALID_VALUE"), (10 ** 12, "INVALID_VALUE"),
                        ("3600", "INVALID_TYPE"), (3600.5, "INVALID_TYPE"),
                        (True, "INVALID_TYPE")):
            self.assertError(issue(self.key, expires_in=v), 422, "validation_error", code,
                             "expires_in")
        for v in (60, 86400):
            r = issue(self.key, expires_in=v)
            self.assertEqual(r.status, 200, r)
            _, c = decode(r.json()["access_token"])
            self.assertEqual(c["exp"] - c["iat"], v)

    def test_grant_type_and_body_errors(self):
        self.assertError(request("POST", "auth/token", {"api_key": self.key}), 422,
                         "validation_error", "MISSING_FIELD", "grant_type")
        for g in ("password", "client_credentials", "API_KEY", ""):
            code = "INVALID_LENGTH" if g == "" else "UNSUPPORTED_GRANT_TYPE"
            self.assertError(issue(self.key, grant_type=g), 422, "validation_error", code,
                             "grant_type")
        self.assertError(issue(self.key, grant_type=1), 422, "validation_error",
                         "INVALID_TYPE", "grant_type")
        self.assertError(request("POST", "auth/token", {"grant_type": "api_key"}), 422,
                         "validation_error", "MISSING_FIELD", "api_key")
        self.assertError(issue("x" * 4097), 422, "validation_error", "INVALID_LENGTH",
                         "api_key")
        self.assertError(issue(self.key, audience="x"), 422, "validation_error",
                         "UNKNOWN_FIELD", "audience")
        self.assertError(request("POST", "auth/token", "{nope", raw=True), 400,
                         "invalid_request_error", "INVALID_JSON")
        self.assertError(request("POST", "auth/token", "[]", raw=True), 400,
                         "invalid_request_error", "INVALID_JSON")
        r = request("GET", "auth/token")
        self.assertError(r, 405, code="METHOD_NOT_ALLOWED")
        self.assertEqual(r.header("allow"), "POST")
        # No Authorization is needed, and one given changes nothing.
        r = request("POST", "auth/token", {"grant_type": "api_key", "api_key": self.key},
                    key="sk_test_" + "a" * 40)
        self.assertEqual(r.status, 200, r)

    def test_wrong_and_revoked_api_key(self):
        for bad in ("sk_test_" + "a" * 40, "garbage", "sk_live_" + "2" * 40, "eyJ.x.y"):
            r = issue(bad)
            self.assertError(r, 401, "authentication_error", "INVALID_API_KEY", "api_key")
        k = admin("key", "create", "--merchant", self.merchant, "--type", "test")
        self.assertEqual(issue(k["secret"]).status, 200)
        admin("key", "revoke", k["id"])
        self.assertError(issue(k["secret"]), 401, "authentication_error", "INVALID_API_KEY",
                         "api_key")
        # A token is not an API key: it cannot buy another token.
        self.assertError(issue(self.token()), 401, "authentication_error",
                         "INVALID_API_KEY")

    def test_revoking_the_key_kills_its_tokens_at_once(self):
        k = admin("key", "create", "--merchant", self.merchant, "--type", "test")
        tok = self.token(k["secret"])
        self.assertEqual(request("GET", "invoices/" + self.invoice, key=tok).status, 200)
        admin("key", "revoke", k["id"])
        self.assertRefused(tok, "TOKEN_REVOKED", "revoked")
        self.assertRefused(tok, "TOKEN_REVOKED")

    def test_modes_and_merchants_stay_apart(self):
        tok = self.token()
        live = admin("key", "create", "--merchant", self.merchant, "--type", "live")
        live_tok = self.token(live["secret"])
        self.assertEqual(decode(live_tok)[1]["mode"], "live")
        r = request("POST", "invoices", invoice_body(crypto_currency="ETH"), key=live_tok)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["livemode"], True)
        live_inv = r.json()["id"]
        # The test key's token sees test data only, and the live one live.
        self.assertError(request("GET", "invoices/" + live_inv, key=tok), 404, "not_found_error")
        self.assertError(request("GET", "invoices/" + self.invoice, key=live_tok), 404)
        ids = [i["id"] for i in request("GET", "invoices?limit=100", key=tok).json()["data"]]
        self.assertNotIn(live_inv, ids)
        self.assertError(request("POST", "invoices", invoice_body(network="ethereum"), key=tok),
                         422, "validation_error", "NETWORK_MODE_MISMATCH")
        # Another merchant's token: 404 like a missing invoice.
        other_merchant, other = new_merchant("Other Token Shop")
        other_tok = self.token(other)
        self.assertError(request("GET", "invoices/" + self.invoice, key=other_tok), 404,
                         "not_found_error", "INVOICE_NOT_FOUND")
        self.assertError(request("POST", "invoices/%s/cancel" % self.invoice, {},
                                 key=other_tok), 404)
        ids = [i["id"] for i in request("GET", "invoices?limit=100", key=other_tok).json()["data"]]
        self.assertNotIn(self.invoice, ids)
        # Claims that do not match the key (signed with the real secret).
        kid, secret = signing_key()
        h = {"alg": "HS256", "typ": "JWT", "kid": kid}
        self.assertRefused(forge(h, self.claims(mode="live"), secret), message="do not match")
        self.assertRefused(forge(h, self.claims(mer=other_merchant), secret),
                           message="do not match")

    # --- refused tokens ---------------------------------------------------

    def test_refused_tokens(self):
        kid, secret = signing_key()
        h = {"alg": "HS256", "typ": "JWT", "kid": kid}
        good = forge(h, self.claims(), secret)
        self.assertEqual(request("GET", "invoices", key=good).status, 200)
        now = int(time.time())
        hs, ps, sig = good.split(".")
        oversized = forge(h, self.claims(pad="x" * 2100), secret)
        self.assertGreater(len(oversized), 2048)
        cases = [
            ("alg none, no signature", b64u(dict(h, alg="none")) + "." + ps + ".",
             "only HS256"),
            ("alg none, signed", forge(dict(h, alg="none"), self.claims(), secret), "only HS256"),
            ("alg None", forge(dict(h, alg="None"), self.claims(), secret), "only HS256"),
            ("alg HS512", forge(dict(h, alg="HS512"), self.claims(), secret, hashlib.sha512),
             "only HS256"),
            ("alg RS256", forge(dict(h, alg="RS256"), self.claims(), secret), "only HS256"),
            ("no alg", forge({"typ": "JWT", "kid": kid}, self.claims(), secret), "only HS256"),
            ("bad signature", forge(h, self.claims(), b"x" * 32), "signature"),
            ("signature of another payload", hs + "." + b64u(self.claims(scope="invoices:create"))
             + "." + sig, "signature"),
            ("signature cut", good[:-1], "signature"),
            ("unknown kid", forge(dict(h, kid="jwk_nope"), self.claims(), secret), "unknown"),
            ("no kid", forge({"alg": "HS256", "typ": "JWT"}, self.claims(), secret), "unknown"),
            ("malformed base64", "eyJ!!!." + ps + "." + sig, "well-formed"),
            ("base64 with padding", hs + "=." + ps + "." + sig, "well-formed"),
            ("malformed JSON header", b64u("{\"alg\":\"HS256\",") + "." + ps + "." + sig,
             "well-formed"),
            ("malformed JSON payload", forge(h, "{\"exp\":", secret), "well-formed"),
            ("payload an array", forge(h, [1, 2], secret), "well-formed"),
            ("two segments", hs + "." + ps, "well-formed"),
            ("four segments", good + "." + sig, "well-formed"),
            ("empty segments", "..", "well-formed"),
            ("oversized", oversized, "too long"),
            ("no exp", forge(h, self.claims(exp=None), secret), "exp"),
            ("exp a string", forge(h, self.claims(exp=str(now + 600)), secret), "exp"),
            ("lifetime over 24 h", forge(h, self.claims(exp=now + 86401), secret), "lifetime"),
        ]
        for claim in ("iss", "sub", "mer", "mode", "scope", "jti", "iat"):
            cases.append(("no " + claim, forge(h, self.claims(**{claim: None}), secret), claim))
        cases += [
            ("iss of someone else", forge(h, self.claims(iss="other"), secret), "iss"),
            ("scope *", forge(h, self.claims(scope="*"), secret), "scope"),
            ("scope unknown", forge(h, self.claims(scope="invoices:delete"), secret), "scope"),
            ("sub not a key id", forge(h, self.claims(sub="key_nope"), secret), "sub"),
        ]
        for what, tok, msg in cases:
            self.assertRefused(tok, "INVALID_TOKEN", msg, what)
        self.assertRefused(forge(h, self.claims(exp=now - 1, iat=now - 600, nbf=now - 600),
                                 secret), "TOKEN_EXPIRED", what="expired")
        self.assertRefused(forge(h, self.claims(nbf=now + 300), secret), "TOKEN_NOT_YET_VALID",
                           what="nbf in the future")
        self.assertRefused(forge(h, self.claims(iat=now + 300, nbf=now, exp=now + 600), secret),
                           "TOKEN_NOT_YET_VALID", what="iat in the future")
        # Within the 30 s leeway, a clock slightly behind is fine.
        self.assertEqual(request("GET", "invoices", key=forge(h, self.claims(nbf=now + 10),
                                                              secret)).status, 200)

    # --- secrets: rotation, retirement, none ----------------------------------

    def test_rotation_overlap_and_retire(self):
        old_kid = signing_key()[0]
        old = self.token(scope=["invoices:read"])
        self.assertEqual(decode(old)[0]["kid"], old_kid)
        r = admin("jwt", "rotate")
        new_kid = r["kid"]
        self.assertNotEqual(new_kid, old_kid)
        self.assertEqual(r["dropped"], [])
        self.assertEqual(signing_key()[0], new_kid)
        roles = {k["kid"]: k["role"] for k in admin("jwt", "list")}
        self.assertEqual(roles[new_kid], "signing")
        self.assertEqual(roles[old_kid], "verifying")
        time.sleep(RELOAD)
        new = self.token(scope=["invoices:read"])
        self.assertEqual(decode(new)[0]["kid"], new_kid)
        # The overlap: both verify.
        self.assertEqual(request("GET", "invoices", key=old).status, 200)
        self.assertEqual(request("GET", "invoices", key=new).status, 200)
        # The signing secret cannot be retired; the old one can, at once.
        p = admin("jwt", "retire", new_kid, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("rotate first", p.stderr)
        admin("jwt", "retire", old_kid)
        self.assertNotIn(old_kid, [k["kid"] for k in admin("jwt", "list")])
        time.sleep(RELOAD)
        self.assertRefused(old, "INVALID_TOKEN", "unknown", "retired kid")
        self.assertEqual(request("GET", "invoices", key=new).status, 200)
        # The file keeps its mode and group through the rewrites.
        self.assertEqual(stat.S_IMODE(os.stat(keys_path()).st_mode), 0o640)

    def test_no_secrets_configured(self):
        path = keys_path()
        tok = self.token()
        aside = path + ".aside"
        os.rename(path, aside)
        try:
            time.sleep(RELOAD)
            self.assertError(issue(self.key), 503, "api_error", "TOKENS_NOT_CONFIGURED")
            self.assertRefused(tok, "INVALID_TOKEN", "not configured")
            # API keys keep working.
            self.assertEqual(request("GET", "invoices", key=self.key).status, 200)
        finally:
            os.rename(aside, path)
        time.sleep(RELOAD)
        self.assertEqual(request("GET", "invoices", key=tok).status, 200)
        self.assertEqual(issue(self.key).status, 200)

    def test_no_token_or_secret_in_logs(self):
        tok = self.token()
        self.assertEqual(request("GET", "invoices", key=tok).status, 200)
        self.assertRefused(tok + "x", what="a changed token")
        secrets = [base64.urlsafe_b64encode(s).rstrip(b"=").decode() for _, s, _ in read_keys()]
        secrets += [s.hex() for _, s, _ in read_keys()]
        logs = []
        for top, _, files in os.walk(os.path.join(ENV["CC_STACK_DIR"], "log")):
            logs += [os.path.join(top, f) for f in files]
        seen = [("audit_log", "\n".join(psql("SELECT actor || details::text FROM audit_log "
                                             "WHERE event = 'api_token.issued'")))]
        for path in logs:
            if os.path.isfile(path):
                with open(path, errors="replace") as f:
                    seen.append((path, f.read()))
        for where, text in seen:
            for s in [tok, tok.split(".")[2]] + secrets:
                self.assertNotIn(s, text, "a token or secret shows in " + where)


class JwtCliTest(unittest.TestCase):
    """cc-admin jwt on a file of its own (--file): what it writes, what it
    refuses, and that it never prints a secret."""

    def run_admin(self, *args):
        cmd = [os.path.join(ENV["CC_BIN"], "cc-admin"), "--config", ENV["CC_CONF"]] + list(args)
        return subprocess.run(cmd, capture_output=True, text=True)

    def test_rotate_list_retire(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "jwt.keys")
            p = self.run_admin("jwt", "list", "--file", path)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("cc-admin jwt rotate creates it", p.stderr)
            outs = []
            p = self.run_admin("--json", "jwt", "rotate", "--file", path)
            self.assertEqual(p.returncode, 0, p.stderr)
            first = json.loads(p.stdout)["kid"]
            outs.append(p.stdout)
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o640)
            os.chmod(path, 0o600)
            p = self.run_admin("jwt", "rotate", "--file", path)
            self.assertEqual(p.returncode, 0, p.stderr)
            outs.append(p.stdout)
            second = p.stdout.split("\t")[0]
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
            p = self.run_admin("--json", "jwt", "list", "--file", path)
            outs.append(p.stdout)
            listed = json.loads(p.stdout)
            self.assertEqual([(k["kid"], k["role"]) for k in listed],
                             [(first, "verifying"), (second, "signing")])
            self.assertRegex(listed[0]["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            p = self.run_admin("jwt", "retire", second, "--file", path)
            self.assertIn("rotate first", p.stderr)
            p = self.run_admin("jwt", "retire", "jwk_nope", "--file", path)
            self.assertIn("no secret with this kid", p.stderr)
            p = self.run_admin("jwt", "retire", first, "--file", path)
            self.assertEqual(p.returncode, 0, p.stderr)
            outs.append(p.stdout + p.stderr)
            self.assertEqual([k[0] for k in read_keys(path)], [second])
            # Never a secret on the output.
            for _, s, _ in read_keys(path):
                for o in outs:
                    self.assertNotIn(base64.urlsafe_b64encode(s).rstrip(b"=").decode(), o)
            # A broken file is named with its line, and left alone.
            with open(path, "a") as f:
                f.write("broken line\n")
            p = self.run_admin("jwt", "rotate", "--file", path)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("jwt.keys: line 5: expected KID SECRET CREATED", p.stderr)
            self.assertEqual(sorted(os.listdir(d)), ["jwt.keys"])

    def test_help(self):
        p = subprocess.run([os.path.join(ENV["CC_BIN"], "cc-admin"), "jwt", "--help"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("cc-admin jwt rotate", p.stdout)
        self.assertIn("cc-admin jwt retire KID", p.stdout)


if __name__ == "__main__":
    unittest.main()
