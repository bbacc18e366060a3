SELECT extract(epoch FROM min(start_at) FILTER (WHERE status = 'scheduled')
                          - make_interval(secs => $1) - clock_timestamp()) AS snapshot_in,
       extract(epoch FROM min(start_at) FILTER (
                              WHERE status = 'snapshotting' AND audience_size IS NOT NULL
                                AND batches_received >= batch_count)
                          - clock_timestamp()) AS start_in
FROM campaigns
WHERE status IN ('scheduled', 'snapshotting')
