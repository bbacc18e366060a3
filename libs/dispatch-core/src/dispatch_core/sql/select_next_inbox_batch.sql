-- The oldest batch of a connection not yet taken by its sender ($3: those it has).
SELECT seq, request
FROM inbox
WHERE tenant_id = $1 AND connection_id = $2 AND seq <> ALL($3::bigint[])
ORDER BY seq
LIMIT 1
