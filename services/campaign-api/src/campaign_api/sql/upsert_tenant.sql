INSERT INTO tenants (id, plan, monthly_limit, subscription_ends_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (id) DO UPDATE
SET plan = EXCLUDED.plan,
    monthly_limit = EXCLUDED.monthly_limit,
    subscription_ends_at = EXCLUDED.subscription_ends_at,
    updated_at = now()
RETURNING id, plan, monthly_limit, subscription_ends_at, updated_at, (xmax = 0) AS created
