DELETE FROM operator_group_topics
WHERE tenant_id = $1 AND chat_id = $2 AND thread_id = $3
RETURNING thread_id, connection_id, external_id, clock_timestamp() AS bound_at
