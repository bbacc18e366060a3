-- A connection created or changed; $4 is its credentials sealed.  first_used_at
-- ($6) starts the warm-up clock: absent ($6 NULL) it keeps the stored value (now
-- for a new connection), so rotating a token never restarts the warm-up.
INSERT INTO connections (tenant_id, id, channel, sealed_credentials, limits, first_used_at)
VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now()))
ON CONFLICT (tenant_id, id) DO UPDATE
SET sealed_credentials = EXCLUDED.sealed_credentials,
    legacy_credentials = NULL,
    limits = EXCLUDED.limits,
    first_used_at = coalesce($6::timestamptz, connections.first_used_at, now()),
    updated_at = now()
WHERE connections.channel = EXCLUDED.channel
RETURNING tenant_id, id, channel, sealed_credentials, limits, first_used_at, created_at,
          updated_at, (xmax = 0) AS created
