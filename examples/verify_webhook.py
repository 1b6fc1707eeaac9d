#!/usr/bin/env python3
"""Checks a Crypto Checkout webhook in Python: verify_webhook.py SECRET
TIMESTAMP SIGNATURE BODY_FILE, as verify_webhook.sh. In an application,
call verify() with the two headers and the raw request body (bytes, before
any JSON parsing)."""
import hashlib
import hmac
import sys
import time


def verify(secret, timestamp, signature, body, tolerance=300):
    """True if signature (X-Crypto-Checkout-Signature) is "sha256=" and the
    hex HMAC-SHA256 of "<timestamp>.<body>" keyed with secret, and
    timestamp (X-Crypto-Checkout-Timestamp) is within tolerance seconds of
    this machine's clock."""
    if not (timestamp.isascii() and timestamp.isdigit()):
        return False
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                   hashlib.sha256)
    return hmac.compare_digest("sha256=" + mac.hexdigest(), signature)


if __name__ == "__main__":
    secret, timestamp, signature, path = sys.argv[1:5]
    with open(path, "rb") as f:
        ok = verify(secret, timestamp, signature, f.read())
    print("ok" if ok else "refused", file=sys.stdout if ok else sys.stderr)
    sys.exit(0 if ok else 1)
