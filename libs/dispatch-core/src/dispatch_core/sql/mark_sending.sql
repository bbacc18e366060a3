UPDATE deliveries
SET status = 'sending', attempts = attempts + 1
WHERE campaign_id = $1 AND recipient_no = $2 AND step_no = $3
  AND status IN ('claimed', 'sending')
RETURNING attempts
