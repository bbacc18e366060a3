WITH incoming AS (
    SELECT * FROM unnest($2::int[], $3::smallint[], $4::text[], $5::timestamptz[])
        AS t (recipient_no, step_no, status, sent_at)
), matched AS (
    SELECT r.recipient_no, i.step_no, i.status, i.sent_at,
           (i.status = 'sent' AND i.step_no < $6 AND $8::boolean) AS goes_on
    FROM recipients r
    JOIN incoming i ON i.recipient_no = r.recipient_no AND i.step_no = r.step_no
    WHERE r.campaign_id = $1 AND r.state = 'released'
    FOR UPDATE OF r
)
UPDATE recipients r
SET state = CASE WHEN m.goes_on THEN 'waiting' ELSE 'done' END,
    step_no = CASE WHEN m.goes_on THEN m.step_no + 1 ELSE r.step_no END,
    due_at = CASE
        WHEN m.goes_on
        THEN coalesce(m.sent_at, clock_timestamp()) + make_interval(secs => ($7::float8[])[m.step_no + 1])
        ELSE r.due_at END
FROM matched m
WHERE r.campaign_id = $1 AND r.recipient_no = m.recipient_no
RETURNING r.recipient_no, m.step_no, m.status, r.state
