UPDATE api_keys
SET revoked_at = coalesce(revoked_at, now())
WHERE tenant_id = $1 AND id = $2
RETURNING id, tenant_id, role, key_prefix, label, connection_id, external_id,
          created_at, last_used_at, revoked_at
