-- Campaign $1's recipients by where and how their chain stopped: each recipient's
-- first delivery (in step order) that is not sent, grouped by its step, status,
-- code and reason, with how many recipients stopped so.
SELECT step_no, status, error_code, error_reason, count(*) AS n
FROM (
    SELECT DISTINCT ON (recipient_no) recipient_no, step_no, status, error_code, error_reason
    FROM deliveries
    WHERE campaign_id = $1 AND status <> 'sent'
    ORDER BY recipient_no, step_no
) AS stopped
GROUP BY step_no, status, error_code, error_reason
ORDER BY step_no, n DESC
