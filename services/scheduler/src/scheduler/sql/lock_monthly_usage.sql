SELECT u.released, t.monthly_limit
FROM monthly_usage u
LEFT JOIN tenants t ON t.id = u.tenant_id
WHERE u.tenant_id = $1 AND u.month = $2
FOR UPDATE OF u
