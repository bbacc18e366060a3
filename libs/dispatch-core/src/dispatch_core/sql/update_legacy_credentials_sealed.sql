-- Connection $2 of tenant $1 keeps its clear credentials sealed ($3), and no longer in clear.
UPDATE connections
SET sealed_credentials = $3, legacy_credentials = NULL
WHERE tenant_id = $1 AND connection_id = $2 AND legacy_credentials IS NOT NULL
