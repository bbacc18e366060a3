-- The oldest batch of a connection not yet taken by its sender ($3: those it has),
-- with its message unless the sender still holds it parsed ($4: their digests).
SELECT seq, digest, CASE WHEN digest = ANY($4::text[]) THEN NULL ELSE request END AS request
FROM inbox
WHERE tenant_id = $1 AND connection_id = $2 AND seq <> ALL($3::bigint[])
ORDER BY seq
LIMIT 1
