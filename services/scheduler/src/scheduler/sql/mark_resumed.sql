-- Campaign $1 goes on as of $2 (a pause older than that which comes later is
-- ignored); its attempts counted for pausing itself start afresh.  `resumed`:
-- it was paused.
UPDATE campaigns c
SET paused_at = NULL, paused_reason = NULL, pause_changed_at = $2, progress_at = clock_timestamp(),
    recent_attempts = CASE WHEN old.was IS NULL THEN c.recent_attempts ELSE '' END
FROM (SELECT id, paused_at AS was FROM campaigns WHERE id = $1) old
WHERE c.id = old.id AND (c.pause_changed_at IS NULL OR c.pause_changed_at < $2)
RETURNING old.was IS NOT NULL AS resumed
