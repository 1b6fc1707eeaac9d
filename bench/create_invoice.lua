-- wrk script for bench/invoice_create.sh: POSTs the spec's example invoice
-- (bench/invoice.json, or $CC_BENCH_BODY) to /api/v1/invoices with the test
-- key, counts every response that is not 201 and prints one machine-readable
-- "CCBENCH ..." line with the totals and the latency percentiles.

local body_file = os.getenv("CC_BENCH_BODY") or "bench/invoice.json"
local key = os.getenv("CC_TEST_KEY") or error("CC_TEST_KEY is not set")

local f = assert(io.open(body_file, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/json"
wrk.headers["User-Agent"] = "cc-bench"

local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	ok = 0
	bad = 0
	first_bad = ""
end

function response(status, headers, body)
	if status == 201 then
		ok = ok + 1
	else
		bad = bad + 1
		if first_bad == "" then
			first_bad = status .. " " .. string.sub(body or "", 1, 200)
		end
	end
end

function done(summary, latency, requests)
	local nok, nbad, sample = 0, 0, ""
	for _, t in ipairs(threads) do
		nok = nok + t:get("ok")
		nbad = nbad + t:get("bad")
		if sample == "" then sample = t:get("first_bad") end
	end
	local e = summary.errors
	io.write(string.format(
	    "CCBENCH requests=%d ok201=%d non201=%d sockerr=%d " ..
	    "duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.0f\n",
	    summary.requests, nok, nbad,
	    e.connect + e.read + e.write + e.timeout,
	    summary.duration, latency:percentile(50), latency:percentile(90),
	    latency:percentile(99), latency.max, latency.mean))
	if sample ~= "" then
		io.write("CCBENCH first_non201=" .. sample .. "\n")
	end
end
