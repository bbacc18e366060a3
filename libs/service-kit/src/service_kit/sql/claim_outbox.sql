SELECT id, exchange, routing_key, message_id, message_type, body
FROM outbox
ORDER BY id
LIMIT $1
FOR UPDATE SKIP LOCKED
