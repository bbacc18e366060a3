SELECT tenant_id, completed_at, id_count, duplicates
FROM lists
WHERE list_id = $1
