SELECT campaign_id, recipient_no, step_no, text, composition, attempts, fallback_reason
FROM compositions
WHERE campaign_id = $1 AND recipient_no = $2 AND step_no = $3
