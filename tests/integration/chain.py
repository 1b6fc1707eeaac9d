"""The local chain (anvil) for the payment tests: JSON-RPC, token mints and
transfers, ether, mining, reorganisations; and running the cron tools the
way cron would."""
import json
import os
import signal
import subprocess
import time
import urllib.request

from cc import ENV

RPC_URL = ENV["CC_EVM_RPC_URL"]
USDT = ENV["CC_USDT_CONTRACT"]
MINT = "40c10f19"          # mint(address,uint256)
TRANSFER = "a9059cbb"      # transfer(address,uint256)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class RpcError(Exception):
    pass


def rpc(method, *params):
    req = urllib.request.Request(
        RPC_URL, data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": method,
                                  "params": list(params)}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        body = json.load(r)
    if "error" in body:
        raise RpcError("%s: %s" % (method, body["error"]))
    return body["result"]


def accounts():
    return rpc("eth_accounts")


def head():
    return int(rpc("eth_blockNumber"), 16)


def mine(n=1):
    rpc("anvil_mine", hex(n))


def word(v):
    return "%064x" % v


def addr_word(a):
    return "0" * 24 + a[2:].lower()


def send(sender, to, data="0x", value=0):
    """Sends a transaction (automine: mined at once); returns the receipt."""
    tx = {"from": sender, "to": to, "data": data, "value": hex(value), "gas": hex(200000)}
    h = rpc("eth_sendTransaction", tx)
    for _ in range(100):
        rec = rpc("eth_getTransactionReceipt", h)
        if rec:
            return rec
        time.sleep(0.05)
    raise RpcError("no receipt for " + h)


def mint(to, units, token=USDT):
    return send(accounts()[0], token, "0x" + MINT + addr_word(to) + word(units))


def pay_token(to, units, token=USDT, sender=None):
    """Mints units to a payer, then transfers them to `to`: one payment."""
    sender = sender or accounts()[1]
    mint(sender, units, token)
    return send(sender, token, "0x" + TRANSFER + addr_word(to) + word(units))


def pay_eth(to, wei, sender=None):
    return send(sender or accounts()[2], to, value=wei)


def deploy_token():
    """A second instance of the test token: another contract, same ABI."""
    out = subprocess.run(["node", os.path.join(ROOT, "chain", "deploy.mjs"), RPC_URL],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def reorg(depth, txs=()):
    """Replaces the last `depth` blocks; txs are (raw tx, block offset)."""
    rpc("anvil_reorg", depth, [[t, off] for t, off in txs])


def raw_tx(h):
    return rpc("eth_getRawTransactionByHash", h)


def tool(name, *args, timeout=120, check=True):
    """Runs a cron tool once, to completion."""
    cmd = [os.path.join(ENV["CC_BIN"], name), "--config", ENV["CC_CONF"]] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError("%s %s failed (%d): %s" % (name, args, p.returncode, p.stderr))
    return p


def scan(*args, **kw):
    return tool("cc-scan", "--network", ENV["CC_USDT_NETWORK"], *args, **kw)


def start_tool(name, *args):
    cmd = [os.path.join(ENV["CC_BIN"], name), "--config", ENV["CC_CONF"]] + list(args)
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def kill(p, sig=signal.SIGKILL):
    p.send_signal(sig)
    return p.communicate(timeout=30)
