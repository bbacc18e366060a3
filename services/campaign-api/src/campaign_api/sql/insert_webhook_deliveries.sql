-- One delivery of an event to each of the tenant's enabled webhooks subscribed to
-- it (or to the one webhook $6 names); once per webhook and event key; only
-- when the campaign $4 (if any) is the tenant's.  The payload gets the row's id
-- as the event id.
INSERT INTO webhook_deliveries (id, webhook_id, event_key, event_type, campaign_id, payload,
                                next_attempt_at, created_at)
SELECT e.id, w.id, coalesce($3, e.id::text), $2, $4,
       $5::jsonb || jsonb_build_object('id', e.id::text), now(), now()
FROM webhooks AS w
CROSS JOIN LATERAL (SELECT gen_random_uuid() AS id, w.id AS webhook) AS e
WHERE w.tenant_id = $1
  AND ($6::uuid IS NULL AND w.enabled AND $2 = ANY (w.events) OR w.id = $6)
  AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM campaigns AS c
                                   WHERE c.id = $4 AND c.tenant_id = $1))
ON CONFLICT (webhook_id, event_key) DO NOTHING
RETURNING id
