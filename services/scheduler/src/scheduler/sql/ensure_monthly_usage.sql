INSERT INTO monthly_usage (tenant_id, month) VALUES ($1, $2)
ON CONFLICT DO NOTHING
