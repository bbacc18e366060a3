-- New credentials ($3: their digest) lift a pause made with other ones.
DELETE FROM connection_pauses
WHERE tenant_id = $1 AND connection_id = $2 AND credentials_digest IS DISTINCT FROM $3
