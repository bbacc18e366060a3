INSERT INTO recipients (campaign_id, recipient_no, recipient, due_at)
SELECT $1, r.recipient_no, r.recipient, $4
FROM unnest($2::int[], $3::jsonb[]) AS r (recipient_no, recipient)
ON CONFLICT (campaign_id, recipient_no) DO NOTHING
