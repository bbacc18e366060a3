UPDATE deliveries d
SET status = t.status,
    attempts = greatest(d.attempts, t.attempts),
    platform_message_id = t.platform_message_id,
    error_code = t.error_code,
    error_reason = t.error_reason,
    sent_at = t.sent_at,
    finished_at = t.finished_at
FROM unnest($1::uuid[], $2::int[], $3::smallint[], $4::text[], $5::int[], $6::text[], $7::text[],
            $8::text[], $9::timestamptz[], $10::timestamptz[])
    AS t (campaign_id, recipient_no, step_no, status, attempts, platform_message_id, error_code,
          error_reason, sent_at, finished_at)
WHERE d.campaign_id = t.campaign_id AND d.recipient_no = t.recipient_no
  AND d.step_no = t.step_no AND d.status IN ('claimed', 'sending')
