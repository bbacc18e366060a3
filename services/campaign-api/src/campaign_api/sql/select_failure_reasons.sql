SELECT status, error_code, error_reason, count(*) AS n
FROM deliveries
WHERE campaign_id = $1 AND status IN ('failed', 'skipped', 'unknown')
GROUP BY status, error_code, error_reason
ORDER BY n DESC, status, error_code
LIMIT 50
