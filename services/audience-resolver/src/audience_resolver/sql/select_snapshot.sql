SELECT campaign_id, tenant_id, audience_size, unknown_count, unknown_external_ids, taken_at
FROM snapshots
WHERE campaign_id = $1
