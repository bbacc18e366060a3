-- Recipients of campaign $1 (numbers $2) wait again, due at $3 (the same order): a
-- release found them inside quiet hours, or their next step falls inside them.
UPDATE recipients r
SET state = 'waiting', released_at = NULL, due_at = m.due_at
FROM unnest($2::int[], $3::timestamptz[]) AS m (recipient_no, due_at)
WHERE r.campaign_id = $1 AND r.recipient_no = m.recipient_no
  AND r.state IN ('waiting', 'released')
