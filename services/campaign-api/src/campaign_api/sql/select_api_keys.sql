SELECT id, tenant_id, role, key_prefix, label, connection_id, external_id,
       created_at, last_used_at, revoked_at
FROM api_keys
WHERE tenant_id = $1
ORDER BY created_at, id
