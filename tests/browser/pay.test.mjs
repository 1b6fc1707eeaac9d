// The payment page in a real browser (Debian's chromium, driven by
// playwright-core): it renders the invoice, follows the event stream, and
// when the invoice is paid on the local chain it turns to paid and
// redirects to return_url without a reload. Phone and desktop
// screenshots are saved in tests/browser/artifacts/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { env, rpc, payToken, createInvoice, launch } from "./stack.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, "artifacts");
mkdirSync(artifacts, { recursive: true });

test("the page turns to paid and redirects without a reload", async () => {
  const inv = await createInvoice();
  const scanner = spawn(join(env.CC_BIN, "cc-scan"),
    ["--config", env.CC_CONF, "--network", env.CC_USDT_NETWORK, "--for", "90", "--poll-ms", "200"],
    { stdio: "ignore" });
  const browser = await launch();
  try {
    const external = [];
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    phone.on("request", (req) => {
      if (!req.url().startsWith(env.CC_PAY_URL)) external.push(req.url());
    });
    const errors = [];
    phone.on("pageerror", (e) => errors.push(String(e)));
    phone.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    await phone.goto(inv.customer_url);
    const text = await phone.textContent("body");
    assert.match(text, /VPN Service Order/);
    assert.match(text, /16\.49/);
    assert.match(text, new RegExp(inv.address));
    assert.match(text, /Demo Shop/);
    // The QR image loads at 256 px.
    await phone.waitForFunction(() => [...document.images].some((i) => i.complete && i.naturalWidth === 256));
    await phone.screenshot({ path: join(artifacts, "pay-phone.png"), fullPage: true });

    const desktop = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await desktop.goto(inv.customer_url);
    await desktop.screenshot({ path: join(artifacts, "pay-desktop.png"), fullPage: true });
    await desktop.close();

    // Mark the document: a reload would lose the mark.
    await phone.evaluate(() => { window.__noReload = true; });
    await payToken(inv.address, inv.crypto_amount_units);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 700));
      await rpc("anvil_mine", ["0x1"]);
    }
    // Paid: the page says so in place, then goes to return_url.
    await phone.waitForFunction(() => /paid/i.test(document.body.innerText) && window.__noReload === true,
      null, { timeout: 30000 });
    await phone.screenshot({ path: join(artifacts, "pay-phone-paid.png"), fullPage: true });
    await phone.waitForURL(/\/thanks\?order=789$/, { timeout: 15000 });
    assert.deepEqual(external, [], "no third-party requests");
    assert.deepEqual(errors.filter((e) => !/404/.test(e)), [], "no script errors (CSP included)");
  } finally {
    await browser.close();
    scanner.kill("SIGTERM");
  }
});

test("an expired invoice shows its own view, no address", async () => {
  const inv = await createInvoice({ expires_in: 60, price_lock_duration: 60 });
  const c = await fetch(`${env.CC_API_URL}/invoices/${inv.id}/cancel`, {
    method: "POST", headers: { authorization: `Bearer ${env.CC_TEST_KEY}` },
  });
  assert.equal(c.status, 200);
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const r = await page.goto(inv.customer_url);
    assert.equal(r.status(), 200);
    const text = await page.textContent("body");
    assert.match(text, /cancel/i);
    assert.doesNotMatch(text, new RegExp(inv.address));
    await page.screenshot({ path: join(artifacts, "pay-cancelled.png"), fullPage: true });
    const missing = await page.goto(`${env.CC_PAY_URL}/invoice/inv_${"a".repeat(26)}`);
    assert.equal(missing.status(), 404);
    assert.match(missing.headers()["content-type"], /text\/html/);
  } finally {
    await browser.close();
  }
});
