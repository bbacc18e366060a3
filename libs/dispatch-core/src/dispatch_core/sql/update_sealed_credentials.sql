-- Connection $2 of tenant $1's credentials sealed again ($4, with the newest key),
-- unless they were changed since they were read ($3).
UPDATE connections
SET sealed_credentials = $4
WHERE tenant_id = $1 AND connection_id = $2 AND sealed_credentials = $3
