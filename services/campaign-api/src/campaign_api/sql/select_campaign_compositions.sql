SELECT composition, fallback_reason, count(*) AS n
FROM deliveries
WHERE campaign_id = $1 AND composition IS NOT NULL
GROUP BY composition, fallback_reason
ORDER BY composition, fallback_reason
