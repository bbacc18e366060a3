-- When a campaign last moved: deliveries released, outcomes applied, or a resume
-- (NULL: not since it started).  A running campaign with deliveries it may release
-- that has not moved for STALL_AFTER_SECONDS is stalled (scheduler.gauges).
ALTER TABLE campaigns ADD COLUMN progress_at timestamptz;
