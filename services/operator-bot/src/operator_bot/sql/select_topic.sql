SELECT tenant_id, connection_id, external_id
FROM topics
WHERE chat_id = $1 AND thread_id = $2 AND NOT unbound
