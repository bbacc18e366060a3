-- Campaign $1 releases nothing from now on, for reason $2; NULL if it was not
-- running (or about to) or was paused already.
UPDATE campaigns
SET paused_at = clock_timestamp(), paused_reason = $2
WHERE id = $1 AND status IN ('scheduled', 'snapshotting', 'running') AND paused_at IS NULL
RETURNING paused_at
