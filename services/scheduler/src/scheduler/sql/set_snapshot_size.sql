UPDATE campaigns
SET audience_size = $2, batch_count = $3
WHERE id = $1 AND audience_size IS NULL
