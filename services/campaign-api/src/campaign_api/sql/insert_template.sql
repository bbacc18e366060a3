INSERT INTO templates (tenant_id, name, steps, next_step_id)
VALUES ($1, $2, $3, $4)
ON CONFLICT (tenant_id, name) DO NOTHING
RETURNING tenant_id, name, steps, next_step_id, created_at, updated_at
