INSERT INTO connection_pauses (tenant_id, connection_id, paused_until, reason)
VALUES ($1, $2, $3, $4)
ON CONFLICT (tenant_id, connection_id) DO UPDATE
SET paused_until = EXCLUDED.paused_until, reason = EXCLUDED.reason
