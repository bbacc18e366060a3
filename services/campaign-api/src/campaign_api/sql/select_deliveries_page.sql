SELECT recipient_no, step_no, contact_id, external_id, recipient_name, status, attempts,
       platform_message_id, error_code, error_reason, composition, sent_at, finished_at,
       fallback_reason, waiting_until, sent_text AS text
FROM deliveries
WHERE campaign_id = $1
  AND ($2::text IS NULL OR status = $2)
  AND (recipient_no, step_no) > ($3::int, $4::smallint)
ORDER BY recipient_no, step_no
LIMIT $5
