UPDATE webhooks
SET url = coalesce($3, url),
    events = coalesce($4, events),
    progress_step = coalesce($5, progress_step),
    enabled = coalesce($6, enabled),
    sealed_secret = coalesce($7, sealed_secret),
    updated_at = now()
WHERE tenant_id = $1 AND id = $2
RETURNING id, tenant_id, url, events, progress_step, enabled, created_at, updated_at
