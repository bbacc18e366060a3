DELETE FROM early_cancels
WHERE campaign_id = $1
RETURNING requested_at
