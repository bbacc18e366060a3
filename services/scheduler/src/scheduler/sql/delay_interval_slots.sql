UPDATE campaigns
SET next_slot_at = greatest(coalesce(next_slot_at, start_at),
                            clock_timestamp() + make_interval(secs => interval_seconds))
WHERE status = 'running' AND interval_seconds > 0
RETURNING id
