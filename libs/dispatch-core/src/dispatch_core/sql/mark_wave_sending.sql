UPDATE deliveries d
SET status = 'sending', attempts = d.attempts + 1
FROM unnest($1::uuid[], $2::int[], $3::smallint[]) AS t (campaign_id, recipient_no, step_no)
WHERE d.campaign_id = t.campaign_id AND d.recipient_no = t.recipient_no
  AND d.step_no = t.step_no AND d.status = 'claimed'
RETURNING d.campaign_id, d.recipient_no, d.step_no, d.attempts
