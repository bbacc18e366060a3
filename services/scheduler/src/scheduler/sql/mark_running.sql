UPDATE campaigns
SET status = 'running', started_at = clock_timestamp(), next_slot_at = start_at
WHERE id = $1 AND status = 'snapshotting'
RETURNING started_at
