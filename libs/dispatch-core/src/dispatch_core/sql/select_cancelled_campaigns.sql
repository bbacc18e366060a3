SELECT campaign_id
FROM cancelled_campaigns
WHERE cancelled_at > now() - interval '30 days'
