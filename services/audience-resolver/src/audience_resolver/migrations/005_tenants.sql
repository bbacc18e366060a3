-- The tenants that exist (from `tenant.updated.v1`): a contact or an inbound
-- message of any other tenant is refused.  Tenants that already have contacts,
-- lists or snapshots exist; one created before this table with none of them is
-- known again at its next `PUT /v1/tenants/{id}`.
CREATE TABLE tenants (
    id         text        PRIMARY KEY,
    updated_at timestamptz NOT NULL
);

INSERT INTO tenants (id, updated_at)
SELECT tenant_id, now() FROM contacts
UNION
SELECT tenant_id, now() FROM snapshots
ON CONFLICT (id) DO NOTHING;
