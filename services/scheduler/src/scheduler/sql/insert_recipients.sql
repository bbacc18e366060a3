INSERT INTO recipients (campaign_id, recipient_no, recipient, due_at)
SELECT $1, (r.recipient ->> 'recipient_no')::int, r.recipient, $3
FROM jsonb_array_elements($2::text::jsonb) AS r (recipient)
ON CONFLICT (campaign_id, recipient_no) DO NOTHING
