INSERT INTO topics AS t (chat_id, thread_id, tenant_id, connection_id, external_id, unbound,
                         bound_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (chat_id, thread_id) DO UPDATE
SET tenant_id = EXCLUDED.tenant_id, connection_id = EXCLUDED.connection_id,
    external_id = EXCLUDED.external_id, unbound = EXCLUDED.unbound, bound_at = EXCLUDED.bound_at
WHERE t.bound_at < EXCLUDED.bound_at
