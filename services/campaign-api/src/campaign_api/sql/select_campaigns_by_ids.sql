SELECT id, tenant_id, request_id, requested_by, name, connection_id, channel, audience, content,
       steps, interval_seconds, start_at, counts_toward_quota, status, audience_size,
       unknown_count, unknown_external_ids, created_at, started_at, finished_at,
       cancel_requested_at, sending_id, estimated_audience, started_by, resend_of, paused_at,
       pause
FROM campaigns
WHERE tenant_id = $1 AND id = ANY($2::uuid[])
ORDER BY connection_id, sending_id
