-- A person wrote to connection $2 of tenant $1 at $5: the dialog's last inbound
-- time moves forward, and $6 (the time of a STOP) opts the contact out for good.
-- A dialog not known yet is recorded without a profile, so the next upsert
-- fills the profile in but keeps the activity and the opt-out.
INSERT INTO contacts AS c (
    tenant_id, connection_id, external_id, channel, last_inbound_at, opted_out_at,
    profile_updated_at
)
VALUES ($1, $2, $3, $4, $5, $6, '-infinity')
ON CONFLICT (tenant_id, external_id, connection_id) DO UPDATE SET
    channel = COALESCE(c.channel, EXCLUDED.channel),
    last_inbound_at = GREATEST(c.last_inbound_at, EXCLUDED.last_inbound_at),
    opted_out_at = COALESCE(c.opted_out_at, EXCLUDED.opted_out_at)
