-- Record outcomes: of deliveries sent in this wave, and of those that ended
-- without a call (skipped, cancelled), which may have no row yet.
INSERT INTO deliveries AS d (campaign_id, recipient_no, step_no, tenant_id, connection_id,
                             status, attempts, platform_message_id, error_code, error_reason,
                             composition, sent_at, finished_at, fallback_reason)
SELECT t.campaign_id, t.recipient_no, t.step_no, $12, $13, t.status, t.attempts,
       t.platform_message_id, t.error_code, t.error_reason, t.composition, t.sent_at,
       t.finished_at, t.fallback_reason
FROM unnest($1::uuid[], $2::int[], $3::smallint[], $4::text[], $5::int[], $6::text[],
            $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[],
            $14::text[])
    AS t (campaign_id, recipient_no, step_no, status, attempts, platform_message_id,
          error_code, error_reason, composition, sent_at, finished_at, fallback_reason)
ON CONFLICT (campaign_id, recipient_no, step_no) DO UPDATE
SET status = EXCLUDED.status,
    attempts = greatest(d.attempts, EXCLUDED.attempts),
    platform_message_id = EXCLUDED.platform_message_id,
    error_code = EXCLUDED.error_code,
    error_reason = EXCLUDED.error_reason,
    sent_at = EXCLUDED.sent_at,
    finished_at = EXCLUDED.finished_at
WHERE d.status IN ('claimed', 'sending')
