UPDATE campaigns
SET status = $2,
    finished_at = coalesce(finished_at, $3),
    started_at = coalesce(started_at, $3),
    audience_size = coalesce(audience_size, $4)
WHERE id = $1 AND status NOT IN ('completed', 'cancelled')
