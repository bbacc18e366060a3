SELECT paused_until, reason
FROM connection_pauses
WHERE tenant_id = $1 AND connection_id = $2 AND paused_until > now()
