INSERT INTO api_keys (id, tenant_id, role, key_hash, key_prefix, label, connection_id, external_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id, tenant_id, role, key_prefix, label, connection_id, external_id,
          created_at, last_used_at, revoked_at
