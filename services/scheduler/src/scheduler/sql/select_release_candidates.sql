SELECT c.id, c.interval_seconds, c.held_until,
       extract(epoch FROM (
           CASE WHEN c.interval_seconds > 0 THEN greatest(w.due_at, c.next_slot_at) ELSE w.due_at END
       ) - clock_timestamp()) AS wait_seconds
FROM campaigns c
CROSS JOIN LATERAL (
    SELECT r.due_at FROM recipients r
    WHERE r.campaign_id = c.id AND r.waiting
    ORDER BY r.due_at, r.recipient_no
    LIMIT 1
) w
WHERE c.status = 'running' AND c.paused_at IS NULL
  AND (NOT c.counts_toward_quota OR c.monthly_limit IS NOT NULL
       OR EXISTS (SELECT 1 FROM tenants t WHERE t.id = c.tenant_id))
