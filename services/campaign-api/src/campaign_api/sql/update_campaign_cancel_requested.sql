UPDATE campaigns
SET cancel_requested_at = coalesce(cancel_requested_at, now())
WHERE tenant_id = $1 AND id = $2 AND status NOT IN ('completed', 'cancelled')
RETURNING cancel_requested_at
