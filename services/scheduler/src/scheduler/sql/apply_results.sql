-- Outcomes of campaign $1 move its released recipients on: a sent step makes the
-- next one wait its delay ($7, of $6 steps; not before its date $9, if it has one), a deferred one waits again as it was
-- (its original due time, so its order; its monthly usage kept), anything else
-- ends the chain; $8 false (a cancelled campaign): every chain ends.
WITH incoming AS (
    SELECT * FROM unnest($2::int[], $3::smallint[], $4::text[], $5::timestamptz[])
        AS t (recipient_no, step_no, status, sent_at)
), matched AS MATERIALIZED (
    -- one primary-key probe per result, run once (MATERIALIZED), so the UPDATE below
    -- reaches each row by its ctid: whatever the statistics say of a campaign's states
    -- (stale while it sends), neither part can become a scan of the campaign, or a
    -- probe per result and per released row (docs/decisions/scheduler-queries.md).
    -- No row lock first: the caller holds the campaign's row (FOR NO KEY UPDATE), so
    -- no other outcome moves these rows meanwhile, and the UPDATE re-checks the state
    -- and step it expects.
    SELECT r.row_id, r.recipient_no, i.step_no, i.status, i.sent_at,
           (i.status = 'sent' AND i.step_no < $6 AND $8::boolean) AS goes_on,
           (i.status = 'deferred' AND $8::boolean) AS waits
    FROM incoming i
    CROSS JOIN LATERAL (
        SELECT ctid AS row_id, recipient_no FROM recipients
        WHERE campaign_id = $1 AND recipient_no = i.recipient_no
          AND step_no = i.step_no AND state = 'released'
        LIMIT 1
    ) r
)
UPDATE recipients r
SET state = CASE WHEN m.goes_on OR m.waits THEN 'waiting' ELSE 'done' END,
    quota_taken = m.waits,
    step_no = CASE WHEN m.goes_on THEN m.step_no + 1 ELSE r.step_no END,
    due_at = CASE
        WHEN m.goes_on
        -- its delay after this step was sent, or its own date and time if later
        -- (greatest() passes over a step's NULL date)
        THEN greatest(
            coalesce(m.sent_at, clock_timestamp()) + make_interval(secs => ($7::float8[])[m.step_no + 1]),
            ($9::timestamptz[])[m.step_no + 1])
        ELSE r.due_at END
FROM matched m
WHERE r.ctid = m.row_id AND r.state = 'released'
  AND r.step_no = m.step_no  -- re-checked: not a later step released meanwhile
RETURNING r.recipient_no, m.step_no, m.status, r.state, r.due_at,
          r.recipient -> 'attributes' ->> 'timezone' AS timezone,
          extract(epoch FROM clock_timestamp() - r.released_at)::float8 AS since_release
