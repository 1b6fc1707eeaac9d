#!/usr/bin/env python3
"""Draws the answer of GET /api/v1/analytics (or cc-admin analytics) as an
SVG bar chart: per bucket, the amount of the invoices created (light) and
of those paid (dark), with the metrics in the title. Python's standard
library only; amounts are read as decimals, never as binary floats.

    curl -s "$CC_API_URL/analytics?period=30d&group_by=day" \\
        -H "Authorization: Bearer $KEY" | examples/analytics_svg.py > chart.svg
    cc-admin --json analytics --merchant mer_... | examples/analytics_svg.py > chart.svg

    examples/analytics_svg.py [--metric amount|count] [FILE]
"""
import argparse
import decimal
import json
import sys
from xml.sax.saxutils import escape

W, H = 960, 420
LEFT, RIGHT, TOP, BOTTOM = 80, 20, 50, 70


def nice_max(v):
    """The smallest 1, 2 or 5 x 10^n at or above v (at least 1)."""
    if v <= 0:
        return decimal.Decimal(1)
    step = decimal.Decimal(1)
    while step * 10 <= v:
        step *= 10
    while step > v:
        step /= 10
    for m in (1, 2, 5, 10):
        if step * m >= v:
            return step * m
    return step * 10


def chart(a, metric):
    series = a["time_series"]
    if metric == "count":
        made = [decimal.Decimal(b["invoices_created"]) for b in series]
        paid = [decimal.Decimal(b["invoices_paid"]) for b in series]
        unit = "invoices"
    else:
        made = [b["amount_created"] for b in series]
        paid = [b["amount_paid"] for b in series]
        unit = a["currency"]
    top = nice_max(max(made, default=decimal.Decimal(0)))
    n = max(len(series), 1)
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM
    slot = decimal.Decimal(pw) / n
    bar = slot * decimal.Decimal("0.8")

    def y(v):
        return TOP + ph - decimal.Decimal(ph) * v / top

    m = a["metrics"]
    title = "%s by %s, %s: %s invoices, %s paid (%s %%), %s %s paid of %s" % (
        a["period"], a["group_by"], a["timezone"], m["total_invoices"],
        m["paid_invoices"], m["conversion_rate"] if m["conversion_rate"] is not None else "-",
        m["paid_amount"], a["currency"], m["total_amount"])
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">' % (W, H, W, H),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="24" font-size="14">%s</text>' % (LEFT, escape(title))]
    for k in range(5):
        v = top * k / 4
        yy = y(v)
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>'
                   % (LEFT, W - RIGHT, yy, yy))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>'
                   % (LEFT - 6, yy + 4, escape(format(v.normalize(), "f"))))
    out.append('<text x="12" y="%d" transform="rotate(-90 12 %d)">%s</text>'
               % (TOP + ph // 2, TOP + ph // 2, escape(unit)))
    every = max(1, n // 12)
    for i, b in enumerate(series):
        x = LEFT + slot * i + (slot - bar) / 2
        for v, colour in ((made[i], "#9ecae1"), (paid[i], "#3182bd")):
            if v > 0:
                out.append('<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" fill="%s">'
                           '<title>%s: %s</title></rect>'
                           % (x, y(v), bar, y(0) - y(v), colour, escape(b["date"]), v))
        if i % every == 0:
            lx = LEFT + slot * i + slot / 2
            out.append('<text x="%.1f" y="%d" text-anchor="end" transform="rotate(-45 %.1f %d)">'
                       '%s</text>' % (lx, H - BOTTOM + 14, lx, H - BOTTOM + 14,
                                      escape(b["date"][:16])))
    out.append('<rect x="%d" y="%d" width="10" height="10" fill="#9ecae1"/>'
               '<text x="%d" y="%d">created</text>' % (W - 190, 34, W - 176, 43))
    out.append('<rect x="%d" y="%d" width="10" height="10" fill="#3182bd"/>'
               '<text x="%d" y="%d">paid</text>' % (W - 110, 34, W - 96, 43))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    p = argparse.ArgumentParser(description="Analytics JSON to an SVG bar chart.")
    p.add_argument("--metric", choices=("amount", "count"), default="amount")
    p.add_argument("file", nargs="?", help="the JSON (default: standard input)")
    args = p.parse_args()
    text = open(args.file).read() if args.file else sys.stdin.read()
    a = json.loads(text, parse_float=decimal.Decimal, parse_int=decimal.Decimal)
    if "error" in a:
        sys.exit("analytics_svg: the answer is an error: %s" % a["error"].get("message"))
    sys.stdout.write(chart(a, args.metric))


if __name__ == "__main__":
    main()
