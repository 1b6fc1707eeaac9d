"""The SSRF matrix: webhook targets that lead inside our network (every
spelling of loopback, private, link-local, unique-local, CGNAT,
unspecified, multicast, metadata and reserved addresses, names that mean
or resolve to them, redirects to them, other schemes, credentials tricks
and ports other than 80, 443 and the operator's), each refused when it is
saved and again when cc-webhooks would connect to it.

At save: POST and PATCH of webhook endpoints (without allowed_ips, so the
production rule decides: a non-public address needs both the operator and
the endpoint to name it) and an invoice's webhook_url, each a 422 naming
the field. The test stack permits one address, 127.0.0.1, where its
receivers listen; an invoice's webhook_url naming it literally is accepted
there only because of that (checked against the stack's configuration).
Host names are resolved at save on invoices too (a name that resolves to
a private address is refused like the address).

At connect: every target is written straight into endpoints and
deliveries (what a DNS change after the save, or a rule that narrowed,
would leave behind), and cc-webhooks runs with the stack's configuration
minus its [webhooks] allowed_ips, i.e. the production rule. Every attempt
must be recorded as "refused: ...". A dual-stack listener on the port the
local targets name counts connections: none may arrive. Redirects are
checked with the stack's own configuration and a receiver the endpoint may
reach, which answers 302 to a trap: the redirect is not followed."""
import http.server
import ipaddress
import os
import socket
import subprocess
import threading
import unittest

import chain
from cc import ENV, invoice_body, new_merchant, psql, request

PUBLIC = "93.184.215.14"           # a public literal: no DNS needed
BENIGN = "https://%s/ok" % PUBLIC


class Trap:
    """Listens on every local address (IPv4 and IPv6 where there is one)
    on one port and counts the connections it accepts."""

    def __init__(self):
        self.count = 0
        try:
            s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            s.bind(("::", 0))
        except OSError:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("0.0.0.0", 0))
        s.listen(64)
        s.settimeout(0.2)
        self.sock = s
        self.port = s.getsockname()[1]
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            try:
                c, _ = self.sock.accept()
            except OSError:
                continue
            self.count += 1
            c.close()

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


class Redirector:
    """A receiver on 127.0.0.1 that answers every POST with a 302 to the
    URL its path names (/0, /1, ...)."""

    def __init__(self, targets):
        hits = self.hits = []

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                self.rfile.read(n)
                hits.append(self.path)
                self.send_response(302)
                self.send_header("Location", targets[int(self.path.strip("/"))])
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def hosts_names():
    """Names /etc/hosts maps to non-public addresses, localhost names
    aside (they have rows of their own)."""
    out = []
    try:
        with open("/etc/hosts") as f:
            for line in f:
                parts = line.split("#")[0].split()
                if len(parts) < 2:
                    continue
                try:
                    if ipaddress.ip_address(parts[0]).is_global:
                        continue
                except ValueError:
                    continue
                for name in parts[1:]:
                    n = name.lower().rstrip(".")
                    if n != "localhost" and not n.endswith(".localhost") and name not in out:
                        out.append(name)
    except OSError:
        pass
    return out[:4]


# Kinds of target, and what each surface must answer at save:
#   lit   a literal non-public address: refused everywhere
#   lit1  a spelling of 127.0.0.1 (or its IPv4-mapped form): refused for
#         endpoints; on invoices refused unless the operator permits
#         127.0.0.1 (the test stack does, for its receivers)
#   name  a name that resolves (/etc/hosts) to a private address:
#         endpoints resolve it and refuse it; invoices never resolve
#   form  scheme, credentials, malformed: refused everywhere
#   port  a port other than 80, 443 and the operator's: refused everywhere
#   redir a receiver the endpoint may reach that redirects inside: saved
#         (with allowed_ips 127.0.0.1), the redirect never followed
def redirect_targets(t):
    """Where the redirecting receiver sends deliveries."""
    return ["http://127.0.0.1:%d/" % t, "http://169.254.169.254/latest/meta-data/",
            "http://[::1]:%d/" % t, "http://localhost:%d/" % t,
            "gopher://127.0.0.1:%d/" % t]


def targets(t, redir_port, nredirects):
    lit1 = ["127.0.0.1", "127.1", "127.0.1", "0x7f.1", "0x7f000001", "2130706433",
            "017700000001", "0177.0.0.1", "0x7f.0.0.1", "127.0.0.1.", "0177.1",
            "[::ffff:127.0.0.1]", "[::ffff:7f00:1]"]
    lit = ["[::127.0.0.1]", "[::1]", "[0:0:0:0:0:0:0:1]", "127.0.0.2", "2130706434",
           "0x7f.2", "127.255.255.254", "0.0.0.0", "0", "0x0", "[::]",
           "[::ffff:0.0.0.0]", "10.0.0.1", "012.0.0.1", "172.16.0.1", "172.31.255.1",
           "192.168.1.1", "0xc0a80101", "3232235777", "100.64.0.1", "100.127.255.254",
           "169.254.169.254", "169.254.0.1", "0xa9fea9fe", "2852039166", "0251.0376.0251.0376",
           "[::ffff:169.254.169.254]", "[::ffff:a9fe:a9fe]", "[fd00:ec2::254]",
           "100.100.100.200", "168.63.129.16", "[fe80::1]", "[fd00::1]", "[fc00::1]",
           "[fec0::1]", "224.0.0.1", "239.255.255.250", "[ff02::1]", "255.255.255.255",
           "240.0.0.1", "[64:ff9b::7f00:1]", "[2002:7f00:1::]", "198.18.0.1", "192.0.0.1",
           "[::ffff:10.0.0.1]"]
    rows = [("http://%s:%d/hook" % (h, t), "lit1") for h in lit1]
    rows += [("http://%s:%d/hook" % (h, t), "lit") for h in lit]
    rows += [("https://127.0.0.1/hook", "lit1")]
    rows += [("https://%s/hook" % h, "lit") for h in ("169.254.169.254", "[::1]")]
    rows += [("http://%s:%d/hook" % (h, t), "lit")
             for h in ("localhost", "LOCALHOST.", "shop.localhost", "a.b.localhost")]
    rows += [("http://%s:%d/hook" % (h, t), "name") for h in hosts_names()]
    rows += [(u, "form") for u in (
        "file:///etc/passwd", "gopher://127.0.0.1:%d/_SSRF" % t, "ftp://%s/" % PUBLIC,
        "dict://127.0.0.1:11211/stat", "ldap://127.0.0.1/", "javascript:alert(1)",
        "data:text/plain,x", "http:///hook", "//127.0.0.1:%d/" % t,
        "http://%s@127.0.0.1:%d/" % (PUBLIC, t), "http://user:pass@%s/" % PUBLIC,
        "http://user@localhost:%d/" % t, "http://%s:0/" % PUBLIC, "http://%s:65536/" % PUBLIC, "http://256.0.0.1/",
        "http://[fe80::1%%25eth0]:%d/" % t)]
    rows += [(u % (t, PUBLIC), "lit1") for u in ("http://127.0.0.1:%d#@%s/",
                                                  "http://127.0.0.1:%d?@%s/")]
    rows += [("http://%s:%d/" % (PUBLIC, p), "port")
             for p in (22, 25, 3306, 5432, 6379, 8080, 9200, 11211, 2375, 81)]
    rows += [("https://hooks.example:8443/", "port")]
    rows += [("http://127.0.0.1:%d/%d" % (redir_port, i), "redir")
             for i in range(nredirects)]
    return rows


def body(webhook_url):
    b = invoice_body(webhook_url=webhook_url)
    if webhook_url is None:
        del b["webhook_url"]
    return b


def stack_permits_loopback():
    """Whether the stack's [webhooks] allowed_ips names 127.0.0.1."""
    section = None
    with open(ENV["CC_CONF"]) as f:
        for line in f:
            line = line.strip()
            if line.startswith("["):
                section = line
            elif section == "[webhooks]" and line.startswith("allowed_ips"):
                return "127.0.0.1" in line.split("=", 1)[1].replace(",", " ").split()
    return False


def production_config(path):
    """The stack's configuration without the operator's allowed_ips."""
    out, section = [], None
    with open(ENV["CC_CONF"]) as f:
        for line in f:
            s = line.strip()
            if s.startswith("["):
                section = s
            if section == "[webhooks]" and s.startswith("allowed_ips"):
                continue
            out.append(line)
    with open(path, "w") as f:
        f.writelines(out)


class SsrfMatrixTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        run = ENV.get("CC_STACK_DIR", "")
        if os.path.exists(os.path.join(run, "run", "cc-webhooks.pid")):
            raise unittest.SkipTest("a cc-webhooks loop runs in this stack "
                                    "(start it with CC_NO_CRON=1)")
        cls.trap = Trap()
        cls.redirects = redirect_targets(cls.trap.port)
        cls.redir = Redirector(cls.redirects)
        cls.rows = targets(cls.trap.port, cls.redir.port, len(cls.redirects))
        cls.prod = os.path.join(run or "/tmp", "cc-ssrf-production.conf")
        production_config(cls.prod)
        psql("UPDATE webhook_deliveries SET status = 'cancelled', "
             "last_error = 'test isolation' WHERE status = 'pending'")

    @classmethod
    def tearDownClass(cls):
        psql("UPDATE webhook_deliveries SET status = 'cancelled', "
             "last_error = 'test isolation' WHERE status = 'pending'")
        cls.trap.close()
        cls.redir.close()

    def worker(self, conf, seconds):
        cmd = [os.path.join(ENV["CC_BIN"], "cc-webhooks"), "--config", conf,
               "--for", str(seconds)]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])

    def test_matrix(self):
        loopback_ok = stack_permits_loopback()
        _, key = new_merchant("SSRF Shop")
        base = request("POST", "webhook-endpoints",
                       {"url": BENIGN, "events": ["invoice.created"]}, key=key)
        self.assertEqual(base.status, 201, base)
        base = base.json()
        save_refused, save_passed, failures = 0, {}, []
        for url, kind in self.rows:
            # The redirecting receiver is 127.0.0.1: like lit1 at save.
            want = {"post": True, "patch": True,
                    "invoice": not (kind in ("lit1", "redir") and loopback_ok)}
            got = {}
            r = request("POST", "webhook-endpoints",
                        {"url": url, "events": ["invoice.created"]}, key=key)
            got["post"] = self.refused(r, "url", failures, url)
            r = request("PATCH", "webhook-endpoints/" + base["id"], {"url": url}, key=key)
            got["patch"] = self.refused(r, "url", failures, url)
            r = request("POST", "invoices", invoice_body(webhook_url=url), key=key)
            got["invoice"] = self.refused(r, "webhook_url", failures, url)
            if got != want:
                failures.append("%s (%s): refused %s, want %s" % (url, kind, got, want))
            if all(got.values()):
                save_refused += 1
            else:
                why = "invoice's literal 127.0.0.1, the stack's receivers"
                save_passed[why] = save_passed.get(why, 0) + 1
        # PATCH changed nothing.
        r = request("GET", "webhook-endpoints/" + base["id"], key=key)
        self.assertEqual(r.json()["url"], BENIGN)

        # At connect, production rule: every target stored as an
        # endpoint's URL and as an invoice's webhook_url delivery.
        psql("UPDATE webhook_deliveries SET status = 'cancelled', "
             "last_error = 'test isolation' WHERE status = 'pending'")
        direct = [(u, k) for u, k in self.rows if k != "redir"]
        dests = {}          # delivery id -> target
        for i in range(0, len(direct), 15):
            _, k2 = new_merchant("SSRF Endpoints")
            eps = {}
            for url, _ in direct[i:i + 15]:
                r = request("POST", "webhook-endpoints",
                            {"url": BENIGN, "events": ["invoice.created"],
                             "max_retries": 0, "timeout": 2}, key=k2)
                self.assertEqual(r.status, 201, r)
                eid = r.json()["id"]
                psql("UPDATE webhook_endpoints SET url = $u$%s$u$, allowed_ips = '{}' "
                     "WHERE id = '%s'" % (url, eid))
                eps[eid] = url
            inv = request("POST", "invoices", body(None), key=k2).json()
            for did, eid in (l.split("|") for l in psql(
                    "SELECT id, endpoint_id FROM webhook_deliveries WHERE invoice_id = '%s' "
                    "AND endpoint_id IS NOT NULL" % inv["id"])):
                dests[did] = eps[eid]
        _, k3 = new_merchant("SSRF Invoices")
        for url, _ in direct:
            inv = request("POST", "invoices", body(BENIGN), key=k3).json()
            did = psql("UPDATE webhook_deliveries SET url = $u$%s$u$ WHERE invoice_id = '%s' "
                       "AND endpoint_id IS NULL RETURNING id" % (url, inv["id"]))[0]
            dests[did] = url
        self.assertEqual(len(dests), 2 * len(direct))
        self.worker(self.prod, 4)
        connect_refused = set()
        attempts = self.attempts(dests)
        for did, url in dests.items():
            errs = attempts.get(did, [])
            if not errs:
                failures.append("%s: never attempted" % url)
            for err, code in errs:
                if not err or not err.startswith("refused:") or code:
                    failures.append("%s: %s %s" % (url, code, err))
        for url, _ in direct:
            ok = [did for did, u in dests.items() if u == url and attempts.get(did) and
                  all(e and e.startswith("refused:") and not c for e, c in attempts[did])]
            if len(ok) == 2:
                connect_refused.add(url)

        # Redirects, under the stack's own rule (the receiver is
        # permitted): answered 302, never followed.
        psql("UPDATE webhook_deliveries SET status = 'cancelled', "
             "last_error = 'test isolation' WHERE status = 'pending'")
        _, k4 = new_merchant("SSRF Redirects")
        eps = {}
        for url, kind in self.rows:
            if kind != "redir":
                continue
            r = request("POST", "webhook-endpoints",
                        {"url": url, "events": ["invoice.created"], "max_retries": 0,
                         "allowed_ips": ["127.0.0.1"]}, key=k4)
            self.assertEqual(r.status, 201, r)
            eps[r.json()["id"]] = url
        inv = request("POST", "invoices", body(None), key=k4).json()
        rdests = {}
        for did, eid in (l.split("|") for l in psql(
                "SELECT id, endpoint_id FROM webhook_deliveries WHERE invoice_id = '%s'"
                % inv["id"])):
            rdests[did] = eps[eid]
        self.worker(ENV["CC_CONF"], 0)
        rattempts = self.attempts(rdests)
        for did, url in rdests.items():
            errs = rattempts.get(did, [])
            if len(errs) == 1 and errs[0][1] == 302 and "not followed" in errs[0][0]:
                connect_refused.add(url)
            else:
                failures.append("%s: %s" % (url, errs))
        self.assertEqual(len(self.redir.hits), len(self.redirects))

        reached = self.trap.count
        print("\nmatrix ssrf: %d targets, %d refused at save, %d refused at connect, "
              "%d reached" % (len(self.rows), save_refused, len(connect_refused), reached))
        print("  passed the save by design: %s" % ", ".join(
            "%d %s" % (n, k) for k, n in sorted(save_passed.items())))
        self.assertEqual(failures, [], "\n".join(failures))
        self.assertEqual(reached, 0)
        self.assertGreaterEqual(len(self.rows), 50)
        self.assertEqual(len(connect_refused), len(self.rows))

    def test_port_rule(self):
        """Ports: 80 and 443 (spelled or the scheme's default) and the
        stack's allowed_ports (9 among them) are accepted; any other is a
        422 URL_NOT_ALLOWED naming url (webhook_url on invoices) that says
        which ports are allowed, and changes nothing."""
        _, key = new_merchant("SSRF Ports")
        for url in ("https://%s/h" % PUBLIC, "https://%s:443/h" % PUBLIC,
                    "http://%s:80/h" % PUBLIC, "http://%s:443/h" % PUBLIC,
                    "http://127.0.0.1:9/h"):
            with self.subTest(url=url):
                r = request("POST", "webhook-endpoints",
                            {"url": url, "events": ["invoice.paid"],
                             "allowed_ips": ["127.0.0.1"] if "127." in url else []},
                            key=key)
                self.assertEqual(r.status, 201, r)
                r = request("POST", "invoices", body(url), key=key)
                self.assertEqual(r.status, 201, r)
        ep = [e for e in request("GET", "webhook-endpoints", key=key).json()["data"]
              if e["url"] == "https://%s/h" % PUBLIC][0]
        for url in ("https://%s:8443/h" % PUBLIC, "http://%s:8080/h" % PUBLIC,
                    "https://merchant.example:22/h", "http://%s:11/h" % PUBLIC):
            with self.subTest(url=url):
                port = url.split(":")[2].split("/")[0]
                for method, path, b, field in (
                        ("POST", "webhook-endpoints",
                         {"url": url, "events": ["invoice.paid"]}, "url"),
                        ("PATCH", "webhook-endpoints/" + ep["id"], {"url": url}, "url"),
                        ("POST", "invoices", body(url), "webhook_url")):
                    r = request(method, path, b, key=key)
                    self.assertEqual(r.status, 422, r)
                    e = r.json()["error"]
                    self.assertEqual((e["code"], e["field"]), ("URL_NOT_ALLOWED", field), r)
                    self.assertIn("port %s is not one webhooks may use: 80, 443" % port,
                                  e["message"])
        self.assertEqual(request("GET", "webhook-endpoints/" + ep["id"], key=key)
                         .json()["url"], ep["url"])

    def refused(self, r, field, failures, url):
        """True for a 422 naming field; a 201 is False; else a failure."""
        if r.status == 201:
            return False
        if r.status != 422 or r.json()["error"].get("field") != field:
            failures.append("%s: %s" % (url, r))
        return r.status == 422

    def attempts(self, dests):
        """delivery id -> [(error, response code)] of its attempts."""
        out = {}
        ids = ",".join("'%s'" % d for d in dests)
        for line in psql("SELECT delivery_id, coalesce(response_code, 0), "
                         "coalesce(error, '') FROM webhook_attempts "
                         "WHERE delivery_id IN (%s) ORDER BY attempt" % ids):
            did, code, err = line.split("|", 2)
            out.setdefault(did, []).append((err, int(code)))
        return out


if __name__ == "__main__":
    unittest.main()
