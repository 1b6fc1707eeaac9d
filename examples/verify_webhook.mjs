#!/usr/bin/env node
// Checks a Crypto Checkout webhook in Node.js: verify_webhook.mjs SECRET
// TIMESTAMP SIGNATURE BODY_FILE, as verify_webhook.sh. In an application,
// call verify() with the two headers and the raw request body (a Buffer,
// before any JSON parsing: with Express, express.raw({ type: "*/*" })).
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

export function verify(secret, timestamp, signature, body, tolerance = 300) {
  if (!/^[0-9]+$/.test(timestamp) ||
      Math.abs(Date.now() / 1000 - Number(timestamp)) > tolerance) {
    return false;
  }
  const mac = createHmac("sha256", secret)
    .update(`${timestamp}.`).update(body).digest("hex");
  const want = Buffer.from(`sha256=${mac}`);
  const got = Buffer.from(String(signature));
  return want.length === got.length && timingSafeEqual(want, got);
}

if (process.argv[1] &&
    import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [secret, timestamp, signature, path] = process.argv.slice(2);
  const ok = verify(secret, timestamp, signature, readFileSync(path));
  (ok ? console.log : console.error)(ok ? "ok" : "refused");
  process.exit(ok ? 0 : 1);
}
