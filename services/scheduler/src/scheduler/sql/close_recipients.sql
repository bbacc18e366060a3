UPDATE recipients
SET state = 'done'
WHERE campaign_id = $1 AND recipient_no = ANY($2::int[]) AND state = 'released'
