UPDATE recipients
SET state = 'done'
WHERE campaign_id = $1 AND waiting
RETURNING recipient_no, step_no
