WITH usage AS (
    INSERT INTO monthly_usage AS u (tenant_id, month) VALUES ($1, $2)
    ON CONFLICT (tenant_id, month) DO UPDATE SET released = u.released
    RETURNING u.released
)
SELECT usage.released,
       coalesce((SELECT t.monthly_limit FROM tenants t WHERE t.id = $1), $3::integer)
           AS monthly_limit
FROM usage
