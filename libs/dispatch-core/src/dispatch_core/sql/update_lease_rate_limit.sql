-- The platform asked connection $2 of tenant $1 to wait until $4: held for
-- whoever sends for it next.
UPDATE connection_leases
SET rate_limited_until = greatest(rate_limited_until, $4)
WHERE tenant_id = $1 AND connection_id = $2 AND holder = $3
