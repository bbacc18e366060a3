UPDATE templates
SET steps = $3, next_step_id = $4, updated_at = now()
WHERE tenant_id = $1 AND name = $2
RETURNING tenant_id, name, steps, next_step_id, created_at, updated_at
