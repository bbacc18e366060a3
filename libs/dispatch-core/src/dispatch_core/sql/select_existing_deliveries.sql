SELECT d.campaign_id, d.recipient_no, d.step_no, d.status, d.attempts, d.platform_message_id,
       d.error_code, d.error_reason, d.composition, d.sent_at, d.finished_at,
       d.fallback_reason
FROM unnest($1::uuid[], $2::int[], $3::smallint[]) AS t (campaign_id, recipient_no, step_no)
JOIN deliveries d USING (campaign_id, recipient_no, step_no)
