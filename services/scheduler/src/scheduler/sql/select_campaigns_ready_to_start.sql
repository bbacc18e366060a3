SELECT id
FROM campaigns
WHERE status = 'snapshotting'
  AND audience_size IS NOT NULL
  AND batches_received >= batch_count
  AND start_at <= clock_timestamp()
