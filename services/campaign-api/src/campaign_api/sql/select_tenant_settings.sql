SELECT settings::text AS settings, updated_at FROM tenant_settings WHERE tenant_id = $1
