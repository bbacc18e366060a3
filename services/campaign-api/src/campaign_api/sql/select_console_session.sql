SELECT k.id, k.tenant_id, k.role, k.connection_id, k.external_id, s.csrf_token
FROM console_sessions s
JOIN api_keys k ON k.id = s.key_id
WHERE s.token_hash = $1 AND s.expires_at > now() AND k.revoked_at IS NULL
