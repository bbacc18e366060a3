-- Up to $2 due deliveries of enabled webhooks, claimed for $3 seconds (SKIP
-- LOCKED: replicas take different rows; a claim left by a dead process is due
-- again when it runs out), with what sending them needs.
WITH due AS (
    SELECT d.id
    FROM webhook_deliveries AS d
    JOIN webhooks AS w ON w.id = d.webhook_id
    WHERE d.status = 'pending' AND d.next_attempt_at <= $1::timestamptz AND w.enabled
    ORDER BY d.next_attempt_at
    LIMIT $2
    FOR UPDATE OF d SKIP LOCKED
)
UPDATE webhook_deliveries AS d
SET next_attempt_at = $1::timestamptz + make_interval(secs => $3::double precision)
FROM due, webhooks AS w
WHERE d.id = due.id AND w.id = d.webhook_id
RETURNING d.id, d.webhook_id, w.tenant_id, w.url, w.sealed_secret, d.event_type, d.payload,
          d.attempts, d.created_at
