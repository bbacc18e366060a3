-- Erase the texts of up to $2 deliveries that finished before $1, the oldest
-- first (through the partial index deliveries_text_kept); answers how many.
WITH expired AS (
    SELECT campaign_id, recipient_no, step_no
    FROM deliveries
    WHERE sent_text IS NOT NULL AND finished_at < $1
    ORDER BY finished_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
), erased AS (
    UPDATE deliveries AS d
    SET sent_text = NULL
    FROM expired AS e
    WHERE (d.campaign_id, d.recipient_no, d.step_no) = (e.campaign_id, e.recipient_no, e.step_no)
    RETURNING 1
)
SELECT count(*) FROM erased
