-- Person $3 wrote to connection $2 of tenant $1 at $4; $5 is `stop` or `start` when
-- the reply opts them out or back in (else NULL).  Only connections this dispatcher
-- serves are tracked; the time only moves forward; the latest STOP or START wins by
-- its time (STOP on a tie), so a redelivered or late one changes nothing.
INSERT INTO inbound_contacts AS i (tenant_id, connection_id, external_id, last_inbound_at,
                                   opted_out_at, opt_changed_at)
SELECT $1::text, $2::text, $3::text, $4::timestamptz,
       CASE WHEN $5::text = 'stop' THEN $4::timestamptz END,
       CASE WHEN $5::text IS NOT NULL THEN $4::timestamptz END
WHERE EXISTS (SELECT 1 FROM connections c WHERE c.tenant_id = $1 AND c.connection_id = $2)
ON CONFLICT (tenant_id, connection_id, external_id) DO UPDATE
SET last_inbound_at = greatest(i.last_inbound_at, EXCLUDED.last_inbound_at),
    opted_out_at = CASE
        WHEN EXCLUDED.opt_changed_at IS NOT NULL
         AND (EXCLUDED.opt_changed_at, EXCLUDED.opted_out_at IS NOT NULL)
             > (coalesce(i.opt_changed_at, '-infinity'), i.opted_out_at IS NOT NULL)
        THEN EXCLUDED.opted_out_at ELSE i.opted_out_at END,
    opt_changed_at = CASE
        WHEN EXCLUDED.opt_changed_at IS NOT NULL
         AND (EXCLUDED.opt_changed_at, EXCLUDED.opted_out_at IS NOT NULL)
             > (coalesce(i.opt_changed_at, '-infinity'), i.opted_out_at IS NOT NULL)
        THEN EXCLUDED.opt_changed_at ELSE i.opt_changed_at END
