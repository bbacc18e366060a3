-- Person $3 wrote to connection $2 of tenant $1 at $4 ($5: the time, if it was a
-- STOP).  Only connections this dispatcher serves are tracked; the time only moves
-- forward and an opt-out is never lifted.
INSERT INTO inbound_contacts AS i (tenant_id, connection_id, external_id, last_inbound_at,
                                   opted_out_at)
SELECT $1::text, $2::text, $3::text, $4::timestamptz, $5::timestamptz
WHERE EXISTS (SELECT 1 FROM connections c WHERE c.tenant_id = $1 AND c.connection_id = $2)
ON CONFLICT (tenant_id, connection_id, external_id) DO UPDATE
SET last_inbound_at = greatest(i.last_inbound_at, EXCLUDED.last_inbound_at),
    opted_out_at = coalesce(i.opted_out_at, EXCLUDED.opted_out_at)
