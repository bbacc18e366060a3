-- The scheduler's gauges in one statement, read every ~15 s off the release path
-- (no lock is taken, no row of recipients is read but a few index probes):
-- the unfinished campaigns by state (the campaigns_active index); their deliveries
-- not released yet, from the campaigns' own counters (loaded, less done, less in
-- flight); those due, of running campaigns not paused: all of them when the last
-- is due, none when the first is not, else counted in the recipients_waiting index,
-- the due ones or the others, whichever side has fewer than $2 (both at least $2:
-- $2, a lower bound); and the ids of the stalled ones: running, not paused, with a
-- delivery they may release (due, their slot come, no rate holding them) and
-- nothing released or applied for $1 seconds since they could have been.
WITH active AS (
    SELECT c.id, c.status, c.paused_at IS NOT NULL AS paused,
           CASE WHEN c.status = 'scheduled' THEN 0
                ELSE greatest(c.recipients_loaded - c.recipients_done - c.outstanding, 0)
           END AS waiting,
           greatest(coalesce(c.progress_at, c.started_at), c.held_until,
                    CASE WHEN c.interval_seconds > 0 THEN c.next_slot_at END) AS free_since
    FROM campaigns c
    WHERE c.status IN ('scheduled', 'snapshotting', 'running')
), ends AS MATERIALIZED (
    -- (once: each probe below is named several times)
    SELECT a.*,
           (SELECT r.due_at FROM recipients r
            WHERE r.campaign_id = a.id AND r.waiting
            ORDER BY r.due_at LIMIT 1) AS first_due,
           (SELECT r.due_at FROM recipients r
            WHERE r.campaign_id = a.id AND r.waiting
            ORDER BY r.due_at DESC LIMIT 1) AS last_due
    FROM active a
    WHERE a.status = 'running' AND NOT a.paused
), due AS (
    SELECT e.id, e.free_since, e.first_due,
           CASE
               WHEN e.first_due IS NULL OR e.first_due > now() THEN 0
               WHEN e.last_due <= now() THEN e.waiting
               ELSE (
                   SELECT CASE WHEN d.n < $2 THEN d.n
                               WHEN f.n < $2 THEN greatest(e.waiting - f.n, d.n)
                               ELSE d.n END
                   FROM (SELECT count(*) AS n FROM (
                             SELECT 1 FROM recipients r
                             WHERE r.campaign_id = e.id AND r.waiting
                               AND r.due_at <= now()
                             ORDER BY r.due_at LIMIT $2) s) d,
                        (SELECT count(*) AS n FROM (
                             SELECT 1 FROM recipients r
                             WHERE r.campaign_id = e.id AND r.waiting
                               AND r.due_at > now()
                             ORDER BY r.due_at LIMIT $2) s) f)
           END AS due
    FROM ends e
)
SELECT (SELECT count(*) FROM active WHERE status = 'scheduled') AS scheduled,
       (SELECT count(*) FROM active WHERE status = 'snapshotting') AS snapshotting,
       (SELECT count(*) FROM active WHERE status = 'running' AND NOT paused) AS running,
       (SELECT count(*) FROM active WHERE status = 'running' AND paused) AS paused,
       (SELECT coalesce(sum(waiting), 0) FROM active)::bigint AS waiting,
       (SELECT coalesce(sum(due), 0) FROM due)::bigint AS due,
       (SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM due
        WHERE due > 0
          AND greatest(free_since, first_due) < now() - make_interval(secs => $1)) AS stalled
