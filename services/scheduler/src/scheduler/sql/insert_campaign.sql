INSERT INTO campaigns (id, tenant_id, connection_id, channel, name, audience, steps, step_count,
                       step_delays, interval_seconds, start_at, counts_toward_quota, monthly_limit,
                       quiet_start, quiet_end, default_timezone, auto_pause_ratio,
                       auto_pause_window)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
ON CONFLICT (id) DO NOTHING
