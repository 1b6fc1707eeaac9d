"""The installed package's cron jobs do the work: a payment on the local
chain is picked up and delivered by the cron tools started with the exact
command lines of /etc/cron.d/crypto-checkout, as the user each line names
(this machine runs no cron daemon). Run by ./dev.sh test-package with the
installed stack's environment (CC_ENV_FILE)."""
import os
import shlex
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

import chain  # noqa: E402
from cc import invoice_body, new_merchant, request  # noqa: E402
from test_webhooks import Receiver, wait_for  # noqa: E402

CRON_FILE = os.environ.get("CC_CRON_FILE", "/etc/cron.d/crypto-checkout")


def cron_jobs(path):
    """(environment, user, command) of each job line of a cron.d file, as
    cron reads it: NAME=value lines set the environment of later jobs."""
    env = {"SHELL": "/bin/sh", "PATH": "/usr/bin:/bin", "HOME": "/"}
    jobs = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = line.split(None, 6)
            if "=" in fields[0] and not fields[0][0].isdigit() and fields[0][0] not in "*@":
                k, _, v = line.partition("=")
                env[k.strip()] = v.strip()
                continue
            if len(fields) < 7:
                raise AssertionError("not a cron.d job line: %r" % line)
            jobs.append((dict(env), fields[5], fields[6]))
    return jobs


class CronTest(unittest.TestCase):
    def test_cron_lines_pick_up_a_payment_and_deliver_its_webhook(self):
        jobs = cron_jobs(CRON_FILE)
        tools = sorted(os.path.basename(next(w for w in shlex.split(cmd) if "/cc-" in w))
                       for _, _, cmd in jobs)
        self.assertEqual(tools, ["cc-expire", "cc-rates", "cc-scan", "cc-webhooks"])
        merchant, key = new_merchant("Cron Shop")
        rec = Receiver()
        r = request("POST", "webhook-endpoints",
                    {"url": rec.url, "events": ["invoice.paid"],
                     "allowed_ips": ["127.0.0.1"]}, key=key)
        self.assertEqual(r.status, 201, r)
        r = request("POST", "invoices", invoice_body(), key=key)
        self.assertEqual(r.status, 201, r)
        inv = r.json()
        procs = []
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        try:
            for env, user, cmd in jobs:
                procs.append(subprocess.Popen(
                    [runuser, "-u", user, "--", env["SHELL"], "-c", cmd],
                    env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
            time.sleep(3)
            units = int(inv["crypto_amount_units"])
            chain.pay_token(inv["address"], units)
            chain.mine(5)

            def paid():
                r = request("GET", "invoices/%s" % inv["id"], key=key)
                return r.json()["status"] == "paid"
            self.assertTrue(wait_for(paid, timeout=40), "the cron jobs never saw the payment")
            self.assertTrue(wait_for(lambda: rec.requests, timeout=20),
                            "the cron jobs never delivered invoice.paid")
            self.assertEqual(rec.bodies()[0]["event"], "invoice.paid")
            self.assertEqual(rec.bodies()[0]["data"]["invoice_id"], inv["id"])
        finally:
            outs = []
            for p in procs:
                p.terminate()
                outs.append(p.communicate(timeout=60))
            rec.close()
        # --quiet: a run that went well prints nothing (cron would mail it).
        for (env, user, cmd), (out, err) in zip(jobs, outs):
            self.assertEqual(out, "", cmd)
            self.assertNotIn("error", err.lower(), "%s: %s" % (cmd, err))


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (result.testsRun - failed, failed))
    sys.exit(1 if failed else 0)
