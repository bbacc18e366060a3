-- Claim a wave right before its calls: a new delivery is written as 'sending';
-- one claimed earlier but never sent becomes 'sending'; any other is not ours.
INSERT INTO deliveries AS d (campaign_id, recipient_no, step_no, tenant_id, connection_id,
                             composition, status, attempts, fallback_reason)
SELECT t.campaign_id, t.recipient_no, t.step_no, $5, $6, t.composition, 'sending', 1,
       t.fallback_reason
FROM unnest($1::uuid[], $2::int[], $3::smallint[], $4::text[], $7::text[])
         AS t (campaign_id, recipient_no, step_no, composition, fallback_reason)
ON CONFLICT (campaign_id, recipient_no, step_no) DO UPDATE
SET status = 'sending', attempts = d.attempts + 1
WHERE d.status = 'claimed'
RETURNING d.campaign_id, d.recipient_no, d.step_no, d.attempts
