UPDATE snapshots
SET audience_size = $2, unknown_count = $3, unknown_external_ids = $4
WHERE campaign_id = $1
