-- Release up to $2 due deliveries of campaign $1, in order.  The UPDATE re-checks
-- the state it claims ('waiting'): a replica that read the same rows before
-- another released them releases none of them twice, whatever the locking
-- (SKIP LOCKED only spares it the wait for rows another replica is releasing).
-- The due rows are chosen once (MATERIALIZED), never again for each row updated,
-- and locked, so the UPDATE reaches each by its ctid (never by an index scan per
-- row, which stale statistics can make a scan of the campaign's waiting rows).
-- The limit is a subquery, so the planner takes it for a small share of the rows
-- whatever it believes the campaign holds: reading the index in its order and
-- stopping at the limit is then always the cheapest plan.  With the limit in
-- sight and a campaign its statistics do not know (new, or loaded since the last
-- ANALYZE: they count it a handful of rows), it read and sorted every waiting row
-- of the campaign at each claim instead.
WITH due AS MATERIALIZED (
    SELECT ctid AS row_id, recipient_no FROM recipients
    WHERE campaign_id = $1 AND waiting
      AND due_at <= clock_timestamp() + interval '2 ms'
    ORDER BY due_at, recipient_no
    LIMIT (SELECT $2::int)
    FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE recipients r
    SET state = 'released', released_at = clock_timestamp()
    FROM due
    WHERE r.ctid = due.row_id AND r.state = 'waiting'
    RETURNING r.recipient_no, r.step_no, r.recipient, r.released_at, r.quota_taken
)
SELECT coalesce(
    json_agg(json_build_object('recipient_no', recipient_no, 'step_no', step_no,
                               'recipient', recipient, 'released_at', released_at,
                               'quota_taken', quota_taken)
             ORDER BY released_at, recipient_no),
    '[]')::text
FROM claimed
