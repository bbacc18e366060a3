-- A campaign paused (by a person, for its failures, or for its restricted
-- account) releases nothing until it is resumed: paused_at is set meanwhile,
-- with the reason.  Its threshold for pausing itself (auto_pause_ratio of the
-- latest auto_pause_window attempts; NULL: never) and those attempts, oldest
-- first ('s' sent, 'f' failed; at most auto_pause_window of them, emptied on a
-- resume).
ALTER TABLE campaigns ADD COLUMN paused_at timestamptz;
ALTER TABLE campaigns ADD COLUMN paused_reason text;
ALTER TABLE campaigns ADD COLUMN auto_pause_ratio double precision;
ALTER TABLE campaigns ADD COLUMN auto_pause_window integer;
ALTER TABLE campaigns ADD COLUMN recent_attempts text NOT NULL DEFAULT '';
-- Pauses and resumes come on separate queues: of two, the later pause_changed_at
-- (the person's request time, or the moment the campaign paused itself) holds.
ALTER TABLE campaigns ADD COLUMN pause_changed_at timestamptz;
