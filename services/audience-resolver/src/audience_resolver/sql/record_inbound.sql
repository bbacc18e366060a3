-- A person wrote to connection $2 of tenant $1 at $5: the dialog's last inbound
-- time moves forward; $6 is `stop` or `start` when the reply opts the contact out
-- or back in (else NULL), and counts unless a later one is recorded (STOP wins a
-- tie), so a late or redelivered reply changes nothing.
-- A dialog not known yet is recorded without a profile, so the next upsert
-- fills the profile in but keeps the activity and the opt-out.
INSERT INTO contacts AS c (
    tenant_id, connection_id, external_id, channel, last_inbound_at, opted_out_at,
    opt_changed_at, profile_updated_at
)
VALUES ($1, $2, $3, $4, $5::timestamptz,
        CASE WHEN $6::text = 'stop' THEN $5::timestamptz END,
        CASE WHEN $6::text IS NOT NULL THEN $5::timestamptz END, '-infinity')
ON CONFLICT (tenant_id, external_id, connection_id) DO UPDATE SET
    channel = COALESCE(c.channel, EXCLUDED.channel),
    last_inbound_at = GREATEST(c.last_inbound_at, EXCLUDED.last_inbound_at),
    opted_out_at = CASE
        WHEN EXCLUDED.opt_changed_at IS NOT NULL
         AND (EXCLUDED.opt_changed_at, EXCLUDED.opted_out_at IS NOT NULL)
             > (COALESCE(c.opt_changed_at, '-infinity'), c.opted_out_at IS NOT NULL)
        THEN EXCLUDED.opted_out_at ELSE c.opted_out_at END,
    opt_changed_at = CASE
        WHEN EXCLUDED.opt_changed_at IS NOT NULL
         AND (EXCLUDED.opt_changed_at, EXCLUDED.opted_out_at IS NOT NULL)
             > (COALESCE(c.opt_changed_at, '-infinity'), c.opted_out_at IS NOT NULL)
        THEN EXCLUDED.opt_changed_at ELSE c.opt_changed_at END
