-- Holder $3 renews its leases among the connections named ($1, $2) and takes
-- those free or expired, each for $4 seconds; for those it held it records when
-- it last sent ($5) and until when it must wait ($6).  Returns the leases it
-- holds now, with their previous holder and expiry (to tell a takeover) and what
-- the connection left.
UPDATE connection_leases AS l
SET holder = $3,
    expires_at = now() + make_interval(secs => $4),
    last_send_at = CASE WHEN l.holder = $3 THEN greatest(l.last_send_at, t.last_send_at)
                        ELSE l.last_send_at END,
    rate_limited_until = CASE WHEN l.holder = $3
                              THEN greatest(l.rate_limited_until, t.rate_limited_until)
                              ELSE l.rate_limited_until END
FROM unnest($1::text[], $2::text[], $5::timestamptz[], $6::timestamptz[])
         AS t (tenant_id, connection_id, last_send_at, rate_limited_until),
     connection_leases AS before
WHERE l.tenant_id = t.tenant_id AND l.connection_id = t.connection_id
  AND before.tenant_id = l.tenant_id AND before.connection_id = l.connection_id
  AND (l.holder = $3 OR l.holder IS NULL OR l.expires_at < now())
RETURNING l.tenant_id, l.connection_id, before.holder AS previous_holder,
          before.expires_at AS previous_expires_at, l.last_send_at, l.rate_limited_until
