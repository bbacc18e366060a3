-- The pause of connection $2 of tenant $1 while it keeps the credentials it was
-- paused with ($3: their digest; a pause recorded without one holds until it ends).
SELECT paused_until, reason
FROM connection_pauses
WHERE tenant_id = $1 AND connection_id = $2 AND paused_until > now()
  AND (credentials_digest IS NULL OR credentials_digest = $3)
