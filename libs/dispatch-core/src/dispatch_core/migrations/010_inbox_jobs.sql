-- How many jobs each stored batch holds, so the jobs waiting in the inboxes a
-- process sends for (dispatch_inbox_jobs) are summed without parsing a batch.
ALTER TABLE inbox ADD COLUMN jobs integer NOT NULL DEFAULT 0;
UPDATE inbox SET jobs = coalesce(json_array_length(request::json -> 'jobs'), 0);
