SELECT tenant_id, jsonb_array_length(steps) AS step_count
FROM campaigns
WHERE id = $1
