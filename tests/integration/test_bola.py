"""The BOLA/scope matrix: every route of cc-merchant's route table (read
from fcgi/merchant/main.c, so that a new route without a row here fails)
x every kind of object id (the caller's own, another merchant's, a random
well-formed one, the caller's own of the other mode, a malformed one and
one that does not even decode) x every kind of credential (each key type,
test and live, each scope alone and the restricted types, a revoked key,
an unknown and a garbage one, none, and tokens with each scope and of a
revoked key). The expected status of every cell comes from one table
(EXPECTED, by the first rule that applies, with each route's success
status in SUCCESS); no answer may carry another merchant's data, nor the
caller's own of the other mode (0 leaks), and afterwards the other
merchant's objects are as they were."""
import os
import re
import secrets
import unittest

from cc import admin, invoice_body, new_merchant, psql, request

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
B32 = "abcdefghijklmnopqrstuvwxyz234567"

# The one table: the status a cell must get, by the first rule that
# applies (see expect()).
EXPECTED = {
    "undecodable id": 404,          # no route matches: ROUTE_NOT_FOUND, before any credential
    "no credentials": 401,          # MISSING_API_KEY
    "refused credentials": 401,     # unknown, malformed or revoked key; token of a revoked key
    "live on a test route": 404,    # ROUTE_NOT_FOUND: /api/v1/test/ exists for test credentials only
    "scope missing": 403,           # INSUFFICIENT_SCOPE, before any lookup
    "own id": "success",
    "collection": "success",
    "other merchant's id": 404,
    "random id": 404,
    "other mode's id": 404,
    "malformed id": 404,
    # The open routes: the credential in Authorization plays no part.
    "openapi": 200,
    "token for a valid key": 200,
    "token for a refused key": 401,  # INVALID_API_KEY (a token is no key either)
    "token without a key": 422,      # MISSING_FIELD api_key
}
# Each route's success status (docs/API.md's route table).
SUCCESS = {
    ("POST", "/api/v1/invoices"): 201,
    ("GET", "/api/v1/invoices"): 200,
    ("GET", "/api/v1/invoices/{}"): 200,
    ("POST", "/api/v1/invoices/{}/cancel"): 200,
    # The matrix's invoices received nothing: NOTHING_RECEIVED shows that
    # the invoice was found (another merchant's answers 404).
    ("POST", "/api/v1/invoices/{}/refunds"): 409,
    ("GET", "/api/v1/invoices/{}/refunds"): 200,
    ("POST", "/api/v1/webhook-endpoints"): 201,
    ("GET", "/api/v1/webhook-endpoints"): 200,
    ("GET", "/api/v1/webhook-endpoints/{}"): 200,
    ("PATCH", "/api/v1/webhook-endpoints/{}"): 200,
    ("DELETE", "/api/v1/webhook-endpoints/{}"): 200,
    ("POST", "/api/v1/webhook-endpoints/{}/rotate-secret"): 200,
    ("POST", "/api/v1/invoice-webhook-secret/rotate"): 200,
    ("GET", "/api/v1/invoice-webhook-secret"): 200,
    ("GET", "/api/v1/analytics"): 200,
    ("GET", "/api/v1/openapi.json"): 200,
    ("POST", "/api/v1/auth/token"): 200,
    ("POST", "/api/v1/test/invoices/{}/simulate"): 200,
}
# Routes that use up the object they succeed on: own-id cells that
# should succeed get a fresh object.
CONSUMING = {("POST", "/api/v1/invoices/{}/cancel"), ("DELETE", "/api/v1/webhook-endpoints/{}"),
             ("POST", "/api/v1/test/invoices/{}/simulate")}
ID_KINDS = ("own", "other", "random", "other_mode", "malformed", "undecodable")


def route_table():
    """(method, pattern, scope name or None, open) of cc-merchant."""
    with open(os.path.join(ROOT, "fcgi", "merchant", "main.c")) as f:
        table = f.read()
    with open(os.path.join(ROOT, "lib", "apikey.c")) as f:
        scopes = dict((c, n) for n, c in re.findall(r'\{ "([a-z]+:[a-z]+)",\s*(SCOPE_\w+) \}',
                                                    f.read()))
    out = []
    for method, pattern, scope, open_ in re.findall(
            r'\{ "([A-Z]+)", "(/api/v1/[^"]*)",\s*\w+,\s*(\w+),\s*(true|false),', table):
        out.append((method, pattern, None if open_ == "true" else scopes[scope],
                    open_ == "true"))
    return out


def body_for(method, pattern, marker):
    """The request body of a route (None: no body)."""
    if pattern == "/api/v1/invoices" and method == "POST":
        return invoice_body(metadata={"order_id": marker})
    if pattern == "/api/v1/webhook-endpoints" and method == "POST":
        return {"url": "https://93.184.215.14/bola/" + marker, "events": ["invoice.paid"]}
    if method == "PATCH":
        return {"max_retries": 4}
    if pattern.endswith("/cancel"):
        return {"reason": "bola"}
    if pattern.endswith("/refunds") and method == "POST":
        return {"amount": "1.00", "destination": "0x" + "11" * 20, "reason": marker}
    if pattern.endswith("/simulate"):
        return {"event": "expire"}
    if method == "POST":
        return {}
    return None


def random_id(prefix):
    return prefix + "".join(secrets.choice(B32) for _ in range(26))


class World:
    """Two merchants, A (the callers') and B (the other), each with an
    invoice and a webhook endpoint in each mode, and strings that mark
    each (merchant, mode)'s data."""

    def __init__(self):
        self.merchant = {}
        self.key = {}
        self.invoice = {}
        self.endpoint = {}
        self.markers = {}
        for m in ("A", "B"):
            mid, test = new_merchant("BOLA " + m, live_wallets=True)
            live = admin("key", "create", "--merchant", mid, "--type", "live")["secret"]
            self.merchant[m] = mid
            self.key[(m, "test")], self.key[(m, "live")] = test, live
            for mode in ("test", "live"):
                self.markers[(m, mode)] = set()
                self.invoice[(m, mode)] = self.new_invoice(m, mode)
                self.endpoint[(m, mode)] = self.new_endpoint(m, mode)
        self.markers[("B", "test")].add(self.merchant["B"])
        self.markers[("B", "live")].add(self.merchant["B"])

    def mark(self, m, mode, *values):
        self.markers[(m, mode)].update(v for v in values if v)

    def new_invoice(self, m, mode):
        tag = "bola_%s_%s_%s" % (m, mode, secrets.token_hex(6))
        r = request("POST", "invoices", invoice_body(metadata={"order_id": tag}),
                    key=self.key[(m, mode)])
        assert r.status == 201, r
        j = r.json()
        self.mark(m, mode, j["id"], j["address"], tag)
        return j["id"]

    def new_endpoint(self, m, mode):
        url = "https://93.184.215.14/bola/%s_%s_%s" % (m, mode, secrets.token_hex(6))
        r = request("POST", "webhook-endpoints", {"url": url, "events": ["invoice.paid"]},
                    key=self.key[(m, mode)])
        assert r.status == 201, r
        j = r.json()
        self.mark(m, mode, j["id"], url, j["secret"])
        return j["id"]


def token(secret, scopes=None):
    body = {"grant_type": "api_key", "api_key": secret}
    if scopes is not None:
        body["scope"] = scopes
    r = request("POST", "auth/token", body)
    assert r.status == 200, r
    return r.json()["access_token"]


ALL_SCOPES = ("invoices:create", "invoices:read", "invoices:cancel", "invoices:refund",
              "analytics:read", "webhooks:manage")


def credentials(w):
    """(name, secret or None, mode, scopes or None when refused, is a key)."""
    a = w.merchant["A"]
    out = [("sk_test_ *", w.key[("A", "test")], "test", set(ALL_SCOPES), True),
           ("sk_live_ *", w.key[("A", "live")], "live", set(ALL_SCOPES), True)]
    for t in ("invoices", "analytics"):
        k = admin("key", "create", "--merchant", a, "--type", t)
        out.append(("sk_live_%s_" % t, k["secret"], "live", set(k["scopes"]), True))
    for s in ALL_SCOPES:
        k = admin("key", "create", "--merchant", a, "--type", "test", "--scope", s)
        out.append(("sk_test_ %s" % s, k["secret"], "test", {s}, True))
    k = admin("key", "create", "--merchant", a, "--type", "live", "--scope", "invoices:read",
              "--scope", "analytics:read")
    out.append(("sk_live_ read-only", k["secret"], "live", {"invoices:read", "analytics:read"},
                True))
    for s in ALL_SCOPES:
        out.append(("jwt %s" % s, token(w.key[("A", "test")], [s]), "test", {s}, False))
    out.append(("jwt test *", token(w.key[("A", "test")]), "test", set(ALL_SCOPES), False))
    out.append(("jwt live *", token(w.key[("A", "live")]), "live", set(ALL_SCOPES), False))
    out.append(("jwt live read-only", token(w.key[("A", "live")],
                                            ["invoices:read", "analytics:read"]),
                "live", {"invoices:read", "analytics:read"}, False))
    rev = admin("key", "create", "--merchant", a, "--type", "test")
    rev_tok = token(rev["secret"])
    admin("key", "revoke", rev["id"])
    out.append(("revoked key", rev["secret"], "test", None, True))
    out.append(("jwt of a revoked key", rev_tok, "test", None, False))
    out.append(("unknown key", "sk_test_" + "".join(secrets.choice(B32) for _ in range(40)),
                "test", None, True))
    out.append(("garbage", "not-a-key", "test", None, True))
    out.append(("none", None, "test", None, False))
    return out


def expect(route, kind, cred):
    """The rule of EXPECTED that a cell falls under, and its status."""
    method, pattern, scope, open_ = route
    name, secret, mode, scopes, is_key = cred
    if open_:
        if pattern.endswith("/openapi.json"):
            rule = "openapi"
        elif secret is None:
            rule = "token without a key"
        elif is_key and scopes is not None:
            rule = "token for a valid key"
        else:
            rule = "token for a refused key"
    elif kind == "undecodable":
        rule = "undecodable id"
    elif secret is None:
        rule = "no credentials"
    elif scopes is None:
        rule = "refused credentials"
    elif pattern.startswith("/api/v1/test/") and mode == "live":
        rule = "live on a test route"
    elif scope not in scopes:
        rule = "scope missing"
    else:
        rule = {"own": "own id", "other": "other merchant's id", "random": "random id",
                "other_mode": "other mode's id", "malformed": "malformed id",
                None: "collection"}[kind]
    status = EXPECTED[rule]
    return rule, SUCCESS[(method, pattern)] if status == "success" else status


class BolaMatrixTest(unittest.TestCase):
    def test_every_route_has_a_row(self):
        routes = route_table()
        self.assertGreaterEqual(len(routes), 14)
        for method, pattern, _, _ in routes:
            self.assertIn((method, pattern), SUCCESS, "no row for %s %s" % (method, pattern))
        self.assertEqual(set(SUCCESS), {(m, p) for m, p, _, _ in routes})

    def test_matrix(self):
        routes = route_table()
        w = World()
        creds = credentials(w)
        before = self.snapshot(w)
        cases, leaks, wrong = 0, [], []
        for route in routes:
            method, pattern, _, open_ = route
            obj = "invoice" if "/invoices/" in pattern else "endpoint"
            kinds = ID_KINDS if "{}" in pattern else (None,)
            for cred in creds:
                name, secret, mode, scopes, is_key = cred
                other_mode = "live" if mode == "test" else "test"
                for kind in kinds:
                    rule, want = expect(route, kind, cred)
                    ids = {"own": (w.invoice if obj == "invoice" else w.endpoint)[("A", mode)],
                           "other": (w.invoice if obj == "invoice" else w.endpoint)[("B", mode)],
                           "other_mode": (w.invoice if obj == "invoice" else
                                          w.endpoint)[("A", other_mode)],
                           "random": random_id("inv_" if obj == "invoice" else "whk_"),
                           "malformed": ("inv_" if obj == "invoice" else "whk_") +
                           "%27%20OR%20%271%27%3D%271",
                           "undecodable": "inv_%e2%80"}
                    if kind == "own" and (method, pattern) in CONSUMING and \
                            rule == "own id":
                        ids["own"] = (w.new_invoice if obj == "invoice" else
                                      w.new_endpoint)("A", mode)
                    path = pattern.replace("{}", ids[kind]) if kind else pattern
                    marker = "bola_new_%s" % secrets.token_hex(6)
                    body = body_for(method, pattern, marker)
                    if open_ and pattern.endswith("/auth/token"):
                        body = {"grant_type": "api_key"}
                        if secret is not None:
                            body["api_key"] = secret
                    r = request(method, path, body, key=secret)
                    cases += 1
                    where = "%s %s [%s, %s]" % (method, pattern, name, kind or "-")
                    if r.status != want:
                        wrong.append("%s: %s, want %d (%s)" % (where, r.status, want, rule))
                    if r.status in (200, 201) and method == "POST" and kind is None \
                            and secret is not None and not open_:
                        w.mark("A", mode, marker)
                    # Foreign data: every (merchant, mode) but the
                    # caller's own, less the id the caller sent.
                    text = r.body + " ".join(r.headers.values())
                    foreign = set()
                    for (m, md), vals in w.markers.items():
                        if not open_ and (m, md) != ("A", mode):
                            foreign |= vals
                        if open_ and m == "B":
                            foreign |= vals
                    foreign.discard(ids.get(kind))
                    found = sorted(v for v in foreign if v in text)
                    if found:
                        leaks.append("%s: %s" % (where, found))
                    if r.status in (200, 201) and kind in ("other", "other_mode", "random"):
                        leaks.append("%s: answered %d" % (where, r.status))
        after = self.snapshot(w)
        changed = [k for k in before if before[k] != after[k]]
        leaks += ["changed: %s" % k for k in changed]
        print("\nmatrix bola: %d cases, %d leaks (%d routes x %d credentials, %d wrong status)"
              % (cases, len(leaks), len(routes), len(creds), len(wrong)))
        self.assertEqual(leaks, [], "\n".join(leaks[:40]))
        self.assertEqual(wrong, [], "\n".join(wrong[:40]))

    def snapshot(self, w):
        """What no caller of A may change: B's objects in both modes,
        and A's fixture objects of each mode (a caller of the other mode
        must not touch them; a caller of the same mode may, and does:
        rotate, PATCH)."""
        out = {}
        for (m, mode), inv in w.invoice.items():
            if m == "B":
                out[("invoice", m, mode)] = psql(
                    "SELECT status, cancelled_at FROM invoices WHERE id = '%s'" % inv)
        for (m, mode), ep in w.endpoint.items():
            if m == "B":
                out[("endpoint", m, mode)] = psql(
                    "SELECT url, secret, max_retries, enabled, deleted_at, updated_at "
                    "FROM webhook_endpoints WHERE id = '%s'" % ep)
        out[("invoice secret", "B")] = psql(
            "SELECT mode, secret FROM invoice_webhook_secrets WHERE merchant_id = '%s' "
            "ORDER BY mode" % w.merchant["B"])
        out[("invoices", "B")] = psql("SELECT count(*) FROM invoices WHERE merchant_id = '%s'"
                                      % w.merchant["B"])
        out[("refunds", "B")] = psql("SELECT count(*) FROM refunds WHERE merchant_id = '%s'"
                                     % w.merchant["B"])
        out[("endpoints", "B")] = psql("SELECT count(*) FROM webhook_endpoints WHERE "
                                       "merchant_id = '%s'" % w.merchant["B"])
        return out


if __name__ == "__main__":
    unittest.main()
