INSERT INTO webhooks (id, tenant_id, url, events, progress_step, sealed_secret, enabled)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id, tenant_id, url, events, progress_step, enabled, created_at, updated_at
