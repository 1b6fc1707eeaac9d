"""A small HTTP load generator for the overload matrix (test_overload.py,
bench/overload.sh): closed loop (N clients, each sends when its answer
came: the capacity) and open loop (requests started at a fixed rate
whatever the server does: overload). One new connection per request, the
way lighttpd meets browsers it has not seen; standard library only.

    python3 loadgen.py closed URL SECONDS CLIENTS [METHOD BODY-FILE HEADER...]
    python3 loadgen.py open URL SECONDS RATE [METHOD BODY-FILE HEADER...]

print one JSON line: sent, answers by status, errors, rate, latencies, and
whether every 503 carried Retry-After."""
import asyncio
import collections
import json
import sys
import time
import urllib.parse

TIMEOUT = 30.0          # a request not answered by then is a hang
MAX_OUTSTANDING = 4000  # open loop: more in flight means the client is the limit


class Stats:
    def __init__(self):
        self.status = collections.Counter()
        self.errors = collections.Counter()
        self.lat = []
        self.no_retry_after = 0
        self.sent = 0
        self.skipped = 0

    def result(self, seconds):
        lat = sorted(self.lat)

        def pct(p):
            return round(lat[min(len(lat) - 1, int(len(lat) * p))] * 1000, 1) if lat else None
        done = sum(self.status.values())
        return {"sent": self.sent, "answered": done, "rate": round(done / seconds, 1),
                "status": {str(k): v for k, v in sorted(self.status.items())},
                "errors": dict(self.errors), "skipped": self.skipped,
                "p50_ms": pct(0.5), "p99_ms": pct(0.99), "max_ms": pct(1.0),
                "503_without_retry_after": self.no_retry_after}


def build(url, method="GET", body=b"", headers=()):
    u = urllib.parse.urlsplit(url)
    target = u.path + ("?" + u.query if u.query else "")
    lines = ["%s %s HTTP/1.1" % (method, target), "Host: %s" % u.netloc,
             "Connection: close", "User-Agent: cc-loadgen"]
    lines += list(headers)
    if method == "POST":
        lines += ["Content-Type: application/json", "Content-Length: %d" % len(body)]
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")
    return u.hostname, u.port or 80, raw


async def one(host, port, raw, st):
    t0 = time.monotonic()
    st.sent += 1
    w = None
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection(host, port), TIMEOUT)
        w.write(raw)
        data = await asyncio.wait_for(r.read(), TIMEOUT - (time.monotonic() - t0))
    except asyncio.TimeoutError:
        st.errors["timeout"] += 1
        return
    except OSError as e:
        st.errors[type(e).__name__] += 1
        return
    finally:
        if w is not None:
            w.close()
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    try:
        code = int(head[0].split()[1])
    except (IndexError, ValueError):
        st.errors["bad answer"] += 1
        return
    st.status[code] += 1
    st.lat.append(time.monotonic() - t0)
    if code == 503 and not any(h.lower().startswith("retry-after:") for h in head[1:]):
        st.no_retry_after += 1


async def closed(target, seconds, clients):
    st = Stats()
    end = time.monotonic() + seconds

    async def client():
        while time.monotonic() < end:
            await one(*target, st)
    t0 = time.monotonic()
    await asyncio.gather(*(client() for _ in range(clients)))
    return st.result(time.monotonic() - t0)


async def opened(target, seconds, rate):
    st = Stats()
    tasks = set()
    t0 = time.monotonic()
    n = 0
    while True:
        now = time.monotonic()
        if now - t0 >= seconds:
            break
        due = int((now - t0) * rate) + 1
        while n < due:
            n += 1
            if len(tasks) >= MAX_OUTSTANDING:
                st.skipped += 1
                continue
            t = asyncio.ensure_future(one(*target, st))
            tasks.add(t)
            t.add_done_callback(tasks.discard)
        await asyncio.sleep(0.002)
    if tasks:
        await asyncio.wait(tasks)
    return st.result(seconds)


def run1(mode, url, seconds, n, method="GET", body=b"", headers=()):
    target = build(url, method, body, headers)
    if mode == "closed":
        return asyncio.run(closed(target, seconds, int(n)))
    return asyncio.run(opened(target, seconds, float(n)))


def merge(parts, seconds):
    out = {"sent": 0, "answered": 0, "status": {}, "errors": {}, "skipped": 0,
           "503_without_retry_after": 0}
    for p in parts:
        for k in ("sent", "answered", "skipped", "503_without_retry_after"):
            out[k] += p[k]
        for k in ("status", "errors"):
            for code, v in p[k].items():
                out[k][code] = out[k].get(code, 0) + v
    out["rate"] = round(out["answered"] / seconds, 1)
    # Each process's percentiles; the worst stands for all.
    for k in ("p50_ms", "p99_ms", "max_ms"):
        vals = [p[k] for p in parts if p[k] is not None]
        out[k] = max(vals) if vals else None
    return out


def run(mode, url, seconds, n, method="GET", body=b"", headers=(), procs=1):
    """One process, or procs of them each with its share of the clients or
    the rate (one Python process sends about a thousand requests a
    second)."""
    if procs <= 1:
        return run1(mode, url, seconds, n, method, body, headers)
    import multiprocessing
    share = (int(n) // procs) if mode == "closed" else float(n) / procs
    with multiprocessing.get_context("fork").Pool(procs) as pool:
        parts = pool.starmap(run1, [(mode, url, seconds, max(share, 1), method, body,
                                     headers)] * procs)
    return merge(parts, seconds)


if __name__ == "__main__":
    a = sys.argv[1:]
    body = open(a[5], "rb").read() if len(a) > 5 and a[5] != "-" else b""
    print(json.dumps(run(a[0], a[1], float(a[2]), a[3], a[4] if len(a) > 4 else "GET",
                         body, a[6:])))
