"""docs/openapi.json: served at GET /api/v1/openapi.json without a key, a
well-formed OpenAPI 3.1 document as far as jsonschema can tell, and in
step with the code (routes and scopes of cc-merchant, event names, error
codes) and with docs/API.md. That every answer of the suite matches it is
checked by apicheck on every request."""
import http.client
import os
import re
import subprocess
import sys
import unittest
import urllib.parse

from jsonschema import Draft202012Validator

import apicheck
from cc import API, ENV, fetch, request

ROOT = os.path.normpath(os.path.join(apicheck.HERE, "..", ".."))
DOC = apicheck.DOC
ROUTE = API.path + "/openapi.json"


def source(*parts):
    with open(os.path.join(ROOT, *parts)) as f:
        return f.read()


def walk(node, path=()):
    """Every (path, dict) of the document."""
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, path + (i,))


def operations():
    """(where, path template or webhook name, method, operation)."""
    for where in ("paths", "webhooks"):
        for name, item in DOC[where].items():
            for method in apicheck.METHODS:
                if method in item:
                    yield where, name, method, item[method]


def schema_locations():
    """Every schema of the document outside components/schemas: those of
    parameters, headers, media types and x-sse-data (found by key, in the
    parts that are not schemas themselves)."""
    parts = [("paths",), ("webhooks",), ("components", "responses"),
             ("components", "parameters"), ("components", "headers"),
             ("x-unrouted",)]
    for part in parts:
        node = DOC
        for p in part:
            node = node[p]
        for path, d in walk(node, part):
            for key in ("schema", "x-sse-data"):
                if key in d and isinstance(d[key], dict):
                    yield path + (key,), d[key]


def source_codes():
    """Every error code literal of the programs' sources."""
    files = [os.path.join("fcgi", d, f) for d in os.listdir(os.path.join(ROOT, "fcgi"))
             if os.path.isdir(os.path.join(ROOT, "fcgi", d))
             for f in os.listdir(os.path.join(ROOT, "fcgi", d)) if f.endswith(".c")]
    files += ["fcgi/fcgi_main.c"] + ["lib/%s.c" % m for m in (
        "http", "input", "invoice_input", "invoice", "webhook_endpoint", "qr",
        "analytics", "token", "refund", "simulate")]
    found = set()
    for f in files:
        for lit in re.findall(r'"([A-Z][A-Z0-9]*_[A-Z0-9_]+)"', source(f)):
            # CGI parameter names are not codes.
            if not re.match(r"^(HTTP_\w+|CONTENT_(LENGTH|TYPE)|REQUEST_(METHOD|URI)|"
                            r"QUERY_STRING|REMOTE_ADDR)$", lit):
                found.add(lit)
    return found


def error_codes():
    """Every error code the document's responses name."""
    codes = set()
    for _, d in walk(DOC["components"]["responses"]):
        props = d.get("properties", {})
        if "error" in props:
            codes.update(props["error"].get("properties", {})
                         .get("code", {}).get("enum", []))
    return codes


class OpenApiTest(unittest.TestCase):
    def test_served_without_a_key(self):
        st, h, body = fetch(API, "GET", ROUTE)
        self.assertEqual(st, 200, body[:300])
        self.assertEqual(h["content-type"], "application/json")
        self.assertEqual(body, apicheck.DOC_BYTES, "the served document is not docs/openapi.json")
        self.assertRegex(h["etag"], r'^"[0-9a-f]{32}"$')
        self.assertIn("max-age", h["cache-control"])
        # Revalidation: the tag, a list holding it, its weak form.
        for inm in (h["etag"], '"other", ' + h["etag"], "W/" + h["etag"], "*"):
            st2, h2, body2 = fetch(API, "GET", ROUTE, headers={"If-None-Match": inm})
            self.assertEqual((st2, body2), (304, b""), inm)
            self.assertEqual(h2["etag"], h["etag"])
        st, _, _ = fetch(API, "GET", ROUTE, headers={"If-None-Match": '"stale"'})
        self.assertEqual(st, 200)
        # A key, even a wrong one, changes nothing.
        self.assertEqual(request("GET", ROUTE, key=ENV["CC_TEST_KEY"]).status, 200)
        self.assertEqual(request("GET", ROUTE, key="sk_test_nope").status, 200)
        r = request("POST", ROUTE, {})
        self.assertEqual(r.status, 405, r)
        self.assertEqual(r.header("allow"), "GET, HEAD")

    def test_openapi_3_1_structure(self):
        self.assertRegex(DOC["openapi"], r"^3\.1\.\d+$")
        self.assertIsInstance(DOC["info"]["title"], str)
        self.assertIsInstance(DOC["info"]["version"], str)
        # OpenAPI's own dialect: JSON Schema 2020-12 and its vocabulary
        # (discriminator).
        self.assertEqual(DOC["jsonSchemaDialect"],
                         "https://spec.openapis.org/oas/3.1/dialect/base")
        for template in DOC["paths"]:
            self.assertTrue(template.startswith("/"), template)
        # Every reference resolves.
        refs = 0
        for path, d in walk(DOC):
            if isinstance(d.get("$ref"), str):
                refs += 1
                try:
                    apicheck.resolve(d["$ref"])
                except (KeyError, IndexError, ValueError) as e:
                    self.fail("%s: $ref %s does not resolve (%s)"
                              % ("/".join(map(str, path)), d["$ref"], e))
        self.assertGreater(refs, 100)
        # Every schema is a valid 2020-12 schema.
        n = 0
        for name, s in DOC["components"]["schemas"].items():
            Draft202012Validator.check_schema(s)
            n += 1
        for path, s in schema_locations():
            Draft202012Validator.check_schema(s)
            n += 1
        self.assertGreater(n, 100)
        # Operations: unique ids, described responses, declared tags.
        tags = {t["name"] for t in DOC["tags"]}
        ids = set()
        for where, name, method, op in operations():
            what = "%s %s %s" % (where, name, method)
            self.assertNotIn(op["operationId"], ids, what)
            ids.add(op["operationId"])
            self.assertTrue(set(op.get("tags", [])) <= tags, what)
            self.assertTrue(op["responses"], what)
            for status, resp in op["responses"].items():
                self.assertRegex(status, r"^([1-5][0-9][0-9]|[1-5]XX|default)$", what)
                resp, _ = apicheck.deref(resp, "")
                self.assertIsInstance(resp.get("description"), str, (what, status))
        # Path parameters: every {name} of a template declared, and no other.
        for template, item in DOC["paths"].items():
            want = set(re.findall(r"\{([^}]+)\}", template))
            for method in apicheck.METHODS:
                if method not in item:
                    continue
                declared = set()
                for p in item.get("parameters", []) + item[method].get("parameters", []):
                    p, _ = apicheck.deref(p, "")
                    if p["in"] == "path":
                        self.assertTrue(p.get("required"), template)
                        declared.add(p["name"])
                self.assertEqual(declared, want, "%s %s" % (method, template))
        # Security: declared schemes only.
        schemes = DOC["components"]["securitySchemes"]
        for where, name, method, op in operations():
            for req in op.get("security", []):
                self.assertTrue(set(req) <= set(schemes), (name, method))

    def test_merchant_routes_and_scopes(self):
        """The document's /api/v1 operations are cc-merchant's route table,
        each with the table's scope (an open route with no security)."""
        table = source("fcgi", "merchant", "main.c")
        scopes = dict((c, n) for n, c in re.findall(r'\{ "([a-z]+:[a-z]+)",\s*(SCOPE_\w+) \}',
                                                    source("lib", "apikey.c")))
        self.assertEqual(len(scopes), 6)
        routes, limited = {}, {}
        for method, pattern, scope, open_, limit in re.findall(
                r'\{ "([A-Z]+)", "(/api/v1/[^"]*)",\s*\w+,\s*(\w+),\s*(true|false),'
                r'\s*(RATELIMIT_\w+) \}', table):
            routes[(method.lower(), pattern)] = None if open_ == "true" else scopes[scope]
            limited[(method.lower(), pattern)] = limit != "RATELIMIT_NONE"
            # Every authenticated route counts against a class.
            self.assertTrue(open_ == "true" or limit != "RATELIMIT_NONE",
                            (method, pattern))
        self.assertGreaterEqual(len(routes), 12)
        doc, doc429 = {}, {}
        for where, name, method, op in operations():
            if where != "paths" or not name.startswith("/api/v1/") or \
                    name.startswith("/api/v1/public/"):
                continue
            # HEAD is every GET route's, answered as GET without the body.
            if method == "head":
                self.assertIn("get", DOC["paths"][name], name)
                continue
            if method == "get":
                self.assertIn("head", DOC["paths"][name], name)
            pattern = re.sub(r"\{[^}]+\}", "{}", name)
            sec = op.get("security")
            self.assertIsNotNone(sec, "%s %s: security not stated" % (method, name))
            doc[(method, pattern)] = sec[0]["apiKey"][0] if sec else None
            # A token of the key is accepted with the same scope.
            if sec:
                self.assertEqual(sec, [{"apiKey": sec[0]["apiKey"]}, {"jwt": sec[0]["apiKey"]}],
                                 "%s %s" % (method, name))
            doc429[(method, pattern)] = "429" in op["responses"]
        self.assertEqual(doc, routes)
        # A limited route documents its 429, and only those do.
        self.assertEqual(doc429, limited)

    def test_event_names(self):
        """Event names: lib/events.c's table, the webhooks, the enums."""
        types = re.findall(r'\[EV_\w+\] = \{ "([a-z]+\.[a-z]+)",\s*([^}]*)\}',
                           source("lib", "events.c"))
        names = [n for n, _ in types]
        public = [n for n, flags in types if "EVF_PUBLIC" in flags]
        self.assertEqual(len(names), 11)
        schemas = DOC["components"]["schemas"]
        self.assertEqual(schemas["EventName"]["enum"], names)
        self.assertEqual(schemas["StreamEventName"]["enum"], public)
        self.assertEqual(list(DOC["webhooks"]), names)
        self.assertEqual(sorted(schemas["WebhookPayload"]["discriminator"]["mapping"]),
                         sorted(names))

    def test_error_codes_match_the_code(self):
        """Every error code the programs can answer is documented, and every
        documented one is answered somewhere."""
        self.assertEqual(error_codes(), source_codes())

    def test_error_reference_page(self):
        """htdocs/docs/errors.html, where documentation_url points: made
        from docs/API.md by docs/errors_html.py (current), an anchor for
        every code the sources and the web server's pages answer, served
        by the web server."""
        page = source("htdocs", "docs", "errors.html")
        gen = subprocess.run([sys.executable, os.path.join(ROOT, "docs", "errors_html.py"),
                              "--check"])
        self.assertEqual(gen.returncode, 0, "stale: run docs/errors_html.py")
        anchors = set(re.findall(r'<dt id="([a-z0-9-]+)">', page))
        codes = source_codes() | set(DOC["components"]["schemas"]["WebServerError"][
            "properties"]["error"]["properties"]["code"]["enum"])
        missing = sorted(c for c in codes if c.lower().replace("_", "-") not in anchors)
        self.assertEqual(missing, [], "add them to docs/API.md, run docs/errors_html.py")
        # An answered error's documentation_url leads to its entry.
        r = request("GET", API.path + "/invoices?limit=0", key=ENV["CC_TEST_KEY"])
        self.assertEqual(r.status, 422, r)
        url = urllib.parse.urlparse(r.json()["error"]["documentation_url"])
        self.assertEqual((url.path, url.fragment), ("/docs/errors.html", "invalid-parameter"))
        conn = http.client.HTTPConnection(API.hostname, API.port, timeout=30)
        try:
            conn.request("GET", url.path)
            resp = conn.getresponse()
            served = resp.read()
        finally:
            conn.close()
        self.assertEqual(resp.status, 200)
        self.assertEqual(served, page.encode())

    def test_api_md_covers_the_document(self):
        """docs/API.md names every route, error code, event and webhook
        header of the document."""
        md = source("docs", "API.md")
        missing = []
        for template in DOC["paths"]:
            if template not in md:
                missing.append(template)
        for code in sorted(error_codes()):
            if code not in md:
                missing.append(code)
        for name in DOC["webhooks"]:
            if name not in md:
                missing.append(name)
        for name, p in DOC["components"]["parameters"].items():
            if p["in"] == "header" and p["name"] not in md:
                missing.append(p["name"])
        # The signature checks it shows are the files of examples/, which
        # test_webhooks runs against real deliveries (the PHP one excepted).
        for f in ("verify_webhook.sh", "verify_webhook.py", "verify_webhook.mjs",
                  "verify_webhook.php"):
            if source("examples", f) not in md:
                missing.append("examples/" + f)
        self.assertEqual(missing, [])


if __name__ == "__main__":
    unittest.main()
