SELECT id, exchange, routing_key, message_id, message_type, body
FROM outbox
WHERE $1::bigint[] IS NULL OR id = ANY($1::bigint[])
ORDER BY id
FOR UPDATE
