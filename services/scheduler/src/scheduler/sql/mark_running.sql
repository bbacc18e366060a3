-- Start campaign $1 if it waits to start; returns it as select_campaign_for_update
-- does (the UPDATE holds its row as that lock would), and when it started.
UPDATE campaigns
SET status = 'running', started_at = clock_timestamp(), next_slot_at = start_at
WHERE id = $1 AND status = 'snapshotting'
RETURNING started_at,
          -- include: campaign_run
