-- The platform accepted credentials ($3: their digest) when checked: lift the
-- pause it made by refusing those same credentials.
DELETE FROM connection_pauses
WHERE tenant_id = $1 AND connection_id = $2 AND bad_credentials AND credentials_digest = $3
RETURNING reason
