-- Pre-flight: as count_matching.sql, in the same one scan, by connection and `timezone`
-- attribute, with those who last wrote before $11 (or never).
-- How many contacts of tenant $9 (on connection $10, or on each when NULL) meet
-- every condition ($1-$8; NULL is no condition: fragments/matching_conditions.sql)
-- and have not opted out.
SELECT c.connection_id, c.timezone, count(*) AS matching,
       count(*) FILTER (WHERE c.last_inbound_at IS NULL OR c.last_inbound_at < $11) AS window_closed
FROM contacts c
WHERE c.tenant_id = $9
  AND ($10::text IS NULL OR c.connection_id = $10)
  AND c.opted_out_at IS NULL
  -- include: matching_conditions
GROUP BY c.connection_id, c.timezone
