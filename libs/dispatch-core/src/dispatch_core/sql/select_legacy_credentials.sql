-- Connections whose credentials are still in clear (stored before they were sealed).
SELECT tenant_id, connection_id, legacy_credentials
FROM connections
WHERE legacy_credentials IS NOT NULL
