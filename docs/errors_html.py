#!/usr/bin/env python3
"""Writes htdocs/docs/errors.html, the error reference that every JSON
error's documentation_url points at (one anchor per code: INVALID_AMOUNT
is #invalid-amount), from docs/API.md's tables of codes ("Every code" and
"Errors the web server makes itself"). Run it after adding a code to
those tables; tests/integration/test_openapi.py fails while the page is
stale or misses a code the sources emit.

usage: docs/errors_html.py [--check]   (--check: exit 1 if stale)"""
import html
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "htdocs", "docs", "errors.html")


def anchor(code):
    return code.lower().replace("_", "-")


def inline(md):
    """The Markdown of a table cell as HTML: `code` and [text](#link)."""
    out = html.escape(md, quote=True)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", out)


def tables(md):
    """(code, status, where, origin) of API.md's two tables of codes."""
    rows, origin = [], None
    for line in md.splitlines():
        if line.startswith("Every code:"):
            origin = "api"
        elif line.startswith("### Errors the web server makes itself"):
            origin = "server"
        elif line.startswith("#"):
            origin = None
        if origin is None:
            continue
        m = re.match(r"^\| `([A-Z][A-Z0-9_]+)` \| ([^|]+) \| (.*) \|$", line)
        if m:
            rows.append((m.group(1), m.group(2).strip(), m.group(3).strip(), origin))
    return rows


def render(md):
    codes = {}
    for code, status, where, origin in tables(md):
        codes.setdefault(code, []).append((status, where, origin))
    parts = ["""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Crypto Checkout: error codes</title>
<link rel="stylesheet" href="/pay.css">
</head>
<body>
<main>
<h1>Error codes</h1>
<p>Every error the API answers is JSON of this shape; its
<code>documentation_url</code> points at the code's entry below
(<code>INVALID_AMOUNT</code> at <code>#invalid-amount</code>).</p>
<pre>{"error": {"type": "validation_error", "code": "INVALID_AMOUNT",
           "message": "...", "field": "items[0].unit_price",
           "constraints": {...}, "suggestions": ["..."],
           "documentation_url": ".../docs/errors.html#invalid-amount"},
 "request_id": "req_...", "trace_id": "trace_...", "timestamp": "..."}</pre>
<p><code>code</code> is stable; <code>message</code> is for people.
<code>field</code> names the input at fault; <code>constraints</code> and
<code>suggestions</code> say what would be accepted when a limit or a
format was not met. Quote <code>request_id</code> (or
<code>trace_id</code>) to the operator: every log line of the request
carries it. Errors marked "web server" are made by the web server when no
program could answer: they carry no <code>request_id</code>.</p>
<dl>
"""]
    for code in sorted(codes):
        parts.append('<dt id="%s"><a href="#%s"><code>%s</code></a></dt>\n'
                     % (anchor(code), anchor(code), code))
        for status, where, origin in codes[code]:
            parts.append("<dd>%s%s: %s</dd>\n" % (
                inline(status), " (web server)" if origin == "server" else "",
                inline(where)))
    parts.append("</dl>\n</main>\n</body>\n</html>\n")
    return "".join(parts)


def main():
    with open(os.path.join(ROOT, "docs", "API.md")) as f:
        page = render(f.read())
    if sys.argv[1:] == ["--check"]:
        with open(OUT) as f:
            sys.exit(0 if f.read() == page else 1)
    with open(OUT, "w") as f:
        f.write(page)


if __name__ == "__main__":
    main()
