-- wrk script for bench/ratelimit.sh: GETs one public invoice as many
-- customers, each request from another address (X-Forwarded-For from
-- 10.0.0.0/8; the bench stack trusts 127.0.0.1 as a proxy), so that a
-- limiter that is on counts every request in a window of its own, as
-- with many real customers, and never refuses one. Prints one
-- "CCBENCH ..." line like bench/create_invoice.lua.

local threads = {}

function setup(thread)
	thread:set("id", #threads + 1)
	table.insert(threads, thread)
end

function init(args)
	ok = 0
	bad = 0
	first_bad = ""
	math.randomseed(os.time() * 100 + id)
end

function request()
	local a = string.format("10.%d.%d.%d", math.random(0, 255),
	    math.random(0, 255), math.random(1, 254))
	return wrk.format("GET", nil, { ["X-Forwarded-For"] = a })
end

function response(status, headers, body)
	if status == 200 then
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
	    "CCBENCH requests=%d ok=%d bad=%d sockerr=%d " ..
	    "duration_us=%d p50_us=%d p99_us=%d\n",
	    summary.requests, nok, nbad,
	    e.connect + e.read + e.write + e.timeout,
	    summary.duration, latency:percentile(50),
	    latency:percentile(99)))
	if sample ~= "" then
		io.write("CCBENCH first_bad=" .. sample .. "\n")
	end
end
