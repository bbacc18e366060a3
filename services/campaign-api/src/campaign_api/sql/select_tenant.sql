SELECT id, plan, monthly_limit, subscription_ends_at
FROM tenants
WHERE id = $1
