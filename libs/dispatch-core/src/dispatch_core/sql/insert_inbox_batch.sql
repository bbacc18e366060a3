-- A batch of jobs for connection $2 of tenant $1 arrived; a message seen before
-- (the same digest) is not stored again.
INSERT INTO inbox (tenant_id, connection_id, digest, request)
VALUES ($1, $2, $3, $4)
ON CONFLICT (digest) DO NOTHING
