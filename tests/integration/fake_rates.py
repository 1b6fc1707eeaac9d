"""A local stand-in for the public exchange-rate APIs cc-rates reads, in
their real response formats, with the ways real servers fail on demand.

    fake = FakeRates()                # listens on 127.0.0.1, a free port
    fake.url("coinbase")              # base URL for [rates] coinbase_url
    fake.price("ETH", "USD", "3012.34")          # every source agrees
    fake.set("kraken", "html")        # Kraken answers an HTML 502 page
    fake.close()

Routes (as the real APIs):
    /coinbase/v2/exchange-rates?currency=ETH
        {"data":{"currency":"ETH","rates":{"USD":"3012.34",...}}}
    /kraken/0/public/Ticker?pair=ETHUSD
        {"error":[],"result":{"XETHZUSD":{"a":[...],"b":[...],"c":[...],...}}}
    /coingecko/api/v3/simple/price?ids=ethereum&vs_currencies=usd,eur
        {"ethereum":{"usd":3012.34,"eur":2790.1}}

A source's mode: "ok" (its prices), "garbage" (200 with text that is not
JSON), "html" (an HTML error page with status 502), "unavailable" (503
HTML), "huge" (200 with a valid JSON body of `huge` bytes), "slow" (waits
`delay` seconds before answering), "error" (Kraken: a non-empty error
array; others: a JSON error object with 400), "value" (the price text
replaced by `value`, e.g. "0", "-5", "abc": written as a JSON string for
Coinbase and Kraken, as raw JSON text for CoinGecko)."""
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SOURCES = ("coinbase", "kraken", "coingecko")
KRAKEN_ASSET = {"BTC": "XBT", "DOGE": "XDG"}
GECKO_ID = {"ETH": "ethereum", "BTC": "bitcoin", "TRX": "tron"}


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # cc-rates drops a connection whose body it refused: not news.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def kraken_key(base, quote):
    """Kraken's canonical result key: XETHZUSD for classic pairs."""
    if len(base) == 3 and len(quote) == 3:
        return "X%sZ%s" % (base, quote)
    return base + quote


class FakeRates:
    def __init__(self):
        self.lock = threading.Lock()
        self.prices = {s: {} for s in SOURCES}   # (crypto, fiat) -> text
        self.modes = {s: ("ok", {}) for s in SOURCES}
        self.requests = []                        # (source, path?query)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.handle(self)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, source):
        return "http://127.0.0.1:%d/%s" % (self.port, source)

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def price(self, crypto, fiat, text, source=None):
        """Sets a price (decimal text) at one source, or at all."""
        with self.lock:
            for s in ([source] if source else SOURCES):
                self.prices[s][(crypto, fiat)] = text

    def set(self, source, mode="ok", **params):
        with self.lock:
            self.modes[source] = (mode, params)

    def reset(self):
        with self.lock:
            for s in SOURCES:
                self.prices[s] = {}
                self.modes[s] = ("ok", {})
            self.requests = []

    def asked(self, source):
        with self.lock:
            return [q for s, q in self.requests if s == source]

    # --- serving ---------------------------------------------------------

    def handle(self, h):
        u = urllib.parse.urlsplit(h.path)
        parts = u.path.split("/", 2)
        source = parts[1] if len(parts) > 1 else ""
        q = {k: v[0] for k, v in urllib.parse.parse_qs(u.query).items()}
        with self.lock:
            self.requests.append((source, u.path.split("/", 2)[-1] + "?" + u.query))
            mode, params = self.modes.get(source, ("ok", {}))
            prices = dict(self.prices.get(source, {}))
        if mode == "slow":
            time.sleep(params.get("delay", 3))
            mode = "ok"
        if mode == "garbage":
            return self.send(h, 200, "application/json", b'{"data": {"currency": "ETH", "rat')
        if mode in ("html", "unavailable"):
            code = 502 if mode == "html" else 503
            page = ("<html>\r\n<head><title>%d Bad Gateway</title></head>\r\n<body>\r\n"
                    "<center><h1>%d Bad Gateway</h1></center>\r\n<hr><center>cloudflare"
                    "</center>\r\n</body>\r\n</html>\r\n" % (code, code))
            return self.send(h, code, "text/html", page.encode())
        if mode == "huge":
            size = params.get("size", 2 * 1024 * 1024)
            pad = b'{"pad":"' + b"x" * size + b'"}'
            return self.send(h, 200, "application/json", pad)
        if source == "coinbase" and u.path == "/coinbase/v2/exchange-rates":
            return self.coinbase(h, q, mode, params, prices)
        if source == "kraken" and u.path == "/kraken/0/public/Ticker":
            return self.kraken(h, q, mode, params, prices)
        if source == "coingecko" and u.path == "/coingecko/api/v3/simple/price":
            return self.coingecko(h, q, mode, params, prices)
        return self.send(h, 404, "application/json", b'{"message":"not found"}')

    @staticmethod
    def send(h, status, ctype, body):
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        try:
            h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def coinbase(self, h, q, mode, params, prices):
        cur = q.get("currency", "USD")
        if mode == "error":
            return self.send(h, 400, "application/json", json.dumps(
                {"errors": [{"id": "invalid_request", "message": "Invalid currency"}]}).encode())
        rates = {f: t for (c, f), t in prices.items() if c == cur}
        if mode == "value":
            rates = {f: params["value"] for f in rates}
        # Coinbase lists every currency it knows, crypto ones too.
        rates.setdefault("BTC", "0.03107426")
        body = {"data": {"currency": cur, "rates": rates}}
        self.send(h, 200, "application/json; charset=utf-8", json.dumps(body).encode())

    def kraken(self, h, q, mode, params, prices):
        pair = q.get("pair", "")
        if mode == "error":
            return self.send(h, 200, "application/json", json.dumps(
                {"error": [params.get("error", "EQuery:Unknown asset pair")]}).encode())
        found = None
        for (c, f), t in prices.items():
            if pair == KRAKEN_ASSET.get(c, c) + f:
                found = (KRAKEN_ASSET.get(c, c), f, t)
        if found is None:
            return self.send(h, 200, "application/json",
                             b'{"error":["EQuery:Unknown asset pair"]}')
        base, quote, text = found
        if mode == "value":
            text = params["value"]
        tick = {"a": [text, "5", "5.000"], "b": [text, "12", "12.000"],
                "c": [text, "0.01000000"], "v": ["1234.5", "23456.7"],
                "p": [text, text], "t": [5432, 98765], "l": [text, text],
                "h": [text, text], "o": text}
        body = {"error": [], "result": {kraken_key(base, quote): tick}}
        self.send(h, 200, "application/json", json.dumps(body).encode())

    def coingecko(self, h, q, mode, params, prices):
        if mode == "error":
            return self.send(h, 429, "application/json", json.dumps(
                {"status": {"error_code": 429,
                            "error_message": "You've exceeded the Rate Limit."}}).encode())
        ids = q.get("ids", "").split(",")
        vs = q.get("vs_currencies", "").split(",")
        out = []
        for cid in ids:
            fields = []
            for (c, f), t in prices.items():
                if GECKO_ID.get(c) == cid and f.lower() in vs:
                    text = params["value"] if mode == "value" else t
                    # Numbers, written with their exact text.
                    fields.append('"%s":%s' % (f.lower(), text))
            if fields:
                out.append('"%s":{%s}' % (cid, ",".join(fields)))
        self.send(h, 200, "application/json", ("{%s}" % ",".join(out)).encode())
