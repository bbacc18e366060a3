-- Messages the tenant's campaigns starting in [$2, $3) send or will send: the
-- snapshot (or the estimate) times the steps; for a cancelled campaign, what it sent.
SELECT coalesce(sum(
    CASE WHEN c.status = 'cancelled'
         THEN (SELECT count(*) FROM deliveries d
               WHERE d.campaign_id = c.id AND d.status IN ('sent', 'failed', 'unknown'))
         ELSE coalesce(c.audience_size, c.estimated_audience, 0) * jsonb_array_length(c.steps)
    END), 0) AS messages
FROM campaigns c
WHERE c.tenant_id = $1 AND c.counts_toward_quota AND c.start_at >= $2 AND c.start_at < $3
