SELECT tenant_id, connection_id, channel, sealed_credentials, limits, first_used_at, deleted,
       updated_at
FROM connections
WHERE channel = ANY($1::text[]) AND updated_at > $2
ORDER BY updated_at
