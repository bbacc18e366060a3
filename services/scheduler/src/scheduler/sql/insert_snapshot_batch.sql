INSERT INTO snapshot_batches (campaign_id, batch_no)
VALUES ($1, $2)
ON CONFLICT DO NOTHING
RETURNING batch_no
