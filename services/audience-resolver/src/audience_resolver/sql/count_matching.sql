-- How many contacts of tenant $9 (on connection $10, or on each when NULL) meet
-- every condition ($1-$8; NULL is no condition: fragments/matching_conditions.sql)
-- and have not opted out.
SELECT c.connection_id, count(*) AS matching
FROM contacts c
WHERE c.tenant_id = $9
  AND ($10::text IS NULL OR c.connection_id = $10)
  AND c.opted_out_at IS NULL
  -- include: matching_conditions
GROUP BY c.connection_id
