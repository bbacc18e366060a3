-- Pre-flight: as count_uploaded.sql, in the same one scan, by connection and `timezone`
-- attribute, with those who last wrote before $4 (or never).
-- How many of the people of uploaded list $3 have a dialog with tenant $1 (on
-- connection $2, or on each when NULL) and have not opted out.
SELECT c.connection_id, c.timezone, count(*) AS matching,
       count(*) FILTER (WHERE c.last_inbound_at IS NULL OR c.last_inbound_at < $4) AS window_closed
FROM list_members listed
JOIN contacts c ON c.tenant_id = $1 AND c.external_id = listed.external_id
WHERE listed.list_id = $3
  AND ($2::text IS NULL OR c.connection_id = $2)
  AND c.opted_out_at IS NULL
GROUP BY c.connection_id, c.timezone
