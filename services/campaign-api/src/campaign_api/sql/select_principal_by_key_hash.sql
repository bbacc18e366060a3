SELECT id, tenant_id, role, connection_id, external_id, last_used_at
FROM api_keys
WHERE key_hash = $1 AND revoked_at IS NULL
