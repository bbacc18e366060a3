INSERT INTO compositions (campaign_id, recipient_no, step_no, text, composition, attempts,
                          fallback_reason)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT DO NOTHING
RETURNING true
