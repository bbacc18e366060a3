-- Pre-flight: as count_listed.sql, in the same one scan, by connection and `timezone`
-- attribute, with those who last wrote before $5 (or never).
-- How many of the listed people ($3, each on connection $4[i] or, when NULL, on
-- any) have a dialog with tenant $1 (on connection $2, or on each when NULL) and
-- have not opted out.
SELECT c.connection_id, c.timezone, count(*) AS matching,
       count(*) FILTER (WHERE c.last_inbound_at IS NULL OR c.last_inbound_at < $5) AS window_closed
FROM unnest($3::text[], $4::text[]) AS listed (external_id, connection_id)
JOIN contacts c
    ON c.tenant_id = $1
   AND c.external_id = listed.external_id
   AND c.connection_id = COALESCE(listed.connection_id, c.connection_id)
WHERE ($2::text IS NULL OR c.connection_id = $2)
  AND c.opted_out_at IS NULL
GROUP BY c.connection_id, c.timezone
