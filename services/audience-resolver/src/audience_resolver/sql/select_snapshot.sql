SELECT campaign_id, tenant_id, audience_size, unknown_count, unknown_external_ids,
       opted_out_count, opted_out_external_ids, error, taken_at
FROM snapshots
WHERE campaign_id = $1
