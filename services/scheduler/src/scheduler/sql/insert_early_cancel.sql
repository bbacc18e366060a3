INSERT INTO early_cancels (campaign_id, tenant_id, requested_at)
VALUES ($1, $2, $3)
ON CONFLICT (campaign_id) DO NOTHING
