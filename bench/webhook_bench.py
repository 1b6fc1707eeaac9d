#!/usr/bin/env python3
"""Webhook delivery benchmark (standard library, wrk and the stack's
cc-webhooks).

  1. Baseline: wrk POSTs a body of a webhook's size, with the same headers,
     to a local receiver over as many connections as cc-webhooks keeps in
     flight ([webhooks] concurrency): what this machine's loopback HTTP and
     this receiver can take.
  2. Throughput: events are written in one transaction; the trigger makes a
     delivery per event to each of concurrency / per_endpoint endpoints
     (all on the same receiver, so the worker's concurrency, not the
     per-endpoint cap, is the limit), N in all; one cc-webhooks run
     delivers them. Deliveries/s is N over the time from
     the first attempt to the last delivery, and the ratio is against 1.
  3. Latency from commit to first attempt: with a cc-webhooks run waiting
     (LISTEN), events are committed one at a time, 100 ms apart; for each,
     the first attempt's start minus the event's created_at (both from the
     database clock).

    CC_ENV_FILE=/path/bench.env python3 bench/webhook_bench.py [--deliveries 3000]

Only 127.0.0.1; every wait is bounded.
"""
import argparse
import configparser
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

from cc import ENV, invoice_body, new_merchant, psql, request  # noqa: E402

# A receiver that answers every request 200 "ok" with keep-alive: asyncio,
# in its own process so that it shares no interpreter lock with us.
RECEIVER = r"""
import asyncio, sys
async def handle(r, w):
    try:
        while True:
            head = await r.readuntil(b"\r\n\r\n")
            n = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    n = int(line[15:])
            if n:
                await r.readexactly(n)
            w.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await w.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    w.close()
async def main():
    s = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=4096)
    print(s.sockets[0].getsockname()[1], flush=True)
    await s.serve_forever()
asyncio.run(main())
"""


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def webhook_config():
    """[webhooks] concurrency and per_endpoint of the stack's cc.conf."""
    c = configparser.ConfigParser(strict=False, interpolation=None)
    with open(ENV["CC_CONF"]) as f:
        c.read_string(f.read())
    return (int(c.get("webhooks", "concurrency", fallback="64")),
            int(c.get("webhooks", "per_endpoint", fallback="8")))


def tool(*args):
    cmd = [os.path.join(ENV["CC_BIN"], "cc-webhooks"), "--config", ENV["CC_CONF"]]
    return subprocess.Popen(cmd + list(args), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def wait_sql(sql, want, timeout):
    end = time.time() + timeout
    while time.time() < end:
        if psql(sql) == [want]:
            return True
        time.sleep(0.2)
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--deliveries", type=int, default=3000)
    ap.add_argument("--latency-samples", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=10, help="wrk duration")
    a = ap.parse_args()
    conc, per = webhook_config()
    # One endpoint gets at most per_endpoint requests in flight: enough
    # endpoints (one receiver) that the worker's concurrency is the limit.
    nep = max(1, conc // per)
    events = max(1, a.deliveries // nep)
    a.deliveries = events * nep

    rx = subprocess.Popen([sys.executable, "-c", RECEIVER], stdout=subprocess.PIPE, text=True)
    port = int(rx.stdout.readline())
    url = "http://127.0.0.1:%d/hook" % port
    try:
        merchant, key = new_merchant("Webhook Bench")
        r = request("POST", "invoices", invoice_body(webhook_url=None), key=key)
        assert r.status == 201, r
        inv = r.json()["id"]
        for i in range(nep):
            r = request("POST", "webhook-endpoints", {"url": "%s/%d" % (url, i),
                                                      "events": ["invoice.created"],
                                                      "allowed_ips": ["127.0.0.1"]}, key=key)
            assert r.status == 201, r
        # Earlier runs and tests may have left deliveries; only ours count.
        psql("UPDATE webhook_deliveries SET status = 'cancelled' WHERE status = 'pending'")
        body = psql("SELECT cc_webhook_body(max(seq)) FROM events WHERE invoice_id = '%s'"
                    % inv)[0]

        # 1. Baseline.
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write('wrk.method = "POST"\nwrk.body = [==[%s]==]\n'
                    'wrk.headers["Content-Type"] = "application/json"\n'
                    'wrk.headers["X-Crypto-Checkout-Signature"] = "sha256=%s"\n'
                    'wrk.headers["X-Crypto-Checkout-Timestamp"] = "1795750000"\n'
                    'wrk.headers["X-Crypto-Checkout-Webhook-Id"] = "whk_%s"\n'
                    'wrk.headers["X-Crypto-Checkout-Event"] = "invoice.created"\n'
                    % (body, "0" * 64, "a" * 26))
            lua = f.name
        out = subprocess.run(["wrk", "-t2", "-c%d" % conc, "-d%ds" % a.seconds, "-s", lua, url],
                             capture_output=True, text=True).stdout
        os.unlink(lua)
        base = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

        # 2. Throughput.
        psql("INSERT INTO events (id, invoice_id, merchant_id, type) "
             "SELECT cc_new_id('evt_'), '%s', '%s', 'invoice.created' "
             "FROM generate_series(1, %d)" % (inv, merchant, events))
        w = tool("--for", "300")
        ok = wait_sql("SELECT count(*) FROM webhook_deliveries WHERE merchant_id = '%s' "
                      "AND status = 'delivered'" % merchant, str(a.deliveries), 300)
        w.send_signal(signal.SIGTERM)
        w.communicate(timeout=60)
        if not ok:
            raise SystemExit("bench: not every delivery was made: " + str(psql(
                "SELECT status, count(*) FROM webhook_deliveries WHERE merchant_id = '%s' "
                "GROUP BY 1" % merchant)))
        secs = float(psql(
            "SELECT extract(epoch FROM max(d.delivered_at) - min(t.started_at)) "
            "FROM webhook_deliveries d JOIN webhook_attempts t ON t.delivery_id = d.id "
            "WHERE d.merchant_id = '%s' AND t.started_at > now() - interval '10 minutes'"
            % merchant)[0])
        rate = a.deliveries / secs if secs > 0 else float("inf")

        # 3. Latency from commit to first attempt.
        w = tool("--for", str(a.latency_samples // 10 + 20))
        time.sleep(1.0)
        ids = []
        for _ in range(a.latency_samples):
            ids.append(psql("INSERT INTO events (id, invoice_id, merchant_id, type) "
                            "VALUES (cc_new_id('evt_'), '%s', '%s', 'invoice.created') "
                            "RETURNING seq" % (inv, merchant))[0])
            time.sleep(0.1)
        ok = wait_sql("SELECT count(*) FROM webhook_deliveries WHERE event_seq IN (%s) "
                      "AND status = 'delivered'" % ",".join(ids), str(len(ids) * nep), 60)
        w.send_signal(signal.SIGTERM)
        w.communicate(timeout=60)
        lat = [float(x) for x in psql(
            "SELECT extract(epoch FROM t.started_at - e.created_at) * 1000 "
            "FROM webhook_deliveries d JOIN events e ON e.seq = d.event_seq "
            "JOIN webhook_attempts t ON t.delivery_id = d.id AND t.attempt = 1 "
            "WHERE d.event_seq IN (%s)" % ",".join(ids))]
    finally:
        rx.kill()

    print("webhook deliveries to one local receiver, concurrency %d, %d endpoints "
          "(per_endpoint %d)" % (conc, nep, per))
    print("  baseline wrk POST, same body and headers: %10.0f req/s" % base)
    print("  cc-webhooks, %d deliveries:              %10.0f deliveries/s" % (a.deliveries, rate))
    print("  ratio cc-webhooks / baseline:            %10.3f" % (rate / base))
    if lat:
        print("commit -> first attempt, %d events 100 ms apart x %d endpoints (LISTEN):"
              % (len(ids), nep))
        print("  p50 %.1f ms   p95 %.1f ms   max %.1f ms" % (
            percentile(lat, 50), percentile(lat, 95), max(lat)))
    if not ok:
        print("bench: some latency samples were not delivered in time")
        sys.exit(1)


if __name__ == "__main__":
    main()
