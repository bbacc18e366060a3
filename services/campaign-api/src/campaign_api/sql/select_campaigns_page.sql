SELECT id, tenant_id, request_id, requested_by, name, connection_id, channel, audience, content,
       steps, interval_seconds, start_at, counts_toward_quota, status, audience_size,
       unknown_count, unknown_external_ids, created_at, started_at, finished_at,
       cancel_requested_at, sending_id, estimated_audience, started_by, resend_of, paused_at,
       pause
FROM campaigns
WHERE tenant_id = $1
  AND ($2::text IS NULL
       OR CASE WHEN paused_at IS NOT NULL AND status IN ('scheduled', 'running') THEN 'paused'
               ELSE status END = $2)
  AND ($3::text IS NULL OR connection_id = $3)
  AND ($7::integer IS NULL OR sending_id = $7)
  AND ($8::text IS NULL
       OR id IN (SELECT campaign_id FROM deliveries WHERE external_id = $8)
       OR audience -> 'external_ids' ? $8)
  AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5::uuid))
ORDER BY created_at DESC, id DESC
LIMIT $6
