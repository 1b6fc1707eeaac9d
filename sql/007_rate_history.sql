-- Exchange rates from the feeds (cc-rates). `rates` stays the current
-- accepted rate of each pair, with its source ('coinbase', 'kraken',
-- 'coingecko', or 'manual' from cc-admin) and updated_at, the time it was
-- fetched (or set): invoice creation takes a feed's rate only while it is
-- younger than [rates] max_age. rate_history keeps every quote cc-rates
-- fetched, refused ones with their reason, for [rates] keep_history days.

-- Every rate stored so far was typed into cc-admin (its --source only
-- labelled it): they are manual rates, which do not expire.
UPDATE rates SET source = 'manual';

CREATE TABLE rate_history (
	seq		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	crypto		text NOT NULL,
	currency	text NOT NULL,
	source		text NOT NULL,
	rate		numeric CHECK (rate > 0),	-- NULL: none usable
	fetched_at	timestamptz NOT NULL,
	accepted	boolean NOT NULL,
	-- Why a quote was refused; an accepted one needs none.
	reason		text CHECK (accepted OR reason IS NOT NULL),
	CHECK (NOT accepted OR rate IS NOT NULL)
);
-- A pair's recent quotes (cc-admin rate history), and the daily prune.
CREATE INDEX rate_history_pair ON rate_history (crypto, currency, seq);
CREATE INDEX rate_history_fetched ON rate_history (fetched_at);
