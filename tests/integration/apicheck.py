"""Every answer the integration tests see, checked against docs/openapi.json:
the route (path template and method), the status, the documented headers
and the body's schema; also each `data:` of the event stream and each
webhook a test receiver gets.

A mismatch fails the test that made the request: raised at once in the
test's own thread, or, from another thread (a receiver, a concurrent
request), recorded and raised when the test ends (run.py). The message
says what was asked, what came back and which part of the document it
broke.

JSON bodies are read with parse_float=Decimal, so amounts are checked as
the exact decimals they are. Schemas are JSON Schema 2020-12, checked
with jsonschema's Draft202012Validator; `#/components/...` references
resolve in the document (a referencing.Registry where jsonschema has one,
its RefResolver on older versions such as Debian 12's 4.10)."""
import decimal
import json
import os
import re
import threading

import jsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

HERE = os.path.dirname(os.path.abspath(__file__))
DOC_PATH = os.path.normpath(os.path.join(HERE, "..", "..", "docs", "openapi.json"))
with open(DOC_PATH, "rb") as _f:
    DOC_BYTES = _f.read()
DOC = json.loads(DOC_BYTES)
BASE_URI = "urn:crypto-checkout:openapi"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


# ------------------------------------------------------------ the document

def escape(part):
    return str(part).replace("~", "~0").replace("/", "~1")


def resolve(ptr):
    """The value at a local JSON pointer ("#/components/...")."""
    if not ptr.startswith("#"):
        raise KeyError("not a local reference: " + ptr)
    cur = DOC
    for part in ptr[1:].split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        cur = cur[int(part)] if isinstance(cur, list) else cur[part]
    return cur


def deref(obj, ptr):
    """Follows OpenAPI Reference Objects: (object, its pointer)."""
    seen = set()
    while isinstance(obj, dict) and "$ref" in obj:
        ptr = obj["$ref"]
        if ptr in seen:
            raise ValueError("reference loop at " + ptr)
        seen.add(ptr)
        obj = resolve(ptr)
    return obj, ptr


_validators = {}
_vlock = threading.Lock()


def _make_validator(ptr):
    schema = {"$ref": BASE_URI + ptr}
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012
    except ImportError:
        resolver = jsonschema.RefResolver(BASE_URI, DOC)
        return Draft202012Validator(schema, resolver=resolver)
    registry = Registry().with_resource(BASE_URI, Resource(contents=DOC,
                                                           specification=DRAFT202012))
    return Draft202012Validator(schema, registry=registry)


def validator(ptr):
    """A validator for the schema at ptr in the document (cached)."""
    with _vlock:
        v = _validators.get(ptr)
        if v is None:
            v = _validators[ptr] = _make_validator(ptr)
        return v


def schema_error(ptr, instance):
    """None, or the most relevant error of instance against ptr's schema."""
    errors = list(validator(ptr).iter_errors(instance))
    if not errors:
        return None
    # The deepest first: a wrong field also leaves every field of its
    # object "unevaluated", which says less.
    deepest = max(len(e.absolute_path) for e in errors)
    e = best_match([e for e in errors if len(e.absolute_path) == deepest])
    at = "/".join(str(p) for p in e.absolute_path) or "(top)"
    where = "/".join(str(p) for p in e.absolute_schema_path)
    more = " (and %d more)" % (len(errors) - 1) if len(errors) > 1 else ""
    return "%s at %s [schema %s: %s]%s" % (e.message[:600], at, ptr, where, more)


def _template_regex(template):
    parts = []
    for seg in template.split("/"):
        parts.append("[^/]+" if re.fullmatch(r"\{[^}]+\}", seg) else re.escape(seg))
    return re.compile("^" + "/".join(parts) + "/?$")


TEMPLATES = sorted(((t, _template_regex(t)) for t in DOC["paths"]),
                   key=lambda t: -sum(1 for s in t[0].split("/") if not s.startswith("{")))


def match_path(path):
    """(template, path item) for a raw request path, or (None, None)."""
    for template, rx in TEMPLATES:
        if rx.match(path):
            return template, DOC["paths"][template]
    return None, None


# ------------------------------------------------------------ failures

_recorded = []
_rlock = threading.Lock()


def _fail(msg):
    """Raises in the main thread; elsewhere records for the test's end."""
    if threading.current_thread() is threading.main_thread():
        raise AssertionError(msg)
    with _rlock:
        _recorded.append(msg)


def take_recorded():
    with _rlock:
        out = list(_recorded)
        del _recorded[:]
    return out


def raise_recorded():
    """A test's cleanup: fails it with what its other threads saw."""
    msgs = take_recorded()
    if msgs:
        raise AssertionError("OpenAPI mismatches seen by other threads:\n  " +
                             "\n  ".join(msgs))


def _snippet(body):
    if body is None:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    return " -- body: " + (text[:300] + ("..." if len(text) > 300 else ""))


# ------------------------------------------------------------ checks

def _responses_for(method, path):
    """(responses object, its pointer, where) for a request."""
    template, item = match_path(path)
    if item is None:
        for i, rule in enumerate(DOC["x-unrouted"]["rules"]):
            if path.startswith(rule["prefix"]):
                return (rule["responses"], "#/x-unrouted/rules/%d/responses" % i,
                        "x-unrouted %s" % rule["prefix"])
        return None, None, "no path template and no x-unrouted rule"
    base = "#/paths/" + escape(template)
    op = item.get(method.lower())
    if op is None:
        return (item.get("x-method-not-allowed", {}), base + "/x-method-not-allowed",
                "%s x-method-not-allowed" % template)
    return op["responses"], base + "/" + method.lower() + "/responses", \
        "%s %s" % (method.upper(), template)


def _check_headers(headers_doc, ptr, headers, fail):
    for name, h in headers_doc.items():
        h, hptr = deref(h, ptr + "/" + escape(name))
        lname = name.lower()
        if lname == "content-type":
            continue
        if lname not in headers:
            if h.get("required"):
                fail("header %s is missing" % name)
            continue
        if "schema" in h:
            e = schema_error(hptr + "/schema", headers[lname])
            if e:
                fail("header %s: %r: %s" % (name, headers[lname], e))


def response(method, target, status, headers, body):
    """Checks one answer. headers: lower-case names; body: the bytes, or
    None for a stream whose body the caller reads itself."""
    path = target.split("?", 1)[0]
    prefix = "OpenAPI: %s %s -> %d" % (method, target, status)
    responses, rptr, where = _responses_for(method, path)

    def fail(msg):
        _fail("%s: %s [%s]%s" % (prefix, msg, where, _snippet(body)))

    if responses is None:
        return fail("not in the document")
    for key in (str(status), "%dXX" % (status // 100), "default"):
        if key in responses:
            break
    else:
        return fail("status %d not documented (documented: %s)"
                    % (status, ", ".join(sorted(responses))))
    resp, ptr = deref(responses[key], rptr + "/" + escape(key))
    where += " responses/" + key
    _check_headers(resp.get("headers", {}), ptr + "/headers", headers, fail)
    content = resp.get("content")
    if method.upper() == "HEAD" or status == 304:
        if body:
            fail("a body where none may be")
        return
    if not content:
        if body:
            fail("a body, but the document gives none")
        return
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in content:
        return fail("Content-Type %r not documented (documented: %s)"
                    % (ctype, ", ".join(sorted(content))))
    media = content[ctype]
    mptr = ptr + "/content/" + escape(ctype)
    if body is None or "schema" not in media:
        return
    if ctype == "application/json" or ctype.endswith("+json"):
        try:
            value = json.loads(body, parse_float=decimal.Decimal)
        except ValueError as e:
            return fail("body is not JSON: %s" % e)
    elif ctype.startswith("text/"):
        try:
            value = body.decode("utf-8")
        except UnicodeDecodeError as e:
            return fail("body is not UTF-8 text: %s" % e)
    else:
        return
    e = schema_error(mptr + "/schema", value)
    if e:
        fail(e)


def sse_data(target, ev_id, data):
    """Checks the JSON text of one event's data: line(s) of the stream at
    target against its x-sse-data schema; ev_id is its id: line."""
    path = target.split("?", 1)[0]
    prefix = "OpenAPI: GET %s event stream, event id %s" % (target, ev_id)
    template, item = match_path(path)
    try:
        media = item["get"]["responses"]["200"]["content"]["text/event-stream"]
        sptr = ("#/paths/%s/get/responses/200/content/text~1event-stream/x-sse-data"
                % escape(template))
        media["x-sse-data"]
    except (KeyError, TypeError):
        return _fail("%s: no x-sse-data schema for this path" % prefix)
    if ev_id is None:
        _fail("%s: an event without an id: line" % prefix)
    try:
        value = json.loads(data, parse_float=decimal.Decimal)
    except ValueError as e:
        return _fail("%s: data is not JSON: %s -- %s" % (prefix, e, data[:300]))
    e = schema_error(sptr, value)
    if e:
        _fail("%s: %s -- data: %s" % (prefix, e, data[:300]))


def webhook(headers, body):
    """Checks a webhook delivery a test receiver got: headers (any case)
    and the raw body, against the document's webhooks."""
    h = {k.lower(): v for k, v in headers.items()}
    event = h.get("x-crypto-checkout-event")
    prefix = "OpenAPI: webhook %s" % event

    def fail(msg):
        _fail("%s: %s%s" % (prefix, msg, _snippet(body)))

    if event not in DOC["webhooks"]:
        return fail("X-Crypto-Checkout-Event names no webhook of the document")
    base = "#/webhooks/%s/post" % escape(event)
    op = DOC["webhooks"][event]["post"]
    for i, p in enumerate(op.get("parameters", [])):
        p, pptr = deref(p, "%s/parameters/%d" % (base, i))
        if p["in"] != "header":
            continue
        value = h.get(p["name"].lower())
        if value is None:
            if p.get("required"):
                fail("header %s is missing" % p["name"])
            continue
        e = schema_error(pptr + "/schema", value)
        if e:
            fail("header %s: %r: %s" % (p["name"], value, e))
    content = op["requestBody"]["content"]
    ctype = h.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in content:
        return fail("Content-Type %r not documented" % ctype)
    try:
        value = json.loads(body, parse_float=decimal.Decimal)
    except ValueError as e:
        return fail("body is not JSON: %s" % e)
    e = schema_error("%s/requestBody/content/%s/schema" % (base, escape(ctype)), value)
    if e:
        fail(e)
