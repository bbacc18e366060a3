INSERT INTO cancelled_campaigns (campaign_id, cancelled_at)
VALUES ($1, $2)
ON CONFLICT DO NOTHING
