-- How many people number $2 of tenant $1 messaged on day $3, and whether $4 is one.
SELECT count(*) AS messaged, coalesce(bool_or(external_id = $4), false) AS includes
FROM daily_recipients
WHERE tenant_id = $1 AND connection_id = $2 AND day = $3
