SELECT id, event_type, campaign_id, status, attempts, next_attempt_at, last_attempt_at,
       last_status_code, last_error, created_at, finished_at
FROM webhook_deliveries
WHERE id = $1
