-- The rate of a payment's moment (issue 15, "Rate locks that mean what
-- they say"). A payment after its invoice's rate lock is valued at the
-- rate in force at its block's second, read from rate_history
-- (lib/valuation.c), not at whatever the rates table holds when cc-scan
-- gets to it. So the history says which rate the rates table held when:
--
-- stored: the quote became the pair's rate (cc-rates stores one of the
-- quotes that agree, its preferred source's). Rows from before this
-- migration cannot tell: their accepted quotes count as stored.
ALTER TABLE rate_history ADD COLUMN stored boolean NOT NULL DEFAULT false;
UPDATE rate_history SET stored = accepted;
ALTER TABLE rate_history ADD CONSTRAINT rate_history_stored
    CHECK (NOT stored OR accepted);

-- And when manual rates were in force: every manual rate set (cc-admin
-- rate set) is a history row, source 'manual', accepted and stored,
-- fetched_at its updated_at; and the end of one (cc-admin rate delete,
-- or the row handed to a feed) is a row of source 'manual' without a
-- rate, refused with the reason. A trigger
-- writes them, in the statement's own transaction: no path that changes
-- a manual rate, cc-admin or an operator's SQL, can forget to.
CREATE FUNCTION cc_manual_rate_history() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'DELETE' AND NEW.source = 'manual' THEN
		INSERT INTO rate_history (crypto, currency, source, rate,
		    fetched_at, accepted, reason, stored)
		VALUES (NEW.crypto, NEW.currency, 'manual', NEW.rate,
		    NEW.updated_at, true, NULL, true);
	ELSIF TG_OP <> 'INSERT' AND OLD.source = 'manual' THEN
		INSERT INTO rate_history (crypto, currency, source, rate,
		    fetched_at, accepted, reason)
		VALUES (OLD.crypto, OLD.currency, 'manual', NULL, now(),
		    false, 'the manual rate ended (deleted or handed to '
		    || 'the feeds)');
	END IF;
	RETURN NULL;
END $$;

-- An update of updated_at alone changes no rate: no row.
CREATE TRIGGER rates_manual_history
    AFTER INSERT OR UPDATE OF rate, source OR DELETE ON rates
    FOR EACH ROW EXECUTE FUNCTION cc_manual_rate_history();

-- Manual rates set before this migration: in force since they were set.
INSERT INTO rate_history (crypto, currency, source, rate, fetched_at,
    accepted, reason, stored)
SELECT crypto, currency, 'manual', rate, updated_at, true, NULL, true
FROM rates WHERE source = 'manual';

-- The valuation's look-ups: a pair's rows around a second, and its
-- manual rows (few among the feeds' thousands).
CREATE INDEX rate_history_pair_time ON rate_history
    (crypto, currency, fetched_at);
CREATE INDEX rate_history_manual ON rate_history
    (crypto, currency, fetched_at) WHERE source = 'manual';
