SELECT tenant_id, name, steps, next_step_id, created_at, updated_at
FROM templates
WHERE tenant_id = $1 AND name = $2
FOR UPDATE
