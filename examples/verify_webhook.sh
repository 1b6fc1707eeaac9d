#!/bin/sh
# Checks a Crypto Checkout webhook with openssl: verify_webhook.sh SECRET
# TIMESTAMP SIGNATURE BODY_FILE, where TIMESTAMP and SIGNATURE are the
# X-Crypto-Checkout-Timestamp and X-Crypto-Checkout-Signature headers and
# BODY_FILE holds the raw request body, byte for byte (verify before any
# JSON parsing). Exits 0 if the webhook is authentic and at most five
# minutes old (or early), 1 otherwise.
set -eu
secret=$1 ts=$2 sig=$3 body=$4

case $ts in
''|*[!0-9]*) echo "malformed timestamp" >&2; exit 1 ;;
esac
age=$(( $(date +%s) - ts ))
if [ "$age" -gt 300 ] || [ "$age" -lt -300 ]; then
	echo "timestamp outside five minutes: a replay, or a clock off" >&2
	exit 1
fi
# HMAC-SHA256 over "<timestamp>.<raw body>".
mac=$( { printf '%s.' "$ts"; cat "$body"; } |
    openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)
if [ "sha256=$mac" != "$sig" ]; then
	echo "bad signature" >&2
	exit 1
fi
echo "ok"
