-- Retry-After on the 503s lighttpd makes itself on our routes (a program
-- down, or its socket refusing connections), as the programs' own 503s
-- carry it: API clients and the payment page's script wait before trying
-- again. lighttpd 1.4.69 sets a header by status only through mod_magnet's
-- response-start hook (lighttpd-retry-after.conf). It runs for every
-- response of our routes and only compares a number.
local r = lighty.r
if r.req_item.http_status == 503 and r.resp_header["Retry-After"] == nil then
	r.resp_header["Retry-After"] = "10"
end
return 0
