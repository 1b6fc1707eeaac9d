"""GET /analytics: exact figures of known invoices, every bucket, DST in
the caller's zone, week and month labels, modes and merchants apart,
currencies never added up, scopes, bad parameters, and cc-admin
analytics printing the same answer.

Invoices are created through the API, then placed in time and state
with SQL on their rows (created_at, status, paid_at), as only the clock
could otherwise do; the period always ends today, so the places are
computed from today in the zone of each check."""
import datetime
import decimal
import json
import os
import subprocess
import sys
import unittest
import urllib.parse
import xml.etree.ElementTree as ET
import zoneinfo

from cc import admin, invoice_body, new_merchant, psql, request

D = decimal.Decimal
UTC = datetime.timezone.utc


def create(key, currency="USD", total="10.00"):
    body = invoice_body(currency=currency, tax=0, webhook_url=None, payment_tolerance=None,
                        items=[{"name": "x", "unit_price": total}])
    r = request("POST", "invoices", body, key=key)
    assert r.status == 201, r
    return r.json()["id"]


def place(inv, created, status="created", paid_after=None, crypto=None, mode=None):
    """Sets an invoice's creation time (an aware datetime), status, paid_at
    (seconds after creation) and optionally crypto currency and mode. Open
    invoices expire far ahead, so that cc-expire leaves them alone."""
    ts = created.astimezone(UTC).isoformat()
    sets = ["created_at = '%s'" % ts,
            "status = '%s'" % status,
            "expires_at = now() + interval '2 days'"]
    sets.append("paid_at = '%s'::timestamptz + interval '%d seconds'" % (ts, paid_after)
                if paid_after is not None else "paid_at = NULL")
    if crypto:
        sets.append("crypto_currency = '%s'" % crypto)
    if mode:
        sets.append("mode = '%s'" % mode)
    psql("UPDATE invoices SET %s WHERE id = '%s'" % (", ".join(sets), inv))


def get(key, **q):
    return request("GET", "analytics?" + urllib.parse.urlencode(q), key=key)


def ok(key, **q):
    r = get(key, **q)
    assert r.status == 200, r
    return json.loads(r.body, parse_float=D)


def local_today(tz):
    return datetime.datetime.now(zoneinfo.ZoneInfo(tz)).date()


def at(tz, day, hour=12, minute=0, fold=0):
    """An aware datetime: a local wall time in tz."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute,
                             tzinfo=zoneinfo.ZoneInfo(tz), fold=fold)


def series_sum(a):
    t = a["time_series"]
    return {"total_invoices": sum(b["invoices_created"] for b in t),
            "paid_invoices": sum(b["invoices_paid"] for b in t),
            "total_amount": sum((b["amount_created"] for b in t), D(0)),
            "paid_amount": sum((b["amount_paid"] for b in t), D(0))}


class AnalyticsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # One merchant with known USD invoices over the last week (UTC).
        cls.merchant, cls.key = new_merchant("Analytics Shop")
        today = local_today("UTC")
        day = lambda n: today - datetime.timedelta(days=n)  # noqa: E731
        rows = [
            # (days ago, hour, total, status, paid after s, crypto)
            (0, 1, "10.00", "paid", 300, "USDT"),
            (0, 2, "20.50", "paid", 551, "ETH"),
            (0, 3, "5.25", "pending", None, None),
            (2, 9, "100.00", "paid", 60, "USDT"),
            (2, 10, "0.99", "expired", None, None),
            (2, 11, "7.77", "cancelled", None, None),
            (6, 0, "3.33", "paid", 1, "USDT"),       # first day of 7d
            (7, 23, "999.00", "paid", 10, "USDT"),   # the day before: out
        ]
        cls.ids = []
        for ago, hour, total, status, after, crypto in rows:
            inv = create(cls.key, "USD", total)
            place(inv, at("UTC", day(ago), hour), status, after, crypto)
            cls.ids.append(inv)

    def test_exact_totals_and_every_bucket(self):
        a = ok(self.key, period="7d", group_by="day", timezone="UTC")
        self.assertEqual((a["period"], a["group_by"], a["timezone"], a["currency"]),
                         ("7d", "day", "UTC", "USD"))
        m = a["metrics"]
        self.assertEqual(m["total_invoices"], 7)
        self.assertEqual(str(m["total_amount"]), "147.84")
        self.assertEqual(m["paid_invoices"], 4)
        self.assertEqual(str(m["paid_amount"]), "133.83")
        self.assertEqual(str(m["conversion_rate"]), "57.14")     # 4/7
        self.assertEqual(str(m["average_amount"]), "21.12")      # 14784/7 = 2112
        self.assertEqual(m["average_payment_time"], 228)         # 912/4
        today = local_today("UTC")
        want = [str(today - datetime.timedelta(days=n)) for n in range(6, -1, -1)]
        self.assertEqual([b["date"] for b in a["time_series"]], want)
        by = {b["date"]: b for b in a["time_series"]}
        t0 = by[str(today)]
        self.assertEqual((t0["invoices_created"], t0["invoices_paid"]), (3, 2))
        self.assertEqual((str(t0["amount_created"]), str(t0["amount_paid"])), ("35.75", "30.50"))
        self.assertEqual(str(t0["conversion_rate"]), "66.67")
        empty = by[str(today - datetime.timedelta(days=1))]
        self.assertEqual((empty["invoices_created"], empty["invoices_paid"],
                          str(empty["amount_created"]), str(empty["amount_paid"]),
                          empty["conversion_rate"]), (0, 0, "0.00", "0.00", None))
        s = series_sum(a)
        self.assertEqual(s, {k: m[k] for k in s})
        self.assertEqual(a["payment_methods"], {"USDT": {"count": 3, "amount": D("113.33")},
                                                "ETH": {"count": 1, "amount": D("20.50")}})
        self.assertEqual(list(a["payment_methods"]), ["USDT", "ETH"])
        self.assertEqual(a["from"], str(today - datetime.timedelta(days=6)) + "T00:00:00+00:00")
        self.assertEqual(a["to"], str(today + datetime.timedelta(days=1)) + "T00:00:00+00:00")

    def test_example_draws_it(self):
        body = get(self.key, period="7d").body
        ex = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                          "examples", "analytics_svg.py")
        p = subprocess.run([sys.executable, ex], input=body, capture_output=True,
                           text=True, check=True)
        svg = ET.fromstring(p.stdout)
        a = json.loads(body, parse_float=D)
        rects = [r for r in svg.iter("{http://www.w3.org/2000/svg}rect") if r.find(
            "{http://www.w3.org/2000/svg}title") is not None]
        drawn = sorted(r.find("{http://www.w3.org/2000/svg}title").text for r in rects)
        want = sorted(["%s: %s" % (b["date"], b[k]) for b in a["time_series"]
                       for k in ("amount_created", "amount_paid") if b[k] > 0])
        self.assertEqual(drawn, want)
        self.assertIn("133.83 USD paid of 147.84", p.stdout)

    def test_periods_and_defaults(self):
        d = ok(self.key)
        self.assertEqual((d["period"], d["group_by"], d["timezone"]), ("30d", "day", "UTC"))
        self.assertEqual(len(d["time_series"]), 30)
        self.assertEqual(d["metrics"]["total_invoices"], 8)     # the day before too
        one = ok(self.key, period="1d", group_by="hour")
        self.assertEqual(len(one["time_series"]), 24)
        self.assertEqual(one["time_series"][1]["date"],
                         str(local_today("UTC")) + "T01:00:00+00:00")
        self.assertEqual([b["invoices_created"] for b in one["time_series"][:5]], [0, 1, 1, 1, 0])
        self.assertEqual(one["metrics"]["total_invoices"], 3)
        for period, n in (("90d", 90), ("1y", None)):
            a = ok(self.key, period=period)
            if n:
                self.assertEqual(len(a["time_series"]), n)
            else:
                today = local_today("UTC")
                # PostgreSQL: tomorrow - interval '1 year' (29 February
                # becomes the 28th).
                t = today + datetime.timedelta(days=1)
                try:
                    start = t.replace(year=t.year - 1)
                except ValueError:
                    start = datetime.date(t.year - 1, 2, 28)
                self.assertEqual(a["time_series"][0]["date"], str(start))
                self.assertEqual(len(a["time_series"]), (today - start).days + 1)
            self.assertEqual(a["metrics"]["total_invoices"], 8)
            s = series_sum(a)
            self.assertEqual(s, {k: a["metrics"][k] for k in s})

    def test_week_and_month_labels(self):
        w = ok(self.key, period="90d", group_by="week")
        dates = [datetime.date.fromisoformat(b["date"]) for b in w["time_series"]]
        self.assertTrue(all(d.weekday() == 0 for d in dates), dates)
        self.assertTrue(all((b - a).days == 7 for a, b in zip(dates, dates[1:])))
        today = local_today("UTC")
        start = today - datetime.timedelta(days=89)
        self.assertEqual(dates[0], start - datetime.timedelta(days=start.weekday()))
        self.assertEqual(dates[-1], today - datetime.timedelta(days=today.weekday()))
        self.assertEqual(w["metrics"]["total_invoices"], 8)
        s = series_sum(w)
        self.assertEqual(s, {k: w["metrics"][k] for k in s})
        # The invoice of 7 days ago sits in its own Monday's week.
        seven = today - datetime.timedelta(days=7)
        monday = str(seven - datetime.timedelta(days=seven.weekday()))
        self.assertGreaterEqual([b for b in w["time_series"] if b["date"] == monday][0]
                                ["invoices_created"], 1)
        mo = ok(self.key, period="1y", group_by="month")
        labels = [b["date"] for b in mo["time_series"]]
        self.assertEqual(labels[-1], today.strftime("%Y-%m"))
        for a, b in zip(labels, labels[1:]):
            ya, ma = map(int, a.split("-"))
            self.assertEqual(b, "%04d-%02d" % (ya + ma // 12, ma % 12 + 1))
        self.assertIn(len(labels), (12, 13))
        self.assertEqual(sum(b["invoices_created"] for b in mo["time_series"]), 8)

    def test_bad_parameters(self):
        for q, field in (("period=2d", "period"), ("period=30D", "period"),
                         ("group_by=year", "group_by"), ("group_by=", "group_by"),
                         ("timezone=Mars/Olympus", "timezone"),
                         ("timezone=europe/berlin", "timezone"),
                         ("timezone=Europe/Berlin';--", "timezone"),
                         ("timezone=" + "A" * 65, "timezone"),
                         ("currency=usd", "currency"), ("colour=red", "colour"),
                         ("period=7d&period=30d", "period"), ("limit=10", "limit")):
            r = request("GET", "analytics?" + q, key=self.key)
            e = r.json()["error"]
            # 400: the query cannot be read (a repeated parameter); 422: a
            # value refused (a zone PostgreSQL does not know: INVALID_VALUE).
            if q == "period=7d&period=30d":
                want = (400, "invalid_request_error", "INVALID_PARAMETER")
            elif q in ("timezone=Mars/Olympus", "timezone=europe/berlin"):
                want = (422, "validation_error", "INVALID_VALUE")
            else:
                want = (422, "validation_error", "INVALID_PARAMETER")
            self.assertEqual((r.status, e["type"], e["code"], e.get("field")), want + (field,), q)
        r = get(self.key, period="1y", group_by="hour")
        self.assertEqual(r.status, 422, r)
        e = r.json()["error"]
        self.assertEqual((e["code"], e["field"]), ("TOO_MANY_BUCKETS", "group_by"))
        self.assertEqual(e["constraints"], {"max_buckets": "2400"})
        r = get(self.key, currency="GBP")
        self.assertEqual(r.status, 422, r)
        self.assertEqual((r.json()["error"]["code"], r.json()["error"]["field"]),
                         ("UNSUPPORTED_CURRENCY", "currency"))
        self.assertEqual(request("POST", "analytics", {}, key=self.key).status, 405)
        # The largest accepted: 90 days by hour.
        a = ok(self.key, period="90d", group_by="hour")
        self.assertIn(len(a["time_series"]), (2159, 2160, 2161))

    def test_modes_and_merchants_apart(self):
        _, other = new_merchant("Analytics Other")
        inv = create(other, "USD", "55.00")
        place(inv, at("UTC", local_today("UTC"), 4), "paid", 5)
        self.assertEqual(ok(other, period="1d")["metrics"]["total_invoices"], 1)
        self.assertEqual(ok(self.key, period="1d")["metrics"]["total_invoices"], 3)
        # A live invoice of this merchant: only live keys count it.
        live = create(self.key, "USD", "1.00")
        place(live, at("UTC", local_today("UTC"), 5), "paid", 7, mode="live")
        self.assertEqual(ok(self.key, period="1d")["metrics"]["total_invoices"], 3)
        an = admin("key", "create", "--merchant", self.merchant, "--type", "analytics")["secret"]
        m = ok(an, period="1d")["metrics"]
        self.assertEqual((m["total_invoices"], str(m["paid_amount"])), (1, "1.00"))
        # cc-admin prints the API's answer, for either mode.
        self.assertEqual(admin("analytics", "--merchant", self.merchant, "--period", "1d"),
                         json.loads(get(an, period="1d").body))
        for q in ({}, {"period": "7d", "group_by": "hour", "timezone": "Asia/Kathmandu"},
                  {"period": "90d", "group_by": "week", "timezone": "America/New_York",
                   "currency": "EUR"}):
            opts = []
            for k, v in q.items():
                opts += ["--" + k.replace("_", "-"), v]
            self.assertEqual(admin("analytics", "--merchant", self.merchant,
                                   "--mode", "test", *opts),
                             json.loads(get(self.key, **q).body), q)

    def test_admin_refusals_name_the_option(self):
        m = ["--merchant", self.merchant]
        for args, msg in (([], "--merchant is required"),
                          (m + ["--period", "2d"], "--period must be 1d, 7d, 30d, 90d or 1y"),
                          (m + ["--group-by", "year"], "--group-by must be"),
                          (m + ["--mode", "prod"], "--mode must be live or test"),
                          (m + ["--timezone", "Europe//Berlin"], "--timezone must be"),
                          (m + ["--timezone", "Mars/Olympus"], "--timezone must be"),
                          (m + ["--currency", "usd"], "--currency must be"),
                          (m + ["--currency", "GBP"], "--currency must be a configured"),
                          (m + ["--period", "1y", "--group-by", "hour"], "--group-by"),
                          (m + ["--limit", "3"], "unknown option --limit")):
            p = admin("analytics", *args, check=False)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertIn(msg, p.stderr, args)
            self.assertEqual(p.stdout, "", args)

    def test_scopes(self):
        an = admin("key", "create", "--merchant", self.merchant, "--type", "analytics")["secret"]
        self.assertEqual(get(an).status, 200)
        for method, path in (("GET", "invoices"), ("GET", "invoices/" + self.ids[0]),
                             ("POST", "invoices"), ("GET", "webhook-endpoints")):
            r = request(method, path, {} if method == "POST" else None, key=an)
            self.assertEqual(r.status, 403, (path, r))
            self.assertEqual(r.json()["error"]["code"], "INSUFFICIENT_SCOPE")
        inv = admin("key", "create", "--merchant", self.merchant, "--type", "invoices")["secret"]
        ro = admin("key", "create", "--merchant", self.merchant, "--type", "test",
                   "--scope", "invoices:read")["secret"]
        for k in (inv, ro):
            r = get(k)
            self.assertEqual(r.status, 403, r)
            self.assertEqual(r.json()["error"]["code"], "INSUFFICIENT_SCOPE")
            self.assertIn("analytics:read", r.json()["error"]["message"])
        scoped = admin("key", "create", "--merchant", self.merchant, "--type", "test",
                       "--scope", "analytics:read")["secret"]
        self.assertEqual(get(scoped, period="7d").status, 200)
        self.assertEqual(get(None).status, 401)


class CurrencyTest(unittest.TestCase):
    def test_currencies_never_added_up(self):
        merchant, key = new_merchant("Analytics Currencies")
        # No invoices: the configuration's first currency, all zeros.
        a = ok(key, period="7d")
        self.assertEqual(a["currency"], "USD")
        self.assertEqual(a["metrics"]["total_invoices"], 0)
        self.assertEqual(a["metrics"]["conversion_rate"], None)
        self.assertEqual(a["payment_methods"], {})
        today = local_today("UTC")
        for cur, total, status in (("EUR", "10.00", "paid"), ("EUR", "2.50", "expired")):
            place(create(key, cur, total), at("UTC", today, 6), status, 30 if status == "paid" else None)
        # The stack has no USDT/JPY rate (test_invoices counts on it): a
        # JPY invoice is made by hand from another.
        jp = create(key, "USD", "1.00")
        place(jp, at("UTC", today, 6), "paid", 30)
        psql("UPDATE invoices SET currency = 'JPY', currency_exp = 0, total_minor = 1500, "
             "subtotal_minor = 1500, total = 1500 WHERE id = '%s'" % jp)
        r = get(key, period="7d")
        self.assertEqual(r.status, 422, r)
        e = r.json()["error"]
        self.assertEqual((e["type"], e["code"], e["field"]),
                         ("validation_error", "CURRENCY_REQUIRED", "currency"))
        self.assertEqual(e["constraints"], {"currencies": ["EUR", "JPY"]})
        p = admin("analytics", "--merchant", merchant, "--mode", "test", "--period", "7d",
                  check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("--currency", p.stderr)
        self.assertIn(": EUR JPY", p.stderr)
        eur = ok(key, period="7d", currency="EUR")
        self.assertEqual((eur["currency"], eur["metrics"]["total_invoices"],
                          str(eur["metrics"]["total_amount"]),
                          str(eur["metrics"]["average_amount"])), ("EUR", 2, "12.50", "6.25"))
        jpy = ok(key, period="7d", currency="JPY")
        self.assertEqual((str(jpy["metrics"]["paid_amount"]),
                          str(jpy["payment_methods"]["USDT"]["amount"])), ("1500", "1500"))
        usd = ok(key, period="7d", currency="USD")
        self.assertEqual(usd["metrics"]["total_invoices"], 0)
        # A period holding one currency needs none: the JPY invoice moved
        # out of the last day.
        self.assertEqual(get(key, period="1d").status, 422)
        psql("UPDATE invoices SET created_at = created_at - interval '3 days' "
             "WHERE currency = 'JPY' AND merchant_id = '%s'" % merchant)
        one = ok(key, period="1d")
        self.assertEqual((one["currency"], one["metrics"]["total_invoices"]), ("EUR", 2))
        p = admin("analytics", "--merchant", "mer_" + "a" * 26, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("no such merchant", p.stderr)


def dst_changes(tzname, days):
    """Local dates of the last `days` days (today included) on which tz
    changes its offset: [(date, hours that day)]."""
    tz = zoneinfo.ZoneInfo(tzname)
    today = local_today(tzname)
    out = []
    for n in range(days - 1, -1, -1):
        d = today - datetime.timedelta(days=n)
        a = datetime.datetime(d.year, d.month, d.day, tzinfo=tz)
        nd = d + datetime.timedelta(days=1)
        b = datetime.datetime(nd.year, nd.month, nd.day, tzinfo=tz)
        hours = (b.astimezone(UTC) - a.astimezone(UTC)).total_seconds() / 3600
        if hours != 24:
            out.append((d, int(hours)))
    return out


# Zones whose changes fall in different months, so that a 90-day window
# ending on most days of the year holds one.
# (Zones that change at local midnight are left out: that midnight may
# not exist.)
DST_ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney",
             "Pacific/Auckland", "Africa/Casablanca", "Pacific/Chatham")


class DstTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.merchant, cls.key = new_merchant("Analytics DST")

    def test_days_follow_the_local_calendar(self):
        # Within a year Berlin is on CET and on CEST: 00:30 local is the
        # previous UTC day in both, by one or two hours.
        tz = "Europe/Berlin"
        changes = dst_changes(tz, 365)
        self.assertEqual(sorted(h for _, h in changes), [23, 25])
        winter = [d for d, h in changes if h == 25][0] + datetime.timedelta(days=2)
        summer = [d for d, h in changes if h == 23][0] + datetime.timedelta(days=2)
        ids = []
        for d in (winter, summer):
            inv = create(self.key, "USD", "1.00")
            place(inv, at(tz, d, 0, 30), "paid", 60)
            ids.append(inv)
        a = ok(self.key, period="1y", group_by="day", timezone=tz)
        by = {b["date"]: b for b in a["time_series"]}
        for d in (winter, summer):
            self.assertEqual(by[str(d)]["invoices_created"], 1, d)
            self.assertEqual(by[str(d - datetime.timedelta(days=1))]["invoices_created"], 0, d)
        # In UTC both sit on the day before.
        u = {b["date"]: b for b in ok(self.key, period="1y", timezone="UTC")["time_series"]}
        for d in (winter, summer):
            self.assertEqual(u[str(d - datetime.timedelta(days=1))]["invoices_created"], 1, d)
        self.assertTrue(a["from"].startswith(a["time_series"][0]["date"] + "T00:00:00+0"))

    def test_hours_across_a_change(self):
        found = None
        for tz in DST_ZONES:
            # Not today's: its later hours are still to come.
            ch = [c for c in dst_changes(tz, 90) if c[0] != local_today(tz)]
            if ch:
                found = (tz,) + ch[-1]
                break
        if found is None:
            self.skipTest("no DST change in the last 90 days in " + ", ".join(DST_ZONES))
        tz, day, hours = found
        zone = zoneinfo.ZoneInfo(tz)
        start = datetime.datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
        # One invoice at each UTC half hour of that local day.
        instants = [start + datetime.timedelta(minutes=30 + 60 * k) for k in range(hours)]
        for t in instants:
            place(create(self.key, "USD", "2.00"), t, "paid", 10)
        a = ok(self.key, period="90d", group_by="hour", timezone=tz)
        labels = [b["date"] for b in a["time_series"]]
        self.assertEqual(len(labels), len(set(labels)))
        day_buckets = [b for b in a["time_series"] if b["date"].startswith(str(day))]
        self.assertEqual(len(day_buckets), hours, (tz, day))
        self.assertEqual([b["invoices_created"] for b in day_buckets], [1] * hours)
        want = []
        for t in instants:     # each bucket starts half an hour before its invoice
            lt = (t - datetime.timedelta(minutes=30)).astimezone(zone)
            off = int(lt.utcoffset().total_seconds())
            sign = "-" if off < 0 else "+"
            want.append("%sT%02d:%02d:00%s%02d:%02d" % (lt.date(), lt.hour, lt.minute, sign,
                                                          abs(off) // 3600, abs(off) % 3600 // 60))
        self.assertEqual([b["date"] for b in day_buckets], want)
        if hours == 25:     # an hour seen twice, with two offsets
            self.assertEqual(len({w[:19] for w in want}), 24)
        d = ok(self.key, period="90d", group_by="day", timezone=tz)
        self.assertEqual([b["invoices_created"] for b in d["time_series"]
                          if b["date"] == str(day)], [hours])
        self.assertEqual(d["metrics"]["total_invoices"], a["metrics"]["total_invoices"])
        s = series_sum(a)
        self.assertEqual(s, {k: a["metrics"][k] for k in s})


if __name__ == "__main__":
    unittest.main()
