-- Campaign $1 goes on; its attempts counted for pausing itself start afresh.  NULL
-- if it was not paused (or has ended meanwhile).
UPDATE campaigns
SET paused_at = NULL, paused_reason = NULL, recent_attempts = ''
WHERE id = $1 AND paused_at IS NOT NULL
RETURNING clock_timestamp() AS resumed_at
