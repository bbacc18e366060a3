-- Campaign $1's latest attempts for pausing itself: $2 appended, the oldest
-- dropped past its window.
UPDATE campaigns
SET recent_attempts = right(recent_attempts || $2, auto_pause_window)
WHERE id = $1
RETURNING recent_attempts
