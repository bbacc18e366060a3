INSERT INTO connections (tenant_id, id, channel, credentials, limits, first_used_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (tenant_id, id) DO UPDATE
SET credentials = EXCLUDED.credentials,
    limits = EXCLUDED.limits,
    first_used_at = EXCLUDED.first_used_at,
    updated_at = now()
WHERE connections.channel = EXCLUDED.channel
RETURNING tenant_id, id, channel, credentials, limits, first_used_at, created_at, updated_at,
          (xmax = 0) AS created
