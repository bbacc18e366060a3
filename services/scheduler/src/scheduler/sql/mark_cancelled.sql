UPDATE campaigns
SET status = 'cancelled', cancel_requested_at = coalesce(cancel_requested_at, $2),
    finished_at = coalesce(finished_at, clock_timestamp())
WHERE id = $1 AND status IN ('scheduled', 'snapshotting', 'running')
RETURNING status
