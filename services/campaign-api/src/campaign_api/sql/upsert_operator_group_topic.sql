INSERT INTO operator_group_topics (tenant_id, chat_id, thread_id, connection_id, external_id)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (tenant_id, chat_id, thread_id) DO UPDATE
SET connection_id = EXCLUDED.connection_id,
    external_id = EXCLUDED.external_id,
    bound_at = clock_timestamp()
RETURNING thread_id, connection_id, external_id, bound_at, (xmax = 0) AS created
