-- A campaign paused (campaign.paused.v1: by a person, for its failures, or for its
-- restricted account) until it is resumed (campaign.resumed.v1): when, and why
-- (the event's reason, requested_by, failure_rate, platform_code and detail).
-- The two events come on separate queues: of two, the later pause_changed_at holds.
ALTER TABLE campaigns ADD COLUMN paused_at timestamptz;
ALTER TABLE campaigns ADD COLUMN pause jsonb;
ALTER TABLE campaigns ADD COLUMN pause_changed_at timestamptz;
