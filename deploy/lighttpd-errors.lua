-- The errors lighttpd makes itself on our routes (a program down or
-- silent, a body over the limit: deploy/lighttpd-cc.conf's
-- server.errorfile-prefix files), finished as the programs finish
-- theirs: a request id (X-Request-Id, and in the JSON body request_id,
-- trace_id and timestamp, or the page's "Reference for support"), one
-- line naming it in lighttpd's error log, and Retry-After on a 503.
-- lighttpd 1.4.69 sets such things by status only through mod_magnet's
-- response-start hook (lighttpd-errors.conf). It runs for every response
-- of our routes; a success or a program's own error (which carries its
-- X-Request-Id) returns after two comparisons.
local r = lighty.r
local status = r.req_item.http_status
if status < 400 or r.resp_header["X-Request-Id"] ~= nil then
	return 0
end
if status == 503 and r.resp_header["Retry-After"] == nil then
	r.resp_header["Retry-After"] = "10"
end
-- The programs' shape: req_ and 26 characters of base32 (lib/ids.c).
local abc = "abcdefghijklmnopqrstuvwxyz234567"
local t = {}
for i = 1, 26 do
	local k = lighty.c.rand() % 32 + 1
	t[i] = abc:sub(k, k)
end
local rnd = table.concat(t)
local id = "req_" .. rnd
r.resp_header["X-Request-Id"] = id
print(string.format("%s: lighttpd answered %d to %s %s", id, status,
    r.req_attr["request.method"] or "?", r.req_attr["uri.path"] or "?"))
local body = r.resp_body.get
if body ~= nil then
	local ctype = r.resp_header["Content-Type"] or ""
	if ctype:find("application/json", 1, true) == 1 then
		-- The file is one object: its last "}" closes it.
		body = body:gsub("}%s*$", ', "request_id": "' .. id ..
		    '", "trace_id": "trace_' .. rnd .. '", "timestamp": "' ..
		    os.date("!%Y-%m-%dT%H:%M:%SZ") .. '"}\n', 1)
	else
		body = body:gsub("<!%-%- reference %-%->",
		    '<p class="muted small">Reference for support: ' ..
		    '<span class="mono">' .. id .. '</span></p>', 1)
	end
	r.resp_body.set({ body })
	-- Returning the status marks the new body complete: with 0, lighttpd
	-- 1.4.69 sends it chunked and never ends it.
	return status
end
return 0
