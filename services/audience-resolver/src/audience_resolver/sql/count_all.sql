-- How many contacts of tenant $1 (on connection $2, or on each when NULL) have
-- not opted out: count_matching.sql with every condition NULL, from the kept
-- counts (migration 008).
SELECT k.connection_id, sum(k.contacts)::bigint AS matching
FROM contact_counts k
WHERE k.tenant_id = $1
  AND ($2::text IS NULL OR k.connection_id = $2)
  AND k.contacts > 0
GROUP BY k.connection_id
