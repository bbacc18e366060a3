-- Holder $3 stops sending for these connections (shutting down, or the
-- connection went to another process): free at once, with what it leaves.
UPDATE connection_leases AS l
SET holder = NULL,
    expires_at = now(),
    last_send_at = greatest(l.last_send_at, t.last_send_at),
    rate_limited_until = greatest(l.rate_limited_until, t.rate_limited_until)
FROM unnest($1::text[], $2::text[], $4::timestamptz[], $5::timestamptz[])
         AS t (tenant_id, connection_id, last_send_at, rate_limited_until)
WHERE l.tenant_id = t.tenant_id AND l.connection_id = t.connection_id AND l.holder = $3
