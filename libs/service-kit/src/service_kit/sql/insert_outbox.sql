INSERT INTO outbox (exchange, routing_key, message_id, message_type, body)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[])
RETURNING id
