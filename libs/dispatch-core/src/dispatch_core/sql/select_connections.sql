-- Connections of channels $1 whose row changed after $2 (the database's clock,
-- migration 011), in the order they changed.
SELECT tenant_id, connection_id, channel, sealed_credentials, limits, first_used_at, deleted,
       updated_at, changed_at
FROM connections
WHERE channel = ANY($1::text[]) AND changed_at > $2
ORDER BY changed_at
