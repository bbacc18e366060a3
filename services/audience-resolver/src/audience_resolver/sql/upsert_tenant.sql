-- Tenant $1 exists as of $2 (a later event than the stored one wins; a redelivery changes nothing).
INSERT INTO tenants (id, updated_at) VALUES ($1, $2)
ON CONFLICT (id) DO UPDATE SET updated_at = EXCLUDED.updated_at
WHERE tenants.updated_at < EXCLUDED.updated_at
