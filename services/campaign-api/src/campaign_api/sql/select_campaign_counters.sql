SELECT campaign_id, status, count(*) AS n
FROM deliveries
WHERE campaign_id = ANY($1::uuid[])
GROUP BY campaign_id, status
