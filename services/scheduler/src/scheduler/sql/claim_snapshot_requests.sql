UPDATE campaigns
SET status = 'snapshotting', snapshot_requested_at = clock_timestamp()
WHERE id IN (
    SELECT id FROM campaigns
    WHERE status = 'scheduled' AND start_at <= clock_timestamp() + make_interval(secs => $1)
    ORDER BY start_at
    LIMIT 100
    FOR UPDATE SKIP LOCKED
)
RETURNING id, tenant_id, connection_id, audience
