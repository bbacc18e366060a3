WITH claimed AS (
    UPDATE recipients r
    SET state = 'released', released_at = clock_timestamp()
    FROM (
        SELECT recipient_no FROM recipients
        WHERE campaign_id = $1 AND state = 'waiting'
          AND due_at <= clock_timestamp() + interval '2 ms'
        ORDER BY due_at, recipient_no
        LIMIT $2
        FOR UPDATE SKIP LOCKED
    ) due
    WHERE r.campaign_id = $1 AND r.recipient_no = due.recipient_no
    RETURNING r.recipient_no, r.step_no, r.recipient, r.released_at, r.quota_taken
)
SELECT coalesce(
    json_agg(json_build_object('recipient_no', recipient_no, 'step_no', step_no,
                               'recipient', recipient, 'released_at', released_at,
                               'quota_taken', quota_taken)
             ORDER BY released_at, recipient_no),
    '[]')::text
FROM claimed
