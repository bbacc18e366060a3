SELECT tenant_id, id, sealed_credentials
FROM connections
WHERE sealed_credentials IS NOT NULL
