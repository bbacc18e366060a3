-- Campaign $1 paused at $2 for $3, unless a later pause or resume was recorded.
UPDATE campaigns
SET paused_at = $2, pause = $3, pause_changed_at = $2
WHERE id = $1 AND (pause_changed_at IS NULL OR pause_changed_at < $2)
