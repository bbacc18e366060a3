INSERT INTO deliveries AS d (campaign_id, recipient_no, step_no, status, status_rank, attempts,
                             platform_message_id, error_code, error_reason, composition, sent_at,
                             finished_at, fallback_reason, waiting_until, sent_text)
SELECT *
FROM unnest($1::uuid[], $2::int[], $3::smallint[], $4::text[], $5::smallint[], $6::int[],
            $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[],
            $12::timestamptz[], $13::text[], $14::timestamptz[], $15::text[])
ON CONFLICT (campaign_id, recipient_no, step_no) DO UPDATE
SET status = EXCLUDED.status,
    status_rank = EXCLUDED.status_rank,
    attempts = EXCLUDED.attempts,
    platform_message_id = EXCLUDED.platform_message_id,
    error_code = EXCLUDED.error_code,
    error_reason = EXCLUDED.error_reason,
    composition = EXCLUDED.composition,
    sent_at = EXCLUDED.sent_at,
    finished_at = EXCLUDED.finished_at,
    fallback_reason = EXCLUDED.fallback_reason,
    waiting_until = EXCLUDED.waiting_until,
    sent_text = EXCLUDED.sent_text
WHERE d.status_rank < EXCLUDED.status_rank
   OR (EXCLUDED.status = 'waiting' AND d.status IN ('pending', 'waiting'))
