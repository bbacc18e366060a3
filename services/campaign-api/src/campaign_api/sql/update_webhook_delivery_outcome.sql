UPDATE webhook_deliveries
SET status = $2::text,
    attempts = attempts + 1,
    next_attempt_at = coalesce($3::timestamptz, next_attempt_at),
    last_attempt_at = $4::timestamptz,
    last_status_code = $5::integer,
    last_error = $6::text,
    finished_at = CASE WHEN $2::text = 'pending' THEN NULL ELSE $4::timestamptz END
WHERE id = $1
