UPDATE snapshots
SET audience_size = $2, unknown_count = $3, unknown_external_ids = $4,
    opted_out_count = $5, opted_out_external_ids = $6, error = $7
WHERE campaign_id = $1
