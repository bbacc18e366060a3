SELECT id, tenant_id, url, events, progress_step, enabled, created_at, updated_at
FROM webhooks
WHERE tenant_id = $1 AND id = $2
