-- One delivery claimed by its id for $3 seconds (a test event sent at once).
UPDATE webhook_deliveries AS d
SET next_attempt_at = $2::timestamptz + make_interval(secs => $3::double precision)
FROM webhooks AS w
WHERE d.id = $1 AND w.id = d.webhook_id AND d.status = 'pending'
RETURNING d.id, d.webhook_id, w.tenant_id, w.url, w.sealed_secret, d.event_type, d.payload,
          d.attempts, d.created_at
