SELECT extract(epoch FROM min(start_at) - clock_timestamp()) AS wait_seconds
FROM campaigns
WHERE status = 'scheduled'
