SELECT
    -- include: campaign_run
FROM campaigns
WHERE id = $1
FOR NO KEY UPDATE
