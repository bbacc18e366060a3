INSERT INTO campaign_texts (campaign_id, fingerprint)
VALUES ($1, $2)
ON CONFLICT DO NOTHING
RETURNING true
