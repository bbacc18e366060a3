-- Release up to $2 due deliveries of campaign $1, in order.  The UPDATE re-checks
-- the state it claims ('waiting'): a replica that read the same rows before
-- another released them releases none of them twice, whatever the locking
-- (SKIP LOCKED only spares it the wait for rows another replica is releasing).
-- The due rows are chosen once (MATERIALIZED), never again for each row updated,
-- and locked, so the UPDATE reaches each by its ctid (never by an index scan per
-- row, which stale statistics can make a scan of the campaign's waiting rows).
WITH due AS MATERIALIZED (
    SELECT ctid AS row_id, recipient_no FROM recipients
    WHERE campaign_id = $1 AND waiting
      AND due_at <= clock_timestamp() + interval '2 ms'
    ORDER BY due_at, recipient_no
    LIMIT $2
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
