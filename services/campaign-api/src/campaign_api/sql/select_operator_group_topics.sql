SELECT thread_id, connection_id, external_id, bound_at
FROM operator_group_topics
WHERE tenant_id = $1 AND chat_id = $2
ORDER BY thread_id
