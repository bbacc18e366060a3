-- What each campaign's deliveries came to, kept as they change: the counters of
-- the list and of a campaign's page, its failures by reason and how its texts were
-- written read a few rows here instead of counting its deliveries (a campaign of
-- 1,000,000 took 0.4 s a page; see docs/decisions/delivery-tallies.md).
-- One row per campaign and distinct (status, error, composition); the error only
-- for failed, skipped and unknown deliveries (what the page lists), cut to 300
-- characters; '' stands for NULL.  n may reach 0 and the row stays.
CREATE TABLE delivery_tallies (
    campaign_id     uuid   NOT NULL,
    status          text   NOT NULL,
    error_code      text   NOT NULL,
    error_reason    text   NOT NULL,
    composition     text   NOT NULL,
    fallback_reason text   NOT NULL,
    n               bigint NOT NULL,
    PRIMARY KEY (campaign_id, status, error_code, error_reason, composition, fallback_reason)
);

-- The tally key of a delivery.
CREATE FUNCTION delivery_tally_key(
    text, text, text, text, text,
    OUT status text, OUT error_code text, OUT error_reason text, OUT composition text,
    OUT fallback_reason text
) LANGUAGE sql IMMUTABLE AS $$
    SELECT $1,
           CASE WHEN $1 IN ('failed', 'skipped', 'unknown') THEN left(coalesce($2, ''), 100)
                ELSE '' END,
           CASE WHEN $1 IN ('failed', 'skipped', 'unknown') THEN left(coalesce($3, ''), 300)
                ELSE '' END,
           coalesce($4, ''),
           coalesce($5, '')
$$;

-- Both triggers add their statement's changes in key order, so concurrent
-- statements lock the tally rows they share in the same order.
CREATE FUNCTION tally_inserted_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO delivery_tallies AS t
    SELECT d.campaign_id, k.*, count(*)
    FROM inserted AS d
    CROSS JOIN LATERAL delivery_tally_key(d.status, d.error_code, d.error_reason,
                                          d.composition, d.fallback_reason) AS k
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (campaign_id, status, error_code, error_reason, composition, fallback_reason)
    DO UPDATE SET n = t.n + EXCLUDED.n;
    RETURN NULL;
END
$$;

CREATE FUNCTION tally_updated_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO delivery_tallies AS t
    SELECT c.campaign_id, k.*, sum(c.n)
    FROM (SELECT campaign_id, status, error_code, error_reason, composition, fallback_reason,
                 1 AS n
          FROM after_update
          UNION ALL
          SELECT campaign_id, status, error_code, error_reason, composition, fallback_reason,
                 -1
          FROM before_update) AS c
    CROSS JOIN LATERAL delivery_tally_key(c.status, c.error_code, c.error_reason,
                                          c.composition, c.fallback_reason) AS k
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(c.n) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (campaign_id, status, error_code, error_reason, composition, fallback_reason)
    DO UPDATE SET n = t.n + EXCLUDED.n;
    RETURN NULL;
END
$$;

-- Whoever writes deliveries (the service, psql, a benchmark's seed), the
-- functions find this schema's tables.
ALTER FUNCTION tally_inserted_deliveries() SET search_path FROM CURRENT;
ALTER FUNCTION tally_updated_deliveries() SET search_path FROM CURRENT;

-- The triggers first: they lock deliveries against writes until this migration
-- commits, so the tallies counted below miss no change.
CREATE TRIGGER deliveries_tally_inserted AFTER INSERT ON deliveries
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION tally_inserted_deliveries();
CREATE TRIGGER deliveries_tally_updated AFTER UPDATE ON deliveries
    REFERENCING OLD TABLE AS before_update NEW TABLE AS after_update
    FOR EACH STATEMENT EXECUTE FUNCTION tally_updated_deliveries();

INSERT INTO delivery_tallies
SELECT d.campaign_id, k.*, count(*)
FROM deliveries AS d
CROSS JOIN LATERAL delivery_tally_key(d.status, d.error_code, d.error_reason, d.composition,
                                      d.fallback_reason) AS k
GROUP BY 1, 2, 3, 4, 5, 6;
