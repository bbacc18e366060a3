INSERT INTO api_keys (id, tenant_id, role, key_hash, key_prefix, label)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id, tenant_id, role, key_prefix, label, created_at
