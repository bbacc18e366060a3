INSERT INTO campaigns (id, tenant_id, request_id, requested_by, name, connection_id, channel,
                       audience, content, steps, interval_seconds, start_at, counts_toward_quota,
                       estimated_audience, sending_id, started_by, resend_of)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
