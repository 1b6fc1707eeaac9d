"""QR codes: every size, format and style, decoded by a real decoder
(zbarimg) back to the wallet payment URI; bad parameters are JSON 400s."""
import json
import os
import subprocess
import tempfile
import unittest

from cc import ENV, PUB, admin, fetch, invoice_body, new_merchant, random_xpub, request


def get(path, headers=None):
    return fetch(PUB, "GET", PUB.path + path, headers=headers)


def decode(data, suffix):
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as f:
        f.write(data)
    try:
        # QR codes only: zbar once read a spurious linear bar code
        # ("095099") in a 128-pixel QR code's modules beside the real one.
        p = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", f.name],
                           capture_output=True, text=True)
        return p.stdout.strip()
    finally:
        os.unlink(f.name)


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


class QrTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("QR Shop")
        admin("wallet", "add", "--merchant", cls.merchant, "--network", "tron-anvil",
              "--xpub", random_xpub())
        r = request("POST", "invoices", invoice_body(), key=cls.key)
        cls.inv = r.json()

    def test_every_size_format_and_style(self):
        inv = self.inv
        want = "ethereum:%s@31337/transfer?address=%s&uint256=%s" % (
            ENV["CC_USDT_CONTRACT"], inv["address"], inv["crypto_amount_units"])
        for size in (128, 256, 512, 1024):
            for style in ("classic", "modern", "rounded"):
                st, h, body = get("/invoice/%s/qr?size=%d&format=png&style=%s"
                                  % (inv["id"], size, style))
                self.assertEqual(st, 200)
                self.assertEqual(h["content-type"], "image/png")
                self.assertEqual(png_size(body), (size, size))
                self.assertEqual(decode(body, ".png"), want, (size, style))
            st, h, body = get("/invoice/%s/qr?size=%d&format=svg" % (inv["id"], size))
            self.assertEqual(h["content-type"], "image/svg+xml")
            self.assertIn(b'width="%dpx"' % size, body[:500])
            st, h, body = get("/invoice/%s/qr?size=%d&format=pdf" % (inv["id"], size))
            self.assertEqual(h["content-type"], "application/pdf")
            self.assertTrue(body.startswith(b"%PDF"))
            self.assertIn(b"/MediaBox [ 0 0 %d %d ]" % (size, size), body)

    def test_native_and_tron_uris(self):
        eth = request("POST", "invoices", invoice_body(crypto_currency="ETH"), key=self.key).json()
        st, _, body = get("/invoice/%s/qr" % eth["id"])
        self.assertEqual(decode(body, ".png"), "ethereum:%s@31337?value=%s"
                         % (eth["address"], eth["crypto_amount_units"]))
        tron = request("POST", "invoices", invoice_body(network="tron-anvil"),
                       key=self.key).json()
        st, _, body = get("/invoice/%s/qr?logo=true" % tron["id"])
        self.assertEqual(st, 200)
        self.assertEqual(decode(body, ".png"), tron["address"])

    def test_caching(self):
        st, h, _ = get("/invoice/%s/qr" % self.inv["id"])
        self.assertIn("max-age", h["cache-control"])
        st, _, body = get("/invoice/%s/qr" % self.inv["id"], {"If-None-Match": h["etag"]})
        self.assertEqual((st, body), (304, b""))
        st2, h2, _ = get("/invoice/%s/qr?size=512" % self.inv["id"])
        self.assertNotEqual(h2["etag"], h["etag"])

    def test_bad_parameters(self):
        for q, field in (("size=100", "size"), ("size=2048", "size"), ("size=abc", "size"),
                         ("format=gif", "format"), ("format=PNG", "format"),
                         ("style=fancy", "style"), ("logo=yes", "logo"), ("color=red", "color"),
                         ("size=256&size=512", "size")):
            st, h, body = get("/invoice/%s/qr?%s" % (self.inv["id"], q))
            # 400: the query cannot be read (repeated); 422: refused.
            self.assertEqual(st, 400 if q == "size=256&size=512" else 422, q)
            self.assertTrue(h["content-type"].startswith("application/json"))
            self.assertEqual(json.loads(body)["error"]["field"], field, q)
        st, _, body = get("/invoice/inv_%s/qr" % ("a" * 26))
        self.assertEqual(st, 404)
        st, _, body = get("/invoice/nope/qr")
        self.assertEqual(st, 404)
