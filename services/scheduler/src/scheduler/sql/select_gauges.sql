-- The scheduler's gauges in one statement, read every ~15 s off the release path
-- (no lock is taken): the unfinished campaigns by state (the campaigns_active
-- index), their deliveries not released yet and those due of running, unpaused
-- campaigns (one index-only probe of recipients_waiting per campaign), and the ids
-- of the stalled ones: running, not paused, with a delivery it may release (due,
-- its slot come, no rate holding it) and nothing released or applied for $1
-- seconds since it could have been.
WITH active AS (
    SELECT c.id, c.status, c.paused_at IS NOT NULL AS paused,
           greatest(coalesce(c.progress_at, c.started_at), c.held_until,
                    CASE WHEN c.interval_seconds > 0 THEN c.next_slot_at END) AS free_since,
           w.waiting, w.due, w.first_due
    FROM campaigns c
    CROSS JOIN LATERAL (
        SELECT count(*) AS waiting,
               count(*) FILTER (WHERE r.due_at <= clock_timestamp()) AS due,
               min(r.due_at) AS first_due
        FROM recipients r
        WHERE r.campaign_id = c.id AND r.state = 'waiting'
    ) w
    WHERE c.status IN ('scheduled', 'snapshotting', 'running')
)
SELECT count(*) FILTER (WHERE status = 'scheduled') AS scheduled,
       count(*) FILTER (WHERE status = 'snapshotting') AS snapshotting,
       count(*) FILTER (WHERE status = 'running' AND NOT paused) AS running,
       count(*) FILTER (WHERE status = 'running' AND paused) AS paused,
       coalesce(sum(waiting), 0)::bigint AS waiting,
       coalesce(sum(due) FILTER (WHERE status = 'running' AND NOT paused), 0)::bigint AS due,
       coalesce(array_agg(id ORDER BY id) FILTER (
           WHERE status = 'running' AND NOT paused AND due > 0
             AND greatest(free_since, first_due) < clock_timestamp() - make_interval(secs => $1)
       ), '{}') AS stalled
FROM active
