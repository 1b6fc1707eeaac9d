"""Helpers for the integration tests: the stack's environment, raw HTTP
through lighttpd (every answer checked against docs/openapi.json by
apicheck), and cc-admin."""
import hashlib
import http.client
import json
import os
import secrets
import socket
import subprocess
import unittest
import urllib.parse

import apicheck


def load_env():
    path = os.environ.get("CC_ENV_FILE")
    if not path:
        raise SystemExit("CC_ENV_FILE is not set (run through ./dev.sh test)")
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                env[k] = v
    return env


ENV = load_env()
API = urllib.parse.urlparse(ENV["CC_API_URL"])
PUB = urllib.parse.urlparse(ENV["CC_PUBLIC_URL"])
PAY = urllib.parse.urlparse(ENV["CC_PAY_URL"])


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body, parse_float=str, parse_int=str)

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "<%d %s>" % (self.status, self.body[:400])


def fetch(base, method, target, body=None, headers=None, timeout=30, source=None):
    """One request to the stack's web server (host and port of base, a
    parsed URL), its answer checked against docs/openapi.json (a mismatch
    fails the calling test). source binds the client's own address
    (another loopback address than 127.0.0.1). Returns status, headers
    (lower-case names) and the body's bytes."""
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
    finally:
        conn.close()
    apicheck.response(method, target, r.status, hdrs, data)
    return r.status, hdrs, data


def raw_request(data, extra=b"", timeout=10):
    """Sends a request as it is to the stack's web server, with the Host
    header of our virtual host (and the header lines in extra) added after
    its request line, and reads the answer until the server closes:
    (status, headers with lower-case names, body with any chunked coding
    removed), or (None, {}, b"") when the server closed without a word.
    Nothing is checked against the OpenAPI document."""
    line, rest = data.split(b"\r\n", 1)
    s = socket.create_connection((API.hostname, API.port or 80), timeout=timeout)
    s.sendall(line + b"\r\nHost: " + API.netloc.encode() + b"\r\n" + extra + rest)
    chunks = []
    while True:
        try:
            b = s.recv(65536)
        except (socket.timeout, ConnectionResetError):
            break
        if not b:
            break
        chunks.append(b)
    s.close()
    out = b"".join(chunks)
    if not out:
        return None, {}, b""
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        headers[k.strip().lower()] = v.strip()
    if headers.get("transfer-encoding") == "chunked":
        plain, rest = b"", body
        while rest:
            size, _, rest = rest.partition(b"\r\n")
            n = int(size, 16)
            if n == 0:
                break
            plain, rest = plain + rest[:n], rest[n + 2:]
        body = plain
    return status, headers, body


def request(method, path, body=None, key=None, headers=None, raw=False):
    """Sends one request to the merchant API. path is relative to /api/v1
    unless it starts with '/'; body is JSON-encoded unless raw. A body is
    sent as application/json (raw ones too) unless headers say otherwise."""
    h = {}
    if key is not None:
        h["Authorization"] = "Bearer " + key
    if body is not None:
        h["Content-Type"] = "application/json"
    if body is not None and not raw:
        body = json.dumps(body).encode()
    elif body is not None and isinstance(body, str):
        body = body.encode()
    if headers:
        h.update(headers)
    # A header given as None is not sent.
    h = {k: v for k, v in h.items() if v is not None}
    url = path if path.startswith("/") else API.path + "/" + path
    status, hdrs, data = fetch(API, method, url, body, h)
    return Response(status, hdrs, data.decode("utf-8", "replace"))


class ApiTest(unittest.TestCase):
    """A test case that checks answers in the spec's error format."""

    def assertError(self, r, status, type_=None, code=None, field=None, message=None):
        """r is an error of this status in the error format (type, code,
        field and a part of the message when given); returns the body."""
        self.assertEqual(r.status, status, r)
        self.assertTrue(r.header("content-type").startswith("application/json"), r.headers)
        e = r.json()
        self.assertIn("error", e)
        self.assertTrue(e["request_id"].startswith("req_"))
        self.assertEqual(e["request_id"], r.header("x-request-id"))
        self.assertIn("timestamp", e)
        if type_:
            self.assertEqual(e["error"]["type"], type_, r)
        if code:
            self.assertEqual(e["error"]["code"], code, r)
        if field:
            self.assertEqual(e["error"].get("field"), field, r)
        if message:
            self.assertIn(message, e["error"]["message"], r)
        return e


def admin(*args, check=True):
    """Runs cc-admin --json ARGS and returns the parsed output."""
    cmd = [os.path.join(ENV["CC_BIN"], "cc-admin"), "--config", ENV["CC_CONF"],
           "--json"] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError("cc-admin %s failed: %s" % (args, p.stderr))
    if not check:
        return p
    return json.loads(p.stdout) if p.stdout.strip() else None


def psql(sql):
    """Runs SQL as the database owner (CC_DATABASE_URL, the connection of
    cc.conf); returns stdout rows."""
    cmd = [os.path.join(ENV["CC_PGBIN"], "psql"), "-d", ENV["CC_DATABASE_URL"],
           "-qtAX", "-c", sql]
    p = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return [l for l in p.stdout.splitlines() if l]


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
SECP_P = 2 ** 256 - 2 ** 32 - 977


def b58check(raw):
    raw = raw + hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4]
    n, out = int.from_bytes(raw, "big"), ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def random_xpub():
    """A valid account-level xpub nobody holds the private key of: a random
    point of secp256k1 and a random chain code. Each wallet needs its own
    key (one key per network is enforced)."""
    while True:
        x = secrets.randbelow(SECP_P)
        y2 = (pow(x, 3, SECP_P) + 7) % SECP_P
        y = pow(y2, (SECP_P + 1) // 4, SECP_P)
        if y * y % SECP_P == y2:
            break
    pub = bytes([2 + (y & 1)]) + x.to_bytes(32, "big")
    raw = (bytes.fromhex("0488b21e") + bytes([3]) + secrets.token_bytes(4) +
           (0x80000000).to_bytes(4, "big") + secrets.token_bytes(32) + pub)
    return b58check(raw)


def new_merchant(name="Test Shop", wallet=True, live_wallets=False, xpub=None,
                 tron_xpub=None):
    """A fresh merchant with a full test key and wallets of its own."""
    m = admin("merchant", "create", "--name", name)
    k = admin("key", "create", "--merchant", m["id"], "--type", "test")
    if wallet:
        admin("wallet", "add", "--merchant", m["id"], "--network", "anvil",
              "--xpub", xpub or random_xpub())
    if live_wallets:
        admin("wallet", "add", "--merchant", m["id"], "--network", "ethereum",
              "--xpub", xpub or random_xpub())
        admin("wallet", "add", "--merchant", m["id"], "--network", "tron",
              "--xpub", tron_xpub or random_xpub())
    return m["id"], k["secret"]


def invoice_body(**kw):
    body = {
        "title": "VPN Service Order",
        "description": "Monthly VPN subscription with premium features",
        "items": [
            {"name": "VPN Premium Plan",
             "description": "Monthly subscription with unlimited bandwidth",
             "quantity": 1, "unit_price": 9.99},
            {"name": "Additional Static IP", "quantity": 2, "unit_price": 2.50},
        ],
        "tax": 1.50,
        "currency": "USD",
        "crypto_currency": "USDT",
        "price_lock_duration": 1800,
        "expires_in": 1800,
        "payment_tolerance": {"underpayment_threshold": 0.01,
                              "overpayment_threshold": 1.00,
                              "overpayment_action": "credit_account"},
        "webhook_url": "https://merchant.com/webhook",
        "return_url": "https://merchant.com/success",
        "cancel_url": "https://merchant.com/cancel",
        "metadata": {"customer_id": "cust_456", "order_id": "ord_789",
                     "customer_email": "customer@example.com"},
    }
    body.update(kw)
    return body


def event_types(inv_id):
    """The types of an invoice's events, in order."""
    return psql("SELECT type FROM events WHERE invoice_id = '%s' ORDER BY seq" % inv_id)


def stack_config(section, extra):
    """The stack's cc.conf with its [section] replaced by the text extra
    (for a tool run with a configuration of its own)."""
    out, skip = [], False
    with open(ENV["CC_CONF"]) as f:
        for line in f:
            s = line.strip()
            if s.startswith("["):
                skip = s == "[%s]" % section
            if not skip:
                out.append(line)
    return "".join(out) + "\n[%s]\n" % section + extra


class InvoiceHelpers:
    """For test cases with a merchant key in self.key: an invoice of one
    item at price (no tax) created, and the merchant's view of it."""
    tolerance = {"underpayment_threshold": "0.01", "overpayment_threshold": "1.00"}

    def invoice(self, price="16.49", **kw):
        kw.setdefault("items", [{"name": "x", "unit_price": price}])
        kw.setdefault("tax", 0)
        kw.setdefault("payment_tolerance", self.tolerance)
        r = request("POST", "invoices", invoice_body(**kw), key=self.key)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def view(self, inv):
        r = request("GET", "invoices/" + inv["id"], key=self.key)
        self.assertEqual(r.status, 200, r)
        return r.json()
