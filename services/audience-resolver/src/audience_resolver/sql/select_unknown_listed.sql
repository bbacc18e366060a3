-- The listed people ($3) without a dialog with tenant $1 (on connection $2, or on
-- any when NULL): how many, and the first $4 in the order listed.
SELECT count(*) AS unknown_count,
       coalesce((array_agg(listed.external_id ORDER BY listed.position))[1:$4], '{}') AS first
FROM unnest($3::text[]) WITH ORDINALITY AS listed (external_id, position)
WHERE NOT EXISTS (
    SELECT 1
    FROM contacts c
    WHERE c.tenant_id = $1
      AND c.external_id = listed.external_id
      AND ($2::text IS NULL OR c.connection_id = $2)
)
