-- The tally key of a delivery, as a set-returning SQL function of one SELECT, so
-- PostgreSQL inlines it into the tally triggers' statements (a function that
-- returns one record with OUT parameters is called once per row instead: three
-- calls per delivery, one when its pending row is inserted and two when its
-- outcome updates it).  Same key as migration 012's: the triggers call it by name.
DROP FUNCTION delivery_tally_key(text, text, text, text, text);
CREATE FUNCTION delivery_tally_key(
    status text, error_code text, error_reason text, composition text, fallback_reason text
) RETURNS TABLE (status text, error_code text, error_reason text, composition text,
                 fallback_reason text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT $1,
           CASE WHEN $1 IN ('failed', 'skipped', 'unknown') THEN left(coalesce($2, ''), 100)
                ELSE '' END,
           CASE WHEN $1 IN ('failed', 'skipped', 'unknown') THEN left(coalesce($3, ''), 300)
                ELSE '' END,
           coalesce($4, ''),
           coalesce($5, '')
$$;
