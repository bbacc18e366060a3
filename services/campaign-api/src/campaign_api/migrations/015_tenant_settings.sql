-- A tenant's own settings, changed by its admins (GET/PATCH /v1/settings): quiet
-- hours, the default time zone, the auto-pause default.  One document per tenant,
-- validated by campaign_api.domain.settings.TenantSettings (a field added there
-- needs no migration; a missing one reads as its default).
CREATE TABLE tenant_settings (
    tenant_id  text        PRIMARY KEY REFERENCES tenants (id),
    settings   jsonb       NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now()
);
