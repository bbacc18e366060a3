DELETE FROM templates
WHERE tenant_id = $1 AND name = $2
RETURNING name
