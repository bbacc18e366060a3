SELECT tenant_id, name, steps
FROM templates
WHERE tenant_id = $1 AND name = $2
