-- The running campaigns of connection $2 of tenant $1 that are not paused.
SELECT id
FROM campaigns
WHERE tenant_id = $1 AND connection_id = $2 AND status = 'running' AND paused_at IS NULL
