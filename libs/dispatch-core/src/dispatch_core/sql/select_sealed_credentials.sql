SELECT tenant_id, connection_id, sealed_credentials
FROM connections
WHERE sealed_credentials IS NOT NULL
