SELECT campaign_id
FROM paused_campaigns
WHERE paused
