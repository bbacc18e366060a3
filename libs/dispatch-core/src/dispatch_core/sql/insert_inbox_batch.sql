-- A batch of $5 jobs for connection $2 of tenant $1 arrived; a message seen before
-- (the same digest) is not stored again.
INSERT INTO inbox (tenant_id, connection_id, digest, request, jobs)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (digest) DO NOTHING
