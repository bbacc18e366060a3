-- The pauses of tenant $1's connections that still hold at $2.
SELECT connection_id, paused_until, code, reason, changed_at
FROM connection_states
WHERE tenant_id = $1 AND paused AND (paused_until IS NULL OR paused_until > $2)
