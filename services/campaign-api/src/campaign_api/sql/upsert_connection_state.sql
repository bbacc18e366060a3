-- A connection's state as its dispatcher announced it; an older announcement
-- (changed_at earlier than the one kept) changes nothing.
INSERT INTO connection_states (tenant_id, connection_id, paused, paused_until, code, reason,
                               changed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (tenant_id, connection_id) DO UPDATE
SET paused = EXCLUDED.paused,
    paused_until = EXCLUDED.paused_until,
    code = EXCLUDED.code,
    reason = EXCLUDED.reason,
    changed_at = EXCLUDED.changed_at
WHERE connection_states.changed_at <= EXCLUDED.changed_at
