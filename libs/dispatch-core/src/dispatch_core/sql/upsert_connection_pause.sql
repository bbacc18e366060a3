INSERT INTO connection_pauses (tenant_id, connection_id, paused_until, reason, credentials_digest,
                               bad_credentials)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (tenant_id, connection_id) DO UPDATE
SET paused_until = EXCLUDED.paused_until,
    reason = EXCLUDED.reason,
    credentials_digest = EXCLUDED.credentials_digest,
    bad_credentials = EXCLUDED.bad_credentials
