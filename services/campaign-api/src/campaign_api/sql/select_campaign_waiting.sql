-- Campaign $1's deliveries waiting for their connection's next allowance: how
-- many, until when, and why (the reason of the latest to go).
SELECT count(*) AS n, max(waiting_until) AS until,
       (array_agg(error_reason ORDER BY waiting_until DESC NULLS LAST))[1] AS reason
FROM deliveries
WHERE campaign_id = $1 AND status = 'waiting'
