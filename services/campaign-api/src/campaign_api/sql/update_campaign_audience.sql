UPDATE campaigns
SET audience_size = $2, unknown_count = $3, unknown_external_ids = $4
WHERE id = $1
