SELECT id, event_type, campaign_id, status, attempts, next_attempt_at, last_attempt_at,
       last_status_code, last_error, created_at, finished_at
FROM webhook_deliveries
WHERE webhook_id = $1
  AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
ORDER BY created_at DESC, id DESC
LIMIT $4
