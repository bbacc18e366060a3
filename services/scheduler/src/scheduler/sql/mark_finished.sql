UPDATE campaigns
SET status = $2, finished_at = coalesce(finished_at, clock_timestamp()),
    final_event_at = clock_timestamp(), cancelled = $3
WHERE id = $1
RETURNING finished_at
