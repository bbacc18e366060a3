-- When each API key was last used, to the minute: what a platform operator looks
-- at before revoking one (`GET /v1/tenants/{tenant_id}/api-keys`).
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;
