-- Campaign $1 releases nothing from now on, for reason $2, as of $3 (NULL: now);
-- NULL if it was not running (or about to), was paused already, or a later
-- resume was recorded.
UPDATE campaigns
SET paused_at = coalesce($3, clock_timestamp()), paused_reason = $2,
    pause_changed_at = coalesce($3, clock_timestamp())
WHERE id = $1 AND status IN ('scheduled', 'snapshotting', 'running') AND paused_at IS NULL
  AND (pause_changed_at IS NULL OR pause_changed_at < coalesce($3, clock_timestamp()))
RETURNING paused_at
