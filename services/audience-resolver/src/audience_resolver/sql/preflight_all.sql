-- Pre-flight of an audience with no condition: as preflight_matching.sql with
-- every condition NULL, from the kept counts (migration 008) instead of a scan:
-- tenant $1's contacts that have not opted out (on connection $2, or on each when
-- NULL) by connection and `timezone` attribute, with those who last wrote before
-- $3 (or never): the group's count less those who wrote since, a range of
-- contacts_last_inbound read from the index alone.
SELECT k.connection_id, k.timezone, k.contacts AS matching,
       k.contacts - coalesce(w.recent, 0) AS window_closed
FROM contact_counts k
LEFT JOIN (
    SELECT c.connection_id, c.timezone, count(*) AS recent
    FROM contacts c
    WHERE c.tenant_id = $1
      AND c.opted_out_at IS NULL
      AND c.last_inbound_at >= $3
      AND ($2::text IS NULL OR c.connection_id = $2)
    GROUP BY c.connection_id, c.timezone
) AS w ON w.connection_id = k.connection_id AND w.timezone IS NOT DISTINCT FROM k.timezone
WHERE k.tenant_id = $1
  AND ($2::text IS NULL OR k.connection_id = $2)
  AND k.contacts > 0
