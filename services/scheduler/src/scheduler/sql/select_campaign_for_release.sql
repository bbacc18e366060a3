SELECT
    -- include: campaign_run
FROM campaigns
WHERE id = $1 AND status = 'running' AND paused_at IS NULL
FOR KEY SHARE SKIP LOCKED
