-- Per-merchant rate limits (cc-admin ratelimit set/list/clear): for the
-- merchant API's classes, counted per API key, in place of the numbers
-- of cc.conf's [ratelimit] section. The windows themselves live in Redis.
CREATE TABLE ratelimit_overrides (
	merchant_id	text NOT NULL REFERENCES merchants(id),
	class		text NOT NULL,		-- ratelimit_key_class_names in C
	max_requests	integer NOT NULL CHECK (max_requests BETWEEN 1 AND 1000000),
	window_seconds	integer NOT NULL CHECK (window_seconds BETWEEN 1 AND 86400),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (merchant_id, class)
);
