UPDATE campaigns
SET next_slot_at = greatest(next_slot_at, clock_timestamp() + make_interval(secs => interval_seconds))
WHERE id = $1 AND interval_seconds > 0
