-- Renames unless the new name is taken (then nothing is returned).
UPDATE templates
SET name = $3, updated_at = now()
WHERE tenant_id = $1 AND name = $2
  AND NOT EXISTS (SELECT 1 FROM templates WHERE tenant_id = $1 AND name = $3)
RETURNING tenant_id, name, steps, next_step_id, created_at, updated_at
