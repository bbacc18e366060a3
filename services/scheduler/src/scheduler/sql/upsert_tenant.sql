INSERT INTO tenants (id, monthly_limit, subscription_ends_at, updated_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (id) DO UPDATE
SET monthly_limit = EXCLUDED.monthly_limit,
    subscription_ends_at = EXCLUDED.subscription_ends_at,
    updated_at = EXCLUDED.updated_at
WHERE tenants.updated_at <= EXCLUDED.updated_at
