-- The campaigns' deliveries by status, from the tallies the triggers keep.
SELECT campaign_id, status, sum(n)::bigint AS n
FROM delivery_tallies
WHERE campaign_id = ANY($1::uuid[])
GROUP BY campaign_id, status
HAVING sum(n) <> 0
