UPDATE campaigns
SET status = CASE WHEN status = 'scheduled' THEN 'running' ELSE status END,
    started_at = coalesce(started_at, $2),
    audience_size = coalesce(audience_size, $3)
WHERE id = $1
