// The event stream from the clients people use: the `eventsource` npm
// package (what Node programs use) sees evt_ ids and replays with
// Last-Event-ID as a reconnecting client does; and the payment page in
// chromium, when cc-events is full (503), falls back to polling and still
// turns to paid.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import http from "node:http";
import { join } from "node:path";
import { EventSource } from "eventsource";
import { env, rpc, payToken, createInvoice, launch, confValue } from "./stack.mjs";

const eventsUrl = (inv) => `${env.CC_PUBLIC_URL}/invoice/${inv.id}/events`;

function scanner(seconds) {
  return spawn(join(env.CC_BIN, "cc-scan"),
    ["--config", env.CC_CONF, "--network", env.CC_USDT_NETWORK, "--for", String(seconds),
     "--poll-ms", "200"], { stdio: "ignore" });
}

// The next n messages of an EventSource (or a timeout).
function collect(es, n, ms = 30000) {
  return new Promise((resolve, reject) => {
    const got = [];
    const t = setTimeout(() => reject(new Error(`only ${got.length} of ${n} events`)), ms);
    es.onmessage = (m) => {
      got.push({ id: m.lastEventId, data: JSON.parse(m.data) });
      if (got.length === n) { clearTimeout(t); resolve(got.slice()); }
    };
  });
}

test("the eventsource package: evt_ ids, then a replay from Last-Event-ID", async () => {
  const inv = await createInvoice();
  const scan = scanner(60);
  const live = new EventSource(eventsUrl(inv));
  try {
    await new Promise((r) => { live.onopen = r; });
    const first = collect(live, 3);
    await payToken(inv.address, inv.crypto_amount_units);
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, 700));
      await rpc("anvil_mine", ["0x1"]);
    }
    const got = await first;
    assert.deepEqual(got.map((g) => g.data.event),
      ["payment.detected", "payment.confirming", "payment.confirmed"]);
    for (const g of got) assert.match(g.id, /^evt_[a-z2-7]{26}$/);
    live.close();
    // A client reconnecting sends the last id it saw: the library's own
    // header, through its fetch.
    const again = new EventSource(eventsUrl(inv), {
      fetch: (url, init) => fetch(url, {
        ...init, headers: { ...init.headers, "Last-Event-ID": got[0].id } }),
    });
    try {
      const replayed = await collect(again, 2, 15000);
      assert.deepEqual(replayed.map((g) => g.id), [got[1].id, got[2].id]);
    } finally {
      again.close();
    }
  } finally {
    live.close();
    scan.kill("SIGTERM");
  }
});

// Opens a raw stream; resolves with its status once the head arrived.
function openStream(inv) {
  return new Promise((resolve, reject) => {
    const req = http.get(eventsUrl(inv), (res) => resolve({ req, res, status: res.statusCode }));
    req.on("error", reject);
  });
}

test("the page polls when cc-events is full, and still turns to paid", async (t) => {
  const total = Number(confValue("[events]", "max_streams"));
  const per = Number(confValue("[events]", "max_per_invoice"));
  if (!(total <= 200)) {
    t.skip(`[events] max_streams ${total}: the test stack sets 40`);
    return;
  }
  const fillers = [];
  const browser = await launch();
  try {
    for (let i = 0; i * per < total; i++) {
      const inv = await createInvoice();
      for (let k = 0; k < per && fillers.length < total; k++) {
        const s = await openStream(inv);
        fillers.push(s);
        assert.equal(s.status, 200);
      }
    }
    const inv = await createInvoice();
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const refused = [];
    page.on("response", (r) => { if (r.url().endsWith("/events")) refused.push(r.status()); });
    await page.goto(inv.customer_url);
    await page.waitForFunction(() => true);
    const scan = scanner(90);
    try {
      await payToken(inv.address, inv.crypto_amount_units);
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 700));
        await rpc("anvil_mine", ["0x1"]);
      }
      // Polling every 10 s: paid within a few polls.
      await page.waitForFunction(() => /paid/i.test(document.body.innerText), null,
        { timeout: 45000 });
    } finally {
      scan.kill("SIGTERM");
    }
    assert.ok(refused.length > 0 && refused.every((s) => s === 503), `events: ${refused}`);
  } finally {
    for (const f of fillers) f.req.destroy();
    await browser.close();
    await streamsFreed();
  }
});

// Behind Apache, mod_proxy_fcgi learns that a client left only when it
// next writes (a heartbeat): cc-events holds the fillers' slots until
// then. The next test's page must not find cc-events still full.
async function streamsFreed() {
  const inv = await createInvoice();
  for (let i = 0; i < 60; i++) {
    const s = await openStream(inv);
    s.req.destroy();
    if (s.status === 200) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail("cc-events still full 30 s after its clients left");
}
