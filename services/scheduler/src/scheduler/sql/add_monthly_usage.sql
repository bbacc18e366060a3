UPDATE monthly_usage
SET released = released + $3
WHERE tenant_id = $1 AND month = $2
