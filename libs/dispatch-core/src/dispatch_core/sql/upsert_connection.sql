INSERT INTO connections (tenant_id, connection_id, channel, credentials, limits, first_used_at,
                         deleted, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (tenant_id, connection_id) DO UPDATE
SET channel = EXCLUDED.channel,
    credentials = EXCLUDED.credentials,
    limits = EXCLUDED.limits,
    first_used_at = EXCLUDED.first_used_at,
    deleted = EXCLUDED.deleted,
    updated_at = EXCLUDED.updated_at
WHERE connections.updated_at <= EXCLUDED.updated_at
