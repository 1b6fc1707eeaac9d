// Compiles TestUSDT.sol with the pinned solc and deploys it to a local
// node from the node's first (unlocked) account. Prints the address.
//   node deploy.mjs RPC_URL
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const solc = require("solc");
const here = dirname(fileURLToPath(import.meta.url));
const rpcUrl = process.argv[2] || "http://127.0.0.1:8545";

async function rpc(method, params = []) {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

const input = {
  language: "Solidity",
  sources: { "TestUSDT.sol": { content: readFileSync(join(here, "TestUSDT.sol"), "utf8") } },
  settings: { optimizer: { enabled: true, runs: 200 },
              outputSelection: { "*": { "*": ["evm.bytecode.object"] } } },
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (out.errors || []).filter((e) => e.severity === "error");
if (errors.length) {
  console.error(errors.map((e) => e.formattedMessage).join("\n"));
  process.exit(1);
}
const bytecode = "0x" + out.contracts["TestUSDT.sol"].TestUSDT.evm.bytecode.object;
const [from] = await rpc("eth_accounts");
const hash = await rpc("eth_sendTransaction", [{ from, data: bytecode, gas: "0x200000" }]);
let receipt = null;
for (let i = 0; i < 100 && !receipt; i++) {
  receipt = await rpc("eth_getTransactionReceipt", [hash]);
  if (!receipt) {
    await rpc("evm_mine").catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
  }
}
if (!receipt || receipt.status !== "0x1") {
  console.error("deployment failed", receipt);
  process.exit(1);
}
console.log(receipt.contractAddress);
