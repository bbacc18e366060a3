-- Campaign $1's deliveries by where their text came from, from the tallies.
SELECT composition, nullif(fallback_reason, '') AS fallback_reason, sum(n)::bigint AS n
FROM delivery_tallies
WHERE campaign_id = $1 AND composition <> ''
GROUP BY composition, fallback_reason
HAVING sum(n) <> 0
ORDER BY composition, fallback_reason
