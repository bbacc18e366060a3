SELECT tenant_id, id, channel, sealed_credentials, limits, first_used_at, created_at, updated_at
FROM connections
WHERE tenant_id = $1 AND id = $2
