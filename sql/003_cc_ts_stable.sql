-- cc_ts() calls to_char(), which is STABLE: declared IMMUTABLE it could
-- not be inlined, and every call in a listing ran as a separate SQL
-- function (bench/EXPLAIN.md: listing execution 0.25 -> 0.08 ms).
CREATE OR REPLACE FUNCTION cc_ts(t timestamptz) RETURNS text LANGUAGE sql
    STABLE PARALLEL SAFE AS $$
	SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;
