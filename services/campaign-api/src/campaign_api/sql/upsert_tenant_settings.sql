INSERT INTO tenant_settings (tenant_id, settings, updated_at)
VALUES ($1, $2::text::jsonb, now())
ON CONFLICT (tenant_id) DO UPDATE SET settings = excluded.settings, updated_at = now()
RETURNING updated_at
