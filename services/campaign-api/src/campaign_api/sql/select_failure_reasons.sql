-- Campaign $1's failed, skipped and unknown deliveries by reason, from the tallies.
SELECT status, nullif(error_code, '') AS error_code, nullif(error_reason, '') AS error_reason,
       sum(n)::bigint AS n
FROM delivery_tallies
WHERE campaign_id = $1 AND status IN ('failed', 'skipped', 'unknown')
GROUP BY status, error_code, error_reason
HAVING sum(n) <> 0
ORDER BY n DESC, status, error_code
LIMIT 50
