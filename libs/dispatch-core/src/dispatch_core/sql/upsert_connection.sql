-- A connection as connection.updated.v1 tells it; $4 is its credentials sealed.
INSERT INTO connections (tenant_id, connection_id, channel, sealed_credentials, limits,
                         first_used_at, deleted, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (tenant_id, connection_id) DO UPDATE
SET channel = EXCLUDED.channel,
    sealed_credentials = EXCLUDED.sealed_credentials,
    legacy_credentials = NULL,
    limits = EXCLUDED.limits,
    first_used_at = EXCLUDED.first_used_at,
    deleted = EXCLUDED.deleted,
    updated_at = EXCLUDED.updated_at,
    changed_at = clock_timestamp()
WHERE connections.updated_at <= EXCLUDED.updated_at
