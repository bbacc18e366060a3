-- Campaign $1 resumed at $2, unless a later pause or resume was recorded.
UPDATE campaigns
SET paused_at = NULL, pause = NULL, pause_changed_at = $2
WHERE id = $1 AND (pause_changed_at IS NULL OR pause_changed_at < $2)
