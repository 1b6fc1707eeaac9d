// What the browser tests share: the test stack's settings (CC_ENV_FILE),
// the local chain (anvil JSON-RPC, the test token), invoices through the
// merchant API, and chromium.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

export const env = Object.fromEntries(
  readFileSync(process.env.CC_ENV_FILE, "utf8")
    .split("\n")
    .filter((l) => l.includes("="))
    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
);

export async function rpc(method, params = []) {
  const r = await fetch(env.CC_EVM_RPC_URL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = await r.json();
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

const word = (n) => BigInt(n).toString(16).padStart(64, "0");
const addrWord = (a) => a.slice(2).toLowerCase().padStart(64, "0");

async function send(from, to, data) {
  const hash = await rpc("eth_sendTransaction", [{ from, to, data, gas: "0x30d40" }]);
  for (let i = 0; i < 100; i++) {
    const rec = await rpc("eth_getTransactionReceipt", [hash]);
    if (rec) return rec;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("no receipt");
}

export async function payToken(to, units) {
  const [minter, payer] = await rpc("eth_accounts");
  await send(minter, env.CC_USDT_CONTRACT, "0x40c10f19" + addrWord(payer) + word(units));
  await send(payer, env.CC_USDT_CONTRACT, "0xa9059cbb" + addrWord(to) + word(units));
}

export async function createInvoice(extra = {}) {
  const r = await fetch(`${env.CC_API_URL}/invoices`, {
    method: "POST",
    headers: { authorization: `Bearer ${env.CC_TEST_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({
      title: "VPN Service Order",
      currency: "USD",
      crypto_currency: "USDT",
      items: [{ name: "VPN Premium Plan", quantity: 1, unit_price: 9.99 },
              { name: "Additional Static IP", quantity: 2, unit_price: 2.5 }],
      tax: 1.5,
      return_url: `${env.CC_PAY_URL}/thanks?order=789`,
      cancel_url: `${env.CC_PAY_URL}/cancelled`,
      ...extra,
    }),
  });
  assert.equal(r.status, 201);
  return r.json();
}

export function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

// A value of the stack's cc.conf: section "[events]", key "max_streams".
export function confValue(section, key) {
  let cur = null;
  for (const raw of readFileSync(env.CC_CONF, "utf8").split("\n")) {
    const line = raw.trim();
    if (line.startsWith("[")) cur = line;
    else if (cur === section && line.replace(/ /g, "").startsWith(key + "="))
      return line.slice(line.indexOf("=") + 1).trim();
  }
  return null;
}
